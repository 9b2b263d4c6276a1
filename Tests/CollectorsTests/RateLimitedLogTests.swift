import Exposition
import Logging
import ProcNet
import Synchronization
import Testing
@testable import Collectors

/// The rate limit on repeated problems, and the registry's lines: errors rate-limited, one debug
/// line per collector per scrape.
@Suite struct RateLimitedLogTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func logger(_ level: LogLevel) -> Logger {
            Logger(level: level, format: .logfmt) { [self] bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                lines.withLock { $0.append(text) }
            }
        }
        var written: [String] { lines.withLock { $0 } }
    }

    @Test func aRepeatIsHeldBackThenCountedWhenTheIntervalHasPassed() async throws {
        let lines = Lines()
        let log = RateLimitedLog(interval: .milliseconds(300), logger: lines.logger(.info))
        for _ in 0..<3 { log.log(.error, key: "sockets", "Collector failed", ["err": "/proc/net/tcp: no such file"]) }
        #expect(lines.written.count == 1)
        #expect(!lines.written[0].contains("repeated="))
        // Another problem of the same key is new, and is written at once.
        log.log(.error, key: "sockets", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 2)
        // Another key is independent.
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 3)
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 3)
        try await Task.sleep(for: .milliseconds(350))
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 4)
        let expected = #"msg="Collector failed" err="/proc/net/udp: no such file" repeated=2"# + "\n"
        #expect(lines.written[3].hasSuffix(expected),
                "\(lines.written[3])")
    }

    @Test func theOldEntryPointsStillWrite() {
        let lines = Lines()
        let log = RateLimitedLog(logger: lines.logger(.info))
        log.log("microhttpd", "Error accepting connection")
        log.log("microhttpd", "Error accepting connection")
        #expect(lines.written.count == 1)
        #expect(lines.written[0].contains(#"level=ERROR source=microhttpd msg="Error accepting connection""#))
    }

    struct Failing: Collector {
        let paths = ProcPaths()
        func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
            metrics.gauge("netstat_partial", help: "Partial.", .unsigned(5))
            report.fail("/proc/net/y: no such file")
        }
    }

    struct TwoSeries: Collector {
        let paths = ProcPaths()
        func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
            metrics.gauge("netstat_a", help: "A.", labels: [Label("x", "1")], .unsigned(1))
            metrics.gauge("netstat_a", help: "A.", labels: [Label("x", "2")], .unsigned(2))
        }
    }

    func registry(_ lines: Lines, _ level: LogLevel) -> CollectorRegistry {
        CollectorRegistry(collectors: [("failing", Failing()), ("two", TwoSeries())],
                          buildInfo: BuildInfo(version: "1", swiftVersion: "6"),
                          log: RateLimitedLog(logger: lines.logger(level)))
    }

    @Test func debugWritesOneLinePerCollectorPerScrape() throws {
        let lines = Lines()
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

    @Test func infoWritesNoScrapeLines() {
        let lines = Lines()
        _ = registry(lines, .info).scrape()
        #expect(lines.written.count == 1)
        #expect(lines.written.allSatisfy { $0.contains("level=ERROR") })
        let errorOnly = Lines()
        _ = registry(errorOnly, .error).scrape()
        #expect(errorOnly.written.count == 1)
    }
}
