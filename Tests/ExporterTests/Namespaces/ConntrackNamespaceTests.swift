import Foundation
import Testing
import TestSupport

/// The conntrack collector against the real kernel: namespaces in which an iptables rule makes
/// conntrack track (`-m conntrack` registers its hooks there), holding a known number of
/// loopback TCP connections (each one conntrack entry), read through ctnetlink (setns, root)
/// and through /proc/<pid>/net/stat/nf_conntrack (the proc reader, and an exporter without
/// CAP_NET_ADMIN, which ctnetlink refuses with EPERM).
@Suite(.serialized) struct ConntrackNamespaceTests {
    static let track = [["iptables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP"]]
    static let connections = (first: 3, second: 5)

    /// Two tracked farms with different connection counts.
    static func withFarms(_ body: (String, SocketFarm, SocketFarm) throws -> Void) throws {
        let prefix = "nsct\(getpid() % 100_000)"
        try SocketFarm.with(workers: 1, established: connections.first, closeWait: 0, prefix: prefix, setUp: track) {
            first in
            try SocketFarm.with(workers: 2, established: connections.second, closeWait: 0, prefix: prefix, setUp: track) {
                second in
                try body("\(prefix).*", first, second)
            }
        }
    }

    /// The kernel's count for the farm's namespace.
    static func kernelCount(_ farm: SocketFarm) throws -> Double {
        try #require(Double(try farm.run(["cat", "/proc/sys/net/netfilter/nf_conntrack_count"])
            .trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// /proc/net/stat/nf_conntrack of the farm's namespace, counters summed over CPUs by column.
    static func procSums(_ farm: SocketFarm) throws -> [String: Double] {
        let lines = try farm.run(["cat", "/proc/net/stat/nf_conntrack"]).split(separator: "\n")
        let header = lines[0].split(separator: " ").map(String.init)
        var sums: [String: Double] = [:]
        for line in lines.dropFirst() {
            for (name, field) in zip(header, line.split(separator: " ")) {
                sums[name, default: 0] += Double(UInt64(field, radix: 16)!)
            }
        }
        return sums
    }

    /// Python that sends four SYN|FIN segments to 127.0.0.1 through a raw socket.
    static let invalidSegments = """
        import socket, struct
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        for _ in range(4):
            raw.sendto(struct.pack("!HHIIBBHHH", 40000, 9, 1, 0, 5 << 4, 0x03, 1024, 0, 0), ("127.0.0.1", 0))
        """

    static func scrape(_ exporter: RunningExporter) throws -> ScrapedMetrics {
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        try #require(response.status == 200)
        return ScrapedMetrics(response.text)
    }

    static let counterColumns = [
        ("found", "found"), ("invalid", "invalid"), ("insert", "insert"), ("insert_failed", "insert_failed"),
        ("drops", "drop"), ("early_drops", "early_drop"), ("search_restart", "search_restart"),
        ("clash_resolved", "clashres"), ("icmp_errors", "icmp_error"), ("chain_too_long", "chainlength"),
    ]

    @Test func everyNamespaceHasItsOwnEntriesThroughNetlinkAndThroughProc() throws {
        try Self.withFarms { include, first, second in
            // Invalid segments in the second namespace only: each namespace's counters are its own.
            try second.run(["python3", "-c", Self.invalidSegments])
            #expect(try Self.kernelCount(first) == Double(Self.connections.first))
            #expect(try Self.kernelCount(second) == Double(Self.connections.second))
            for reader in ["setns", "proc"] {
                let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--netns.all",
                                                    "--netns.include=\(include)", "--netns.reader=\(reader)"])
                let sumsBefore = try [first, second].map(Self.procSums)
                let scrape = try Self.scrape(exporter)
                let sumsAfter = try [first, second].map(Self.procSums)
                exporter.stop()
                for (index, (farm, count)) in [(first, Self.connections.first), (second, Self.connections.second)].enumerated() {
                    let netns = "netns=\"\(farm.namespace)\""
                    #expect(scrape["netstat_conntrack_entries{\(netns)}"] == Double(count), "\(reader) \(farm.namespace)")
                    #expect(scrape.matching("netstat_conntrack_entries_limit", [netns]).isEmpty)
                    // Each namespace's own counters: between its file's sums before and after.
                    for (metric, column) in Self.counterColumns {
                        let value = try #require(scrape["netstat_conntrack_\(metric)_total{\(netns)}"], "\(reader) \(metric)")
                        let low = try #require(sumsBefore[index][column]), high = try #require(sumsAfter[index][column])
                        #expect(low <= value && value <= high, "\(reader) \(metric): \(low) ≤ \(value) ≤ \(high)")
                    }
                }
                #expect(scrape["netstat_conntrack_invalid_total{netns=\"\(first.namespace)\"}"] == 0)
                #expect((scrape["netstat_conntrack_invalid_total{netns=\"\(second.namespace)\"}"] ?? 0) >= 4)
                // The limit: once, the host's.
                let limit = try String(contentsOfFile: "/proc/sys/net/netfilter/nf_conntrack_max", encoding: .utf8)
                #expect(scrape.series.keys.filter { $0.hasPrefix("netstat_conntrack_entries_limit") }.count == 1)
                #expect(scrape["netstat_conntrack_entries_limit"] == Double(limit.trimmingCharacters(in: .whitespacesAndNewlines)))
                #expect(scrape["netstat_scrape_collector_success{collector=\"conntrack\"}"] == 1)
                #expect(scrape.text.contains("# TYPE netstat_conntrack_insert_failed_total counter"))
                #expect(scrape.text.contains("# TYPE netstat_conntrack_entries gauge"))
            }
        }
    }

    /// An exporter inside a tracked namespace: its own scrape's connection is an entry too, so
    /// entries are the kernel's count before the scrape plus one, and the count after; the
    /// counters lie between the file's sums before and after the scrape.
    @Test(arguments: ["root", "unprivileged"])
    func insideANamespaceEntriesAreTheKernelsCount(_ user: String) throws {
        try Self.withFarms { _, first, _ in
            // Without CAP_NET_ADMIN ctnetlink answers EPERM: the file is read instead, silently.
            let wrapper = user == "root" ? [] : ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                                 "--inh-caps=-all", "--bounding-set=-all"]
            // Four TCP segments with SYN and FIN set: conntrack counts each invalid (on output and input).
            try first.run(["python3", "-c", Self.invalidSegments])
            let port = try first.startExporter([], wrapper: wrapper)
            let before = try Self.kernelCount(first)
            let sumsBefore = try Self.procSums(first)
            let scrape = try first.scrape(port)
            let sumsAfter = try Self.procSums(first)
            let after = try Self.kernelCount(first)
            // The farm's connections and the start-up probes' and this scrape's.
            #expect(before >= Double(Self.connections.first + 1))
            #expect(scrape["netstat_conntrack_entries"] == before + 1, "before \(before), after \(after)")
            #expect(after == before + 1)
            for (metric, column) in Self.counterColumns {
                let value = try #require(scrape["netstat_conntrack_\(metric)_total"], "\(metric)")
                let low = try #require(sumsBefore[column]), high = try #require(sumsAfter[column])
                #expect(low <= value && value <= high, "\(metric): \(low) ≤ \(value) ≤ \(high)")
            }
            // Nothing else is invalid in the quiet namespace: exactly the file's sum.
            #expect(scrape["netstat_conntrack_invalid_total"] == sumsBefore["invalid"])
            #expect((scrape["netstat_conntrack_invalid_total"] ?? 0) >= 4)
            #expect(scrape["netstat_scrape_collector_success{collector=\"conntrack\"}"] == 1)
            // Silently: no warning or error in the log.
            #expect(!first.exporterLog.contains("level=WARN") && !first.exporterLog.contains("level=ERROR"),
                    "\(first.exporterLog)")
        }
    }
}
