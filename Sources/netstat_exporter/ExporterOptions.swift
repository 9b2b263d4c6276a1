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
        .value("web.listen-address", default: ":10042", help: "Address on which to expose metrics."),
        .value("web.telemetry-path", default: "/metrics", help: "Path under which to expose metrics."),
        .value("path.procfs", default: "/proc", help: "procfs mountpoint."),
        .value("path.sysfs", default: "/sys", help: "sysfs mountpoint."),
    ]

    static var allFlags: [FlagDefinition] {
        generalFlags + CollectorDescriptor.all.flatMap { [$0.enableFlag] + $0.flags }
    }

    let listenAddress: ListenAddress
    let telemetryPath: String
    let paths: ProcPaths
    let flags: FlagValues

    init(_ flags: FlagValues) throws(FlagError) {
        do {
            listenAddress = try ListenAddress(parsing: flags.string("web.listen-address"))
        } catch {
            throw FlagError("--web.listen-address: \(error)")
        }
        telemetryPath = flags.string("web.telemetry-path")
        guard telemetryPath.hasPrefix("/") else {
            throw FlagError("--web.telemetry-path: must start with /, got \"\(telemetryPath)\"")
        }
        paths = ProcPaths(procfs: flags.string("path.procfs"), sysfs: flags.string("path.sysfs"))
        self.flags = flags
    }
}
