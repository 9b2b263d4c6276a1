import Conntrack
import Exposition
import Namespaces
import ProcNet

/// The netfilter connection-tracking table of each namespace: its entries, the host's limit and
/// the tracker's statistics summed over CPUs. Never a dump of the table (it is slowest exactly
/// when it is full).
///
/// Where the exporter may, ctnetlink answers (IPCTNL_MSG_CT_GET_STATS_CPU and _GET_STATS over
/// NETLINK_NETFILTER, from a socket opened in the namespace: the exporter's own, or one a thread
/// has entered); without CAP_NET_ADMIN (EPERM, the ordinary case of an exporter that is not root),
/// without nf_conntrack_netlink, for a namespace read through /proc/<pid>/net, or on a fixture
/// procfs, /proc/net/stat/nf_conntrack of the namespace and, for the limit,
/// /proc/sys/net/netfilter/nf_conntrack_max are read instead. Both give the same values.
///
/// nf_conntrack not loaded (no file) is "no data here": no series, and the collector succeeds.
/// A file that exists but cannot be read fails it.
public struct ConntrackCollector: PerNamespaceCollector {
    public static let descriptor = CollectorDescriptor(
        name: "conntrack",
        help: "Connection-tracking entries, limit and statistics (ctnetlink or /proc/net/stat/nf_conntrack).",
        families: families
    ) { _, _ in
        ConntrackCollector()
    }

    static let entries = MetricDeclaration.gauge(
        "netstat_conntrack_entries", help: "Entries in the namespace's connection-tracking table (nf_conntrack_count).",
        source: "ctnetlink `CTA_STATS_GLOBAL_ENTRIES` (`IPCTNL_MSG_CT_GET_STATS`), else the `entries` column of /proc/net/stat/nf_conntrack; per namespace")
    static let limit = MetricDeclaration.gauge(
        "netstat_conntrack_entries_limit", help: "Most entries the connection-tracking table holds (nf_conntrack_max).",
        source: "ctnetlink `CTA_STATS_GLOBAL_MAX_ENTRIES`, else /proc/sys/net/netfilter/nf_conntrack_max; the host's, written for the exporter's own namespace only")

    /// The counter families, in `ConntrackCounter` order.
    static let counterFamilies: [(ConntrackCounter, MetricDeclaration)] = [
        (.found, counter("found", "Lookups that found an existing entry.", "CTA_STATS_FOUND", "found")),
        (.invalid, counter("invalid", "Packets conntrack could not track (malformed, or not matching their connection's state).",
                           "CTA_STATS_INVALID", "invalid")),
        (.insert, counter("insert", "Entries inserted into the table.", "CTA_STATS_INSERT", "insert")),
        (.insertFailed, counter("insert_failed", "Entries that could not be inserted (a clash with an existing entry, e.g. the DNS race).",
                                "CTA_STATS_INSERT_FAILED", "insert_failed")),
        (.drop, counter("drops", "Packets dropped because a new entry could not be made (table full, no early drop possible).",
                        "CTA_STATS_DROP", "drop")),
        (.earlyDrop, counter("early_drops", "Unassured entries dropped to make room in a full table.",
                             "CTA_STATS_EARLY_DROP", "early_drop")),
        (.searchRestart, counter("search_restart", "Table lookups restarted because the hash table was resized.",
                                 "CTA_STATS_SEARCH_RESTART", "search_restart")),
        (.clashResolve, counter("clash_resolved", "Insert clashes resolved by reusing the existing entry.",
                                "CTA_STATS_CLASH_RESOLVE", "clashres")),
        (.icmpError, counter("icmp_errors", "ICMP error packets conntrack could not handle (counted as invalid too).",
                             "CTA_STATS_ERROR", "icmp_error")),
        (.chainTooLong, counter("chain_too_long", "Entries refused because their hash chain was too long.",
                                "CTA_STATS_CHAIN_TOOLONG", "chainlength")),
    ]

    public static let families: [MetricDeclaration] = [entries, limit] + counterFamilies.map(\.1)

    static func counter(_ name: String, _ help: String, _ attribute: String, _ column: String) -> MetricDeclaration {
        .counter("netstat_conntrack_\(name)_total", help: help + " Summed over CPUs.",
                 source: "ctnetlink `\(attribute)` (`IPCTNL_MSG_CT_GET_STATS_CPU`), else the `\(column)` column of /proc/net/stat/nf_conntrack; summed over CPUs")
    }

    public init() {}

    public func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        var statistics: ConntrackStatistics?
        var limit: UInt64?
        // A netlink socket sees the reading thread's namespace, which a fixture procfs is not.
        if namespace.netlinkReachable && (namespace.reader != .own || namespace.isLiveProc),
           let reading = try? ConntrackSession().read() {
            statistics = reading.statistics
            limit = reading.limit
        } else {
            let path = namespace.net("stat/nf_conntrack")
            if let bytes = report.readOptional(path) {
                let (parsed, summary) = ConntrackStatTable.parse(bytes)
                report.record(summary, path: path)
                statistics = parsed
            }
            if namespace.isOwn {
                limit = readLimit(ProcPaths(procfs: namespace.procfs).proc("sys/net/netfilter/nf_conntrack_max"),
                                  report: &report)
            }
        }
        if let entries = statistics?.entries { metrics.add(Self.entries, [], .unsigned(entries)) }
        if namespace.isOwn, let limit { metrics.add(Self.limit, [], .unsigned(limit)) }
        for (counter, family) in Self.counterFamilies {
            if let value = statistics?.counters[counter] { metrics.add(family, [], .unsigned(value)) }
        }
    }

    /// nf_conntrack_max: one decimal number; absent without nf_conntrack.
    func readLimit(_ path: String, report: inout CollectorReport) -> UInt64? {
        guard let bytes = report.readOptional(path) else { return nil }
        var lines = ByteLines(bytes)
        var fields = ByteFields(bytes, line: lines.next() ?? 0..<0)
        guard let field = fields.next(), let value = ByteNumber.decimal(bytes, field) else {
            report.skipFile("\(path): not a number")
            return nil
        }
        return value
    }
}
