import Logging
import Synchronization

/// The lines a `Logger` wrote, kept in memory so a test can assert on them.
public final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// A logfmt logger at `level` that writes here.
    public func logger(_ level: LogLevel) -> Logger {
        Logger(level: level, format: .logfmt) { [self] bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            lines.withLock { $0.append(text) }
        }
    }

    /// Every line written so far, in order.
    public var written: [String] { lines.withLock { $0 } }
}
