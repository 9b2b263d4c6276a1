import CMicroHTTPD

/// An answer turned into libmicrohttpd's response once, ready to be queued on any number of
/// connections. libmicrohttpd counts the connections a response is queued on and sends every
/// one from the same bytes, so forty clients given one scrape's result hold one body, not forty.
/// Its bytes count in `ResponseMemory` from here until the last holder lets go: the scrape
/// that shares it, and each connection until its request completes.
public final class PreparedResponse: @unchecked Sendable {
    public let status: Int
    /// Body bytes (headers are a few hundred bytes more, not counted).
    public let size: Int
    /// libmicrohttpd's response, which copied the body; never used after `deinit`.
    let handle: OpaquePointer
    private let memory: ResponseMemory

    /// Nil only if libmicrohttpd cannot allocate the response.
    public init?(_ response: HTTPResponse, memory: ResponseMemory) {
        let created = response.body.withUnsafeBytes { body in
            netstat_mhd_response_copy(body.count, body.baseAddress)
        }
        guard let created else { return nil }
        for header in response.headers {
            _ = MHD_add_response_header(created, header.name, header.value)
        }
        handle = created
        status = response.status
        size = response.body.count
        self.memory = memory
        memory.hold(size)
    }

    deinit {
        // Connections still sending keep libmicrohttpd's own reference; the bytes go when they finish.
        MHD_destroy_response(handle)
        memory.release(size)
    }
}
