import Foundation
import Testing
import TestSupport

/// The attribution metrics of a real exporter, run inside a network namespace that holds a
/// known socket population (sockfarm.py), checked by exact value and against `ss -tanp`.
@Suite(.serialized) struct SocketAttributionTests {
    /// sockfarm's split of 42 established and 9 close-wait over 4 workers (the first N mod P get one more).
    static let established = [11, 11, 10, 10]
    static let closeWait = [3, 2, 2, 2]

    static func farm<T>(_ body: (SocketFarm) throws -> T) throws -> T {
        try SocketFarm.with(workers: 4, established: 42, closeWait: 9, body)
    }

    /// Python holding a listener on :40000 (backlog 16) with 3 connections it never accepts,
    /// each of which has sent 100 bytes nobody reads, and a UDP socket bound to 127.0.0.1:40001
    /// holding one unread datagram.
    static let unacceptedQueue = """
        import socket, time
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("127.0.0.1", 40000)); l.listen(16)
        clients = [socket.create_connection(("127.0.0.1", 40000)) for _ in range(3)]
        for c in clients: c.sendall(b"x" * 100)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 40001))
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"datagram", ("127.0.0.1", 40001))
        time.sleep(0.2)
        print("ready", flush=True); time.sleep(300)
        """

    /// From the debug build and from the release build users run.
    @Test(arguments: ExporterBuild.allCases)
    func everyWorkersConnectionsAreCountedExactly(build: ExporterBuild) throws {
        try Self.farm { farm in
            let port = try farm.startExporter(binary: try build.binary())
            let scrape = try farm.scrape(port)
            let somaxconn = Int(try farm.run(["cat", "/proc/sys/net/core/somaxconn"])
                .trimmingCharacters(in: .whitespacesAndNewlines))!
            farm.expectEveryWorker(in: scrape, established: Self.established, closeWait: Self.closeWait)
            for worker in 0..<4 {
                let listenPort = farm.basePort + worker
                let name = "farm\(worker)"
                #expect(scrape[SocketFarm.connections("fin_wait2", "outbound", listenPort, "-")] == Double(Self.closeWait[worker]))
                let listener = "{address=\"127.0.0.1\",port=\"\(listenPort)\",process=\"\(name)\"}"
                #expect(scrape["netstat_tcp_listen_queue_length" + listener] == 0)
                #expect(scrape["netstat_tcp_listen_queue_max" + listener] == Double(min(4096, somaxconn)))
                let bothEnds = Double(Self.established[worker] + Self.closeWait[worker])
                #expect(scrape["netstat_tcp_peer_connections{scope=\"loopback\",direction=\"inbound\",port=\"\(listenPort)\"}"] == bothEnds)
                #expect(scrape["netstat_tcp_peer_connections{scope=\"loopback\",direction=\"outbound\",port=\"\(listenPort)\"}"] == bothEnds)
            }
            #expect(scrape["netstat_sockets_attribution_complete"] == 1)
            #expect(scrape["netstat_scrape_collector_success{collector=\"sockets\"}"] == 1)
            #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"fin_wait2\"}"] == 9)
            #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"close_wait\"}"] == 9)
        }
    }

