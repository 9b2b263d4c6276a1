/// The metric families one scrape produces, gathered from every collector.
///
/// Families are keyed by name while collecting (so two collectors, or a loop, may add to the
/// same family) and sorted by name when encoded, so the output order never depends on hashing.
public struct MetricSet: Sendable {
    public private(set) var families: [String: MetricFamily] = [:]

    public init() {}

    /// Adds one series. The first call for a name fixes its type and HELP.
    public mutating func add(
        _ name: String, _ type: MetricType, help: String, labels: [Label] = [], value: MetricValue
    ) {
        let sample = Sample(labels: labels, value: value)
        if families[name] != nil {
            families[name]!.samples.append(sample)
        } else {
            families[name] = MetricFamily(name: name, type: type, help: help, samples: [sample])
        }
    }

    /// Declares a family with no series yet, so HELP and TYPE appear even when it is empty.
    public mutating func declare(_ name: String, _ type: MetricType, help: String) {
        if families[name] == nil {
            families[name] = MetricFamily(name: name, type: type, help: help)
        }
    }

    public mutating func gauge(_ name: String, help: String, labels: [Label] = [], _ value: MetricValue) {
        add(name, .gauge, help: help, labels: labels, value: value)
    }

    public mutating func counter(_ name: String, help: String, labels: [Label] = [], _ value: MetricValue) {
        add(name, .counter, help: help, labels: labels, value: value)
    }


    /// The families in output order: by name.
    public var sortedFamilies: [MetricFamily] {
        families.values.sorted { $0.name < $1.name }
    }

    /// Looks up one series' value; for tests and for collectors that derive one metric from another.
    public func value(_ name: String, _ labels: [Label] = []) -> MetricValue? {
        families[name]?.samples.first { $0.labels == labels }?.value
    }
}
