#if canImport(Glibc)
import Glibc
#endif
import Collectors
import Exposition
import HTTPServer
import Synchronization
import Threads

/// Concurrent scrapes share collections. A request waits for the next collection that starts
/// after it arrived, so no answer is older than its request, and every request waiting with the
/// same `collect[]`/`exclude[]` when a collection starts gets its result. One collection runs at
/// a time, on the worker of the request that found none running, which then runs the next
/// until nobody waits. Each format and coding is encoded once per collection, and the prepared
/// response is shared by every request that asked for it.
///
/// Forty clients scraping back to back thus cost about one scrape after another, not forty
/// at once; a waiting request holds its responder, not a thread. `--web.max-requests` bounds
/// the requests waiting or being answered; more get 503 at once, except a request from an
/// address with none in flight: a crowd of clients cannot lock out another scraper (a waiting
/// request costs its connection, which `--web.max-connections` bounds).
///
/// Under a crowd the collections would follow each other without a break, and a collection
/// keeps more than one core busy for a moment (the netlink dump is received on a thread of its
/// own while it is parsed); a collection that starts straight after another therefore waits a
/// quarter of the last one's time first, so a crowd costs the node about one core, never both.
/// A lone scraper never waits: with nobody waiting when a collection ends, there is no pause.
///
/// A collection running longer than `stuckAfter` (a read that hangs: a process stuck in the
/// kernel, a FIFO in a fake procfs) is taken as stuck: a watcher, a thread that runs only while
/// requests wait behind a collection, starts a new one beside it on a thread of its own, so
/// scrapes keep being answered; the stuck one answers its own requests if it ever ends. At most
/// `maxStuck` are left behind that way; beyond, requests wait.
final class ScrapeCoalescer: Sendable {
    /// One request waiting for a collection.
    struct Waiter: Sendable {
        let scrape: ScrapeRequest
        /// The web config's response headers, in force when the request arrived.
        let headers: [(name: String, value: String)]
        let responder: HTTPResponder
        /// The client's address, for the fair share of `limit`.
        let address: String
    }

    private struct State {
        /// In arrival order.
        var waiting: [Waiter] = []
        /// Waiting or being answered, in all and by client address.
        var inFlight = 0
        var inFlightByAddress: [String: Int] = [:]
        /// When the running collection started (nil: none runs), and which leader runs them.
        var collectingSince: ContinuousClock.Instant?
        var leader = 0
        /// Collections given up as stuck and still running, and whether the watcher runs.
        var stuck = 0
        var watching = false
        var statistics = ServingStatistics()
    }

    let limit: Int
    let stuckAfter: Duration
    let maxStuck = 3
    private let memory: ResponseMemory
    /// Runs one collection for `filter`, adding the serving statistics it is given.
    private let collect: @Sendable (ScrapeFilter, ServingStatistics) -> MetricSet
    private let state = Mutex(State())

    init(limit: Int, memory: ResponseMemory, stuckAfter: Duration = .seconds(30),
         collect: @escaping @Sendable (ScrapeFilter, ServingStatistics) -> MetricSet) {
        self.limit = limit
        self.stuckAfter = stuckAfter
        self.memory = memory
        self.collect = collect
    }

    /// Queues `waiter` for the next collection; false, without queueing, when `limit` requests
    /// are already in flight. Returns once the request is answered or queued behind a running
    /// collection; the caller that finds none running runs the collections meanwhile.
    func submit(_ waiter: Waiter) -> Bool {
        enum Admission { case refused, queued, queuedAndWatch, leads(Int) }
        let admission: Admission = state.withLock { state in
            let address = waiter.address
            guard limit == 0 || state.inFlight < limit || state.inFlightByAddress[address] == nil else {
                state.statistics.refusedMaxRequests += 1
                return .refused
            }
            state.inFlight += 1
            state.inFlightByAddress[address, default: 0] += 1
            state.waiting.append(waiter)
            let now = ContinuousClock.now
            if state.collectingSince != nil {
                if state.watching { return .queued }
                state.watching = true
                return .queuedAndWatch
            }
            state.collectingSince = now
            state.leader += 1
            return .leads(state.leader)
        }
        switch admission {
        case .refused: return false
        case .queued: return true
        case .queuedAndWatch:
            if !BackgroundThread.detach({ self.watchForStuckCollections() }) {
                state.withLock { $0.watching = false }
            }
            return true
        case .leads(let leader):
            collectWhileWaiting(as: leader)
            return true
        }
    }

