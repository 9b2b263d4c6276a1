import Foundation

/// The built netstat_exporter binary, started on free loopback ports for one test and stopped
/// (SIGTERM) when the test is done. The ports come from its "Listening on" lines.
public final class RunningExporter: @unchecked Sendable {
    /// The binary beside the test bundle (both are products of the same `swift build`).
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["NETSTAT_EXPORTER_BINARY"] { return path }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // The test runner may be inside an .xctest bundle directory.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("netstat_exporter").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("netstat_exporter").path
    }

    public let process: ChildProcess
    let stderrURL: URL
    public private(set) var addresses: [String] = []

    /// Starts the exporter (`binary`, the one beside the tests unless told) with `arguments` (add
    /// `--web.listen-address=127.0.0.1:0` yourself) and waits until it listens on
    /// `expectedListeners` addresses.
    public init(_ arguments: [String], expectedListeners: Int = 1, prefix: [String] = [],
                binary: String = RunningExporter.binary) throws {
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("exporter-\(UUID().uuidString).err")
        process = try ChildProcess(prefix + [binary] + arguments, stderr: stderrURL.path)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            addresses = RunningExporter.listeners(in: stderr)
            if addresses.count >= expectedListeners || !process.isRunning { break }
            usleep(20_000)
        }
        guard addresses.count >= expectedListeners else {
            stop()
            throw ExporterDidNotStart(stderr: stderr)
        }
    }

    deinit { stop() }

    public var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// `http://127.0.0.1:PORT` of the first listener.
    public var base: String { "http://\(addresses[0])" }

    /// The port of the first listener.
    public var port: Int { Int(addresses[0].split(separator: ":").last ?? "") ?? 0 }

    public var pid: Int32 { process.pid }

    /// Stops the exporter with SIGTERM, and SIGKILL if it has not exited within two seconds.
    public func stop() {
        process.stop(grace: 2)
        try? FileManager.default.removeItem(at: stderrURL)
    }

    /// Waits until stderr contains `text` (a reload's log line), up to `timeout` seconds.
    public func waitForLog(_ text: String, timeout: Double = 10) -> Bool {
        waitUntil(timeout: timeout, interval: 0.02) { stderr.contains(text) }
    }

    /// The addresses of the `msg="Listening on" address=…` lines (logfmt or JSON).
    public static func listeners(in log: String) -> [String] {
        log.split(separator: "\n").compactMap { line in
            guard line.contains("Listening on"),
                  let range = line.range(of: "address=") ?? line.range(of: "\"address\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " && $0 != "\"" })
        }
    }
}

public struct ExporterDidNotStart: Error, CustomStringConvertible {
    public let stderr: String
    public var description: String { "the exporter did not start: \(stderr)" }
}

/// One curl request: status, headers (lower-cased names) and body bytes.
public struct CurlResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data
    public let exitCode: Int32

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Runs curl with `arguments` (the URL among them); never follows redirects, never decodes.
    public static func get(_ arguments: [String], timeout: Double = 30) throws -> CurlResponse {
        let directory = try Fixtures.temporaryDirectory("curl")
        defer { try? FileManager.default.removeItem(at: directory) }
        let headerFile = directory.appendingPathComponent("headers").path
        let bodyFile = directory.appendingPathComponent("body").path
        let result = try Shell.run(["curl", "-sS", "-g", "-D", headerFile, "-o", bodyFile, "--max-time", "20"]
                                   + arguments, timeout: timeout)
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        var status = 0
        var headers: [String: String] = [:]
        for line in headerText.split(separator: "\r\n") {
            if line.hasPrefix("HTTP/") {
                status = Int(line.split(separator: " ")[1]) ?? 0
                headers = [:]
            } else if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))) ?? Data()
        return CurlResponse(status: status, headers: headers, body: body, exitCode: result.status)
    }
}
