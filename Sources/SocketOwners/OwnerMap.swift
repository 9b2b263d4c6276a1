/// Socket inode → `OwnerCache.Owner`, the biggest structure the exporter keeps between scrapes
/// (one entry per socket a process holds). Same open addressing as `IntegerMap` (linear
/// probing, Fibonacci hashing, key 0 empty, removal by shifting back), but each owner is packed
/// into 8 bytes with no Optional around it: 12 bytes a slot instead of 16, which at a million
/// sockets (2M slots) is 24 MB instead of 32.
struct OwnerMap {
    /// Three words a slot: the inode (0: empty), then the packed owner's low and high halves,
    /// fd (low 32 bits) | pid (bits 32…61) | trusted (bit 62) | inDump (bit 63). One array, so
    /// a lookup touches one cache line where separate key and value arrays touched two.
    private var words: [UInt32]
    private var shift: UInt64
    private(set) var count = 0

    init(minimumCapacity: Int = 0) {
        var bits: UInt64 = 4
        while (1 << bits) < minimumCapacity * 2 { bits += 1 }
        words = [UInt32](repeating: 0, count: 3 << bits)
        shift = 64 - bits
    }

    private var capacity: Int { words.count / 3 }

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

    @inline(__always)
    private func key(at slot: Int) -> UInt32 { words[3 * slot] }

    @inline(__always)
    private func value(at slot: Int) -> UInt64 {
        UInt64(words[3 * slot + 1]) | UInt64(words[3 * slot + 2]) << 32
    }

    @inline(__always)
    private mutating func set(_ slot: Int, key: UInt32, value: UInt64) {
        words[3 * slot] = key
        words[3 * slot + 1] = UInt32(truncatingIfNeeded: value)
        words[3 * slot + 2] = UInt32(truncatingIfNeeded: value >> 32)
    }

    /// The slot holding `inode`, if present.
    func slot(of inode: UInt32) -> Int? {
        let mask = capacity - 1
        var index = home(inode)
        while true {
            let found = key(at: index)
            if found == inode { return index }
            if found == 0 { return nil }
            index = (index + 1) & mask
        }
    }

    subscript(slot slot: Int) -> OwnerCache.Owner {
        get { Self.unpack(value(at: slot)) }
        set { set(slot, key: key(at: slot), value: Self.pack(newValue)) }
    }

    subscript(inode: UInt32) -> OwnerCache.Owner? {
        get { slot(of: inode).map { Self.unpack(value(at: $0)) } }
        set {
            precondition(inode != 0, "0 is not an inode")
            if let newValue { insert(inode, Self.pack(newValue)) } else { remove(inode) }
        }
    }

    /// Whether the owner in `slot` was in this scrape's dump, without unpacking it.
    func inDump(slot: Int) -> Bool { words[3 * slot + 2] & 1 << 31 != 0 }

    mutating func markInDump(slot: Int) { words[3 * slot + 2] |= 1 << 31 }

    private mutating func insert(_ key: UInt32, _ value: UInt64) {
        if let existing = slot(of: key) {
            set(existing, key: key, value: value)
            return
        }
        if (count + 1) * 4 > capacity * 3 { grow() }
        let mask = capacity - 1
        var index = home(key)
        while self.key(at: index) != 0 { index = (index + 1) & mask }
        set(index, key: key, value: value)
        count += 1
    }

    private mutating func remove(_ key: UInt32) {
        guard var hole = slot(of: key) else { return }
        let mask = capacity - 1
        var index = hole
        while true {
            index = (index + 1) & mask
            let next = self.key(at: index)
            if next == 0 { break }
            let wanted = home(next)
            // `next` stays when its home lies cyclically in (hole, index].
            let stays = hole <= index ? (wanted > hole && wanted <= index) : (wanted > hole || wanted <= index)
            if stays { continue }
            set(hole, key: next, value: value(at: index))
            hole = index
        }
        set(hole, key: 0, value: 0)
        count -= 1
    }

    /// Makes room for `total` owners at once, instead of doubling (and moving every owner)
    /// again and again while a million are added.
    mutating func reserveCapacity(_ total: Int) {
        guard total * 4 > capacity * 3 else { return }
        rebuild(minimumCapacity: total)
    }

    private mutating func grow() {
        rebuild(minimumCapacity: capacity)
    }

    private mutating func rebuild(minimumCapacity: Int) {
        var larger = OwnerMap(minimumCapacity: minimumCapacity)
        for slot in 0..<capacity where key(at: slot) != 0 { larger.insert(key(at: slot), value(at: slot)) }
        self = larger
    }

    func forEach(_ body: (_ inode: UInt32, _ owner: OwnerCache.Owner) -> Void) {
        for slot in 0..<capacity where key(at: slot) != 0 { body(key(at: slot), Self.unpack(value(at: slot))) }
    }

    /// For every owner: trusted = inDump, inDump = false (a new scan begins; see `OwnerCache.scan`).
    mutating func startScan() {
        for slot in 0..<capacity where key(at: slot) != 0 {
            let high = words[3 * slot + 2]
            let inDump = high >> 31
            words[3 * slot + 2] = high & 0x3fff_ffff | inDump << 30
        }
    }
}
