import Exposition

/// One namespace's share of a scrape: the families its collectors wrote, each series carrying
/// the namespace's labels, and whether every collector could read it. A reference, so a
/// collector that finishes after every namespace was read (socket owners) adds to it directly.
public final class NamespaceMetrics {
    public let namespace: NetworkNamespace
    public var metrics: MetricSet
    /// False when a collector failed on it: another namespace is then counted as vanished or
    /// unreadable and left out of the scrape.
    public var complete = true

    public init(_ namespace: NetworkNamespace) {
        self.namespace = namespace
        metrics = MetricSet(commonLabels: namespace.commonLabels)
    }
}
