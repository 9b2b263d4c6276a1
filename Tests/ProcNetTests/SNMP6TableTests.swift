import ProcNet
import Testing
import TestSupport

@Suite struct SNMP6TableTests {
    @Test func parsesNodeExporterSNMP6() throws {
        let (statistics, summary) = SNMP6Table.parse(try Fixtures.bytes("node_exporter/proc/net/snmp6"))
        #expect(summary.parsed == 85)
        #expect(summary.skipped == 0)
        #expect(statistics.count == 85)
        #expect(statistics.first == ProtocolStatistic(section: "Ip6", field: "InReceives", value: .unsigned(7)))
        #expect(statistics.last == ProtocolStatistic(section: "UdpLite6", field: "InCsumErrors", value: .unsigned(0)))
        #expect(statistics.value("Ip6", "OutNoRoutes") == .unsigned(3003))
        #expect(statistics.value("Ip6", "InOctets") == .unsigned(460))
        #expect(statistics.value("Icmp6", "OutMsgs") == .unsigned(8))
        #expect(statistics.value("Icmp6", "OutType133") == .unsigned(3))
        #expect(statistics.value("Icmp6", "InMLDv2Reports") == .unsigned(0))
        #expect(statistics.value("Udp6", "RcvbufErrors") == .unsigned(9))
        #expect(Set(statistics.map(\.section)) == ["Ip6", "Icmp6", "Udp6", "UdpLite6"])
    }

    @Test func parsesProcfsSNMP6AndSkipsItsStrayLine() throws {
        // The capture ends with "Mode: 644", an artefact of the archive it came from.
        let (statistics, summary) = SNMP6Table.parse(try Fixtures.bytes("procfs/proc-pid-26231/net/snmp6"))
        #expect(statistics.count == 91)
        #expect(summary.parsed == 91)
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 92: not a section-and-field name followed by a number")
        #expect(statistics.value("Ip6", "InReceives") == .unsigned(92_166))
        #expect(statistics.value("Ip6", "InOctets") == .unsigned(113_479_132))
        #expect(statistics.value("Icmp6", "InType134") == .unsigned(111))
        #expect(statistics.value("Udp6", "IgnoredMulti") == .unsigned(12))
    }

    @Test func splitsSectionsAtTheFirstSix() {
        let text = "IcmpMsg6InType1 4\nUdpLite6InErrors\t1\nIp6In6Things 2\n"
        let (statistics, summary) = SNMP6Table.parse(Array(text.utf8))
        #expect(statistics.names == ["IcmpMsg6 InType1", "UdpLite6 InErrors", "Ip6 In6Things"])
        #expect(summary.parsed == 3)
    }

    @Test func skipsMalformedLines() {
        let lines = [
            "Ip6InReceives",             // half a line
            "Ip6InReceives 1 2",         // one value too many
            "Ip6InReceives x",           // not a number
            "IpInReceives 5",            // no "6"
            "Ip6 5",                     // no field after the section
            "Ip6-In 5",                  // not a name
            "Ip6InReceives 99999999999999999999", // overflows 64 bits
            "Udp6NoPorts -3",
            "",
            "Ip6InDelivers 8",
        ]
        let (statistics, summary) = SNMP6Table.parse(Array(lines.joined(separator: "\n").utf8))
        #expect(statistics == [
            ProtocolStatistic(section: "Udp6", field: "NoPorts", value: .negative(-3)),
            ProtocolStatistic(section: "Ip6", field: "InDelivers", value: .unsigned(8)),
        ])
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 7)
        #expect(summary.firstProblem == "line 1: not a section-and-field name followed by a number")
    }

    @Test func emptyFileAndOneMegabyteLine() {
        #expect(SNMP6Table.parse([]).statistics.isEmpty)
        #expect(SNMP6Table.parse([]).summary == ParseSummary())
        let text = "Ip6" + String(repeating: "A", count: 1 << 20) + " 1\nIp6InDelivers 8\n"
        let (statistics, summary) = SNMP6Table.parse(Array(text.utf8))
        #expect(statistics.names == ["Ip6 InDelivers"])
        #expect(summary.skipped == 1)
    }
}
