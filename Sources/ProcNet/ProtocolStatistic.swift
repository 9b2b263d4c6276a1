/// One value of the kernel's per-protocol statistics (what `netstat -s` and `nstat` print, and
/// the socket counts of sockstat): its section as the kernel spells it ("Tcp", "TcpExt", "Ip6",
/// sockstat's "TCP"), the field ("ActiveOpens", "inuse") and the value.
public struct ProtocolStatistic: Sendable, Hashable {
    public var section: String
    public var field: String
    public var value: ProcValue

    public init(section: String, field: String, value: ProcValue) {
        self.section = section
        self.field = field
        self.value = value
    }
}

/// What the statistics parsers accept as a section, field or sockstat key: ASCII letters,
/// digits and `_`, starting with a letter, at most `maximumLength` bytes. Anything else is a
/// malformed file (the kernel's names are short CamelCase words), and refusing it here keeps
/// every metric name built from these valid.
enum StatisticName {
    static let maximumLength = 128

    static func isValid(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard let first = range.first, range.count <= maximumLength, isLetter(bytes[first]) else { return false }
        for index in range {
            let byte = bytes[index]
            guard isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") else { return false }
        }
        return true
    }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// The name before a trailing colon ("Tcp:" → "Tcp"), or nil when there is no colon or
    /// the name is not valid.
    static func sectionLabel(_ bytes: [UInt8], _ field: Range<Int>) -> Range<Int>? {
        guard field.count > 1, bytes[field.upperBound - 1] == UInt8(ascii: ":") else { return nil }
        let name = field.lowerBound..<(field.upperBound - 1)
        return isValid(bytes, name) ? name : nil
    }
}
