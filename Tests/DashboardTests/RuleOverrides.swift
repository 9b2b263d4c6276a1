import Foundation

/// Copies of thresholds.yml and rules.yml with some thresholds and `for:` durations changed,
/// the way a user overrides them: a threshold is the `vector(N)` of its recording rule, a
/// duration the `for:` line of its alert. A name not found is an error, so the tests notice
/// when the files change under them.
struct RuleOverrides {
    var thresholds: [String: String] = [:]
    var forDurations: [String: String] = [:]

    func write(to directory: URL) throws {
        var thresholdsText = try DashboardFiles.text(DashboardFiles.thresholds)
        for (name, value) in thresholds {
            thresholdsText = try Self.replaceLine(in: thresholdsText, after: "- record: \(name)",
                                                  prefix: "expr: vector(", with: "expr: vector(\(value))")
        }
        var rulesText = try DashboardFiles.text(DashboardFiles.rules)
        for (name, duration) in forDurations {
            rulesText = try Self.replaceLine(in: rulesText, after: "- alert: \(name)",
                                             prefix: "for:", with: "for: \(duration)")
        }
        try thresholdsText.write(to: directory.appendingPathComponent("thresholds.yml"), atomically: true, encoding: .utf8)
        try rulesText.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
    }

    /// Replaces the first line starting with `prefix` (after indentation) that follows the line
    /// `anchor` and comes before the next rule, keeping its indentation.
    static func replaceLine(in text: String, after anchor: String, prefix: String, with replacement: String) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == anchor }) else {
            throw OverrideError.notFound(anchor)
        }
        for index in (start + 1)..<lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- record:") || trimmed.hasPrefix("- alert:") { break }
            if trimmed.hasPrefix(prefix) {
                lines[index] = String(lines[index].prefix { $0 == " " }) + replacement
                return lines.joined(separator: "\n")
            }
        }
        throw OverrideError.notFound("\(prefix) after \(anchor)")
    }
}

enum OverrideError: Error, CustomStringConvertible {
    case notFound(String)
    var description: String {
        switch self { case .notFound(let what): "rule file has no \(what)" }
    }
}
