import Foundation

/// The Grafana dashboard JSON, read into the parts the tests check: panels (rows' children
/// included), their PromQL targets, and the template variables.
struct GrafanaDashboard {
    struct Panel {
        let id: Int?
        let type: String
        let title: String
        let datasourceUID: String?
        let targets: [Target]
    }

    struct Target {
        let panelTitle: String
        let refID: String
        let expr: String
        let instant: Bool
        let datasourceUID: String?
        var key: String { "\(panelTitle) / \(refID)" }
    }

    struct Variable {
        let name: String
        let type: String
        /// The query text: a string, or the `query` field of the newer object form.
        let query: String
        /// Grafana's filter of the query's answers (`/…(?<value>…)…(?<text>…)/`), empty for none.
        let regex: String
        let multi: Bool
        let includeAll: Bool
        let allValue: String?
    }

    let root: [String: Any]
    let panels: [Panel]
    let variables: [Variable]

    var targets: [Target] { panels.flatMap(\.targets) }
    var schemaVersion: Int? { root["schemaVersion"] as? Int }

    init(contentsOf path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DashboardError.notAnObject(path)
        }
        self.root = root
        var panels: [Panel] = []
        for object in root["panels"] as? [[String: Any]] ?? [] {
            panels.append(Self.panel(object))
            for child in object["panels"] as? [[String: Any]] ?? [] { panels.append(Self.panel(child)) }
        }
        self.panels = panels
        let templating = root["templating"] as? [String: Any]
        variables = (templating?["list"] as? [[String: Any]] ?? []).map { object in
            let query = object["query"] as? String ?? (object["query"] as? [String: Any])?["query"] as? String ?? ""
            return Variable(name: object["name"] as? String ?? "", type: object["type"] as? String ?? "", query: query,
                            regex: object["regex"] as? String ?? "", multi: object["multi"] as? Bool ?? false,
                            includeAll: object["includeAll"] as? Bool ?? false, allValue: object["allValue"] as? String)
        }
    }

    private static func panel(_ object: [String: Any]) -> Panel {
        let title = object["title"] as? String ?? ""
        let targets = (object["targets"] as? [[String: Any]] ?? []).map { target in
            Target(panelTitle: title, refID: target["refId"] as? String ?? "", expr: target["expr"] as? String ?? "",
                   instant: target["instant"] as? Bool ?? false, datasourceUID: uid(target["datasource"]))
        }
        return Panel(id: object["id"] as? Int, type: object["type"] as? String ?? "", title: title,
                     datasourceUID: uid(object["datasource"]), targets: targets)
    }

    private static func uid(_ datasource: Any?) -> String? {
        (datasource as? [String: Any])?["uid"] as? String
    }

    /// Replaces `$name`, `${name}`, `${name:format}` and Grafana's `$__rate_interval` the way
    /// Grafana would for one selected value per variable (one value needs no format).
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (name, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            for format in ["pipe", "regex", "raw"] {
                result = result.replacingOccurrences(of: "${\(name):\(format)}", with: value)
            }
            result = result.replacingOccurrences(of: "${\(name)}", with: value)
                .replacingOccurrences(of: "$\(name)", with: value)
        }
        return result
    }
}

enum DashboardError: Error, CustomStringConvertible {
    case notAnObject(String)
    case badVariableQuery(String)

    var description: String {
        switch self {
        case .notAnObject(let path): "\(path) is not a JSON object"
        case .badVariableQuery(let query): "not a label_values(selector, label) query: \(query)"
        }
    }
}

/// Grafana's `label_values(selector, label)` variable query, which Grafana runs as
/// `/api/v1/label/<label>/values?match[]=<selector>`.
struct LabelValuesQuery {
    let selector: String
    let label: String

    init(_ query: String) throws {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("label_values("), trimmed.hasSuffix(")"),
              let comma = trimmed.lastIndex(of: ",") else { throw DashboardError.badVariableQuery(query) }
        selector = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 13)..<comma])
            .trimmingCharacters(in: .whitespaces)
        label = String(trimmed[trimmed.index(after: comma)..<trimmed.index(before: trimmed.endIndex)])
            .trimmingCharacters(in: .whitespaces)
    }
}
