import Foundation
import Testing
import TestSupport

/// The exporter's own process_* metrics, checked against what /proc says about its pid.
@Suite struct ProcessMetricsTests {
    func values(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("process_") {
            let parts = line.split(separator: " ")
            values[String(parts[0])] = Double(parts[1])
        }
        return values
    }

    @Test func processMetricsDescribeTheExporter() throws {
        let exporter = try RunningExporter(
            ["--web.listen-address=127.0.0.1:0", "--path.procfs=\(Fixtures.path("procfs/proc"))"],
            prefix: ["sh", "-c", "ulimit -n 1234 && exec \"$0\" \"$@\""])
        let scrape = try CurlResponse.get(["\(exporter.base)/metrics"])
        let metrics = values(scrape.text)

        let stat = try String(contentsOfFile: "/proc/\(exporter.pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let procStat = try String(contentsOfFile: "/proc/stat", encoding: .utf8)
        let bootLine = try #require(procStat.split(separator: "\n").first { $0.hasPrefix("btime ") })
        let boot = try #require(Double(bootLine.split(separator: " ")[1]))
        // Field 22 (starttime) is the 20th after the command name.
        let start = boot + Double(fields[19])! / ticks
        #expect(metrics["process_start_time_seconds"] == start)
        #expect(metrics["process_max_fds"] == 1234)

        let virtual = Double(fields[20])!
        let vm = try #require(metrics["process_virtual_memory_bytes"])
        #expect(vm > virtual / 2 && vm < virtual * 2)
        let resident = Double(fields[21])! * Double(sysconf(Int32(_SC_PAGESIZE)))
        let rss = try #require(metrics["process_resident_memory_bytes"])
        #expect(rss > resident / 2 && rss < resident * 2)
        let cpu = try #require(metrics["process_cpu_seconds_total"])
        #expect(cpu >= 0 && cpu <= (Double(fields[11])! + Double(fields[12])!) / ticks)
        // During the scrape the connection's socket was open too.
        let openNow = Double(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(exporter.pid)/fd").count)
        let fds = try #require(metrics["process_open_fds"])
        #expect(fds >= openNow - 1 && fds <= openNow + 2, "open_fds \(fds), /proc says \(openNow) now")
        #expect(scrape.text.contains("# TYPE process_cpu_seconds_total counter\n"))
    }

    @Test func disableExporterMetricsDropsThem() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--web.disable-exporter-metrics",
                                            "--path.procfs=\(Fixtures.path("procfs/proc"))"])
        let scrape = try CurlResponse.get(["\(exporter.base)/metrics"])
        #expect(scrape.status == 200)
        #expect(!scrape.text.contains("process_"))
        #expect(scrape.text.contains("netstat_udp_sockets{family=\"ipv4\"} 3\n"))
    }
}
