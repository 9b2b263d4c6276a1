@testable import Collectors
import Exposition
import Foundation
import Flags
import ProcNet
import Testing
import TestSupport

@Suite struct ProtocolsCollectorTests {
    static let procfsFixture = ProcPaths(procfs: Fixtures.path("procfs/proc-pid-26231"))

    @Test func exportsEveryFieldOfTheFixture() {
        let collector = ProtocolsCollector()
        let (metrics, report) = CollectorRun.once(collector, paths: Self.procfsFixture)
        #expect(report.succeeded)
        #expect(report.skippedLines == 1)  // snmp6's stray "Mode: 644" line
        #expect(metrics.families.count == 79 + 131 + 91)
        #expect(collector.names.cachedCount == 79 + 131 + 91)

        #expect(metrics.single("netstat_ip_forwarding") == .unsigned(2))
        #expect(metrics.single("netstat_ip_default_ttl") == .unsigned(64))
        #expect(metrics.single("netstat_tcp_max_conn") == .signed(-1))
        #expect(metrics.single("netstat_tcp_curr_estab") == .unsigned(15))
        #expect(metrics.single("netstat_tcp_rto_max") == .unsigned(120_000))
        #expect(metrics.single("netstat_tcp_active_opens_total") == .unsigned(1103))
        #expect(metrics.single("netstat_udp_ignored_multi_total") == .unsigned(58))
        #expect(metrics.single("netstat_icmpmsg_out_type3_total") == .unsigned(50))
        #expect(metrics.single("netstat_tcpext_tcpofo_queue_total") == .unsigned(65_515))
        #expect(metrics.single("netstat_tcpext_tcp_rcv_qdrop_total") == .unsigned(92_425))
        #expect(metrics.single("netstat_tcpext_tcpmd5_not_found_total") == .unsigned(2))
        #expect(metrics.single("netstat_ipext_in_octets_total") == .unsigned(190_585_481))
        #expect(metrics.single("netstat_ip6_in_octets_total") == .unsigned(113_479_132))
        #expect(metrics.single("netstat_icmp6_in_type134_total") == .unsigned(111))
        #expect(metrics.single("netstat_udplite6_in_csum_errors_total") == .unsigned(0))

        let gauges = metrics.families.values.filter { $0.type == .gauge }.map(\.name).sorted()
        #expect(gauges == [
            "netstat_ip_default_ttl", "netstat_ip_forwarding", "netstat_tcp_curr_estab", "netstat_tcp_max_conn",
            "netstat_tcp_rto_algorithm", "netstat_tcp_rto_max", "netstat_tcp_rto_min",
        ])
        #expect(metrics.families.values.allSatisfy { $0.type == .gauge || $0.name.hasSuffix("_total") })
        #expect(metrics.families["netstat_tcpext_listen_overflows_total"]?.help
            == "TcpExt ListenOverflows from /proc/net/netstat.")
        #expect(metrics.families["netstat_tcp_max_conn"]?.help == "Tcp MaxConn from /proc/net/snmp.")
        #expect(metrics.families["netstat_ip6_in_receives_total"]?.help == "Ip6 InReceives from /proc/net/snmp6.")
    }

    @Test func fieldsFlagNarrowsTheNames() throws {
        let collector = try Self.make(["--collector.protocols.fields=tcpext_listen.*|tcp_max_conn"])
        let (metrics, report) = CollectorRun.once(collector, paths: Self.procfsFixture)
        #expect(report.succeeded)
        #expect(metrics.families.keys.sorted() == [
            "netstat_tcp_max_conn", "netstat_tcpext_listen_drops_total", "netstat_tcpext_listen_overflows_total",
        ])
        // Anchored: a partial match is not enough.
        let partial = try Self.make(["--collector.protocols.fields=listen"])
        #expect(CollectorRun.once(partial, paths: Self.procfsFixture).metrics.families.isEmpty)
    }

    @Test func invalidFieldsRegexIsAFlagError() {
        #expect(throws: FlagError("--collector.protocols.fields: invalid regular expression \"tcp_(\"")) {
            try Self.make(["--collector.protocols.fields=tcp_("])
        }
    }

    @Test func missingRequiredFileFailsButTheOthersAreExported() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree(
            ["net/netstat": "TcpExt: ListenOverflows\nTcpExt: 7\n"]) { _ in ProtocolsCollector() }
        #expect(report.failures == ["\(root)/net/snmp: no such file"])
        #expect(metrics.families.keys.sorted() == ["netstat_tcpext_listen_overflows_total"])
        #expect(metrics.single("netstat_tcpext_listen_overflows_total") == .unsigned(7))
    }

    @Test func missingSNMP6IsNoDataNotAFailure() throws {
        let (metrics, report, _) = try CollectorRun.inProcTree(
            ["net/snmp": "Tcp: MaxConn\nTcp: -1\n", "net/netstat": "TcpExt: TW\nTcpExt: 3\n"]
        ) { _ in ProtocolsCollector() }
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(metrics.families.keys.sorted() == ["netstat_tcp_max_conn", "netstat_tcpext_tw_total"])
    }

    @Test func emptyOrGarbageRequiredFileFails() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree(
            ["net/snmp": "", "net/netstat": "garbage\n\u{0}\u{1}\n", "net/snmp6": ""]
        ) { _ in ProtocolsCollector() }
        #expect(report.failures == [
            "\(root)/net/snmp:1: no statistics found",
            "\(root)/net/netstat:1: no statistics found",
        ])
        #expect(report.skippedLines == 2)
        #expect(metrics.families.isEmpty)
    }

    @Test func malformedPairIsCountedAndTheRestExported() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree([
            "net/snmp": "Ip: Forwarding DefaultTTL\nIp: 1\nTcp: CurrEstab\nTcp: 4\n",
            "net/netstat": "TcpExt: TW\nTcpExt: 3\n",
            "net/snmp6": "Ip6InReceives 5\nIp6InDelivers\n",
        ]) { _ in ProtocolsCollector() }
        #expect(report.succeeded)
        #expect(report.skippedLines == 2)
        #expect(report.firstSkip == "\(root)/net/snmp: line 2: Ip: 2 names but 1 values")
        #expect(metrics.families.keys.sorted() == [
            "netstat_ip6_in_receives_total", "netstat_tcp_curr_estab", "netstat_tcpext_tw_total",
        ])
    }

    @Test func secondKernelNameForTheSameMetricIsLeftOut() throws {
        // TCPFoo and TcpFoo both become tcp_foo; the first in file order wins.
        let (metrics, report, _) = try CollectorRun.inProcTree(
            ["net/snmp": "Tcp: TCPFoo TcpFoo Bar\nTcp: 1 2 3\n", "net/netstat": "TcpExt: TW\nTcpExt: 3\n"]
        ) { _ in ProtocolsCollector() }
        #expect(report.succeeded)
        #expect(metrics.families["netstat_tcp_tcp_foo_total"]?.samples.count == 1)
        #expect(metrics.single("netstat_tcp_tcp_foo_total") == .unsigned(1))
        #expect(metrics.single("netstat_tcp_bar_total") == .unsigned(3))
        #expect(metrics.families.count == 3)
    }

    @Test func concurrentScrapesAgree() async {
        let collector = ProtocolsCollector()
        let expected = CollectorRun.once(collector, paths: Self.procfsFixture).metrics.sortedFamilies.map(\.samples)
        await withTaskGroup(of: [[Sample]].self) { group in
            for _ in 0..<8 {
                group.addTask { CollectorRun.once(collector, paths: Self.procfsFixture).metrics.sortedFamilies.map(\.samples) }
            }
            for await samples in group {
                #expect(samples == expected)
            }
        }
        #expect(collector.names.cachedCount == 79 + 131 + 91)
    }

    /// On this host's kernel: every field of the live files becomes one metric (no two names
    /// collide), and a level we can read elsewhere agrees.
    @Test func liveProcHasOneMetricPerKernelField() throws {
        var fieldCount = 0
        for file in ["snmp", "netstat"] {
            let lines = try String(contentsOfFile: "/proc/net/\(file)", encoding: .utf8)
                .split(separator: "\n")
            for header in stride(from: 0, to: lines.count, by: 2) {
                fieldCount += lines[header].split(separator: " ").count - 1
            }
        }
        if let snmp6 = try? String(contentsOfFile: "/proc/net/snmp6", encoding: .utf8) {
            fieldCount += snmp6.split(separator: "\n").count
        }
        let (metrics, report) = CollectorRun.once(ProtocolsCollector(), paths: ProcPaths())
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(metrics.families.count == fieldCount)
        let ttl = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_default_ttl", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(metrics.single("netstat_ip_default_ttl") == .unsigned(UInt64(ttl)!))
    }

    static func make(_ arguments: [String]) throws(FlagError) -> any Collector {
        let descriptor = ProtocolsCollector.descriptor
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: descriptor.flags) else {
            throw FlagError("no flags")
        }
        return try descriptor.make(flags, procfsFixture)
    }
}
