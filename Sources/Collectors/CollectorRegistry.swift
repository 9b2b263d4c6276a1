import Exposition
import Flags
import Logging
import Namespaces
import ProcNet
import Synchronization

/// The enabled collectors and what the exporter reports about them: runs a scrape (`Scrape`)
/// and adds `netstat_scrape_collector_*`, `netstat_parse_errors_total` and
/// `netstat_exporter_build_info`.
public final class CollectorRegistry: Sendable {
    public let collectors: [NamedCollector]
    private let parseErrors: Mutex<[String: UInt64]>
    private let log: RateLimitedLog
    private let buildInfo: BuildInfo
    private let paths: ProcPaths
    /// Set with `--netns.all`: the host's other network namespaces are read too.
    public let namespaces: NamespaceMode?

    public init(collectors: [NamedCollector], buildInfo: BuildInfo, paths: ProcPaths = ProcPaths(),
                namespaces: NamespaceOptions? = nil, log: RateLimitedLog = RateLimitedLog()) {
        self.collectors = collectors
        self.buildInfo = buildInfo
        self.log = log
        self.paths = paths
        self.namespaces = namespaces.flatMap { $0.enabled ? NamespaceMode(options: $0, procfs: paths.procfs) : nil }
        self.parseErrors = Mutex(Dictionary(uniqueKeysWithValues: collectors.map { ($0.name, 0) }))
    }

    /// Builds the enabled collectors from the parsed flags; a bad collector flag is a FlagError.
    public convenience init(flags: FlagValues, paths: ProcPaths, buildInfo: BuildInfo,
                            descriptors: [CollectorDescriptor] = CollectorDescriptor.all) throws(FlagError) {
        var enabled: [NamedCollector] = []
        for descriptor in descriptors where descriptor.isEnabled(by: flags) {
            enabled.append(NamedCollector(descriptor.name, try descriptor.make(flags, paths)))
        }
        self.init(collectors: enabled, buildInfo: buildInfo, paths: paths, namespaces: try NamespaceOptions(flags))
    }

    public var collectorNames: [String] { collectors.map(\.name) }

    /// What the registry reports of every scrape, declared once.
    public static let families: [MetricDeclaration] = [duration, success, parseErrorsFamily, buildInfoFamily]

    static let duration = MetricDeclaration.gauge(
        "netstat_scrape_collector_duration_seconds", help: "How long the collector took in this scrape, in seconds.",
        labels: ["collector"], source: "time the collector took this scrape, over every namespace it read")
    static let success = MetricDeclaration.gauge(
        "netstat_scrape_collector_success",
        help: "1 when the collector read all its sources in this scrape, 0 when one failed.",
        labels: ["collector"], source: "1 when every required source of the exporter's own namespace was read")
    static let parseErrorsFamily = MetricDeclaration.counter(
        "netstat_parse_errors_total", help: "Lines or files the collector skipped as malformed, since the exporter started.",
        labels: ["collector"], source: "malformed lines or files skipped since start, in every namespace")
    static let buildInfoFamily = MetricDeclaration.gauge(
        "netstat_exporter_build_info",
        help: "A metric with a constant 1 value labelled by the exporter's version and Swift version.",
        labels: ["version", "swift_version"], source: "constant 1")

    /// Runs every collector whose name `include` accepts (all by default) over the exporter's
    /// own namespace, then over the other namespaces with `--netns.all`, and returns their
    /// families with the exporter's own. Success, durations and parse errors are reported per
    /// collector; success speaks of the exporter's own namespace only.
    public func scrape(include: (String) -> Bool = { _ in true }) -> MetricSet {
        let selected = collectors.filter { include($0.name) }
        let debugging = log.logger.isEnabled(.debug)
        let scrape = Scrape(collectors: selected, own: namespaces?.own(paths) ?? .own(paths), namespaces: namespaces,
                            countSeries: debugging)
        var (metrics, outcomes) = scrape.run()
        for family in Self.families { metrics.declare(family) }
        for (collector, outcome) in zip(selected, outcomes) {
            let name = collector.name
            let report = outcome.report
            let errorCount = parseErrors.withLock { counts -> UInt64 in
                counts[name, default: 0] += outcome.skippedLines
                return counts[name, default: 0]
            }
            if let failure = report.failures.first {
                log.log(.error, key: name, "Collector failed", ["collector": name, "err": failure])
            } else if let skip = report.firstSkip {
                log.log(.warn, key: name, "Collector skipped malformed input", ["collector": name, "err": skip])
            }
            if debugging {
                log.logger.log(.debug, report.succeeded ? "Collector succeeded" : "Collector failed",
                               ["collector": name, "duration_seconds": outcome.duration.seconds,
                                "series": outcome.series, "skipped_lines": outcome.skippedLines])
            }
            let label = [Label("collector", name)]
            metrics.add(Self.duration, label, .double(outcome.duration.seconds))
            metrics.add(Self.success, label, .unsigned(report.succeeded ? 1 : 0))
            metrics.add(Self.parseErrorsFamily, label, .unsigned(errorCount))
        }
        metrics.add(Self.buildInfoFamily,
                    [Label("version", buildInfo.version), Label("swift_version", buildInfo.swiftVersion)], .unsigned(1))
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

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
