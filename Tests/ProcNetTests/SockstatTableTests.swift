import ProcNet
import Testing
import TestSupport

@Suite struct SockstatTableTests {
    @Test func parsesNodeExporterSockstat() throws {
        let (entries, summary) = SockstatTable.parse(try Fixtures.bytes("node_exporter/proc/net/sockstat"))
        #expect(summary.parsed == 6)
        #expect(summary.skipped == 0)
        #expect(entries == [
            SockstatEntry(proto: "sockets", field: "used", value: .unsigned(229)),
            SockstatEntry(proto: "TCP", field: "inuse", value: .unsigned(4)),
            SockstatEntry(proto: "TCP", field: "orphan", value: .unsigned(0)),
            SockstatEntry(proto: "TCP", field: "tw", value: .unsigned(4)),
            SockstatEntry(proto: "TCP", field: "alloc", value: .unsigned(17)),
            SockstatEntry(proto: "TCP", field: "mem", value: .unsigned(1)),
            SockstatEntry(proto: "UDP", field: "inuse", value: .unsigned(0)),
            SockstatEntry(proto: "UDP", field: "mem", value: .unsigned(0)),
            SockstatEntry(proto: "UDPLITE", field: "inuse", value: .unsigned(0)),
            SockstatEntry(proto: "RAW", field: "inuse", value: .unsigned(0)),
            SockstatEntry(proto: "FRAG", field: "inuse", value: .unsigned(0)),
            SockstatEntry(proto: "FRAG", field: "memory", value: .unsigned(0)),
        ])
    }

    @Test func parsesProcfsSockstatAndSockstat6() throws {
        let (entries, summary) = SockstatTable.parse(try Fixtures.bytes("procfs/proc/net/sockstat"))
        #expect(summary.parsed == 6)
        #expect(entries.count == 12)
        #expect(entries[0] == SockstatEntry(proto: "sockets", field: "used", value: .unsigned(1602)))
        #expect(entries[5] == SockstatEntry(proto: "TCP", field: "mem", value: .unsigned(22)))
        #expect(entries[7] == SockstatEntry(proto: "UDP", field: "mem", value: .unsigned(62)))

        let (entries6, summary6) = SockstatTable.parse(try Fixtures.bytes("procfs/proc/net/sockstat6"))
        #expect(summary6.parsed == 5)
        #expect(summary6.skipped == 0)
        #expect(entries6 == [
            SockstatEntry(proto: "TCP6", field: "inuse", value: .unsigned(17)),
            SockstatEntry(proto: "UDP6", field: "inuse", value: .unsigned(9)),
            SockstatEntry(proto: "UDPLITE6", field: "inuse", value: .unsigned(0)),
            SockstatEntry(proto: "RAW6", field: "inuse", value: .unsigned(1)),
            SockstatEntry(proto: "FRAG6", field: "inuse", value: .unsigned(0)),
            SockstatEntry(proto: "FRAG6", field: "memory", value: .unsigned(0)),
        ])
    }

    @Test func keepsTheGoodPairsOfABadLine() {
        let text = "TCP: inuse 4 orphan x tw 2 alloc\nUDP inuse 3\nRAW:\nFRAG: inuse -1 memory 0\n"
        let (entries, summary) = SockstatTable.parse(Array(text.utf8))
        #expect(entries == [
            SockstatEntry(proto: "TCP", field: "inuse", value: .unsigned(4)),
            SockstatEntry(proto: "TCP", field: "tw", value: .unsigned(2)),
            SockstatEntry(proto: "FRAG", field: "inuse", value: .negative(-1)),
            SockstatEntry(proto: "FRAG", field: "memory", value: .unsigned(0)),
        ])
        #expect(summary.parsed == 1)
        #expect(summary.skipped == 3)
        #expect(summary.firstProblem == "line 1: TCP: not a list of key and number pairs")
    }

    @Test func emptyFileAndOneMegabyteLine() {
        #expect(SockstatTable.parse([]).entries.isEmpty)
        #expect(SockstatTable.parse([]).summary == ParseSummary())
        let text = "TCP: inuse " + String(repeating: "7", count: 1 << 20) + "\nsockets: used 3\n"
        let (entries, summary) = SockstatTable.parse(Array(text.utf8))
        #expect(entries == [SockstatEntry(proto: "sockets", field: "used", value: .unsigned(3))])
        #expect(summary.skipped == 1)
    }
}
