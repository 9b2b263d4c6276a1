import Collectors
import HTTPServer

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
        .value("web.telemetry-path", default: "/metrics", help: "Path under which to expose metrics."),
        .value("web.max-requests", default: "40",
               help: "Maximum number of parallel scrape requests; more get 503 at once. 0 means no limit."),
        .bool("web.disable-exporter-metrics", default: false,
              help: "Exclude the exporter's own process_* metrics from the scrape."),
        .value("web.config.file", default: "",
               help: "Path to a web configuration file (TLS, basic auth, headers); re-read on SIGHUP."),
        .value("path.procfs", default: "/proc", help: "procfs mountpoint."),
        .value("path.sysfs", default: "/sys", help: "sysfs mountpoint."),
    ]

    static var allFlags: [FlagDefinition] {
        generalFlags + NamespaceOptions.flags + CollectorDescriptor.all.flatMap { [$0.enableFlag] + $0.flags }
    }

    let listenAddresses: [ListenAddress]
    let telemetryPath: String
    let maxRequests: Int
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
        maxRequests = try flags.integer("web.max-requests", in: 0...100_000)
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
