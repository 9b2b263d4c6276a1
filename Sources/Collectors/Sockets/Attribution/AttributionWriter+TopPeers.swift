import Exposition
import ProcNet
import SocketOwners

/// `netstat_tcp_top_peer_connections`: the sockets of the peers `TopPeers` chose, by the same
/// state, direction, port and process labels (and caps) as `netstat_tcp_connections`.
extension AttributionWriter {
    /// A peer's series beyond this fold into port="other", process="other" (rarest first).
    static let seriesPerPeer = 20

    func writeTopPeers(into metrics: inout MetricSet, process: (SocketOwner) -> String, port: (UInt32) -> String) {
        let peers = tally.topPeers
        let chosen = peers.chosen()
        guard !chosen.isEmpty else { return }
        var rankOf = [Int32](repeating: -1, count: peers.keys.count)
        for (rank, choice) in chosen.enumerated() { rankOf[choice.peer] = Int32(rank) }
        // Per chosen peer: (label key slot, owner) → sockets, as the connections are summed.
        var sums = [IntegerMap<UInt64, UInt64>](repeating: IntegerMap(minimumCapacity: 8), count: chosen.count)
        for (index, peer) in peers.peerOfConnection.enumerated() where peer != TopPeers.uncounted {
            let rank = Int(rankOf[Int(peer)])
            guard rank >= 0 else { continue }
            let slot = tally.connections[index].slot
            if chosen[rank].synRecvOnly && tally.keys[Int(slot)].state != .synRecv { continue }
            let key = seriesKey(index, slot: slot)
            sums[rank][slot: sums[rank].slot(of: key) { 0 }] += 1
        }
        for (rank, choice) in chosen.enumerated() {
            let peer = Label("peer", peers.label(peers.keys[choice.peer]))
            var series: [[Label]: UInt64] = [:]
            sums[rank].forEach { key, count in
                let labelKey = tally.keys[AttributionWriter.slot(of: key)]
                let labels = [peer, Label("scope", options.peerScope.name(of: labelKey.scope) ?? ""),
                              Label("state", labelKey.state.description),
                              Label("direction", labelKey.inbound ? "inbound" : "outbound"),
                              Label("port", port(labelKey.port)),
                              Label("process", process(AttributionWriter.owner(of: key)))]
                series[labels, default: 0] += count
            }
            for (labels, count) in AttributionWriter.folded(series, limit: AttributionWriter.seriesPerPeer) {
                metrics.add(SocketsCollector.topPeerConnections, labels, .unsigned(count))
            }
        }
    }

    /// At most `limit` series of one peer: the ones with the most sockets keep their labels
    /// (ties by label text), the rest fold into port="other", process="other", keeping scope,
    /// state and direction. A single address has at most 18 (scope, state, direction) sets, so
    /// the limit of 20 always holds for it; a network straddling scopes could exceed it.
    static func folded(_ series: [[Label]: UInt64], limit: Int) -> [[Label]: UInt64] {
        guard series.count > limit else { return series }
        let ranked = series.map { (labels: $0.key, count: $0.value, text: $0.key.map(\.value).joined(separator: "\u{0}")) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.text < $1.text }
        var result: [[Label]: UInt64] = [:]
        for keep in stride(from: limit - 1, through: 0, by: -1) {
            result = [:]
            for entry in ranked.prefix(keep) { result[entry.labels] = entry.count }
            for entry in ranked.dropFirst(keep) {
                let other = entry.labels.map { $0.name == "port" || $0.name == "process" ? Label($0.name, "other") : $0 }
                result[other, default: 0] += entry.count
            }
            if result.count <= limit { break }
        }
        return result
    }
}
