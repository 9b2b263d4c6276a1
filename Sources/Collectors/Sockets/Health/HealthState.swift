#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Exposition
import Threads

/// What the health metrics keep between scrapes: each connection's last counters (by cookie)
/// and each label set's running totals, per namespace. One scrape's sockets pass holds it at a
/// time (`acquire` … `release`): two passes advancing the same connections would each add
/// what the other had already added.
final class HealthState: @unchecked Sendable {
    /// A label set's totals: what its connections added, while the exporter watched.
    struct Totals {
        var counters = TCPCounters()
        /// When a connection last had these labels (monotonic seconds).
        var lastSeen: Double
    }

    /// How long a label set's counters stay exported after its last connection closed: longer
    /// than any rate() window a dashboard uses, shorter than forever (ports and processes
    /// come and go, and each label set ever seen would otherwise stay).
    static let retentionSeconds = 15.0 * 60

    let history = ConnectionHistory()
    /// Keyed by namespace inode, then by the label set (port, direction, process).
    private var totals: [UInt64: [[Label]: Totals]] = [:]
    private let lock = ConditionLock()
    private var held = false

    func acquire() {
        lock.lock()
        while held { _ = lock.wait(seconds: 1) }
        held = true
        lock.unlock()
    }

    func release() {
        lock.lock()
        held = false
        lock.signal()
        lock.unlock()
    }

    /// Adds what the label sets of one namespace's connections added this scrape (`present`:
    /// every label set with a connection now, most with nothing added) and returns every label
    /// set's totals still kept for that namespace. Only between `acquire` and `release`.
    func add(_ present: [[Label]: TCPCounters], namespace: UInt64, now: Double) -> [[Label]: TCPCounters] {
        var kept = totals[namespace] ?? [:]
        for (labels, added) in present {
            kept[labels, default: Totals(lastSeen: now)].counters += added
            kept[labels]!.lastSeen = now
        }
        kept = kept.filter { now - $0.value.lastSeen <= HealthState.retentionSeconds }
        totals[namespace] = kept.isEmpty ? nil : kept
        return kept.mapValues(\.counters)
    }

    /// Forgets the namespaces not read for longer than the retention (a deleted pod's).
    func forgetNamespaces(except read: Set<UInt64>, now: Double) {
        for (namespace, kept) in totals where !read.contains(namespace) {
            let recent = kept.filter { now - $0.value.lastSeen <= HealthState.retentionSeconds }
            totals[namespace] = recent.isEmpty ? nil : recent
        }
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
