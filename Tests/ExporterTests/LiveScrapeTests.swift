import Foundation
import Testing
import TestSupport

/// The built binary on this host's real /proc and /sys, scraped over HTTP and linted by promtool.
@Suite struct LiveScrapeTests {
    @Test func metricsPassPromtoolWithoutWarnings() throws {
        let exporter = try ExporterProcess([])
        defer { exporter.stop() }
        let (status, body) = try exporter.get()
        #expect(status == 200)
        let lint = try Shell.run(["promtool", "check", "metrics"], input: body)
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        #expect(lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
        for collector in ["sockets"] {
            #expect(Exposition.value(body, "netstat_scrape_collector_success{collector=\"\(collector)\"}") == 1)
        }
        #expect(!body.contains("e+"), "integers must print exactly")
    }

    @Test func concurrentScrapesAllSucceed() async throws {
        let exporter = try ExporterProcess([])
        defer { exporter.stop() }
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? exporter.get().status) ?? -1 }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
    }

    @Test func unknownPathsAre404AndOtherMethods405() throws {
        let exporter = try ExporterProcess([])
        defer { exporter.stop() }
        #expect(try exporter.get("/nope").status == 404)
        #expect(try exporter.get("/metrics", extraCurlArguments: ["-X", "POST"]).status == 405)
        let landing = try exporter.get("/")
        #expect(landing.status == 200)
        #expect(landing.body.contains("href=\"/metrics\""))
    }
}
