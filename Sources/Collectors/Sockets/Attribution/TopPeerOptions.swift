import Flags

/// The `--collector.sockets.top-peers*` flags: how many remote peers to name, how to group
/// them into networks, and whether loopback peers count. Parsed once at start-up.
struct TopPeerOptions: Sendable {
    static let flags: [FlagDefinition] = [
        .value("collector.sockets.top-peers", default: "10",
               help: "Name the K remote addresses (or networks) holding the most TCP connections, and the K with the most SYN_RECV sockets, in netstat_tcp_top_peer_connections; 0 turns it off."),
        .value("collector.sockets.top-peers.prefix-ipv4", default: "32",
               help: "Group IPv4 peers (and IPv4-mapped IPv6 peers) by this prefix length for the top-peers list, e.g. 24."),
        .value("collector.sockets.top-peers.prefix-ipv6", default: "128",
               help: "Group IPv6 peers by this prefix length for the top-peers list, e.g. 64."),
        .bool("collector.sockets.top-peers.loopback", default: false,
              help: "Count loopback peers (127/8, ::1) in the top-peers list too."),
    ]

    /// K; 0 when the list is off.
    let count: Int
    let prefixIPv4: Int
    let prefixIPv6: Int
    let withLoopback: Bool

    init(count: Int = 10, prefixIPv4: Int = 32, prefixIPv6: Int = 128, withLoopback: Bool = false) {
        self.count = count
        self.prefixIPv4 = prefixIPv4
        self.prefixIPv6 = prefixIPv6
        self.withLoopback = withLoopback
    }

    init(_ flags: FlagValues) throws(FlagError) {
        count = try flags.integer("collector.sockets.top-peers", in: 0...1000)
        prefixIPv4 = try flags.integer("collector.sockets.top-peers.prefix-ipv4", in: 1...32)
        prefixIPv6 = try flags.integer("collector.sockets.top-peers.prefix-ipv6", in: 1...128)
        withLoopback = flags.bool("collector.sockets.top-peers.loopback")
    }
}
