import ProcNet
import Testing
import TestSupport

@Suite struct SockstatTableTests {
    @Test func parsesNodeExporterSockstat() throws {
        let (statistics, summary) = SockstatTable.parse(try Fixtures.bytes("node_exporter/proc/net/sockstat"))
        #expect(summary.parsed == 6)
        #expect(summary.skipped == 0)
        #expect(statistics == [
            ProtocolStatistic(section: "sockets", field: "used", value: .unsigned(229)),
            ProtocolStatistic(section: "TCP", field: "inuse", value: .unsigned(4)),
            ProtocolStatistic(section: "TCP", field: "orphan", value: .unsigned(0)),
            ProtocolStatistic(section: "TCP", field: "tw", value: .unsigned(4)),
            ProtocolStatistic(section: "TCP", field: "alloc", value: .unsigned(17)),
            ProtocolStatistic(section: "TCP", field: "mem", value: .unsigned(1)),
            ProtocolStatistic(section: "UDP", field: "inuse", value: .unsigned(0)),
            ProtocolStatistic(section: "UDP", field: "mem", value: .unsigned(0)),
            ProtocolStatistic(section: "UDPLITE", field: "inuse", value: .unsigned(0)),
            ProtocolStatistic(section: "RAW", field: "inuse", value: .unsigned(0)),
            ProtocolStatistic(section: "FRAG", field: "inuse", value: .unsigned(0)),
            ProtocolStatistic(section: "FRAG", field: "memory", value: .unsigned(0)),
        ])
    }

    @Test func parsesProcfsSockstatAndSockstat6() throws {
        let (statistics, summary) = SockstatTable.parse(try Fixtures.bytes("procfs/proc/net/sockstat"))
        #expect(summary.parsed == 6)
        #expect(statistics.count == 12)
        #expect(statistics[0] == ProtocolStatistic(section: "sockets", field: "used", value: .unsigned(1602)))
        #expect(statistics[5] == ProtocolStatistic(section: "TCP", field: "mem", value: .unsigned(22)))
        #expect(statistics[7] == ProtocolStatistic(section: "UDP", field: "mem", value: .unsigned(62)))

        let (statistics6, summary6) = SockstatTable.parse(try Fixtures.bytes("procfs/proc/net/sockstat6"))
        #expect(summary6.parsed == 5)
        #expect(summary6.skipped == 0)
        #expect(statistics6 == [
            ProtocolStatistic(section: "TCP6", field: "inuse", value: .unsigned(17)),
            ProtocolStatistic(section: "UDP6", field: "inuse", value: .unsigned(9)),
            ProtocolStatistic(section: "UDPLITE6", field: "inuse", value: .unsigned(0)),
            ProtocolStatistic(section: "RAW6", field: "inuse", value: .unsigned(1)),
            ProtocolStatistic(section: "FRAG6", field: "inuse", value: .unsigned(0)),
            ProtocolStatistic(section: "FRAG6", field: "memory", value: .unsigned(0)),
        ])
    }

    @Test func keepsTheGoodPairsOfABadLine() {
        let text = "TCP: inuse 4 orphan x tw 2 alloc\nUDP inuse 3\nRAW:\nFRAG: inuse -1 memory 0\n"
        let (statistics, summary) = SockstatTable.parse(Array(text.utf8))
        #expect(statistics == [
            ProtocolStatistic(section: "TCP", field: "inuse", value: .unsigned(4)),
            ProtocolStatistic(section: "TCP", field: "tw", value: .unsigned(2)),
            ProtocolStatistic(section: "FRAG", field: "inuse", value: .negative(-1)),
            ProtocolStatistic(section: "FRAG", field: "memory", value: .unsigned(0)),
        ])
        #expect(summary.parsed == 1)
        #expect(summary.skipped == 3)
        #expect(summary.firstProblem == "line 1: TCP: not a list of key and number pairs")
    }

    @Test func emptyFileAndOneMegabyteLine() {
        #expect(SockstatTable.parse([]).statistics.isEmpty)
        #expect(SockstatTable.parse([]).summary == ParseSummary())
        let text = "TCP: inuse " + String(repeating: "7", count: 1 << 20) + "\nsockets: used 3\n"
        let (statistics, summary) = SockstatTable.parse(Array(text.utf8))
        #expect(statistics == [ProtocolStatistic(section: "sockets", field: "used", value: .unsigned(3))])
        #expect(summary.skipped == 1)
    }
}
