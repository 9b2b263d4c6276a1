/// The `# TYPE` of a family, spelled as the text format spells it.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
    case untyped
}
