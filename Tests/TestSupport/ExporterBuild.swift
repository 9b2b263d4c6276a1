import Foundation

/// The two builds an end-to-end test can run: the debug binary beside the tests, and the
/// release binary users run (`make release`, which `make test` builds first, with the link
/// order and the static runtime). The functional suites that matter most run against both.
public enum ExporterBuild: String, CaseIterable, Sendable {
    case debug
    case release

    /// The binary's path; the release one is built here (in a scratch directory, since a running
    /// `swift test` holds .build) when `make test` has not built it.
    public func binary() throws -> String {
        switch self {
        case .debug: return RunningExporter.binary
        case .release: return try ExporterBuild.releaseBinary()
        }
    }

    private static let built = Fixtures.repositoryRoot.path + "/.build/release/netstat_exporter"

    /// The release binary `make test` built or, when it is missing, one built once by the
    /// Makefile (the same flags) in a scratch directory kept for the rest of the run.
    public static func releaseBinary() throws -> String {
        if FileManager.default.isExecutableFile(atPath: built) { return built }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("netstat-release-build")
        let binary = scratch.path + "/release/netstat_exporter"
        if FileManager.default.isExecutableFile(atPath: binary) { return binary }
        let build = try Shell.run(["make", "-C", Fixtures.repositoryRoot.path, "release", "SCRATCH=\(scratch.path)"],
                                  timeout: 1800)
        guard build.status == 0, FileManager.default.isExecutableFile(atPath: binary) else {
            throw ReleaseBuildFailed(description: "make release failed: \(build.stderr)")
        }
        return binary
    }

    struct ReleaseBuildFailed: Error, CustomStringConvertible {
        let description: String
    }
}
