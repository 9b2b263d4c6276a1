#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Writes leveled lines in the configured format, each in a single write so lines from
/// concurrent scrapes never interleave. The exporter has one (`Log.logger`), configured from
/// `--log.level` and `--log.format` once the flags are read; tests make their own with a sink.
public final class Logger: Sendable {
    public typealias Sink = @Sendable ([UInt8]) -> Void

    private struct Settings {
        var level: LogLevel
        var format: LogFormat
    }

    private let settings: Mutex<Settings>
    private let sink: Sink

    public init(level: LogLevel = .info, format: LogFormat = .logfmt, sink: @escaping Sink = Logger.standardError) {
        settings = Mutex(Settings(level: level, format: format))
        self.sink = sink
    }

    public func configure(level: LogLevel, format: LogFormat) {
        settings.withLock { $0 = Settings(level: level, format: format) }
    }

    public var level: LogLevel { settings.withLock { $0.level } }

    /// Whether a line at `level` would be written; lets a caller skip building costly fields.
    public func isEnabled(_ level: LogLevel) -> Bool {
        level >= self.level
    }

    /// Writes one line if `level` is enabled. `source` names where it comes from; without one it
    /// is the caller's file and line, as promslog writes it (`main.swift:80`).
    public func log(_ level: LogLevel, source: String? = nil, _ message: String, _ fields: LogFields = [:],
                    file: String = #fileID, line: Int = #line) {
        log(level, source: source, message, fields: Array(fields), file: file, line: line)
    }

    /// The same with the fields as an array, for callers that build them (RateLimitedLog adds
    /// `repeated`).
    public func log(_ level: LogLevel, source: String? = nil, _ message: String, fields: [LogField],
                    file: String = #fileID, line: Int = #line) {
        let current = settings.withLock { $0 }
        guard level >= current.level else { return }
        let origin = source ?? Logger.source(file: file, line: line)
        sink(LogLine.render(current.format, time: LogLine.now(), level: level, source: origin, message: message,
                            fields: fields))
    }

    /// `netstat_exporter/main.swift` and 80 → `main.swift:80`.
    static func source(file: String, line: Int) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(name):\(line)"
    }

    /// Writes to stderr in one call (retrying a short or interrupted write, so a line is never cut).
    public static let standardError: Sink = { bytes in
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
