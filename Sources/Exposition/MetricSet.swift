/// The metric families one scrape produces, gathered from every collector.
///
/// Families are keyed by name while collecting (so two collectors, or a loop, may add to the
/// same family) and sorted by name when encoded, so the output order never depends on hashing.
public struct MetricSet: Sendable {
    public private(set) var families: [String: MetricFamily] = [:]
    /// Appended to the labels of every series added: a collector writes the same code for every
    /// network namespace, and the set of another namespace adds its `netns` label here.
    public let commonLabels: [Label]

    public init(commonLabels: [Label] = []) {
        self.commonLabels = commonLabels
    }

    /// Adds one series. The first call for a name fixes its type and HELP.
    public mutating func add(
        _ name: String, _ type: MetricType, help: String, labels: [Label] = [], value: MetricValue,
        part: SamplePart = .value
    ) {
        let sample = Sample(labels: commonLabels.isEmpty ? labels : labels + commonLabels, value: value, part: part)
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

    /// Adds one series of a declared family.
    public mutating func add(_ family: MetricDeclaration, _ labels: [Label] = [], _ value: MetricValue) {
        add(family.name, family.type, help: family.help, labels: labels, value: value)
    }

    /// Adds one gauge histogram: a series per bucket (cumulative counts, ascending bounds, the
    /// last `+Inf`), its count and its sum.
    public mutating func addHistogram(_ family: MetricDeclaration, _ labels: [Label],
                                      buckets: [(upperBound: Double, count: UInt64)], sum: Double) {
        for bucket in buckets {
            add(family.name, family.type, help: family.help, labels: labels, value: .unsigned(bucket.count),
                part: .bucket(upperBound: bucket.upperBound))
        }
        add(family.name, family.type, help: family.help, labels: labels,
            value: .unsigned(buckets.last?.count ?? 0), part: .count)
        add(family.name, family.type, help: family.help, labels: labels, value: .double(sum), part: .sum)
    }

    /// Declares a family with no series yet, so HELP and TYPE appear even when it is empty.
    public mutating func declare(_ family: MetricDeclaration) {
        declare(family.name, family.type, help: family.help)
    }

    /// Adds every series of `other`; a family new here keeps `other`'s type and HELP.
    public mutating func merge(_ other: MetricSet) {
        for (name, family) in other.families {
            if families[name] == nil {
                families[name] = family
            } else {
                families[name]!.samples += family.samples
            }
        }
    }

    /// Adds every series of `other`, summing the values of series whose labels are equal: how the
    /// namespaces beyond `--netns.max` become one `netns="other"`.
    public mutating func mergeSumming(_ other: MetricSet) {
        for (name, family) in other.families {
            guard let existing = families[name] else {
                families[name] = family
                continue
            }
            var index = [SeriesKey: Int]()
            for (position, sample) in existing.samples.enumerated() { index[SeriesKey(sample)] = position }
            var merged = existing
            for sample in family.samples {
                if let position = index[SeriesKey(sample)] {
                    merged.samples[position].value = merged.samples[position].value.adding(sample.value)
                } else {
                    index[SeriesKey(sample)] = merged.samples.count
                    merged.samples.append(sample)
                }
            }
            families[name] = merged
        }
    }

    /// The same series with the labels named in `values` set to those values (where a series has them).
    public func relabelled(_ values: [String: String]) -> MetricSet {
        var copy = MetricSet(commonLabels: commonLabels.map { Label($0.name, values[$0.name] ?? $0.value) })
        for (familyName, family) in families {
            var renamed = family
            for position in renamed.samples.indices {
                for labelIndex in renamed.samples[position].labels.indices {
                    if let value = values[renamed.samples[position].labels[labelIndex].name] {
                        renamed.samples[position].labels[labelIndex].value = value
                    }
                }
            }
            copy.families[familyName] = renamed
        }
        return copy
    }

    /// What tells two series of a family apart: labels, and the part of a histogram.
    private struct SeriesKey: Hashable {
        let labels: [Label]
        let part: SamplePart

        init(_ sample: Sample) {
            labels = sample.labels
            part = sample.part
        }
    }

    /// The sum of every series' value in the family, as a Double (0 when absent).
    public func total(_ name: String) -> Double {
        families[name]?.samples.reduce(0) { $0 + $1.value.asDouble } ?? 0
    }

    /// The families in output order: by name.
    public var sortedFamilies: [MetricFamily] {
        families.values.sorted { $0.name < $1.name }
    }

    /// Looks up one series' value; for tests and for collectors that derive one metric from another.
    public func value(_ name: String, _ labels: [Label] = [], part: SamplePart = .value) -> MetricValue? {
        families[name]?.samples.first { $0.labels == labels && $0.part == part }?.value
    }
}
