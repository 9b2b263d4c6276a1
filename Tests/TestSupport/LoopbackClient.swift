import Foundation

/// A raw TCP client on loopback, bound to a chosen source address (127.0.0.2 …) so a test can
/// look like many hosts; for the HTTP abuse tests, which need what curl will not do: dribble a
/// header, pipeline, send garbage, reset mid-response, hold a thousand connections.
public final class LoopbackClient {
    public private(set) var fd: Int32

    /// Connects from `source` to 127.0.0.1:`port`. The connect is non-blocking (a thousand of
    /// them must not wait on each other); writes succeed once the kernel finishes it.
    public init(from source: String, port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LoopbackClientError("socket: \(String(cString: strerror(errno)))") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            Glibc.close(fd)
            throw LoopbackClientError("bind \(source): \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 || errno == EINPROGRESS else {
            Glibc.close(fd)
            throw LoopbackClientError("connect: \(String(cString: strerror(errno)))")
        }
    }

    /// The server end of the next connection waiting on `listener` (one the test made itself,
    /// e.g. with `init(from:port:)`), non-blocking like the client end.
    public init(accepting listener: LoopbackSocket) throws {
        fd = Glibc.accept(listener.fd, nil, nil)
        guard fd >= 0 else { throw LoopbackClientError("accept: \(String(cString: strerror(errno)))") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Closes with a reset instead of a FIN (SO_LINGER 0): a client that vanishes.
    public func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    /// Writes all of `bytes` within `timeout` seconds; false if the peer closed or time ran out.
    /// Never raises SIGPIPE.
    @discardableResult
    public func send(_ bytes: [UInt8], timeout: Double = 5) -> Bool {
        var offset = 0
        let deadline = Date().addingTimeInterval(timeout)
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 { offset += written; continue }
            guard written < 0, errno == EAGAIN || errno == EINTR, Date() < deadline else { return false }
            wait(for: Int16(POLLOUT), until: deadline)
        }
        return true
    }

    @discardableResult
    public func send(_ text: String, timeout: Double = 5) -> Bool { send(Array(text.utf8), timeout: timeout) }

    /// True while the server has not closed the connection; whatever it sent (a TLS alert, an
    /// error page) is read and discarded.
    public var isOpen: Bool { !readAvailable().closed }

    /// Everything the server has sent so far, without waiting, and whether it has closed.
    public func readAvailable() -> (bytes: [UInt8], closed: Bool) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if got > 0 { data += buffer[..<got]; continue }
            if got < 0 && errno == EINTR { continue }
            return (data, got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        }
    }

    /// Reads until the server closes or `timeout` passes.
    public func readToEnd(timeout: Double = 10) -> [UInt8] {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let chunk = readSome(until: deadline) else { break }
            data += chunk
        }
        return data
    }

    /// Reads until `count` bytes are in, the server closes, or `timeout` passes.
    public func read(atLeast count: Int, timeout: Double = 10) -> [UInt8] {
        var data: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while data.count < count && Date() < deadline {
            guard let chunk = readSome(until: deadline) else { break }
            data += chunk
        }
        return data
    }

    /// One read as soon as there is data; nil at EOF, on error or when the deadline passes.
    private func readSome(until deadline: Date) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while Date() < deadline {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if got > 0 { return Array(buffer[..<got]) }
            if got == 0 || (errno != EAGAIN && errno != EINTR) { return nil }
            wait(for: Int16(POLLIN), until: deadline)
        }
        return nil
    }

    private func wait(for events: Int16, until deadline: Date) {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        let milliseconds = max(1, Int32(min(deadline.timeIntervalSinceNow, 1) * 1000))
        _ = poll(&entry, 1, milliseconds)
    }

    /// Raises this process's soft open-file limit to at least `wanted` (within the hard limit).
    public static func raiseFileLimit(to wanted: Int) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

public struct LoopbackClientError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// HTTP/1.1 responses read off a raw connection: status line, headers and a body of
/// Content-Length bytes (none for HEAD), one after another as pipelining returns them.
public struct RawHTTPResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: [UInt8]

    /// Splits `bytes` into responses; `methods` says which requests were HEAD (no body).
    public static func parse(_ bytes: [UInt8], methods: [String]) -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        for method in methods {
            guard let end = rest.firstRange(of: separator) else { break }
            let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = head.first?.split(separator: " ") ?? []
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = method == "HEAD" ? 0 : Int(headers["content-length"] ?? "") ?? 0
            let bodyStart = end.upperBound
            // An incomplete response is not one yet.
            guard rest.endIndex - bodyStart >= length else { break }
            let bodyEnd = bodyStart + length
            responses.append(RawHTTPResponse(status: statusParts.count > 1 ? Int(statusParts[1]) ?? 0 : 0,
                                             headers: headers, body: Array(rest[bodyStart..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return responses
    }

    /// One GET from `source` with `Connection: close`: the status and the seconds it took.
    public static func get(_ path: String, port: Int, from source: String, timeout: Double = 10)
        throws -> (status: Int, seconds: Double) {
        let started = Date()
        let client = try LoopbackClient(from: source, port: port)
        client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout: timeout)
        let bytes = client.readToEnd(timeout: timeout)
        let status = parse(bytes, methods: ["GET"]).first?.status ?? 0
        return (status, Date().timeIntervalSince(started))
    }
}
