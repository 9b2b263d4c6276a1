import Exposition
import ProcNet

/// One source family of metrics (sockets, interfaces, routes, protocols, sockstat).
///
/// `collect` reads one network namespace's files fresh, parses them and adds families to
/// `metrics`. It never throws: a missing or malformed file is recorded in `report`, which makes
/// this collector's `netstat_scrape_collector_success` 0 for the scrape (when it is the
/// exporter's own namespace) while everything else it could read is still exported.
/// Collectors are shared by concurrent scrapes, so they hold no mutable state outside a lock;
/// what one scrape needs across namespaces lives in the `CollectorPass` it starts.
public protocol Collector: Sendable {
    /// The exporter's own namespace's procfs and sysfs.
    var paths: ProcPaths { get }
    /// False for what only the host has (routes are read from the exporter's namespace only).
    var coversEveryNamespace: Bool { get }
    func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport)
    /// One scrape's reading of every namespace; by default each is simply collected.
    func startPass() -> any CollectorPass
}

/// One scrape of one collector: every namespace is collected in turn, then `finish` adds what
/// needed all of them first (socket owners: one fd scan serves every namespace).
public protocol CollectorPass: AnyObject {
    func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport)
    /// Families per namespace inode (`NetworkNamespace.inode`), each set already carrying the
    /// namespace's labels.
    func finish() -> [UInt64: MetricSet]
}

extension Collector {
    public var coversEveryNamespace: Bool { true }

    public func startPass() -> any CollectorPass { SingleStepPass(self) }

    /// A scrape of the exporter's own namespace alone.
    public func collect(into metrics: inout MetricSet, report: inout CollectorReport) {
        collectAlone(.own(paths), into: &metrics, report: &report)
    }

    /// One whole pass over `namespace` only: collected and finished.
    public func collectAlone(_ namespace: NetworkNamespace, into metrics: inout MetricSet,
                             report: inout CollectorReport) {
        let pass = startPass()
        pass.collect(namespace, into: &metrics, report: &report)
        if let finished = pass.finish()[namespace.inode] { metrics.merge(finished) }
    }
}

/// The pass of a collector that needs nothing across namespaces.
final class SingleStepPass: CollectorPass {
    private let collector: any Collector

    init(_ collector: any Collector) {
        self.collector = collector
    }

    func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        collector.collect(namespace, into: &metrics, report: &report)
    }

    func finish() -> [UInt64: MetricSet] { [:] }
}

/// What went wrong in one collector during one scrape.
public struct CollectorReport: Sendable {
    /// Failures that make the collector unsuccessful this scrape (a required file missing or unreadable).
    public private(set) var failures: [String] = []
    /// Lines (or files) skipped as malformed; added to `netstat_parse_errors_total`.
    public private(set) var skippedLines: UInt64 = 0
    /// The first skipped line's description, for the log.
    public private(set) var firstSkip: String?

    public init() {}

    public var succeeded: Bool { failures.isEmpty }

    public mutating func fail(_ message: String) {
        failures.append(message)
    }

    public mutating func fail(_ error: ProcNetError) {
        failures.append(error.description)
    }

    /// Counts what a parser skipped in `path`.
    public mutating func record(_ summary: ParseSummary, path: String) {
        guard summary.skipped > 0 else { return }
        skippedLines += UInt64(summary.skipped)
        if firstSkip == nil, let problem = summary.firstProblem { firstSkip = "\(path): \(problem)" }
    }

    /// Counts a whole file that could not be used but whose absence is not a failure.
    public mutating func skipFile(_ message: String) {
        skippedLines += 1
        if firstSkip == nil { firstSkip = message }
    }
}

extension CollectorReport {
    /// Reads a file that must exist: a missing or unreadable file fails the collector.
    public mutating func readRequired(_ path: String) -> [UInt8]? {
        do {
            return try ProcFile.read(path)
        } catch {
            fail(error)
            return nil
        }
    }

    /// Reads a file that may be absent (IPv6 disabled, an older kernel): absence is "no data
    /// here", not a failure; any other read error still fails the collector.
    public mutating func readOptional(_ path: String) -> [UInt8]? {
        do {
            return try ProcFile.read(path)
        } catch {
            if case .notFound = error { return nil }
            fail(error)
            return nil
        }
    }
}
