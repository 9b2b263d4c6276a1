import Exposition
import ProcNet

/// One scrape of the sockets collector across namespaces. Socket inodes are global, so one
/// scan of the fd tables (started with the first namespace, on its own thread) answers for the
/// sockets of every namespace: the tallies wait until all are read, then the owners of all of
/// them are looked up at once and each namespace's attribution families are written.
final class SocketsPass: CollectorPass {
    private let collector: SocketsCollector
    private var scan: SocketOwnerScan?
    private var read: [(namespace: NetworkNamespace, tally: ConnectionTally)] = []

    init(_ collector: SocketsCollector) {
        self.collector = collector
    }

    func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        if scan == nil { scan = collector.owners.beginScan() }
        read.append((namespace, collector.read(namespace, into: &metrics, report: &report)))
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
        let attribution = collector.owners.attribute(inodes, uids: uids, scan: scan)
        var families: [UInt64: MetricSet] = [:]
        for (index, (namespace, tally)) in read.enumerated() {
            var metrics = MetricSet(commonLabels: namespace.commonLabels)
            AttributionWriter(tally: tally, inodes: Array(inodes[ranges[index]]),
                              attribution: attribution.slice(ranges[index]), options: collector.options)
                .write(into: &metrics)
            families[namespace.inode] = metrics
        }
        return families
    }
}
