/// One row of /proc/net/unix.
public struct UnixSocket: Sendable, Hashable {
    public enum Kind: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case stream = 1
        case dgram = 2
        case seqpacket = 5

        public var description: String {
            switch self {
            case .stream: "stream"
            case .dgram: "dgram"
            case .seqpacket: "seqpacket"
            }
        }
    }

    /// The St column (SS_* in include/uapi/linux/net.h), with listening sockets told apart by
    /// the __SO_ACCEPTCON flag, as netstat does.
    public enum State: Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case unconnected, connecting, connected, disconnecting, listen

        public var description: String {
            switch self {
            case .unconnected: "unconnected"
            case .connecting: "connecting"
            case .connected: "connected"
            case .disconnecting: "disconnecting"
            case .listen: "listen"
            }
        }
    }

    public var kind: Kind
    public var state: State
    public var inode: UInt64?

    public init(kind: Kind, state: State, inode: UInt64?) {
        self.kind = kind
        self.state = state
        self.inode = inode
    }
}

/// Parser for /proc/net/unix (kernel: net/unix/af_unix.c `unix_seq_show`).
///
///     Num       RefCount Protocol Flags    Type St Inode Path
///     0000000000000000: 00000002 00000000 00010000 0001 01 3442596 /var/run/postgresql/.s.PGSQL.5432
///
/// Old kernels omit the Inode column; the header tells which layout the rows use.
public enum UnixSocketTable {
    static let acceptConnectionsFlag: UInt64 = 0x10000

    public static func parse(_ bytes: [UInt8], _ body: (UnixSocket) -> Void) -> ParseSummary {
        var summary = ParseSummary()
        var lines = ByteLines(bytes)
        guard let header = lines.next(), let hasInode = inodeColumn(bytes, header) else {
            summary.skip(line: 1, "missing header line")
            return summary
        }
        summary.parseRows(&lines, after: 1, malformed: "malformed unix socket row",
                          { parseRow(bytes, $0, hasInode: hasInode) }, body)
        return summary
    }

    /// nil when the line is not the header; otherwise whether it names an Inode column.
    static func inodeColumn(_ bytes: [UInt8], _ line: Range<Int>) -> Bool? {
        var fields = ByteFields(bytes, line: line)
        guard let first = fields.next(), ByteNumber.equals(bytes, first, "Num") else { return nil }
        while let field = fields.next() {
            if ByteNumber.equals(bytes, field, "Inode") { return true }
        }
        return false
    }

    static func parseRow(_ bytes: [UInt8], _ line: Range<Int>, hasInode: Bool) -> UnixSocket? {
        var fields = ByteFields(bytes, line: line)
        guard let num = fields.next(), bytes[num.upperBound - 1] == UInt8(ascii: ":"),
              fields.skip(2),
              let flagsField = fields.next(), let flags = ByteNumber.hex(bytes, flagsField),
              let typeField = fields.next(), let type = ByteNumber.hex(bytes, typeField),
              let kind = UnixSocket.Kind(rawValue: UInt16(truncatingIfNeeded: type)), type <= 0xffff,
              let stateField = fields.next(), let rawState = ByteNumber.hex(bytes, stateField)
        else { return nil }
        var inode: UInt64? = nil
        if hasInode {
            guard let inodeField = fields.next(), let value = ByteNumber.decimal(bytes, inodeField) else { return nil }
            inode = value
        }
        let state: UnixSocket.State
        switch rawState {
        case 1: state = flags & acceptConnectionsFlag != 0 ? .listen : .unconnected
        case 2: state = .connecting
        case 3: state = .connected
        case 4: state = .disconnecting
        default: return nil
        }
        return UnixSocket(kind: kind, state: state, inode: inode)
    }
}
