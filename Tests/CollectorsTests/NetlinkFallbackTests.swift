@testable import Collectors
import Exposition
import Glibc
import ProcNet
import SockDiag
import Testing

/// The sockets collector on the live kernel when netlink receives fail: errors injected through
/// `SockDiagFaults` replace real receives, so the real retry, fallback and failure paths run.
/// (NLM_F_DUMP_INTR cannot be provoked on demand: inet_diag dumps do not set it on the kernels we
/// know, so its decoding is tested on crafted datagrams in SockDiagMessagesTests.)
@Suite struct NetlinkFallbackTests {
    func scrape(_ collector: SocketsCollector) -> (MetricSet, CollectorReport) {
        var metrics = MetricSet()
        var report = CollectorReport()
        collector.collect(into: &metrics, report: &report)
        return (metrics, report)
    }

    /// A sockets collector with `source` on the live /proc, listing `port` so the test's
    /// listener is never folded into "other".
    func collector(_ source: String, port: UInt16, faults: SockDiagFaults) throws -> SocketsCollector {
        let arguments = ["--collector.sockets.source=\(source)", "--collector.sockets.ports=\(port)"]
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: SocketsCollector.descriptor.flags) else {
            throw FlagError("no run")
        }
        return SocketsCollector(paths: ProcPaths(), options: try AttributionOptions(flags),
                                netlinkFallbacks: NetlinkFallbacks(faults: faults))
    }

    /// Only netlink knows a listener's backlog: its series for our listener says where the
    /// listeners came from this scrape.
    func backlogSeries(_ metrics: MetricSet, _ port: UInt16) -> MetricValue? {
        metrics.families["netstat_tcp_listen_queue_max"]?.samples
            .first { $0.labels.contains(Label("port", "\(port)")) }?.value
    }

    @Test func oneFailedReceiveIsRetriedOnNetlink() throws {
        let own = try LoopbackSocket.tcpListener()
        let faults = SockDiagFaults(receives: [ENOBUFS])
        let sockets = try collector("auto", port: own.port, faults: faults)
        let (metrics, report) = scrape(sockets)
        #expect(report.succeeded, "\(report.failures)")
        #expect(faults.remaining == 0)
        #expect(metrics.single("netstat_sockets_netlink_fallbacks_total") == .unsigned(0))
        #expect(backlogSeries(metrics, own.port) == .unsigned(4))
    }

    @Test func twoFailedReceivesFallBackToProcForThatScrapeAndAreCounted() throws {
        let own = try LoopbackSocket.tcpListener()
        let faults = SockDiagFaults(receives: [ENOBUFS, EINTR])
        let sockets = try collector("auto", port: own.port, faults: faults)
        let (fallen, fallenReport) = scrape(sockets)
        // /proc had everything: the scrape is complete, and the fallback is counted.
        #expect(fallenReport.succeeded, "\(fallenReport.failures)")
        #expect(metrics(fallen, hasListenerOn: own.port))
        #expect(backlogSeries(fallen, own.port) == nil)
        #expect(fallen.single("netstat_sockets_netlink_fallbacks_total") == .unsigned(1))
        // The next scrape is on netlink again; the counter keeps its value.
        let (next, nextReport) = scrape(sockets)
        #expect(nextReport.succeeded)
        #expect(backlogSeries(next, own.port) == .unsigned(4))
        #expect(next.single("netstat_sockets_netlink_fallbacks_total") == .unsigned(1))
    }

    @Test func forcedNetlinkFailsTheScrapeAndRecovers() throws {
        let own = try LoopbackSocket.tcpListener()
        let faults = SockDiagFaults(receives: [ENOBUFS, ENOBUFS])
        let sockets = try collector("netlink", port: own.port, faults: faults)
        let (failed, failedReport) = scrape(sockets)
        #expect(!failedReport.succeeded)
        #expect(failedReport.failures == ["netlink sock_diag: receive failed: \(Errno.describe(ENOBUFS))"])
        // What the other tables had is still there: the IPv4 connections and UDP, and unix.
        #expect(failed.families["netstat_unix_sockets"]?.samples.count == 15)
        #expect(failed.single("netstat_sockets_netlink_fallbacks_total") == .unsigned(0))
        let (next, nextReport) = scrape(sockets)
        #expect(nextReport.succeeded)
        #expect(backlogSeries(next, own.port) == .unsigned(4))
    }

    func metrics(_ metrics: MetricSet, hasListenerOn port: UInt16) -> Bool {
        metrics.families["netstat_tcp_listener_info"]?.samples.contains {
            $0.labels.contains(Label("port", "\(port)")) && $0.labels.contains(Label("address", "127.0.0.1"))
        } == true
    }
}
