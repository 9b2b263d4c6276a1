/// One label name and value. Kept as an ordered pair, not a dictionary, so every series of a
/// family prints its labels in the order the collector chose.
public struct Label: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Which series of a histogram a sample is; `.value` for every other type.
public enum SamplePart: Sendable, Hashable {
    case value
    /// `_bucket{le="upperBound"}`: the observations at or below the bound (`.infinity`: all).
    case bucket(upperBound: Double)
    /// `_gcount`: the observations.
    case count
    /// `_gsum`: their sum.
    case sum
}

/// One time series: its labels, its current value and (in a histogram) which part it is.
public struct Sample: Sendable, Hashable {
    public var labels: [Label]
    public var value: MetricValue
    public var part: SamplePart

    public init(labels: [Label], value: MetricValue, part: SamplePart = .value) {
        self.labels = labels
        self.value = value
        self.part = part
    }
}

/// A metric name with its HELP, TYPE and series.
public struct MetricFamily: Sendable {
    public let name: String
    public let type: MetricType
    public let help: String
    public var samples: [Sample]

    public init(name: String, type: MetricType, help: String, samples: [Sample] = []) {
        self.name = name
        self.type = type
        self.help = help
        self.samples = samples
    }
}
