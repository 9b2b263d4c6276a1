import Synchronization

/// Writes one line per distinct problem, and repeats of the same problem at most once every
/// `interval`, with how many were held back (`repeated=N`). A file that stays broken for a week
/// must not write a line per scrape.
public final class RateLimitedLog: Sendable {
    private struct Entry {
        /// The message and fields as written; a repeat is the same text for the same key.
        var identity: String
        var lastWritten: ContinuousClock.Instant
        var suppressed: Int
    }

    private let interval: Duration
    /// Where the lines go (the exporter's `Log.logger` unless a test gives its own).
    public let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])
    private let now: @Sendable () -> ContinuousClock.Instant

    /// `now` is the clock the interval is measured on (a test passes one it moves).
    public init(interval: Duration = .seconds(300), logger: Logger = Log.logger,
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.interval = interval
        self.logger = logger
        self.now = now
    }

    /// Logs `message` at `level` unless the same message with the same fields was logged for `key`
    /// (a collector, a subsystem) within the interval. Only the last line of each key is
    /// remembered, so memory stays bounded by the keys; keep counts that change every time out of
    /// `fields`, or every line is new.
    public func log(_ level: LogLevel, key: String, source: String? = nil, _ message: String,
                    _ fields: LogFields = [:], file: String = #fileID, line: Int = #line) {
        let now = now()
        let identity = ([message] + fields.map { "\($0.key)=\($0.value)" }).joined(separator: "\u{0}")
        let repeats: Int? = entries.withLock { entries in
            if var entry = entries[key], entry.identity == identity {
                guard now - entry.lastWritten >= interval else {
                    entry.suppressed += 1
                    entries[key] = entry
                    return nil
                }
                entries[key] = Entry(identity: identity, lastWritten: now, suppressed: 0)
                return entry.suppressed
            }
            entries[key] = Entry(identity: identity, lastWritten: now, suppressed: 0)
            return 0
        }
        guard let repeats else { return }
        var all = Array(fields)
        if repeats > 0 { all.append(("repeated", repeats)) }
        logger.log(level, source: source, message, fields: all, file: file, line: line)
    }

    /// The error line of the first logger: `source` is `key` (a collector or `microhttpd`).
    public func log(_ key: String, _ message: String) {
        log(.error, key: key, source: key, message)
    }
}
