#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one piece of work on its own POSIX thread so it overlaps with the caller's work (the fd
/// scan beside the netlink dump). Dispatch would do too, but pulls its worker pool into an
/// exporter that otherwise never needs one. `join` waits and returns the result.
public final class BackgroundThread<Result>: @unchecked Sendable {
    // Written by the thread before it ends, read after pthread_join: the join orders the two.
    private var result: Result?
    private let work: () -> Result
    private var thread: pthread_t?

    public init(_ work: @escaping () -> Result) {
        self.work = work
        // No thread to be had: run the work here instead of failing the scrape.
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
        let box = Unmanaged.passRetained(ThreadEntry { [self] in self.result = self.work() })
        var handle = pthread_t()
        guard pthread_create(&handle, nil, threadMain, box.toOpaque()) == 0 else {
            box.release()
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

/// The type-erased body a thread runs; a C entry point cannot capture the generic `Result`.
private final class ThreadEntry {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

private func threadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let entry = Unmanaged<ThreadEntry>.fromOpaque(context!).takeRetainedValue()
    entry.run()
    return nil
}
