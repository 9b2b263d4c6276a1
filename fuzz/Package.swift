// swift-tools-version:6.0
// libFuzzer targets for the exporter's parsers (issue 9, part 1). A package of its own so the
// fuzzing build (-sanitize=fuzzer,address) never touches the main package's products: its
// ProcNet, SockDiag and the C shims are symlinks to the main package's sources, compiled here
// with the fuzzer's coverage instrumentation. Built and run by fuzz/run.sh (`make fuzz`).
import PackageDescription

let package = Package(
    name: "netstat_exporter_fuzz",
    targets: [
        .target(name: "CSockDiag"),
        .target(name: "CNetNamespace"),
        .target(name: "ProcNet", dependencies: ["CNetNamespace"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "SockDiag", dependencies: ["CSockDiag", "ProcNet"], swiftSettings: [.swiftLanguageMode(.v6)]),
        // One binary for every target (FUZZ_TARGET picks one): libFuzzer supplies `main`, so the
        // module has none and is parsed as a library.
        .executableTarget(
            name: "ParserFuzzer",
            dependencies: ["ProcNet", "SockDiag"],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
