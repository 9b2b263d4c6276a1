/// Parser for /proc/net/snmp6, IPv6's protocol statistics as one "name value" pair a line
/// (kernel: net/ipv6/proc.c `snmp6_seq_show`; field names as in /proc/net/snmp):
///
///     Ip6InReceives                   	92166
///     Icmp6OutType135                 	5
///     UdpLite6InDatagrams             	0
///
/// The section is the name up to and including its first "6" (Ip6, Icmp6, IcmpMsg6, Udp6,
/// UdpLite6), the field is the rest. A line that is not exactly a valid name and a number, or
/// whose name has no "6" with a field after it, is skipped and counted.
public enum SNMP6Table {
    public static func parse(_ bytes: [UInt8]) -> (statistics: [ProtocolStatistic], summary: ParseSummary) {
        var statistics: [ProtocolStatistic] = []
        var summary = ParseSummary()
        // Lines of one section are adjacent, so its String is made once and shared.
        var section = ""
        var sectionBytes: ArraySlice<UInt8> = []
        var lineNumber = 0
        for line in ByteLines(bytes) {
            lineNumber += 1
            var fields = ByteFields(bytes, line: line)
            guard let name = fields.next() else { continue }
            guard let valueField = fields.next(), fields.next() == nil,
                  let value = ByteNumber.signedDecimal(bytes, valueField),
                  StatisticName.isValid(bytes, name),
                  let six = name.first(where: { bytes[$0] == UInt8(ascii: "6") }),
                  six + 1 < name.upperBound, StatisticName.isLetter(bytes[six + 1]) else {
                summary.skip(line: lineNumber, "not a section-and-field name followed by a number")
                continue
            }
            let prefix = bytes[name.lowerBound...six]
            if !prefix.elementsEqual(sectionBytes) {
                sectionBytes = prefix
                section = String(decoding: prefix, as: UTF8.self)
            }
            statistics.append(ProtocolStatistic(
                section: section, field: ByteNumber.text(bytes, (six + 1)..<name.upperBound), value: value))
            summary.parsed += 1
        }
        return (statistics, summary)
    }
}
