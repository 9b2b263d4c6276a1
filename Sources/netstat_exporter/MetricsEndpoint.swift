import Collectors
import Exposition
import HTTPServer

/// Routes a request: the telemetry path scrapes the registry and encodes the families; `/`
/// is a small landing page; anything else is 404.
struct MetricsEndpoint: Sendable {
    let registry: CollectorRegistry
    let telemetryPath: String

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let isRead = request.method == "GET" || request.method == "HEAD"
        switch request.path {
        case telemetryPath:
            guard isRead else { return methodNotAllowed() }
            let body = TextEncoder.encode(registry.scrape())
            return HTTPResponse(status: 200, headers: [("Content-Type", TextEncoder.contentType)], body: body)
        case "/":
            guard isRead else { return methodNotAllowed() }
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")],
                                body: Array(landingPage.utf8))
        default:
            return .text(404, "404 page not found")
        }
    }

    private func methodNotAllowed() -> HTTPResponse {
        var response = HTTPResponse.text(405, "405 method not allowed")
        response.headers.append(("Allow", "GET, HEAD"))
        return response
    }

    private var landingPage: String {
        """
        <!DOCTYPE html>
        <html><head><title>netstat_exporter</title></head>
        <body><h1>netstat_exporter \(ExporterOptions.version)</h1>
        <p><a href="\(telemetryPath)">Metrics</a></p>
        <p>Collectors: \(registry.collectorNames.joined(separator: ", "))</p>
        </body></html>

        """
    }
}
