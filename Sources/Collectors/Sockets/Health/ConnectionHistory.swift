import SockDiag

/// Each open connection's counters as the last scrape saw them, keyed by socket cookie, so a
/// scrape adds only what moved since (and a closed connection's share, once added, stays).
///
/// 16 bytes per connection: its cookie, and one word holding its counters packed
/// (`TCPCounters.packed`, enough for a quiet connection: most of a large host's) or marking the
/// index of a 56-byte spill record for a busier one. Open addressing with linear probing over
/// one buffer of (cookie, word) slots (a probe touches one cache line), sized by multiply-shift
/// rather than to a power of two: it grows by half when more than 7/8 full, and each sweep
/// fits it to 1/0.85 of what it holds, so a million connections keep ~1.18 M slots (19 MB),
/// not 2 M. A raw buffer, not arrays: this runs once per connection per scrape, and an
/// array in a class pays a uniqueness and an exclusivity check on every write.
final class ConnectionHistory {
    private static let seen: UInt64 = 1 << 63
    private static let spilled: UInt64 = 1 << 63

    private struct Slot {
        /// 0: empty; bit 63: the connection was seen since the last sweep.
        var cookie: UInt64
        var word: UInt64
    }

    private var slots: UnsafeMutablePointer<Slot>
    private(set) var capacity: Int
    private var spill: [TCPCounters] = []
    private var freeSpill: [UInt32] = []
    private(set) var count = 0

    /// Connections whose counters outgrew the packed word.
    var spilledCount: Int { spill.count - freeSpill.count }

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 16)
        slots = ConnectionHistory.allocate(self.capacity)
    }

    deinit { slots.deallocate() }

    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Slot> {
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot(cookie: 0, word: 0), count: capacity)
        return slots
    }

    @inline(__always)
    private func home(_ cookie: UInt64) -> Int {
        Int((cookie &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: UInt64(capacity)).high)
    }

    @inline(__always)
    private func next(_ index: Int) -> Int { index + 1 == capacity ? 0 : index + 1 }

    /// Reads the home slot of each cookie, so that the lookups that follow find them cached:
    /// the reads do not depend on each other, so their cache misses overlap.
    func touch<Cookies: Sequence>(_ cookies: Cookies) where Cookies.Element == UInt64 {
        var seen: UInt64 = 0
        for cookie in cookies { seen |= slots[home(cookie)].cookie }
        touched = seen
    }

    /// Where `touch` leaves what it read, so the reads are not optimized away.
    private var touched: UInt64 = 0

    /// Records `sample` as its connection's counters now; returns what the connection added
    /// since the last scrape that saw it, nil when none did (or the cookie cannot be kept).
    func advance(_ sample: TCPInfoSample) -> TCPCounters? {
        let cookie = sample.cookie
        guard cookie != 0, cookie & ConnectionHistory.seen == 0 else { return nil }
        let now = TCPCounters(sample)
        if (count + 1) * 8 > capacity * 7 { resize(to: capacity * 3 / 2) }
        var index = home(cookie)
        while true {
            let found = slots[index].cookie & ~ConnectionHistory.seen
            if found == cookie {
                let before = counters(at: index)
                slots[index].cookie = cookie | ConnectionHistory.seen
                store(now, at: index, replacing: true)
                return now.increments(since: before)
            }
            if found == 0 {
                slots[index].cookie = cookie | ConnectionHistory.seen
                store(now, at: index, replacing: false)
                count += 1
                return nil
            }
            index = next(index)
        }
    }

    private func counters(at index: Int) -> TCPCounters {
        let word = slots[index].word
        return word & ConnectionHistory.spilled != 0 ? spill[Int(UInt32(truncatingIfNeeded: word))]
            : TCPCounters(packed: word)
    }

    private func store(_ counters: TCPCounters, at index: Int, replacing: Bool) {
        let word = replacing ? slots[index].word : 0
        if word & ConnectionHistory.spilled != 0 {
            // Counters only grow: once spilled, a connection stays spilled.
            spill[Int(UInt32(truncatingIfNeeded: word))] = counters
        } else if let packed = counters.packed {
            slots[index].word = packed
        } else if let free = freeSpill.popLast() {
            spill[Int(free)] = counters
            slots[index].word = ConnectionHistory.spilled | UInt64(free)
        } else {
            slots[index].word = ConnectionHistory.spilled | UInt64(spill.count)
            spill.append(counters)
        }
    }

    /// Forgets the connections no scrape saw since the last sweep (they closed), and clears
    /// the mark of the others.
    func sweep() {
        guard count > 0, let empty = (0..<capacity).first(where: { slots[$0].cookie == 0 }) else { return }
        // From just after an empty slot round to it: deletions shift entries back within
        // their run, and no run crosses an empty slot, so every entry is visited once.
        var index = next(empty)
        var visited = 0
        while visited < capacity - 1 {
            let cookie = slots[index].cookie
            if cookie == 0 || cookie & ConnectionHistory.seen != 0 {
                slots[index].cookie = cookie & ~ConnectionHistory.seen
                index = next(index)
                visited += 1
            } else {
                remove(at: index)
                // The slot now holds what followed it (or is empty): look at it again.
            }
        }
        // Fitted when over a tenth larger than a table 85 % full: the growth of the first
        // scrapes (by half at a time) is not kept, and a shrunk population gives memory back.
        let fitted = max(64, count * 20 / 17)
        if capacity > fitted + fitted / 10 { resize(to: fitted) }
    }

    private func remove(at removed: Int) {
        let word = slots[removed].word
        if word & ConnectionHistory.spilled != 0 { freeSpill.append(UInt32(truncatingIfNeeded: word)) }
        count -= 1
        var hole = removed
        var index = next(hole)
        while slots[index].cookie != 0 {
            let home = home(slots[index].cookie & ~ConnectionHistory.seen)
            // The entry may move back into the hole unless its home lies after the hole, up to it.
            let distanceToEntry = (index - home + capacity) % capacity
            let distanceToHole = (hole - home + capacity) % capacity
            if distanceToHole < distanceToEntry {
                slots[hole] = slots[index]
                hole = index
            }
            index = next(index)
        }
        slots[hole] = Slot(cookie: 0, word: 0)
    }

    private func resize(to newCapacity: Int) {
        let old = slots, oldCapacity = capacity
        capacity = max(64, newCapacity)
        slots = ConnectionHistory.allocate(capacity)
        for position in 0..<oldCapacity where old[position].cookie != 0 {
            var index = home(old[position].cookie & ~ConnectionHistory.seen)
            while slots[index].cookie != 0 { index = next(index) }
            slots[index] = old[position]
        }
        old.deallocate()
    }
}
