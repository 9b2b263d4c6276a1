import Foundation
import Testing
import TestSupport

/// The built binary on this host's real /proc and /sys, scraped over HTTP and linted by promtool.
@Suite struct LiveScrapeTests {
    @Test func metricsPassPromtoolWithoutWarnings() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0"])
        defer { exporter.stop() }
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        #expect(response.status == 200)
        let lint = try Shell.run(["promtool", "check", "metrics"], input: response.text)
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        #expect(lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
        let scrape = ScrapedMetrics(response.text)
        for collector in ["sockets", "interfaces", "routes", "protocols", "sockstat", "conntrack"] {
            #expect(scrape["netstat_scrape_collector_success{collector=\"\(collector)\"}"] == 1, "\(collector)")
            #expect(scrape["netstat_parse_errors_total{collector=\"\(collector)\"}"] == 0, "\(collector)")
        }
        #expect(!response.text.contains("e+"), "integers must print exactly")
    }

    @Test func concurrentScrapesAllSucceed() async throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0"])
        defer { exporter.stop() }
        let url = "\(exporter.base)/metrics"
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? CurlResponse.get([url]).status) ?? -1 }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
    }
}
