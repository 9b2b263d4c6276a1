#if canImport(Glibc)
import Glibc
#endif
import Collectors
import HTTPServer
import Logging
import WebConfig
import Flags

/// Writes an error line and exits non-zero: bad flags and start-up failures end here, with one
/// line naming the problem and no stack trace.
func exitWithError(_ message: String, file: String = #fileID, line: Int = #line) -> Never {
    Log.error(message, file: file, line: line)
    exit(1)
}

// A parent may have blocked signals (some process supervisors and test runners do, and the
// mask is inherited across exec): unblock them so SIGTERM and SIGINT stop the exporter.
var unblocked = sigset_t()
sigemptyset(&unblocked)
sigprocmask(SIG_SETMASK, &unblocked, nil)
MallocTuning.apply()

// argv as the kernel passed it: CommandLine.arguments would be empty without /proc.
guard let arguments = ProcessArguments.flags() else {
    exitWithError("Cannot read the command line: no saved argv and /proc/self/cmdline is unreadable (is /proc mounted?)")
}
let outcome: FlagParser.Outcome
do {
    outcome = try FlagParser.parse(arguments, definitions: ExporterOptions.allFlags)
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
        let logging = try ExporterOptions.logging(flags)
        Log.logger.configure(level: logging.level, format: logging.format)
        options = try ExporterOptions(flags)
        registry = try CollectorRegistry(flags: flags, paths: options.paths, buildInfo: ExporterOptions.buildInfo)
    } catch {
        exitWithError(error.description)
    }
    if let problem = LiveProcfs.startupError(options.paths) { exitWithError(problem) }
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
    let memory = ResponseMemory(limit: options.maxResponseMemory)
    let endpoint = MetricsEndpoint(registry: registry, telemetryPath: options.telemetryPath,
                                   maxRequests: options.maxRequests, memory: memory,
                                   exporterMetrics: options.exporterMetrics)
    let gate = WebGate(config: webConfig, endpoint: endpoint)
    // Handlers run on workers, not on the polling thread. A scrape waits for its collection
    // holding no thread, and one collection runs at a time, so one worker collects and the
    // others keep the landing page, refusals and bcrypt checks of basic auth quick meanwhile.
    let workers = WorkerPool(maxThreads: 4)
    var limits = options.httpLimits
    let softFileLimit = FileDescriptorLimit.raiseSoftLimit()
    let fitting = FileDescriptorLimit.connectionsThatFit(limits.maxConnections, softLimit: softFileLimit)
    if fitting < limits.maxConnections {
        Log.warn("--web.max-connections=\(limits.maxConnections) does not fit the open-file limit "
                 + "\(softFileLimit); using \(fitting)")
        limits.maxConnections = fitting
    }
    let httpErrors = HTTPErrorLog()
    var servers: [HTTPServer]
    do {
        servers = try startServers(options, limits: limits, workers: workers, memory: memory, tls: webConfig.tls,
                                   log: { httpErrors.log(format: $0, line: $1) }) {
            gate.respond(to: $0, via: $1)
        }
    } catch {
        exitWithError(error.description)
    }
    // Logged once the listeners are up, so a start that fails writes only its one error line.
    Log.info("Starting netstat_exporter", ["version": ExporterOptions.version,
                                            "swift_version": ExporterOptions.swiftVersion])
    if registry.collectorNames.isEmpty {
        Log.warn("No collectors enabled: the scrape has only the exporter's own metrics")
    } else {
        Log.info("Enabled collectors", ["collectors": registry.collectorNames.joined(separator: ",")])
    }
    if registry.collectorNames.contains("sockets"),
       let warning = AttributionCapabilities.startupWarning(paths: options.paths) {
        Log.info(warning)
    }
    // --netns.all was asked for: what it will miss is a warning, not the deployment choice
    // running without attribution's capabilities can be.
    if let warning = registry.namespaces?.startupWarning {
        Log.warn(warning)
    }
    for server in servers {
        let shown = ListenAddress(host: server.address.host, port: server.boundPort)
        Log.info("Listening on", ["address": shown, "tls": server.tls != nil])
    }
    while true {
        var wait = timespec(tv_sec: 2, tv_nsec: 0)
        let received = sigtimedwait(&handled, nil, &wait)
        guard received > 0 else {
            // No signal for two seconds (or an interruption): the thread's housekeeping.
            MallocTuning.returnFreeMemory()
            continue
        }
        if received == SIGHUP {
            reloadWebConfig(options.webConfigFile, gate: gate, servers: &servers)
            continue
        }
        Log.info("Shutting down on signal \(received)")
        shutDown(servers, graceSeconds: 5)
        exit(0)
    }
}