    /// While collections run with requests waiting behind them, checks once a second whether the
    /// running one has passed `stuckAfter`, and if so leads the next collections on a new
    /// thread. It ends when no collection runs (under a crowd it lives on between rounds, whose
    /// start empties the queue for a moment, instead of being started again each time).
    private func watchForStuckCollections() {
        enum Next { case stop, watch, takeOver(Int) }
        while true {
            usleep(1_000_000)
            let next: Next = state.withLock { state in
                guard let since = state.collectingSince else {
                    state.watching = false
                    return .stop
                }
                guard !state.waiting.isEmpty, ContinuousClock.now - since >= stuckAfter,
                      state.stuck < maxStuck else { return .watch }
                state.stuck += 1
                state.collectingSince = .now
                state.leader += 1
                return .takeOver(state.leader)
            }
            switch next {
            case .stop: return
            case .watch: continue
            case .takeOver(let leader):
                let started = BackgroundThread.detach { self.collectWhileWaiting(as: leader) }
                if !started { state.withLock { $0.collectingSince = nil } }
            }
        }
    }

    private func collectWhileWaiting(as leader: Int) {
        var pause: Duration = .zero
        while let (round, statistics) = nextRound(for: leader, pausingFor: pause) {
            let started = ContinuousClock.now
            let metrics = collect(round[0].scrape.filter, statistics)
            pause = (ContinuousClock.now - started) / 4
            // Out of flight before they are answered: a client that sends its next request the
            // moment it has the answer must find its slot free.
            state.withLock { state in
                state.inFlight -= round.count
                for waiter in round {
                    let left = state.inFlightByAddress[waiter.address, default: 1] - 1
                    state.inFlightByAddress[waiter.address] = left > 0 ? left : nil
                }
            }
            answer(round, with: metrics)
        }
    }

    /// The requests the next collection answers (those waiting with the oldest request's
    /// filter) and the statistics it reports; nil, and no longer collecting, when none wait,
    /// and nil when another leader took over from `leader` (its collection was taken as stuck).
    /// With requests already waiting it first pauses for `pause`.
    private func nextRound(for leader: Int, pausingFor pause: Duration) -> ([Waiter], ServingStatistics)? {
        if pause > .zero && state.withLock({ !$0.waiting.isEmpty }) {
            let (seconds, attoseconds) = pause.components
            usleep(UInt32(clamping: seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
        let responseBytes = memory.held
        let refusedForMemory = memory.refused
        return state.withLock { state in
            // Taken over while stuck: the newer leader collects from here.
            guard state.leader == leader else {
                state.stuck -= 1
                return nil
            }
            guard let oldest = state.waiting.first else {
                state.collectingSince = nil
                return nil
            }
            state.collectingSince = .now
            let filter = oldest.scrape.filter
            var round: [Waiter] = []
            var rest: [Waiter] = []
            for waiter in state.waiting {
                if waiter.scrape.filter == filter { round.append(waiter) } else { rest.append(waiter) }
            }
            state.waiting = rest
            state.statistics.collections += 1
            state.statistics.served += UInt64(round.count)
            var statistics = state.statistics
            statistics.collectionRequests = round.count
            statistics.refusedResponseMemory = refusedForMemory
            statistics.responseMemoryBytes = responseBytes
            statistics.responseMemoryLimitBytes = memory.limit
            return (round, statistics)
        }
    }

    /// Encodes `metrics` once per format, compresses once per format, prepares once per
    /// (format, coding, headers), and hands each waiter its shared answer.
    private func answer(_ round: [Waiter], with metrics: MetricSet) {
        var bodies: [Int: [UInt8]] = [:]
        var compressed: [Int: [UInt8]] = [:]
        var prepared: [(scrape: ScrapeRequest, headers: [(name: String, value: String)], response: PreparedResponse?)] = []
        for waiter in round {
            let scrape = waiter.scrape
            if let shared = prepared.first(where: { $0.scrape == scrape && sameHeaders($0.headers, waiter.headers) }) {
                waiter.responder.respond(shared.response)
                continue
            }
            let format = MetricsEndpoint.formats[scrape.format]
            if bodies[scrape.format] == nil { bodies[scrape.format] = format.encode(metrics) }
            var response = HTTPResponse(status: 200, headers: [("Content-Type", format.contentType),
                                                               ("Vary", "Accept, Accept-Encoding")],
                                        body: bodies[scrape.format]!)
            if scrape.gzip {
                if compressed[scrape.format] == nil { compressed[scrape.format] = Gzip.compress(response.body) }
                if let body = compressed[scrape.format] {
                    response.body = body
                    response.headers.append(("Content-Encoding", "gzip"))
                }
            }
            response.headers.append(contentsOf: waiter.headers)
            let answer = PreparedResponse(response, memory: memory)
            prepared.append((scrape, waiter.headers, answer))
            waiter.responder.respond(answer)
        }
    }

    private func sameHeaders(_ a: [(name: String, value: String)], _ b: [(name: String, value: String)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A scrape as the coalescer takes it: which collectors, and how the answer is encoded.
struct ScrapeRequest: Sendable, Hashable {
    let filter: ScrapeFilter
    /// An index into `MetricsEndpoint.formats`.
    let format: Int
    let gzip: Bool
}
