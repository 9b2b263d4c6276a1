// swift-tools-version:6.0
// netstat_exporter: a Prometheus exporter for what netstat tells about a Linux host.
//
// One target per layer (CONTRIBUTING.md, "Layout"); each may use only the ones listed before it.
// The exporter's own targets link Glibc and C libraries only (no Foundation) to keep the idle
// RSS low; test targets may use Foundation freely.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "netstat_exporter",
    products: [
        .executable(name: "netstat_exporter", targets: ["netstat_exporter"]),
    ],
    targets: [
        // C shims: system libraries through pkg-config, and two small C files of our own.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev", "libgnutls28-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCrypt", pkgConfig: "libxcrypt", providers: [.apt(["libcrypt-dev"])]),
        // Netlink sock_diag structs and syscalls, in one small C file.
        .target(name: "CSockDiag"),
        // Netlink NETLINK_NETFILTER requests for ctnetlink's statistics, in one small C file.
        .target(name: "CConntrack"),
        // setns(2) into a network namespace: one call Glibc hides behind _GNU_SOURCE.
        .target(name: "CNetNamespace"),
        // mallopt(3): glibc's allocator tuning, which the Glibc module does not import.
        .target(name: "CMalloc"),
        // argv saved by an ELF constructor: CommandLine.arguments reads /proc/self/cmdline.
        .target(name: "CProcessArguments"),

        // Pure parsers of /proc formats (bytes in, values out) and the one file reader.
        .target(name: "ProcNet", swiftSettings: strict),
        // The one POSIX thread helper and the condition lock.
        .target(name: "Threads", swiftSettings: strict),
        // Socket inode → owning process: the fd-table cache and the threads that keep it.
        .target(name: "SocketOwners", dependencies: ["ProcNet", "Threads"], swiftSettings: strict),
        // Netlink sock_diag dumps in safe Swift.
        .target(name: "SockDiag", dependencies: ["CSockDiag", "ProcNet", "Threads"], swiftSettings: strict),
        // ctnetlink's connection-tracking statistics in safe Swift.
        .target(name: "Conntrack", dependencies: ["CConntrack", "ProcNet"], swiftSettings: strict),
        // Metric families, their declarations and the two text encoders.
        .target(name: "Exposition", swiftSettings: strict),
        // Command-line flags: definitions, parser, values, name filters.
        .target(name: "Flags", swiftSettings: strict),
        // The leveled logfmt/JSON logger every other target writes through, and its rate limit.
        .target(name: "Logging", swiftSettings: strict),
        // The network namespace a collector reads, and the --netns.all mode.
        .target(name: "Namespaces", dependencies: ["CNetNamespace", "ProcNet", "Exposition", "Flags", "Logging"],
                swiftSettings: strict),
        // The Collector protocol, the scrape that runs collectors over namespaces, and the collectors.
        .target(name: "Collectors",
                dependencies: ["ProcNet", "SocketOwners", "SockDiag", "Conntrack", "Namespaces", "Exposition", "Flags", "Logging", "Threads"],
                swiftSettings: strict),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "CZlib", "Logging", "Threads"], swiftSettings: strict),
        .target(name: "WebConfig", dependencies: ["CYAML", "CCrypt", "HTTPServer", "ProcNet"], swiftSettings: strict),
        .executableTarget(
            name: "netstat_exporter",
            dependencies: ["CMalloc", "CProcessArguments", "Collectors", "Exposition", "Flags", "HTTPServer", "Logging",
                           "Namespaces", "ProcNet", "WebConfig"],
            swiftSettings: strict
        ),

        // Test-only helpers (fixture paths, running real tools); never linked into the exporter.
        .target(name: "TestSupport", dependencies: ["Logging"], path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "ProcNetTests", dependencies: ["ProcNet", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SocketOwnersTests", dependencies: ["SocketOwners", "ProcNet", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "SockDiagTests", dependencies: ["SockDiag", "ProcNet", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ConntrackTests", dependencies: ["Conntrack", "ProcNet", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition"], swiftSettings: strict),
        .testTarget(name: "FlagsTests", dependencies: ["Flags"], swiftSettings: strict),
        .testTarget(name: "LoggingTests", dependencies: ["Logging", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "NamespacesTests", dependencies: ["Namespaces", "Exposition", "ProcNet", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "CollectorsTests",
                    dependencies: ["CMalloc", "Collectors", "Exposition", "Flags", "Logging", "Namespaces", "ProcNet",
                                   "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "WebConfigTests", dependencies: ["WebConfig", "TestSupport"], swiftSettings: strict),
        // End to end: the built exporter, run as users run it.
        .testTarget(name: "ExporterTests", dependencies: ["netstat_exporter", "TestSupport"], swiftSettings: strict),
        // dashboards/: rule files, Alertmanager config and the Grafana dashboard, proven against
        // real promtool, amtool, Prometheus and Alertmanager scraping the built exporter.
        .testTarget(name: "DashboardTests", dependencies: ["TestSupport"], swiftSettings: strict),
    ]
)
