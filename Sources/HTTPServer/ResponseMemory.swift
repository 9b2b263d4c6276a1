import Synchronization

/// The bytes held by prepared responses: those being sent, or ready to be, to connections that
/// have not finished taking them. A slow reader keeps its answer here until it reads it or its
/// connection times out, so the limit (`--web.max-response-memory`) is what stops a crowd of
/// clients that send a request and never read from turning into memory: while the held bytes
/// are at or over it, new requests get a small shared 503 instead. One per process, shared by
/// every listener, like the `WorkerPool`. 0 means no limit.
public final class ResponseMemory: Sendable {
    public let limit: Int
    private let heldBytes = Atomic<Int>(0)
    private let refusals = Atomic<UInt64>(0)

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes held now.
    public var held: Int { heldBytes.load(ordering: .relaxed) }

    /// True while new requests are to be refused.
    public var isFull: Bool { limit > 0 && held >= limit }

    /// Requests refused since start because the memory was full.
    public var refused: UInt64 { refusals.load(ordering: .relaxed) }

    func countRefusal() { refusals.add(1, ordering: .relaxed) }
    func hold(_ bytes: Int) { heldBytes.add(bytes, ordering: .relaxed) }
    func release(_ bytes: Int) { heldBytes.subtract(bytes, ordering: .relaxed) }
}
