import Foundation

/// A network namespace made for one test (`ip netns add`, loopback up) and deleted afterwards,
/// so socket counts inside it are exact.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String

    public init(prefix: String = "nstest") throws {
        name = "\(prefix)\(getpid() % 100_000)\(Int.random(in: 100_000...999_999))"
        let added = try Shell.run(["ip", "netns", "add", name])
        guard added.status == 0 else { throw NamespaceError(description: "ip netns add: \(added.stderr)") }
        try run(["ip", "link", "set", "lo", "up"])
    }

    /// Runs a command inside the namespace to completion.
    @discardableResult
    public func run(_ arguments: [String], timeout: Double = 60) throws -> Shell.Result {
        try Shell.run(["ip", "netns", "exec", name] + arguments, timeout: timeout)
    }

    /// Kills every process in the namespace (forked children too, which the parent's owner may
    /// not know of) and deletes it; safe to call twice.
    public func delete() {
        let pids = (try? Shell.run(["ip", "netns", "pids", name]).stdout) ?? ""
        for pid in pids.split(separator: "\n").compactMap({ pid_t($0) }) where pid > 1 {
            kill(pid, SIGKILL)
        }
        _ = try? Shell.run(["ip", "netns", "delete", name])
    }

    deinit { delete() }
}

public struct NamespaceError: Error, CustomStringConvertible {
    public let description: String
}
