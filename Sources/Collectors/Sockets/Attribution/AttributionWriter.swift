#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Exposition
import ProcNet
import SocketOwners

/// The attribution metrics (netstat -anp): connections by state, direction, port and process,
/// listeners, UDP listeners and peer scopes, from a tally and the owners of its sockets.
struct AttributionWriter {
    struct Sums {
        var sockets: UInt64 = 0
        var receive: UInt64 = 0
        var send: UInt64 = 0

        mutating func add(sockets: UInt64, receive: UInt64, send: UInt64) {
            self.sockets += sockets
            self.receive += receive
            self.send += send
        }
    }

    let tally: ConnectionTally
    let inodes: [UInt32]
    let attribution: SocketAttribution
    let options: AttributionOptions

    /// Who owns the socket at `index` of `inodes`.
    func owner(_ index: Int) -> SocketOwner {
        let pid = attribution.owners[index]
        if pid >= 0 { return .process(pid) }
        if inodes[index] == 0 { return .none }
        if !attribution.complete { return .unknown }
        return pid == SocketAttribution.pendingOwner ? .pending : .none
    }

    /// A connection's label-key slot and packed owner in one integer for summing in an
    /// `IntegerMap`; never 0, as the packed owner is a pid (> 0) or a negative code.
    func seriesKey(_ index: Int, slot: UInt32) -> UInt64 {
        UInt64(slot) << 32 | UInt64(UInt32(bitPattern: owner(index).packed))
    }

    static func slot(of seriesKey: UInt64) -> Int { Int(seriesKey >> 32) }

    static func owner(of seriesKey: UInt64) -> SocketOwner {
        SocketOwner(packed: Int32(bitPattern: UInt32(truncatingIfNeeded: seriesKey)))
    }

    /// The `process` label of an owner before the --collector.sockets.max-processes cap.
    func ownerName(_ owner: SocketOwner) -> String {
        switch owner {
        case .process(let pid): attribution.names[pid] ?? "unknown"
        case .none: "-"
        case .unknown: "unknown"
        case .pending: "pending"
        }
    }

