import ProcNet

/// The capabilities socket attribution needs to read every process's fd table: CAP_SYS_PTRACE
/// (the ptrace access check on /proc/<pid>/fd) and CAP_DAC_READ_SEARCH (the directory is
/// dr-x------ for its owner). Without them the sockets of other users' processes show as
/// `process="unknown"`; the exporter says so once, at start.
public enum AttributionCapabilities {
    /// (bit number in the capability sets, name as capabilities(7) spells it).
    static let needed: [(bit: UInt64, name: String)] = [(19, "CAP_SYS_PTRACE"), (2, "CAP_DAC_READ_SEARCH")]

    /// The effective set from the bytes of /proc/<pid>/status (`CapEff:\t000001ffffffffff`),
    /// nil when the line is missing or not hexadecimal.
    public static func effective(status bytes: [UInt8]) -> UInt64? {
        let prefix = Array("CapEff:".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: prefix) {
            let digits = line.dropFirst(prefix.count).filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            guard !digits.isEmpty, digits.count <= 16 else { return nil }
            return UInt64(String(decoding: digits, as: UTF8.self), radix: 16)
        }
        return nil
    }

    /// The needed capabilities missing from `effective`, in a fixed order.
    public static func missing(effective: UInt64) -> [String] {
        needed.filter { effective & (1 << $0.bit) == 0 }.map(\.name)
    }

    /// The line to log when attribution will be incomplete, or nil when nothing is missing or
    /// the status file cannot be read (a fixture procfs has no `self`).
    public static func startupWarning(paths: ProcPaths) -> String? {
        guard let bytes = try? ProcFile.read(paths.proc("self/status")),
              let effective = effective(status: bytes) else { return nil }
        let absent = missing(effective: effective)
        guard !absent.isEmpty else { return nil }
        return "Socket attribution will be incomplete: missing capabilities \(absent.joined(separator: ", "))"
            + "; sockets of other users' processes show as process=unknown and"
            + " netstat_sockets_attribution_complete is 0. Grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
            + " (systemd: AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH) to complete it."
    }
}
