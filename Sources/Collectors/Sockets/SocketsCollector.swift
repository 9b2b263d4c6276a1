import Exposition
import ProcNet
import SockDiag
import Flags
import Namespaces
import SocketOwners

/// TCP, UDP and unix socket counts and queues (netstat -an), and who owns them (netstat -anp).
///
/// The inet tables come from netlink sock_diag on the live /proc, else from
/// /proc/net/{tcp,tcp6,udp,udp6} (see `SocketTables`); unix sockets from /proc/net/unix. The
/// IPv4 tables and unix are required; the IPv6 tables are optional (absent when IPv6 is
/// disabled), and then only the IPv4 counts are real: the ipv6 series stay 0.
public struct SocketsCollector: Collector {
    public static let descriptor = CollectorDescriptor(
        name: "sockets",
        help: "TCP sockets by state and queue, UDP and unix sockets (netstat -an), their owners, ports and peers (netstat -anp).",
        families: families,
        flags: AttributionOptions.flags
    ) { flags, paths throws(FlagError) in
        SocketsCollector(paths: paths, options: try AttributionOptions(flags))
    }

    let options: AttributionOptions
    let owners: SocketOwners
    let netlinkFallbacks: NetlinkFallbacks
    /// What the health metrics keep between scrapes; nil without --collector.sockets.health.
    let health: HealthState?

    public init(paths: ProcPaths) {
        self.init(paths: paths, options: AttributionOptions())
    }

    init(paths: ProcPaths, options: AttributionOptions, netlinkFallbacks: NetlinkFallbacks = NetlinkFallbacks()) {
        self.options = options
        self.owners = SocketOwners(procfs: paths.procfs)
        self.netlinkFallbacks = netlinkFallbacks
        self.health = options.health ? HealthState() : nil
    }

    public func startPass() -> any CollectorPass { SocketsPass(self) }

    /// Reads one namespace's sockets: writes the counts and queues by state, UDP and unix, and
    /// returns the tally whose owners are looked up once every namespace has been read, with
    /// the namespace's netlink session (nil when /proc served) for the lookups that need it.
    func read(_ namespace: NetworkNamespace, watching watch: InodeSet, into metrics: inout MetricSet,
              report: inout CollectorReport) -> (tally: ConnectionTally, session: SockDiagSession?) {
        var tables = SocketTables(source: options.source, namespace: namespace, fallbacks: netlinkFallbacks,
                                  report: &report)
        let ports = PortBucketing(ephemeralStart: AttributionOptions.ephemeralStart(procfs: namespace.procfs),
                                  wellKnown: options.wellKnownPorts)
        var tally = ConnectionTally(ports: ports, peerScope: options.peerScope, withUser: options.withUser,
                                    topPeers: options.topPeers, watch: watch,
                                    health: health.map { HealthTally(state: $0) })
        var ipv4 = TCPStateTally(), ipv6 = TCPStateTally()
        // Listeners first: a connection's direction depends on them.
        tables.visitTCP(listening: true, extensions: health != nil ? .memoryInfo : [], report: &report) {
            socket, family, _, fromNetlink in
            if family == .ipv4 { ipv4.add(socket) } else { ipv6.add(socket) }
            tally.addListener(socket, backlogKnown: fromNetlink)
        }
        tables.visitTCP(listening: false, extensions: health != nil ? .tcpInfo : [], report: &report) {
            socket, family, info, _ in
            if family == .ipv4 { ipv4.add(socket) } else { ipv6.add(socket) }
            tally.addConnection(socket, info: info)
        }
        tally.finishConnections()
        ipv4.write(family: .ipv4, into: &metrics)
        ipv6.write(family: .ipv6, into: &metrics)
        for family in SocketFamily.allCases {
            collectUDP(family, tables: &tables, tally: &tally, into: &metrics, report: &report)
        }
        collectUnix(namespace, into: &metrics, report: &report)
        // One counter for the collector, over every namespace it reads, in the own namespace's series.
        if namespace.isOwn { netlinkFallbacks.write(into: &metrics) }
        return (tally, tables.session)
    }

    func collectUDP(_ family: SocketFamily, tables: inout SocketTables, tally: inout ConnectionTally,
                    into metrics: inout MetricSet, report: inout CollectorReport) {
        var sockets: UInt64 = 0, receiveQueue: UInt64 = 0, drops: UInt64 = 0
        tables.visitUDP(family, report: &report) { socket in
            sockets += 1
            receiveQueue &+= socket.receiveQueue
            drops &+= socket.drops ?? 0
            tally.addUDP(socket)
        }
        let label = [Label("family", family.rawValue)]
        metrics.add(Self.udpSockets, label, .unsigned(sockets))
        metrics.add(Self.udpReceiveQueue, label, .unsigned(receiveQueue))
        metrics.add(Self.udpDrops, label, .unsigned(drops))
    }

    func collectUnix(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        var counts: [UnixSocket.Kind: [UnixSocket.State: UInt64]] = [:]
        let path = namespace.net("unix")
        if let bytes = report.readRequired(path) {
            report.record(UnixSocketTable.parse(bytes) { counts[$0.kind, default: [:]][$0.state, default: 0] += 1 },
                          path: path)
        }
        for kind in UnixSocket.Kind.allCases {
            for state in UnixSocket.State.allCases {
                metrics.add(Self.unixSockets, [Label("type", kind.description), Label("state", state.description)],
                            .unsigned(counts[kind]?[state] ?? 0))
            }
        }
    }
}
