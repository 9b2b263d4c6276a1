import ProcNet
import SockDiag
import SocketOwners

/// Gathers one scrape's TCP connections, listeners and UDP listeners while they are dumped,
/// in compact form: a connection becomes its socket inode and the index of its label key
/// (state, direction, port, peer scope, uid), so 100k sockets cost a few hundred KiB and the
/// owners can be looked up once the fd scan has finished.
struct ConnectionTally {
    /// Packs the labels known at dump time into one integer: the port code (17 bits), inbound
    /// (1), the TCP state (4), the peer scope (8) and, with --collector.sockets.user, the uid (32).
    struct Key {
        let raw: UInt64

        init(port: UInt32, inbound: Bool, state: TCPState, scope: PeerScope.Class, uid: UInt32) {
            raw = UInt64(port) | (inbound ? 1 << 17 : 0) | UInt64(state.rawValue) << 18
                | UInt64(scope.packed) << 22 | UInt64(uid) << 32
        }

        var port: UInt32 { UInt32(raw & 0x1ffff) }
        var inbound: Bool { raw & (1 << 17) != 0 }
        var state: TCPState { TCPState(rawValue: UInt8(raw >> 18 & 0xf))! }
        var scope: PeerScope.Class { PeerScope.Class(packed: UInt8(raw >> 22 & 0xff)) }
        var uid: UInt32 { UInt32(truncatingIfNeeded: raw >> 32) }
    }

    struct Queues {
        var slot: UInt32
        var receive: UInt32
        var send: UInt32
    }

    /// A listening TCP socket or an unconnected, bound UDP socket.
    struct Listener {
        var address: IPAddress
        var port: UInt16
        var receiveQueue: UInt64
        /// The accept backlog, which only netlink reports.
        var backlog: UInt64?
        /// SYNs and connections the listener dropped (SK_MEMINFO_DROPS), when asked for.
        var drops: UInt64?
        var uid: UInt32
        var inode: UInt32
    }

    let ports: PortBucketing
    let peerScope: PeerScope
    let withUser: Bool

    private(set) var listeningPorts = PortSet()
    private(set) var keys: [Key] = []
    private var slotOf = IntegerMap<UInt64, UInt32>(minimumCapacity: 64)
    /// Per connection, in dump order; then the TCP listeners', then the UDP listeners'.
    private(set) var inodes: [UInt32] = []
    /// The socket owner's uid per entry of `inodes`.
    private(set) var uids: [UInt32] = []
    private(set) var connections: [Queues] = []
    private(set) var tcpListeners: [Listener] = []
    private(set) var udpListeners: [Listener] = []
    /// Sockets per remote peer, for the top-peers list.
    private(set) var topPeers: TopPeers
    /// The inodes to keep endpoints for (`SocketOwnerScan.watched`), and those kept: what an
    /// exact lookup needs to ask whether the socket is still open.
    let watch: InodeSet
    private(set) var watched: [UInt32: (socket: InetSocket, proto: SockDiagSession.TransportProtocol)] = [:]
    /// The connections' tcp_info readings, with --collector.sockets.health.
    private(set) var health: HealthTally?

    init(ports: PortBucketing, peerScope: PeerScope, withUser: Bool, topPeers: TopPeerOptions, watch: InodeSet,
         health: HealthTally? = nil) {
        self.health = health
        self.ports = ports
        self.peerScope = peerScope
        self.withUser = withUser
        self.topPeers = TopPeers(options: topPeers)
        self.watch = watch
    }

    @inline(__always)
    private mutating func keepIfWatched(_ socket: InetSocket, _ proto: SockDiagSession.TransportProtocol) {
        let inode = UInt32(truncatingIfNeeded: socket.inode)
        if !watch.isEmpty, watch.contains(inode) { watched[inode] = (socket, proto) }
    }

    /// Every listener must be added before the first connection: direction depends on them.
    /// `backlogKnown`: the source is netlink, whose Send-Q of a listener is its backlog.
    mutating func addListener(_ socket: InetSocket, backlogKnown: Bool) {
        listeningPorts.insert(socket.localPort)
        keepIfWatched(socket, .tcp)
        tcpListeners.append(Listener(address: socket.localAddress, port: socket.localPort,
                                     receiveQueue: socket.receiveQueue,
                                     backlog: backlogKnown ? socket.sendQueue : nil, drops: socket.drops,
                                     uid: socket.uid, inode: UInt32(truncatingIfNeeded: socket.inode)))
    }

    mutating func addConnection(_ socket: InetSocket, info: TCPInfoSample? = nil) {
        guard let state = TCPState(kernelValue: socket.state), state != .listen else { return }
        health?.add(info, state: state, connection: connections.count)
        let inbound = listeningPorts.contains(socket.localPort)
        let port = inbound ? UInt32(socket.localPort) : ports.code(remotePort: socket.remotePort)
        let key = Key(port: port, inbound: inbound, state: state, scope: peerScope.classify(socket.remoteAddress),
                      uid: withUser ? socket.uid : 0)
        let next = UInt32(keys.count)
        let slot = slotOf[slot: slotOf.slot(of: key.raw) { next }]
        if slot == next { keys.append(key) }
        inodes.append(UInt32(truncatingIfNeeded: socket.inode))
        uids.append(socket.uid)
        keepIfWatched(socket, .tcp)
        connections.append(Queues(slot: slot, receive: UInt32(clamping: socket.receiveQueue),
                                  send: UInt32(clamping: socket.sendQueue)))
        topPeers.add(remote: socket.remoteAddress, state: state)
    }

    /// After the last connection: the health readings finish their batched lookups.
    mutating func finishConnections() {
        health?.advancePending()
    }

    /// A UDP socket is a listener when it is bound to a port and has no remote peer.
    mutating func addUDP(_ socket: InetSocket) {
        guard socket.localPort != 0, socket.remotePort == 0 else { return }
        keepIfWatched(socket, .udp)
        udpListeners.append(Listener(address: socket.localAddress, port: socket.localPort,
                                     receiveQueue: socket.receiveQueue, backlog: nil, drops: nil, uid: socket.uid,
                                     inode: UInt32(truncatingIfNeeded: socket.inode)))
    }

    /// Appends the listeners' inodes and uids behind the connections', the order the owners
    /// are looked up and answered in.
    mutating func allInodes() -> (inodes: [UInt32], uids: [UInt32]) {
        for listener in tcpListeners + udpListeners {
            inodes.append(listener.inode)
            uids.append(listener.uid)
        }
        return (inodes, uids)
    }
}
