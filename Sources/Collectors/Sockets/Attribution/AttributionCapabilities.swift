import ProcNet

/// The capabilities socket attribution needs to read every process's fd table: CAP_SYS_PTRACE
/// (the ptrace access check on /proc/<pid>/fd) and CAP_DAC_READ_SEARCH (the directory is
/// dr-x------ for its owner). Without them the sockets of other users' processes show as
/// `process="unknown"`; the exporter says so once, at start.
public enum AttributionCapabilities {
    public static let requirement = CapabilityRequirement(
        feature: "Socket attribution will be incomplete", needed: [.sysPtrace, .dacReadSearch],
        consequence: "sockets of other users' processes show as process=unknown and"
            + " netstat_sockets_attribution_complete is 0")

    /// The needed capabilities `capabilities` lacks, in a fixed order.
    public static func missing(_ capabilities: ProcessCapabilities) -> [String] {
        requirement.missing(capabilities).map(\.name)
    }

    /// The line to log when attribution will be incomplete, or nil when nothing is missing or
    /// the status file cannot be read (a fixture procfs has no `self`).
    public static func startupWarning(paths: ProcPaths) -> String? {
        requirement.startupWarning(procfs: paths.procfs)
    }
}
