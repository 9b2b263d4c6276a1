import Collectors
import HTTPServer
import Logging

/// SIGTERM and SIGINT: stop accepting on every listener, let the scrapes in flight finish and be
/// sent (up to `graceSeconds` in all, as a Prometheus scrape timeout is ~10 s and a supervisor's
/// stop timeout longer), then close everything. Requests still running then get 503.
func shutDown(_ servers: [HTTPServer], graceSeconds: Double) {
    for server in servers { server.stopAccepting() }
    let deadline = ContinuousClock.now + .milliseconds(Int64(graceSeconds * 1000))
    for server in servers {
        if !server.drain(until: deadline) {
            Log.warn("Shutting down with requests still running after \(graceSeconds)s; they get 503")
        }
    }
    for server in servers { server.stop() }
}
