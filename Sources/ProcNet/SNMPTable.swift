/// Parser for the two-line header/value layout of /proc/net/snmp and /proc/net/netstat
/// (kernel: net/ipv4/proc.c `snmp_seq_show_*`, `netstat_seq_show`; the fields are the MIB
/// names in include/uapi/linux/snmp.h, documented in Documentation/networking/snmp_counter.rst).
///
///     Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens …
///     Tcp: 1 200 120000 -1 3556 …
///
/// A file holds several sections (Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite in snmp; TcpExt, IpExt,
/// MPTcpExt in netstat), each a header line of field names followed by a line of values in the
/// same order. Values are unsigned 64-bit, except that a value may be negative (Tcp MaxConn is -1).
///
/// Malformed input is skipped and counted, never fatal:
/// - a value line whose count differs from its header's: the pair is skipped;
/// - a line whose section differs from the header before it (a line lost or doubled): the
///   header is skipped and the line becomes the next header, so one lost line costs one section;
/// - a field name that is not a name, or a value that is not a number: that field is skipped;
/// - a header left without a value line at the end of the file: skipped.
public enum SNMPTable {
    public static func parse(_ bytes: [UInt8]) -> (statistics: [ProtocolStatistic], summary: ParseSummary) {
        var statistics: [ProtocolStatistic] = []
        var summary = ParseSummary()
        var pendingHeader: (line: Range<Int>, number: Int)?
        var lineNumber = 0
        for line in ByteLines(bytes) {
            lineNumber += 1
            var probe = ByteFields(bytes, line: line)
            guard probe.next() != nil else { continue }
            guard let header = pendingHeader else {
                pendingHeader = (line, lineNumber)
                continue
            }
            guard let section = matchingSection(bytes, header: header.line, values: line) else {
                summary.skip(line: header.number, "header without a value line of the same section")
                pendingHeader = (line, lineNumber)
                continue
            }
            pendingHeader = nil
            if let problem = parsePair(bytes, header: header.line, values: line, section: section,
                                       into: &statistics) {
                summary.skip(line: lineNumber, problem)
            } else {
                summary.parsed += 1
            }
        }
        if let header = pendingHeader {
            summary.skip(line: header.number, "header without a value line")
        }
        return (statistics, summary)
    }

    /// The section name when both lines start with the same valid "Name:" label.
    static func matchingSection(_ bytes: [UInt8], header: Range<Int>, values: Range<Int>) -> String? {
        var headerFields = ByteFields(bytes, line: header)
        var valueFields = ByteFields(bytes, line: values)
        guard let headerLabel = headerFields.next(), let valueLabel = valueFields.next(),
              headerLabel.count == valueLabel.count,
              bytes[headerLabel].elementsEqual(bytes[valueLabel]),
              let name = StatisticName.sectionLabel(bytes, headerLabel) else { return nil }
        return ByteNumber.text(bytes, name)
    }

    /// Appends the pair's statistics and returns nil, or what was wrong: the whole pair is
    /// skipped when the counts differ, a single field when its name or value is bad.
    static func parsePair(_ bytes: [UInt8], header: Range<Int>, values: Range<Int>, section: String,
                          into statistics: inout [ProtocolStatistic]) -> String? {
        var names = ByteFields(bytes, line: header)
        var numbers = ByteFields(bytes, line: values)
        _ = names.next()
        _ = numbers.next()
        var nameRanges: [Range<Int>] = []
        var valueRanges: [Range<Int>] = []
        while let name = names.next() { nameRanges.append(name) }
        while let value = numbers.next() { valueRanges.append(value) }
        guard nameRanges.count == valueRanges.count else {
            return "\(section): \(nameRanges.count) names but \(valueRanges.count) values"
        }
        var problem: String?
        for (position, (name, value)) in zip(nameRanges, valueRanges).enumerated() {
            guard StatisticName.isValid(bytes, name), let number = ByteNumber.signedDecimal(bytes, value) else {
                if problem == nil { problem = "\(section): field \(position + 1) is not a name with a number" }
                continue
            }
            statistics.append(ProtocolStatistic(section: section, field: ByteNumber.text(bytes, name), value: number))
        }
        return problem
    }
}
