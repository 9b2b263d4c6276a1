import ProcNet
import SocketOwners

/// Counts one scrape's non-listening TCP sockets per remote peer (an address, or a network with
/// prefix grouping) while the table is dumped, and picks the top K (netstat -ant | awk '{print $5}'
/// | sort | uniq -c | sort -rn | head).
///
/// Per socket it keeps one 4-byte peer index, so the sockets of the chosen peers can be found
/// again once their owners are known. Per peer it keeps the key and two counts. The choice is a
/// bounded heap over the peers, not a sort of the sockets.
struct TopPeers {
    /// Stored per socket when the socket does not count (top-peers off, no peer, loopback).
    static let uncounted = UInt32.max

    let options: TopPeerOptions
    private var indexOf = IntegerMap<UInt128, UInt32>(minimumCapacity: 64)
    /// Per peer: its key (see `key(_:)`), all its sockets, its SYN_RECV sockets.
    private(set) var keys: [UInt128] = []
    private(set) var totals: [UInt32] = []
    private(set) var synRecv: [UInt32] = []
    /// Per connection of the tally, in the same order: its peer index or `uncounted`.
    private(set) var peerOfConnection: [UInt32] = []

    init(options: TopPeerOptions) {
        self.options = options
    }

    var isOn: Bool { options.count > 0 }

    /// Called for every connection the tally keeps, in order.
    mutating func add(remote: IPAddress, state: TCPState) {
        guard isOn else { return }
        guard let key = key(remote) else {
            peerOfConnection.append(TopPeers.uncounted)
            return
        }
        let next = UInt32(keys.count)
        let index = indexOf[slot: indexOf.slot(of: key) { next }]
        if index == next {
            keys.append(key)
            totals.append(0)
            synRecv.append(0)
        }
        totals[Int(index)] &+= 1
        if state == .synRecv { synRecv[Int(index)] &+= 1 }
        peerOfConnection.append(index)
    }

    /// The peer's address, or its network with prefix grouping, as one 128-bit number: IPv6 as
    /// is, IPv4 (and IPv4-mapped IPv6) as ::ffff:a.b.c.d, so both share one map and one order.
    /// An IPv6 network (prefix < 128) has its lowest host bit set so that no key is 0 (::/64
    /// holds ::1), which `IntegerMap` cannot store. Nil for no peer, or loopback when left out.
    func key(_ address: IPAddress) -> UInt128? {
        switch address {
        case .v4(let value):
            return ipv4Key(value)
        case .v6(let high, let low):
            if let mapped = address.mappedIPv4 { return ipv4Key(mapped) }
            if high == 0 && (low == 0 || (low == 1 && !options.withLoopback)) { return nil }
            let full = UInt128(high) << 64 | UInt128(low)
            let length = options.prefixIPv6
            return length == 128 ? full : full & ~(UInt128.max >> length) | 1
        }
    }

    private func ipv4Key(_ value: UInt32) -> UInt128? {
        if value == 0 || (value >> 24 == 127 && !options.withLoopback) { return nil }
        let network = value & ~(UInt32.max >> options.prefixIPv4)
        return 0xffff << 32 | UInt128(network)
    }

    /// The `peer` label: the address, or "network/length" when grouped.
    func label(_ key: UInt128) -> String {
        let high = UInt64(truncatingIfNeeded: key >> 64), low = UInt64(truncatingIfNeeded: key)
        if high == 0 && low >> 32 == 0xffff {
            let text = IPAddress.v4(UInt32(truncatingIfNeeded: low)).description
            return options.prefixIPv4 == 32 ? text : text + "/\(options.prefixIPv4)"
        }
        if options.prefixIPv6 == 128 { return IPAddress.v6(high: high, low: low).description }
        return IPAddress.v6(high: high, low: low & ~1).description + "/\(options.prefixIPv6)"
    }

    /// The peers chosen this scrape, in rank order: the K with the most sockets, then the K with
    /// the most SYN_RECV sockets that are not among those yet (`synRecvOnly`: only their
    /// syn_recv sockets are written).
    func chosen() -> [(peer: Int, synRecvOnly: Bool)] {
        guard isOn else { return [] }
        let overall = TopPeers.top(options.count, by: totals, keys: keys)
        let flood = TopPeers.top(options.count, by: synRecv, keys: keys)
        let inOverall = Set(overall)
        return overall.map { ($0, false) } + flood.filter { !inOverall.contains($0) }.map { ($0, true) }
    }

    /// The indices of the `limit` largest non-zero counts, largest first; ties go to the lower
    /// key, so the choice is stable between scrapes. A min-heap of the best `limit` so far keeps
    /// this O(peers × log limit).
    static func top(_ limit: Int, by counts: [UInt32], keys: [UInt128]) -> [Int] {
        // `a` ranks below `b`.
        func below(_ a: Int, _ b: Int) -> Bool {
            counts[a] != counts[b] ? counts[a] < counts[b] : keys[a] > keys[b]
        }
        var heap: [Int] = []
        heap.reserveCapacity(limit)
        for index in counts.indices where counts[index] > 0 {
            if heap.count < limit {
                heap.append(index)
                var child = heap.count - 1
                while child > 0, below(heap[child], heap[(child - 1) / 2]) {
                    heap.swapAt(child, (child - 1) / 2)
                    child = (child - 1) / 2
                }
            } else if limit > 0, below(heap[0], index) {
                heap[0] = index
                var parent = 0
                while true {
                    var lowest = parent
                    for child in (2 * parent + 1)...(2 * parent + 2) where child < heap.count && below(heap[child], heap[lowest]) {
                        lowest = child
                    }
                    if lowest == parent { break }
                    heap.swapAt(parent, lowest)
                    parent = lowest
                }
            }
        }
        return heap.sorted { below($1, $0) }
    }
}
