import Foundation
import Synchronization
import Testing
@testable import Logging
import TestSupport

/// The lines `Logger` writes, read back: logfmt by a small parser, JSON by JSONSerialization.
@Suite struct LoggerTests {
    /// A logger whose lines land in memory.
    final class Captured: Sendable {
        final class Store: Sendable {
            let lines = Mutex<[String]>([])
        }

        let store = Store()
        let logger: Logger

        init(level: LogLevel, format: LogFormat) {
            let store = self.store
            logger = Logger(level: level, format: format) { bytes in
                store.lines.withLock { $0.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }

        var written: [String] { store.lines.withLock { $0 } }
    }

    /// Writes one line at every level with awkward values; returns the line of the call.
    @discardableResult
    func writeEveryLevel(_ logger: Logger) -> Int {
        let line = #line + 2
        for level in LogLevel.allCases {
            logger.log(level, "Message at \(level.name)",
                       ["quote": "say \"hi\"", "spaced": "a b", "equals": "x=y", "empty": "", "newline": "one\ntwo",
                        "backslash": #"C:\dir"#, "unicode": "grüße", "bare": "127.0.0.1:10042", "count": 42,
                        "seconds": 0.25, "ok": true])
        }
        return line
    }

    let expectedFields: [(String, String)] = [
        ("quote", "say \"hi\""), ("spaced", "a b"), ("equals", "x=y"), ("empty", ""), ("newline", "one\ntwo"),
        ("backslash", #"C:\dir"#), ("unicode", "grüße"), ("bare", "127.0.0.1:10042"), ("count", "42"),
        ("seconds", "0.25"), ("ok", "true"),
    ]

    @Test(arguments: LogLevel.allCases)
    func logfmtLinesParseBackAtEveryLevel(configured: LogLevel) throws {
        let captured = Captured(level: configured, format: .logfmt)
        let line = writeEveryLevel(captured.logger)
        let written = captured.written
        #expect(written.count == LogLevel.allCases.filter { $0 >= configured }.count)
        for (text, level) in zip(written, LogLevel.allCases.filter { $0 >= configured }) {
            #expect(text.hasSuffix("\n") && text.dropLast().firstIndex(of: "\n") == nil, "one line: \(text)")
            let pairs = try #require(LogfmtParser.parse(String(text.dropLast())), "\(text)")
            #expect(pairs.map(\.key) == ["time", "level", "source", "msg"] + expectedFields.map(\.0))
            #expect(pairs[1].value == level.name.uppercased())
            #expect(pairs[2].value == "LoggerTests.swift:\(line)")
            #expect(pairs[3].value == "Message at \(level.name)")
            for (pair, expected) in zip(pairs.dropFirst(4), expectedFields) {
                #expect(pair.value == expected.1, "\(pair.key)")
            }
            #expect(Self.isTimestamp(pairs[0].value), "\(pairs[0].value)")
        }
        // Bare where slog leaves values bare, quoted where it quotes.
        if configured == .debug {
            #expect(written[0].contains(" bare=127.0.0.1:10042 count=42 seconds=0.25 ok=true\n"))
            #expect(written[0].contains(#" quote="say \"hi\"" spaced="a b" equals="x=y" empty="" newline="one\ntwo""#))
            #expect(written[0].contains(#" backslash=C:\dir unicode=grüße "#))
        }
    }

    @Test(arguments: LogLevel.allCases)
    func jsonLinesParseBackAtEveryLevel(configured: LogLevel) throws {
        let captured = Captured(level: configured, format: .json)
        writeEveryLevel(captured.logger)
        let written = captured.written
        let levels = LogLevel.allCases.filter { $0 >= configured }
        #expect(written.count == levels.count)
        for (text, level) in zip(written, levels) {
            #expect(text.hasSuffix("}\n") && text.dropLast().firstIndex(of: "\n") == nil, "one line: \(text)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(object["level"] as? String == level.name.uppercased())
            #expect(object["msg"] as? String == "Message at \(level.name)")
            #expect((object["source"] as? String)?.hasPrefix("LoggerTests.swift:") == true)
            #expect(Self.isTimestamp(object["time"] as? String ?? ""))
            for (key, value) in expectedFields.prefix(8) {
                #expect(object[key] as? String == value, "\(key)")
            }
            // Numbers and booleans stay typed.
            #expect((object["count"] as? NSNumber)?.intValue == 42)
            #expect((object["seconds"] as? NSNumber)?.doubleValue == 0.25)
            #expect(object["ok"] as? Bool == true)
            #expect(object.count == 4 + expectedFields.count)
            // Keys in the order logfmt has them.
            let keys = ["time", "level", "source", "msg"] + expectedFields.map(\.0)
            let positions = keys.map { text.range(of: "\"\($0)\":")!.lowerBound }
            #expect(positions == positions.sorted())
        }
    }

    @Test func anExplicitSourceReplacesFileAndLine() throws {
        let captured = Captured(level: .info, format: .logfmt)
        captured.logger.log(.error, source: "microhttpd", "Error accepting connection")
        let pairs = try #require(LogfmtParser.parse(String(captured.written[0].dropLast())))
        #expect(pairs[2].value == "microhttpd")
    }

    @Test func aNonFiniteNumberIsAStringInJSON() throws {
        let captured = Captured(level: .info, format: .json)
        captured.logger.log(.info, "odd", ["value": Double.nan])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(captured.written[0].utf8)) as? [String: Any])
        #expect(object["value"] as? String == "nan")
    }

    @Test func reconfiguringChangesLevelAndFormat() throws {
        let captured = Captured(level: .info, format: .logfmt)
        captured.logger.log(.debug, "hidden")
        captured.logger.configure(level: .debug, format: .json)
        captured.logger.log(.debug, "shown")
        #expect(captured.written.count == 1)
        #expect(captured.written[0].hasPrefix("{\"time\":"))
        #expect(captured.written[0].contains("\"msg\":\"shown\""))
    }

    @Test func flagSpellingsAreReadInAnyCase() {
        #expect(LogLevel(name: "DEBUG") == .debug)
        #expect(LogLevel(name: "warn") == .warn)
        #expect(LogLevel(name: "warning") == nil)
        #expect(LogFormat(name: "JSON") == .json)
        #expect(LogFormat(name: "text") == nil)
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(LogLine.timestamp(seconds: 0, milliseconds: 7) == "1970-01-01T00:00:00.007Z")
        #expect(LogLine.timestamp(seconds: 1_795_750_000, milliseconds: 123) == "2026-11-27T03:26:40.123Z")
    }

    @Test func requestRefusedWritesOneDebugLine() throws {
        let captured = Captured(level: .debug, format: .logfmt)
        Log.requestRefused(status: 401, reason: "401 unauthorized", method: "GET", path: "/metrics",
                           client: "127.0.0.1", to: captured.logger)
        let pairs = try #require(LogfmtParser.parse(String(captured.written[0].dropLast())))
        #expect(pairs.map(\.key) == ["time", "level", "source", "msg", "status", "reason", "method", "path", "client"])
        #expect(pairs.map(\.value).dropFirst(3) == ["Request refused", "401", "401 unauthorized", "GET", "/metrics",
                                                    "127.0.0.1"])
    }

    /// `2026-11-27T03:44:41.123Z`
    static func isTimestamp(_ text: String) -> Bool {
        let pattern = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/
        return text.wholeMatch(of: pattern) != nil
    }
}
