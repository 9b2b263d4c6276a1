/// One row of /proc/net/route: an IPv4 route of the main table.
public struct IPv4Route: Sendable, Hashable {
    /// The output device, or "*" when the route has none (an unreachable or blackhole route).
    public var device: String
    public var destination: IPAddress
    public var gateway: IPAddress
    public var mask: IPAddress
    /// RTF_* flags (include/uapi/linux/route.h): 0x1 up, 0x2 gateway, 0x4 host, 0x200 reject.
    public var flags: UInt32
    public var metric: UInt32

    public init(device: String, destination: IPAddress, gateway: IPAddress, mask: IPAddress, flags: UInt32,
                metric: UInt32) {
        self.device = device
        self.destination = destination
        self.gateway = gateway
        self.mask = mask
        self.flags = flags
        self.metric = metric
    }

    /// 0.0.0.0/0: the route used when no other matches.
    public var isDefault: Bool {
        destination == .anyV4 && mask == .anyV4
    }
}

/// Parser for /proc/net/route (kernel: net/ipv4/fib_trie.c `fib_route_seq_show`), which lists
/// the main table only, as `netstat -rn` and `ip -4 route show table main` do.
///
///     Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
///     eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
///
/// Addresses are the 32-bit value in host byte order, as in /proc/net/tcp. The kernel prints
/// Metric and MTU with `%d`, so a metric above 2^31 appears negative; it is read back as the
/// unsigned value the kernel holds. Rows are padded with blanks to 127 bytes.
public enum RouteTable {
    public static func parse(_ bytes: [UInt8], _ body: (IPv4Route) -> Void) -> ParseSummary {
        var summary = ParseSummary()
        var lines = ByteLines(bytes)
        guard let header = lines.next(), firstFieldIs(bytes, header, "Iface") else {
            summary.skip(line: 1, "missing header line")
            return summary
        }
        summary.parseRows(&lines, after: 1, malformed: "malformed route row", { parseRow(bytes, $0) }, body)
        return summary
    }

    static func parseRow(_ bytes: [UInt8], _ line: Range<Int>) -> IPv4Route? {
        var fields = ByteFields(bytes, line: line)
        guard let deviceField = fields.next(),
              let destinationField = fields.next(), let destination = IPAddress.fromProcHex(bytes, destinationField),
              let gatewayField = fields.next(), let gateway = IPAddress.fromProcHex(bytes, gatewayField),
              let flagsField = fields.next(), flagsField.count <= 8, let flags = ByteNumber.hex(bytes, flagsField),
              let refCount = fields.next(), int32Bits(bytes, refCount) != nil,
              let use = fields.next(), int32Bits(bytes, use) != nil,
              let metricField = fields.next(), let metric = int32Bits(bytes, metricField),
              let maskField = fields.next(), let mask = IPAddress.fromProcHex(bytes, maskField),
              !destination.isIPv6, !gateway.isIPv6, !mask.isIPv6
        else { return nil }
        for _ in 0..<3 {
            guard let field = fields.next(), int32Bits(bytes, field) != nil else { return nil }
        }
        guard fields.next() == nil else { return nil }
        return IPv4Route(device: DeviceName(bytes[deviceField]).label, destination: destination, gateway: gateway,
                         mask: mask, flags: UInt32(flags), metric: metric)
    }

    /// A decimal the kernel printed with `%d` or `%u` from a 32-bit value, as its 32 bits.
    static func int32Bits(_ bytes: [UInt8], _ range: Range<Int>) -> UInt32? {
        switch ByteNumber.signedDecimal(bytes, range) {
        case .unsigned(let value)?:
            return value <= UInt64(UInt32.max) ? UInt32(value) : nil
        case .negative(let value)?:
            return value >= Int64(Int32.min) ? UInt32(bitPattern: Int32(value)) : nil
        case nil:
            return nil
        }
    }

    static func firstFieldIs(_ bytes: [UInt8], _ line: Range<Int>, _ literal: StaticString) -> Bool {
        var fields = ByteFields(bytes, line: line)
        guard let first = fields.next() else { return false }
        return ByteNumber.equals(bytes, first, literal)
    }
}
