/// A hash map from socket inode to a value, for the owner lookups of a scrape (one per socket,
/// 100k and more). Open addressing with linear probing and Fibonacci hashing: the standard
/// Dictionary's seeded SipHash costs several times more per lookup of a 32-bit key. Inode 0
/// (no socket) is never a key, so it marks an empty slot.
struct InodeMap<Value> {
    private var keys: [UInt32]
    private var values: [Value?]
    private var shift: UInt32
    private(set) var count = 0

    init(minimumCapacity: Int = 0) {
        var bits: UInt32 = 4
        while (1 << bits) < minimumCapacity * 2 { bits += 1 }
        keys = [UInt32](repeating: 0, count: 1 << bits)
        values = [Value?](repeating: nil, count: 1 << bits)
        shift = 32 - bits
    }

    @inline(__always)
    private func home(_ key: UInt32) -> Int {
        Int((key &* 0x9E37_79B1) >> shift)
    }

    /// The slot holding `key`, if present.
    @inline(__always)
    func slot(of key: UInt32) -> Int? {
        let mask = keys.count - 1
        var index = home(key)
        while true {
            let found = keys[index]
            if found == key { return index }
            if found == 0 { return nil }
            index = (index + 1) & mask
        }
    }

    subscript(slot slot: Int) -> Value {
        get { values[slot]! }
        set { values[slot] = newValue }
    }

    subscript(key: UInt32) -> Value? {
        get { slot(of: key).map { values[$0]! } }
        set {
            precondition(key != 0, "inode 0 is not a key")
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    private mutating func insert(_ key: UInt32, _ value: Value) {
        if let existing = slot(of: key) {
            values[existing] = value
            return
        }
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let mask = keys.count - 1
        var index = home(key)
        while keys[index] != 0 { index = (index + 1) & mask }
        keys[index] = key
        values[index] = value
        count += 1
    }

    /// Removes by shifting later entries of the same probe run back (no tombstones).
    private mutating func remove(_ key: UInt32) {
        guard var hole = slot(of: key) else { return }
        let mask = keys.count - 1
        var index = hole
        while true {
            index = (index + 1) & mask
            let next = keys[index]
            if next == 0 { break }
            let wanted = home(next)
            // Move `next` into the hole unless its home lies cyclically in (hole, index].
            let inRun = hole <= index ? (wanted > hole && wanted <= index) : (wanted > hole || wanted <= index)
            if inRun { continue }
            keys[hole] = next
            values[hole] = values[index]
            hole = index
        }
        keys[hole] = 0
        values[hole] = nil
        count -= 1
    }

    private mutating func grow() {
        var larger = InodeMap(minimumCapacity: keys.count)
        for (index, key) in keys.enumerated() where key != 0 { larger.insert(key, values[index]!) }
        self = larger
    }

    func forEach(_ body: (UInt32, Value) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]!) }
    }

    /// Calls `body` with each entry's value, in place.
    mutating func updateAll(_ body: (inout Value) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(&values[index]!) }
    }
}

extension InodeMap: Sendable where Value: Sendable {}
