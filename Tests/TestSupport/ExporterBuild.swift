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

    /// The release binary `make test` built or, when it is missing, one built by the Makefile
    /// (the same flags) in a scratch directory of this checkout's own, once per test run: make
    /// is incremental, so a binary left there by an earlier run is brought up to date first.
    public static func releaseBinary() throws -> String {
        if FileManager.default.isExecutableFile(atPath: built) { return built }
        return try scratchBuild.get()
    }

    private static let scratchBuild = Result<String, Error> {
        let root = Fixtures.repositoryRoot.path
        let scratch = root + "/.build-release-for-tests"
        let build = try Shell.run(["make", "-C", root, "release", "SCRATCH=\(scratch)"], timeout: 1800)
        let binary = scratch + "/release/netstat_exporter"
        guard build.status == 0, FileManager.default.isExecutableFile(atPath: binary) else {
            throw ReleaseBuildFailed(description: "make release failed: \(build.stderr)")
        }
        return binary
    }

    struct ReleaseBuildFailed: Error, CustomStringConvertible {
        let description: String
    }
}
