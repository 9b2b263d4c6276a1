import ProcNet

/// The address family of a socket table, spelled as the `family` label.
public enum SocketFamily: String, Sendable, Hashable, CaseIterable {
    case ipv4
    case ipv6

    /// The family of a socket's table: an IPv4-mapped IPv6 socket is an IPv6 socket.
    init(of socket: InetSocket) {
        if case .v4 = socket.localAddress { self = .ipv4 } else { self = .ipv6 }
    }

    /// The /proc/net table for a protocol ("tcp" → "tcp" or "tcp6").
    func procTable(_ proto: String) -> String {
        self == .ipv4 ? proto : proto + "6"
    }
}
