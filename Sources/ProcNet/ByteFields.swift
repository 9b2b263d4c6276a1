/// Byte-level scanning of /proc text: lines and whitespace-separated fields as index ranges
/// into one buffer, numbers parsed straight from the bytes. No String is made per line, which
/// is what keeps a 100k-socket table cheap to read.
public struct ByteLines: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var position: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
    }

    /// The next line's range, without its newline; a last line without newline counts too.
    public mutating func next() -> Range<Int>? {
        guard position < bytes.count else { return nil }
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        position = end + 1
        return start..<end
    }
}

/// Walks the fields of one line, separated by runs of spaces and tabs.
public struct ByteFields {
    public let bytes: [UInt8]
    private var position: Int
    private let end: Int

    public init(_ bytes: [UInt8], line: Range<Int>) {
        self.bytes = bytes
        self.position = line.lowerBound
        self.end = line.upperBound
    }

    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// The next field, or nil at the end of the line.
    public mutating func next() -> Range<Int>? {
        while position < end && ByteFields.isBlank(bytes[position]) { position += 1 }
        guard position < end else { return nil }
        let start = position
        while position < end && !ByteFields.isBlank(bytes[position]) { position += 1 }
        return start..<position
    }

    /// Skips `count` fields; false when the line ends first.
    public mutating func skip(_ count: Int) -> Bool {
        for _ in 0..<count where next() == nil { return false }
        return true
    }

    /// What is left of the line after the next run of blanks (a unix socket path may contain spaces).
    public mutating func rest() -> Range<Int>? {
        while position < end && ByteFields.isBlank(bytes[position]) { position += 1 }
        guard position < end else { return nil }
        defer { position = end }
        return position..<end
    }
}

/// Number parsing from byte ranges. Each returns nil on an empty range, a stray byte or overflow.
public enum ByteNumber {
    @inline(__always)
    public static func hex(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 16 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    @inline(__always)
    public static func decimal(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty else { return nil }
        var value: UInt64 = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// A decimal that may carry a leading minus sign (Tcp MaxConn is -1), as `Int64` when
    /// negative and `UInt64` otherwise, so the full unsigned range stays exact.
    public static func signedDecimal(_ bytes: [UInt8], _ range: Range<Int>) -> ProcValue? {
        guard let first = range.first else { return nil }
        if bytes[first] == UInt8(ascii: "-") {
            guard let magnitude = decimal(bytes, (first + 1)..<range.upperBound),
                  magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == 0 ? .unsigned(0) : .negative(Int64(bitPattern: 0 &- magnitude))
        }
        return decimal(bytes, range).map(ProcValue.unsigned)
    }

    public static func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// True when the bytes in `range` spell `literal` exactly.
    public static func equals(_ bytes: [UInt8], _ range: Range<Int>, _ literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { expected in
            var offset = 0
            for index in range {
                if bytes[index] != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}

/// A counter or level from /proc: unsigned except for the rare negative (Tcp MaxConn = -1).
public enum ProcValue: Sendable, Hashable {
    case unsigned(UInt64)
    case negative(Int64)
}
