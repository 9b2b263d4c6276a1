import ProcNet

/// Why a netlink sock_diag dump could not be used. The sockets collector falls back to
/// /proc/net/{tcp,tcp6,udp,udp6} on any of these.
public enum SockDiagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// socket(AF_NETLINK, …, NETLINK_SOCK_DIAG) failed: no netlink diag support, or a seccomp filter.
    case openFailed(errno: Int32)
    case sendFailed(errno: Int32)
    case receiveFailed(errno: Int32)
    /// The kernel answered the request with an error (e.g. ENOENT: the inet_diag module for a
    /// protocol is not loaded).
    case kernelError(errno: Int32)
    /// The socket closed or a message was cut short before NLMSG_DONE.
    case truncated
    /// The kernel flagged the dump NLM_F_DUMP_INTR (its tables changed while it ran).
    case interrupted

    public var description: String {
        switch self {
        case .openFailed(let code): "netlink sock_diag: socket failed: \(Errno.describe(code))"
        case .sendFailed(let code): "netlink sock_diag: send failed: \(Errno.describe(code))"
        case .receiveFailed(let code): "netlink sock_diag: receive failed: \(Errno.describe(code))"
        case .kernelError(let code): "netlink sock_diag: kernel answered \(Errno.describe(code))"
        case .truncated: "netlink sock_diag: dump ended before NLMSG_DONE"
        case .interrupted: "netlink sock_diag: dump interrupted (NLM_F_DUMP_INTR)"
        }
    }
}
