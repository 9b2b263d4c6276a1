import Synchronization

/// Bounds the scrapes running at once (`--web.max-requests`). A scrape beyond the limit is
/// turned away at once (503) instead of waiting: waiting scrapes would pile up behind a slow
/// /proc and each hold a connection thread. 0 means no limit of our own.
final class ScrapeLimiter: Sendable {
    let limit: Int
    private let running = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` if a slot is free, else returns nil without running it. The slot is given back
    /// when `body` returns, also when the client went away meanwhile.
    func run<T>(_ body: () -> T) -> T? {
        let now = running.add(1, ordering: .acquiringAndReleasing).newValue
        defer { running.subtract(1, ordering: .acquiringAndReleasing) }
        guard limit == 0 || now <= limit else { return nil }
        return body()
    }
}
