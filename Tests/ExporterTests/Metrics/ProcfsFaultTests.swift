import Foundation
import Testing
import TestSupport

/// The binary on a copy of the golden procfs that the test breaks between scrapes, one fault at
/// a time: a file that disappears, one that becomes unreadable, one that returns EIO, one cut
/// short mid-line, and the whole procfs tree gone. Each scrape still answers 200 with what the
/// other collectors read, the broken collector says success 0 (or counts the malformed line), and
/// the scrape after the repair is whole again. The exporter runs as nobody, so mode 000 means
/// unreadable (root would read it anyway).
@Suite(.serialized) struct ProcfsFaultTests {
    static let collectors = ["conntrack", "interfaces", "protocols", "routes", "sockets", "sockstat"]

    struct Fault: Sendable {
        let name: String
        /// Collectors whose success must be 0 while the fault lasts.
        let failing: Set<String>
        /// Collectors whose parse-error counter must grow instead.
        let malformed: Set<String>
        let apply: @Sendable (URL) throws -> Void
        let repair: @Sendable (URL) throws -> Void
    }

    static func copyOfGoldenProcfs() throws -> URL {
        let root = try Fixtures.temporaryDirectory("suite-faults")
        let copy = try Shell.run(["cp", "-rL", Fixtures.repository("Tests/Golden/proc"), root.path + "/proc"])
        try #require(copy.status == 0, "\(copy.stderr)")
        try #require(try Shell.run(["chmod", "-R", "a+rX", root.path]).status == 0)
        return root.appendingPathComponent("proc")
    }

    static func move(_ from: URL, _ to: URL) throws {
        try FileManager.default.moveItem(at: from, to: to)
    }

