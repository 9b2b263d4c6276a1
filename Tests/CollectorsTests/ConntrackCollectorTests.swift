@testable import Collectors
import Exposition
import Foundation
import ProcNet
import Testing
import TestSupport

/// The conntrack collector on fixture procfs trees (the procfs fallback: a fixture is never
/// read through netlink).
@Suite struct ConntrackCollectorTests {
    static let capture = Fixtures.path("debian12/proc")

    @Test func readsTheCaptureAndTheLimit() {
        let (metrics, report) = CollectorRun.once(ConntrackCollector(), paths: ProcPaths(procfs: Self.capture))
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(metrics.single("netstat_conntrack_entries") == .unsigned(3))
        #expect(metrics.single("netstat_conntrack_entries_limit") == .unsigned(262_144))
        for (_, family) in ConntrackCollector.counterFamilies {
            #expect(metrics.single(family.name) == .unsigned(family.name.contains("invalid") ? 8 : 0), "\(family.name)")
            #expect(metrics.families[family.name]?.type == .counter)
        }
        #expect(metrics.families.count == 12)
    }

    @Test func withoutNfConntrackThereIsNothingAndNoFailure() throws {
        let (metrics, report, _) = try CollectorRun.inProcTree(["net/dev": ""]) { _ in ConntrackCollector() }
        #expect(report.succeeded)
        #expect(metrics.families.isEmpty)
    }

    /// The limit is read even when the statistics file is gone, and the other way round.
    @Test func eachFileIsUsedWithoutTheOther() throws {
        let (limitOnly, report, _) = try CollectorRun.inProcTree(
            ["sys/net/netfilter/nf_conntrack_max": "65536\n"]) { _ in ConntrackCollector() }
        #expect(report.succeeded)
        #expect(limitOnly.families.keys.sorted() == ["netstat_conntrack_entries_limit"])
        #expect(limitOnly.single("netstat_conntrack_entries_limit") == .unsigned(65536))

        let (statsOnly, report2, _) = try CollectorRun.inProcTree(
            ["net/stat/nf_conntrack": "entries found insert_failed\n00000009 00000001 00000002\n00000009 00000003 00000004\n"]) {
            _ in ConntrackCollector()
        }
        #expect(report2.succeeded)
        #expect(statsOnly.families.keys.sorted() == ["netstat_conntrack_entries", "netstat_conntrack_found_total",
                                                     "netstat_conntrack_insert_failed_total"])
        #expect(statsOnly.single("netstat_conntrack_entries") == .unsigned(9))
        #expect(statsOnly.single("netstat_conntrack_found_total") == .unsigned(4))
        #expect(statsOnly.single("netstat_conntrack_insert_failed_total") == .unsigned(6))
    }

    /// A file that is there but cannot be read (here a directory in its place) fails the
    /// collector; what else it can read is still written.
    @Test func anUnreadableFileFailsTheCollector() throws {
        let (metrics, report, root) = try CollectorRun.inProcTree(
            ["net/stat/nf_conntrack/not-a-file": "", "sys/net/netfilter/nf_conntrack_max": "1024\n"]) { _ in
            ConntrackCollector()
        }
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.hasPrefix("\(root)/net/stat/nf_conntrack") == true, "\(report.failures)")
        #expect(metrics.families.keys.sorted() == ["netstat_conntrack_entries_limit"])
    }

    @Test func aMalformedRowOrLimitIsSkippedAndCounted() throws {
        let (metrics, report, _) = try CollectorRun.inProcTree(
            ["net/stat/nf_conntrack": "entries drop\n00000002 00000001\n00000002\n",
             "sys/net/netfilter/nf_conntrack_max": "lots\n"]) { _ in ConntrackCollector() }
        #expect(report.succeeded)
        #expect(report.skippedLines == 2)
        #expect(metrics.single("netstat_conntrack_drops_total") == .unsigned(1))
        #expect(metrics.single("netstat_conntrack_entries_limit") == nil)
    }
}
