/// A metric family as its collector declares it, once: name, type, HELP, the labels its series
/// carry (in order) and where the values come from. Series are added against the declaration
/// (`MetricSet.add(_:_:_:)`), so HELP and TYPE are written in one place, and the metric
/// reference (docs/metrics.md) is generated from the declarations.
public struct MetricDeclaration: Sendable, Hashable {
    public let name: String
    public let type: MetricType
    public let help: String
    /// The label names of every series, in the order the collector writes them; a name ending
    /// in "?" is written only with a flag (`user?`: with --collector.sockets.user).
    public let labels: [String]
    /// Where the values come from (a /proc file and its column, a sysfs attribute, a netlink
    /// dump): the metric reference's "source" column.
    public let source: String

    public init(_ name: String, _ type: MetricType, help: String, labels: [String] = [], source: String) {
        self.name = name
        self.type = type
        self.help = help
        self.labels = labels
        self.source = source
    }

    public static func gauge(_ name: String, help: String, labels: [String] = [], source: String) -> MetricDeclaration {
        MetricDeclaration(name, .gauge, help: help, labels: labels, source: source)
    }

    public static func counter(_ name: String, help: String, labels: [String] = [], source: String) -> MetricDeclaration {
        MetricDeclaration(name, .counter, help: help, labels: labels, source: source)
    }
}
