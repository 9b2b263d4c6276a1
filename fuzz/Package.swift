// swift-tools-version:6.0
// libFuzzer targets for the exporter's parsers. A package of its own so the fuzzing build
// (-sanitize=fuzzer,address) never touches the main package's products. It links parsers
// only: ProcNet (a symlink to the main package's target: pure parsers and the file reader) and
// the sock_diag message decoder (a symlink to that one file of SockDiag, over the CSockDiag
// structs) and the ctnetlink statistics decoder (that one file of Conntrack, over CConntrack),
// compiled here with the fuzzer's coverage instrumentation. Built and run by
// fuzz/run.sh (`make fuzz`).
import PackageDescription

let package = Package(
    name: "netstat_exporter_fuzz",
    targets: [
        .target(name: "CSockDiag"),
        .target(name: "CConntrack"),
        .target(name: "ProcNet", swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "SockDiagMessages", dependencies: ["CSockDiag", "ProcNet"],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "ConntrackMessages", dependencies: ["CConntrack", "ProcNet"],
                swiftSettings: [.swiftLanguageMode(.v6)]),
        // One binary for every target (FUZZ_TARGET picks one): libFuzzer supplies `main`, so the
        // module has none and is parsed as a library.
        .executableTarget(
            name: "ParserFuzzer",
            dependencies: ["ProcNet", "SockDiagMessages", "ConntrackMessages"],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
