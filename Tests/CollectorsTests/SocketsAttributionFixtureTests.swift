@testable import Collectors
import Exposition
import ProcNet
import Flags
import Namespaces
import Testing
import TestSupport

/// The attribution metrics from the /proc fallback on the procfs fixture tables (no process
/// directories there, so every socket is owned by "-").
@Suite struct SocketsAttributionFixtureTests {
    func scrape(_ arguments: [String] = []) throws -> (MetricSet, CollectorReport) {
        let definitions = SocketsCollector.descriptor.flags
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: definitions) else {
            throw FlagError("no run")
        }
        let paths = ProcPaths(procfs: Fixtures.path("procfs/proc"))
        return CollectorRun.once(try SocketsCollector.descriptor.make(flags, paths), paths: paths)
    }

    func listener(_ address: String, _ port: String) -> [Label] {
        [Label("address", address), Label("port", port), Label("process", "-")]
    }

    @Test func listenersConnectionsAndUDPFromFixtureTables() throws {
        let (metrics, report) = try scrape()
        #expect(report.succeeded)
        #expect(metrics.value("netstat_tcp_listener_info", listener("10.0.0.5", "22")) == .unsigned(1))
        #expect(metrics.value("netstat_tcp_listen_queue_length", listener("10.0.0.5", "22")) == .unsigned(1))
        // Two listeners on 0.0.0.0:22 share one series; their queues add up.
        #expect(metrics.value("netstat_tcp_listener_info", listener("0.0.0.0", "22")) == .unsigned(2))
        #expect(metrics.value("netstat_tcp_listen_queue_length", listener("0.0.0.0", "22")) == .unsigned(1))
        // /proc/net/tcp does not carry the backlog.
        #expect(metrics.families["netstat_tcp_listen_queue_max"]?.samples.isEmpty == true)
        // tcp6 holds two sockets in CLOSE with no peer: outbound to remote port 0, no peer scope.
        let closed = [Label("state", "close"), Label("direction", "outbound"), Label("port", "0"), Label("process", "-")]
        #expect(metrics.value("netstat_tcp_connections", closed) == .unsigned(2))
        #expect(metrics.families["netstat_tcp_connections"]?.samples.count == 1)
        #expect(metrics.families["netstat_tcp_peer_connections"]?.samples.isEmpty == true)
        // The udp fixtures have the same rows: every bound socket without a peer is a listener.
        #expect(metrics.value("netstat_udp_listener_info", listener("0.0.0.0", "22")) == .unsigned(2))
        #expect(metrics.value("netstat_udp_listener_receive_queue_bytes", listener("0.0.0.0", "22")) == .unsigned(1))
        #expect(metrics.value("netstat_udp_listener_info", listener("::", "5355")) == .unsigned(1))
        #expect(metrics.value("netstat_udp_listener_info", listener("fe80::56e1:adff:fe7c:6609", "51073")) == .unsigned(1))
        #expect(metrics.value("netstat_sockets_attribution_complete") == .unsigned(1))
    }

    @Test func userLabelNamesTheUID() throws {
        let (metrics, _) = try scrape(["--collector.sockets.user"])
        #expect(metrics.value("netstat_tcp_listener_info", listener("10.0.0.5", "22") + [Label("user", "root")]) == .unsigned(1))
        // uid 981 has no name on this machine (checked by getpwuid): the number stands in.
        #expect(metrics.value("netstat_udp_listener_info", listener("::", "5355") + [Label("user", "981")]) == .unsigned(1))
    }

    @Test func badFlagValuesAreRejected() {
        for arguments in [["--collector.sockets.source=ebpf"], ["--collector.sockets.max-ports=0"],
                          ["--collector.sockets.max-processes=x"], ["--collector.sockets.ports=http"],
                          ["--collector.sockets.peer-group=office"]] {
            #expect(throws: FlagError.self, "\(arguments)") { try scrape(arguments) }
        }
    }

    @Test func forcedNetlinkIgnoresFixtureTables() throws {
        // Netlink reads the live kernel, not --path.procfs: a listener of this test's own, in a
        // namespace of its own that the reading thread has entered, is there (so something was
        // read) and the fixture's 10.0.0.5 listener is absent. Its port is listed so no cap on
        // ports can fold it into "other"; the fixture tree has no process directories, so "-".
        let netns = try TestNamespace(prefix: "suitefx")
        defer { netns.delete() }
        try netns.entered {
            let own = try LoopbackSocket.tcpListener()
            let (metrics, report) = try scrape(["--collector.sockets.source=netlink", "--collector.sockets.ports=\(own.port)"])
            #expect(report.succeeded)
            #expect(metrics.value("netstat_tcp_listener_info", listener("127.0.0.1", "\(own.port)")) == .unsigned(1))
            #expect(metrics.value("netstat_tcp_listener_info", listener("10.0.0.5", "22")) == nil)
        }
    }
}
