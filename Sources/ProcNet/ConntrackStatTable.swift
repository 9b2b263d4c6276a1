/// One statistic of the netfilter connection tracker that the exporter reads, as the kernel's
/// `struct ip_conntrack_stat` holds it per CPU (include/uapi/linux/netfilter/nf_conntrack_common.h,
/// net/netfilter/nf_conntrack_standalone.c `ct_cpu_seq_show`, nf_conntrack_netlink.c
/// `ctnetlink_ct_stat_cpu_fill_info`). The deprecated always-0 fields (searched, new, delete,
/// delete_list, ignore) and the expectation columns are not among them.
public enum ConntrackCounter: String, CaseIterable, Sendable, Hashable {
    case found
    case invalid
    case insert
    case insertFailed = "insert_failed"
    case drop
    case earlyDrop = "early_drop"
    case searchRestart = "search_restart"
    case clashResolve = "clash_resolve"
    case icmpError = "icmp_error"
    case chainTooLong = "chaintoolong"

    /// The column names /proc/net/stat/nf_conntrack gives it: `clashres` (Linux 5.9+, where
    /// `searched` was), `icmp_error`, and `chainlength` for chaintoolong (Linux 5.17+, where
    /// `delete_list` was).
    public var procColumns: [String] {
        switch self {
        case .clashResolve: ["clashres"]
        case .chainTooLong: ["chainlength", "chaintoolong"]
        default: [rawValue]
        }
    }

    /// The counter a /proc/net/stat/nf_conntrack column holds, if the exporter reads it.
    public static func forProcColumn(_ name: String) -> ConntrackCounter? {
        allCases.first { $0.procColumns.contains(name) }
    }
}

/// What the connection tracker of one network namespace reports: its entry count and its
/// statistics summed over every CPU. A statistic the source does not have (an older kernel's
/// file without the column) is absent, not zero.
public struct ConntrackStatistics: Sendable, Hashable {
    /// The namespace's `nf_conntrack_count`.
    public var entries: UInt64?
    public var counters: [ConntrackCounter: UInt64]
    /// How many per-CPU rows (or netlink messages) were summed.
    public var cpus: Int

    public init(entries: UInt64? = nil, counters: [ConntrackCounter: UInt64] = [:], cpus: Int = 0) {
        self.entries = entries
        self.counters = counters
        self.cpus = cpus
    }

    /// Adds one CPU's values to the sums (wrapping: the kernel's per-CPU values are 32-bit).
    public mutating func addCPU(_ values: [ConntrackCounter: UInt64]) {
        for (counter, value) in values { counters[counter, default: 0] &+= value }
        cpus += 1
    }
}

/// Parser for /proc/net/stat/nf_conntrack, the connection tracker's statistics, one row per
/// possible CPU in hexadecimal (kernel: net/netfilter/nf_conntrack_standalone.c `ct_cpu_seq_show`;
/// Documentation/networking/nf_conntrack-sysctl.rst):
///
///     entries  clashres found new invalid ignore delete chainlength insert insert_failed drop …
///     0000000e  00000000 00000013 00000000 00000000 00000000 00000000 00000000 0000000e …
///
/// The header names the columns, and the set differs between kernels, so values are taken by
/// column name. `entries` is the namespace's entry count, the same in every row; the counters are
/// summed over the rows. A row whose field count differs from the header's or that holds a field
/// that is not hexadecimal is skipped and counted; no header (an empty file) gives no values.
public enum ConntrackStatTable {
    public static func parse(_ bytes: [UInt8]) -> (statistics: ConntrackStatistics?, summary: ParseSummary) {
        var summary = ParseSummary()
        var columns: [String]?
        var statistics = ConntrackStatistics()
        var lineNumber = 0
        for line in ByteLines(bytes) {
            lineNumber += 1
            var fields = ByteFields(bytes, line: line)
            guard columns != nil else {
                var names: [String] = []
                while let field = fields.next() { names.append(ByteNumber.text(bytes, field)) }
                if !names.isEmpty { columns = names }
                continue
            }
            var values: [UInt64] = []
            var clean = true
            while let field = fields.next() {
                guard let value = ByteNumber.hex(bytes, field) else {
                    clean = false
                    break
                }
                values.append(value)
            }
            if clean && values.isEmpty { continue }
            guard clean, values.count == columns!.count else {
                summary.skip(line: lineNumber, "not \(columns!.count) hexadecimal fields")
                continue
            }
            var row: [ConntrackCounter: UInt64] = [:]
            for (name, value) in zip(columns!, values) {
                if name == "entries" {
                    statistics.entries = value
                } else if let counter = ConntrackCounter.forProcColumn(name) {
                    row[counter] = value
                }
            }
            statistics.addCPU(row)
            summary.parsed += 1
        }
        guard columns != nil else { return (nil, summary) }
        return (statistics, summary)
    }
}
