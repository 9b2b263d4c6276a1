import Foundation
import Testing
import TestSupport

/// packaging/netstat_exporter.socket: installed beside the service by `make install`, and
/// accepted by `systemd-analyze verify` together with it (a socket unit needs its service).
@Suite struct SystemdSocketUnitTests {
    @Test func socketUnitIsInstalledAndVerifies() throws {
        let destination = try PackagingTests.install(prefix: "/usr/local")
        defer { try? FileManager.default.removeItem(at: destination) }
        let units = destination.path + "/usr/local/lib/systemd/system/"
        let socket = try String(contentsOfFile: units + "netstat_exporter.socket", encoding: .utf8)
        #expect(socket.contains("\nListenStream=10042\n"))
        #expect(socket.contains("\nWantedBy=sockets.target\n"))
        #expect(socket.contains("--web.systemd-socket"))

        let service = try String(contentsOfFile: units + "netstat_exporter.service", encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/netstat_exporter",
                                  with: destination.path + "/usr/local/bin/netstat_exporter")
        let staged = try Fixtures.temporaryDirectory("units")
        defer { try? FileManager.default.removeItem(at: staged) }
        try Fixtures.write(service, to: "netstat_exporter.service", in: staged)
        try Fixtures.write(socket, to: "netstat_exporter.socket", in: staged)
        let verify = try Shell.run(["systemd-analyze", "verify",
                                    staged.appendingPathComponent("netstat_exporter.socket").path,
                                    staged.appendingPathComponent("netstat_exporter.service").path])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")
    }
}
