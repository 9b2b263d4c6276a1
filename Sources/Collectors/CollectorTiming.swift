import Synchronization

/// Time, skipped lines and series written per collector, summed over the namespaces of one
/// scrape (the other namespaces are read on another thread, hence the lock).
final class CollectorTiming: Sendable {
    private let lock: Mutex<(durations: [Duration], skipped: [UInt64], series: [Int])>

    init(count: Int) {
        lock = Mutex((Array(repeating: .zero, count: count), Array(repeating: 0, count: count),
                      Array(repeating: 0, count: count)))
    }

    func measure(_ index: Int, _ work: () -> Void) {
        let clock = ContinuousClock()
        let started = clock.now
        work()
        let elapsed = clock.now - started
        lock.withLock { $0.durations[index] += elapsed }
    }

    func addSkipped(_ index: Int, _ lines: UInt64) {
        lock.withLock { $0.skipped[index] += lines }
    }

    func addSeries(_ index: Int, _ count: Int) {
        lock.withLock { $0.series[index] += count }
    }

    func duration(_ index: Int) -> Duration { lock.withLock { $0.durations[index] } }
    func skipped(_ index: Int) -> UInt64 { lock.withLock { $0.skipped[index] } }
    func series(_ index: Int) -> Int { lock.withLock { $0.series[index] } }
}
