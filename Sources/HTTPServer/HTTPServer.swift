import CMicroHTTPD
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP(S) server on libmicrohttpd: one listening socket, one thread per connection, and a
/// Swift handler that turns each request into a response.
///
/// libmicrohttpd calls back through capture-free C functions; they find the handler through the
/// `Unmanaged` context pointer, retained until `stop()`.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public let address: ListenAddress
    /// The port actually bound (differs from `address.port` when that was 0).
    public let boundPort: UInt16
    public let tls: TLSSettings?
    let handler: Handler
    let connectionLimit: UInt32
    let listenFD: Int32
    nonisolated(unsafe) private var daemon: OpaquePointer?
    nonisolated(unsafe) private var context: UnsafeMutableRawPointer?

    /// Binds `address` and starts serving, over TLS when `tls` is given. Fails with a message
    /// naming the address and the reason (port in use, address not on this host).
    public convenience init(address: ListenAddress, connectionLimit: UInt32 = 64, tls: TLSSettings? = nil,
                            handler: @escaping Handler) throws(HTTPServerError) {
        var error: Int32 = 0
        let fd = netstat_listen_socket(address.host, String(address.port), 128, &error)
        guard fd >= 0 else {
            let reason = error < 0 ? String(cString: gai_strerror(error)) : String(cString: strerror(error))
            throw .listenFailed(address: address.description, reason: reason)
        }
        let port = UInt16(truncatingIfNeeded: netstat_socket_port(fd))
        do {
            try self.init(socket: fd, address: address, boundPort: port, connectionLimit: connectionLimit,
                          tls: tls, handler: handler)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Starts a daemon on a socket that is already listening; the daemon owns it from here.
    private init(socket fd: Int32, address: ListenAddress, boundPort: UInt16, connectionLimit: UInt32,
                 tls: TLSSettings?, handler: @escaping Handler) throws(HTTPServerError) {
        self.address = address
        self.boundPort = boundPort
        self.tls = tls
        self.handler = handler
        self.connectionLimit = connectionLimit
        self.listenFD = fd
        let context = Unmanaged.passRetained(HandlerBox(handler)).toOpaque()
        // libmicrohttpd loads the PEM text into GnuTLS while it starts; the C strings only have
        // to live through this call.
        let started = withOptionalCString(tls?.certificatePEM) { cert in
            withOptionalCString(tls?.keyPEM) { key in
                withOptionalCString(tls?.clientCAPEM) { trust in
                    withOptionalCString(tls?.priorities) { priorities in
                        netstat_mhd_start(fd, connectionLimit, 60, serveRequest, requestCompleted, context,
                                          cert, key, trust, priorities)
                    }
                }
            }
        }
        guard let started else {
            Unmanaged<HandlerBox>.fromOpaque(context).release()
            throw .startFailed(address: address.description)
        }
        self.daemon = started
        self.context = context
    }

    /// A server on the same socket with other TLS settings (a reloaded web config). The new
    /// daemon starts accepting before this one stops, so no connection attempt is refused
    /// meanwhile; this one finishes the requests it has and is stopped. On failure nothing changes.
    public func restarted(tls: TLSSettings?) throws(HTTPServerError) -> HTTPServer {
        guard let daemon else { throw .startFailed(address: address.description) }
        let copy = dup(listenFD)
        guard copy >= 0 else { throw .startFailed(address: address.description) }
        let replacement: HTTPServer
        do {
            replacement = try HTTPServer(socket: copy, address: address, boundPort: boundPort,
                                         connectionLimit: connectionLimit, tls: tls, handler: handler)
        } catch {
            close(copy)
            throw error
        }
        let own = netstat_mhd_quiesce(daemon)
        if own >= 0 { close(own) }
        stop()
        return replacement
    }

    /// Call once before any server starts: all connection threads then share one malloc arena.
    /// Without it glibc gives connection threads arenas of their own, kept resident after the
    /// threads end: measured on a release build, RSS grew 3 to 9 MB over a few scrapes without
    /// it and about 1 MB with it. Scrapes are few; the lock they share costs nothing measurable.
    public static func useOneMallocArena() {
        netstat_single_malloc_arena()
    }

    /// Call once at start: blocks of 256 KB and more (a scrape's per-socket arrays) are mapped
    /// on their own and given back to the system when freed, instead of staying resident.
    public static func returnLargeAllocationsWhenFreed() {
        netstat_mmap_large_allocations(256 * 1024)
    }

    /// Stops accepting and waits for the daemon's threads.
    public func stop() {
        if let daemon {
            MHD_stop_daemon(daemon)
            self.daemon = nil
        }
        if let context {
            Unmanaged<HandlerBox>.fromOpaque(context).release()
            self.context = nil
        }
    }
}

private func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
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

private func clientCertificate(_ connection: OpaquePointer) -> ClientCertificate {
    switch netstat_mhd_client_certificate(connection) {
    case 0: return .none
    case 1: return .verified
    case 2: return .invalid
    default: return .notTLS
    }
}

/// libmicrohttpd calls the handler once when the headers are in and again when the (empty) body
/// is; a response queued on the first call makes it close the connection afterwards, so the
/// first call only marks the request as seen and the answer comes on the second, which keeps
/// connections alive between scrapes.
private let serveRequest: netstat_mhd_access_handler = {
    context, connection, url, method, _, _, uploadSize, requestContext in
    guard let context, let connection else { return .NO }
    if let requestContext, requestContext.pointee == nil {
        requestContext.pointee = UnsafeMutableRawPointer(connection)
        return .YES
    }
    // A request body (nobody sends one to an exporter) is read and dropped.
    if let uploadSize, uploadSize.pointee != 0 {
        uploadSize.pointee = 0
        return .YES
    }
    let box = Unmanaged<HandlerBox>.fromOpaque(context).takeUnretainedValue()
    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "",
        path: url.map { String(cString: $0) } ?? "/",
        headers: connectionValues(connection, .HEADER_KIND),
        query: connectionValues(connection, .GET_ARGUMENT_KIND),
        clientCertificate: clientCertificate(connection))
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
