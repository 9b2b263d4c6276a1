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
    private let paths: ProcPaths
    /// Set with `--netns.all`: the host's other network namespaces are read too.
    private let otherNamespaces: OtherNamespaces?

    public init(collectors: [(name: String, collector: any Collector)], buildInfo: BuildInfo,
                paths: ProcPaths = ProcPaths(), namespaces: NamespaceOptions? = nil,
                log: RateLimitedLog = RateLimitedLog()) {
        self.collectors = collectors
        self.buildInfo = buildInfo
        self.log = log
        self.paths = paths
        self.otherNamespaces = namespaces.flatMap { $0.enabled ? OtherNamespaces(options: $0, procfs: paths.procfs) : nil }
        self.parseErrors = Mutex(Dictionary(uniqueKeysWithValues: collectors.map { ($0.name, 0) }))
    }

    /// Builds the enabled collectors from the parsed flags; a bad collector flag is a FlagError.
    public convenience init(flags: FlagValues, paths: ProcPaths, buildInfo: BuildInfo,
                            descriptors: [CollectorDescriptor] = CollectorDescriptor.all) throws(FlagError) {
        var enabled: [(name: String, collector: any Collector)] = []
        for descriptor in descriptors where descriptor.isEnabled(by: flags) {
            enabled.append((descriptor.name, try descriptor.make(flags, paths)))
        }
        self.init(collectors: enabled, buildInfo: buildInfo, paths: paths, namespaces: try NamespaceOptions(flags))
    }

    public var collectorNames: [String] { collectors.map(\.name) }

    /// Runs every collector whose name `include` accepts (all by default) over the exporter's
    /// own namespace, then over the other namespaces with `--netns.all`, and returns their
    /// families with the exporter's own. Success, durations and parse errors are reported per
    /// collector; success speaks of the exporter's own namespace only.
    public func scrape(include: (String) -> Bool = { _ in true }) -> MetricSet {
        var metrics = MetricSet()
        metrics.declare("netstat_scrape_collector_duration_seconds", .gauge,
                        help: "How long the collector took in this scrape, in seconds.")
        metrics.declare("netstat_scrape_collector_success", .gauge,
                        help: "1 when the collector read all its sources in this scrape, 0 when one failed.")
        metrics.declare("netstat_parse_errors_total", .counter,
                        help: "Lines or files the collector skipped as malformed, since the exporter started.")
        let selected = collectors.filter { include($0.name) }
        let passes = selected.map { $0.collector.startPass() }
        let timing = CollectorTiming(count: selected.count)
        var reports = [CollectorReport](repeating: CollectorReport(), count: selected.count)
        // Series each collector added, counted only for the debug line.
        let debugging = log.logger.isEnabled(.debug)
        var series = [Int](repeating: 0, count: selected.count)

        let own = otherNamespaces?.own(paths) ?? .own(paths)
        for index in selected.indices {
            let before = debugging ? metrics.seriesCount : 0
            timing.measure(index) { passes[index].collect(own, into: &metrics, report: &reports[index]) }
            if debugging { series[index] += metrics.seriesCount - before }
        }
        var others: [OtherNamespaces.Read] = []
        let candidates = otherNamespaces?.discover() ?? []
        if let otherNamespaces {
            let covering = selected.indices.filter { selected[$0].collector.coversEveryNamespace }
            others = otherNamespaces.read(candidates, passes: covering.map { ($0, passes[$0]) }, timing: timing)
        }
        let position = Dictionary(others.indices.map { (others[$0].candidate.found.inode, $0) }) { first, _ in first }
        for index in selected.indices {
            var finished: [UInt64: MetricSet] = [:]
            timing.measure(index) { finished = passes[index].finish() }
            if debugging { series[index] += finished.values.reduce(0) { $0 + $1.seriesCount } }
            for (inode, families) in finished {
                if inode == own.inode {
                    metrics.merge(families)
                } else if let other = position[inode] {
                    others[other].metrics.merge(families)
                }
            }
        }
        otherNamespaces?.write(others, discovered: candidates.count, into: &metrics)

        for (index, (name, _)) in selected.enumerated() {
            let report = reports[index]
            let errorCount = parseErrors.withLock { counts -> UInt64 in
                counts[name, default: 0] += report.skippedLines + timing.skipped(index)
                return counts[name, default: 0]
            }
            if let failure = report.failures.first {
                log.log(.error, key: name, "Collector failed", ["collector": name, "err": failure])
            } else if let skip = report.firstSkip {
                log.log(.warn, key: name, "Collector skipped malformed input", ["collector": name, "err": skip])
            }
            if debugging {
                log.logger.log(.debug, report.succeeded ? "Collector succeeded" : "Collector failed",
                               ["collector": name, "duration_seconds": timing.duration(index).seconds,
                                "series": series[index], "skipped_lines": report.skippedLines + timing.skipped(index)])
            }
            let label = [Label("collector", name)]
            metrics.gauge("netstat_scrape_collector_duration_seconds", help: "", labels: label,
                          .double(timing.duration(index).seconds))
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
