#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Writes one line to stderr per distinct problem, and repeats of the same problem at most once
/// every `interval`, with how many were held back. A file that stays broken for a week must not
/// write a line per scrape.
public final class RateLimitedLog: Sendable {
    private struct Entry {
        var message: String
        var lastWritten: ContinuousClock.Instant
        var suppressed: Int
    }

    private let interval: Duration
    private let entries = Mutex<[String: Entry]>([:])

    public init(interval: Duration = .seconds(300)) {
        self.interval = interval
    }

    /// Logs `message` for `key` (a collector name) unless the same message was logged for that
    /// key within the interval.
    public func log(_ key: String, _ message: String) {
        let now = ContinuousClock.now
        let line: String? = entries.withLock { entries in
            if var entry = entries[key], entry.message == message {
                guard now - entry.lastWritten >= interval else {
                    entry.suppressed += 1
                    entries[key] = entry
                    return nil
                }
                let repeats = entry.suppressed
                entries[key] = Entry(message: message, lastWritten: now, suppressed: 0)
                return "\(key): \(message) (repeated \(repeats) times since last logged)"
            }
            entries[key] = Entry(message: message, lastWritten: now, suppressed: 0)
            return "\(key): \(message)"
        }
        if let line { RateLimitedLog.writeLine(line) }
    }

    /// Writes one error line to stderr in a single write, so concurrent lines never interleave.
    public static func writeLine(_ text: String) {
        write(level: "error", text)
    }

    public static func writeInfo(_ text: String) {
        write(level: "info", text)
    }

    private static func write(level: String, _ text: String) {
        var bytes = Array("level=\(level) msg=\"".utf8)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") { bytes.append(UInt8(ascii: " ")); continue }
            if byte == UInt8(ascii: "\"") { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        bytes.append(contentsOf: "\"\n".utf8)
        bytes.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
