import ProcNet
import Testing
import TestSupport

@Suite struct ConntrackStatTableTests {
    /// Linux 6.18, two CPUs, a namespace holding three loopback connections after four invalid
    /// packets (Tests/Fixtures/README.md).
    @Test func parsesTheCapture() throws {
        let (statistics, summary) = ConntrackStatTable.parse(try Fixtures.bytes("debian12/proc/net/stat/nf_conntrack"))
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 0)
        let parsed = try #require(statistics)
        #expect(parsed.entries == 3)
        #expect(parsed.cpus == 2)
        var expected = Dictionary(uniqueKeysWithValues: ConntrackCounter.allCases.map { ($0, UInt64(0)) })
        expected[.invalid] = 8
        #expect(parsed.counters == expected)
    }

    /// Columns are taken by their header's name; counters summed, `entries` not.
    @Test func sumsCountersByColumnName() {
        let text = """
            entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
            0000002a  00000001 00000010 00000000 00000003 00000000 00000000 00000004 00000005 00000006 00000007 00000008 00000009  0000000a 0000000b 0000000c 0000000d
            0000002a  00000001 000000f0 00000000 00000003 00000000 00000000 00000004 00000005 00000006 00000007 00000008 00000009  0000000a 0000000b 0000000c 0000000d
            0000002a  ffffffff 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000

            """
        let (statistics, summary) = ConntrackStatTable.parse(Array(text.utf8))
        #expect(summary.parsed == 3)
        #expect(statistics == ConntrackStatistics(entries: 42, counters: [
            .clashResolve: 2 + 0xffff_ffff, .found: 0x100, .invalid: 6, .chainTooLong: 8, .insert: 10, .insertFailed: 12,
            .drop: 14, .earlyDrop: 16, .icmpError: 18, .searchRestart: 26,
        ], cpus: 3))
    }

    /// An older kernel's header (Linux 4.x–5.8: `searched`, `delete_list`, no clashres): what it
    /// lacks is absent, not zero.
    @Test func anOlderKernelsColumnsLeaveTheMissingOnesAbsent() {
        let text = """
            entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
            00000007  00000000 00000002 00000000 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000003

            """
        let (statistics, _) = ConntrackStatTable.parse(Array(text.utf8))
        #expect(statistics?.entries == 7)
        #expect(statistics?.counters[.found] == 2)
        #expect(statistics?.counters[.searchRestart] == 3)
        #expect(statistics?.counters[.clashResolve] == nil)
        #expect(statistics?.counters[.chainTooLong] == nil)
    }

    @Test func aRowOfTheWrongWidthOrNotHexIsSkippedAndCounted() {
        let text = "entries found insert_failed\n00000001 00000002 00000003\n00000001 00000002\n0000000x 1 1\n00000001 00000004 00000005\n"
        let (statistics, summary) = ConntrackStatTable.parse(Array(text.utf8))
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 2)
        #expect(summary.firstProblem?.contains("line 3") == true)
        #expect(statistics == ConntrackStatistics(entries: 1, counters: [.found: 6, .insertFailed: 8], cpus: 2))
    }

    @Test func anEmptyFileHasNoStatistics() {
        #expect(ConntrackStatTable.parse([]).statistics == nil)
        #expect(ConntrackStatTable.parse(Array("\n\n".utf8)).statistics == nil)
        // A header without rows: no CPU, no entries.
        #expect(ConntrackStatTable.parse(Array("entries found\n".utf8)).statistics == ConntrackStatistics())
    }
}
