import Exposition
import ProcNet
import SockDiag

/// One scrape of the sockets collector across namespaces. Socket inodes are global, so one
/// scan of the fd tables (started with the first namespace, on its own thread) answers for the
/// sockets of every namespace: the tallies wait until all are read, then the owners of all of
/// them are looked up at once and each namespace's attribution families are written.
final class SocketsPass: CollectorPass {
    private struct Read {
        let namespace: NetworkNamespace
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

    func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        if scan == nil { scan = collector.owners.beginScan() }
        let (tally, session) = collector.read(namespace, watching: scan!.watched, into: &metrics, report: &report)
        read.append(Read(namespace: namespace, tally: tally, session: session))
    }

    func finish() -> [UInt64: MetricSet] {
        guard let scan else { return [:] }
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
        var families: [UInt64: MetricSet] = [:]
        for (index, entry) in read.enumerated() {
            var metrics = MetricSet(commonLabels: entry.namespace.commonLabels)
            AttributionWriter(tally: entry.tally, inodes: Array(inodes[ranges[index]]),
                              attribution: attribution.slice(ranges[index]), options: collector.options)
                .write(into: &metrics)
            families[entry.namespace.inode] = metrics
        }
        return families
    }
}
