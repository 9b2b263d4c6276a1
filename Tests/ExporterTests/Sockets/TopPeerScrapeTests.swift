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
    static func peers(_ scrape: ScrapedMetrics) -> Set<String> {
        Set(scrape.matching("netstat_tcp_top_peer_connections", []).keys.compactMap { key in
            key.split(separator: "\"").dropFirst().first.map(String.init)
        })
    }

    static func scrape(_ farm: SocketFarm, _ flags: [String]) throws -> ScrapedMetrics {
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

    /// With --netns.all every namespace gets its own top list: a second namespace's peers carry
    /// its netns label and do not compete with the exporter's own namespace's.
    @Test func eachNamespaceHasItsOwnTopList() throws {
        let prefix = "peersns\(getpid() % 100_000)"
        try SocketFarm.with(workers: 1, established: 0, closeWait: 0, prefix: prefix) { own in
            try SocketFarm.with(workers: 1, established: 0, closeWait: 0, prefix: prefix) { other in
                try own.startPython(Self.population)
                try other.startPython("""
                    import socket, time
                    l = socket.socket(); l.bind(("127.0.0.10", 30400)); l.listen(8)
                    held = []
                    for _ in range(3):
                        c = socket.socket(); c.bind(("127.0.0.7", 0)); c.connect(("127.0.0.10", 30400))
                        held.extend([c, l.accept()[0]])
                    print("ready", flush=True); time.sleep(300)
                    """)
                let scrape = try Self.scrape(own, ["--netns.all", "--netns.include=\(prefix).*", "--collector.sockets.top-peers=2",
                                                   "--collector.sockets.top-peers.loopback"])
                let label = ",netns=\"\(other.namespace)\"}"
                func series(_ peer: String, _ direction: String) -> String {
                    String(Self.series(peer, direction: direction, 30400).dropLast()) + label
                }
                #expect(scrape[series("127.0.0.7", "inbound")] == 3)
                #expect(scrape[series("127.0.0.10", "outbound")] == 3)
                #expect(scrape.matching("netstat_tcp_top_peer_connections", [label]).count == 2)
                // The own namespace's list is unchanged by the other's (and has no netns label).
                #expect(scrape[Self.series("127.0.0.2", direction: "inbound", 30400)] == 8)
                #expect(scrape[Self.series("127.0.0.10", direction: "outbound", 30400)] == 14)
                #expect(scrape.matching("netstat_tcp_top_peer_connections", ["peer=\"127.0.0.7\""]).count == 1)
            }
        }
    }

    /// Sends `count` SYNs from each source address to 10.211.0.1:30500 with raw sockets, then
    /// exits: the handshakes never finish, so the target holds them in SYN_RECV.
    static let synSender = """
        import socket, struct
        def checksum(data):
            total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
            while total >> 16: total = (total & 0xffff) + (total >> 16)
            return ~total & 0xffff
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        target = "10.211.0.1"
        for source, count in [("10.211.0.2", 5), ("10.211.0.3", 3), ("10.211.0.4", 1)]:
            for n in range(count):
                tcp = struct.pack("!HHIIBBHHH", 41000 + n, 30500, 1000 + n, 0, 5 << 4, 0x02, 64240, 0, 0)
                pseudo = socket.inet_aton(source) + socket.inet_aton(target) + struct.pack("!BBH", 0, 6, len(tcp))
                tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
                ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), n + 1, 0, 64, 6, 0,
                                 socket.inet_aton(source), socket.inet_aton(target))
                raw.sendto(ip + tcp, (target, 0))
        """

    /// Target: a listener on 10.211.0.1:30500 that never accepts, and 6 connections to it from
    /// 10.211.0.5 (a second address of the target), so 10.211.0.1 and .5 are the busiest peers.
    static let busyTarget = """
        import socket, time
        l = socket.socket(); l.bind(("10.211.0.1", 30500)); l.listen(64)
        held = []
        for _ in range(6):
            s = socket.socket(); s.bind(("10.211.0.5", 0)); s.connect(("10.211.0.1", 30500)); held.append(s)
        print("ready", flush=True); time.sleep(300)
        """

    @Test func synRecvSourcesShowBesideTheBusiestPeers() throws {
        try SocketFarm.with(workers: 1, established: 0, closeWait: 0) { farm in
            let sender = try TestNamespace(prefix: "peersA")
            defer { sender.delete() }
            try farm.run(["sysctl", "-qw", "net.ipv4.tcp_syncookies=0"])
            try farm.run(["ip", "link", "add", "vtarget", "type", "veth", "peer", "name", "vsender", "netns", sender.name])
            try farm.run(["ip", "addr", "add", "10.211.0.1/24", "dev", "vtarget"])
            try farm.run(["ip", "addr", "add", "10.211.0.5/24", "dev", "vtarget"])
            try farm.run(["ip", "link", "set", "vtarget", "up"])
            for address in ["10.211.0.2/24", "10.211.0.3/24", "10.211.0.4/24"] {
                try #require(try sender.run(["ip", "addr", "add", address, "dev", "vsender"]).status == 0)
            }
            try #require(try sender.run(["ip", "link", "set", "vsender", "up"]).status == 0)
            // The sender's kernel would answer the SYN-ACKs with RSTs (it has no such sockets).
            try #require(try sender.run(["iptables", "-A", "OUTPUT", "-p", "tcp", "--tcp-flags", "RST", "RST",
                                         "-j", "DROP"]).status == 0)
            try farm.startPython(Self.busyTarget)
            let sent = try sender.run(["python3", "-c", Self.synSender])
            try #require(sent.status == 0, "\(sent.stderr)")

            var scrape = ScrapedMetrics("")
            for _ in 0..<20 {  // the SYNs cross the veth within milliseconds; allow 2 s
                scrape = try Self.scrape(farm, ["--collector.sockets.top-peers=2"])
                if scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"syn_recv\"}"] == 9 { break }
                usleep(100_000)
            }
            #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"syn_recv\"}"] == 9)
            // The overall top 2: the busy connection's two ends (6 each; the tie goes to .1) …
            #expect(scrape[Self.series("10.211.0.1", direction: "outbound", 30500, scope: "private")] == 6)
            #expect(scrape[Self.series("10.211.0.5", direction: "inbound", 30500, scope: "private", process: "-")] == 6)
            // … and the top 2 by SYN_RECV, which the flood's sources would never reach otherwise.
            #expect(scrape[Self.series("10.211.0.2", state: "syn_recv", direction: "inbound", 30500, scope: "private",
                                       process: "-")] == 5)
            #expect(scrape[Self.series("10.211.0.3", state: "syn_recv", direction: "inbound", 30500, scope: "private",
                                       process: "-")] == 3)
            #expect(Self.peers(scrape) == ["10.211.0.1", "10.211.0.5", "10.211.0.2", "10.211.0.3"])
            #expect(scrape.matching("netstat_tcp_top_peer_connections", []).count == 4)
        }
    }
}
