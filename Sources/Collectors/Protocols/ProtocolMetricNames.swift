import Exposition
import ProcNet
import Synchronization
import Flags

/// The metric name, type and HELP of each kernel statistic, worked out once per distinct
/// (file, section, field) and kept. A scrape reads some 400 statistics; without the cache the
/// snake_case conversion and the `--collector.protocols.fields` regex would run for each of
/// them on every scrape. Shared by concurrent scrapes, hence the lock.
final class ProtocolMetricNames: Sendable {
    struct Resolved: Sendable, Hashable {
        let name: String
        let type: MetricType
        let help: String
        /// False when `--collector.protocols.fields` leaves it out.
        let included: Bool
    }

    private struct Key: Hashable {
        let file: String
        let section: String
        let field: String
    }

    /// More names than any kernel has; past it, names are still resolved but no longer kept, so
    /// a runaway file cannot grow the cache without bound.
    static let capacity = 4096

    private let fields: NameFilter
    private let cache = Mutex<[Key: Resolved]>([:])

    init(fields: NameFilter) {
        self.fields = fields
    }

    /// The names of `statistics`, in the same order. `file` is the kernel's path of their
    /// source ("/proc/net/netstat"), named in the HELP text.
    func resolve(_ statistics: [ProtocolStatistic], file: String) -> [Resolved] {
        cache.withLock { cache in
            statistics.map { statistic in
                let key = Key(file: file, section: statistic.section, field: statistic.field)
                if let known = cache[key] { return known }
                let resolved = make(key)
                if cache.count < ProtocolMetricNames.capacity { cache[key] = resolved }
                return resolved
            }
        }
    }

    var cachedCount: Int { cache.withLock { $0.count } }

    private func make(_ key: Key) -> Resolved {
        let gauge = ProtocolMetricName.isGauge(section: key.section, field: key.field)
        return Resolved(
            name: ProtocolMetricName.metric(section: key.section, field: key.field),
            type: gauge ? .gauge : .counter,
            help: "\(key.section) \(key.field) from \(key.file).",
            included: fields.allows(ProtocolMetricName.stem(section: key.section, field: key.field)))
    }
}
