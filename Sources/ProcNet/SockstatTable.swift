/// Parser for /proc/net/sockstat and /proc/net/sockstat6, socket counts per protocol
/// (kernel: net/ipv4/proc.c `sockstat_seq_show`, net/ipv6/proc.c `sockstat6_seq_show`):
///
///     sockets: used 229
///     TCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1
///     FRAG: inuse 0 memory 0
///
/// Each line is a "PROTO:" label followed by key/value pairs; each pair becomes a statistic whose
/// section is the label ("TCP", "sockets") and whose field is the key ("inuse"). `mem` is in pages, FRAG's
/// `memory` in bytes; the parser reports them as the kernel does. A line without a label, a
/// key that is not a name, a value that is not a number or a key without a value is counted
/// as one skip for that line; the line's good pairs are kept.
public enum SockstatTable {
    public static func parse(_ bytes: [UInt8]) -> (statistics: [ProtocolStatistic], summary: ParseSummary) {
        var statistics: [ProtocolStatistic] = []
        var summary = ParseSummary()
        var lineNumber = 0
        for line in ByteLines(bytes) {
            lineNumber += 1
            var fields = ByteFields(bytes, line: line)
            guard let label = fields.next() else { continue }
            guard let protoName = StatisticName.sectionLabel(bytes, label) else {
                summary.skip(line: lineNumber, "no \"PROTO:\" label")
                continue
            }
            let proto = ByteNumber.text(bytes, protoName)
            var lineIsClean = true
            var pairs = 0
            while let key = fields.next() {
                guard let valueField = fields.next(), StatisticName.isValid(bytes, key),
                      let value = ByteNumber.signedDecimal(bytes, valueField) else {
                    lineIsClean = false
                    continue
                }
                statistics.append(ProtocolStatistic(section: proto, field: ByteNumber.text(bytes, key), value: value))
                pairs += 1
            }
            if lineIsClean && pairs > 0 {
                summary.parsed += 1
            } else {
                summary.skip(line: lineNumber, "\(proto): not a list of key and number pairs")
            }
        }
        return (statistics, summary)
    }
}
