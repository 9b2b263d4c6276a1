import Exposition

extension MetricSet {
    /// One family's series as the text format prints them (`name{labels} value`), sorted, without
    /// HELP and TYPE: a whole family compared in one `#expect`.
    func renderedSeries(_ name: String) -> [String] {
        guard let family = families[name] else { return [] }
        var out: [UInt8] = []
        TextEncoder.encode(family, to: &out)
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") }
    }
}
