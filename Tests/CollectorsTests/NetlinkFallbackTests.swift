@testable import Collectors
import Exposition
import Glibc
import ProcNet
import SockDiag
import Flags
import Namespaces
import Testing
import TestSupport

/// The sockets collector on the live kernel when netlink receives fail: errors injected through
/// `SockDiagFaults` replace real receives, so the real retry, fallback and failure paths run.
/// Each test runs on a thread inside a fresh namespace holding one listener of its own, read as
/// an entered namespace (netlink opened there, /proc/thread-self/net), so counts are exact.
/// (NLM_F_DUMP_INTR cannot be provoked on demand: inet_diag dumps do not set it on the kernels we
/// know, so its decoding is tested on crafted datagrams in SockDiagMessagesTests.)
@Suite(.serialized) struct NetlinkFallbackTests {
    func inNamespace(_ body: (LoopbackSocket, NetworkNamespace) throws -> Void) throws {
        let netns = try TestNamespace(prefix: "suitenl")
        defer { netns.delete() }
        try netns.entered {
            let listener = try LoopbackSocket.tcpListener()
            try body(listener, .other(inode: 1, label: "suite", reader: .entered, procfs: "/proc"))
        }
    }

    /// One scrape of the namespace alone, as the exporter's own (its series carry netns="suite").
    func scrape(_ collector: SocketsCollector, _ namespace: NetworkNamespace) -> (MetricSet, CollectorReport) {
        CollectorRun.once([collector], in: namespace)
    }

    /// The listener count: exactly our one listener, whichever source served it.
    func listening(_ metrics: MetricSet) -> MetricValue? {
        metrics.value("netstat_tcp_sockets", [Label("family", "ipv4"), Label("state", "listen"), Label("netns", "suite")])
    }

    /// A sockets collector with `source` on the live /proc, listing `port` so the test's
    /// listener is never folded into "other".
    func collector(_ source: String, port: UInt16, fallbacks: NetlinkFallbacks) throws -> SocketsCollector {
        let arguments = ["--collector.sockets.source=\(source)", "--collector.sockets.ports=\(port)"]
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: SocketsCollector.descriptor.flags) else {
            throw FlagError("no run")
        }
        return SocketsCollector(paths: ProcPaths(), options: try AttributionOptions(flags), netlinkFallbacks: fallbacks)
    }

    /// Only netlink knows a listener's backlog: its series for our listener says where the
    /// listeners came from this scrape.
    func backlogSeries(_ metrics: MetricSet, _ port: UInt16) -> MetricValue? {
        metrics.families["netstat_tcp_listen_queue_max"]?.samples
            .first { $0.labels.contains(Label("port", "\(port)")) }?.value
    }

    @Test func oneFailedReceiveIsRetriedOnNetlink() throws {
        try inNamespace { own, namespace in
            let faults = SockDiagFaults(receives: [ENOBUFS])
            let fallbacks = NetlinkFallbacks(faults: faults)
            let (metrics, report) = scrape(try collector("auto", port: own.port, fallbacks: fallbacks), namespace)
            #expect(report.succeeded, "\(report.failures)")
            #expect(faults.remaining == 0)
            #expect(fallbacks.total == 0)
            #expect(listening(metrics) == .unsigned(1))
            #expect(backlogSeries(metrics, own.port) == .unsigned(4))
        }
    }

    @Test func twoFailedReceivesFallBackToProcForThatScrapeAndAreCounted() throws {
        try inNamespace { own, namespace in
            let fallbacks = NetlinkFallbacks(faults: SockDiagFaults(receives: [ENOBUFS, EINTR]))
            let sockets = try collector("auto", port: own.port, fallbacks: fallbacks)
            let (fallen, fallenReport) = scrape(sockets, namespace)
            // /proc had everything: the scrape is complete, and the fallback is counted.
            #expect(fallenReport.succeeded, "\(fallenReport.failures)")
            #expect(listening(fallen) == .unsigned(1))
            #expect(metrics(fallen, hasListenerOn: own.port))
            #expect(backlogSeries(fallen, own.port) == nil)
            #expect(fallbacks.total == 1)
            // The next scrape is on netlink again; the counter keeps its value.
            let (next, nextReport) = scrape(sockets, namespace)
            #expect(nextReport.succeeded)
            #expect(listening(next) == .unsigned(1))
            #expect(backlogSeries(next, own.port) == .unsigned(4))
            #expect(fallbacks.total == 1)
        }
    }

    @Test func forcedNetlinkFailsTheScrapeAndRecovers() throws {
        try inNamespace { own, namespace in
            let fallbacks = NetlinkFallbacks(faults: SockDiagFaults(receives: [ENOBUFS, ENOBUFS]))
            let sockets = try collector("netlink", port: own.port, fallbacks: fallbacks)
            let (failed, failedReport) = scrape(sockets, namespace)
            #expect(!failedReport.succeeded)
            #expect(failedReport.failures == ["netlink sock_diag: receive failed: \(Errno.describe(ENOBUFS))"])
            // The listeners' dump failed; what the other tables had is still there, unix too.
            #expect(listening(failed) == .unsigned(0))
            #expect(failed.families["netstat_unix_sockets"]?.samples.count == 15)
            #expect(fallbacks.total == 0)
            let (next, nextReport) = scrape(sockets, namespace)
            #expect(nextReport.succeeded)
            #expect(listening(next) == .unsigned(1))
            #expect(backlogSeries(next, own.port) == .unsigned(4))
        }
    }

    /// The counter is one series, written with the exporter's own namespace.
    @Test func theCounterIsWrittenWithTheOwnNamespace() throws {
        let fallbacks = NetlinkFallbacks()
        fallbacks.record()
        let sockets = SocketsCollector(paths: ProcPaths(procfs: Fixtures.path("procfs/proc")), options: AttributionOptions(),
                                       netlinkFallbacks: fallbacks)
        let (metrics, _) = scrape(sockets, .own(ProcPaths(procfs: Fixtures.path("procfs/proc"))))
        #expect(metrics.single("netstat_sockets_netlink_fallbacks_total") == .unsigned(1))
    }

    func metrics(_ metrics: MetricSet, hasListenerOn port: UInt16) -> Bool {
        metrics.families["netstat_tcp_listener_info"]?.samples.contains {
            $0.labels.contains(Label("port", "\(port)")) && $0.labels.contains(Label("address", "127.0.0.1"))
        } == true
    }
}
