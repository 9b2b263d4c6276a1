import ProcNet

/// Why ctnetlink could not give the statistics. The conntrack collector then reads
/// /proc/net/stat/nf_conntrack instead, whatever the reason: EPERM (no CAP_NET_ADMIN) is the
/// ordinary case of an exporter that is not root.
public enum ConntrackNetlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// socket(AF_NETLINK, …, NETLINK_NETFILTER) failed: no nfnetlink, or a seccomp filter.
    case openFailed(errno: Int32)
    case sendFailed(errno: Int32)
    /// EAGAIN: no answer within the timeout.
    case receiveFailed(errno: Int32)
    /// The kernel answered with an error: EPERM without CAP_NET_ADMIN, EINVAL or EOPNOTSUPP
    /// without the nf_conntrack_netlink module.
    case kernelError(errno: Int32)
    /// The socket closed, or the answer lacked what was asked for.
    case incomplete

    public var description: String {
        switch self {
        case .openFailed(let code): "ctnetlink: socket failed: \(Errno.describe(code))"
        case .sendFailed(let code): "ctnetlink: send failed: \(Errno.describe(code))"
        case .receiveFailed(let code): "ctnetlink: receive failed: \(Errno.describe(code))"
        case .kernelError(let code): "ctnetlink: kernel answered \(Errno.describe(code))"
        case .incomplete: "ctnetlink: answer incomplete"
        }
    }
}
