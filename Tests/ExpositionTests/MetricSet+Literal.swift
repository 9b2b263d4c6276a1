import Exposition

/// Series written by name, as the encoder tests spell them; the exporter's collectors add
/// series against their declared families instead.
extension MetricSet {
    mutating func gauge(_ name: String, help: String, labels: [Label] = [], _ value: MetricValue) {
        add(name, .gauge, help: help, labels: labels, value: value)
    }

    mutating func counter(_ name: String, help: String, labels: [Label] = [], _ value: MetricValue) {
        add(name, .counter, help: help, labels: labels, value: value)
    }
}
