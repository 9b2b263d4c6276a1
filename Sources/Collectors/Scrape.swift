import Exposition
import Namespaces

/// One scrape, from the namespaces to read to one merged set of families: the exporter's own
/// namespace (on the caller's thread), then with `--netns.all` every other one (on a thread
/// that enters each, `NamespaceMode.readEach`), each read by every selected collector's pass
/// through the same `collect`; then each pass finishes (socket owners, once for all
/// namespaces), and the namespace mode labels, ranks and folds what the others gave.
struct Scrape {
    /// What one collector came to in one scrape.
    struct Outcome {
        /// The own namespace's: its failures decide `netstat_scrape_collector_success`.
        var report: CollectorReport
        /// Summed over every namespace.
        var duration: Duration
        var skippedLines: UInt64
        /// Series written, counted only for the debug log line.
        var series: Int
    }

    let collectors: [NamedCollector]
    let own: NetworkNamespace
    let namespaces: NamespaceMode?
    /// Count the series each collector writes (for the debug line; costs a pass over the sets).
    let countSeries: Bool

    func run() -> (metrics: MetricSet, outcomes: [Outcome]) {
        let passes = collectors.map { $0.collector.startPass() }
        let timing = CollectorTiming(count: collectors.count)

        let ownMetrics = NamespaceMetrics(own)
        let reports = collect(ownMetrics, passes: Array(passes.enumerated()), timing: timing)
        var others: [NamespaceMetrics] = []
        let candidates = namespaces?.discover() ?? []
        if let namespaces {
            let covering = passes.enumerated().filter { collectors[$0.offset].collector.coversEveryNamespace }
            others = namespaces.readEach(candidates) { namespace in
                let target = NamespaceMetrics(namespace)
                for report in collect(target, passes: covering, timing: timing) {
                    if !report.succeeded { target.complete = false }
                }
                return target
            }
        }
        let everyNamespace = [ownMetrics] + others
        for (index, pass) in passes.enumerated() {
            let before = countSeries ? everyNamespace.reduce(0) { $0 + $1.metrics.seriesCount } : 0
            timing.measure(index) { pass.finish() }
            if countSeries { timing.addSeries(index, everyNamespace.reduce(0) { $0 + $1.metrics.seriesCount } - before) }
        }
        namespaces?.write(others, discovered: candidates.count, into: &ownMetrics.metrics)

        let outcomes = collectors.indices.map { index in
            Outcome(report: reports[index], duration: timing.duration(index),
                    skippedLines: reports[index].skippedLines + timing.skipped(index), series: timing.series(index))
        }
        return (ownMetrics.metrics, outcomes)
    }

    /// Reads one namespace with the given passes (indices into `collectors`), timing each; the
    /// reports in the order of `passes`. Lines skipped in a namespace other than the own one
    /// are counted here, as only the own namespace's reports are kept.
    private func collect(_ target: NamespaceMetrics, passes: [(offset: Int, element: any CollectorPass)],
                         timing: CollectorTiming) -> [CollectorReport] {
        passes.map { index, pass in
            var report = CollectorReport()
            let before = countSeries ? target.metrics.seriesCount : 0
            timing.measure(index) { pass.collect(target, report: &report) }
            if countSeries { timing.addSeries(index, target.metrics.seriesCount - before) }
            if !target.namespace.isOwn { timing.addSkipped(index, report.skippedLines) }
            return report
        }
    }
}

/// A collector with the name it is enabled and reported under.
public struct NamedCollector: Sendable {
    public let name: String
    public let collector: any Collector

    public init(_ name: String, _ collector: any Collector) {
        self.name = name
        self.collector = collector
    }
}

extension MetricSet {
    /// Every sample of every family, for the debug line of each collector.
    var seriesCount: Int { families.values.reduce(0) { $0 + $1.samples.count } }
}
