import Foundation

/// A running netstat_exporter binary, started for a test and stopped by `stop()`.
///
/// It is started on port 0 and the bound port is read from its "Listening on" log line, so
/// tests never race for a free port.
public final class ExporterProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    private let stderrURL: URL

    /// The binary `swift build` made, next to the test bundle (or $NETSTAT_EXPORTER_BINARY).
    public static var binaryPath: String {
        if let path = ProcessInfo.processInfo.environment["NETSTAT_EXPORTER_BINARY"] { return path }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("netstat_exporter").path
    }

    /// Starts the exporter with `arguments` (a listen address on port 0 is added unless given)
    /// and waits until it listens.
    public init(_ arguments: [String], timeout: Double = 20) throws {
        var arguments = arguments
        if !arguments.contains(where: { $0.hasPrefix("--web.listen-address") }) {
            arguments.append("--web.listen-address=127.0.0.1:0")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ExporterProcess.binaryPath)
        process.arguments = arguments
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process

        let deadline = Date().addingTimeInterval(timeout)
        var found: Int?
        while found == nil && Date() < deadline {
            if let log = try? String(contentsOf: stderrURL, encoding: .utf8),
               let range = log.range(of: "Listening on address=") {
                let rest = log[range.upperBound...].prefix { $0 != " " && $0 != "\n" && $0 != "\"" }
                found = rest.split(separator: ":").last.flatMap { Int($0) }
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        guard let found else {
            process.terminate()
            let log = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            throw ExporterProcessError(message: "exporter did not start: \(log)")
        }
        port = found
    }

    /// Everything the exporter wrote to stderr so far.
    public var log: String {
        (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
    }

    /// GETs `path` with curl and returns status and body.
    public func get(_ path: String = "/metrics", extraCurlArguments: [String] = []) throws -> (status: Int, body: String) {
        let command = ["curl", "-s", "-m", "20", "-o", "-", "-w", "\n%{http_code}"] + extraCurlArguments
            + ["http://127.0.0.1:\(port)\(path)"]
        let result = try Shell.run(command, timeout: 30)
        var body = result.stdout
        guard let newline = body.lastIndex(of: "\n"), let status = Int(body[body.index(after: newline)...]) else {
            throw ExporterProcessError(message: "curl failed: \(result.stderr)")
        }
        body.removeSubrange(newline...)
        return (status, body)
    }

    /// Stops the exporter with SIGTERM, and SIGKILL if it has not exited within two seconds.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(2)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: stderrURL)
    }

    deinit { stop() }
}

public struct ExporterProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Reads sample values out of a text-format body.
public enum Exposition {
    /// The value of the series written exactly as `series` (name plus `{labels}` as printed).
    public static func value(_ body: String, _ series: String) -> Double? {
        for line in body.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
