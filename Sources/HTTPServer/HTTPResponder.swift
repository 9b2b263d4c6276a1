import Synchronization

/// How a handler answers one request: once, from any thread, now or after a wait (a scrape
/// waiting for the next collection holds its responder, not a thread). A responder dropped
/// without an answer answers 500, so a request can never be left hanging by a handler's mistake.
public final class HTTPResponder: Sendable {
    private let table: ConnectionTable
    private let connection: UInt
    /// The process's response memory, which every answer made here counts in.
    private let memory: ResponseMemory
    private let answered = Atomic<Bool>(false)

    init(table: ConnectionTable, connection: UInt, memory: ResponseMemory) {
        self.table = table
        self.connection = connection
        self.memory = memory
    }

    /// Answers with a response that may be shared with other requests. Only the first answer counts.
    public func respond(_ response: PreparedResponse?) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        table.resume(connection, with: response)
    }

    /// Answers with a response of this request's own.
    public func respond(_ response: HTTPResponse) {
        respond(PreparedResponse(response, memory: memory))
    }

    deinit {
        if !answered.load(ordering: .acquiring) {
            table.resume(connection, with: PreparedResponse(.text(500, "500 the request was not answered"),
                                                            memory: memory))
        }
    }
}
