#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSockDiag
import ProcNet

/// Decodes the datagrams of an inet_diag dump (nlmsghdr + inet_diag_msg, see
/// Documentation/networking and net/ipv4/inet_diag.c `inet_sk_diag_fill`) into the same
/// `InetSocket` values the /proc/net/tcp parser yields, straight from the receive buffer.
///
/// Differences from /proc that callers see: a listener's `sendQueue` is its accept backlog
/// (`sk_max_ack_backlog`, what `ss -ltn` shows as Send-Q) where /proc prints 0; `drops` is set
/// only when the request asked for SK_MEMINFO; the `TCPInfoSample` only when it asked for
/// INET_DIAG_INFO.
public enum SockDiagMessages {
    /// What a datagram said about the dump as a whole.
    public enum Outcome: Sendable, Hashable {
        /// More datagrams follow.
        case more
        /// NLMSG_DONE: the dump is complete.
        case done
        /// NLMSG_ERROR with this errno.
        case failed(errno: Int32)
        /// A message carried NLM_F_DUMP_INTR: the tables changed under the dump, which must be
        /// discarded (its sockets before this message were already handed out).
        case interrupted
    }

    /// Hands every socket in the first `length` bytes of `buffer` to `body`, in order, with its
    /// tcp_info when the message carries one. Messages of another request (a different
    /// `sequence`) are ignored.
    public static func decode(_ buffer: [UInt8], length: Int, sequence: UInt32,
                              _ body: (InetSocket, TCPInfoSample?) -> Void) -> Outcome {
        buffer.withUnsafeBytes { raw in
            decode(raw, length: min(length, raw.count), sequence: sequence, body)
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, length: Int, sequence: UInt32,
                       _ body: (InetSocket, TCPInfoSample?) -> Void) -> Outcome {
        guard let base = raw.baseAddress else { return .more }
        var message = csockdiag_message()
        var offset = 0
        while offset < length, csockdiag_decode(base, length, offset, &message) == 1 {
            offset = Int(message.next_offset)
            guard message.sequence == sequence else { continue }
            if message.dump_interrupted != 0 { return .interrupted }
            switch Int(message.kind) {
            case Int(CSOCKDIAG_SOCKET):
                body(socket(message), message.tcp.present != 0 ? TCPInfoSample(cookie: message.cookie, message.tcp) : nil)
            case Int(CSOCKDIAG_DONE):
                return .done
            case Int(CSOCKDIAG_ERROR):
                // An error of 0 is an acknowledgement, not a failure.
                if message.error != 0 { return .failed(errno: message.error) }
            case Int(CSOCKDIAG_TRUNCATED):
                return .failed(errno: EBADMSG)
            default:
                continue
            }
        }
        return .more
    }

    static func socket(_ message: csockdiag_message) -> InetSocket {
        let isIPv4 = message.family == csockdiag_af_inet()
        return InetSocket(
            localAddress: address(message.source, isIPv4: isIPv4), localPort: message.source_port,
            remoteAddress: address(message.destination, isIPv4: isIPv4), remotePort: message.destination_port,
            state: message.state, sendQueue: UInt64(message.send_queue),
            receiveQueue: UInt64(message.receive_queue), uid: message.uid, inode: UInt64(message.inode),
            drops: message.has_drops != 0 ? UInt64(message.drops) : nil)
    }

    /// The kernel's four network-order words → IPAddress.
    @inline(__always)
    static func address(_ words: (UInt32, UInt32, UInt32, UInt32), isIPv4: Bool) -> IPAddress {
        if isIPv4 { return .v4(UInt32(bigEndian: words.0)) }
        let high = UInt64(UInt32(bigEndian: words.0)) << 32 | UInt64(UInt32(bigEndian: words.1))
        let low = UInt64(UInt32(bigEndian: words.2)) << 32 | UInt64(UInt32(bigEndian: words.3))
        return .v6(high: high, low: low)
    }
}
