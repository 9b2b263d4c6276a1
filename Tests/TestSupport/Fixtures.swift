import Foundation

/// Locates the repository and its fixtures (`Tests/Fixtures`: real /proc captures, provenance in
/// Tests/Fixtures/README.md).
public enum Fixtures {
    /// The repository root, found from this file's path (Tests/TestSupport/Fixtures.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Fixtures` in the repository.
    public static let root: URL = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// A path under the fixtures, e.g. `path("procfs/proc/net/tcp")`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    /// The bytes of a fixture file, e.g. `bytes("procfs/proc/net/tcp")`.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    /// A path anywhere in the repository (Tests/Golden, dashboards/ …).
    public static func repository(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent(relative).path
    }

    /// A fresh temporary directory, removed by the caller with `removeTemporary`.
    public static func temporaryDirectory(_ prefix: String = "netstat-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `relative` under `directory`, creating folders.
    public static func write(_ text: String, to relative: String, in directory: URL) throws {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
