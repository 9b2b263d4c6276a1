import ProcNet
import Testing
import TestSupport

extension Array where Element == ProtocolStatistic {
    /// The value of one statistic, for assertions.
    func value(_ section: String, _ field: String) -> ProcValue? {
        first { $0.section == section && $0.field == field }?.value
    }

    /// "Section Field" of every statistic, in order.
    var names: [String] { map { "\($0.section) \($0.field)" } }
}

@Suite struct SNMPTableTests {
    @Test func parsesNodeExporterSNMP() throws {
        let (statistics, summary) = SNMPTable.parse(try Fixtures.bytes("node_exporter/proc/net/snmp"))
        #expect(summary.parsed == 6)
        #expect(summary.skipped == 0)
        #expect(statistics.count == 19 + 27 + 2 + 15 + 7 + 7)
        #expect(statistics.first == ProtocolStatistic(section: "Ip", field: "Forwarding", value: .unsigned(1)))
        #expect(statistics.last == ProtocolStatistic(section: "UdpLite", field: "InCsumErrors", value: .unsigned(0)))
        #expect(statistics.value("Ip", "DefaultTTL") == .unsigned(64))
        #expect(statistics.value("Ip", "InReceives") == .unsigned(57_740_232))
        #expect(statistics.value("IcmpMsg", "OutType3") == .unsigned(120))
        #expect(statistics.value("Tcp", "MaxConn") == .negative(-1))
        #expect(statistics.value("Tcp", "InSegs") == .unsigned(57_252_008))
        #expect(statistics.value("Udp", "SndbufErrors") == .unsigned(8))
        #expect(Set(statistics.map(\.section)) == ["Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"])
    }

