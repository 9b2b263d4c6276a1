import Foundation
import Testing
import TestSupport

/// The HTTP limit flags (bad values: `CommandLineTests.badFlagsExitWithOneLine`): durations in
/// every unit, and the connection limit fitted under the open-file limit rather than failing at
/// the thousandth connection.
@Suite struct WebLimitFlagsTests {
    @Test func durationsInEveryUnitAreAccepted() throws {
        for value in ["500ms", "1m30s", "1h"] {
            let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--web.read-timeout=\(value)",
                                                "--path.procfs=\(Fixtures.path("procfs/proc"))"])
            #expect(try CurlResponse.get(["\(exporter.base)/"]).status == 200)
        }
    }

    @Test func theConnectionLimitIsFittedUnderTheOpenFileLimit() throws {
        // Soft and hard both 300: 300 - 256 reserved leaves 44 connections.
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--web.max-connections=2048",
                                            "--path.procfs=\(Fixtures.path("procfs/proc"))"],
                                           prefix: ["prlimit", "--nofile=300:300"])
        #expect(exporter.stderr.contains("--web.max-connections=2048 does not fit the open-file limit 300; using 44"))
        #expect(try CurlResponse.get(["\(exporter.base)/metrics"]).status == 200)
    }

    @Test func theSoftOpenFileLimitIsRaisedToTheHardOne() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0",
                                            "--path.procfs=\(Fixtures.path("procfs/proc"))"],
                                           prefix: ["prlimit", "--nofile=1024:4096"])
        let limits = try String(contentsOfFile: "/proc/\(exporter.pid)/limits", encoding: .utf8)
        let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
        #expect(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).prefix(2) == ["4096", "4096"])
        #expect(!exporter.stderr.contains("does not fit"))
    }
}
