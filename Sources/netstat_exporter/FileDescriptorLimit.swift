#if canImport(Glibc)
import Glibc
#endif

/// Open-file limit handling: every HTTP connection is a descriptor, and the usual soft limit of
/// 1024 is below `--web.max-connections`. Like Go programs (node_exporter among them) since Go
/// 1.19, the exporter raises its soft limit to the hard limit at start.
enum FileDescriptorLimit {
    /// Descriptors kept for everything but client connections: listeners, epoll and ITC,
    /// the /proc files and netlink sockets of concurrent scrapes.
    static let reserve = 256

    /// Raises the soft limit to the hard one; returns the soft limit now in force.
    static func raiseSoftLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }

    /// The connection limit that fits under `softLimit` with the reserve kept (at least 16).
    static func connectionsThatFit(_ wanted: Int, softLimit: Int) -> Int {
        min(wanted, max(16, softLimit - reserve))
    }
}
