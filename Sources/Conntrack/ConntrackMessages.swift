import CConntrack
import ProcNet

/// Decodes ctnetlink's answers to the statistics requests (nlmsghdr, nfgenmsg, then netlink
/// attributes whose u32 values are big-endian; net/netfilter/nf_conntrack_netlink.c
/// `ctnetlink_ct_stat_cpu_fill_info`, `ctnetlink_stat_ct_fill_info`) straight from the bytes
/// received, bounds-checked: a message or attribute that does not fit is the end of the datagram.
public enum ConntrackMessages {
    /// What a datagram said about the request as a whole.
    public enum Outcome: Sendable, Hashable {
        /// More datagrams may follow.
        case more
        /// NLMSG_DONE: the dump is complete.
        case done
        /// NLMSG_ERROR with this errno (EPERM without CAP_NET_ADMIN).
        case failed(errno: Int32)
    }

    /// One statistics message: its nlmsg_type and its u32 attributes by type.
    public struct Message: Sendable, Hashable {
        public var type: UInt16
        public var attributes: [UInt16: UInt32]

        public init(type: UInt16, attributes: [UInt16: UInt32]) {
            self.type = type
            self.attributes = attributes
        }
    }

    static let headerSize = 16
    static let nfgenmsgSize = 4
    static let done: UInt16 = 3
    static let error: UInt16 = 2

    /// Hands every message of `sequence` in the first `length` bytes to `body`; messages of
    /// another sequence are skipped.
    public static func decode(_ bytes: [UInt8], length: Int, sequence: UInt32, _ body: (Message) -> Void) -> Outcome {
        let end = min(length, bytes.count)
        var offset = 0
        while offset + headerSize <= end {
            let messageLength = Int(native32(bytes, offset))
            guard messageLength >= headerSize, offset + messageLength <= end else { return .more }
            let type = native16(bytes, offset + 4)
            let messageSequence = native32(bytes, offset + 8)
            let next = offset + align(messageLength)
            defer { offset = next }
            guard messageSequence == sequence else { continue }
            switch type {
            case done:
                return .done
            case error:
                guard messageLength >= headerSize + 4 else { return .failed(errno: 74) }  // EBADMSG
                let code = Int32(bitPattern: native32(bytes, offset + headerSize))
                // 0 is an acknowledgement.
                if code != 0 { return .failed(errno: -code) }
            case UInt16(CCONNTRACK_MSG_STATS_CPU), UInt16(CCONNTRACK_MSG_STATS):
                body(Message(type: type, attributes: attributes(bytes, from: offset + headerSize + nfgenmsgSize,
                                                                to: offset + messageLength)))
            default:
                continue
            }
        }
        return .more
    }

    /// The u32 attributes in `start..<end` (others, and a nested flag, ignored).
    static func attributes(_ bytes: [UInt8], from start: Int, to end: Int) -> [UInt16: UInt32] {
        var attributes: [UInt16: UInt32] = [:]
        var offset = start
        while offset + 4 <= end {
            let length = Int(native16(bytes, offset))
            guard length >= 4, offset + length <= end else { break }
            let type = native16(bytes, offset + 2) & 0x3fff  // NLA_TYPE_MASK
            if length == 8 { attributes[type] = bigEndian32(bytes, offset + 4) }
            offset += align(length)
        }
        return attributes
    }

    /// The counters of one GET_STATS_CPU message.
    public static func counters(_ message: Message) -> [ConntrackCounter: UInt64] {
        var counters: [ConntrackCounter: UInt64] = [:]
        for (attribute, counter) in attributeCounters {
            if let value = message.attributes[attribute] { counters[counter] = UInt64(value) }
        }
        return counters
    }

    /// enum ctattr_stats_cpu → the counter it holds.
    static let attributeCounters: [(UInt16, ConntrackCounter)] = [
        (UInt16(CCONNTRACK_STATS_FOUND), .found),
        (UInt16(CCONNTRACK_STATS_INVALID), .invalid),
        (UInt16(CCONNTRACK_STATS_INSERT), .insert),
        (UInt16(CCONNTRACK_STATS_INSERT_FAILED), .insertFailed),
        (UInt16(CCONNTRACK_STATS_DROP), .drop),
        (UInt16(CCONNTRACK_STATS_EARLY_DROP), .earlyDrop),
        (UInt16(CCONNTRACK_STATS_ERROR), .icmpError),
        (UInt16(CCONNTRACK_STATS_SEARCH_RESTART), .searchRestart),
        (UInt16(CCONNTRACK_STATS_CLASH_RESOLVE), .clashResolve),
        (UInt16(CCONNTRACK_STATS_CHAIN_TOOLONG), .chainTooLong),
    ]

    static func align(_ length: Int) -> Int { (length + 3) & ~3 }

    /// Netlink headers are in the host's byte order.
    static func native32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
    }

    static func native16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
    }

    static func bigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }
}
