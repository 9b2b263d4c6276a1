@testable import Collectors
import Exposition
import Foundation
import Namespaces
import ProcNet
import TestSupport

/// Runs collectors once over one procfs (and sysfs), as a scrape of the exporter's own
/// namespace does (`Scrape`), into one MetricSet, for assertions.
enum CollectorRun {
    static func once(_ collectors: any Collector..., paths: ProcPaths) -> (metrics: MetricSet, report: CollectorReport) {
        once(collectors, in: .own(paths))
    }

    static func once(_ collectors: [any Collector], in namespace: NetworkNamespace)
        -> (metrics: MetricSet, report: CollectorReport) {
        let named = collectors.enumerated().map { NamedCollector("collector\($0.offset)", $0.element) }
        let (metrics, outcomes) = Scrape(collectors: named, own: namespace, namespaces: nil, countSeries: false).run()
        var report = CollectorReport()
        for outcome in outcomes { report.merge(outcome.report) }
        return (metrics, report)
    }
}

extension MetricSet {
    /// The one sample's value of an unlabelled family, for assertions.
    func single(_ name: String) -> MetricValue? {
        guard let family = families[name], family.samples.count == 1 else { return nil }
        return family.samples[0].value
    }
}

extension CollectorRun {
    /// Runs once on a throw-away procfs tree holding `files` (path under it → contents); returns
    /// the tree's root too, which failure messages name.
    static func inProcTree(_ files: [String: String], _ make: (ProcPaths) -> any Collector) throws
        -> (metrics: MetricSet, report: CollectorReport, root: String) {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (relative, contents) in files { try Fixtures.write(contents, to: relative, in: directory) }
        let paths = ProcPaths(procfs: directory.path)
        let (metrics, report) = once(make(paths), paths: paths)
        return (metrics, report, directory.path)
    }
}