    /// Writes the attribution families; returns the bounded `port` and `process` labels it
    /// chose, which the health families share.
    @discardableResult
    func write(into metrics: inout MetricSet) -> BoundedLabels {
        // Sum connections by (label key, owner) first: a handful of entries, however many sockets.
        var byOwner = IntegerMap<UInt64, Sums>(minimumCapacity: 64)
        for (index, queues) in tally.connections.enumerated() {
            let key = seriesKey(index, slot: queues.slot)
            byOwner[slot: byOwner.slot(of: key) { Sums() }]
                .add(sockets: 1, receive: UInt64(queues.receive), send: UInt64(queues.send))
        }
        let listenerBase = tally.connections.count
        let udpBase = listenerBase + tally.tcpListeners.count

        var processCounts: [String: UInt64] = [:]
        var portCounts: [UInt32: UInt64] = [:]
        byOwner.forEach { key, sums in
            processCounts[ownerName(AttributionWriter.owner(of: key)), default: 0] += sums.sockets
            let port = tally.keys[AttributionWriter.slot(of: key)].port
            if port != PortBucketing.ephemeral { portCounts[port, default: 0] += sums.sockets }
        }
        for index in listenerBase..<inodes.count { processCounts[ownerName(owner(index)), default: 0] += 1 }
        processCounts["-"] = nil
        processCounts["unknown"] = nil
        processCounts["pending"] = nil
        let bounded = BoundedLabels(keptProcesses: PortBucketing.kept(processCounts, limit: options.maxProcesses),
                                    keptPorts: PortBucketing.kept(portCounts, limit: options.maxPorts),
                                    ownerName: ownerName)
        let process = bounded.process, port = bounded.port
        var users = UserNames()

        var connections: [[Label]: Sums] = [:]
        var peers: [[Label]: UInt64] = [:]
        byOwner.forEach { key, sums in
            let labelKey = tally.keys[AttributionWriter.slot(of: key)]
            let direction = labelKey.inbound ? "inbound" : "outbound"
            let portLabel = port(labelKey.port)
            var labels = [Label("state", labelKey.state.description), Label("direction", direction),
                          Label("port", portLabel),
                          Label("process", process(AttributionWriter.owner(of: key)))]
            if options.withUser { labels.append(Label("user", users.name(labelKey.uid))) }
            connections[labels, default: Sums()].add(sockets: sums.sockets, receive: sums.receive, send: sums.send)
            if let scope = options.peerScope.name(of: labelKey.scope) {
                let peerLabels = [Label("scope", scope),
                                  Label("direction", direction), Label("port", portLabel)]
                peers[peerLabels, default: 0] += sums.sockets
            }
        }
        declareFamilies(into: &metrics)
        for (labels, sums) in connections {
            metrics.add(SocketsCollector.connections, labels, .unsigned(sums.sockets))
            metrics.add(SocketsCollector.connectionReceiveQueue, labels, .unsigned(sums.receive))
            metrics.add(SocketsCollector.connectionSendQueue, labels, .unsigned(sums.send))
        }
        for (labels, count) in peers {
            metrics.add(SocketsCollector.peerConnections, labels, .unsigned(count))
        }
        writeTopPeers(into: &metrics, process: process, port: port)

        var listeners: [[Label]: (count: UInt64, queue: UInt64, backlog: UInt64?, drops: UInt64?)] = [:]
        for (offset, listener) in tally.tcpListeners.enumerated() {
            let labels = listenerLabels(listener, process(owner(listenerBase + offset)), &users)
            var entry = listeners[labels] ?? (0, 0, nil, nil)
            entry.count += 1
            entry.queue += listener.receiveQueue
            if let backlog = listener.backlog { entry.backlog = (entry.backlog ?? 0) + backlog }
            if let drops = listener.drops { entry.drops = (entry.drops ?? 0) + drops }
            listeners[labels] = entry
        }
        for (labels, entry) in listeners {
            metrics.add(SocketsCollector.listenerInfo, labels, .unsigned(entry.count))
            metrics.add(SocketsCollector.listenQueueLength, labels, .unsigned(entry.queue))
            if let backlog = entry.backlog {
                metrics.add(SocketsCollector.listenQueueMax, labels, .unsigned(backlog))
            }
            // SO_REUSEPORT listeners of the same labels sum, as the kernel's ListenDrops does.
            if let drops = entry.drops { metrics.add(SocketsCollector.listenDrops, labels, .unsigned(drops)) }
        }
        var udp: [[Label]: Sums] = [:]
        for (offset, listener) in tally.udpListeners.enumerated() {
            let labels = listenerLabels(listener, process(owner(udpBase + offset)), &users)
            udp[labels, default: Sums()].add(sockets: 1, receive: listener.receiveQueue, send: 0)
        }
        for (labels, sums) in udp {
            metrics.add(SocketsCollector.udpListenerInfo, labels, .unsigned(sums.sockets))
            metrics.add(SocketsCollector.udpListenerReceiveQueue, labels, .unsigned(sums.receive))
        }
        metrics.add(SocketsCollector.attributionComplete, [], .unsigned(attribution.complete ? 1 : 0))
        return bounded
    }

    private func listenerLabels(_ listener: ConnectionTally.Listener, _ process: String,
                                _ users: inout UserNames) -> [Label] {
        var labels = [Label("address", listener.address.description), Label("port", String(listener.port)),
                      Label("process", process)]
        if options.withUser { labels.append(Label("user", users.name(listener.uid))) }
        return labels
    }

    /// The attribution families, declared so HELP and TYPE show even when empty.
    private func declareFamilies(into metrics: inout MetricSet) {
        for family in SocketsCollector.attributionFamilies { metrics.declare(family) }
    }
}

/// The `process` and `port` label values one namespace's attribution chose: the
/// --collector.sockets.max-processes and max-ports with the most sockets keep their own value,
/// the rest are "other".
struct BoundedLabels {
    let keptProcesses: Set<String>
    let keptPorts: Set<UInt32>
    let ownerName: (SocketOwner) -> String

    func process(_ owner: SocketOwner) -> String {
        let name = ownerName(owner)
        guard case .process = owner else { return name }
        return keptProcesses.contains(name) ? name : "other"
    }

    func port(_ code: UInt32) -> String {
        code == PortBucketing.ephemeral || keptPorts.contains(code) ? PortBucketing.label(code) : "other"
    }
}

/// uid → user name from the password database, the number when the uid has no name.
struct UserNames {
    private var known: [UInt32: String] = [:]

    mutating func name(_ uid: UInt32) -> String {
        if let name = known[uid] { return name }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
        let name = status == 0 && result != nil ? String(cString: entry.pw_name) : String(uid)
        known[uid] = name
        return name
    }
}
