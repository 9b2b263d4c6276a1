/// The capabilities a feature needs, and what lacking them costs: the one shape of the exporter's
/// start-up capability warnings (socket attribution, `--netns.all`). A missing capability is
/// never an error: the feature degrades, a metric says so, and the exporter logs once, at
/// start, what is missing and how to grant it.
public struct CapabilityRequirement: Sendable {
    /// One capability: its bit in the effective set (linux/capability.h) and its name.
    public struct Capability: Sendable, Hashable {
        public let bit: Int
        public let name: String

        public static let dacReadSearch = Capability(bit: ProcessCapabilities.dacReadSearch, name: "CAP_DAC_READ_SEARCH")
        public static let sysPtrace = Capability(bit: ProcessCapabilities.sysPtrace, name: "CAP_SYS_PTRACE")
        public static let sysAdmin = Capability(bit: ProcessCapabilities.sysAdmin, name: "CAP_SYS_ADMIN")
    }

    /// What degrades: "Socket attribution will be incomplete".
    public let feature: String
    public let needed: [Capability]
    /// What is lost without them, and the metric that shows it.
    public let consequence: String

    public init(feature: String, needed: [Capability], consequence: String) {
        self.feature = feature
        self.needed = needed
        self.consequence = consequence
    }

    /// The needed capabilities `capabilities` lacks, in the order `needed` lists them.
    public func missing(_ capabilities: ProcessCapabilities) -> [Capability] {
        needed.filter { !capabilities.has($0.bit) }
    }

    /// The line to log when something is missing from `capabilities`, else nil.
    public func warning(_ capabilities: ProcessCapabilities) -> String? {
        let absent = missing(capabilities)
        guard !absent.isEmpty else { return nil }
        let names = needed.map(\.name)
        return "\(feature): missing capabilities \(absent.map(\.name).joined(separator: ", ")); \(consequence)."
            + " Grant \(names.joined(separator: " and "))"
            + " (systemd: AmbientCapabilities=\(names.joined(separator: " "))) to complete it."
    }

    /// `warning` for the exporter's own capabilities; nil when nothing is missing or the status
    /// file cannot be read (a fixture procfs has no `self`).
    public func startupWarning(procfs: String) -> String? {
        ProcessCapabilities.own(procfs: procfs).flatMap(warning)
    }
}
