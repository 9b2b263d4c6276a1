/// A hash map from a non-zero unsigned integer (a socket inode, a packed label key) to a
/// value, for the per-socket lookups of a scrape (100k and more). Open addressing with linear
/// probing and Fibonacci hashing: the standard Dictionary's seeded SipHash costs several times
/// more per lookup of a small integer key. Key 0 marks an empty slot, so it cannot be stored.
///
/// Inlinable so that other modules get it specialized for their key and value types.
public struct IntegerMap<Key: FixedWidthInteger & UnsignedInteger, Value> {
    @usableFromInline var keys: [Key]
    @usableFromInline var values: [Value?]
    @usableFromInline var shift: UInt64
    @usableFromInline var storedCount = 0
    public var count: Int { storedCount }

    @inlinable
    public init(minimumCapacity: Int = 0) {
        var bits: UInt64 = 4
        while (1 << bits) < minimumCapacity * 2 { bits += 1 }
        keys = [Key](repeating: 0, count: 1 << bits)
        values = [Value?](repeating: nil, count: 1 << bits)
        shift = 64 - bits
    }

    @inlinable @inline(__always)
    func home(_ key: Key) -> Int {
        var folded = UInt64(truncatingIfNeeded: key)
        // A 128-bit key (an IPv6 network: its low half often all 0) folds its high half in.
        if Key.bitWidth > 64 { folded ^= UInt64(truncatingIfNeeded: key >> 64) &* 0xFF51_AFD7_ED55_8CCD }
        return Int(truncatingIfNeeded: (folded &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot holding `key`, if present.
    @inlinable @inline(__always)
    public func slot(of key: Key) -> Int? {
        let mask = keys.count - 1
        var index = home(key)
        while true {
            let found = keys[index]
            if found == key { return index }
            if found == 0 { return nil }
            index = (index + 1) & mask
        }
    }

    @inlinable
    public subscript(slot slot: Int) -> Value {
        get { values[slot]! }
        set { values[slot] = newValue }
    }

    @inlinable
    public subscript(key: Key) -> Value? {
        get { slot(of: key).map { values[$0]! } }
        set {
            precondition(key != 0, "0 is not a key")
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    /// The slot of `key`, inserting `value()` first when it is absent. One probe run either way
    /// (a new key goes into the empty slot that ended the search), so a scrape that meets many
    /// new keys (peers of a SYN flood) pays once per key, not three times.
    @inlinable
    public mutating func slot(of key: Key, inserting value: () -> Value) -> Int {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let mask = keys.count - 1
        var index = home(key)
        while true {
            let found = keys[index]
            if found == key { return index }
            if found == 0 {
                keys[index] = key
                values[index] = value()
                storedCount += 1
                return index
            }
            index = (index + 1) & mask
        }
    }

    @inlinable
    mutating func insert(_ key: Key, _ value: Value) {
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
        storedCount += 1
    }

    /// Removes by shifting later entries of the same probe run back (no tombstones).
    @inlinable
    mutating func remove(_ key: Key) {
        guard var hole = slot(of: key) else { return }
        let mask = keys.count - 1
        var index = hole
        while true {
            index = (index + 1) & mask
            let next = keys[index]
            if next == 0 { break }
            let wanted = home(next)
            // `next` stays when its home lies cyclically in (hole, index].
            let stays = hole <= index ? (wanted > hole && wanted <= index) : (wanted > hole || wanted <= index)
            if stays { continue }
            keys[hole] = next
            values[hole] = values[index]
            hole = index
        }
        keys[hole] = 0
        values[hole] = nil
        storedCount -= 1
    }

    @inlinable
    mutating func grow() {
        var larger = IntegerMap(minimumCapacity: keys.count)
        let mask = larger.keys.count - 1
        // The keys are distinct: each goes straight to the first empty slot of its run.
        for (index, key) in keys.enumerated() where key != 0 {
            var target = larger.home(key)
            while larger.keys[target] != 0 { target = (target + 1) & mask }
            larger.keys[target] = key
            larger.values[target] = values[index]
        }
        larger.storedCount = storedCount
        self = larger
    }

    @inlinable
    public func forEach(_ body: (Key, Value) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], values[index]!) }
    }

    /// Calls `body` with each entry's value, in place.
    @inlinable
    public mutating func updateAll(_ body: (inout Value) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(&values[index]!) }
    }
}

extension IntegerMap: Sendable where Key: Sendable, Value: Sendable {}

/// Socket inode → value.
typealias InodeMap<Value> = IntegerMap<UInt32, Value>
