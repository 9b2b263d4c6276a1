import Collectors
import Exposition
import HTTPServer
import Synchronization

/// Concurrent scrapes share collections. A request waits for the next collection that starts
/// after it arrived, so no answer is older than its request, and every request waiting with the
/// same `collect[]`/`exclude[]` when a collection starts gets its result. One collection runs at
/// a time, on the worker of the request that found none running, which then runs the next
/// until nobody waits. Each format and coding is encoded once per collection, and the prepared
/// response is shared by every request that asked for it.
///
/// Forty clients scraping back to back thus cost about one scrape after another, not forty
/// at once; a waiting request holds its responder, not a thread. `--web.max-requests` bounds
/// the requests waiting or being answered; more get 503 at once.
final class ScrapeCoalescer: Sendable {
    /// One request waiting for a collection.
    struct Waiter: Sendable {
        let scrape: ScrapeRequest
        /// The web config's response headers, in force when the request arrived.
        let headers: [(name: String, value: String)]
        let responder: HTTPResponder
    }

    private struct State {
        /// In arrival order.
        var waiting: [Waiter] = []
        /// Waiting or being answered.
        var inFlight = 0
        var collecting = false
        var statistics = ServingStatistics()
    }

    let limit: Int
    private let memory: ResponseMemory
    /// Runs one collection for `filter`, adding the serving statistics it is given.
    private let collect: @Sendable (ScrapeFilter, ServingStatistics) -> MetricSet
    private let state = Mutex(State())

    init(limit: Int, memory: ResponseMemory,
         collect: @escaping @Sendable (ScrapeFilter, ServingStatistics) -> MetricSet) {
        self.limit = limit
        self.memory = memory
        self.collect = collect
    }

    /// Queues `waiter` for the next collection; false, without queueing, when `limit` requests
    /// are already in flight. Returns once the request is answered or queued behind a running
    /// collection; the caller that finds none running runs the collections meanwhile.
    func submit(_ waiter: Waiter) -> Bool {
        let outcome: Bool? = state.withLock { state in
            guard limit == 0 || state.inFlight < limit else {
                state.statistics.refusedMaxRequests += 1
                return nil
            }
            state.inFlight += 1
            state.waiting.append(waiter)
            if state.collecting { return false }
            state.collecting = true
            return true
        }
        guard let leads = outcome else { return false }
        if leads { collectWhileWaiting() }
        return true
    }

    private func collectWhileWaiting() {
        while let (round, statistics) = nextRound() {
            let metrics = collect(round[0].scrape.filter, statistics)
            // Out of flight before they are answered: a client that sends its next request the
            // moment it has the answer must find its slot free.
            state.withLock { $0.inFlight -= round.count }
            answer(round, with: metrics)
        }
    }

    /// The requests the next collection answers (those waiting with the oldest request's
    /// filter) and the statistics it reports; nil, and no longer collecting, when none wait.
    private func nextRound() -> ([Waiter], ServingStatistics)? {
        let responseBytes = memory.held
        let refusedForMemory = memory.refused
        return state.withLock { state in
            guard let oldest = state.waiting.first else {
                state.collecting = false
                return nil
            }
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
