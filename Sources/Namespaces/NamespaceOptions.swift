import ProcNet
import Flags

/// The `--netns.*` flags: whether the exporter reads the host's other network namespaces too
/// (containers, pods), which ones, how, and how many it labels.
public struct NamespaceOptions: Sendable {
    public static let protocolFieldsFlag = "netns.protocols.fields"

    /// The protocol statistics the shipped rules read: listen overflows and drops, retransmits,
    /// segments out, resets, SYN cookies.
    public static let defaultProtocolFields =
        "tcp_(retrans_segs|out_segs|out_rsts|estab_resets)|tcpext_(listen_overflows|listen_drops|syncookies_.*)"

    public enum Reader: String, Sendable, CaseIterable {
        /// setns(2) when the exporter has CAP_SYS_ADMIN, else /proc/<pid>/net.
        case auto
        /// Always try setns(2); a refusal falls back to /proc/<pid>/net and is counted.
        case setns
        /// Never setns: /proc/<pid>/net only (namespaces without a process are not read).
        case proc
    }

    public static let flags: [FlagDefinition] = [
        .bool("netns.all", default: false,
              help: "Read every network namespace on the host (containers, pods) besides the exporter's own; their series carry a netns label."),
        .value("netns.include", default: "",
               help: "Regular expression (anchored) of netns label values to read; empty for all."),
        .value("netns.exclude", default: "",
               help: "Regular expression (anchored) of netns label values not to read; empty for none."),
        .value("netns.max", default: "20",
               help: "Most namespaces labelled per scrape, those with the most sockets; the rest are summed under netns=\"other\"."),
        .value("netns.reader", default: "auto",
               help: "How other namespaces are read: auto (setns with CAP_SYS_ADMIN, else /proc/<pid>/net), setns, or proc."),
        .value(protocolFieldsFlag, default: defaultProtocolFields,
               help: "Regex (anchored) of the protocol statistics exported for other namespaces, as --collector.protocols.fields."),
    ]

    public let enabled: Bool
    public let filter: NameFilter
    public let maxLabelled: Int
    public let reader: Reader

    public init(_ flags: FlagValues) throws(FlagError) {
        enabled = flags.bool("netns.all")
        filter = try NameFilter(include: flags.string("netns.include"), exclude: flags.string("netns.exclude"),
                                includeFlag: "netns.include", excludeFlag: "netns.exclude")
        maxLabelled = try flags.integer("netns.max", in: 0...100_000)
        guard let reader = Reader(rawValue: flags.string("netns.reader")) else {
            throw FlagError("--netns.reader: expected auto, setns or proc, got \"\(flags.string("netns.reader"))\"")
        }
        self.reader = reader
    }

    public init(enabled: Bool = true, filter: NameFilter = .all, maxLabelled: Int = 20, reader: Reader = .auto) {
        self.enabled = enabled
        self.filter = filter
        self.maxLabelled = maxLabelled
        self.reader = reader
    }
}
