import Exposition
import ProcNet

/// TCP, UDP and unix socket counts and queues (netstat -an), from /proc/net/{tcp,tcp6,udp,udp6,unix}.
///
/// The IPv4 tables and unix are required; the IPv6 tables are optional (absent when IPv6 is
/// disabled), and then only the IPv4 counts are real: the ipv6 series stay 0.
public struct SocketsCollector: Collector {
    public static let descriptor = CollectorDescriptor(
        name: "sockets",
        help: "TCP sockets by state and queue, UDP and unix sockets (netstat -an)."
    ) { _, paths in
        SocketsCollector(paths: paths)
    }

    let paths: ProcPaths

    public init(paths: ProcPaths) {
        self.paths = paths
    }

    public func collect(into metrics: inout MetricSet, report: inout CollectorReport) {
        collectTCP(into: &metrics, report: &report)
        collectUDP(into: &metrics, report: &report)
        collectUnix(into: &metrics, report: &report)
    }

    /// Reads one inet table, counting its malformed rows; nil when it could not be read.
    func readTable(_ family: SocketFamily, _ proto: String, report: inout CollectorReport,
                   _ body: (InetSocket) -> Void) {
        let path = paths.proc(family.procTable(proto))
        let bytes = family == .ipv4 ? report.readRequired(path) : report.readOptional(path)
        guard let bytes else { return }
        report.record(InetSocketTable.parse(bytes, body), path: path)
    }

    func collectTCP(into metrics: inout MetricSet, report: inout CollectorReport) {
        for family in SocketFamily.allCases {
            var tally = TCPStateTally()
            readTable(family, "tcp", report: &report) { tally.add($0) }
            tally.write(family: family, into: &metrics)
        }
    }

    func collectUDP(into metrics: inout MetricSet, report: inout CollectorReport) {
        for family in SocketFamily.allCases {
            var sockets: UInt64 = 0, receiveQueue: UInt64 = 0, drops: UInt64 = 0
            readTable(family, "udp", report: &report) { socket in
                sockets += 1
                receiveQueue &+= socket.receiveQueue
                drops &+= socket.drops ?? 0
            }
            let label = [Label("family", family.rawValue)]
            metrics.gauge("netstat_udp_sockets", help: "UDP sockets open (netstat -anu).", labels: label,
                          .unsigned(sockets))
            metrics.gauge("netstat_udp_receive_queue_bytes",
                          help: "Bytes waiting in the receive queues of all UDP sockets (Recv-Q).", labels: label,
                          .unsigned(receiveQueue))
            metrics.counter("netstat_udp_drops_total",
                            help: "Datagrams dropped by the UDP sockets open now, summed over their lifetime (the drops column).",
                            labels: label, .unsigned(drops))
        }
    }

    func collectUnix(into metrics: inout MetricSet, report: inout CollectorReport) {
        var counts: [UnixSocket.Kind: [UnixSocket.State: UInt64]] = [:]
        let path = paths.proc("net/unix")
        if let bytes = report.readRequired(path) {
            report.record(UnixSocketTable.parse(bytes) { counts[$0.kind, default: [:]][$0.state, default: 0] += 1 },
                          path: path)
        }
        for kind in UnixSocket.Kind.allCases {
            for state in UnixSocket.State.allCases {
                metrics.gauge("netstat_unix_sockets", help: "Unix domain sockets by type and state (netstat -ax).",
                              labels: [Label("type", kind.description), Label("state", state.description)],
                              .unsigned(counts[kind]?[state] ?? 0))
            }
        }
    }
}
