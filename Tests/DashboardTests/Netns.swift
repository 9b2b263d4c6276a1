import Foundation
import TestSupport

/// A network namespace of the test's own (loopback up) with a temporary directory, in which the
/// test starts long-running programs. `stop()` ends every one of them, deletes the namespace
/// and the directory; call it in a `defer`.
final class Netns {
    let namespace: TestNamespace
    let directory: URL
    private var started: [(label: String, process: SpawnedProcess)] = []
    private var stopped = false

    var name: String { namespace.name }

    init(prefix: String) throws {
        namespace = try TestNamespace(prefix: prefix)
        do {
            directory = try Fixtures.temporaryDirectory(prefix)
        } catch {
            namespace.delete()
            throw error
        }
    }

    /// Runs a command inside the namespace to completion.
    @discardableResult
    func run(_ arguments: [String], timeout: Double = 30) throws -> Shell.Result {
        try namespace.run(arguments, timeout: timeout)
    }

    /// Starts a long-running command inside the namespace, stdout and stderr to `<label>.log`.
    /// `ip netns exec` execs the command, so the process is the program itself.
    @discardableResult
    func start(_ label: String, _ arguments: [String]) throws -> SpawnedProcess {
        let process = try SpawnedProcess(["ip", "netns", "exec", name] + arguments, log: logURL(label).path)
        started.append((label, process))
        return process
    }

    func logURL(_ label: String) -> URL { directory.appendingPathComponent("\(label).log") }

    func log(_ label: String) -> String {
        (try? String(contentsOf: logURL(label), encoding: .utf8)) ?? ""
    }

    /// The last lines of every program's log, for a failure message.
    func logTails() -> String {
        started.map { entry in
            let lines = log(entry.label).split(separator: "\n").suffix(15).joined(separator: "\n")
            return "--- \(entry.label) (running: \(entry.process.isRunning)):\n\(lines)"
        }.joined(separator: "\n")
    }

    /// GET (or a form as query string) inside the namespace with curl; the body, whatever the status.
    func httpGet(_ url: String, form: [(String, String)] = []) throws -> String {
        var arguments = ["curl", "-sS", "--max-time", "10", "-G"]
        for (key, value) in form { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        let result = try run(arguments + [url], timeout: 15)
        guard result.status == 0 else { throw LabError.command("curl \(url)", result.stderr) }
        return result.stdout
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        for entry in started.reversed() { entry.process.stop() }
        namespace.delete()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    static func require(_ result: Shell.Result, _ what: String) throws {
        guard result.status == 0 else { throw LabError.command(what, result.stderr) }
    }
}

enum LabError: Error, CustomStringConvertible {
    case command(String, String)
    case timeout(String)
    case badResponse(String)

    var description: String {
        switch self {
        case .command(let what, let stderr): "\(what) failed: \(stderr)"
        case .timeout(let what): "timed out waiting for \(what)"
        case .badResponse(let body): "unexpected response: \(body.prefix(500))"
        }
    }
}

/// Polls `condition` every `interval` seconds until it holds or `timeout` seconds pass.
func waitUntil(timeout: Double, interval: Double = 0.2, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(UInt32(interval * 1_000_000))
    }
    return try condition()
}
