import CMicroHTTPD
import Threads

/// What one daemon's callbacks need: the handler, the workers that run it, the response memory,
/// the connection table, the error log, and the C struct of callbacks whose context points back
/// here. Retained by that context from `init` until `release()`, which the server calls once the
/// daemon stopped.
final class ServerCore: @unchecked Sendable {
    let handler: HTTPServer.Handler
    let workers: WorkerPool
    let memory: ResponseMemory
    let log: HTTPServer.ErrorLog
    let table = ConnectionTable()
    /// The refusals the polling thread gives without a worker, made once and shared.
    let memoryFull: PreparedResponse?
    let shuttingDown: PreparedResponse?
    /// Immutable after init; freed in `release()`.
    let callbacks: UnsafeMutablePointer<netstat_mhd_callbacks>
    private let sweeperLock = ConditionLock()
    private var stopping = false

    init(handler: @escaping HTTPServer.Handler, workers: WorkerPool, memory: ResponseMemory,
         log: @escaping HTTPServer.ErrorLog) {
        self.handler = handler
        self.workers = workers
        self.memory = memory
        self.log = log
        // Made once and kept: counting them would only offset every reading of `memory`.
        let uncounted = ResponseMemory(limit: 0)
        memoryFull = PreparedResponse(.text(503, "503 answers not yet read by their clients fill the response memory, "
                                                + "try again later"), memory: uncounted)
        shuttingDown = PreparedResponse(.text(503, "503 the exporter is shutting down"), memory: uncounted)
        callbacks = .allocate(capacity: 1)
        let context = Unmanaged.passRetained(self).toOpaque()
        callbacks.initialize(to: netstat_mhd_callbacks(handler: serveRequest, completed: requestCompleted,
                                                       connection: connectionChanged, log: logLine,
                                                       context: context))
    }

    /// A core for another daemon serving the same handler (a restart on the same socket).
    func sibling() -> ServerCore { ServerCore(handler: handler, workers: workers, memory: memory, log: log) }

    /// Drops the context's reference; the daemon must not call back any more.
    func release() {
        let context = callbacks.pointee.context!
        callbacks.deallocate()
        Unmanaged<ServerCore>.fromOpaque(context).release()
    }

    /// The sweeper's pause: false once the server is stopping, at once.
    func sleep(seconds: Double) -> Bool {
        sweeperLock.lock()
        defer { sweeperLock.unlock() }
        if !stopping { _ = sweeperLock.wait(seconds: seconds) }
        return !stopping
    }

    func wakeSweeper() {
        sweeperLock.lock()
        stopping = true
        sweeperLock.broadcast()
        sweeperLock.unlock()
    }

    static func from(_ context: UnsafeMutableRawPointer) -> ServerCore {
        Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue()
    }
}
