import Foundation
import Testing
import TestSupport

/// `--web.systemd-socket` end to end with Debian's `systemd-socket-activate`, which does what a
/// .socket unit does: it listens, and on the first connection execs the exporter with the socket
/// as fd 3 and LISTEN_PID / LISTEN_FDS set. The exporter must serve that first connection.
@Suite struct SocketActivationTests {
    static let procfs = "--path.procfs=\(Fixtures.path("procfs/proc"))"
    static let port = 10042

    static func activate(_ prefix: String, _ flags: [String]) throws -> NamespacedExporter {
        let exporter = try NamespacedExporter(prefix: prefix, [
            "systemd-socket-activate", "-l", "127.0.0.1:\(port)", RunningExporter.binary, "--web.systemd-socket",
            procfs,
        ] + flags)
        // systemd-socket-activate's own line: it holds the socket, the exporter is not started yet.
        #expect(exporter.waitForLog("Listening on 127.0.0.1:\(port) as 3."), "\(exporter.stderr)")
        #expect(try exporter.processNames() == ["systemd-socket-"])
        return exporter
    }

    @Test func theFirstConnectionStartsTheExporterAndIsServed() throws {
        let exporter = try Self.activate("flagssd", [])
        defer { exporter.stop() }
        let first = try exporter.curl(["-w", "\n%{http_code}", "http://127.0.0.1:\(Self.port)/metrics"])
        #expect(first.stdout.hasSuffix("\n200"), "\(first.stderr) \(exporter.stderr)")
        #expect(first.stdout.contains("netstat_udp_sockets{family=\"ipv4\"} 3\n"))
        // The exporter took systemd's socket (same process, exec'd) instead of binding its own.
        #expect(try exporter.processNames() == ["netstat_exporte"])
        #expect(exporter.stderr.contains(#"msg="Listening on" address=127.0.0.1:\#(Self.port) tls=false"#),
                "\(exporter.stderr)")
        let second = try exporter.curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(Self.port)/"])
        #expect(second.stdout == "200")
        #expect(try exporter.terminate() == 0)
    }

    @Test func tlsAndBasicAuthFromTheWebConfigStillApply() throws {
        let pki = try TestCertificates()
        try WebSecurityTests.writeConfig(pki, users: ["alice": "secret"])
        let exporter = try Self.activate("flagssdtls", ["--web.config.file=\(pki.path("web.yml"))"])
        defer { exporter.stop() }
        let url = "https://127.0.0.1:\(Self.port)/metrics"
        let anonymous = try exporter.curl(["--cacert", pki.path("ca.crt"), "-o", "/dev/null", "-w", "%{http_code}", url])
        #expect(anonymous.stdout == "401", "\(anonymous.stderr) \(exporter.stderr)")
        let alice = try exporter.curl(["--cacert", pki.path("ca.crt"), "-u", "alice:secret", "-w", "\n%{http_code}", url])
        #expect(alice.stdout.hasSuffix("\n200"))
        #expect(alice.stdout.contains("netstat_udp_sockets{family=\"ipv4\"} 3\n"))
        #expect(exporter.stderr.contains(#"msg="Listening on" address=127.0.0.1:\#(Self.port) tls=true"#))
        let plain = try exporter.curl(["-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(Self.port)/metrics"])
        #expect(plain.stdout != "200")
    }

    @Test func withoutSocketsFromSystemdItExitsWithOneLine() throws {
        let result = try Shell.run([RunningExporter.binary, "--web.systemd-socket"], timeout: 20)
        #expect(result.status == 1)
        #expect(result.stderr.contains("socket activation: no listening sockets passed"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        // Sockets meant for another process (LISTEN_PID is not ours) are not taken either.
        let other = try Shell.run(["env", "LISTEN_PID=1", "LISTEN_FDS=1", RunningExporter.binary, "--web.systemd-socket"],
                                  timeout: 20)
        #expect(other.status == 1)
        #expect(other.stderr.contains("socket activation: no listening sockets passed"), "\(other.stderr)")
    }
}
