import ProcNet

/// The capabilities socket attribution needs to read every process's fd table: CAP_SYS_PTRACE
/// (the ptrace access check on /proc/<pid>/fd) and CAP_DAC_READ_SEARCH (the directory is
/// dr-x------ for its owner). Without them the sockets of other users' processes show as
/// `process="unknown"`; the exporter says so once, at start.
public enum AttributionCapabilities {
    static let needed: [(capability: Int, name: String)] = [
        (ProcessCapabilities.sysPtrace, "CAP_SYS_PTRACE"), (ProcessCapabilities.dacReadSearch, "CAP_DAC_READ_SEARCH"),
    ]

    /// The needed capabilities `capabilities` lacks, in a fixed order.
    public static func missing(_ capabilities: ProcessCapabilities) -> [String] {
        needed.filter { !capabilities.has($0.capability) }.map(\.name)
    }

    /// The line to log when attribution will be incomplete, or nil when nothing is missing or
    /// the status file cannot be read (a fixture procfs has no `self`).
    public static func startupWarning(paths: ProcPaths) -> String? {
        guard let own = ProcessCapabilities.own(procfs: paths.procfs) else { return nil }
        let absent = missing(own)
        guard !absent.isEmpty else { return nil }
        return "Socket attribution will be incomplete: missing capabilities \(absent.joined(separator: ", "))"
            + "; sockets of other users' processes show as process=unknown and"
            + " netstat_sockets_attribution_complete is 0. Grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
            + " (systemd: AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH) to complete it."
    }
}
