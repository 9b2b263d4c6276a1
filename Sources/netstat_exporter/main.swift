#if canImport(Glibc)
import Glibc
#endif
import Collectors
import HTTPServer

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
    let endpoint = MetricsEndpoint(registry: registry, telemetryPath: options.telemetryPath)
    let server: HTTPServer
    do {
        server = try HTTPServer(address: options.listenAddress) { endpoint.respond(to: $0) }
    } catch {
        exitWithError(error.description)
    }
    let shown = ListenAddress(host: options.listenAddress.host, port: server.boundPort)
    RateLimitedLog.writeInfo("Listening on address=\(shown) collectors=\(registry.collectorNames.joined(separator: ","))")
    signal(SIGPIPE, SIG_IGN)
    while true { pause() }
}
