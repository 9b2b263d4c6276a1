import Exposition

/// What the exporter says about how it answers scrapes: concurrent requests share collections
/// (one runs at a time, and it answers every request that was waiting when it started), and
/// answers not yet read by their clients are held within a memory limit. The numbers come from
/// the HTTP side; the families are declared here, beside the exporter's other own metrics.
public struct ServingStatistics: Sendable, Hashable {
    /// Collections run since start, this one included.
    public var collections: UInt64 = 0
    /// Scrape requests answered by a collection since start, this collection's included.
    public var served: UInt64 = 0
    /// Scrape requests refused because `--web.max-requests` were already waiting.
    public var refusedMaxRequests: UInt64 = 0
    /// Requests refused because unread answers filled `--web.max-response-memory`.
    public var refusedResponseMemory: UInt64 = 0
    /// Requests this collection answers.
    public var collectionRequests: Int = 0
    public var responseMemoryBytes: Int = 0
    public var responseMemoryLimitBytes: Int = 0

    public init() {}
}

public enum ServingMetrics {
    public static let families: [MetricDeclaration] = [collections, requests, collectionRequests,
                                                       responseMemory, responseMemoryLimit]

    static let collections = MetricDeclaration.counter(
        "netstat_scrape_collections_total",
        help: "Collections run; each answers every scrape request waiting when it started.",
        source: "collections since start, counted as each starts")
    static let requests = MetricDeclaration.counter(
        "netstat_scrape_requests_total",
        help: "Scrape requests by result: served by a collection, or refused with 503.",
        labels: ["result"],
        source: "`served`: answered by a collection; `max_requests`: refused, `--web.max-requests` already "
            + "waiting; `response_memory`: refused (any path), unread answers fill `--web.max-response-memory`")
    static let collectionRequests = MetricDeclaration.gauge(
        "netstat_scrape_collection_requests",
        help: "Scrape requests this collection answers (every one waiting when it started).",
        source: "requests waiting for this collection with the same collect[]/exclude[] when it started")
    static let responseMemory = MetricDeclaration.gauge(
        "netstat_web_response_memory_bytes",
        help: "Bytes of answers held until their clients have read them, when this collection started.",
        source: "bodies of prepared responses not yet released (shared bodies once)")
    static let responseMemoryLimit = MetricDeclaration.gauge(
        "netstat_web_response_memory_limit_bytes",
        help: "--web.max-response-memory: above it new requests get 503 (0: no limit).",
        source: "the flag")

    public static func write(_ statistics: ServingStatistics, into metrics: inout MetricSet) {
        metrics.add(collections, [], .unsigned(statistics.collections))
        metrics.add(requests, [Label("result", "served")], .unsigned(statistics.served))
        metrics.add(requests, [Label("result", "max_requests")], .unsigned(statistics.refusedMaxRequests))
        metrics.add(requests, [Label("result", "response_memory")], .unsigned(statistics.refusedResponseMemory))
        metrics.add(collectionRequests, [], .unsigned(UInt64(statistics.collectionRequests)))
        metrics.add(responseMemory, [], .unsigned(UInt64(max(0, statistics.responseMemoryBytes))))
        metrics.add(responseMemoryLimit, [], .unsigned(UInt64(statistics.responseMemoryLimitBytes)))
    }
}
