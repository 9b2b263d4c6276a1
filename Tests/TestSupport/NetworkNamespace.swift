import Foundation

/// A network namespace made for one test (`ip netns add`, loopback up) and deleted afterwards,
/// so socket counts inside it are exact.
public final class NetworkNamespace: @unchecked Sendable {
    public let name: String
    private var children: [Process] = []

    public init(prefix: String = "nstest") throws {
        name = "\(prefix)\(getpid() % 100_000)\(Int.random(in: 1000...9999))"
        let added = try Shell.run(["ip", "netns", "add", name])
        guard added.status == 0 else { throw ExporterProcessError(message: "ip netns add: \(added.stderr)") }
        try run(["ip", "link", "set", "lo", "up"])
    }

    /// Runs a command inside the namespace to completion.
    @discardableResult
    public func run(_ arguments: [String], timeout: Double = 60) throws -> Shell.Result {
        try Shell.run(["ip", "netns", "exec", name] + arguments, timeout: timeout)
    }

    /// Starts `sockfarm.py` inside the namespace and waits for its "ready".
    public func startSockfarm(workers: Int, established: Int, closeWait: Int, port: Int) throws -> Process {
        let script = Fixtures.sharedRoot.deletingLastPathComponent().appendingPathComponent("tools/sockfarm.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", name, "python3", script, "--workers", "\(workers)",
                             "--established", "\(established)", "--close-wait", "\(closeWait)",
                             "--port", "\(port)", "--hold", "300"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        children.append(process)
        let line = output.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).hasPrefix("ready") else {
            throw ExporterProcessError(message: "sockfarm did not get ready")
        }
        return process
    }

    /// Kills every process in the namespace (sockfarm's forked workers too, which would
    /// otherwise hold it until their --hold runs out) and deletes it.
    public func delete() {
        let pids = (try? Shell.run(["ip", "netns", "pids", name]).stdout) ?? ""
        for pid in pids.split(separator: "\n").compactMap({ pid_t($0) }) where pid > 1 {
            kill(pid, SIGKILL)
        }
        for child in children {
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }
        children.removeAll()
        _ = try? Shell.run(["ip", "netns", "delete", name])
    }

    deinit { delete() }
}
