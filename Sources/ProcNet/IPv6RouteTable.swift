/// One row of /proc/net/ipv6_route.
public struct IPv6Route: Sendable, Hashable {
    public var destination: IPAddress
    public var destinationPrefixLength: UInt8
    public var source: IPAddress
    public var sourcePrefixLength: UInt8
    /// The gateway; `::` for a directly connected route.
    public var nextHop: IPAddress
    public var metric: UInt32
    /// RTF_* flags (include/uapi/linux/route.h and ipv6_route.h).
    public var flags: UInt32
    /// The output device; empty when the kernel printed none.
    public var device: String

    public init(destination: IPAddress, destinationPrefixLength: UInt8, source: IPAddress, sourcePrefixLength: UInt8,
                nextHop: IPAddress, metric: UInt32, flags: UInt32, device: String) {
        self.destination = destination
        self.destinationPrefixLength = destinationPrefixLength
        self.source = source
        self.sourcePrefixLength = sourcePrefixLength
        self.nextHop = nextHop
        self.metric = metric
        self.flags = flags
        self.device = device
    }

    static let up: UInt32 = 0x0000_0001
    static let reject: UInt32 = 0x0000_0200
    static let anycast: UInt32 = 0x0010_0000
    static let local: UInt32 = 0x8000_0000

    /// ::/0: the route used when no other matches.
    public var isDefault: Bool {
        destination == .anyV6 && destinationPrefixLength == 0
    }

    /// The kernel's `fib6_null_entry` (`::/0 … ffffffff 00000001 00000000 00200200 lo`): the
    /// unreachable leaf every table's tree ends in. It is a reject route that is not RTF_UP,
    /// which no route made by `ip route` or router advertisements is. `ip -6 route` does not
    /// show it, and it is not a default route: a host whose only "default" is this one has none.
    public var isKernelNullEntry: Bool {
        flags & IPv6Route.reject != 0 && flags & IPv6Route.up == 0
    }

    /// A route the kernel keeps in the local table for the host's own addresses (RTF_LOCAL,
    /// RTF_ANYCAST) or for multicast (ff00::/8 on every interface). /proc/net/ipv6_route lists
    /// every table; /proc/net/route lists only the main one, and these never appear there.
    public var isLocalTableEntry: Bool {
        if flags & (IPv6Route.local | IPv6Route.anycast) != 0 { return true }
        guard case .v6(let high, _) = destination else { return false }
        return destinationPrefixLength >= 8 && high >> 56 == 0xff
    }
}

/// Parser for /proc/net/ipv6_route (kernel: net/ipv6/route.c `ipv6_route_native_seq_show`).
/// No header; ten fields a row, addresses as 32 hex digits in network byte order, prefix
/// lengths as two hex digits, metric, reference count, use and flags as eight hex digits, then
/// the device name right-aligned in eight columns (absent when the route has no device). The
/// default route via fd00::1, one row broken in two here:
///
///     00000000000000000000000000000000 00 00000000000000000000000000000000 00
///     fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
public enum IPv6RouteTable {
    public static func parse(_ bytes: [UInt8], _ body: (IPv6Route) -> Void) -> ParseSummary {
        var summary = ParseSummary()
        var lines = ByteLines(bytes)
        summary.parseRows(&lines, after: 0, malformed: "malformed IPv6 route row", { parseRow(bytes, $0) }, body)
        return summary
    }

    static func parseRow(_ bytes: [UInt8], _ line: Range<Int>) -> IPv6Route? {
        var fields = ByteFields(bytes, line: line)
        guard let destinationField = fields.next(),
              let destination = IPAddress.fromNetworkOrderHex(bytes, destinationField),
              let destinationLength = fields.next(),
              let destinationPrefixLength = prefixLength(bytes, destinationLength),
              let sourceField = fields.next(), let source = IPAddress.fromNetworkOrderHex(bytes, sourceField),
              let sourceLength = fields.next(), let sourcePrefixLength = prefixLength(bytes, sourceLength),
              let nextHopField = fields.next(), let nextHop = IPAddress.fromNetworkOrderHex(bytes, nextHopField),
              let metric = fields.next().flatMap({ word(bytes, $0) }),
              fields.next().flatMap({ word(bytes, $0) }) != nil,
              fields.next().flatMap({ word(bytes, $0) }) != nil,
              let flags = fields.next().flatMap({ word(bytes, $0) })
        else { return nil }
        let deviceField = fields.next()
        guard fields.next() == nil else { return nil }
        return IPv6Route(
            destination: destination, destinationPrefixLength: destinationPrefixLength, source: source,
            sourcePrefixLength: sourcePrefixLength, nextHop: nextHop, metric: metric, flags: flags,
            device: deviceField.map { DeviceName(bytes[$0]).label } ?? "")
    }

    static func prefixLength(_ bytes: [UInt8], _ field: Range<Int>) -> UInt8? {
        guard field.count == 2, let value = ByteNumber.hex(bytes, field), value <= 128 else { return nil }
        return UInt8(value)
    }

    static func word(_ bytes: [UInt8], _ field: Range<Int>) -> UInt32? {
        guard field.count == 8, let value = ByteNumber.hex(bytes, field) else { return nil }
        return UInt32(value)
    }
}
