import HTTPServer
import Logging
import Synchronization
import WebConfig

/// What stands before the endpoint: the web config's client-certificate policy and basic auth,
/// and its extra response headers. The config is swapped whole on reload, so a request sees
/// either the old or the new one, never a mix.
final class WebGate: Sendable {
    private struct InForce: Sendable {
        let config: WebConfig
        let authenticator: BasicAuthenticator
    }

    private let inForce: Mutex<InForce>
    private let endpoint: MetricsEndpoint

    init(config: WebConfig, endpoint: MetricsEndpoint) {
        inForce = Mutex(InForce(config: config, authenticator: BasicAuthenticator(users: config.users)))
        self.endpoint = endpoint
    }

    var config: WebConfig { inForce.withLock { $0.config } }

    func replace(_ config: WebConfig) {
        let next = InForce(config: config, authenticator: BasicAuthenticator(users: config.users))
        inForce.withLock { $0 = next }
    }

    /// Answers `request` through `responder`: a refusal or page at once, a scrape when the
    /// collection it waits for is done (the web config's headers go on every answer).
    func respond(to request: HTTPRequest, via responder: HTTPResponder) {
        let current = inForce.withLock { $0 }
        let headers = current.config.headers.map { (name: $0.name, value: $0.value) }
        var response: HTTPResponse
        if !current.config.clientAuth.admits(request.clientCertificate) {
            response = .text(403, "403 a valid client certificate is required")
        } else if !current.authenticator.authorizes(request.header("Authorization")) {
            response = .text(401, "401 unauthorized")
            response.headers.append(("WWW-Authenticate", "Basic realm=\"netstat_exporter\", charset=\"UTF-8\""))
        } else {
            switch endpoint.respond(to: request) {
            case .now(let page):
                response = page
            case .scrape(let scrape):
                let waiter = ScrapeCoalescer.Waiter(scrape: scrape, headers: headers, responder: responder,
                                                    address: request.clientAddress)
                if endpoint.coalescer.submit(waiter) { return }
                response = endpoint.tooManyRequests
            }
        }
        if response.status >= 400, Log.logger.isEnabled(.debug) {
            // Every refusal below the server (auth, bad filter, wrong method, busy, not found)
            // ends here with its reason as the body text.
            let reason = String(decoding: response.body.prefix(200), as: UTF8.self)
            Log.requestRefused(status: response.status, reason: String(reason.prefix { $0 != "\n" }),
                               method: request.method, path: request.path)
        }
        response.headers.append(contentsOf: headers)
        responder.respond(response)
    }
}
