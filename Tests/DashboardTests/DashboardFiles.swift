import Foundation
import TestSupport

/// The files under dashboards/ and the programs the tests run against them.
enum DashboardFiles {
    static let rules = Fixtures.repository("dashboards/prometheus/rules.yml")
    static let thresholds = Fixtures.repository("dashboards/prometheus/thresholds.yml")
    static let ruleTests = Fixtures.repository("dashboards/prometheus/tests.yml")
    static let ruleTestsWithoutThresholds = Fixtures.repository("dashboards/prometheus/tests_without_thresholds.yml")
    static let ruleTestsNetns = Fixtures.repository("dashboards/prometheus/tests_netns.yml")
    static let alertmanager = Fixtures.repository("dashboards/alertmanager/alertmanager.yml")
    static let grafana = Fixtures.repository("dashboards/grafana/netstat-overview.json")
    static let runbook = Fixtures.repository("dashboards/RUNBOOK.md")

    /// The socket farm the tests and benches share.
    static let sockfarm = Fixtures.repository("Tests/Tools/sockfarm.py")

    static func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }
}

/// One rule of our Prometheus rule files. The files are regular enough to read line by line:
/// `- record:` / `- alert:` starts a rule; `expr:`, `summary:` and `description:` are inline
/// (a `"…"` string or plain) or a `|` (lines kept) or `>-` (lines folded with spaces) block of
/// deeper lines.
struct PrometheusRule {
    enum Kind { case record, alert }
    var kind: Kind
    var name: String
    var expr = ""
    var forDuration: String?
    var runbookURL: String?
    var summary = ""
    var description = ""

    static func parse(_ text: String) -> [PrometheusRule] {
        var rules: [PrometheusRule] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            index += 1
            if let name = value(of: "- record:", in: trimmed) {
                rules.append(PrometheusRule(kind: .record, name: name))
            } else if let name = value(of: "- alert:", in: trimmed) {
                rules.append(PrometheusRule(kind: .alert, name: name))
            } else if rules.isEmpty {
                continue
            } else if let expr = value(of: "expr:", in: trimmed) {
                rules[rules.count - 1].expr = scalar(expr, indent: line, lines: lines, index: &index)
            } else if let summary = value(of: "summary:", in: trimmed) {
                rules[rules.count - 1].summary = scalar(summary, indent: line, lines: lines, index: &index)
            } else if let description = value(of: "description:", in: trimmed) {
                rules[rules.count - 1].description = scalar(description, indent: line, lines: lines, index: &index)
            } else if let duration = value(of: "for:", in: trimmed) {
                rules[rules.count - 1].forDuration = duration
            } else if let url = value(of: "runbook_url:", in: trimmed) {
                rules[rules.count - 1].runbookURL = url
            }
        }
        return rules
    }

    /// An inline value, or the block of lines deeper than `indent`'s line that follows it.
    private static func scalar(_ inline: String, indent line: String, lines: [String], index: inout Int) -> String {
        guard inline == "|" || inline == ">-" else {
            guard inline.count >= 2, inline.hasPrefix("\""), inline.hasSuffix("\"") else { return inline }
            return unescape(String(inline.dropFirst().dropLast()))
        }
        let indent = line.prefix { $0 == " " }.count
        var block: [String] = []
        while index < lines.count {
            let next = lines[index]
            let blank = next.trimmingCharacters(in: .whitespaces).isEmpty
            guard blank || next.prefix(while: { $0 == " " }).count > indent else { break }
            if !blank { block.append(next.trimmingCharacters(in: .whitespaces)) }
            index += 1
        }
        return block.joined(separator: inline == "|" ? "\n" : " ")
    }

    /// A double-quoted string's content: `\"` and `\\` (the escapes the rendered files use) read
    /// as `"` and `\`.
    private static func unescape(_ quoted: String) -> String {
        var result = ""
        var escaped = false
        for character in quoted {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
    }

    private static func value(of key: String, in line: String) -> String? {
        guard line.hasPrefix(key) else { return nil }
        return line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
    }
}
