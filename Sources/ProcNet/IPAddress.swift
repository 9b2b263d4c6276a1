/// An IPv4 or IPv6 address as the kernel stores it, with its text form.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as a number whose most significant byte is the first octet.
    case v4(UInt32)
    /// The 128-bit address as two numbers, most significant octets first.
    case v6(high: UInt64, low: UInt64)

    public static let anyV4 = IPAddress.v4(0)
    public static let anyV6 = IPAddress.v6(high: 0, low: 0)

    /// The embedded IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
    public var mappedIPv4: UInt32? {
        guard case .v6(let high, let low) = self, high == 0, low >> 32 == 0xffff else { return nil }
        return UInt32(truncatingIfNeeded: low)
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// Dotted quad for IPv4; RFC 5952 text for IPv6 (lower case, the longest run of two or
    /// more zero groups as "::", IPv4-mapped addresses as ::ffff:a.b.c.d).
    public var description: String {
        switch self {
        case .v4(let value):
            return IPAddress.dottedQuad(value)
        case .v6(let high, let low):
            if let mapped = mappedIPv4 { return "::ffff:" + IPAddress.dottedQuad(mapped) }
            let groups = (0..<8).map { index -> UInt16 in
                let word = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: word >> (48 - 16 * UInt64(index % 4)))
            }
            return IPAddress.compressedHex(groups)
        }
    }

    static func dottedQuad(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }

    static func compressedHex(_ groups: [UInt16]) -> String {
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                let length = index - runStart
                if length > bestLength && length >= 2 { bestStart = runStart; bestLength = length }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

extension IPAddress {
    /// Decodes the hex form /proc/net/{tcp,udp,route} print: each 32-bit word of the address in
    /// host byte order (8 hex digits for IPv4, 32 for IPv6).
    public static func fromProcHex(_ bytes: [UInt8], _ range: Range<Int>) -> IPAddress? {
        switch range.count {
        case 8:
            guard let word = ByteNumber.hex(bytes, range) else { return nil }
            return .v4(UInt32(bigEndian: UInt32(truncatingIfNeeded: word)))
        case 32:
            var words: [UInt64] = []
            var start = range.lowerBound
            for _ in 0..<4 {
                guard let word = ByteNumber.hex(bytes, start..<(start + 8)) else { return nil }
                words.append(UInt64(UInt32(bigEndian: UInt32(truncatingIfNeeded: word))))
                start += 8
            }
            return .v6(high: words[0] << 32 | words[1], low: words[2] << 32 | words[3])
        default:
            return nil
        }
    }

    /// Decodes 32 hex digits in network order, as /proc/net/ipv6_route prints addresses.
    public static func fromNetworkOrderHex(_ bytes: [UInt8], _ range: Range<Int>) -> IPAddress? {
        guard range.count == 32,
              let high = ByteNumber.hex(bytes, range.lowerBound..<(range.lowerBound + 16)),
              let low = ByteNumber.hex(bytes, (range.lowerBound + 16)..<range.upperBound) else { return nil }
        return .v6(high: high, low: low)
    }
}
