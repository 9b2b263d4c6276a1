import Foundation

/// Grafana's `query_result(expr)` variable query: Grafana runs `expr` as an instant query, writes
/// each sample as `name{label="value",…} value timestamp` (labels in Prometheus's order), and the
/// variable's regex picks each option's value and text from that line with the named groups
/// `value` and `text`. Lines the regex does not match are no option.
struct QueryResultVariable {
    struct Option: Equatable, CustomStringConvertible {
        let text: String
        let value: String
        var description: String { "\(text)=\(value)" }
    }

    let expr: String
    let regex: NSRegularExpression

    init(_ variable: GrafanaDashboard.Variable) throws {
        let query = variable.query.trimmingCharacters(in: .whitespaces)
        guard query.hasPrefix("query_result("), query.hasSuffix(")") else {
            throw DashboardError.badVariableQuery(variable.query)
        }
        expr = String(query.dropFirst("query_result(".count).dropLast())
        // Grafana's regex is written /pattern/flags.
        guard variable.regex.hasPrefix("/"), let close = variable.regex.lastIndex(of: "/"),
              close > variable.regex.startIndex else { throw DashboardError.badVariableQuery(variable.regex) }
        let pattern = String(variable.regex[variable.regex.index(after: variable.regex.startIndex)..<close])
        regex = try NSRegularExpression(pattern: pattern)
    }

    /// The line Grafana shows for one sample of the instant query's answer.
    static func line(_ sample: [String: Any]) -> String {
        var labels = sample["metric"] as? [String: String] ?? [:]
        let name = labels.removeValue(forKey: "__name__") ?? ""
        let pair = sample["value"] as? [Any] ?? []
        let timestamp = Int(((pair.first as? Double) ?? 0) * 1000)
        let value = pair.count > 1 ? "\(pair[1])" : ""
        let rendered = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
        return "\(name){\(rendered)} \(value) \(timestamp)"
    }

    /// The options, sorted by text (the dashboard's `sort: 1`).
    func options(_ response: PrometheusResponse) -> [Option] {
        response.result.compactMap { sample -> Option? in
            let line = Self.line(sample)
            let whole = NSRange(line.startIndex..., in: line)
            guard let match = regex.firstMatch(in: line, range: whole),
                  let value = Range(match.range(withName: "value"), in: line),
                  let text = Range(match.range(withName: "text"), in: line) else { return nil }
            return Option(text: String(line[text]), value: String(line[value]))
        }.sorted { $0.text < $1.text }
    }
}

extension GrafanaDashboard.Variable {
    /// The PromQL the variable's query reads: the selector of `label_values`, the expression of
    /// `query_result`.
    func promql() throws -> String {
        query.hasPrefix("query_result(") ? try QueryResultVariable(self).expr : try LabelValuesQuery(query).selector
    }
}
