import Collectors
import Synchronization
import Logging

/// libmicrohttpd's own error lines, written through the exporter's log with each kind of line
/// (its format string, a bounded set) rate-limited on its own: a thousand refused connections
/// make one line, and a different problem meanwhile still gets through.
final class HTTPErrorLog: Sendable {
    private let perFormat = Mutex<[String: RateLimitedLog]>([:])

    func log(format: String, line: String) {
        let limiter = perFormat.withLock { logs in
            if let existing = logs[format] { return existing }
            let created = RateLimitedLog()
            logs[format] = created
            return created
        }
        limiter.log("libmicrohttpd", line)
    }
}
