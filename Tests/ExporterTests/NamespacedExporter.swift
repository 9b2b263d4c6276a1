import Foundation
import TestSupport

/// The exporter (or systemd-socket-activate starting it) run inside a network namespace of its
/// own, so a test can use a fixed port and see exactly what the exporter writes to stderr, also
/// when a log level hides the "Listening on" line RunningExporter waits for. Stopping it kills
/// what is left and deletes the namespace.
final class NamespacedExporter {
    let namespace: TestNamespace
    let process = Process()
    private let stderrURL: URL

    /// Starts `command` (the exporter binary is `RunningExporter.binary`) in a new namespace
    /// named after `prefix`, under a shell that waits for it and exits with its status.
    ///
    /// The shell is there for Foundation: it learns that a child ended when a socket the child
    /// inherited closes, and then blocks in waitpid for it. systemd-socket-activate closes every
    /// inherited descriptor at start, so as a direct child it would look ended while it runs, and
    /// the blocked waitpid would stall every later Process of the test run.
    init(prefix: String, _ command: [String]) throws {
        namespace = try TestNamespace(prefix: prefix)
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "exec", namespace.name, "sh", "-c", "\"$@\"; exit $?", "sh"] + command
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Runs curl inside the namespace: `-w '%{http_code}'` prints the status after the body.
    func curl(_ arguments: [String]) throws -> Shell.Result {
        try namespace.run(["curl", "-sS", "-g", "--max-time", "10"] + arguments, timeout: 20)
    }

    /// Polls `url` until it answers with an HTTP status (any), for up to `timeout` seconds.
    func waitUntilServing(_ url: String, extra: [String] = [], timeout: Double = 20) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            let result = try curl(extra + ["-o", "/dev/null", "-w", "%{http_code}", url])
            if result.status == 0 { return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits until stderr contains `text`, up to `timeout` seconds.
    func waitForLog(_ text: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    /// The processes in the namespace but the shell: the exporter, or systemd-socket-activate
    /// until it execs the exporter.
    func commandPIDs() throws -> [pid_t] {
        try Shell.run(["ip", "netns", "pids", namespace.name]).stdout.split(separator: "\n")
            .compactMap { pid_t($0) }.filter { $0 != process.processIdentifier }
    }

    /// Their command names (`systemd-socket-`, `netstat_exporte`: the kernel keeps 15 characters).
    func processNames() throws -> [String] {
        try commandPIDs().compactMap { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Sends `signal` to the command (not to the shell, which waits for it).
    func send(_ signal: Int32) throws {
        for pid in try commandPIDs() { kill(pid, signal) }
    }

    /// SIGTERM, then waits up to `timeout` seconds for the exit; the exit status, or nil if it hung.
    @discardableResult
    func terminate(timeout: Double = 5) throws -> Int32? {
        try send(SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    func stop() {
        // Deleting the namespace kills everything in it, the shell too.
        namespace.delete()
        if process.isRunning { process.waitUntilExit() }
        try? FileManager.default.removeItem(at: stderrURL)
    }
}
