import CMicroHTTPD
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP server on libmicrohttpd: one listening socket, one thread per connection, and a
/// Swift handler that turns each request into a response.
///
/// libmicrohttpd calls back through capture-free C functions; they find this object through the
/// `Unmanaged` context pointer, which stays valid because the server keeps itself retained
/// until `stop()`.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public let address: ListenAddress
    /// The port actually bound (differs from `address.port` when that was 0).
    public let boundPort: UInt16
    let handler: Handler
    nonisolated(unsafe) private var daemon: OpaquePointer?

    /// Binds `address` and starts serving. Fails with a message naming the address and the
    /// reason (port in use, address not on this host).
    public init(address: ListenAddress, connectionLimit: UInt32 = 64, handler: @escaping Handler) throws(HTTPServerError) {
        self.address = address
        self.handler = handler
        var error: Int32 = 0
        let fd = netstat_listen_socket(address.host, String(address.port), 128, &error)
        guard fd >= 0 else {
            let reason = error < 0 ? String(cString: gai_strerror(error)) : String(cString: strerror(error))
            throw .listenFailed(address: address.description, reason: reason)
        }
        boundPort = UInt16(truncatingIfNeeded: netstat_socket_port(fd))
        let context = Unmanaged.passRetained(HandlerBox(handler)).toOpaque()
        guard let started = netstat_mhd_start(fd, connectionLimit, 60, serveRequest, requestCompleted, context) else {
            Unmanaged<HandlerBox>.fromOpaque(context).release()
            close(fd)
            throw .startFailed(address: address.description)
        }
        daemon = started
    }

    /// Stops accepting and waits for the daemon's threads.
    public func stop() {
        if let daemon {
            MHD_stop_daemon(daemon)
            self.daemon = nil
        }
    }
}

/// The handler as a class, so its address can travel through libmicrohttpd's `void *`.
final class HandlerBox: Sendable {
    let handler: HTTPServer.Handler
    init(_ handler: @escaping HTTPServer.Handler) { self.handler = handler }
}

/// Collects header or query pairs during `MHD_get_connection_values`.
private final class PairCollector {
    var pairs: [(name: String, value: String)] = []
}

private let collectPair: netstat_mhd_value_iterator = { context, _, key, value in
    guard let context, let key else { return .YES }
    let collector = Unmanaged<PairCollector>.fromOpaque(context).takeUnretainedValue()
    collector.pairs.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

private func connectionValues(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
    let collector = PairCollector()
    let context = Unmanaged.passUnretained(collector).toOpaque()
    _ = MHD_get_connection_values(connection, kind, collectPair, context)
    return withExtendedLifetime(collector) { collector.pairs }
}

private let serveRequest: netstat_mhd_access_handler = { context, connection, url, method, _, _, _, _ in
    guard let context, let connection else { return .NO }
    let box = Unmanaged<HandlerBox>.fromOpaque(context).takeUnretainedValue()
    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "",
        path: url.map { String(cString: $0) } ?? "/",
        headers: connectionValues(connection, .HEADER_KIND),
        query: connectionValues(connection, .GET_ARGUMENT_KIND))
    let response = box.handler(request)
    return send(response, on: connection)
}

private let requestCompleted: netstat_mhd_completed_handler = { _, _, _, _ in }

private func send(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    let created = response.body.withUnsafeBytes { body in
        netstat_mhd_response_copy(body.count, body.baseAddress)
    }
    guard let mhdResponse = created else { return .NO }
    defer { MHD_destroy_response(mhdResponse) }
    for header in response.headers {
        _ = MHD_add_response_header(mhdResponse, header.name, header.value)
    }
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}
