import Foundation
import Testing
import TestSupport

/// `--collector.disable-defaults` with `--collector.interfaces` on the running binary: the scrape
/// has the fixture's interface counters and nothing from the socket collectors, whichever flag
/// comes first.
@Suite struct DisableDefaultsScrapeTests {
    @Test(arguments: [["--collector.disable-defaults", "--collector.interfaces"],
                      ["--collector.interfaces", "--collector.disable-defaults"]])
    func onlyInterfaceMetrics(flags: [String]) throws {
        let exporter = try NamespacedExporter(prefix: "flagsdd", [
            RunningExporter.binary, "--web.listen-address=127.0.0.1:10042",
            "--path.procfs=\(Fixtures.path("procfs/proc"))",
        ] + flags)
        defer { exporter.stop() }
        #expect(try exporter.waitUntilServing("http://127.0.0.1:10042/"))
        let scrape = try exporter.curl(["http://127.0.0.1:10042/metrics"]).stdout
        // /proc/net/dev of the fixture: lo received 1664039048 bytes.
        #expect(scrape.contains("netstat_interface_receive_bytes_total{device=\"lo\"} 1664039048\n"), "\(scrape)")
        #expect(scrape.contains("netstat_scrape_collector_success{collector=\"interfaces\"} 1\n"))
        let collectors = scrape.split(separator: "\n").filter { $0.hasPrefix("netstat_scrape_collector_success{") }
        #expect(collectors.count == 1, "\(collectors)")
        for prefix in ["netstat_tcp_", "netstat_udp_", "netstat_unix_", "netstat_sockets_", "netstat_route",
                       "netstat_sockstat"] {
            #expect(!scrape.contains(prefix), "\(prefix)")
        }
        #expect(exporter.stderr.contains(#"msg="Enabled collectors" collectors=interfaces"#), "\(exporter.stderr)")
    }
}
