/// Why the server could not start.
public enum HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    case badAddress(String)
    case listenFailed(address: String, reason: String)
    case startFailed(address: String)
    /// The sockets systemd should have passed (`--web.systemd-socket`) are missing or unusable.
    case systemdSockets(String)

    public var description: String {
        switch self {
        case .badAddress(let message):
            return "invalid listen address \(message)"
        case .listenFailed(let address, let reason):
            return "cannot listen on \(address): \(reason)"
        case .startFailed(let address):
            return "cannot start the HTTP server on \(address)"
        case .systemdSockets(let message):
            return "socket activation: \(message)"
        }
    }
}
