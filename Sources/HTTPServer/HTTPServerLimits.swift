/// What one client may cost a listener: connections in all and from one address, and how long a
/// request may take to arrive. Exposed as `--web.max-connections`,
/// `--web.max-connections-per-address` and `--web.read-timeout`.
public struct HTTPServerLimits: Sendable, Hashable {
    /// Connections held at once; beyond that, new ones wait in the kernel's listen backlog.
    public var maxConnections: Int
    /// Connections held at once from one client address; more are closed at once. 0: no limit.
    public var maxConnectionsPerAddress: Int
    /// The deadline for a whole request, from connection (or the end of the previous request on a
    /// keep-alive connection) to its last header byte: a client dribbling a byte now and then is
    /// closed when it runs out, as is an idle keep-alive connection (Go's http.Server does the
    /// same with ReadTimeout and no IdleTimeout). It is also libmicrohttpd's inactivity timeout,
    /// which covers a client that stops reading its response.
    public var readTimeoutSeconds: Double

    public init(maxConnections: Int = 2048, maxConnectionsPerAddress: Int = 64, readTimeoutSeconds: Double = 10) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.readTimeoutSeconds = readTimeoutSeconds
    }

    /// The bytes each connection may have queued in the kernel unsent (TCP_NOTSENT_LOWAT). Left
    /// alone the kernel grows a send buffer up to net.ipv4.tcp_wmem's maximum (4 MB), and a
    /// client that never reads keeps a whole answer queued there: 2,000 of them held 55 MiB of
    /// socket memory, which cgroup v2 charges to the exporter's container. Bounded, the rest of
    /// the answer stays in the one shared body that `ResponseMemory` counts. Bytes in flight to a
    /// client that reads are not bounded, so its answer goes out as fast as before (a send
    /// buffer fixed at 8 KiB did the same for memory but made forty clients' p99 a third longer).
    static let unsentBytes: Int32 = 16 * 1024

    /// How often the sweeper looks for connections past the deadline: often enough that a
    /// connection lives at most a quarter longer than allowed.
    var sweepInterval: Double { min(1, max(0.05, readTimeoutSeconds / 4)) }
}
