// swift-tools-version:6.0
// netstat_exporter: a Prometheus exporter for what netstat tells about a Linux host.
// The exporter's own targets link Glibc and C libraries only (no Foundation) to keep the
// idle RSS under 10 MB; test targets may use Foundation freely.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "netstat_exporter",
    products: [
        .executable(name: "netstat_exporter", targets: ["netstat_exporter"]),
    ],
    targets: [
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
        // setns(2) into a network namespace: one call Glibc hides behind _GNU_SOURCE.
        .target(name: "CNetNamespace"),
        .target(name: "ProcNet", dependencies: ["CNetNamespace"], swiftSettings: strict),
        .target(name: "SockDiag", dependencies: ["CSockDiag", "ProcNet"], swiftSettings: strict),
        .target(name: "Exposition", swiftSettings: strict),
        // The leveled logfmt/JSON logger every other target writes through.
        .target(name: "Logging", swiftSettings: strict),
        .target(name: "Collectors", dependencies: ["ProcNet", "SockDiag", "Exposition", "Logging"],
                swiftSettings: strict),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "CZlib", "Logging"], swiftSettings: strict),
        .target(name: "WebConfig", dependencies: ["CYAML", "CCrypt", "HTTPServer", "ProcNet"], swiftSettings: strict),
        .executableTarget(
            name: "netstat_exporter",
            dependencies: ["Collectors", "Exposition", "HTTPServer", "Logging", "ProcNet", "WebConfig"],
            swiftSettings: strict
        ),
        // Test-only helpers (fixture paths, running real tools); never linked into the exporter.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "ProcNetTests", dependencies: ["ProcNet", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition"], swiftSettings: strict),
        .testTarget(name: "LoggingTests", dependencies: ["Logging", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CollectorsTests", dependencies: ["Collectors", "Exposition", "Logging", "TestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "WebConfigTests", dependencies: ["WebConfig", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SockDiagTests", dependencies: ["SockDiag", "ProcNet", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ExporterTests", dependencies: ["netstat_exporter", "TestSupport"], swiftSettings: strict),
        // dashboards/: rule files, Alertmanager config and the Grafana dashboard, proven against
        // real promtool, amtool, Prometheus and Alertmanager scraping the built exporter.
        .testTarget(name: "DashboardTests", dependencies: ["TestSupport"], swiftSettings: strict),
    ]
)
