import Foundation
import Testing
import TestSupport

/// Bounded copies of bench/load.sh (issue 19), against the release binary in a namespace with a
/// socket farm: forty clients scraping back to back share collections, and a crowd of clients
/// that never read their answers neither starves another scraper nor leaves memory behind.
/// Timed (Makefile TIMED_SUITES): they measure CPU and latency, so they run alone.
@Suite(.serialized) struct LoadTests {
    /// The 20,000 sockets (9,000 established pairs, 1,000 in close-wait): a collection
    /// then takes tens of milliseconds, long against the fixed cost of encoding and sending.
    static func withFarm<T>(_ body: (SocketFarm, Int, Int32) throws -> T) throws -> T {
        try SocketFarm.with(workers: 2, established: 9000, closeWait: 1000, prefix: "nsload") { farm in
            let port = try farm.startExporter(binary: ExporterBuild.releaseBinary())
            let pid = try #require(farm.lastStarted).pid
            return try body(farm, port, pid)
        }
    }

    /// One scrape's time in seconds and status, from `source` (curl's --interface) when given.
    static func timedScrape(_ farm: SocketFarm, _ port: Int, from source: String? = nil) throws -> (Int, Double) {
        let interface = source.map { ["--interface", $0] } ?? []
        let output = try farm.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5"] + interface
                                  + ["-w", "%{http_code} %{time_total}", "http://127.0.0.1:\(port)/metrics"])
        let fields = output.split(separator: " ")
        return (Int(fields.first ?? "") ?? 0, Double(fields.last ?? "") ?? 99)
    }

    @Test(.timeLimit(.minutes(5))) func fortyBackToBackClientsShareCollections() throws {
        try Self.withFarm { farm, port, pid in
            _ = try farm.scrape(port)
            let lone = try (0..<10).map { _ in try Self.timedScrape(farm, port).1 }.sorted()[5]
            let before = try farm.scrape(port)
            let cpuBefore = try #require(ExporterVitals(pid: pid).cpuSeconds)
            let started = Date()
            let wrk = try farm.run(["wrk", "-t2", "-c40", "-d5s", "--timeout", "10s", "--latency",
                                    "http://127.0.0.1:\(port)/metrics"])
            let cores = try (#require(ExporterVitals(pid: pid).cpuSeconds) - cpuBefore) / Date().timeIntervalSince(started)
            // wrk stops counting with a request of each connection still in flight: from the same
            // address, with forty waiting, the next scrape would be refused until they are answered.
            usleep(500_000)
            let after = try farm.scrape(port)

            let requests = try #require(WrkSummary(wrk))
            #expect(requests.answers >= 40, "\(wrk)")
            #expect(requests.notOK == 0 && requests.socketErrors == 0, "\(wrk)")
            // The bound is 3 ×, met in bench/load.sh (2.6–2.9 × at 20k and 100k sockets); in
            // this five-second run on two cores shared with wrk it measured 2.7–3.1 ×, so the test
            // holds a little more room and still fails if requests stop sharing collections
            // (each would wait for forty collections: 40 ×).
            #expect(requests.p99 <= 3.5 * lone, "p99 \(requests.p99) s against a lone scrape's \(lone) s")
            #expect(cores <= 1.2, "the exporter used \(cores) cores")
            let collections = try #require(after["netstat_scrape_collections_total"])
                - #require(before["netstat_scrape_collections_total"])
            let served = try #require(after["netstat_scrape_requests_total{result=\"served\"}"])
                - #require(before["netstat_scrape_requests_total{result=\"served\"}"])
            // wrk's answers and the scrape that read `after`, plus up to one request of each of
            // wrk's connections still in flight when it stopped counting.
            #expect(served >= Double(requests.answers + 1) && served <= Double(requests.answers + 41))
            #expect(served >= 4 * collections, "\(served) requests in \(collections) collections")
            #expect(try #require(ExporterVitals(pid: pid).peakResidentKiB) <= 64 * 1024)
        }
    }

    @Test(.timeLimit(.minutes(5))) func slowReadersNeitherStarveAScraperNorKeepMemory() throws {
        try Self.withFarm { farm, port, pid in
            _ = try farm.scrape(port)
            usleep(2_500_000)  // one housekeeping trim after the first scrape
            let residentBefore = try #require(ExporterVitals(pid: pid).residentKiB)
            let readers = try farm.startUntilReady(["python3", Fixtures.repository("Tests/Tools/slowreaders.py"),
                                                    "--port", String(port), "--clients", "1000",
                                                    "--addresses", "50", "--hold", "8"])
            var threads = 0
            var scrapes: [(Int, Double)] = []
            for _ in 0..<5 {
                scrapes.append(try Self.timedScrape(farm, port, from: "127.0.0.250"))
                threads = max(threads, ExporterVitals(pid: pid).threads ?? 99)
                usleep(500_000)
            }
            readers.waitUntilExit()
            for (status, seconds) in scrapes {
                #expect(status == 200)
                #expect(seconds < 1, "a scrape took \(seconds) s")
            }
            #expect(threads <= 16)
            #expect(try #require(ExporterVitals(pid: pid).peakResidentKiB) <= 64 * 1024)
            // The readers are gone; within a few housekeeping rounds the memory is back.
            let bound = residentBefore * 12 / 10 + 4 * 1024
            let back = waitUntil(timeout: 10) { (ExporterVitals(pid: pid).residentKiB ?? .max) <= bound }
            #expect(back, "\(ExporterVitals(pid: pid)) after, \(residentBefore) KiB resident before")
            let metrics = try farm.scrape(port)
            #expect(metrics["netstat_web_response_memory_bytes"] == 0)
        }
    }

    /// A limit of one byte: the answer a slow reader holds fills it, so the next request is
    /// refused (503, counted) until that reader goes.
    @Test(.timeLimit(.minutes(5))) func unreadAnswersFillTheResponseMemoryAndNewRequestsGet503() throws {
        try SocketFarm.with(workers: 2, established: 2250, closeWait: 250, prefix: "nsload") { farm in
            let port = try farm.startExporter(["--web.max-response-memory=1"], binary: ExporterBuild.releaseBinary())
            let readers = try farm.startUntilReady(["python3", Fixtures.repository("Tests/Tools/slowreaders.py"),
                                                    "--port", String(port), "--clients", "1", "--hold", "30"])
            let refused = waitUntil(timeout: 5) { (try? Self.timedScrape(farm, port).0) == 503 }
            #expect(refused)
            let text = try farm.run(["curl", "-s", "http://127.0.0.1:\(port)/"])
            #expect(text == "503 answers not yet read by their clients fill the response memory, try again later\n")
            kill(readers.pid, SIGTERM)
            readers.waitUntilExit()
            #expect(waitUntil(timeout: 5) { (try? Self.timedScrape(farm, port).0) == 200 })
            let metrics = try farm.scrape(port)
            #expect(try #require(metrics["netstat_scrape_requests_total{result=\"response_memory\"}"]) >= 2)
            #expect(metrics["netstat_web_response_memory_limit_bytes"] == 1)
        }
    }
}

/// What wrk's --latency report says: answers, how many were not 2xx, socket errors, and the
/// 99th percentile latency in seconds.
struct WrkSummary {
    let answers: Int
    let notOK: Int
    let socketErrors: Int
    let p99: Double

    init?(_ report: String) {
        var answers: Int?, p99: Double?
        var notOK = 0, socketErrors = 0
        for line in report.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if line.contains("requests in"), let count = Int(fields.first ?? "") { answers = count }
            if line.hasPrefix("  Non-2xx"), let count = Int(fields.last ?? "") { notOK = count }
            if line.hasPrefix("  Socket errors") {
                socketErrors = fields.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            }
            if fields.first == "99%", let text = fields.last { p99 = WrkSummary.seconds(String(text)) }
        }
        guard let answers, let p99 else { return nil }
        (self.answers, self.notOK, self.socketErrors, self.p99) = (answers, notOK, socketErrors, p99)
    }

    /// "12.34ms", "1.20s", "850.00us" in seconds.
    static func seconds(_ text: String) -> Double? {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
