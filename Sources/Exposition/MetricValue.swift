/// A sample value. Counters and most gauges from /proc are integers and must print exactly
/// (a float64 loses precision above 2^53), so integers never pass through `Double`.
public enum MetricValue: Sendable, Hashable {
    case unsigned(UInt64)
    case signed(Int64)
    case double(Double)

    /// Appends the Prometheus spelling of the value: exact integers, `+Inf`, `-Inf`, `NaN`.
    func write(to out: inout [UInt8]) {
        switch self {
        case .unsigned(let value):
            appendDecimal(value, to: &out)
        case .signed(let value):
            if value < 0 {
                out.append(UInt8(ascii: "-"))
                appendDecimal(value.magnitude, to: &out)
            } else {
                appendDecimal(UInt64(value), to: &out)
            }
        case .double(let value):
            if value.isNaN {
                out.append(contentsOf: "NaN".utf8)
            } else if value.isInfinite {
                out.append(contentsOf: (value < 0 ? "-Inf" : "+Inf").utf8)
            } else if value == value.rounded(), value.magnitude < 1e15 {
                // Whole numbers (e.g. a speed or a page count) print without ".0" or an exponent.
                write(to: &out, integral: value)
            } else {
                out.append(contentsOf: value.description.utf8)
            }
        }
    }

    /// The value as a Double (exact up to 2^53).
    public var asDouble: Double {
        switch self {
        case .unsigned(let value): Double(value)
        case .signed(let value): Double(value)
        case .double(let value): value
        }
    }

    /// The sum, exact while both are integers that fit; a Double otherwise.
    public func adding(_ other: MetricValue) -> MetricValue {
        switch (self, other) {
        case (.unsigned(let a), .unsigned(let b)):
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? .double(Double(a) + Double(b)) : .unsigned(sum)
        case (.signed(let a), .signed(let b)):
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? .double(Double(a) + Double(b)) : .signed(sum)
        default:
            return .double(asDouble + other.asDouble)
        }
    }

    private func write(to out: inout [UInt8], integral value: Double) {
        MetricValue.signed(Int64(value)).write(to: &out)
    }
}

/// Appends the decimal digits of `value` in place, without an intermediate String.
@inline(__always)
func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
    var digitCount = 1
    var probe = value
    while probe >= 10 {
        probe /= 10
        digitCount += 1
    }
    let start = out.count
    out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
    var rest = value
    var index = start + digitCount - 1
    while rest > 0 {
        out[index] = UInt8(truncatingIfNeeded: rest % 10) &+ UInt8(ascii: "0")
        rest /= 10
        index -= 1
    }
}
