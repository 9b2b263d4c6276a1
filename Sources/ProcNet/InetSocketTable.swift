/// One row of /proc/net/{tcp,tcp6,udp,udp6}.
public struct InetSocket: Sendable, Hashable {
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var remoteAddress: IPAddress
    public var remotePort: UInt16
    /// The raw kernel state (TCP states for tcp; UDP uses 7 for unconnected, 1 for connected).
    public var state: UInt8
    public var sendQueue: UInt64
    public var receiveQueue: UInt64
    public var uid: UInt32
    public var inode: UInt64
    /// The `drops` column, which only the udp tables have.
    public var drops: UInt64?

    public init(
        localAddress: IPAddress, localPort: UInt16, remoteAddress: IPAddress, remotePort: UInt16,
        state: UInt8, sendQueue: UInt64, receiveQueue: UInt64, uid: UInt32, inode: UInt64, drops: UInt64?
    ) {
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.state = state
        self.sendQueue = sendQueue
        self.receiveQueue = receiveQueue
        self.uid = uid
        self.inode = inode
        self.drops = drops
    }
}

/// Parser for the socket tables /proc/net/tcp, tcp6, udp and udp6
/// (kernel: net/ipv4/tcp_ipv4.c `get_tcp4_sock`, net/ipv4/udp.c `udp4_format_sock`;
/// Documentation/networking/proc_net_tcp.rst).
///
///     sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode …
///      0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2740 …
///
/// Rows are handed to `body` one at a time, parsed from the bytes in place; a malformed row
/// is skipped and counted. A file without the header row is malformed as a whole.
public enum InetSocketTable {
    public static func parse(_ bytes: [UInt8], _ body: (InetSocket) -> Void) -> ParseSummary {
        var summary = ParseSummary()
        var lines = ByteLines(bytes)
        guard let header = lines.next(), isHeader(bytes, header) else {
            summary.skip(line: 1, "missing header line")
            return summary
        }
        summary.parseRows(&lines, after: 1, malformed: "malformed socket row", { parseRow(bytes, $0) }, body)
        return summary
    }

    static func isHeader(_ bytes: [UInt8], _ line: Range<Int>) -> Bool {
        var fields = ByteFields(bytes, line: line)
        guard let first = fields.next() else { return false }
        return ByteNumber.equals(bytes, first, "sl")
    }

    /// Parses one row; udp rows end with `ref pointer drops`, tcp rows with timer details.
    /// Both endpoints are of one family: a row mixing an IPv4 and an IPv6 address is malformed.
    static func parseRow(_ bytes: [UInt8], _ line: Range<Int>) -> InetSocket? {
        var fields = ByteFields(bytes, line: line)
        guard let slot = fields.next(), bytes[slot.upperBound - 1] == UInt8(ascii: ":"),
              let local = fields.next(), let (localAddress, localPort) = endpoint(bytes, local),
              let remote = fields.next(), let (remoteAddress, remotePort) = endpoint(bytes, remote),
              localAddress.isIPv6 == remoteAddress.isIPv6,
              let stateField = fields.next(), stateField.count == 2,
              let state = ByteNumber.hex(bytes, stateField),
              let queues = fields.next(), let (sendQueue, receiveQueue) = queuePair(bytes, queues),
              fields.skip(2),
              let uidField = fields.next(), let uid = ByteNumber.decimal(bytes, uidField), uid <= UInt32.max,
              fields.skip(1),
              let inodeField = fields.next(), let inode = ByteNumber.decimal(bytes, inodeField)
        else { return nil }
        var drops: UInt64? = nil
        if fields.skip(2), let dropsField = fields.next(), fields.next() == nil {
            drops = ByteNumber.decimal(bytes, dropsField)
        }
        return InetSocket(
            localAddress: localAddress, localPort: localPort, remoteAddress: remoteAddress,
            remotePort: remotePort, state: UInt8(state), sendQueue: sendQueue,
            receiveQueue: receiveQueue, uid: UInt32(uid), inode: inode, drops: drops)
    }

    /// "0100007F:0016" → (127.0.0.1, 22).
    static func endpoint(_ bytes: [UInt8], _ field: Range<Int>) -> (IPAddress, UInt16)? {
        guard field.count == 13 || field.count == 37 else { return nil }
        let colon = field.upperBound - 5
        guard bytes[colon] == UInt8(ascii: ":"),
              let address = IPAddress.fromProcHex(bytes, field.lowerBound..<colon),
              let port = ByteNumber.hex(bytes, (colon + 1)..<field.upperBound) else { return nil }
        return (address, UInt16(port))
    }

    /// "00000000:00000001" → (tx 0, rx 1).
    static func queuePair(_ bytes: [UInt8], _ field: Range<Int>) -> (UInt64, UInt64)? {
        guard let colon = field.firstIndex(where: { bytes[$0] == UInt8(ascii: ":") }),
              let tx = ByteNumber.hex(bytes, field.lowerBound..<colon),
              let rx = ByteNumber.hex(bytes, (colon + 1)..<field.upperBound) else { return nil }
        return (tx, rx)
    }
}
