/// Where /proc and /sys are. Every file a collector reads is named through here, so a test can
/// point the whole exporter at a fixture tree with `--path.procfs` / `--path.sysfs`.
public struct ProcPaths: Sendable, Hashable {
    public let procfs: String
    public let sysfs: String

    public init(procfs: String = "/proc", sysfs: String = "/sys") {
        self.procfs = ProcPaths.trimmed(procfs)
        self.sysfs = ProcPaths.trimmed(sysfs)
    }

    /// `proc("net/tcp")` → "/proc/net/tcp".
    public func proc(_ relative: String) -> String { procfs + "/" + relative }

    /// `sys("class/net")` → "/sys/class/net".
    public func sys(_ relative: String) -> String { sysfs + "/" + relative }

    /// True when procfs is the live /proc of this host, not a fixture tree.
    public var isLiveProc: Bool { procfs == "/proc" }

    private static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
