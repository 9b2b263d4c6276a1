extension ParseSummary {
    /// Parses what is left of `lines` one row at a time, for the tables with one record a line:
    /// an empty line is passed over, a line `parseRow` rejects is skipped and counted as
    /// `malformed`, every other row goes to `body`. `lineNumber` is that of the last line already
    /// read (the header's), so skips name the line as an editor numbers it.
    @inline(__always)
    mutating func parseRows<Row>(
        _ lines: inout ByteLines, after lineNumber: Int, malformed: String,
        _ parseRow: (Range<Int>) -> Row?, _ body: (Row) -> Void
    ) {
        var lineNumber = lineNumber
        while let line = lines.next() {
            lineNumber += 1
            if line.isEmpty { continue }
            if let row = parseRow(line) {
                parsed += 1
                body(row)
            } else {
                skip(line: lineNumber, malformed)
            }
        }
    }
}
