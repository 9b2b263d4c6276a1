#if canImport(Glibc)
import Glibc
#endif
import Collectors
import HTTPServer
import WebConfig

/// Writes a line to stderr and exits non-zero: bad flags and start-up failures end here,
/// with one line naming the problem and no stack trace.
func exitWithError(_ message: String) -> Never {
    RateLimitedLog.writeLine(message)
    exit(1)
}

// A parent may have blocked signals (some process supervisors and test runners do, and the
// mask is inherited across exec): unblock them so SIGTERM and SIGINT stop the exporter.
var unblocked = sigset_t()
sigemptyset(&unblocked)
sigprocmask(SIG_SETMASK, &unblocked, nil)
HTTPServer.useOneMallocArena()

let outcome: FlagParser.Outcome
do {
    outcome = try FlagParser.parse(Array(CommandLine.arguments.dropFirst()), definitions: ExporterOptions.allFlags)
} catch {
    exitWithError(error.description)
}

switch outcome {
case .help:
    print(FlagParser.usage(ExporterOptions.allFlags,
                           summary: "usage: netstat_exporter [<flags>]\n\nA Prometheus exporter for what netstat tells about a Linux host."))
    exit(0)
case .version:
    print("netstat_exporter, version \(ExporterOptions.version) (Swift \(ExporterOptions.swiftVersion))")
    exit(0)
case .run(let flags):
    let options: ExporterOptions
    let registry: CollectorRegistry
    do {
        options = try ExporterOptions(flags)
        registry = try CollectorRegistry(flags: flags, paths: options.paths, buildInfo: ExporterOptions.buildInfo)
    } catch {
        exitWithError(error.description)
    }
    // Signals are taken synchronously by the main thread; every server thread inherits the mask.
    var handled = sigset_t()
    sigemptyset(&handled)
    for signal in [SIGHUP, SIGINT, SIGTERM] { sigaddset(&handled, signal) }
    pthread_sigmask(SIG_BLOCK, &handled, nil)
    signal(SIGPIPE, SIG_IGN)

    var webConfig = WebConfig()
    if let path = options.webConfigFile {
        do {
            webConfig = try WebConfig.load(path)
        } catch {
            exitWithError("--web.config.file=\(path): \(error)")
        }
    }
    let endpoint = MetricsEndpoint(registry: registry, telemetryPath: options.telemetryPath,
                                   limiter: ScrapeLimiter(limit: options.maxRequests),
                                   exporterMetrics: options.exporterMetrics)
    let gate = WebGate(config: webConfig, endpoint: endpoint)
    // Handlers run on workers, not on the polling thread. Scrapes beyond max-requests are
    // answered 503 at once, so max-requests workers are the most that can be busy scraping; a
    // few more keep the landing page, 401s and 503s quick meanwhile.
    let workers = WorkerPool(maxThreads: options.maxRequests == 0 ? 64 : options.maxRequests + 4)
    var limits = options.httpLimits
    let softFileLimit = FileDescriptorLimit.raiseSoftLimit()
    let fitting = FileDescriptorLimit.connectionsThatFit(limits.maxConnections, softLimit: softFileLimit)
    if fitting < limits.maxConnections {
        RateLimitedLog.writeLine("--web.max-connections=\(limits.maxConnections) does not fit the open-file limit "
                                 + "\(softFileLimit); using \(fitting)")
        limits.maxConnections = fitting
    }
    let httpErrors = HTTPErrorLog()
    var servers: [HTTPServer] = []
    for address in options.listenAddresses {
        do {
            servers.append(try HTTPServer(address: address, limits: limits, workers: workers, tls: webConfig.tls,
                                          log: { httpErrors.log(format: $0, line: $1) }) { gate.respond(to: $0) })
        } catch {
            exitWithError(error.description)
        }
    }
    let collectors = registry.collectorNames.joined(separator: ",")
    for server in servers {
        let shown = ListenAddress(host: server.address.host, port: server.boundPort)
        RateLimitedLog.writeInfo("Listening on address=\(shown) collectors=\(collectors) tls=\(server.tls != nil)")
    }
    while true {
        var received: Int32 = 0
        guard sigwait(&handled, &received) == 0 else { continue }
        if received == SIGHUP {
            reloadWebConfig(options.webConfigFile, gate: gate, servers: &servers)
            continue
        }
        RateLimitedLog.writeInfo("Shutting down on signal \(received)")
        shutDown(servers, graceSeconds: 5)
        exit(0)
    }
}
