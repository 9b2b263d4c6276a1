import Foundation

/// Runs real programs (ip, ss, promtool, curl, python3) for the end-to-end tests.
public enum Shell {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `arguments` (the first is looked up on PATH) to completion, with a time limit after
    /// which the process is killed, so a hung tool never hangs the suite.
    @discardableResult
    public static func run(_ arguments: [String], input: String? = nil, timeout: Double = 60) throws -> Result {
        // Input and output are files, not pipes, so neither side can block on a full pipe.
        let directory = try Fixtures.temporaryDirectory("shell")
        defer { try? FileManager.default.removeItem(at: directory) }
        let inPath = directory.appendingPathComponent("in").path
        let outPath = directory.appendingPathComponent("out").path
        let errPath = directory.appendingPathComponent("err").path
        if let input { try Data(input.utf8).write(to: URL(fileURLWithPath: inPath)) }
        let process = try ChildProcess(arguments, stdin: input == nil ? "/dev/null" : inPath, stdout: outPath,
                                       stderr: errPath)
        if !process.waitUntilExit(seconds: timeout) { process.stop(grace: 0.2) }
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// A command that exited non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// `result` when its status is 0, else a `Failure` naming `what` with the status and stderr.
    @discardableResult
    public static func require(_ result: Result, _ what: String) throws -> Result {
        guard result.status == 0 else {
            throw Failure(description: "\(what) exited \(result.status): \(result.stderr)")
        }
        return result
    }

    /// True when `command` is on PATH.
    public static func has(_ command: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(command)"]).status) == 0
    }
}