    @Test func countsAgreeWithSSInTheSameNamespace() throws {
        try Self.farm { farm in
            let port = try farm.startExporter()
            let scrape = try farm.scrape(port)
            let ss = try farm.run(["ss", "-tanpH"])
            for worker in 0..<4 {
                let listenPort = farm.basePort + worker
                let name = "farm\(worker)"
                let expected: [(String, String, String, Int)] = [
                    ("established", "inbound", name, SSCount.count(ss, state: "ESTAB", localPort: listenPort, process: name)),
                    ("established", "outbound", name, SSCount.count(ss, state: "ESTAB", peerPort: listenPort, process: name)),
                    ("close_wait", "inbound", name, SSCount.count(ss, state: "CLOSE-WAIT", localPort: listenPort, process: name)),
                    ("fin_wait2", "outbound", "-", SSCount.count(ss, state: "FIN-WAIT-2", peerPort: listenPort, process: nil)),
                ]
                for (state, direction, process, count) in expected {
                    #expect(count > 0)
                    #expect(scrape[SocketFarm.connections(state, direction, listenPort, process)] == Double(count),
                            "\(state) \(direction) \(listenPort) \(process)")
                }
            }
        }
    }

    @Test func acceptQueueBacklogAndUDPListener() throws {
        try Self.farm { farm in
            try farm.startPython(Self.unacceptedQueue)
            let port = try farm.startExporter()
            let scrape = try farm.scrape(port)
            let listener = "{address=\"127.0.0.1\",port=\"40000\",process=\"python3\"}"
            #expect(scrape["netstat_tcp_listen_queue_length" + listener] == 3)
            #expect(scrape["netstat_tcp_listen_queue_max" + listener] == 16)
            // The server ends wait in the accept queue, owned by no process yet.
            #expect(scrape[SocketFarm.connections("established", "inbound", 40000, "-")] == 3)
            // 40000 is inside the ephemeral range, so the client ends' remote port is not kept.
            #expect(scrape["netstat_tcp_connections{state=\"established\",direction=\"outbound\",port=\"ephemeral\",process=\"python3\"}"] == 3)
            let queued = "{state=\"established\",direction=\"inbound\",port=\"40000\",process=\"-\"}"
            #expect(scrape["netstat_tcp_connection_receive_queue_bytes" + queued] == 300)
            #expect(scrape["netstat_tcp_connection_send_queue_bytes" + queued] == 0)
            #expect(scrape["netstat_udp_listener_info{address=\"127.0.0.1\",port=\"40001\",process=\"python3\"}"] == 1)
            // UDP's Recv-Q is the memory the queued datagrams take, as ss shows it.
            let ssQueue = try #require(try farm.run(["ss", "-uanH", "src", "127.0.0.1:40001"])
                .split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) })
            #expect(ssQueue > 0)
            #expect(scrape["netstat_udp_listener_receive_queue_bytes{address=\"127.0.0.1\",port=\"40001\",process=\"python3\"}"] == ssQueue)
        }
    }

    /// IPv6 sockets are counted too, and a v4 client of a dual-stack listener is an IPv4-mapped
    /// IPv6 socket on the server side, classed by its IPv4 address.
    @Test func ipv6AndMappedPeers() throws {
        try Self.farm { farm in
            try farm.startPython("""
                import socket, time
                def serve(family, address, port, client):
                    l = socket.socket(family); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    if family == socket.AF_INET6: l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                    l.bind((address, port)); l.listen(8)
                    pairs = []
                    for _ in range(2):
                        c = socket.create_connection((client, port)); s, _ = l.accept(); pairs.append((c, s))
                    return l, pairs
                keep = [serve(socket.AF_INET6, "::1", 30200, "::1"), serve(socket.AF_INET6, "::", 30300, "127.0.0.1")]
                print("ready", flush=True); time.sleep(300)
                """)
            let port = try farm.startExporter(["--collector.sockets.peer-group=mapped=127.0.0.0/8"])
            let scrape = try farm.scrape(port)
            #expect(scrape[SocketFarm.connections("established", "inbound", 30200, "python3")] == 2)
            #expect(scrape[SocketFarm.connections("established", "outbound", 30200, "python3")] == 2)
            #expect(scrape[SocketFarm.connections("established", "inbound", 30300, "python3")] == 2)
            #expect(scrape[SocketFarm.connections("established", "outbound", 30300, "python3")] == 2)
            #expect(scrape["netstat_tcp_listener_info{address=\"::1\",port=\"30200\",process=\"python3\"}"] == 1)
            #expect(scrape["netstat_tcp_listener_info{address=\"::\",port=\"30300\",process=\"python3\"}"] == 1)
            // ::1 peers are loopback; ::ffff:127.0.0.1 and 127.0.0.1 peers fall in the IPv4 group.
            #expect(scrape["netstat_tcp_peer_connections{scope=\"loopback\",direction=\"inbound\",port=\"30200\"}"] == 2)
            #expect(scrape["netstat_tcp_peer_connections{scope=\"mapped\",direction=\"inbound\",port=\"30300\"}"] == 2)
            #expect(scrape["netstat_tcp_peer_connections{scope=\"mapped\",direction=\"outbound\",port=\"30300\"}"] == 2)
            // Six IPv6 sockets: both ends on ::1, and the two accepted ends of the mapped connections.
            #expect(scrape["netstat_tcp_sockets{family=\"ipv6\",state=\"established\"}"] == 6)
            #expect(scrape["netstat_tcp_sockets{family=\"ipv6\",state=\"listen\"}"] == 2)
        }
    }

    @Test func peerGroupsCapsListedPortsAndUsers() throws {
        try Self.farm { farm in
            try farm.startPython(Self.unacceptedQueue)
            let port = try farm.startExporter([
                "--collector.sockets.peer-group=farmnet=127.0.0.0/8", "--collector.sockets.max-ports=2",
                "--collector.sockets.max-processes=2", "--collector.sockets.ports=40000", "--collector.sockets.user",
            ])
            let scrape = try farm.scrape(port)
            let base = farm.basePort
            // farm0 and farm1 have the most sockets (28 and 26); every other process is "other".
            #expect(scrape["netstat_tcp_connections{state=\"established\",direction=\"inbound\",port=\"\(base)\",process=\"farm0\",user=\"root\"}"] == 11)
            // Ports: base (28 sockets) and base+1 (26) are kept; base+2, base+3, 40000 and the exporter's go to
            // "other": farm2's and farm3's 10 each, and the scrape's own connection to the exporter.
            #expect(scrape["netstat_tcp_connections{state=\"established\",direction=\"inbound\",port=\"other\",process=\"other\",user=\"root\"}"] == 21)
            #expect(scrape["netstat_tcp_connections{state=\"close_wait\",direction=\"inbound\",port=\"other\",process=\"other\",user=\"root\"}"] == 4)
            #expect(scrape["netstat_tcp_peer_connections{scope=\"farmnet\",direction=\"inbound\",port=\"\(base)\"}"] == 14)
            #expect(scrape.matching("netstat_tcp_peer_connections", ["scope=\"loopback\""]).isEmpty)
            let ports = Set(scrape.matching("netstat_tcp_connections", []).keys.compactMap { key in
                key.split(separator: ",").first { $0.hasPrefix("port=") }.map(String.init)
            })
            #expect(ports == ["port=\"\(base)\"", "port=\"\(base + 1)\"", "port=\"other\""])
            #expect(scrape["netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"40000\",process=\"other\",user=\"root\"}"] == 1)
        }
    }

    @Test func procFallbackGivesTheSameNumbersAsNetlink() throws {
        try Self.farm { farm in
            try farm.startPython(Self.unacceptedQueue)
            let netlink = try farm.scrape(try farm.startExporter(["--collector.sockets.source=netlink"]))
            farm.stopExporter()
            let proc = try farm.scrape(try farm.startExporter(["--collector.sockets.source=proc"]))
            let ports = (0..<4).map { "port=\"\(farm.basePort + $0)\"" } + ["port=\"40000\"", "port=\"40001\"", "port=\"ephemeral\""]
            var compared = 0
            for metric in ["netstat_tcp_connections", "netstat_tcp_connection_receive_queue_bytes",
                           "netstat_tcp_connection_send_queue_bytes", "netstat_tcp_peer_connections",
                           "netstat_tcp_listener_info", "netstat_tcp_listen_queue_length", "netstat_udp_listener_info",
                           "netstat_udp_listener_receive_queue_bytes"] {
                for port in ports {
                    let fromNetlink = netlink.matching(metric, [port])
                    #expect(fromNetlink == proc.matching(metric, [port]), "\(metric) \(port)")
                    compared += fromNetlink.count
                }
            }
            #expect(compared >= 40)
            #expect(netlink.matching("netstat_tcp_listen_queue_max", ["port=\"40000\""]).count == 1)
            #expect(proc.matching("netstat_tcp_listen_queue_max", []).isEmpty)
            for state in ["established", "close_wait", "fin_wait2", "listen"] {
                let key = "netstat_tcp_sockets{family=\"ipv4\",state=\"\(state)\"}"
                // The exporter's own scrape connection is the only difference the two runs may have.
                #expect(abs((netlink[key] ?? -100) - (proc[key] ?? 100)) <= 1, "\(state)")
            }
        }
    }

    @Test func withoutRootOtherUsersSocketsAreUnknown() throws {
        try Self.farm { farm in
            let port = try farm.startExporter(wrapper: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
            let scrape = try farm.scrape(port)
            #expect(scrape["netstat_sockets_attribution_complete"] == 0)
            #expect(scrape["netstat_scrape_collector_success{collector=\"sockets\"}"] == 1)
            for worker in 0..<4 {
                let listenPort = farm.basePort + worker
                #expect(scrape[SocketFarm.connections("established", "inbound", listenPort, "unknown")] == Double(Self.established[worker]))
                #expect(scrape[SocketFarm.connections("close_wait", "inbound", listenPort, "unknown")] == Double(Self.closeWait[worker]))
                // Orphans have no inode: nobody owns them, whoever looks.
                #expect(scrape[SocketFarm.connections("fin_wait2", "outbound", listenPort, "-")] == Double(Self.closeWait[worker]))
                #expect(scrape["netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"\(listenPort)\",process=\"unknown\"}"] == 1)
            }
            // Its own descriptors it can read.
            #expect(scrape["netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"\(port)\",process=\"netstat_exporte\"}"] == 1)
            // It said once, at start, what would complete attribution (not once per scrape).
            _ = try farm.scrape(port)
            let warning = "Socket attribution will be incomplete: missing capabilities CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH"
            #expect(farm.exporterLog.components(separatedBy: warning).count - 1 == 1, "\(farm.exporterLog)")
        }
    }

    /// Python holding 20 connections to itself on :30100 (below the ephemeral range, so no
    /// client end of the farm can already hold the port) and two open files; when the step file
    /// appears it closes 5 connections and both files and opens 6 new connections, which keeps
    /// its descriptor count (12 closed, 12 opened) and lands the new sockets on the old numbers.
    static func churner(stepFile: String) -> String {
        """
        import os, socket, time
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("127.0.0.1", 30100)); l.listen(64)
        def connect():
            c = socket.create_connection(("127.0.0.1", 30100)); s, _ = l.accept(); return (c, s)
        pairs = [connect() for _ in range(20)]
        files = [open("/proc/self/stat"), open("/proc/self/status")]
        print("ready", flush=True)
        while not os.path.exists("\(stepFile)"): time.sleep(0.01)
        for c, s in pairs[:5]: c.close(); s.close()
        for f in files: f.close()
        pairs = pairs[5:] + [connect() for _ in range(6)]
        open("\(stepFile).done", "w").close()
        time.sleep(300)
        """
    }

    @Test func warmCacheFollowsClosedAndReusedDescriptors() throws {
        try Self.farm { farm in
            let stepFile = "/tmp/\(farm.namespace)-step"
            defer {
                try? FileManager.default.removeItem(atPath: stepFile)
                try? FileManager.default.removeItem(atPath: stepFile + ".done")
            }
            try farm.startPython(Self.churner(stepFile: stepFile))
            let port = try farm.startExporter()
            let inbound = SocketFarm.connections("established", "inbound", 30100, "python3")
            let outbound = "netstat_tcp_connections{state=\"established\",direction=\"outbound\",port=\"30100\",process=\"python3\"}"
            for _ in 0..<3 {
                let scrape = try farm.scrape(port)
                #expect(scrape[inbound] == 20)
                #expect(scrape[outbound] == 20)
            }
            FileManager.default.createFile(atPath: stepFile, contents: nil)
            for _ in 0..<200 where !FileManager.default.fileExists(atPath: stepFile + ".done") { usleep(10_000) }
            // A socket on a number that held a file is new to the cache: it may be "pending" for
            // the first scrape after the step (the process was not listed), never longer.
            let first = try farm.scrape(port)
            let pendingInbound = first[SocketFarm.connections("established", "inbound", 30100, "pending")] ?? 0
            let pendingOutbound = first.matching("netstat_tcp_connections", ["direction=\"outbound\"", "port=\"30100\"",
                                                                            "process=\"pending\""]).values.reduce(0, +)
            #expect(first[inbound].map { $0 + pendingInbound } == 21)
            #expect(first[outbound].map { $0 + pendingOutbound } == 21)
            for _ in 0..<3 {
                let scrape = try farm.scrape(port)
                #expect(scrape[inbound] == 21)
                #expect(scrape[outbound] == 21)
                #expect(scrape[SocketFarm.connections("established", "inbound", farm.basePort, "farm0")] == 11)
            }
        }
    }

    @Test func processesExitingDuringScrapesDoNotFailThem() throws {
        try Self.farm { farm in
            // Children that open a listener and a connection to it, then exit at once, all the time.
            try farm.startPython("""
                import os, socket, time
                print("ready", flush=True)
                while True:
                    pid = os.fork()
                    if pid == 0:
                        l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4)
                        c = socket.create_connection(l.getsockname())
                        os._exit(0)
                    os.waitpid(pid, 0)
                """)
            let port = try farm.startExporter()
            for _ in 0..<15 {
                let scrape = try farm.scrape(port)
                #expect(scrape["netstat_scrape_collector_success{collector=\"sockets\"}"] == 1)
                #expect(scrape["netstat_sockets_attribution_complete"] == 1)
                #expect(scrape[SocketFarm.connections("established", "inbound", farm.basePort, "farm0")] == 11)
            }
        }
    }
}

/// Counts `ss -tanpH` rows.
enum SSCount {
    static func count(_ output: String, state: String, localPort: Int? = nil, peerPort: Int? = nil,
                      process: String?) -> Int {
        output.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[0] == state else { return false }
            if let localPort, !fields[3].hasSuffix(":\(localPort)") { return false }
            if let peerPort, !fields[4].hasSuffix(":\(peerPort)") { return false }
            if let process { return fields.count > 5 && fields[5].contains("((\"\(process)\"") }
            return fields.count == 5
        }.count
    }
}
