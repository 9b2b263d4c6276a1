import ProcNet

/// The address family of a socket table, spelled as the `family` label.
public enum SocketFamily: String, Sendable, Hashable, CaseIterable {
    case ipv4
    case ipv6

    /// The /proc/net table for a protocol ("tcp" → "tcp" or "tcp6").
    func procTable(_ proto: String) -> String {
        self == .ipv4 ? proto : proto + "6"
    }
}