    @Test func parsesNodeExporterNetstat() throws {
        let (statistics, summary) = SNMPTable.parse(try Fixtures.bytes("node_exporter/proc/net/netstat"))
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 0)
        #expect(statistics.count == 84 + 12)
        #expect(statistics.value("TcpExt", "SyncookiesFailed") == .unsigned(2))
        #expect(statistics.value("TcpExt", "TW") == .unsigned(388_812))
        #expect(statistics.value("TcpExt", "TCPOFOQueue") == .unsigned(42))
        #expect(statistics.value("TcpExt", "TCPRcvQDrop") == .unsigned(131))
        #expect(statistics.value("IpExt", "InOctets") == .unsigned(6_286_396_970))
        #expect(statistics.value("IpExt", "OutOctets") == .unsigned(2_786_264_347))
        #expect(statistics.last == ProtocolStatistic(section: "IpExt", field: "OutBcastOctets", value: .unsigned(0)))
    }

    @Test func parsesProcfsSNMPAndNetstat() throws {
        let (snmp, snmpSummary) = SNMPTable.parse(try Fixtures.bytes("procfs/proc-pid-26231/net/snmp"))
        #expect(snmpSummary == summaryOf(parsed: 6))
        #expect(snmp.count == 19 + 27 + 2 + 15 + 8 + 8)
        #expect(snmp.value("Ip", "Forwarding") == .unsigned(2))
        #expect(snmp.value("Tcp", "CurrEstab") == .unsigned(15))
        #expect(snmp.value("Tcp", "MaxConn") == .negative(-1))
        #expect(snmp.value("Udp", "IgnoredMulti") == .unsigned(58))

        let (netstat, netstatSummary) = SNMPTable.parse(try Fixtures.bytes("procfs/proc-pid-26231/net/netstat"))
        #expect(netstatSummary == summaryOf(parsed: 2))
        #expect(netstat.count == 113 + 18)
        #expect(netstat.value("TcpExt", "TCPMD5NotFound") == .unsigned(2))
        #expect(netstat.value("TcpExt", "TCPRcvQDrop") == .unsigned(92_425))
        #expect(netstat.value("TcpExt", "TCPOFOQueue") == .unsigned(65_515))
        #expect(netstat.value("IpExt", "InOctets") == .unsigned(190_585_481))
        #expect(netstat.last == ProtocolStatistic(section: "IpExt", field: "ReasmOverlaps", value: .unsigned(0)))
    }

    @Test func keepsFullUnsignedRangeAndRefusesOverflow() {
        let text = "Tcp: Big Bigger Negative Small\nTcp: 18446744073709551615 18446744073709551616 -9 7\n"
        let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
        #expect(statistics.names == ["Tcp Big", "Tcp Negative", "Tcp Small"])
        #expect(statistics.value("Tcp", "Big") == .unsigned(UInt64.max))
        #expect(statistics.value("Tcp", "Negative") == .negative(-9))
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 2: Tcp: field 2 is not a name with a number")
    }

    @Test func skipsAPairWhoseCountsDiffer() {
        // The Tcp value line was cut in half; the sections around it are intact.
        let text = "Ip: Forwarding DefaultTTL\nIp: 1 64\nTcp: RtoAlgorithm RtoMin RtoMax\nTcp: 1 200\n"
            + "Udp: InDatagrams NoPorts\nUdp: 5 6\n"
        let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
        #expect(statistics.names == ["Ip Forwarding", "Ip DefaultTTL", "Udp InDatagrams", "Udp NoPorts"])
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 4: Tcp: 3 names but 2 values")
    }

    @Test func resynchronisesAfterALostLine() {
        // The Ip value line is missing: the Ip header is skipped and Tcp still pairs up.
        let text = "Ip: Forwarding DefaultTTL\nTcp: ActiveOpens PassiveOpens\nTcp: 3 4\n"
        let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
        #expect(statistics.names == ["Tcp ActiveOpens", "Tcp PassiveOpens"])
        #expect(statistics.value("Tcp", "PassiveOpens") == .unsigned(4))
        #expect(summary.parsed == 1)
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 1: header without a value line of the same section")
    }

    @Test func skipsAHeaderLeftWithoutValues() {
        let text = "Tcp: ActiveOpens\nTcp: 3\nUdp: InDatagrams NoPo"
        let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
        #expect(statistics.names == ["Tcp ActiveOpens"])
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 3: header without a value line")
    }

    @Test func skipsNonNumericValuesAndBadNames() {
        let text = "Tcp: ActiveOpens Passive-Opens 9Lives AttemptFails\nTcp: 3 4 5 x1\n"
        let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
        #expect(statistics.names == ["Tcp ActiveOpens"])
        #expect(summary.skipped == 1)
        #expect(summary.parsed == 0)
    }

    @Test func rejectsLinesWithoutASectionLabel() {
        let text = "Tcp ActiveOpens\nTcp 3\n: A\n: 1\n"
        let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
        #expect(statistics.isEmpty)
        #expect(summary.skipped == 4)
    }

    @Test func emptyAndBlankFilesHaveNothing() {
        for text in ["", "\n", "  \n\t\n"] {
            let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
            #expect(statistics.isEmpty)
            #expect(summary == ParseSummary())
        }
    }

    @Test func survivesAOneMegabyteLine() {
        let long = String(repeating: "A", count: 1 << 20)
        let cases = [
            "Tcp: \(long)\nTcp: 1\nUdp: NoPorts\nUdp: 2\n",
            "Tcp: ActiveOpens\nTcp: \(String(repeating: "9", count: 1 << 20))\nUdp: NoPorts\nUdp: 2\n",
            "\(long)\nUdp: NoPorts\nUdp: 2\n",
        ]
        for text in cases {
            let (statistics, summary) = SNMPTable.parse(Array(text.utf8))
            #expect(statistics.names == ["Udp NoPorts"])
            #expect(statistics.value("Udp", "NoPorts") == .unsigned(2))
            #expect(summary.skipped == 1)
        }
    }

    private func summaryOf(parsed: Int) -> ParseSummary {
        var summary = ParseSummary()
        summary.parsed = parsed
        return summary
    }
}
