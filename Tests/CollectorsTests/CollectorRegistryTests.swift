import Exposition
import ProcNet
import Flags
import Namespaces
import Testing
@testable import Collectors

@Suite struct CollectorRegistryTests {
    /// A collector that exports one series, skips two lines and then fails, as a broken file would.
    struct Broken: PerNamespaceCollector {
        func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
            metrics.add("netstat_partial", .gauge, help: "Partial.", value: .unsigned(5))
            var summary = ParseSummary()
            summary.skip(line: 3, "bad row")
            summary.skip(line: 4, "bad row")
            report.record(summary, path: "/proc/net/x")
            report.fail("/proc/net/y: no such file")
        }
    }

    struct Fine: PerNamespaceCollector {
        func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
            metrics.add("netstat_fine", .gauge, help: "Fine.", value: .unsigned(1))
        }
    }

    let registry = CollectorRegistry(collectors: [NamedCollector("broken", Broken()), NamedCollector("fine", Fine())],
                                     buildInfo: BuildInfo(version: "1.2.3", swiftVersion: "6.3"))

    func collectorValue(_ metrics: MetricSet, _ name: String, _ collector: String) -> MetricValue? {
        metrics.value(name, [Label("collector", collector)])
    }

    @Test func aFailingCollectorFailsAloneAndItsSkipsAccumulate() {
        let first = registry.scrape()
        #expect(collectorValue(first, "netstat_scrape_collector_success", "broken") == .unsigned(0))
        #expect(collectorValue(first, "netstat_scrape_collector_success", "fine") == .unsigned(1))
        #expect(collectorValue(first, "netstat_parse_errors_total", "broken") == .unsigned(2))
        #expect(collectorValue(first, "netstat_parse_errors_total", "fine") == .unsigned(0))
        #expect(first.value("netstat_partial") == .unsigned(5))
        #expect(first.value("netstat_fine") == .unsigned(1))
        #expect(first.value("netstat_exporter_build_info", [Label("version", "1.2.3"), Label("swift_version", "6.3")])
                == .unsigned(1))
        let second = registry.scrape()
        #expect(collectorValue(second, "netstat_parse_errors_total", "broken") == .unsigned(4))
        guard case .double(let seconds) = collectorValue(second, "netstat_scrape_collector_duration_seconds", "fine") else {
            Issue.record("duration missing")
            return
        }
        #expect(seconds >= 0 && seconds < 1)
    }

    @Test func aScrapeCanBeRestrictedToSomeCollectors() {
        let metrics = registry.scrape { $0 == "fine" }
        #expect(metrics.value("netstat_partial") == nil)
        #expect(collectorValue(metrics, "netstat_scrape_collector_success", "broken") == nil)
        #expect(collectorValue(metrics, "netstat_scrape_collector_success", "fine") == .unsigned(1))
    }

    @Test func everyCollectorIsRegisteredOnceInOrder() {
        #expect(CollectorDescriptor.all.map(\.name) == ["sockets", "interfaces", "routes", "protocols", "sockstat", "conntrack"])
        #expect(CollectorDescriptor.all.allSatisfy { $0.enabledByDefault })
    }

    @Test func enableFlagsChooseTheCollectors() throws {
        let definitions = CollectorDescriptor.all.map(\.enableFlag) + NamespaceOptions.flags
        guard case .run(let flags) = try FlagParser.parse(["--no-collector.sockets"], definitions: definitions) else {
            Issue.record("expected a run")
            return
        }
        let built = try CollectorRegistry(flags: flags, paths: ProcPaths(), buildInfo: BuildInfo(version: "x", swiftVersion: "y"))
        #expect(!built.collectorNames.contains("sockets"))
        #expect(built.collectorNames == CollectorDescriptor.all.map(\.name).filter { $0 != "sockets" })
    }
}
