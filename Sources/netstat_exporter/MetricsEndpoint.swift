import Collectors
import Exposition
import HTTPServer

/// Routes a request: the telemetry path becomes a scrape for the `ScrapeCoalescer`, in the format
/// and coding the client accepts; `/` is a small landing page; anything else is 404.
struct MetricsEndpoint: Sendable {
    /// What a request comes to: an answer now, or a scrape to be answered by a collection.
    enum Reply {
        case now(HTTPResponse)
        case scrape(ScrapeRequest)
    }

    let registry: CollectorRegistry
    let telemetryPath: String
    let coalescer: ScrapeCoalescer

    /// The endpoint and its coalescer, whose collections scrape `registry` and add the
    /// exporter's own metrics.
    init(registry: CollectorRegistry, telemetryPath: String, maxRequests: Int, memory: ResponseMemory,
         exporterMetrics: Bool) {
        self.registry = registry
        self.telemetryPath = telemetryPath
        coalescer = ScrapeCoalescer(limit: maxRequests, memory: memory) { filter, statistics in
            var metrics = registry.scrape(include: filter.includes)
            ServingMetrics.write(statistics, into: &metrics)
            if exporterMetrics { ProcessMetrics.collect(into: &metrics) }
            return metrics
        }
    }

    /// What a scrape can be answered in, in the order that wins a tie: text 0.0.4 first, as
    /// `Accept: */*` (curl, a browser) should get the classic format.
    static let formats: [(type: MediaType, contentType: String, encode: @Sendable (MetricSet) -> [UInt8])] = [
        (MediaType("text", "plain", parameters: ["version": "0.0.4"]), TextEncoder.contentType,
         { TextEncoder.encode($0) }),
        (MediaType("application", "openmetrics-text", parameters: ["version": "1.0.0"]),
         OpenMetricsEncoder.contentType, { OpenMetricsEncoder.encode($0) }),
    ]

    func respond(to request: HTTPRequest) -> Reply {
        let isRead = request.method == "GET" || request.method == "HEAD"
        switch request.path {
        case telemetryPath:
            guard isRead else { return .now(methodNotAllowed()) }
            return scrape(request)
        case "/":
            guard isRead else { return .now(methodNotAllowed()) }
            return .now(HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")],
                                     body: Array(landingPage.utf8)))
        default:
            return .now(.text(404, "404 page not found"))
        }
    }

    /// The 503 of a scrape beyond `--web.max-requests`.
    var tooManyRequests: HTTPResponse {
        .text(503, "too many concurrent scrapes (--web.max-requests=\(coalescer.limit)), try again later")
    }

    private func scrape(_ request: HTTPRequest) -> Reply {
        let filter: ScrapeFilter
        do {
            filter = try ScrapeFilter(request, enabled: registry.collectorNames)
        } catch {
            return .now(.text(400, error.description))
        }
        // A client that accepts none of our formats still gets text, as every exporter does.
        let format = AcceptHeader(request.header("Accept")).preferred(among: Self.formats.map(\.type)) ?? 0
        return .scrape(ScrapeRequest(filter: filter, format: format,
                                     gzip: AcceptEncoding(request.header("Accept-Encoding")).allows("gzip")))
    }

    private func methodNotAllowed() -> HTTPResponse {
        var response = HTTPResponse.text(405, "405 method not allowed")
        response.headers.append(("Allow", "GET, HEAD"))
        return response
    }

    private var landingPage: String {
        let path = htmlEscaped(telemetryPath)
        let collectors = registry.collectorNames.map { "<li>\(htmlEscaped($0))</li>" }.joined()
        return """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>netstat_exporter</title></head>
        <body><h1>netstat_exporter</h1>
        <p>Version \(ExporterOptions.version)</p>
        <p><a href="\(path)">Metrics</a></p>
        <h2>Enabled collectors</h2><ul>\(collectors)</ul>
        </body></html>

        """
    }

    private func htmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
