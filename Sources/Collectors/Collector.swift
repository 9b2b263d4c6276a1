import Exposition
import Namespaces

/// One source family of metrics (sockets, interfaces, routes, protocols, sockstat), as the
/// scrape (`Scrape`) sees it: it starts one pass per scrape, which reads every namespace of
/// that scrape in turn. Collectors are shared by concurrent scrapes, so they hold no mutable
/// state outside a lock; what one scrape needs across namespaces lives in its pass.
///
/// Reading never throws: a missing or malformed file is recorded in the `CollectorReport`,
/// which makes this collector's `netstat_scrape_collector_success` 0 for the scrape (when it is
/// the exporter's own namespace) while everything else it could read is still exported.
public protocol Collector: Sendable {
    /// False for what only the host has (routes are read from the exporter's namespace only).
    var coversEveryNamespace: Bool { get }
    func startPass() -> any CollectorPass
}

/// One scrape of one collector: every namespace is collected in turn, then `finish` adds what
/// needed all of them first (socket owners: one fd scan serves every namespace) to the
/// namespaces it collected.
public protocol CollectorPass: AnyObject {
    func collect(_ target: NamespaceMetrics, report: inout CollectorReport)
    func finish()
}

/// A collector that needs nothing across namespaces: each one is read on its own, and its
/// pass is simply that.
public protocol PerNamespaceCollector: Collector {
    func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport)
}

extension Collector {
    public var coversEveryNamespace: Bool { true }
}

extension PerNamespaceCollector {
    public func startPass() -> any CollectorPass { PerNamespacePass(self) }
}

/// The pass of a `PerNamespaceCollector`.
final class PerNamespacePass: CollectorPass {
    private let collector: any PerNamespaceCollector

    init(_ collector: any PerNamespaceCollector) {
        self.collector = collector
    }

    func collect(_ target: NamespaceMetrics, report: inout CollectorReport) {
        collector.collect(target.namespace, into: &target.metrics, report: &report)
    }

    func finish() {}
}
