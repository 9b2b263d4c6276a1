import Foundation

/// The exporter (or systemd-socket-activate starting it) run inside a network namespace of its
/// own, so a test can use a fixed port and see exactly what the exporter writes to stderr, also
/// when a log level hides the "Listening on" line RunningExporter waits for. Stopping it kills
/// what is left and deletes the namespace.
public final class NamespacedExporter {
    public let namespace: TestNamespace
    public let process: ChildProcess

    /// Starts `command` (the exporter binary is `RunningExporter.binary`) in a new namespace
    /// named after `prefix`, stderr to a file; `ip netns exec` execs it, so the process is the
    /// command itself.
    public init(prefix: String, _ command: [String]) throws {
        namespace = try TestNamespace(prefix: prefix)
        process = try ChildProcess(["ip", "netns", "exec", namespace.name] + command,
                                   stderr: namespace.logURL("stderr").path)
    }

    deinit { stop() }

    public var stderr: String { namespace.log("stderr") }

    /// Runs curl inside the namespace: `-w '%{http_code}'` prints the status after the body.
    public func curl(_ arguments: [String]) throws -> Shell.Result {
        try namespace.run(["curl", "-sS", "-g", "--max-time", "10"] + arguments, timeout: 20)
    }

    /// Polls `url` until it answers with an HTTP status (any), for up to `timeout` seconds.
    public func waitUntilServing(_ url: String, extra: [String] = [], timeout: Double = 20) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            let result = try curl(extra + ["-o", "/dev/null", "-w", "%{http_code}", url])
            if result.status == 0 { return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits until stderr contains `text`, up to `timeout` seconds.
    public func waitForLog(_ text: String, timeout: Double = 10) -> Bool {
        waitUntil(timeout: timeout, interval: 0.02) { stderr.contains(text) }
    }

    /// The processes in the namespace: the exporter, or systemd-socket-activate until it execs
    /// the exporter.
    public func commandPIDs() throws -> [pid_t] {
        try Shell.run(["ip", "netns", "pids", namespace.name]).stdout.split(separator: "\n").compactMap { pid_t($0) }
    }

    /// Their command names (`systemd-socket-`, `netstat_exporte`: the kernel keeps 15 characters).
    public func processNames() throws -> [String] {
        try commandPIDs().compactMap { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Sends `signal` to the command.
    public func send(_ signal: Int32) throws {
        for pid in try commandPIDs() { kill(pid, signal) }
    }

    /// SIGTERM, then waits up to `timeout` seconds for the exit; the exit status, or nil if it hung.
    @discardableResult
    public func terminate(timeout: Double = 5) throws -> Int32? {
        try send(SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    public func stop() {
        // Deleting the namespace kills everything in it.
        namespace.delete()
        process.stop(grace: 0)
    }
}
