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
HTTPServer.returnLargeAllocationsWhenFreed()

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
    // Connections beyond max-requests must still reach the handler to be told 503.
    let connectionLimit = UInt32(options.maxRequests == 0 ? 1024 : options.maxRequests + 64)
    var servers: [HTTPServer] = []
    for address in options.listenAddresses {
        do {
            servers.append(try HTTPServer(address: address, connectionLimit: connectionLimit, tls: webConfig.tls) {
                gate.respond(to: $0)
            })
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
        for server in servers { server.stop() }
        exit(0)
    }
}
