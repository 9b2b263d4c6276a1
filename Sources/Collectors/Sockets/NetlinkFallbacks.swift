import Exposition
import SockDiag
import Synchronization

/// How many scrapes had to read the inet tables from /proc because netlink failed twice in a
/// row (a dump and its retry), shared by the scrapes of one sockets collector.
final class NetlinkFallbacks: Sendable {
    private let count = Atomic<UInt64>(0)
    /// The test seam handed to every netlink session (nil in the exporter).
    let faults: SockDiagFaults?

    init(faults: SockDiagFaults? = nil) {
        self.faults = faults
    }

    func record() {
        count.add(1, ordering: .relaxed)
    }

    var total: UInt64 { count.load(ordering: .relaxed) }

    func write(into metrics: inout MetricSet) {
        metrics.add(SocketsCollector.netlinkFallbacks, [], .unsigned(total))
    }
}
