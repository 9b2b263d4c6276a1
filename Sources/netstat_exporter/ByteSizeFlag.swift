import Flags

/// A size flag written as Prometheus writes them (`--storage.tsdb.retention.size`): a whole
/// number and a unit, `512KiB`, `16MiB`, `1GiB`; as there, `KB`, `MB` and `GB` are powers of
/// 1024 too, and a bare number is bytes.
enum ByteSizeFlag {
    /// The size in bytes; the error names the flag, the allowed range and the text given.
    static func bytes(_ text: String, flag: String, in range: ClosedRange<Int>) throws(FlagError) -> Int {
        let units: [(suffix: String, bytes: Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30),
            ("B", 1), ("", 1),
        ]
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count)
        guard let number = Int(digits), let unit = units.first(where: { $0.suffix == suffix }),
              case let (total, overflow) = number.multipliedReportingOverflow(by: unit.bytes), !overflow,
              range.contains(total) else {
            throw FlagError("--\(flag): expected a size from \(range.lowerBound) to \(range.upperBound >> 20)MiB "
                            + "such as 16MiB or 512KiB, got \"\(text)\"")
        }
        return total
    }
}
