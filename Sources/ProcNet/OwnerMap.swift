/// Socket inode → `OwnerCache.Owner`, the biggest structure the exporter keeps between scrapes
/// (one entry per socket a process holds). Same open addressing as `IntegerMap` (linear
/// probing, Fibonacci hashing, key 0 empty, removal by shifting back), but each owner is packed
/// into 8 bytes with no Optional around it: 12 bytes a slot instead of 16, which at a million
/// sockets (2M slots) is 24 MB instead of 32.
struct OwnerMap {
    private var keys: [UInt32]
    /// fd (low 32 bits) | pid (bits 32…61) | trusted (bit 62) | inDump (bit 63).
    private var values: [UInt64]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 0) {
        var bits: UInt64 = 4
        while (1 << bits) < minimumCapacity * 2 { bits += 1 }
        keys = [UInt32](repeating: 0, count: 1 << bits)
        values = [UInt64](repeating: 0, count: 1 << bits)
        shift = 64 - bits
    }

    private static func pack(_ owner: OwnerCache.Owner) -> UInt64 {
        UInt64(UInt32(bitPattern: owner.fd)) | UInt64(UInt32(bitPattern: owner.pid) & 0x3fff_ffff) << 32
            | (owner.trusted ? 1 << 62 : 0) | (owner.inDump ? 1 << 63 : 0)
    }

    private static func unpack(_ value: UInt64) -> OwnerCache.Owner {
        OwnerCache.Owner(pid: Int32(truncatingIfNeeded: value >> 32 & 0x3fff_ffff),
                         fd: Int32(bitPattern: UInt32(truncatingIfNeeded: value)),
                         trusted: value & 1 << 62 != 0, inDump: value & 1 << 63 != 0)
    }

    @inline(__always)
    private func home(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot holding `inode`, if present.
    func slot(of inode: UInt32) -> Int? {
        let mask = keys.count - 1
        var index = home(inode)
        while true {
            let found = keys[index]
            if found == inode { return index }
            if found == 0 { return nil }
            index = (index + 1) & mask
        }
    }

    subscript(slot slot: Int) -> OwnerCache.Owner {
        get { Self.unpack(values[slot]) }
        set { values[slot] = Self.pack(newValue) }
    }

    subscript(inode: UInt32) -> OwnerCache.Owner? {
        get { slot(of: inode).map { Self.unpack(values[$0]) } }
        set {
            precondition(inode != 0, "0 is not an inode")
            if let newValue { insert(inode, Self.pack(newValue)) } else { remove(inode) }
        }
    }

    /// Whether the owner in `slot` was in this scrape's dump, without unpacking it.
    func inDump(slot: Int) -> Bool { values[slot] & 1 << 63 != 0 }

    mutating func markInDump(slot: Int) { values[slot] |= 1 << 63 }

    private mutating func insert(_ key: UInt32, _ value: UInt64) {
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

    private mutating func remove(_ key: UInt32) {
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
        values[hole] = 0
        count -= 1
    }

    private mutating func grow() {
        var larger = OwnerMap(minimumCapacity: keys.count)
        for index in keys.indices where keys[index] != 0 { larger.insert(keys[index], values[index]) }
        self = larger
    }

    func forEach(_ body: (_ inode: UInt32, _ owner: OwnerCache.Owner) -> Void) {
        for index in keys.indices where keys[index] != 0 { body(keys[index], Self.unpack(values[index])) }
    }

    /// For every owner: trusted = inDump, inDump = false (a new scan begins; see `OwnerCache.scan`).
    mutating func startScan() {
        for index in values.indices where keys[index] != 0 {
            let inDump = values[index] >> 63
            values[index] = values[index] & 0x3fff_ffff_ffff_ffff | inDump << 62
        }
    }
}
