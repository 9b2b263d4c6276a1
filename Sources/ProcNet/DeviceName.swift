/// A network device's name as the kernel holds it, and the label it is exported under.
///
/// The kernel accepts any bytes in a name but '/', ':' and whitespace, up to 15 of them
/// (net/core/dev.c `dev_valid_name`): a name need not be UTF-8. The bytes are what sysfs's
/// `/sys/class/net/<name>/` is named by; the label must be UTF-8 (Prometheus label values are),
/// so a name that is UTF-8 is its own label and, in one that is not, every byte that is not part
/// of a valid UTF-8 sequence is written `\xHH` (lower-case hex, as Python's `backslashreplace`
/// spells it): distinct names keep distinct labels, and the label shows the bytes `ip link` has.
public struct DeviceName: Sendable, Hashable {
    /// The name's bytes, for paths.
    public let bytes: [UInt8]
    /// The `device` label value: `bytes` when UTF-8, else escaped as above.
    public let label: String

    public init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.bytes = Array(bytes)
        label = Self.label(self.bytes)
    }

    public init(_ label: String) {
        self.init(Array(label.utf8))
    }

    /// The label of a name's bytes: themselves when UTF-8, else with each byte that does not
    /// belong to a valid UTF-8 sequence written `\xHH`.
    public static func label(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var result = ""
        var index = 0
        while index < bytes.count {
            let length = validSequenceLength(bytes, at: index)
            if length > 0 {
                result += String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                index += length
            } else {
                let hex = Array("0123456789abcdef".utf8)
                let byte = bytes[index]
                result += "\\x" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]], as: UTF8.self)
                index += 1
            }
        }
        return result
    }

    /// The length of the valid UTF-8 sequence starting at `index` (RFC 3629: no overlong forms,
    /// no surrogates, nothing above U+10FFFF), or 0 when the byte there does not start one.
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xbf
        switch first {
        case 0x00...0x7f: return 1
        case 0xc2...0xdf: length = 2
        case 0xe0: length = 3; low = 0xa0
        case 0xe1...0xec, 0xee...0xef: length = 3
        case 0xed: length = 3; high = 0x9f
        case 0xf0: length = 4; low = 0x90
        case 0xf1...0xf3: length = 4
        case 0xf4: length = 4; high = 0x8f
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            let range = offset == 1 ? low...high : 0x80...0xbf
            guard range.contains(byte) else { return 0 }
        }
        return length
    }

    /// Whether the name can name a directory under class/net: not empty, no '/', not "." or "..".
    /// A malformed file must not lead reads outside it.
    public var isPathComponent: Bool {
        !bytes.isEmpty && !bytes.contains(UInt8(ascii: "/")) && bytes != [UInt8(ascii: ".")]
            && bytes != [UInt8(ascii: "."), UInt8(ascii: ".")]
    }
}
