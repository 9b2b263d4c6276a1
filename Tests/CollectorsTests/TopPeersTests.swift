@testable import Collectors
import Exposition
import ProcNet
import Testing

/// Counting per peer, prefix grouping, the stable top-K choice and the per-peer series cap.
@Suite struct TopPeersTests {
    static func address(_ text: String) throws -> IPAddress {
        try #require(IPAddressText.parse(text))
    }

    /// Adds one connection per (address, state) and returns the tally.
    static func tally(_ options: TopPeerOptions, _ connections: [(String, TCPState)]) throws -> TopPeers {
        var peers = TopPeers(options: options)
        for (text, state) in connections { peers.add(remote: try address(text), state: state) }
        return peers
    }

    /// peer label → sockets of the chosen peers, in rank order.
    static func ranked(_ peers: TopPeers) -> [String] {
        peers.chosen().map { "\(peers.label(peers.keys[$0.peer]))=\(peers.totals[$0.peer])\($0.synRecvOnly ? "s" : "")" }
    }

    @Test func countsPerAddressAndRanksByCountThenAddress() throws {
        let population = Array(repeating: ("203.0.113.9", TCPState.established), count: 5)
            + Array(repeating: ("198.51.100.7", TCPState.established), count: 2)
            + Array(repeating: ("198.51.100.8", TCPState.timeWait), count: 2)
            + [("192.0.2.1", .closeWait), ("0.0.0.0", .close), ("127.0.0.5", .established), ("::1", .established)]
        let peers = try Self.tally(TopPeerOptions(count: 3), population)
        // The tie 198.51.100.7 / .8 goes to the lower address; no peer, loopback are not counted.
        #expect(Self.ranked(peers) == ["203.0.113.9=5", "198.51.100.7=2", "198.51.100.8=2"])
        #expect(peers.keys.count == 4)
        #expect(peers.peerOfConnection.count == population.count)
        #expect(peers.peerOfConnection.suffix(3) == [TopPeers.uncounted, TopPeers.uncounted, TopPeers.uncounted])
    }

    @Test func loopbackCountsWhenAsked() throws {
        let peers = try Self.tally(TopPeerOptions(count: 5, withLoopback: true),
                                   [("127.0.0.2", .established), ("::1", .established), ("::ffff:127.0.0.2", .established)])
        // The IPv4-mapped peer is the IPv4 address; ::1 sorts before any IPv4 (::ffff:a.b.c.d).
        #expect(Self.ranked(peers) == ["127.0.0.2=2", "::1=1"])
    }

    @Test func prefixGroupingMakesNetworks() throws {
        let options = TopPeerOptions(count: 5, prefixIPv4: 24, prefixIPv6: 64, withLoopback: true)
        let peers = try Self.tally(options, [
            ("127.0.0.2", .established), ("127.0.0.9", .established), ("127.0.1.2", .established),
            ("2001:db8:1:2::5", .established), ("2001:db8:1:2:ffff::1", .synRecv), ("2001:db8:1:3::1", .established),
            ("::1", .established), ("::ffff:127.0.0.3", .established),
        ])
        #expect(Self.ranked(peers) == ["127.0.0.0/24=3", "2001:db8:1:2::/64=2", "::/64=1", "127.0.1.0/24=1",
                                       "2001:db8:1:3::/64=1"])
    }

    @Test func synRecvTopAddsFloodSourcesBeyondTheBusiestPeers() throws {
        let population = Array(repeating: ("192.0.2.10", TCPState.established), count: 9)
            + Array(repeating: ("192.0.2.11", TCPState.established), count: 8)
            + Array(repeating: ("203.0.113.66", TCPState.synRecv), count: 3)
            + [("192.0.2.11", .synRecv), ("203.0.113.67", .synRecv)]
        let peers = try Self.tally(TopPeerOptions(count: 2), population)
        #expect(Self.ranked(peers) == ["192.0.2.10=9", "192.0.2.11=9", "203.0.113.66=3s"])
        #expect(peers.synRecv[peers.chosen()[2].peer] == 3)
    }

    @Test func offCountsNothing() throws {
        let peers = try Self.tally(TopPeerOptions(count: 0), [("192.0.2.1", .established)])
        #expect(peers.chosen().isEmpty)
        #expect(peers.peerOfConnection.isEmpty)
    }

    @Test func heapSelectionEqualsAFullSort() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let size = Int.random(in: 0..<300, using: &generator)
            let counts = (0..<size).map { _ in UInt32.random(in: 0..<6, using: &generator) }
            let keys = (0..<size).map { _ in UInt128(UInt64.random(in: 0..<40, using: &generator)) }
            let limit = Int.random(in: 0..<12, using: &generator)
            let expected = counts.indices.filter { counts[$0] > 0 }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : (keys[$0], $0) < (keys[$1], $1) }
                .prefix(limit).map { (counts[$0], keys[$0]) }
            let chosen = TopPeers.top(limit, by: counts, keys: keys).map { (counts[$0], keys[$0]) }
            #expect(chosen.elementsEqual(expected, by: ==), "counts \(counts) limit \(limit)")
        }
    }

    @Test func aPeersRarestSeriesFoldIntoOther() {
        func labels(_ state: String, _ port: Int, _ process: String) -> [Label] {
            [Label("peer", "192.0.2.1"), Label("scope", "public"), Label("state", state), Label("direction", "inbound"),
             Label("port", String(port)), Label("process", process)]
        }
        var series: [[Label]: UInt64] = [:]
        for port in 1...25 { series[labels("established", port, "p\(port)")] = UInt64(100 - port) }
        series[labels("time_wait", 1, "-")] = 1
        let folded = AttributionWriter.folded(series, limit: 20)
        #expect(folded.count == 20)
        // 18 kept as they are; the rest by state: established ports 19…25, time_wait alone.
        #expect(folded[labels("established", 18, "p18")] == 82)
        #expect(folded[labels("established", 19, "p19")] == nil)
        let other = { (state: String) in
            [Label("peer", "192.0.2.1"), Label("scope", "public"), Label("state", state), Label("direction", "inbound"),
             Label("port", "other"), Label("process", "other")]
        }
        #expect(folded[other("established")] == 546) // 81 + 80 + … + 75
        #expect(folded[other("time_wait")] == 1)
        #expect(folded.values.reduce(0, +) == series.values.reduce(0, +))
        #expect(AttributionWriter.folded([labels("established", 1, "x"): 3], limit: 20).count == 1)
    }
}
