import ProcNet
import Flags

/// The sockets collector's attribution flags, parsed once at start-up.
struct AttributionOptions: Sendable {
    static let flags: [FlagDefinition] = [
        .repeatable("collector.sockets.peer-group",
                    help: "NAME=CIDR[,CIDR…]: a named peer scope for netstat_tcp_peer_connections, winning over loopback/private/link_local/public."),
        .bool("collector.sockets.user", default: false,
              help: "Add a user label (owner of the socket, as netstat -e) to the connection and listener metrics."),
        .value("collector.sockets.ports", default: "",
               help: "Comma-separated remote ports that keep their own port label even inside the ephemeral range."),
        .value("collector.sockets.max-ports", default: "200",
               help: "Most distinct port label values per scrape; the ports with the fewest connections become port=\"other\"."),
        .value("collector.sockets.max-processes", default: "200",
               help: "Most distinct process label values per scrape; the processes with the fewest sockets become process=\"other\"."),
        .bool("collector.sockets.health", default: true,
              help: "Connection health from each TCP socket's tcp_info (ss -ti): listen drops, RTT, retransmissions, throughput, stalls and limited time per port, direction and process (netlink only)."),
        .value("collector.sockets.source", default: "auto",
               help: "Where socket tables come from: auto (netlink sock_diag on the live /proc, else /proc/net), netlink, or proc."),
    ] + TopPeerOptions.flags

    let peerScope: PeerScope
    let withUser: Bool
    let wellKnownPorts: PortSet
    let maxPorts: Int
    let maxProcesses: Int
    let source: SocketSource
    let topPeers: TopPeerOptions
    let health: Bool

    init(_ flags: FlagValues) throws(FlagError) {
        peerScope = try PeerScope(groups: flags.strings("collector.sockets.peer-group"))
        withUser = flags.bool("collector.sockets.user")
        wellKnownPorts = try PortBucketing.parsePorts(flags.string("collector.sockets.ports"))
        maxPorts = try flags.integer("collector.sockets.max-ports", in: 1...65536)
        maxProcesses = try flags.integer("collector.sockets.max-processes", in: 1...1_000_000)
        guard let source = SocketSource(rawValue: flags.string("collector.sockets.source")) else {
            throw FlagError("--collector.sockets.source: expected auto, netlink or proc, got \"\(flags.string("collector.sockets.source"))\"")
        }
        self.source = source
        topPeers = try TopPeerOptions(flags)
        health = flags.bool("collector.sockets.health")
    }

    /// Defaults, for collectors made without flags (tests on fixtures).
    init(source: SocketSource = .auto) {
        peerScope = try! PeerScope(groups: [])
        withUser = false
        wellKnownPorts = PortSet()
        maxPorts = 200
        maxProcesses = 200
        self.source = source
        topPeers = TopPeerOptions()
        health = true
    }

    /// The first port of the local ephemeral range (net.ipv4.ip_local_port_range), which
    /// outbound connections' local ports come from; 32768 (the kernel default) when unreadable.
    static func ephemeralStart(procfs: String) -> UInt16 {
        guard let bytes = try? ProcFile.read(procfs + "/sys/net/ipv4/ip_local_port_range") else { return 32768 }
        var fields = ByteFields(bytes, line: 0..<bytes.count)
        guard let first = fields.next(), let value = ByteNumber.decimal(bytes, first), value <= 65535 else {
            return 32768
        }
        return UInt16(value)
    }
}
