#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Exposition
import SockDiag
import Threads

/// What the health metrics keep between scrapes: each connection's last counters (by cookie)
/// and each label set's running totals, per namespace, behind one lock taken for a batch of
/// lookups or one namespace's totals at a time. Scrapes that run at once need nothing more:
/// each adds what a connection grew by since the last reading of either, so nothing is counted
/// twice; at worst one's sweep forgets a connection the other saw before it, which then starts
/// again from a baseline (an interval missed, never one counted twice).
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

    private let history = ConnectionHistory()
    /// Keyed by namespace inode, then by the label set (port, direction, process).
    private var totals: [UInt64: [[Label]: Totals]] = [:]
    private let lock = ConditionLock()

    private func locked<Result>(_ body: () -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Advances the history by a batch of samples, appending what each connection that had a
    /// reading before grew by (and nothing for those seen first). The batch's slots are
    /// touched first, so the cache misses of its lookups overlap.
    func advance(_ batch: [(connection: UInt32, sample: TCPInfoSample)],
                 into increments: inout [(connection: UInt32, counters: TCPCounters)]) {
        locked {
            history.touch(batch.lazy.map(\.sample.cookie))
            for (connection, sample) in batch {
                if let added = history.advance(sample), !added.isZero { increments.append((connection, added)) }
            }
        }
    }

    /// After a scrape: forgets the connections it did not see (closed) and the totals of
    /// namespaces gone past the retention; returns how many connections are kept, and how many
    /// of those spilled.
    func finishScrape(read: Set<UInt64>, now: Double) -> (tracked: Int, spilled: Int) {
        locked {
            history.sweep()
            forgetNamespaces(except: read, now: now)
            return (history.count, history.spilledCount)
        }
    }

    /// Adds what the label sets of one namespace's connections added this scrape (`present`:
    /// every label set with a connection now, most with nothing added) and returns every label
    /// set's totals still kept for that namespace.
    func add(_ present: [[Label]: TCPCounters], namespace: UInt64, now: Double) -> [[Label]: TCPCounters] {
        locked { addLocked(present, namespace: namespace, now: now) }
    }

    private func addLocked(_ present: [[Label]: TCPCounters], namespace: UInt64, now: Double) -> [[Label]: TCPCounters] {
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
    private func forgetNamespaces(except read: Set<UInt64>, now: Double) {
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
