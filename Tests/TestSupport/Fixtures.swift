import Foundation

/// Locates the repository and the shared fixtures (`../shared/fixtures` beside the checkout).
public enum Fixtures {
    /// The repository root, found from this file's path (Tests/TestSupport/Fixtures.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/fixtures` relative to the repository root.
    public static let sharedRoot: URL = repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/fixtures")

    /// A path under the shared fixtures, e.g. `shared("procfs/proc/net/tcp")`.
    public static func shared(_ relative: String) -> String {
        sharedRoot.appendingPathComponent(relative).path
    }

    /// The bytes of a shared fixture file.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: sharedRoot.appendingPathComponent(relative)))
    }

    /// A path under this repository's own test data (Tests/Golden …).
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
