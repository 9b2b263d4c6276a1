#if canImport(Glibc)
import Glibc
#endif

/// A socket of the test's own bound to 127.0.0.1 on a port the kernel picks, closed on deinit:
/// something the live tables must show. Open it inside `TestNamespace.entered` so it lives
/// in the test's namespace, not the host's.
public final class LoopbackSocket: @unchecked Sendable {
    public struct Failure: Error {
        public let errno: Int32
    }

    public let fd: Int32
    public let port: UInt16

    private init(type: __socket_type) throws {
        let fd = socket(AF_INET, Int32(type.rawValue), 0)
        guard fd >= 0 else { throw Failure(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            throw Failure(errno: errno)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// A TCP socket listening on 127.0.0.1.
    public static func tcpListener(backlog: Int32 = 4) throws -> LoopbackSocket {
        let socket = try LoopbackSocket(type: SOCK_STREAM)
        guard listen(socket.fd, backlog) == 0 else { throw Failure(errno: errno) }
        return socket
    }

    /// A UDP socket bound to 127.0.0.1.
    public static func udp() throws -> LoopbackSocket {
        try LoopbackSocket(type: SOCK_DGRAM)
    }

    /// The socket's inode, as the socket tables name it.
    public var inode: UInt64 {
        var info = stat()
        fstat(fd, &info)
        return UInt64(info.st_ino)
    }

    deinit { close(fd) }
}
