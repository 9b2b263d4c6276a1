import Collectors
import Exposition
import Foundation
import TestSupport

/// Runs collectors once into one MetricSet, as a scrape does, for assertions.
enum CollectorRun {
    static func once(_ collectors: any Collector...) -> (metrics: MetricSet, report: CollectorReport) {
        var metrics = MetricSet()
        var report = CollectorReport()
        for collector in collectors { collector.collect(into: &metrics, report: &report) }
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
        let (metrics, report) = once(make(ProcPaths(procfs: directory.path)))
        return (metrics, report, directory.path)
    }
}
