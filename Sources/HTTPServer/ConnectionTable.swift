#if canImport(Glibc)
import Glibc
#endif
import CMicroHTTPD
import Synchronization

/// Every connection of one daemon and where its request is, so that a request that takes longer
/// than the read deadline to arrive can be closed, and so that shutdown knows which requests
/// are still being answered. Connections are keyed by the address of libmicrohttpd's connection.
///
/// libmicrohttpd reports a connection closed before it closes the socket, and both go through
/// this table's lock, so the sweeper never shuts down a descriptor that has been reused.
final class ConnectionTable: Sendable {
    enum Phase: Sendable {
        /// Waiting for (the rest of) a request since this instant.
        case reading(since: ContinuousClock.Instant)
        /// The request is in; its answer is being computed or sent.
        case answering
        /// Past the deadline: the socket was shut down and libmicrohttpd will close it.
        case expired
    }

    private struct Entry {
        let fd: Int32
        var phase: Phase
    }

    private struct State {
        var entries: [UInt: Entry] = [:]
        /// Requests whose connection is suspended while a worker answers them.
        var suspended: [UInt: PendingRequest] = [:]
        var stopped = false
    }

    private let state = Mutex(State())

    func opened(_ connection: UInt, fd: Int32) {
        let now = ContinuousClock.now
        state.withLock { $0.entries[connection] = Entry(fd: fd, phase: .reading(since: now)) }
    }

    func closed(_ connection: UInt) {
        state.withLock { _ = $0.entries.removeValue(forKey: connection) }
    }

    /// The headers of a request are in: it is no longer subject to the read deadline.
    func requestArrived(_ connection: UInt) {
        state.withLock { $0.entries[connection]?.phase = .answering }
    }

    /// The answer went out (or the request was abandoned): the next request's time starts now.
    func requestFinished(_ connection: UInt) {
        let now = ContinuousClock.now
        state.withLock { state in
            if case .answering = state.entries[connection]?.phase {
                state.entries[connection]?.phase = .reading(since: now)
            }
        }
    }

    /// Shuts down every connection whose request has been arriving for longer than `seconds`;
    /// returns how many.
    @discardableResult
    func expire(olderThan seconds: Double) -> Int {
        let cutoff = ContinuousClock.now - .milliseconds(Int64(seconds * 1000))
        return state.withLock { state in
            let late = state.entries.filter { _, entry in
                if case .reading(let since) = entry.phase { return since < cutoff }
                return false
            }
            for (connection, entry) in late {
                netstat_socket_shutdown(entry.fd)
                state.entries[connection]?.phase = .expired
            }
            return late.count
        }
    }

    /// Requests being answered now (read, and not yet sent or abandoned).
    var answering: Int {
        state.withLock { state in
            state.entries.values.filter { if case .answering = $0.phase { true } else { false } }.count
        }
    }

    /// Records a connection suspended for `request`; false once the daemon is stopping, when
    /// the caller must answer at once instead.
    func suspend(_ connection: UInt, for request: PendingRequest) -> Bool {
        state.withLock { state in
            guard !state.stopped else { return false }
            state.suspended[connection] = request
            return true
        }
    }

    /// Hands a handler's answer to a suspended connection and wakes it (nil: none could be made,
    /// and the connection is closed). After `stopAll` the connection may be gone, and the answer
    /// is dropped.
    func resume(_ connection: UInt, with response: PreparedResponse?) {
        state.withLock { state in
            guard let request = state.suspended.removeValue(forKey: connection) else { return }
            request.answer(response)
            MHD_resume_connection(OpaquePointer(bitPattern: connection))
        }
    }

    /// Before the daemon stops (libmicrohttpd aborts if it stops with suspended connections):
    /// every request still being worked on is answered `response` and woken; later answers
    /// from workers are dropped.
    func stopAll(answering response: PreparedResponse?) {
        state.withLock { state in
            state.stopped = true
            for (connection, request) in state.suspended {
                request.answer(response)
                MHD_resume_connection(OpaquePointer(bitPattern: connection))
            }
            state.suspended.removeAll()
        }
    }
}

/// One request on its way through the server, kept in libmicrohttpd's per-request context
/// pointer: whether it has gone to a worker, and the answer once there is one. The answer is
/// held until the request completes, so its bytes count in `ResponseMemory` while it is sent.
final class PendingRequest: Sendable {
    enum Answer {
        case none
        /// nil: no response could be made; the connection is closed.
        case given(PreparedResponse?)
    }

    private let response = Mutex<Answer>(.none)
    private let dispatched = Atomic<Bool>(false)

    func answer(_ value: PreparedResponse?) { response.withLock { $0 = .given(value) } }
    var answered: Answer { response.withLock { $0 } }

    /// True the first time only: the request goes to a worker once.
    func markDispatched() -> Bool {
        !dispatched.exchange(true, ordering: .acquiringAndReleasing)
    }
}