    static let faults: [Fault] = [
        Fault(name: "net/tcp disappears", failing: ["sockets"], malformed: [],
              apply: { try move($0.appendingPathComponent("net/tcp"), $0.appendingPathComponent("net/tcp.away")) },
              repair: { try move($0.appendingPathComponent("net/tcp.away"), $0.appendingPathComponent("net/tcp")) }),
        Fault(name: "net/dev unreadable", failing: ["interfaces"], malformed: [],
              apply: { try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: $0.path + "/net/dev") },
              repair: { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: $0.path + "/net/dev") }),
        // Reading /proc/self/mem from offset 0 (never mapped) fails with EIO in the kernel: a
        // real EIO from a real /proc file, reached through a symlink in the copy.
        Fault(name: "net/snmp returns EIO", failing: ["protocols"], malformed: [],
              apply: { root in
                  try move(root.appendingPathComponent("net/snmp"), root.appendingPathComponent("net/snmp.away"))
                  try FileManager.default.createSymbolicLink(atPath: root.path + "/net/snmp", withDestinationPath: "/proc/self/mem")
              },
              repair: { root in
                  try FileManager.default.removeItem(atPath: root.path + "/net/snmp")
                  try move(root.appendingPathComponent("net/snmp.away"), root.appendingPathComponent("net/snmp"))
              }),
        // Truncated between two reads: the header and half of the first route line are left.
        Fault(name: "net/route truncated mid-line", failing: [], malformed: ["routes"],
              apply: { root in
                  let path = root.path + "/net/route"
                  try FileManager.default.copyItem(atPath: path, toPath: path + ".whole")
                  let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                  let firstLine = bytes.firstIndex(of: UInt8(ascii: "\n"))!
                  try bytes.prefix(firstLine + 20).write(to: URL(fileURLWithPath: path))
              },
              repair: { root in
                  let path = root.path + "/net/route"
                  try FileManager.default.removeItem(atPath: path)
                  try FileManager.default.moveItem(atPath: path + ".whole", toPath: path)
              }),
        // nf_conntrack not loaded: no data, no failure. The file there but unreadable: a failure.
        Fault(name: "net/stat/nf_conntrack disappears", failing: [], malformed: [],
              apply: { try move($0.appendingPathComponent("net/stat"), $0.appendingPathComponent("net/stat.away")) },
              repair: { try move($0.appendingPathComponent("net/stat.away"), $0.appendingPathComponent("net/stat")) }),
        Fault(name: "net/stat/nf_conntrack unreadable", failing: ["conntrack"], malformed: [],
              apply: { try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: $0.path + "/net/stat/nf_conntrack") },
              repair: { try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: $0.path + "/net/stat/nf_conntrack") }),
        // Without any procfs conntrack finds no nf_conntrack, which is not a failure.
        Fault(name: "the whole procfs tree disappears", failing: Set(collectors).subtracting(["conntrack"]), malformed: [],
              apply: { try move($0, $0.deletingLastPathComponent().appendingPathComponent("proc.away")) },
              repair: { try move($0.deletingLastPathComponent().appendingPathComponent("proc.away"), $0) }),
    ]

    func scrape(_ exporter: RunningExporter) throws -> ScrapedMetrics {
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        try #require(response.status == 200, "status \(response.status)")
        return ScrapedMetrics(response.text)
    }

    func success(_ scrape: ScrapedMetrics, _ collector: String) -> Double? {
        scrape["netstat_scrape_collector_success{collector=\"\(collector)\"}"]
    }

    func parseErrors(_ scrape: ScrapedMetrics, _ collector: String) -> Double {
        scrape["netstat_parse_errors_total{collector=\"\(collector)\"}"] ?? 0
    }

    @Test(.timeLimit(.minutes(2)))
    func eachFaultFailsOnlyItsCollectorAndTheNextScrapeRecovers() throws {
        let proc = try Self.copyOfGoldenProcfs()
        defer { try? FileManager.default.removeItem(at: proc.deletingLastPathComponent()) }
        let exporter = try RunningExporter([
            "--web.listen-address=127.0.0.1:0", "--path.procfs=\(proc.path)",
            "--path.sysfs=\(Fixtures.repository("Tests/Golden/sys"))",
        ], prefix: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        defer { exporter.stop() }
        let baseline = try scrape(exporter)
        for collector in Self.collectors { #expect(success(baseline, collector) == 1, "\(collector)") }
        // What a healthy scrape adds to each parse-error counter (the golden fixtures carry a
        // few lines every scrape skips): a fault's malformed line is counted on top of it.
        let second = try scrape(exporter)
        var healthyErrors: [String: Double] = [:]
        for collector in Self.collectors { healthyErrors[collector] = parseErrors(second, collector) - parseErrors(baseline, collector) }
        let healthyTCP = baseline["netstat_tcp_sockets{family=\"ipv4\",state=\"established\"}"]
        #expect(healthyTCP != nil)

        for fault in Self.faults {
            let before = try scrape(exporter)
            try fault.apply(proc)
            let broken = try scrape(exporter)
            try fault.repair(proc)
            for collector in Self.collectors {
                #expect(success(broken, collector) == (fault.failing.contains(collector) ? 0 : 1), "\(fault.name): \(collector)")
                let grew = parseErrors(broken, collector) - parseErrors(before, collector) > healthyErrors[collector]!
                #expect(grew == fault.malformed.contains(collector), "\(fault.name): parse errors of \(collector)")
            }
            // What the healthy collectors read is still served.
            if !fault.failing.contains("sockets") {
                #expect(broken["netstat_tcp_sockets{family=\"ipv4\",state=\"established\"}"] == healthyTCP, "\(fault.name)")
            }
            #expect(broken["netstat_exporter_build_info{version=\"0.1.0\",swift_version=\"\(swiftVersion(baseline))\"}"] == 1)
            let recovered = try scrape(exporter)
            for collector in Self.collectors {
                #expect(success(recovered, collector) == 1, "after \(fault.name): \(collector)")
                #expect(parseErrors(recovered, collector) - parseErrors(broken, collector) == healthyErrors[collector],
                        "after \(fault.name): \(collector)")
            }
        }
        #expect(exporter.stderr.contains("Input/output error"), "\(exporter.stderr)")
        #expect(exporter.process.isRunning)
    }

    func swiftVersion(_ scrape: ScrapedMetrics) -> String {
        let key = scrape.series.keys.first { $0.hasPrefix("netstat_exporter_build_info{") } ?? ""
        guard let start = key.range(of: "swift_version=\"")?.upperBound else { return "" }
        return String(key[start...].prefix { $0 != "\"" })
    }
}
