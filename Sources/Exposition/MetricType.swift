/// The `# TYPE` of a family, spelled as the text format spells it.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
    case untyped
    /// OpenMetrics' distribution of a value *now* (not of events), such as the RTTs of the
    /// connections open at the scrape: buckets, `_gcount` and `_gsum`, none of them a counter.
    /// The 0.0.4 text format has no such type: see `TextEncoder`.
    case gaugeHistogram = "gaugehistogram"
}
