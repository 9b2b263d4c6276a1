import Collectors
import HTTPServer
import Logging
import Flags
import Namespaces
import ProcNet

/// The exporter's own flags (web and paths) beside every collector's, as `--help` lists them.
struct ExporterOptions {
    static let version = "0.1.0"

    static var swiftVersion: String {
        #if swift(>=6.4)
        "6.4"
        #elseif swift(>=6.3)
        "6.3"
        #elseif swift(>=6.2)
        "6.2"
        #elseif swift(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static let buildInfo = BuildInfo(version: version, swiftVersion: swiftVersion)

    static let generalFlags: [FlagDefinition] = [
        .repeatable("web.listen-address",
                    help: "Address on which to expose metrics (default \":10042\"); repeat for several."),
        .bool("web.systemd-socket", default: false,
              help: "Serve on the listening sockets systemd passes (socket activation) instead of "
                  + "--web.listen-address."),
        .value("web.telemetry-path", default: "/metrics", help: "Path under which to expose metrics."),
        .value("web.max-requests", default: "40",
               help: "Maximum number of scrape requests waiting for or being given a collection (concurrent "
                   + "scrapes share one); more get 503 at once, unless their address has none waiting. "
                   + "0 means no limit."),
        .value("web.max-response-memory", default: "16MiB",
               help: "Maximum bytes of answers held until their clients read them (one shared answer counts "
                   + "once); beyond it new requests get 503. As 16MiB or 512KiB; 0 means no limit."),
        .value("web.max-connections", default: "2048",
               help: "Maximum number of open HTTP connections; more wait in the listen backlog."),
        .value("web.max-connections-per-address", default: "64",
               help: "Maximum number of open HTTP connections from one client address; more are closed at once. 0 means no limit."),
        .value("web.read-timeout", default: "10s",
               help: "Deadline for a whole request to arrive (and for an idle keep-alive connection); as 500ms, 10s or 1m."),
        .bool("web.disable-exporter-metrics", default: false,
              help: "Exclude the exporter's own process_* metrics from the scrape."),
        .value("web.config.file", default: "",
               help: "Path to a web configuration file (TLS, basic auth, headers); re-read on SIGHUP."),
        .value("path.procfs", default: "/proc", help: "procfs mountpoint."),
        .value("path.sysfs", default: "/sys", help: "sysfs mountpoint."),
        .value("log.level", default: "info",
               help: "Only log messages with the given severity or above. One of: [debug, info, warn, error]"),
        .value("log.format", default: "logfmt", help: "Output format of log messages. One of: [logfmt, json]"),
    ]

    static var allFlags: [FlagDefinition] {
        generalFlags + NamespaceOptions.flags + [CollectorDescriptor.disableDefaultsFlag]
            + CollectorDescriptor.all.flatMap { [$0.enableFlag] + $0.flags }
    }

    /// `--log.level` and `--log.format`, read before every other flag so that the problems the
    /// others have are already written in the format asked for.
    static func logging(_ flags: FlagValues) throws(FlagError) -> (level: LogLevel, format: LogFormat) {
        let levelText = flags.string("log.level")
        guard let level = LogLevel(name: levelText) else {
            throw FlagError("--log.level: expected one of debug, info, warn, error, got \"\(levelText)\"")
        }
        let formatText = flags.string("log.format")
        guard let format = LogFormat(name: formatText) else {
            throw FlagError("--log.format: expected logfmt or json, got \"\(formatText)\"")
        }
        return (level, format)
    }

    let listenAddresses: [ListenAddress]
    /// `--web.systemd-socket`: listen on what systemd passes; `listenAddresses` are then unused.
    let systemdSocket: Bool
    let telemetryPath: String
    let maxRequests: Int
    /// `--web.max-response-memory`, in bytes.
    let maxResponseMemory: Int
    let httpLimits: HTTPServerLimits
    let exporterMetrics: Bool
    let webConfigFile: String?
    let paths: ProcPaths
    let flags: FlagValues

    init(_ flags: FlagValues) throws(FlagError) {
        let given = flags.strings("web.listen-address")
        var addresses: [ListenAddress] = []
        for text in given.isEmpty ? [":10042"] : given {
            do {
                addresses.append(try ListenAddress(parsing: text))
            } catch {
                throw FlagError("--web.listen-address: \(error)")
            }
        }
        listenAddresses = addresses
        systemdSocket = flags.bool("web.systemd-socket")
        maxRequests = try flags.integer("web.max-requests", in: 0...100_000)
        maxResponseMemory = try ByteSizeFlag.bytes(flags.string("web.max-response-memory"), flag: "web.max-response-memory",
                                                   in: 0...(1 << 40))
        httpLimits = HTTPServerLimits(
            maxConnections: try flags.integer("web.max-connections", in: 1...1_000_000),
            maxConnectionsPerAddress: try flags.integer("web.max-connections-per-address", in: 0...1_000_000),
            readTimeoutSeconds: try DurationFlag.seconds(flags.string("web.read-timeout"), flag: "web.read-timeout",
                                                         in: 0.1...3600))
        exporterMetrics = !flags.bool("web.disable-exporter-metrics")
        let configFile = flags.string("web.config.file")
        webConfigFile = configFile.isEmpty ? nil : configFile
        telemetryPath = flags.string("web.telemetry-path")
        guard telemetryPath.hasPrefix("/") else {
            throw FlagError("--web.telemetry-path: must start with /, got \"\(telemetryPath)\"")
        }
        paths = ProcPaths(procfs: flags.string("path.procfs"), sysfs: flags.string("path.sysfs"))
        self.flags = flags
    }
}
