/// The effective capability set of a process, from the `CapEff:` line of /proc/<pid>/status
/// (proc(5); bit numbers from linux/capability.h).
public struct ProcessCapabilities: Sendable, Hashable {
    public static let sysAdmin = 21
    public static let sysPtrace = 19
    public static let dacReadSearch = 2

    public let effective: UInt64

    public init(effective: UInt64) {
        self.effective = effective
    }

    public func has(_ capability: Int) -> Bool {
        effective & (1 << UInt64(capability)) != 0
    }

    /// Parses a status file; nil when it has no CapEff line.
    public static func parse(_ bytes: [UInt8]) -> ProcessCapabilities? {
        let key = Array("CapEff:".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: key) {
            var value: UInt64 = 0
            var digits = 0
            for byte in line.dropFirst(key.count) where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                guard digits < 16 else { return nil }
                value = value << 4 | UInt64(digit)
                digits += 1
            }
            return digits > 0 ? ProcessCapabilities(effective: value) : nil
        }
        return nil
    }

    /// The exporter's own capabilities; nil when /proc/self/status cannot be read.
    public static func own(procfs: String = "/proc") -> ProcessCapabilities? {
        (try? ProcFile.read(procfs + "/self/status")).flatMap(parse)
    }
}
