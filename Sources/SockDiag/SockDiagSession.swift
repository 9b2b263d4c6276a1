#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSockDiag
import ProcNet

/// One NETLINK_SOCK_DIAG socket, used for a scrape's dumps one after another, then closed.
///
/// Each dump streams: datagrams are received into a small ring of buffers (`DumpReceiver`, on
/// its own thread, ahead of the caller) and their sockets handed to the caller as they come, so
/// memory does not grow with the socket count.
public final class SockDiagSession {
    public enum TransportProtocol: Sendable {
        case tcp, udp
    }

    public enum Family: Sendable {
        case ipv4, ipv6
        /// Both, in one walk of the kernel's table instead of one per family (TCP only).
        case both
    }

    /// Every TCP state bit (1 << TCP_ESTABLISHED … TCP_NEW_SYN_RECV).
    public static let allStates: UInt32 = 0x1ffe
    public static let listenState: UInt32 = 1 << 10
    public static let allButListen: UInt32 = allStates & ~listenState

    /// The kernel hands out at most 32 KiB per datagram of a dump (net/netlink/af_netlink.c
    /// `netlink_recvmsg`); a buffer that size takes each in one recv.
    public static let bufferSize = 32 * 1024

    private let fd: Int32
    private var sequence: UInt32 = 0
    private let faults: SockDiagFaults?

    /// `faults` is a test seam: errors it holds replace receives of this session (never set by
    /// the exporter itself).
    public init(faults: SockDiagFaults? = nil) throws(SockDiagError) {
        let result = csockdiag_open()
        guard result >= 0 else { throw .openFailed(errno: -result) }
        fd = result
        self.faults = faults
    }

    deinit {
        csockdiag_close(fd)
    }

    /// What each socket's message carries beyond the inet_diag_msg.
    public struct Extensions: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// INET_DIAG_SKMEMINFO: the drop counter (`InetSocket.drops`).
        public static let memoryInfo = Extensions(rawValue: UInt32(CSOCKDIAG_EXT_MEMINFO))
        /// INET_DIAG_INFO: struct tcp_info (TCP only), which the kernel fills per socket.
        public static let tcpInfo = Extensions(rawValue: UInt32(CSOCKDIAG_EXT_INFO))
    }

    /// Dumps every `proto` socket of `family` whose state is in `states` (a bit mask of
    /// 1 << TCP state), handing each to `body`. UDP always carries its drop counter. Returns
    /// how many sockets it visited.
    @discardableResult
    public func dump(_ proto: TransportProtocol, _ family: Family, states: UInt32 = allStates,
                     _ body: (InetSocket) -> Void) throws(SockDiagError) -> Int {
        try dump(proto, family, states: states, extensions: []) { socket, _ in body(socket) }
    }

    /// `dump` with the attributes in `extensions` asked for, and each socket's tcp_info (when
    /// asked for) handed over beside it.
    @discardableResult
    public func dump(_ proto: TransportProtocol, _ family: Family, states: UInt32 = allStates,
                     extensions: Extensions,
                     _ body: (InetSocket, TCPInfoSample?) -> Void) throws(SockDiagError) -> Int {
        sequence &+= 1
        let familyCode = switch family {
        case .ipv4: csockdiag_af_inet()
        case .ipv6: csockdiag_af_inet6()
        case .both: csockdiag_af_unspec()
        }
        let protocolCode = proto == .tcp ? csockdiag_ipproto_tcp() : csockdiag_ipproto_udp()
        let wanted = proto == .udp ? extensions.union(.memoryInfo) : extensions
        let sent = csockdiag_request(fd, familyCode, protocolCode, states, wanted.rawValue, sequence)
        guard sent == 0 else { throw .sendFailed(errno: -sent) }

        var visited = 0
        let receiver = DumpReceiver(fd: fd, sequence: sequence, faults: faults)
        defer { receiver.finish() }
        while true {
            guard let datagram = receiver.take() else { throw .truncated }
            defer { receiver.giveBack() }
            guard datagram.received >= 0 else { throw .receiveFailed(errno: Int32(-datagram.received)) }
            guard datagram.received > 0 else { throw .truncated }
            let outcome = SockDiagMessages.decode(datagram.bytes, length: datagram.received, sequence: sequence) {
                socket, info in
                visited += 1
                body(socket, info)
            }
            switch outcome {
            case .more: continue
            case .done: return visited
            case .failed(let code): throw .kernelError(errno: code)
            case .interrupted: throw .interrupted
            }
        }
    }

    /// Whether the kernel still holds the socket a dump reported as `socket` (same endpoints,
    /// same inode), asked by one exact lookup rather than a dump; nil when it cannot tell (the
    /// lookup failed for another reason than the socket being gone, or found another socket
    /// sharing a listener's address).
    public func stillOpen(_ socket: InetSocket, _ proto: TransportProtocol) -> Bool? {
        sequence &+= 1
        let isIPv4: Bool
        if case .v4 = socket.localAddress { isIPv4 = true } else { isIPv4 = false }
        var local = SockDiagSession.networkWords(socket.localAddress)
        var remote = SockDiagSession.networkWords(socket.remoteAddress)
        let answer = withUnsafeBytes(of: &local) { localBytes in
            withUnsafeBytes(of: &remote) { remoteBytes in
                csockdiag_lookup(fd, isIPv4 ? csockdiag_af_inet() : csockdiag_af_inet6(),
                                 proto == .tcp ? csockdiag_ipproto_tcp() : csockdiag_ipproto_udp(),
                                 localBytes.bindMemory(to: UInt32.self).baseAddress, socket.localPort,
                                 remoteBytes.bindMemory(to: UInt32.self).baseAddress, socket.remotePort, sequence)
            }
        }
        if answer >= 0 {
            if UInt64(answer) == socket.inode { return true }
            // Several sockets can share a local address and port with no remote end (listeners
            // with SO_REUSEPORT, unbound UDP): the lookup finds one of them, which says nothing
            // of this one. A connection's four-tuple is its own: another inode there means it closed.
            return socket.remotePort == 0 ? nil : false
        }
        return -answer == Int(ENOENT) ? false : nil
    }

    /// An address as the kernel's four network-order words (the inverse of `SockDiagMessages.address`).
    static func networkWords(_ address: IPAddress) -> (UInt32, UInt32, UInt32, UInt32) {
        switch address {
        case .v4(let value):
            return (value.bigEndian, 0, 0, 0)
        case .v6(let high, let low):
            return (UInt32(truncatingIfNeeded: high >> 32).bigEndian, UInt32(truncatingIfNeeded: high).bigEndian,
                    UInt32(truncatingIfNeeded: low >> 32).bigEndian, UInt32(truncatingIfNeeded: low).bigEndian)
        }
    }
}

