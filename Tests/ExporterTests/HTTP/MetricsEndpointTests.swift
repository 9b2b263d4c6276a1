import Foundation
import Testing
import TestSupport

/// End to end: the built exporter on the procfs fixtures, scraped with curl, read by the
/// real Prometheus parsers.
@Suite struct MetricsEndpointTests {
    static let procfs = Fixtures.path("procfs/proc")
    static let prometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
        + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

    func start(_ extra: [String] = []) throws -> RunningExporter {
        try RunningExporter(["--web.listen-address=127.0.0.1:0", "--path.procfs=\(Self.procfs)"] + extra)
    }

    @Test func prometheusAcceptHeaderGetsOpenMetrics() throws {
        let exporter = try start()
        let response = try CurlResponse.get(["-H", "Accept: \(Self.prometheusAccept)",
                                             "\(exporter.base)/metrics?collect[]=sockets"])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(response.text.hasSuffix("\n# EOF\n"))
        let parsed = try PrometheusParsers.openMetrics(response.text)
        #expect(parsed.contains("family netstat_parse_errors counter -"))
        #expect(parsed.contains("netstat_parse_errors_total{collector=\"sockets\"} 0"))
        #expect(parsed.contains("family netstat_scrape_collector_duration_seconds gauge seconds"))
        #expect(parsed.contains("family netstat_tcp_receive_queue_bytes gauge bytes"))
        #expect(parsed.contains("family process_cpu_seconds counter seconds"))
        #expect(parsed.contains("netstat_udp_sockets{family=\"ipv4\"} 3"))
        #expect(parsed.contains("netstat_tcp_sockets{family=\"ipv4\",state=\"listen\"} 3"))
        #expect(response.text.contains("# TYPE netstat_udp_drops counter\n"))
        #expect(response.text.contains("\nnetstat_udp_drops_total{family=\"ipv4\"} "))
    }

    @Test func plainScrapeIsTextFormatThatPromtoolAndTheTextParserAccept() throws {
        let exporter = try start()
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.headers["content-encoding"] == nil)
        #expect(!response.text.contains("# EOF"))
        #expect(response.text.contains("# TYPE netstat_udp_drops_total counter\n"))
        let parsed = try PrometheusParsers.textFormat(response.text)
        #expect(parsed.contains("netstat_udp_sockets{family=\"ipv6\"} 2"))
        #expect(parsed.contains("netstat_unix_sockets{state=\"connected\",type=\"stream\"} 2"))
        let lint = try PrometheusParsers.promtool(response.text)
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
    }

    @Test func wildcardAndTextPreferencesGetTextFormat() throws {
        let exporter = try start()
        for accept in ["*/*", "text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5",
                       "application/openmetrics-text;version=0.0.1,text/plain;q=0.5"] {
            let response = try CurlResponse.get(["-H", "Accept: \(accept)", "\(exporter.base)/metrics"])
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8", "\(accept)")
        }
    }

    @Test func gzipWhenTheClientAcceptsIt() throws {
        let exporter = try start()
        let compressed = try CurlResponse.get(["-H", "Accept-Encoding: br;q=1, gzip;q=0.8",
                                               "\(exporter.base)/metrics"])
        #expect(compressed.headers["content-encoding"] == "gzip")
        #expect(compressed.body.prefix(2) == Data([0x1f, 0x8b]))
        let gunzipped = try Shell.gunzip(compressed.body)
        #expect(gunzipped.status == 0)
        #expect(gunzipped.stdout.hasPrefix("# HELP netstat_exporter_build_info "))
        #expect(gunzipped.stdout.contains("\nnetstat_udp_sockets{family=\"ipv4\"} 3\n"))

        let refused = try CurlResponse.get(["-H", "Accept-Encoding: gzip;q=0, *", "\(exporter.base)/metrics"])
        #expect(refused.headers["content-encoding"] == nil)
        #expect(refused.text.hasPrefix("# HELP netstat_exporter_build_info "))
    }

    @Test func collectAndExcludeRestrictOneScrape() throws {
        let exporter = try start()
        let only = try CurlResponse.get(["\(exporter.base)/metrics?collect[]=sockets"])
        #expect(only.status == 200)
        #expect(only.text.contains("netstat_scrape_collector_success{collector=\"sockets\"} 1\n"))
        #expect(only.text.contains("netstat_udp_sockets{family=\"ipv4\"} 3\n"))

        let excluded = try CurlResponse.get(["\(exporter.base)/metrics?exclude[]=sockets"])
        #expect(excluded.status == 200)
        #expect(!excluded.text.contains("collector=\"sockets\""))
        #expect(!excluded.text.contains("netstat_udp_sockets{"))

        let unknown = try CurlResponse.get(["\(exporter.base)/metrics?collect[]=sockets&collect[]=bogus"])
        #expect(unknown.status == 400)
        #expect(unknown.text.hasPrefix("unknown or disabled collector \"bogus\""))

        let both = try CurlResponse.get(["\(exporter.base)/metrics?collect[]=sockets&exclude[]=sockets"])
        #expect(both.status == 400)
        #expect(both.text == "collect[] and exclude[] cannot be used together\n")
    }

    @Test func landingPageNotFoundAndMethods() throws {
        let exporter = try start(["--web.telemetry-path=/stats"])
        let landing = try CurlResponse.get(["\(exporter.base)/"])
        #expect(landing.status == 200)
        #expect(landing.headers["content-type"] == "text/html; charset=utf-8")
        #expect(landing.text.contains("<h1>netstat_exporter</h1>"))
        #expect(landing.text.contains("<a href=\"/stats\">Metrics</a>"))
        #expect(landing.text.contains("<li>sockets</li>"))

        #expect(try CurlResponse.get(["\(exporter.base)/metrics"]).status == 404)
        #expect(try CurlResponse.get(["\(exporter.base)/stats"]).status == 200)

        let posted = try CurlResponse.get(["-X", "POST", "\(exporter.base)/stats"])
        #expect(posted.status == 405)
        #expect(posted.headers["allow"] == "GET, HEAD")
        let deleted = try CurlResponse.get(["-X", "DELETE", "\(exporter.base)/"])
        #expect(deleted.status == 405)

        let head = try CurlResponse.get(["-I", "\(exporter.base)/stats"])
        #expect(head.status == 200)
        #expect(head.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        // curl -I writes the headers where the body would go: there must be nothing after them.
        #expect(head.text.hasPrefix("HTTP/1.1 200"))
        #expect(!head.text.contains("# HELP"))
    }

    /// Prometheus keeps its connection to a target open between scrapes; so does the exporter.
    @Test func connectionsStayOpenBetweenScrapes() throws {
        let exporter = try start()
        let result = try Shell.run(["curl", "-sv", "-o", "/dev/null", "-o", "/dev/null",
                                    "\(exporter.base)/metrics", "\(exporter.base)/metrics"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("Re-using existing connection"), "\(result.stderr)")
        #expect(!result.stderr.contains("< Connection: close"))
    }
}
