/// Parser for /proc/net/stat/nf_conntrack, the connection tracker's statistics, one row per
/// possible CPU in hexadecimal (kernel: net/netfilter/nf_conntrack_standalone.c `ct_cpu_seq_show`;
/// Documentation/networking/nf_conntrack-sysctl.rst):
///
///     entries  clashres found new invalid ignore delete chainlength insert insert_failed drop …
///     0000000e  00000000 00000013 00000000 00000000 00000000 00000000 00000000 0000000e …
///
/// The header names the columns, and the set differs between kernels, so values are taken by
/// column name. `entries` is the namespace's entry count, the same in every row; the counters are
/// summed over the rows. A row whose field count differs from the header's or that holds a field
/// that is not hexadecimal is skipped and counted; no header (an empty file) gives no values.
public enum ConntrackStatTable {
    public static func parse(_ bytes: [UInt8]) -> (statistics: ConntrackStatistics?, summary: ParseSummary) {
        var summary = ParseSummary()
        var columns: [String]?
        var statistics = ConntrackStatistics()
        var lineNumber = 0
        for line in ByteLines(bytes) {
            lineNumber += 1
            var fields = ByteFields(bytes, line: line)
            guard columns != nil else {
                var names: [String] = []
                while let field = fields.next() { names.append(ByteNumber.text(bytes, field)) }
                if !names.isEmpty { columns = names }
                continue
            }
            var values: [UInt64] = []
            var clean = true
            while let field = fields.next() {
                guard let value = ByteNumber.hex(bytes, field) else {
                    clean = false
                    break
                }
                values.append(value)
            }
            if clean && values.isEmpty { continue }
            guard clean, values.count == columns!.count else {
                summary.skip(line: lineNumber, "not \(columns!.count) hexadecimal fields")
                continue
            }
            var row: [ConntrackCounter: UInt64] = [:]
            for (name, value) in zip(columns!, values) {
                if name == "entries" {
                    statistics.entries = value
                } else if let counter = ConntrackCounter.forProcColumn(name) {
                    row[counter] = value
                }
            }
            statistics.addCPU(row)
            summary.parsed += 1
        }
        guard columns != nil else { return (nil, summary) }
        return (statistics, summary)
    }
}
