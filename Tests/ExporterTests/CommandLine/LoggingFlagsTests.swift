import Foundation
import Testing
import TestSupport

/// `--log.level` and `--log.format` on the running binary: every line it writes parses back in
/// the format asked for, and each level shows exactly the levels at and above it. The run makes a
/// line of every level: collectors failing on a missing procfs (error), SIGHUP without a web
/// config (warn), start, listen and shut-down lines (info), scrape and refused-request lines
/// (debug).
@Suite struct LoggingFlagsTests {
    static let levels = ["debug", "info", "warn", "error"]

    /// One parsed line: its keys in order and their values as text.
    struct Line {
        let keys: [String]
        let values: [String: String]
    }

    static func parse(_ text: String, format: String) throws -> Line {
        if format == "json" {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let fields = try #require(object, "not a JSON object: \(text)")
            // JSONSerialization forgets the order; take it from where each key stands in the line.
            let keys = fields.keys.sorted {
                text.range(of: "\"\($0)\":")!.lowerBound < text.range(of: "\"\($1)\":")!.lowerBound
            }
            return Line(keys: keys, values: fields.mapValues { "\($0)" })
        }
        let pairs = try #require(LogfmtParser.parse(text), "not logfmt: \(text)")
        return Line(keys: pairs.map(\.key), values: Dictionary(pairs.map { ($0.key, $0.value) }) { first, _ in first })
    }

    @Test(arguments: ["logfmt", "json"], levels)
    func everyLineParsesAndOnlyLevelsAtOrAboveTheChosenOneAppear(format: String, level: String) throws {
        let exporter = try NamespacedExporter(prefix: "flagslog", [
            RunningExporter.binary, "--web.listen-address=127.0.0.1:10042", "--path.procfs=/nonexistent-flags-procfs",
            "--log.level=\(level)", "--log.format=\(format)",
        ])
        defer { exporter.stop() }
        #expect(try exporter.waitUntilServing("http://127.0.0.1:10042/metrics"))
        #expect(try exporter.curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:10042/nope"]).stdout
                == "404")
        // SIGHUP (1) is taken before SIGTERM (15) even when both are pending.
        try exporter.send(SIGHUP)
        #expect(try exporter.terminate() == 0)

        let parsed = try exporter.stderr.split(separator: "\n").map { try Self.parse(String($0), format: format) }
        for line in parsed {
            #expect(Array(line.keys.prefix(4)) == ["time", "level", "source", "msg"], "\(line.keys)")
            #expect(line.values["time"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        }
        let shown = Set(parsed.compactMap { $0.values["level"] })
        let expected = Set(Self.levels.drop { $0 != level }.map { $0.uppercased() })
        #expect(shown == expected, "\(exporter.stderr)")

        func saying(_ message: String) -> [Line] { parsed.filter { $0.values["msg"] == message } }
        #expect(!saying("Collector failed").isEmpty)
        let started = saying("Starting netstat_exporter")
        let listening = saying("Listening on")
        if level == "debug" || level == "info" {
            #expect(started.count == 1)
            #expect(listening.first?.values["address"] == "127.0.0.1:10042")
            #expect(listening.first?.values["source"]?.hasPrefix("main.swift:") == true)
        } else {
            // `warn` and `error` hide the start-up info lines.
            #expect(started.isEmpty && listening.isEmpty)
        }
        if level == "debug" {
            let scrape = try #require(parsed.first {
                $0.values["level"] == "DEBUG" && $0.values["collector"] == "interfaces"
            })
            #expect(scrape.keys.suffix(4) == ["collector", "duration_seconds", "series", "skipped_lines"])
            #expect(Double(scrape.values["duration_seconds"] ?? "") != nil)
            #expect(scrape.values["series"] == "0")
            let refused = try #require(saying("Request refused").first { $0.values["path"] == "/nope" })
            #expect(refused.values["status"] == "404")
            #expect(refused.values["reason"] == "404 page not found")
        } else {
            #expect(saying("Request refused").isEmpty)
        }
    }

    @Test func aBadLevelOrFormatIsRefusedWithOneLine() throws {
        for (flag, message) in [("--log.level=loud",
                                 #"--log.level: expected one of debug, info, warn, error, got \"loud\""#),
                                ("--log.format=xml", #"--log.format: expected logfmt or json, got \"xml\""#)] {
            let result = try Shell.run([RunningExporter.binary, flag], timeout: 20)
            #expect(result.status == 1)
            #expect(result.stderr.contains(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func otherFlagErrorsComeInTheFormatAskedFor() throws {
        let result = try Shell.run([RunningExporter.binary, "--log.format=json", "--web.max-requests=-1"], timeout: 20)
        #expect(result.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any]
        #expect(object?["level"] as? String == "ERROR")
        #expect((object?["msg"] as? String)?.hasPrefix("--web.max-requests: expected a whole number") == true)
    }
}
