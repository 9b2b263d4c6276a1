@testable import Collectors
import Exposition
import Foundation
import ProcNet
import Testing
import TestSupport

@Suite struct SockstatCollectorTests {
    static let procfsFixture = ProcPaths(procfs: Fixtures.path("procfs/proc"))

    @Test func exportsEveryCountWithMemoryInBytes() {
        let (metrics, report) = CollectorRun.once(SockstatCollector(pageSize: 4096), paths: Self.procfsFixture)
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        let expected: [String: UInt64] = [
            "netstat_sockstat_sockets_used": 1602,
            "netstat_sockstat_tcp_inuse": 35, "netstat_sockstat_tcp_orphan": 0, "netstat_sockstat_tcp_tw": 4,
            "netstat_sockstat_tcp_alloc": 59, "netstat_sockstat_tcp_mem_bytes": 22 * 4096,
            "netstat_sockstat_udp_inuse": 12, "netstat_sockstat_udp_mem_bytes": 62 * 4096,
            "netstat_sockstat_udplite_inuse": 0, "netstat_sockstat_raw_inuse": 0,
            "netstat_sockstat_frag_inuse": 0, "netstat_sockstat_frag_memory_bytes": 0,
            "netstat_sockstat_tcp6_inuse": 17, "netstat_sockstat_udp6_inuse": 9,
            "netstat_sockstat_udplite6_inuse": 0, "netstat_sockstat_raw6_inuse": 1,
            "netstat_sockstat_frag6_inuse": 0, "netstat_sockstat_frag6_memory_bytes": 0,
        ]
        #expect(metrics.families.keys.sorted() == expected.keys.sorted())
        for (name, value) in expected {
            #expect(metrics.single(name) == .unsigned(value), "\(name)")
            #expect(metrics.families[name]?.type == .gauge)
        }
        #expect(metrics.families["netstat_sockstat_tcp_mem_bytes"]?.help
            == "TCP mem from /proc/net/sockstat, pages converted to bytes.")
        #expect(metrics.families["netstat_sockstat_tcp6_inuse"]?.help == "TCP6 inuse from /proc/net/sockstat6.")
    }

    @Test func memFollowsThePageSize() {
        let (metrics, _) = CollectorRun.once(SockstatCollector(pageSize: 65536), paths: Self.procfsFixture)
        #expect(metrics.single("netstat_sockstat_tcp_mem_bytes") == .unsigned(22 * 65536))
        #expect(metrics.single("netstat_sockstat_tcp_mem") == nil)
    }

    @Test func systemPageSizeIsTheKernels() throws {
        let getconf = try Shell.run(["getconf", "PAGESIZE"])
        #expect(getconf.status == 0)
        #expect(SockstatCollector.systemPageSize
            == UInt64(getconf.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func missingSockstatFailsAndMissingSockstat6DoesNot() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree(["net/sockstat6": "TCP6: inuse 2\n"]) { _ in
            SockstatCollector()
        }
        #expect(report.failures == ["\(root)/net/sockstat: no such file"])
        #expect(metrics.families.keys.sorted() == ["netstat_sockstat_tcp6_inuse"])

        let (only4, report4, _) = try CollectorRun.inProcTree(["net/sockstat": "sockets: used 5\n"]) { _ in
            SockstatCollector()
        }
        #expect(report4.succeeded)
        #expect(only4.families.keys.sorted() == ["netstat_sockstat_sockets_used"])
    }

    @Test func malformedInputIsCountedNotFatal() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree([
            "net/sockstat": "sockets: used 5\nTCP: inuse 3 mem 18446744073709551615\nUDP: inuse x\nhalf",
            "net/sockstat6": "",
        ]) { _ in SockstatCollector(pageSize: 4096) }
        #expect(report.succeeded)
        // "UDP: inuse x", "half", and TCP mem whose bytes overflow 64 bits.
        #expect(report.skippedLines == 3)
        #expect(report.firstSkip == "\(root)/net/sockstat: line 3: UDP: not a list of key and number pairs")
        #expect(metrics.families.keys.sorted() == ["netstat_sockstat_sockets_used", "netstat_sockstat_tcp_inuse"])
    }

    @Test func emptySockstatFails() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree(["net/sockstat": ""]) { _ in
            SockstatCollector()
        }
        #expect(report.failures == ["\(root)/net/sockstat:1: no socket counts found"])
        #expect(metrics.families.isEmpty)
    }

}
