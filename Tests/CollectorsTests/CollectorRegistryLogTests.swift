import Exposition
import Logging
import Namespaces
import Testing
import TestSupport
@testable import Collectors

/// The registry's log lines: errors rate-limited, one debug line per collector per scrape.
@Suite struct CollectorRegistryLogTests {
    struct Failing: PerNamespaceCollector {
        func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
            metrics.add("netstat_partial", .gauge, help: "Partial.", value: .unsigned(5))
            report.fail("/proc/net/y: no such file")
        }
    }

    struct TwoSeries: PerNamespaceCollector {
        func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
            metrics.add("netstat_a", .gauge, help: "A.", labels: [Label("x", "1")], value: .unsigned(1))
            metrics.add("netstat_a", .gauge, help: "A.", labels: [Label("x", "2")], value: .unsigned(2))
        }
    }

    func registry(_ lines: CapturedLog, _ level: LogLevel) -> CollectorRegistry {
        CollectorRegistry(collectors: [NamedCollector("failing", Failing()), NamedCollector("two", TwoSeries())],
                          buildInfo: BuildInfo(version: "1", swiftVersion: "6"),
                          log: RateLimitedLog(logger: lines.logger(level)))
    }

    @Test func debugWritesOneLinePerCollectorPerScrape() throws {
        let lines = CapturedLog()
        let registry = registry(lines, .debug)
        _ = registry.scrape()
        _ = registry.scrape()
        let debug = lines.written.filter { $0.contains("level=DEBUG") }
        #expect(debug.count == 4)
        let two = try #require(debug.first { $0.contains("collector=two") })
        #expect(two.contains(#"msg="Collector succeeded" collector=two duration_seconds="#))
        #expect(two.hasSuffix(" series=2 skipped_lines=0\n"), "\(two)")
        let failing = try #require(debug.first { $0.contains("collector=failing") })
        #expect(failing.contains(#"msg="Collector failed" collector=failing"#))
        #expect(failing.hasSuffix(" series=1 skipped_lines=0\n"), "\(failing)")
        // The failure itself is an error line, once for both scrapes.
        let errors = lines.written.filter { $0.contains("level=ERROR") }
        #expect(errors.count == 1)
        let expected = #"msg="Collector failed" collector=failing err="/proc/net/y: no such file""# + "\n"
        #expect(errors.first?.hasSuffix(expected) == true)
    }

    @Test func infoWritesNoScrapeCapturedLog() {
        let lines = CapturedLog()
        _ = registry(lines, .info).scrape()
        #expect(lines.written.count == 1)
        #expect(lines.written.allSatisfy { $0.contains("level=ERROR") })
        let errorOnly = CapturedLog()
        _ = registry(errorOnly, .error).scrape()
        #expect(errorOnly.written.count == 1)
    }
}
