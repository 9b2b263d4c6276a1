import Foundation
import Testing
import TestSupport

/// The whole /metrics body of the binary on a fixture host, byte for byte.
@Suite struct GoldenTests {
    static let expectedPath = Fixtures.repository("Tests/Golden/metrics.txt")

    /// Durations change every scrape and the compiler's version with every toolchain update;
    /// everything else must not.
    static func masked(_ body: String) -> String {
        body.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.hasPrefix("netstat_exporter_build_info{") { return maskedSwiftVersion(line) }
            guard line.hasPrefix("netstat_scrape_collector_duration_seconds{"),
                  let space = line.lastIndex(of: " ") else { return String(line) }
            return line[..<space] + " <duration>"
        }.joined(separator: "\n")
    }

    /// `swift_version="6.3"` → `swift_version="<swift>"`.
    static func maskedSwiftVersion(_ line: Substring) -> String {
        let key = "swift_version=\""
        guard let start = line.range(of: key)?.upperBound,
              let end = line[start...].firstIndex(of: "\"") else { return String(line) }
        return String(line[..<start]) + "<swift>" + line[end...]
    }

    @Test func maskingKeepsEverythingButDurationsAndTheSwiftVersion() {
        let body = """
            netstat_exporter_build_info{version="0.1.0",swift_version="6.3.1"} 1
            netstat_scrape_collector_duration_seconds{collector="routes"} 0.000123
            netstat_routes{family="ipv4",device="eth0"} 3
            """
        #expect(Self.masked(body) == """
            netstat_exporter_build_info{version="0.1.0",swift_version="<swift>"} 1
            netstat_scrape_collector_duration_seconds{collector="routes"} <duration>
            netstat_routes{family="ipv4",device="eth0"} 3
            """)
    }

    static let fixtureFlags = [
        "--web.listen-address=127.0.0.1:0",
        "--web.disable-exporter-metrics",
        "--path.procfs=\(Fixtures.repository("Tests/Golden/proc"))",
        "--path.sysfs=\(Fixtures.repository("Tests/Golden/sys"))",
    ]

    /// With --netns.all the exporter's own namespace is exported exactly as without it: the
    /// body is the golden one plus the mode's own netstat_netns_* families.
    @Test func theNamespaceModeLeavesTheOwnNamespaceAlone() throws {
        let exporter = try RunningExporter(Self.fixtureFlags + ["--netns.all"])
        defer { exporter.stop() }
        let body = try CurlResponse.get(["\(exporter.base)/metrics"]).text
        let mode = body.split(separator: "\n").filter { $0.contains("netstat_netns_") }
        #expect(mode.contains("netstat_netns_discovered 0"))
        #expect(mode.contains("netstat_netns_folded 0"))
        #expect(!body.split(separator: "\n").contains { !$0.hasPrefix("#") && $0.contains("netns=\"") })
        let withoutMode = Self.masked(body).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("netstat_netns_") }.joined(separator: "\n")
        #expect(withoutMode == (try String(contentsOfFile: Self.expectedPath, encoding: .utf8)))
    }

    /// Byte for byte from the debug build and from the release build users run.
    @Test(arguments: ExporterBuild.allCases)
    func fixtureHostMatchesTheCheckedInBody(build: ExporterBuild) throws {
        let exporter = try RunningExporter(Self.fixtureFlags, binary: try build.binary())
        defer { exporter.stop() }
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        #expect(response.status == 200)
        let body = response.text
        let actual = Self.masked(body)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" && build == .debug {
            try actual.write(toFile: Self.expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: Self.expectedPath, encoding: .utf8)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(actualLines.count == expectedLines.count)
        for (index, (got, want)) in zip(actualLines, expectedLines).enumerated() where got != want {
            Issue.record("line \(index + 1): got \(got), want \(want)")
            break
        }
        let lint = try Shell.run(["promtool", "check", "metrics"], input: body)
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")
    }
}
