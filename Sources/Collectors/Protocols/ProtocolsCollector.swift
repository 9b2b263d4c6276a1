import Exposition
import ProcNet
import Flags
import Namespaces

/// The kernel's protocol statistics (netstat -s, nstat), every field of /proc/net/snmp,
/// /proc/net/netstat and /proc/net/snmp6 as `netstat_<section>_<field>` (see `ProtocolMetricName`).
///
/// Names come from the files, so fields a newer kernel adds appear without a code change.
/// snmp and netstat are required; snmp6 is optional (absent when IPv6 is disabled). When two
/// kernel names give the same metric name (TCPFoo and TcpFoo both give tcp_foo), or a name
/// another collector already used this scrape, only the first in file order is exported.
public struct ProtocolsCollector: PerNamespaceCollector {
    public static let fieldsFlag = "collector.protocols.fields"

    public static let descriptor = CollectorDescriptor(
        name: "protocols",
        help: "Protocol statistics from /proc/net/snmp, netstat and snmp6 (netstat -s).",
        // One family per kernel field, named from the files (docs/metrics.md lists them).
        families: [],
        flags: [
            .value(fieldsFlag, default: ".*",
                   help: "Regex (anchored) of the protocol statistics to export, matched against the metric name "
                       + "without netstat_ and _total, e.g. \"tcpext_listen.*|tcp_.*\"."),
        ]
    ) { flags, _ throws(FlagError) in
        // Other namespaces are read only with --netns.all; without it their (non-empty by
        // default) filter is not compiled: a compiled regex keeps code resident from start-up
        // (docs/performance.md, "Idle RSS").
        let otherNamespaceFields = flags.bool("netns.all")
            ? try NameFilter(include: flags.string(NamespaceOptions.protocolFieldsFlag),
                             flag: NamespaceOptions.protocolFieldsFlag)
            : .all
        return ProtocolsCollector(fields: try NameFilter(include: flags.string(fieldsFlag), flag: fieldsFlag),
                                  otherNamespaceFields: otherNamespaceFields)
    }

    /// One statistics file: where it is under procfs, how HELP names it, whether it must exist.
    struct Source: Sendable {
        let file: String
        let required: Bool
        let parse: @Sendable ([UInt8]) -> (statistics: [ProtocolStatistic], summary: ParseSummary)

        var kernelPath: String { "/proc/net/" + file }

        static let all = [
            Source(file: "snmp", required: true, parse: SNMPTable.parse),
            Source(file: "netstat", required: true, parse: SNMPTable.parse),
            Source(file: "snmp6", required: false, parse: SNMP6Table.parse),
        ]
    }

    let names: ProtocolMetricNames
    /// Other namespaces export a few fields only (what the shipped rules use), so 100 pods do
    /// not add 100 × 300 series.
    let otherNamespaceNames: ProtocolMetricNames

    public init(fields: NameFilter = .all, otherNamespaceFields: NameFilter = .all) {
        self.names = ProtocolMetricNames(fields: fields)
        self.otherNamespaceNames = ProtocolMetricNames(fields: otherNamespaceFields)
    }

    public func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        let names = namespace.isOwn ? self.names : otherNamespaceNames
        var written: Set<String> = []
        for source in Source.all {
            let path = namespace.net(source.file)
            guard let bytes = source.required ? report.readRequired(path) : report.readOptional(path) else { continue }
            let (statistics, summary) = source.parse(bytes)
            report.record(summary, path: path)
            if statistics.isEmpty {
                if source.required { report.fail(.parseFailed(path: path, line: 1, reason: "no statistics found")) }
                continue
            }
            for (statistic, resolved) in zip(statistics, names.resolve(statistics, file: source.kernelPath))
            where resolved.included && written.insert(resolved.name).inserted {
                metrics.add(resolved.name, resolved.type, help: resolved.help, value: MetricValue(statistic.value))
            }
        }
    }
}
