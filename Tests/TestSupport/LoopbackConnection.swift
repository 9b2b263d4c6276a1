#if canImport(Glibc)
import Glibc
#endif

/// One end of a TCP connection over 127.0.0.1 made by the test itself (blocking), closed on
/// deinit: traffic whose bytes the test knows exactly.
public final class LoopbackConnection: @unchecked Sendable {
    public let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Connects to 127.0.0.1:`port`.
    public static func connect(port: UInt16) throws -> LoopbackConnection {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocket.Failure(errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        address.sin_port = port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw LoopbackSocket.Failure(errno: code)
        }
        return LoopbackConnection(fd: fd)
    }

    /// The next connection waiting on `listener`.
    public static func accept(_ listener: LoopbackSocket) throws -> LoopbackConnection {
        let fd = Glibc.accept(listener.fd, nil, nil)
        guard fd >= 0 else { throw LoopbackSocket.Failure(errno: errno) }
        return LoopbackConnection(fd: fd)
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard sent > 0 else { throw LoopbackSocket.Failure(errno: errno) }
            offset += sent
        }
    }

    /// Exactly `count` bytes (fewer only if the peer closed).
    public func receive(count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let got = buffer[offset...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard got >= 0 else { throw LoopbackSocket.Failure(errno: errno) }
            if got == 0 { break }
            offset += got
        }
        return Array(buffer.prefix(offset))
    }

    deinit { close(fd) }
}
