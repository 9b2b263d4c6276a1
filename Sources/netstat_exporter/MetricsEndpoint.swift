import Collectors
import Exposition
import HTTPServer

/// Routes a request: the telemetry path scrapes the registry and encodes the families in the
/// format and coding the client accepts; `/` is a small landing page; anything else is 404.
struct MetricsEndpoint: Sendable {
    let registry: CollectorRegistry
    let telemetryPath: String
    let limiter: ScrapeLimiter
    let exporterMetrics: Bool

    /// What a scrape can be answered in, in the order that wins a tie: text 0.0.4 first, as
    /// `Accept: */*` (curl, a browser) should get the classic format.
    static let formats: [(type: MediaType, contentType: String, encode: @Sendable (MetricSet) -> [UInt8])] = [
        (MediaType("text", "plain", parameters: ["version": "0.0.4"]), TextEncoder.contentType,
         { TextEncoder.encode($0) }),
        (MediaType("application", "openmetrics-text", parameters: ["version": "1.0.0"]),
         OpenMetricsEncoder.contentType, { OpenMetricsEncoder.encode($0) }),
    ]

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let isRead = request.method == "GET" || request.method == "HEAD"
        switch request.path {
        case telemetryPath:
            guard isRead else { return methodNotAllowed() }
            return scrape(request)
        case "/":
            guard isRead else { return methodNotAllowed() }
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")],
                                body: Array(landingPage.utf8))
        default:
            return .text(404, "404 page not found")
        }
    }

    private func scrape(_ request: HTTPRequest) -> HTTPResponse {
        let filter: ScrapeFilter
        do {
            filter = try ScrapeFilter(request, enabled: registry.collectorNames)
        } catch {
            return .text(400, error.description)
        }
        let formats = MetricsEndpoint.formats
        // A client that accepts none of our formats still gets text, as every exporter does.
        let format = formats[AcceptHeader(request.header("Accept")).preferred(among: formats.map(\.type)) ?? 0]
        let scraped: [UInt8]? = limiter.run {
            var metrics = registry.scrape(include: filter.includes)
            if exporterMetrics { ProcessMetrics.collect(into: &metrics) }
            return format.encode(metrics)
        }
        guard let body = scraped else {
            return .text(503, "too many concurrent scrapes (--web.max-requests=\(limiter.limit)), try again later")
        }
        var response = HTTPResponse(status: 200, headers: [("Content-Type", format.contentType),
                                                           ("Vary", "Accept, Accept-Encoding")], body: body)
        if AcceptEncoding(request.header("Accept-Encoding")).allows("gzip"), let compressed = Gzip.compress(body) {
            response.body = compressed
            response.headers.append(("Content-Encoding", "gzip"))
        }
        return response
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
