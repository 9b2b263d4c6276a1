import Exposition
import Logging
import Synchronization

/// The enabled collectors and what the exporter reports about them: runs a scrape, times each
/// collector, and adds `netstat_scrape_collector_*`, `netstat_parse_errors_total` and
/// `netstat_exporter_build_info`.
public final class CollectorRegistry: Sendable {
    public let collectors: [(name: String, collector: any Collector)]
    private let parseErrors: Mutex<[String: UInt64]>
    private let log: RateLimitedLog
    private let buildInfo: BuildInfo

    public init(collectors: [(name: String, collector: any Collector)], buildInfo: BuildInfo,
                log: RateLimitedLog = RateLimitedLog()) {
        self.collectors = collectors
        self.buildInfo = buildInfo
        self.log = log
        self.parseErrors = Mutex(Dictionary(uniqueKeysWithValues: collectors.map { ($0.name, 0) }))
    }

    /// Builds the enabled collectors from the parsed flags; a bad collector flag is a FlagError.
    public convenience init(flags: FlagValues, paths: ProcPaths, buildInfo: BuildInfo,
                            descriptors: [CollectorDescriptor] = CollectorDescriptor.all) throws(FlagError) {
        var enabled: [(name: String, collector: any Collector)] = []
        for descriptor in descriptors where descriptor.isEnabled(by: flags) {
            enabled.append((descriptor.name, try descriptor.make(flags, paths)))
        }
        self.init(collectors: enabled, buildInfo: buildInfo)
    }

    public var collectorNames: [String] { collectors.map(\.name) }

    /// Runs every collector whose name `include` accepts (all by default), one after another,
    /// and returns their families with the exporter's own.
    public func scrape(include: (String) -> Bool = { _ in true }) -> MetricSet {
        var metrics = MetricSet()
        metrics.declare("netstat_scrape_collector_duration_seconds", .gauge,
                        help: "How long the collector took in this scrape, in seconds.")
        metrics.declare("netstat_scrape_collector_success", .gauge,
                        help: "1 when the collector read all its sources in this scrape, 0 when one failed.")
        metrics.declare("netstat_parse_errors_total", .counter,
                        help: "Lines or files the collector skipped as malformed, since the exporter started.")
        let debugging = log.logger.isEnabled(.debug)
        for (name, collector) in collectors where include(name) {
            let seriesBefore = debugging ? metrics.seriesCount : 0
            var report = CollectorReport()
            let clock = ContinuousClock()
            let started = clock.now
            collector.collect(into: &metrics, report: &report)
            let elapsed = clock.now - started

            let errorCount = parseErrors.withLock { counts -> UInt64 in
                counts[name, default: 0] += report.skippedLines
                return counts[name, default: 0]
            }
            if let failure = report.failures.first {
                log.log(.error, key: name, "Collector failed", ["collector": name, "err": failure])
            } else if let skip = report.firstSkip {
                log.log(.warn, key: name, "Collector skipped malformed input", ["collector": name, "err": skip])
            }
            if debugging {
                log.logger.log(.debug, report.succeeded ? "Collector succeeded" : "Collector failed",
                               ["collector": name, "duration_seconds": elapsed.seconds,
                                "series": metrics.seriesCount - seriesBefore, "skipped_lines": report.skippedLines])
            }
            let label = [Label("collector", name)]
            metrics.gauge("netstat_scrape_collector_duration_seconds", help: "", labels: label,
                          .double(elapsed.seconds))
            metrics.gauge("netstat_scrape_collector_success", help: "", labels: label,
                          .unsigned(report.succeeded ? 1 : 0))
            metrics.counter("netstat_parse_errors_total", help: "", labels: label, .unsigned(errorCount))
        }
        metrics.gauge("netstat_exporter_build_info",
                      help: "A metric with a constant 1 value labelled by the exporter's version and Swift version.",
                      labels: [Label("version", buildInfo.version), Label("swift_version", buildInfo.swiftVersion)],
                      .unsigned(1))
        return metrics
    }
}

/// The version strings `netstat_exporter_build_info` and `--version` show.
public struct BuildInfo: Sendable, Hashable {
    public let version: String
    public let swiftVersion: String

    public init(version: String, swiftVersion: String) {
        self.version = version
        self.swiftVersion = swiftVersion
    }
}

extension MetricSet {
    /// Every sample of every family, for the debug line of each collector.
    var seriesCount: Int { families.values.reduce(0) { $0 + $1.samples.count } }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
