/// Why a /proc (or sysfs) file could not be used. Few kinds, so callers can react: a missing
/// optional file is "no data here", a read or parse failure is a collector failure.
public enum ProcNetError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFound(path: String)
    case readFailed(path: String, errno: Int32)
    case parseFailed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path):
            return "\(path): no such file"
        case .readFailed(let path, let errno):
            return "\(path): read failed: \(Errno.describe(errno))"
        case .parseFailed(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        }
    }
}
