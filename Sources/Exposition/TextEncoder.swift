/// Encodes metric families in the Prometheus text exposition format, version 0.0.4.
///
/// HELP and TYPE are written once per family; series are sorted by their label text so the
/// output is stable; a series repeated with identical labels is written once (Prometheus would
/// reject the whole scrape otherwise); no timestamps.
///
/// 0.0.4 has no gauge histogram. Its buckets are written as a `histogram` (so
/// `histogram_quantile` and promtool take them) and its count and sum as two gauges named as
/// OpenMetrics names them, `_gcount` and `_gsum`: the series are the same whichever format
/// Prometheus negotiated, so one query serves both. No `_count`/`_sum` pretend to be counters.
public enum TextEncoder {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func encode(_ set: MetricSet) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * 1024)
        for family in set.sortedFamilies {
            encode(family, to: &out)
        }
        return out
    }

    public static func encode(_ family: MetricFamily, to out: inout [UInt8]) {
        if family.type == .gaugeHistogram {
            encodeGaugeHistogram(family, to: &out)
            return
        }
        appendHeader(family.name, type: family.type.rawValue, help: family.help, to: &out)
        for series in uniqueSeries(family) {
            out.append(contentsOf: family.name.utf8)
            out.append(contentsOf: series.labels)
            out.append(UInt8(ascii: " "))
            series.value.write(to: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    private static func appendHeader(_ name: String, type: String, help: String, to out: inout [UInt8]) {
        out.append(contentsOf: "# HELP ".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: " "))
        appendEscaped(help, quote: false, to: &out)
        out.append(contentsOf: "\n# TYPE ".utf8)
        out.append(contentsOf: name.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: type.utf8)
        out.append(UInt8(ascii: "\n"))
    }

    private static func encodeGaugeHistogram(_ family: MetricFamily, to out: inout [UInt8]) {
        let groups = histogramGroups(family)
        appendHeader(family.name, type: "histogram", help: family.help, to: &out)
        for group in groups {
            for bucket in group.buckets {
                appendSample(family.name + "_bucket", bucket.labels, bucket.value, to: &out)
            }
        }
        for (suffix, what) in [("_gcount", "Observations"), ("_gsum", "Sum of the observations")] {
            let help = "\(what) of the gauge histogram \(family.name) (OpenMetrics \(suffix))."
            appendHeader(family.name + suffix, type: "gauge", help: help, to: &out)
            for group in groups {
                guard let value = suffix == "_gcount" ? group.count : group.sum else { continue }
                appendSample(family.name + suffix, group.labels, value, to: &out)
            }
        }
    }

    static func appendSample(_ name: String, _ labels: [UInt8], _ value: MetricValue, to out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: labels)
        out.append(UInt8(ascii: " "))
        value.write(to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// One label set of a histogram family: its buckets (labels rendered with `le`, ascending
    /// bounds), count and sum.
    struct HistogramGroup {
        let labels: [UInt8]
        var buckets: [(bound: Double, labels: [UInt8], value: MetricValue)] = []
        var count: MetricValue?
        var sum: MetricValue?
    }

    /// A histogram family's series grouped by label set, sorted by its label text; a part
    /// repeated with identical labels is kept once.
    static func histogramGroups(_ family: MetricFamily) -> [HistogramGroup] {
        var groups: [[Label]: HistogramGroup] = [:]
        for sample in family.samples {
            var group = groups[sample.labels] ?? HistogramGroup(labels: renderLabels(sample.labels))
            switch sample.part {
            case .bucket(let bound):
                guard !group.buckets.contains(where: { $0.bound == bound }) else { break }
                var le: [UInt8] = []
                MetricValue.double(bound).write(to: &le)
                let labels = renderLabels(sample.labels + [Label("le", String(decoding: le, as: UTF8.self))])
                group.buckets.append((bound, labels, sample.value))
            case .count: group.count = group.count ?? sample.value
            case .sum: group.sum = group.sum ?? sample.value
            case .value: break
            }
            groups[sample.labels] = group
        }
        return groups.values
            .map { group in
                var sorted = group
                sorted.buckets.sort { $0.bound < $1.bound }
                return sorted
            }
            .sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
    }

    /// The family's series with their labels rendered, sorted by that text, a repeated label set
    /// kept once. Both encoders write series in this order.
    static func uniqueSeries(_ family: MetricFamily) -> [(labels: [UInt8], value: MetricValue)] {
        let rendered = family.samples
            .map { (labels: renderLabels($0.labels), value: $0.value) }
            .sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
        var unique: [(labels: [UInt8], value: MetricValue)] = []
        unique.reserveCapacity(rendered.count)
        for series in rendered where series.labels != unique.last?.labels {
            unique.append(series)
        }
        return unique
    }

    static func renderLabels(_ labels: [Label]) -> [UInt8] {
        guard !labels.isEmpty else { return [] }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (index, label) in labels.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: label.name.utf8)
            out.append(contentsOf: "=\"".utf8)
            appendEscaped(label.value, quote: true, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Label values escape backslash, double quote and newline; HELP text escapes backslash and
    /// newline only. Bytes that are not valid UTF-8 were already replaced when the String was made.
    static func appendEscaped(_ text: String, quote: Bool, to out: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            case UInt8(ascii: "\"") where quote: out.append(contentsOf: "\\\"".utf8)
            default: out.append(byte)
            }
        }
    }
}
