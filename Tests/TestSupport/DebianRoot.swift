import Foundation
import Testing

/// A clean Debian bookworm root from `mmdebstrap --variant=minbase` (~15 s here), for the tests
/// that install the package or build a workload image. Without a reachable Debian mirror the
/// calling test is cancelled with that reason; any other failure throws.
public enum DebianRoot {
    static let unreachable = ["Temporary failure resolving", "Could not resolve", "Could not connect", "Failed to fetch",
                              "Network is unreachable", "Connection timed out", "apt-get update failed"]

    /// Writes the root with `packages` included to `target`: a directory, or a tarball when the
    /// name ends in .tar. `purpose` finishes the cancel message ("so no …").
    public static func bootstrap(_ target: String, including packages: [String], purpose: String,
                                 timeout: Double = 240) throws {
        let result = try Shell.run(["mmdebstrap", "--quiet", "--variant=minbase", "--include=" + packages.joined(separator: ","),
                                    "bookworm", target], timeout: timeout)
        guard result.status != 0 else { return }
        if unreachable.contains(where: result.stderr.contains) {
            let tail = result.stderr.split(separator: "\n").suffix(5).joined(separator: " | ")
            try Test.cancel("mmdebstrap could not reach a Debian mirror, so \(purpose): \(tail)")
        }
        throw Shell.Failure(description: "mmdebstrap --variant=minbase bookworm failed (\(result.status)): \(result.stderr)")
    }
}
