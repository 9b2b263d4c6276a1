/// Encodes metric families in the Prometheus text exposition format, version 0.0.4.
///
/// HELP and TYPE are written once per family; series are sorted by their label text so the
/// output is stable; a series repeated with identical labels is written once (Prometheus would
/// reject the whole scrape otherwise); no timestamps.
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
        out.append(contentsOf: "# HELP ".utf8)
        out.append(contentsOf: family.name.utf8)
        out.append(UInt8(ascii: " "))
        appendEscaped(family.help, quote: false, to: &out)
        out.append(contentsOf: "\n# TYPE ".utf8)
        out.append(contentsOf: family.name.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: family.type.rawValue.utf8)
        out.append(UInt8(ascii: "\n"))

        for series in uniqueSeries(family) {
            out.append(contentsOf: family.name.utf8)
            out.append(contentsOf: series.labels)
            out.append(UInt8(ascii: " "))
            series.value.write(to: &out)
            out.append(UInt8(ascii: "\n"))
        }
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
