import Foundation

/// A clean Debian bookworm root from `mmdebstrap --variant=minbase` (~15 s here), for the tests
/// that install the package or build a workload image.
public enum DebianRoot {
    static let unreachable = ["Temporary failure resolving", "Could not resolve", "Could not connect", "Failed to fetch",
                              "Network is unreachable", "Connection timed out", "apt-get update failed"]

    /// Writes the root with `packages` included to `target`: a directory, or a tarball when the
    /// name ends in .tar. Returns nil when it did, or the tail of mmdebstrap's errors when no
    /// Debian mirror answered (the caller cancels its test with it); throws on any other failure.
    public static func bootstrap(_ target: String, including packages: [String], timeout: Double = 240) throws -> String? {
        let result = try Shell.run(["mmdebstrap", "--quiet", "--variant=minbase", "--include=" + packages.joined(separator: ","),
                                    "bookworm", target], timeout: timeout)
        guard result.status != 0 else { return nil }
        if unreachable.contains(where: result.stderr.contains) {
            return result.stderr.split(separator: "\n").suffix(5).joined(separator: " | ")
        }
        throw Shell.Failure(description: "mmdebstrap --variant=minbase bookworm failed (\(result.status)): \(result.stderr)")
    }
}
