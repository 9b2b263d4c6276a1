/// How severe a log line is; `--log.level` drops every line below the one chosen.
public enum LogLevel: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    case debug, info, warn, error

    /// Reads a `--log.level` value; any case is accepted, as promslog does.
    public init?(name: String) {
        guard let level = LogLevel.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = level
    }

    /// The spelling the flag takes.
    public var name: String {
        switch self {
        case .debug: "debug"
        case .info: "info"
        case .warn: "warn"
        case .error: "error"
        }
    }

    /// The spelling a line carries: upper case, as Go's log/slog (and so node_exporter) writes it.
    public var description: String { name.uppercased() }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How a line is written: `logfmt` (key=value pairs) or `json` (one object per line).
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    case logfmt, json

    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }
}
