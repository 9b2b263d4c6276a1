import Threads

/// The threads that run request handlers, so that libmicrohttpd's polling thread only moves bytes:
/// a scrape that takes seconds occupies a worker, never the thread every other connection waits on.
///
/// Threads start when work arrives and no idle one is waiting, up to `maxThreads`, and end after
/// `idleSeconds` without work; beyond that, work waits in order. One pool serves every listener
/// and outlives web-config reloads, so the thread count is bounded for the whole process.
public final class WorkerPool: @unchecked Sendable {
    public let maxThreads: Int
    let idleSeconds: Double
    // Everything below is guarded by `lock`.
    private let lock = ConditionLock()
    private var jobs: [@Sendable () -> Void] = []
    private var nextJob = 0
    private var threads = 0
    private var idle = 0

    public init(maxThreads: Int, idleSeconds: Double = 30) {
        self.maxThreads = max(1, maxThreads)
        self.idleSeconds = idleSeconds
    }

    /// Runs `job` on a worker thread, now if one is free, else when one is.
    func submit(_ job: @escaping @Sendable () -> Void) {
        lock.lock()
        jobs.append(job)
        let waiting = jobs.count - nextJob
        var spawn = false
        if waiting > idle && threads < maxThreads {
            threads += 1
            spawn = true
        } else {
            lock.signal()
        }
        lock.unlock()
        if spawn && !BackgroundThread.detach({ self.work() }) {
            // No thread to be had: an existing worker takes it, or, with none, run it here.
            lock.lock()
            threads -= 1
            let none = threads == 0
            lock.unlock()
            if none, let orphan = take() { orphan() }
        }
    }

    private func take() -> (@Sendable () -> Void)? {
        lock.lock()
        defer { lock.unlock() }
        return dequeue()
    }

    /// Takes the oldest job; the lock is held. The array is compacted only now and then.
    private func dequeue() -> (@Sendable () -> Void)? {
        guard nextJob < jobs.count else { return nil }
        let job = jobs[nextJob]
        nextJob += 1
        if nextJob == jobs.count {
            jobs.removeAll(keepingCapacity: jobs.count <= 64)
            nextJob = 0
        }
        return job
    }

    private func work() {
        lock.lock()
        while true {
            if let job = dequeue() {
                lock.unlock()
                job()
                lock.lock()
                continue
            }
            idle += 1
            let signalled = lock.wait(seconds: idleSeconds)
            idle -= 1
            if !signalled && nextJob == jobs.count {
                threads -= 1
                lock.unlock()
                return
            }
        }
    }
}
