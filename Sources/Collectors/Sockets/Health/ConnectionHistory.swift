import SockDiag

/// Each open connection's counters as the last scrape saw them, keyed by socket cookie, so a
/// scrape adds only what moved since (and a closed connection's share, once added, stays).
///
/// 16 bytes per connection: its cookie, and one word holding its counters packed
/// (`TCPCounters.packed`, enough for a quiet connection: most of a large host's) or marking the
/// index of a 56-byte spill record for a busier one. Open addressing with linear probing in
/// two parallel arrays, load at most 4/5, sized by multiply-shift rather than to a power of
/// two so a million connections take ~1.3 M slots, not 2 M.
final class ConnectionHistory {
    private static let seen: UInt64 = 1 << 63
    private static let spilled: UInt64 = 1 << 63

    /// 0: an empty slot; bit 63: the connection was seen since the last sweep.
    private var cookies: [UInt64]
    private var words: [UInt64]
    private var spill: [TCPCounters] = []
    private var freeSpill: [UInt32] = []
    private(set) var count = 0

    /// Connections whose counters outgrew the packed word.
    var spilledCount: Int { spill.count - freeSpill.count }
    var capacity: Int { cookies.count }

    init(capacity: Int = 64) {
        cookies = [UInt64](repeating: 0, count: max(capacity, 16))
        words = [UInt64](repeating: 0, count: max(capacity, 16))
    }

    @inline(__always)
    private func home(_ cookie: UInt64) -> Int {
        Int((cookie &* 0x9E37_79B9_7F4A_7C15).multipliedFullWidth(by: UInt64(cookies.count)).high)
    }

    @inline(__always)
    private func next(_ index: Int) -> Int { index + 1 == cookies.count ? 0 : index + 1 }

    /// Records `sample` as its connection's counters now; returns what the connection added
    /// since the last scrape that saw it, nil when none did (or the cookie cannot be kept).
    func advance(_ sample: TCPInfoSample) -> TCPCounters? {
        let cookie = sample.cookie
        guard cookie != 0, cookie & ConnectionHistory.seen == 0 else { return nil }
        let now = TCPCounters(sample)
        if (count + 1) * 5 > cookies.count * 4 { resize(to: cookies.count * 3 / 2) }
        var index = home(cookie)
        while true {
            let found = cookies[index] & ~ConnectionHistory.seen
            if found == cookie {
                let before = counters(at: index)
                cookies[index] = cookie | ConnectionHistory.seen
                store(now, at: index, replacing: true)
                return now.increments(since: before)
            }
            if found == 0 {
                cookies[index] = cookie | ConnectionHistory.seen
                store(now, at: index, replacing: false)
                count += 1
                return nil
            }
            index = next(index)
        }
    }

    private func counters(at index: Int) -> TCPCounters {
        let word = words[index]
        return word & ConnectionHistory.spilled != 0 ? spill[Int(UInt32(truncatingIfNeeded: word))]
            : TCPCounters(packed: word)
    }

    private func store(_ counters: TCPCounters, at index: Int, replacing: Bool) {
        let word = replacing ? words[index] : 0
        if word & ConnectionHistory.spilled != 0 {
            // Counters only grow: once spilled, a connection stays spilled.
            spill[Int(UInt32(truncatingIfNeeded: word))] = counters
        } else if let packed = counters.packed {
            words[index] = packed
        } else if let free = freeSpill.popLast() {
            spill[Int(free)] = counters
            words[index] = ConnectionHistory.spilled | UInt64(free)
        } else {
            words[index] = ConnectionHistory.spilled | UInt64(spill.count)
            spill.append(counters)
        }
    }

    /// Forgets the connections no scrape saw since the last sweep (they closed), and clears
    /// the mark of the others.
    func sweep() {
        guard count > 0, let empty = cookies.firstIndex(of: 0) else { return }
        // From just after an empty slot round to it: deletions shift entries back within
        // their run, and no run crosses an empty slot, so every entry is visited once.
        var index = next(empty)
        var visited = 0
        while visited < cookies.count - 1 {
            let cookie = cookies[index]
            if cookie == 0 || cookie & ConnectionHistory.seen != 0 {
                cookies[index] = cookie & ~ConnectionHistory.seen
                index = next(index)
                visited += 1
            } else {
                remove(at: index)
                // The slot now holds what followed it (or is empty): look at it again.
            }
        }
        if cookies.count > 64, count * 5 < cookies.count { resize(to: count * 2) }
    }

    private func remove(at removed: Int) {
        let word = words[removed]
        if word & ConnectionHistory.spilled != 0 { freeSpill.append(UInt32(truncatingIfNeeded: word)) }
        count -= 1
        var hole = removed
        var index = next(hole)
        while cookies[index] != 0 {
            let home = home(cookies[index] & ~ConnectionHistory.seen)
            // The entry may move back into the hole unless its home lies after the hole, up to it.
            let distanceToEntry = (index - home + cookies.count) % cookies.count
            let distanceToHole = (hole - home + cookies.count) % cookies.count
            if distanceToHole < distanceToEntry {
                cookies[hole] = cookies[index]
                words[hole] = words[index]
                hole = index
            }
            index = next(index)
        }
        cookies[hole] = 0
        words[hole] = 0
    }

    private func resize(to newCapacity: Int) {
        let oldCookies = cookies, oldWords = words
        let capacity = max(64, newCapacity)
        cookies = [UInt64](repeating: 0, count: capacity)
        words = [UInt64](repeating: 0, count: capacity)
        for (cookie, word) in zip(oldCookies, oldWords) where cookie != 0 {
            var index = home(cookie & ~ConnectionHistory.seen)
            while cookies[index] != 0 { index = next(index) }
            cookies[index] = cookie
            words[index] = word
        }
    }
}
