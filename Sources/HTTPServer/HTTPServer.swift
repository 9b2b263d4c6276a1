import CMicroHTTPD
#if canImport(Glibc)
import Glibc
#endif
import Threads

/// An HTTP(S) server on libmicrohttpd: one listening socket, one polling thread (epoll) for every
/// connection, and a Swift handler that starts on a `WorkerPool` thread for each request while
/// its connection is suspended, and answers it through an `HTTPResponder`, at once or later.
///
/// Abusive clients are held to `HTTPServerLimits`: connections in all and per address, and a
/// deadline for each request that a sweeper thread enforces (libmicrohttpd's own timeout is
/// only an inactivity timeout, which a client sending a byte every few seconds resets forever).
///
/// libmicrohttpd calls back through capture-free C functions; they find the server's `ServerCore`
/// through the context pointer, retained until `stop()`.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest, HTTPResponder) -> Void
    /// Receives libmicrohttpd's error lines: a stable key (its format string) and the line.
    public typealias ErrorLog = @Sendable (_ key: String, _ line: String) -> Void

    public let address: ListenAddress
    /// The port actually bound (differs from `address.port` when that was 0).
    public let boundPort: UInt16
    public let tls: TLSSettings?
    public let limits: HTTPServerLimits
    let core: ServerCore
    let listenFD: Int32
    nonisolated(unsafe) private var daemon: OpaquePointer?
    nonisolated(unsafe) private var sweeper: BackgroundThread<Void>?

    /// Binds `address` and starts serving, over TLS when `tls` is given. Fails with a message
    /// naming the address and the reason (port in use, address not on this host).
    public convenience init(address: ListenAddress, limits: HTTPServerLimits = HTTPServerLimits(),
                            workers: WorkerPool, memory: ResponseMemory, tls: TLSSettings? = nil, log: @escaping ErrorLog = { _, _ in },
                            handler: @escaping Handler) throws(HTTPServerError) {
        var error: Int32 = 0
        // A burst of connections (a slowloris opening a thousand) must not fill the accept queue
        // before the polling thread drains it: a dropped SYN costs a scraper a one-second
        // retransmit. The kernel caps the backlog at net.core.somaxconn, as Go's listeners do.
        let fd = netstat_listen_socket(address.host, String(address.port), 4096, &error)
        guard fd >= 0 else {
            let reason = error < 0 ? String(cString: gai_strerror(error)) : String(cString: strerror(error))
            throw .listenFailed(address: address.description, reason: reason)
        }
        let port = UInt16(truncatingIfNeeded: netstat_socket_port(fd))
        let core = ServerCore(handler: handler, workers: workers, memory: memory, log: log)
        do {
            try self.init(socket: fd, address: address, boundPort: port, limits: limits, tls: tls, core: core)
        } catch {
            close(fd)
            throw error
        }
    }

    /// Serves on a socket another process bound and made listen (systemd socket activation); the
    /// server owns it from here. Fails unless `fd` is a listening TCP socket.
    public convenience init(listeningSocket fd: Int32, limits: HTTPServerLimits = HTTPServerLimits(),
                            workers: WorkerPool, memory: ResponseMemory, tls: TLSSettings? = nil, log: @escaping ErrorLog = { _, _ in },
                            handler: @escaping Handler) throws(HTTPServerError) {
        var host = [CChar](repeating: 0, count: 64)
        guard netstat_socket_listening_tcp(fd, &host, host.count) == 1 else {
            throw .systemdSockets("descriptor \(fd) is not a listening TCP socket")
        }
        let port = UInt16(truncatingIfNeeded: netstat_socket_port(fd))
        let address = ListenAddress(host: String(cTextBuffer: host), port: port)
        try self.init(socket: fd, address: address, boundPort: port, limits: limits, tls: tls,
                      core: ServerCore(handler: handler, workers: workers, memory: memory, log: log))
    }

    /// Starts a daemon on a socket that is already listening; the daemon owns it from here.
    private init(socket fd: Int32, address: ListenAddress, boundPort: UInt16, limits: HTTPServerLimits,
                 tls: TLSSettings?, core: ServerCore) throws(HTTPServerError) {
        self.address = address
        self.boundPort = boundPort
        self.tls = tls
        self.limits = limits
        self.listenFD = fd
        self.core = core
        let mhdLimits = netstat_mhd_limits(
            connections: UInt32(clamping: limits.maxConnections),
            connections_per_address: UInt32(clamping: limits.maxConnectionsPerAddress),
            idle_timeout_seconds: UInt32(limits.readTimeoutSeconds.rounded(.up)))
        // libmicrohttpd loads the PEM text into GnuTLS while it starts; the C strings only have
        // to live through this call.
        let started = withOptionalCString(tls?.certificatePEM) { cert in
            withOptionalCString(tls?.keyPEM) { key in
                withOptionalCString(tls?.clientCAPEM) { trust in
                    withOptionalCString(tls?.priorities) { priorities in
                        netstat_mhd_start(fd, mhdLimits, core.callbacks, cert, key, trust, priorities)
                    }
                }
            }
        }
        guard let started else {
            core.release()
            throw .startFailed(address: address.description)
        }
        self.daemon = started
        let table = core.table
        let interval = limits.sweepInterval
        let timeout = limits.readTimeoutSeconds
        sweeper = BackgroundThread.startIfAvailable { [core] in
            while core.sleep(seconds: interval) { table.expire(olderThan: timeout) }
        }
    }

    /// A server on the same socket with other TLS settings (a reloaded web config). The new
    /// daemon starts accepting before this one stops, so no connection attempt is refused
    /// meanwhile; this one finishes the requests it has (up to `drainSeconds`) and is stopped.
    /// On failure nothing changes.
    public func restarted(tls: TLSSettings?, drainSeconds: Double = 5) throws(HTTPServerError) -> HTTPServer {
        guard daemon != nil else { throw .startFailed(address: address.description) }
        let copy = dup(listenFD)
        guard copy >= 0 else { throw .startFailed(address: address.description) }
        let replacement: HTTPServer
        do {
            replacement = try HTTPServer(socket: copy, address: address, boundPort: boundPort, limits: limits,
                                         tls: tls, core: core.sibling())
        } catch {
            close(copy)
            throw error
        }
        stopAccepting()
        _ = drain(until: .now + .milliseconds(Int64(drainSeconds * 1000)))
        stop()
        return replacement
    }

    /// Closes the listening socket (this daemon's copy): new connections go to another daemon on
    /// the same socket, or are refused; requests already in keep being served.
    public func stopAccepting() {
        guard let daemon else { return }
        let own = netstat_mhd_quiesce(daemon)
        if own >= 0 { close(own) }
    }

    /// Waits until no request is being answered, or until `deadline`; true if none is left.
    public func drain(until deadline: ContinuousClock.Instant) -> Bool {
        while core.table.answering > 0 {
            guard ContinuousClock.now < deadline else { return false }
            usleep(10_000)
        }
        return true
    }

    /// Stops the daemon: requests still being answered get 503, every connection is closed, and
    /// the daemon's and the sweeper's threads are waited for.
    public func stop() {
        guard let daemon else { return }
        core.table.stopAll(answering: core.shuttingDown)
        // Give the polling thread a moment to send those 503s before every connection is closed.
        _ = drain(until: .now + .milliseconds(500))
        core.wakeSweeper()
        sweeper?.wait()
        MHD_stop_daemon(daemon)
        self.daemon = nil
        self.sweeper = nil
        core.release()
    }
}

private func withOptionalCString<T>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> T) -> T {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}
