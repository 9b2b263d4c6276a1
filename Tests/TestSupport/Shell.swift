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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        // Output goes to files, not pipes, so a chatty tool can never block on a full pipe.
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("shell-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("shell-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        let inPipe = Pipe()
        process.standardInput = inPipe
        try process.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        return Result(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// True when `command` is on PATH.
    public static func has(_ command: String) -> Bool {
        (try? run(["sh", "-c", "command -v \(command)"]).status) == 0
    }
}
