import Exposition
import ProcNet
import SockDiag
import Namespaces
import SocketOwners

/// One scrape of the sockets collector across namespaces. Socket inodes are global, so one
/// scan of the fd tables (started with the first namespace, on its own thread) answers for the
/// sockets of every namespace: the tallies wait until all are read, then the owners of all of
/// them are looked up at once and each namespace's attribution families are written.
final class SocketsPass: CollectorPass {
    private struct Read {
        let target: NamespaceMetrics
        var tally: ConnectionTally
        /// Kept open until the pass ends: it answers, in its namespace, whether a socket whose
        /// owner went missing is still open.
        let session: SockDiagSession?
    }

    private let collector: SocketsCollector
    private var scan: SocketOwnerScan?
    private var read: [Read] = []

    init(_ collector: SocketsCollector) {
        self.collector = collector
    }

    func collect(_ target: NamespaceMetrics, report: inout CollectorReport) {
        if scan == nil { scan = collector.owners.beginScan() }
        let (tally, session) = collector.read(target.namespace, watching: scan!.watched, into: &target.metrics,
                                              report: &report)
        read.append(Read(target: target, tally: tally, session: session))
    }

    func finish() {
        guard let scan else { return }
        var inodes: [UInt32] = []
        var uids: [UInt32] = []
        var ranges: [Range<Int>] = []
        for index in read.indices {
            let (tallyInodes, tallyUIDs) = read[index].tally.allInodes()
            ranges.append(inodes.count..<(inodes.count + tallyInodes.count))
            inodes += tallyInodes
            uids += tallyUIDs
        }
        let attribution = collector.owners.attribute(inodes, uids: uids, scan: scan) { position in
            guard let index = ranges.firstIndex(where: { $0.contains(position) }),
                  let session = read[index].session,
                  let watched = read[index].tally.watched[inodes[position]] else { return nil }
            return session.stillOpen(watched.socket, watched.proto)
        }
        let now = HealthState.monotonicSeconds()
        for (index, entry) in read.enumerated() {
            let writer = AttributionWriter(tally: entry.tally, inodes: Array(inodes[ranges[index]]),
                                           attribution: attribution.slice(ranges[index]), options: collector.options)
            let labels = writer.write(into: &entry.target.metrics)
            if let state = collector.health, let health = entry.tally.health {
                HealthWriter(attribution: writer, health: health, labels: labels)
                    .write(into: &entry.target.metrics, state: state, namespace: entry.target.namespace.inode, now: now)
            }
        }
        if let state = collector.health {
            finishHealth(state, now: now)
        }
    }

    /// Forgets the connections no namespace showed this scrape (closed) and the label sets of
    /// namespaces gone, and says how many connections are remembered.
    private func finishHealth(_ state: HealthState, now: Double) {
        let kept = state.finishScrape(read: Set(read.map(\.target.namespace.inode)), now: now)
        guard let own = read.first(where: { $0.target.namespace.isOwn }) else { return }
        own.target.metrics.add(SocketsCollector.healthTracked, [Label("storage", "packed")],
                               .unsigned(UInt64(kept.tracked - kept.spilled)))
        own.target.metrics.add(SocketsCollector.healthTracked, [Label("storage", "spilled")],
                               .unsigned(UInt64(kept.spilled)))
    }
}
