import Collectors
import Flags

/// A duration flag written as Prometheus and Go write them: a whole number and a unit,
/// `500ms`, `10s`, `2m`, `1h`, or several together (`1m30s`).
enum DurationFlag {
    /// The duration in seconds; the error names the flag, the allowed range and the text given.
    static func seconds(_ text: String, flag: String, in range: ClosedRange<Double>) throws(FlagError) -> Double {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text)
        var total = 0.0
        var parts = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            guard let number = Int(digits),
                  let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { parts = 0; break }
            rest = rest.dropFirst(unit.suffix.count)
            total += Double(number) * unit.seconds
            parts += 1
        }
        guard parts > 0, range.contains(total) else {
            throw FlagError("--\(flag): expected a duration from \(describe(range.lowerBound)) to "
                            + "\(describe(range.upperBound)) such as 10s or 500ms, got \"\(text)\"")
        }
        return total
    }

    private static func describe(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded()))ms" : "\(Int(seconds))s"
    }
}
