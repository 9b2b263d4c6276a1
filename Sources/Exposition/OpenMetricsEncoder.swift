/// Encodes metric families in OpenMetrics 1.0 text, the format Prometheus prefers when it
/// offers it in `Accept` (https://github.com/OpenObservability/OpenMetrics, specification.md).
///
/// The differences from the 0.0.4 text format that matter here: a counter family is named
/// without `_total` while its samples keep it; a family whose name ends in a base unit gets a
/// `# UNIT` line; `untyped` is spelled `unknown`; HELP escapes double quotes too; the exposition
/// ends with `# EOF`. Series order and de-duplication are the text encoder's.
public enum OpenMetricsEncoder {
    public static let contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8"

    /// The base units a name may end in (`_seconds`, `_bytes` …), as the Prometheus naming
    /// guide lists them; a name ending in one of these declares it as its unit.
    static let units: [String] = ["seconds", "bytes", "ratio", "celsius", "meters", "volts", "amperes",
                                  "joules", "grams"]

    public static func encode(_ set: MetricSet) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * 1024)
        for family in set.sortedFamilies {
            encode(family, to: &out)
        }
        out.append(contentsOf: "# EOF\n".utf8)
        return out
    }

    public static func encode(_ family: MetricFamily, to out: inout [UInt8]) {
        let familyName = family.type == .counter ? counterFamilyName(family.name) : family.name
        let sampleName = family.type == .counter ? familyName + "_total" : family.name

        out.append(contentsOf: "# HELP ".utf8)
        out.append(contentsOf: familyName.utf8)
        out.append(UInt8(ascii: " "))
        TextEncoder.appendEscaped(family.help, quote: true, to: &out)
        out.append(contentsOf: "\n# TYPE ".utf8)
        out.append(contentsOf: familyName.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: typeName(family.type).utf8)
        out.append(UInt8(ascii: "\n"))
        if let unit = unit(of: familyName) {
            out.append(contentsOf: "# UNIT ".utf8)
            out.append(contentsOf: familyName.utf8)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: unit.utf8)
            out.append(UInt8(ascii: "\n"))
        }

        if family.type == .gaugeHistogram {
            // Each label set's buckets (ascending), then its _gcount and _gsum, together.
            for group in TextEncoder.histogramGroups(family) {
                for bucket in group.buckets {
                    TextEncoder.appendSample(familyName + "_bucket", bucket.labels, bucket.value, to: &out)
                }
                if let count = group.count { TextEncoder.appendSample(familyName + "_gcount", group.labels, count, to: &out) }
                if let sum = group.sum { TextEncoder.appendSample(familyName + "_gsum", group.labels, sum, to: &out) }
            }
            return
        }
        for series in TextEncoder.uniqueSeries(family) {
            out.append(contentsOf: sampleName.utf8)
            out.append(contentsOf: series.labels)
            out.append(UInt8(ascii: " "))
            series.value.write(to: &out)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// `netstat_udp_drops_total` → `netstat_udp_drops`.
    static func counterFamilyName(_ name: String) -> String {
        name.hasSuffix("_total") ? String(name.dropLast("_total".count)) : name
    }

    /// The unit a family name ends in, if any: `process_cpu_seconds` → `seconds`.
    static func unit(of familyName: String) -> String? {
        units.first { familyName.hasSuffix("_" + $0) }
    }

    static func typeName(_ type: MetricType) -> String {
        switch type {
        case .counter: return "counter"
        case .gauge: return "gauge"
        case .untyped: return "unknown"
        case .gaugeHistogram: return "gaugehistogram"
        }
    }
}
