import Foundation
import Testing
import TestSupport

/// The binary's start-up contract: --help, --version, and one-line failures.
@Suite struct CommandLineTests {
    func run(_ arguments: [String]) throws -> Shell.Result {
        try Shell.run([RunningExporter.binary] + arguments, timeout: 20)
    }

    @Test func helpListsEveryFlagWithItsDefault() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        for flag in ["--web.listen-address=... (repeatable)", "(default \":10042\")", "--web.max-requests=\"40\"", "--path.procfs=\"/proc\"", "--path.sysfs=\"/sys\"",
                     "--[no-]collector.sockets (default: on)", "--log.level=\"info\"", "--log.format=\"logfmt\"",
                     "--[no-]collector.disable-defaults (default: off)", "--[no-]web.systemd-socket (default: off)"] {
            #expect(result.stdout.contains(flag), "\(flag)")
        }
    }

    /// Every flag `--help` lists has a row in a flags table: README's, or docs/metrics.md's for a
    /// collector's own options (a collector's on/off flag through the `--[no-]collector.<name>` row).
    @Test func everyFlagHasARowInAFlagsTable() throws {
        let help = try run(["--help"]).stdout
        let tables = try ["README.md", "docs/metrics.md"].map {
            try String(contentsOfFile: Fixtures.repository($0), encoding: .utf8)
        }.joined(separator: "\n").split(separator: "\n").filter { $0.hasPrefix("| `--") }.joined(separator: "\n")
        let names = help.split(separator: "\n").filter { $0.hasPrefix("      --") }.map { line in
            String(line.dropFirst(8).replacingOccurrences(of: "[no-]", with: "").prefix { $0 != "=" && $0 != " " })
        }.filter { $0 != "version" }
        #expect(names.contains("log.level") && names.contains("web.systemd-socket"))
        let switches = Set(["sockets", "interfaces", "routes", "protocols", "sockstat", "conntrack"].map { "collector.\($0)" })
        for name in names where !switches.contains(name) {
            let row = ["--\(name)`", "--[no-]\(name)`", "--\(name)="].contains { tables.contains($0) }
            #expect(row, "\(name)")
        }
    }

    @Test func versionNamesTheSwiftVersion() throws {
        let result = try run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("netstat_exporter, version "))
        #expect(result.stdout.contains("(Swift 6."))
    }

    @Test(arguments: [
        (["--bogus"], "unknown flag --bogus"),
        (["--web.listen-address=nonsense"], "--web.listen-address: invalid listen address nonsense"),
        (["--web.listen-address=:99999"], "port must be a number from 0 to 65535"),
        (["--web.listen-address=::1:80"], "must be written in brackets"),
        (["--web.listen-address=10.254.254.254:10042"], "cannot listen on 10.254.254.254:10042"),
        (["--collector.sockets=perhaps"], "expected true or false"),
        (["--web.read-timeout=10"], "--web.read-timeout: expected a duration from 100ms to 3600s such as 10s or 500ms, got \\\"10\\\""),
        (["--web.read-timeout=2h"], "got \\\"2h\\\""),
        (["--web.read-timeout=50ms"], "got \\\"50ms\\\""),
        (["--web.max-connections=0"], "--web.max-connections: expected a whole number from 1 to 1000000"),
        (["--web.max-connections-per-address=-1"], "--web.max-connections-per-address: expected a whole number"),
        (["--web.max-response-memory=16XB"],
         "--web.max-response-memory: expected a size from 0 to 1048576MiB such as 16MiB or 512KiB, got \\\"16XB\\\""),
        (["--web.max-response-memory=-1"], "got \\\"-1\\\""),
        (["--web.max-response-memory=99999999999999GiB"], "got \\\"99999999999999GiB\\\""),
        (["--web.max-response-memory=2000GiB"], "got \\\"2000GiB\\\""),
    ])
    func badFlagsExitWithOneLine(arguments: [String], message: String) throws {
        let result = try run(arguments)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aPortInUseExitsWithOneLine() throws {
        let first = try RunningExporter(["--web.listen-address=127.0.0.1:0"])
        defer { first.stop() }
        let result = try run(["--web.listen-address=127.0.0.1:\(first.port)"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(first.port): Address already in use"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
