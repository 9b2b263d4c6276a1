#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one piece of work on its own POSIX thread: the exporter's only way to start a thread.
///
/// Joinable (`BackgroundThread(work)`, `startIfAvailable`): the work overlaps with the
/// caller's (the fd scan beside the netlink dump, the other namespaces beside the own one) and
/// `join` waits for its result. Detached (`detach`): a worker that ends on its own. Dispatch
/// would do too, but pulls its worker pool into an exporter that otherwise never needs one.
public final class BackgroundThread<Result>: @unchecked Sendable {
    // Written by the thread before it ends, read after pthread_join: the join orders the two.
    private var result: Result?
    private let work: () -> Result
    private var thread: pthread_t?

    /// Starts `work` on a new thread; when the system has no thread to give, runs it here
    /// instead of failing (for work the caller does not wait on meanwhile).
    public init(_ work: @escaping () -> Result) {
        self.work = work
        if !start() { result = work() }
    }

    private init(unstarted work: @escaping () -> Result) {
        self.work = work
    }

    /// Starts `work` on a new thread; nil when the system has no thread to give, for work that
    /// cannot simply run on the caller's thread instead (it waits for the caller).
    public static func startIfAvailable(_ work: @escaping () -> Result) -> BackgroundThread? {
        let thread = BackgroundThread(unstarted: work)
        return thread.start() ? thread : nil
    }

    private func start() -> Bool {
        guard let handle = startPOSIXThread(detached: false, { [self] in self.result = self.work() }) else {
            return false
        }
        thread = handle
        return true
    }

    /// Waits for the work to end without taking its result.
    public func wait() {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
    }

    /// Waits for the work and hands over its result (once: the thread keeps no reference, so
    /// the caller can mutate a large result in place without a copy).
    public func join() -> Result {
        wait()
        defer { result = nil }
        return result!
    }
}

extension BackgroundThread where Result == Void {
    /// Starts `work` on a detached thread, which cleans up after itself when the work ends;
    /// false when the system refuses another thread.
    public static func detach(_ work: @escaping @Sendable () -> Void) -> Bool {
        startPOSIXThread(detached: true, work) != nil
    }
}

/// The type-erased body a thread runs; a C entry point cannot capture a generic or a closure.
private final class ThreadEntry {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private func startPOSIXThread(detached: Bool, _ body: @escaping () -> Void) -> pthread_t? {
    let context = Unmanaged.passRetained(ThreadEntry(body)).toOpaque()
    var handle = pthread_t()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
    guard pthread_create(&handle, &attributes, threadMain, context) == 0 else {
        Unmanaged<ThreadEntry>.fromOpaque(context).release()
        return nil
    }
    return handle
}

private func threadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let entry = Unmanaged<ThreadEntry>.fromOpaque(context!).takeRetainedValue()
    entry.run()
    return nil
}
