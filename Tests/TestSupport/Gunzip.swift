import Foundation

extension Shell {
    /// What gzip(1) makes of `compressed`: the reference decoder for our gzip bodies.
    public static func gunzip(_ compressed: Data) throws -> Result {
        let directory = try Fixtures.temporaryDirectory("gunzip")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("body.gz")
        try compressed.write(to: file)
        return try run(["gzip", "-dc", file.path])
    }
}
