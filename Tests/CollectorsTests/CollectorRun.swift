import Collectors
import Exposition

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
