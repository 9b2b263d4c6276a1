#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSockDiag
import ProcNet

/// One NETLINK_SOCK_DIAG socket, used for a scrape's dumps one after another, then closed.
///
/// Each dump streams: a datagram is received into one reused buffer and its sockets are handed
/// to the caller before the next is received, so memory does not grow with the socket count.
public final class SockDiagSession {
    public enum TransportProtocol: Sendable {
        case tcp, udp
    }

    public enum Family: Sendable {
        case ipv4, ipv6
    }

    /// Every TCP state bit (1 << TCP_ESTABLISHED … TCP_NEW_SYN_RECV).
    public static let allStates: UInt32 = 0x1ffe
    public static let listenState: UInt32 = 1 << 10
    public static let allButListen: UInt32 = allStates & ~listenState

    /// The kernel hands out at most 32 KiB per datagram of a dump (net/netlink/af_netlink.c
    /// `netlink_recvmsg`); a buffer that size takes each in one recv.
    public static let bufferSize = 32 * 1024

    private let fd: Int32
    private var buffer: [UInt8]
    private var sequence: UInt32 = 0
    private let faults: SockDiagFaults?

    /// `faults` is a test seam: errors it holds replace receives of this session (never set by
    /// the exporter itself).
    public init(faults: SockDiagFaults? = nil) throws(SockDiagError) {
        let result = csockdiag_open()
        guard result >= 0 else { throw .openFailed(errno: -result) }
        fd = result
        buffer = [UInt8](repeating: 0, count: SockDiagSession.bufferSize)
        self.faults = faults
    }

    deinit {
        csockdiag_close(fd)
    }

    /// Dumps every `proto` socket of `family` whose state is in `states` (a bit mask of
    /// 1 << TCP state), handing each to `body`. Returns how many sockets it visited.
    @discardableResult
    public func dump(_ proto: TransportProtocol, _ family: Family, states: UInt32 = allStates,
                     _ body: (InetSocket) -> Void) throws(SockDiagError) -> Int {
        sequence &+= 1
        let familyCode = family == .ipv4 ? csockdiag_af_inet() : csockdiag_af_inet6()
        let protocolCode = proto == .tcp ? csockdiag_ipproto_tcp() : csockdiag_ipproto_udp()
        let sent = csockdiag_request(fd, familyCode, protocolCode, states, proto == .udp ? 1 : 0, sequence)
        guard sent == 0 else { throw .sendFailed(errno: -sent) }

        var visited = 0
        let sequence = self.sequence
        while true {
            let received = faults?.nextReceive().map { -Int($0) } ?? buffer.withUnsafeMutableBytes { raw in
                csockdiag_receive(fd, raw.baseAddress, raw.count)
            }
            guard received >= 0 else { throw .receiveFailed(errno: Int32(-received)) }
            guard received > 0 else { throw .truncated }
            let outcome = buffer.withUnsafeBytes { raw in
                SockDiagMessages.decode(raw, length: received, sequence: sequence) { socket in
                    visited += 1
                    body(socket)
                }
            }
            switch outcome {
            case .more: continue
            case .done: return visited
            case .failed(let code): throw .kernelError(errno: code)
            case .interrupted: throw .interrupted
            }
        }
    }
}
