import Foundation
import Testing
import TestSupport

/// `netstat_tcp_top_peer_connections` of a real exporter, in a network namespace whose clients
/// bind known loopback source addresses (and ::1, and IPv4 clients of a dual-stack listener,
/// which the server sees as ::ffff:a.b.c.d); and SYN_RECV sockets from raw SYNs sent over a
/// veth pair by a second namespace.
@Suite(.serialized) struct TopPeerScrapeTests {
    /// Listeners on 127.0.0.10:30400, :30401 and a dual-stack [::]:30402, every connection
    /// accepted and held by one python3. Sockets per peer (both ends counted):
    /// 127.0.0.10 24 (the client ends), .2 8, .3 6, .4 6, .5 1, .6 3 (as ::ffff:127.0.0.6), ::1 2.
    static let population = """
        import socket, time
        from socket import AF_INET, AF_INET6
        def listen(family, address, port):
            l = socket.socket(family); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == AF_INET6: l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            l.bind((address, port)); l.listen(64); return l
        a, b, c = listen(AF_INET, "127.0.0.10", 30400), listen(AF_INET, "127.0.0.10", 30401), listen(AF_INET6, "::", 30402)
        held = []
        def connect(family, source, server, port, count, listener):
            for _ in range(count):
                s = socket.socket(family); s.bind((source, 0)); s.connect((server, port))
                held.extend([s, listener.accept()[0]])
        connect(AF_INET, "127.0.0.2", "127.0.0.10", 30400, 8, a)
        connect(AF_INET, "127.0.0.3", "127.0.0.10", 30401, 6, b)
        connect(AF_INET, "127.0.0.4", "127.0.0.10", 30400, 5, a)
        connect(AF_INET, "127.0.0.4", "127.0.0.10", 30401, 1, b)
        connect(AF_INET, "127.0.0.5", "127.0.0.10", 30400, 1, a)
        connect(AF_INET, "127.0.0.6", "127.0.0.10", 30402, 3, c)
        connect(AF_INET6, "::1", "::1", 30402, 1, c)
        print("ready", flush=True); time.sleep(300)
        """

    static func series(_ peer: String, state: String = "established", direction: String, _ port: Int,
                       scope: String = "loopback", process: String = "python3") -> String {
        "netstat_tcp_top_peer_connections{peer=\"\(peer)\",scope=\"\(scope)\",state=\"\(state)\",direction=\"\(direction)\",port=\"\(port)\",process=\"\(process)\"}"
    }

    /// The distinct peer labels of the top-peers series.
    static func peers(_ scrape: Scrape) -> Set<String> {
        Set(scrape.matching("netstat_tcp_top_peer_connections", []).keys.compactMap { key in
            key.split(separator: "\"").dropFirst().first.map(String.init)
        })
    }

    static func scrape(_ farm: SocketFarm, _ flags: [String]) throws -> Scrape {
        let port = try farm.startExporter(flags)
        defer { farm.stopExporter() }
        return try farm.scrape(port)
    }

    @Test func exactCountsPerPeerTiesKAndPrefixes() throws {
        try SocketFarm.with(workers: 1, established: 0, closeWait: 0) { farm in
            try farm.startPython(Self.population)
            // K = 3: 127.0.0.10 (24), .2 (8), then .3 wins the tie with .4 (6 each) by address.
            // 127.0.0.1 (the scrape's own connection, and TIME_WAITs of the start-up check) stays below.
            let top3 = try Self.scrape(farm, ["--collector.sockets.top-peers=3", "--collector.sockets.top-peers.loopback"])
            #expect(Self.peers(top3) == ["127.0.0.10", "127.0.0.2", "127.0.0.3"])
            #expect(top3[Self.series("127.0.0.10", direction: "outbound", 30400)] == 14)
            #expect(top3[Self.series("127.0.0.10", direction: "outbound", 30401)] == 7)
            #expect(top3[Self.series("127.0.0.10", direction: "outbound", 30402)] == 3)
            #expect(top3[Self.series("127.0.0.2", direction: "inbound", 30400)] == 8)
            #expect(top3[Self.series("127.0.0.3", direction: "inbound", 30401)] == 6)
            #expect(top3.matching("netstat_tcp_top_peer_connections", []).count == 5)

            // Loopback peers are left out by default.
            let plain = try Self.scrape(farm, [])
            #expect(plain.text.contains("# TYPE netstat_tcp_top_peer_connections gauge"))
            #expect(plain.matching("netstat_tcp_top_peer_connections", []).isEmpty)

            let all = try Self.scrape(farm, ["--collector.sockets.top-peers.loopback"])
            #expect(all[Self.series("127.0.0.4", direction: "inbound", 30400)] == 5)
            #expect(all[Self.series("127.0.0.4", direction: "inbound", 30401)] == 1)
            #expect(all[Self.series("127.0.0.5", direction: "inbound", 30400)] == 1)
            // IPv4 clients of the dual-stack listener count as their IPv4 address.
            #expect(all[Self.series("127.0.0.6", direction: "inbound", 30402)] == 3)
            #expect(all.matching("netstat_tcp_top_peer_connections", ["peer=\"::ffff:"]).isEmpty)
            #expect(all[Self.series("::1", direction: "inbound", 30402)] == 1)
            #expect(all[Self.series("::1", direction: "outbound", 30402)] == 1)

            let grouped = try Self.scrape(farm, ["--collector.sockets.top-peers.loopback",
                                                 "--collector.sockets.top-peers.prefix-ipv4=24",
                                                 "--collector.sockets.top-peers.prefix-ipv6=64"])
            #expect(grouped[Self.series("127.0.0.0/24", direction: "inbound", 30400)] == 14)
            #expect(grouped[Self.series("127.0.0.0/24", direction: "inbound", 30401)] == 7)
            #expect(grouped[Self.series("127.0.0.0/24", direction: "inbound", 30402)] == 3)
            #expect(grouped[Self.series("127.0.0.0/24", direction: "outbound", 30400)] == 14)
            #expect(grouped[Self.series("::/64", direction: "inbound", 30402)] == 1)
            #expect(grouped[Self.series("::/64", direction: "outbound", 30402)] == 1)
            #expect(Self.peers(grouped) == ["127.0.0.0/24", "::/64"])
        }
    }
}
