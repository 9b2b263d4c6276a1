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
