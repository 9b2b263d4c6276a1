import Exposition
import Namespaces
import ProcNet
import Testing
import TestSupport
@testable import Collectors

@Suite struct SocketsCollectorTests {
    func collect(_ paths: ProcPaths) -> (MetricSet, CollectorReport) {
        CollectorRun.once(SocketsCollector(paths: paths), paths: paths)
    }

    func tcp(_ metrics: MetricSet, _ family: String, _ state: String, _ name: String = "netstat_tcp_sockets") -> MetricValue? {
        metrics.value(name, [Label("family", family), Label("state", state)])
    }

    @Test func countsTheProcfsFixture() {
        let (metrics, report) = collect(ProcPaths(procfs: Fixtures.path("procfs/proc")))
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(tcp(metrics, "ipv4", "listen") == .unsigned(3))
        #expect(tcp(metrics, "ipv4", "established") == .unsigned(0))
        #expect(tcp(metrics, "ipv6", "close") == .unsigned(2))
        // Listeners are excluded from the queue sums; the tcp6 fixture's two sockets have empty queues.
        #expect(tcp(metrics, "ipv4", "listen", "netstat_tcp_receive_queue_bytes") == nil)
        #expect(tcp(metrics, "ipv6", "close", "netstat_tcp_receive_queue_bytes") == .unsigned(0))
        // Every state for both families, so graphs have no gaps.
        #expect(metrics.families["netstat_tcp_sockets"]?.samples.count == 22)
        #expect(metrics.families["netstat_tcp_send_queue_bytes"]?.samples.count == 20)
        #expect(metrics.value("netstat_udp_sockets", [Label("family", "ipv4")]) == .unsigned(3))
        #expect(metrics.value("netstat_udp_receive_queue_bytes", [Label("family", "ipv4")]) == .unsigned(2))
        #expect(metrics.value("netstat_udp_sockets", [Label("family", "ipv6")]) == .unsigned(2))
        #expect(metrics.value("netstat_udp_drops_total", [Label("family", "ipv6")]) == .unsigned(0))
        let unix = { (type: String, state: String) in
            metrics.value("netstat_unix_sockets", [Label("type", type), Label("state", state)])
        }
        #expect(unix("stream", "listen") == .unsigned(1))
        #expect(unix("stream", "connected") == .unsigned(2))
        #expect(unix("seqpacket", "listen") == .unsigned(1))
        #expect(unix("dgram", "unconnected") == .unsigned(1))
        #expect(unix("dgram", "connected") == .unsigned(0))
        #expect(metrics.families["netstat_unix_sockets"]?.samples.count == 15)
    }

    @Test func sumsQueuesOfConnectionsByState() throws {
        let directory = try Fixtures.temporaryDirectory()
        let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        let rows = [
            "   0: 0100007F:1F90 0100007F:D431 01 00000010:00000020 00:00000000 00000000  1000        0 11 1 0 100 0 0 10 0",
            "   1: 0100007F:1F90 0100007F:D432 01 00000001:00000002 00:00000000 00000000  1000        0 12 1 0 100 0 0 10 0",
            "   2: 0100007F:1F90 0100007F:D433 08 00000000:00000300 00:00000000 00000000  1000        0 13 1 0 100 0 0 10 0",
            "   3: 0100007F:1F90 00000000:0000 0A 00000000:00000005 00:00000000 00000000  1000        0 14 1 0 100 0 0 10 0",
            "   4: broken",
        ]
        try Fixtures.write(header + rows.joined(separator: "\n") + "\n", to: "net/tcp", in: directory)
        try Fixtures.write(header, to: "net/udp", in: directory)
        try Fixtures.write("Num       RefCount Protocol Flags    Type St Inode Path\n", to: "net/unix", in: directory)
        let (metrics, report) = collect(ProcPaths(procfs: directory.path))
        #expect(report.succeeded, "the IPv6 tables are optional")
        #expect(report.skippedLines == 1)
        #expect(tcp(metrics, "ipv4", "established") == .unsigned(2))
        #expect(tcp(metrics, "ipv4", "established", "netstat_tcp_receive_queue_bytes") == .unsigned(0x22))
        #expect(tcp(metrics, "ipv4", "established", "netstat_tcp_send_queue_bytes") == .unsigned(0x11))
        #expect(tcp(metrics, "ipv4", "close_wait", "netstat_tcp_receive_queue_bytes") == .unsigned(0x300))
        #expect(tcp(metrics, "ipv4", "listen") == .unsigned(1))
        #expect(tcp(metrics, "ipv6", "established") == .unsigned(0))
    }

    @Test func aMissingRequiredTableFailsTheCollectorButKeepsTheRest() throws {
        let directory = try Fixtures.temporaryDirectory()
        try Fixtures.write("Num       RefCount Protocol Flags    Type St Inode Path\n", to: "net/unix", in: directory)
        let (metrics, report) = collect(ProcPaths(procfs: directory.path))
        #expect(!report.succeeded)
        #expect(report.failures.first == "\(directory.path)/net/tcp: no such file")
        #expect(metrics.value("netstat_unix_sockets", [Label("type", "stream"), Label("state", "listen")]) == .unsigned(0))
    }

    @Test func anEmptyTableIsCountedAsMalformed() throws {
        let directory = try Fixtures.temporaryDirectory()
        for table in ["net/tcp", "net/udp", "net/unix"] { try Fixtures.write("", to: table, in: directory) }
        let (_, report) = collect(ProcPaths(procfs: directory.path))
        #expect(report.skippedLines == 3)
        #expect(report.firstSkip == "\(directory.path)/net/tcp: line 1: missing header line")
    }

    /// The live kernel, from a thread inside a namespace of the test's own that holds exactly
    /// one TCP listener and one UDP socket: netlink (opened there) must count both. (/proc/net
    /// and its unix table are still the process's first thread's.)
    @Test func readsTheLiveHost() throws {
        let netns = try TestNamespace(prefix: "suitelh")
        defer { netns.delete() }
        try netns.entered {
            let listener = try LoopbackSocket.tcpListener()
            let udp = try LoopbackSocket.udp()
            let (metrics, report) = collect(ProcPaths())
            #expect(report.succeeded)
            #expect(report.skippedLines == 0)
            #expect(metrics.families["netstat_tcp_sockets"]?.samples.count == 22)
            #expect(tcp(metrics, "ipv4", "listen") == .unsigned(1))
            #expect(metrics.value("netstat_udp_sockets", [Label("family", "ipv4")]) == .unsigned(1))
            _ = (listener, udp)
        }
    }
}
