import Exposition

/// Every family the sockets collector writes, declared once; HELP and TYPE come from here.
extension SocketsCollector {
    public static let families = countFamilies + attributionFamilies + healthFamilies

    /// netstat -an: sockets by state and their queues.
    public static let countFamilies: [MetricDeclaration] = [
        tcpSockets, tcpReceiveQueue, tcpSendQueue, udpSockets, udpReceiveQueue, udpDrops, unixSockets,
        netlinkFallbacks,
    ]

    /// netstat -anp: who owns them, by port, direction and peer.
    public static let attributionFamilies: [MetricDeclaration] = [
        connections, connectionReceiveQueue, connectionSendQueue, listenerInfo, listenQueueLength, listenQueueMax,
        udpListenerInfo, udpListenerReceiveQueue, peerConnections, topPeerConnections, attributionComplete,
    ]

    // netstat -an: counts and queues by state.

    static let tcpSockets = MetricDeclaration.gauge(
        "netstat_tcp_sockets", help: "TCP sockets by address family and state (netstat -ant).",
        labels: ["family", "state"],
        source: "rows of /proc/net/tcp, tcp6 by `st` (or the netlink dump); `family`: ipv4, ipv6; all 11 states always present")
    static let tcpReceiveQueue = MetricDeclaration.gauge(
        "netstat_tcp_receive_queue_bytes",
        help: "Bytes received but not yet read by the application, summed over non-listening TCP sockets (Recv-Q).",
        labels: ["family", "state"], source: "sum of `rx_queue` (Recv-Q) over non-listening sockets; every state but listen")
    static let tcpSendQueue = MetricDeclaration.gauge(
        "netstat_tcp_send_queue_bytes",
        help: "Bytes sent but not yet acknowledged by the peer, summed over non-listening TCP sockets (Send-Q).",
        labels: ["family", "state"], source: "sum of `tx_queue` (Send-Q) over non-listening sockets; every state but listen")
    static let udpSockets = MetricDeclaration.gauge(
        "netstat_udp_sockets", help: "UDP sockets open (netstat -anu).", labels: ["family"],
        source: "rows of /proc/net/udp (ipv4), udp6 (ipv6)")
    static let udpReceiveQueue = MetricDeclaration.gauge(
        "netstat_udp_receive_queue_bytes", help: "Bytes waiting in the receive queues of all UDP sockets (Recv-Q).",
        labels: ["family"], source: "sum of `rx_queue`")
    static let udpDrops = MetricDeclaration.counter(
        "netstat_udp_drops_total",
        help: "Datagrams dropped by the UDP sockets open now, summed over their lifetime (the drops column).",
        labels: ["family"], source: "sum of the `drops` column over the sockets open now")
    static let unixSockets = MetricDeclaration.gauge(
        "netstat_unix_sockets", help: "Unix domain sockets by type and state (netstat -ax).", labels: ["type", "state"],
        source: "/proc/net/unix `Type` (stream, dgram, seqpacket), `St` and the listening flag (unconnected, connecting, connected, disconnecting, listen)")
    static let netlinkFallbacks = MetricDeclaration.counter(
        "netstat_sockets_netlink_fallbacks_total",
        help: "Scrapes whose TCP and UDP tables were read from /proc because a netlink sock_diag dump and its retry both failed.",
        source: "scrapes whose TCP and UDP tables came from /proc because a netlink dump and its retry both failed (ENOBUFS, an interrupted dump `NLM_F_DUMP_INTR`, a closed socket); always 0 with `--collector.sockets.source=proc` or a fixture procfs; with `--netns.all` one series, without a `netns` label, counting the fallbacks of every namespace read through setns")

    // netstat -anp: attribution to ports, directions and processes.

    static let connections = MetricDeclaration.gauge(
        "netstat_tcp_connections",
        help: "Non-listening TCP sockets by state, direction (inbound to a listening port, else outbound), port and owning process (netstat -anp).",
        labels: ["state", "direction", "port", "process", "user?"],
        source: "every non-listening TCP socket (IPv4 and IPv6) once")
    static let connectionReceiveQueue = MetricDeclaration.gauge(
        "netstat_tcp_connection_receive_queue_bytes",
        help: "Bytes received but not yet read (Recv-Q), summed over the connections with these labels.",
        labels: connections.labels, source: "sum of Recv-Q over those sockets")
    static let connectionSendQueue = MetricDeclaration.gauge(
        "netstat_tcp_connection_send_queue_bytes",
        help: "Bytes sent but not yet acknowledged (Send-Q), summed over the connections with these labels.",
        labels: connections.labels, source: "sum of Send-Q over those sockets")
    static let peerConnections = MetricDeclaration.gauge(
        "netstat_tcp_peer_connections",
        help: "Non-listening TCP sockets by the scope of the remote address (loopback, private, link_local, public, or a --collector.sockets.peer-group).",
        labels: ["scope", "direction", "port"], source: "non-listening TCP sockets by the class of the remote address")
    static let topPeerConnections = MetricDeclaration.gauge(
        "netstat_tcp_top_peer_connections",
        help: "Non-listening TCP sockets of the remote peers (addresses, or networks with --collector.sockets.top-peers.prefix-*) holding the most sockets, and of those holding the most SYN_RECV sockets, by scope, state, direction, port and process. Peers come and go as the top changes.",
        labels: ["peer", "scope", "state", "direction", "port", "process"],
        source: "the non-listening TCP sockets of the K remote peers holding the most sockets, and of the K holding the most SYN_RECV sockets (see \"Top peers\")")
    static let listenerInfo = MetricDeclaration.gauge(
        "netstat_tcp_listener_info",
        help: "Listening TCP sockets by bound address, port and process (netstat -ltnp); 1 per socket.",
        labels: ["address", "port", "process", "user?"],
        source: "listening sockets; 1 per socket (2 when two sockets share the labels, e.g. SO_REUSEPORT)")
    static let listenQueueLength = MetricDeclaration.gauge(
        "netstat_tcp_listen_queue_length", help: "Connections waiting in the listener's accept queue (a listener's Recv-Q).",
        labels: listenerInfo.labels, source: "connections waiting in the accept queue (a listener's Recv-Q)")
    static let listenQueueMax = MetricDeclaration.gauge(
        "netstat_tcp_listen_queue_max", help: "The listener's accept backlog (its Send-Q in ss -ltn); netlink only.",
        labels: listenerInfo.labels, source: "the accept backlog (a listener's Send-Q in `ss -ltn`); netlink only")
    static let udpListenerInfo = MetricDeclaration.gauge(
        "netstat_udp_listener_info",
        help: "Bound UDP sockets without a remote peer by address, port and process (netstat -lunp); 1 per socket.",
        labels: ["address", "port", "process", "user?"], source: "bound UDP sockets with no remote peer")
    static let udpListenerReceiveQueue = MetricDeclaration.gauge(
        "netstat_udp_listener_receive_queue_bytes", help: "Bytes waiting in the receive queues of these UDP sockets (Recv-Q).",
        labels: udpListenerInfo.labels, source: "their Recv-Q")
    static let attributionComplete = MetricDeclaration.gauge(
        "netstat_sockets_attribution_complete",
        help: "1 when every process's fd table could be read to find socket owners, 0 when some were unreadable (their sockets show as process=\"unknown\").",
        source: "1 when every process's fd table could be read; 0 when some could not (run without root): their sockets show as `process=\"unknown\"`")
}
