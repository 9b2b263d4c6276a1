@testable import Collectors
import Exposition
import Foundation
import Namespaces
import ProcNet
import Testing
import TestSupport

/// The metric reference's tables (docs/metrics.md) are generated, never typed by hand: from
/// the families each collector declares (`MetricDeclaration`), and for the protocols and
/// sockstat collectors, whose families come from the files, from the parsers' output.
/// `scripts/update-metric-reference` sets NETSTAT_UPDATE_METRIC_REFERENCE=1 and runs
/// `regenerate`, which rewrites the blocks between the markers; the other tests check
/// docs/metrics.md as committed.
@Suite struct MetricReferenceTests {
    static let updating = ProcessInfo.processInfo.environment["NETSTAT_UPDATE_METRIC_REFERENCE"] == "1"
    static let readmePath = Fixtures.repository("docs/metrics.md")

    /// The declared families, one block each, in the order the document shows them.
    static let declaredBlocks: [(name: String, families: [MetricDeclaration])] = [
        ("exporter", CollectorRegistry.families),
        ("process", ProcessMetrics.families),
        ("serving", ServingMetrics.families),
        ("netns", NamespaceMode.families),
        ("sockets", SocketsCollector.countFamilies),
        ("attribution", SocketsCollector.attributionFamilies),
        ("health", SocketsCollector.healthFamilies),
        ("interfaces", InterfacesCollector.families),
        ("routes", RoutesCollector.families),
        ("conntrack", ConntrackCollector.families),
    ]

    @Test(.disabled(if: updating)) func declaredFamilyTablesAreCurrent() throws {
        let readme = try Self.readme()
        for (name, families) in Self.declaredBlocks {
            #expect(try Self.block(name, of: readme) == Self.table(families),
                    "docs/metrics.md's \(name) table differs from the declarations: run scripts/update-metric-reference")
        }
    }

    /// Every family of every collector that declares its families has a row.
    @Test func everyDeclaredFamilyHasABlock() {
        let documented = Set(Self.declaredBlocks.flatMap { $0.families.map(\.name) })
        for descriptor in CollectorDescriptor.all {
            for family in descriptor.families {
                #expect(documented.contains(family.name), "\(family.name) of \(descriptor.name) has no table")
            }
        }
    }

    /// A declared family as a table row: name, type, labels (optional ones marked), source.
    static func table(_ families: [MetricDeclaration]) -> String {
        var lines = ["| metric | type | labels | source |", "|---|---|---|---|"]
        for family in families {
            let required = family.labels.filter { !$0.hasSuffix("?") }.map { "`\($0)`" }
            let optional = family.labels.filter { $0.hasSuffix("?") }.map { "`\($0.dropLast())`" }
            var labels = required.isEmpty ? "—" : required.joined(separator: ", ")
            if !optional.isEmpty { labels += " (+ " + optional.joined(separator: ", ") + ")" }
            let type = family.type == .counter ? "C" : "G"
            lines.append("| `\(family.name)` | \(type) | \(labels) | \(family.source) |")
        }
        return lines.joined(separator: "\n")
    }

    static let fixtureRoots = ["procfs/proc-pid-26231", "node_exporter/proc"]

    @Test(.disabled(if: updating)) func protocolsTableListsEveryFixtureFieldUnderItsName() throws {
        let rows = try Self.protocolRows(in: Self.block("protocols", of: Self.readme()))
        #expect(rows.count >= 301)
        for row in rows {
            #expect(row.metric == ProtocolMetricName.metric(section: row.section, field: row.field), "\(row)")
            #expect(row.type == (ProtocolMetricName.isGauge(section: row.section, field: row.field) ? "G" : "C"))
        }
        #expect(Set(rows.map(\.metric)).count == rows.count, "a metric name appears twice")
        let listed = Set(rows.map { "\($0.file) \($0.section) \($0.field)" })
        for (file, statistic) in try Self.fixtureStatistics() {
            #expect(listed.contains("\(file) \(statistic.section) \(statistic.field)"),
                    "\(file) \(statistic.section) \(statistic.field) is missing from docs/metrics.md")
        }
    }

    @Test(.disabled(if: updating)) func sockstatTableIsCurrent() throws {
        #expect(try Self.block("sockstat", of: Self.readme()) == Self.sockstatTable())
    }

    @Test(.enabled(if: updating)) func regenerate() throws {
        var readme = try Self.readme()
        readme = try Self.replacing("protocols", in: readme, with: Self.protocolsTable())
        readme = try Self.replacing("sockstat", in: readme, with: Self.sockstatTable())
        for (name, families) in Self.declaredBlocks {
            readme = try Self.replacing(name, in: readme, with: Self.table(families))
        }
        try readme.write(toFile: Self.readmePath, atomically: true, encoding: .utf8)
    }

    // MARK: Generating

    /// One table per file: every field of the fixtures and of this host's kernel, sections in
    /// file order, fields alphabetically within a section.
    static func protocolsTable() throws -> String {
        var byFile: [String: [ProtocolStatistic]] = [:]
        for (file, statistic) in try fixtureStatistics() { byFile[file, default: []].append(statistic) }
        for source in ProtocolsCollector.Source.all {
            if let bytes = try? ProcFile.read(source.kernelPath) {
                byFile[source.kernelPath, default: []] += source.parse(bytes).statistics
            }
        }
        let release = (try? ProcFile.readAttribute("/proc/sys/kernel/osrelease")) ?? "unknown"
        var lines = ["Every field of the test fixtures and of Linux \(release), where this table was last generated."]
        for kernel in ProtocolsCollector.Source.all.map(\.kernelPath) {
            var sections: [String] = []
            var fields: [String: Set<String>] = [:]
            for statistic in byFile[kernel] ?? [] {
                if fields[statistic.section] == nil { sections.append(statistic.section) }
                fields[statistic.section, default: []].insert(statistic.field)
            }
            lines += ["", "### `\(kernel)`", "", "| section | field | metric | type |", "|---|---|---|---|"]
            for section in sections {
                for field in fields[section]!.sorted() {
                    let type = ProtocolMetricName.isGauge(section: section, field: field) ? "G" : "C"
                    let metric = ProtocolMetricName.metric(section: section, field: field)
                    lines.append("| `\(section)` | `\(field)` | `\(metric)` | \(type) |")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func sockstatTable() throws -> String {
        var lines = ["| metric | type | source |", "|---|---|---|"]
        for file in ["sockstat", "sockstat6"] {
            let statistics = SockstatTable.parse(try Fixtures.bytes("procfs/proc/net/\(file)")).statistics
            for statistic in statistics {
                let name = SockstatCollector.metricName(proto: statistic.section, field: statistic.field)
                let unit = statistic.field == "mem" ? " (pages) × page size" : statistic.field == "memory" ? " (bytes)" : ""
                lines.append("| `\(name)` | G | /proc/net/\(file) `\(statistic.section): \(statistic.field)`\(unit) |")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func fixtureStatistics() throws -> [(file: String, statistic: ProtocolStatistic)] {
        var all: [(String, ProtocolStatistic)] = []
        for root in fixtureRoots {
            for source in ProtocolsCollector.Source.all {
                let statistics = source.parse(try Fixtures.bytes(root + "/net/" + source.file)).statistics
                all += statistics.map { (source.kernelPath, $0) }
            }
        }
        return all
    }

    // MARK: Reading the document

    struct Row: CustomStringConvertible {
        let file, section, field, metric, type: String
        var description: String { "\(file) \(section) \(field) → \(metric) \(type)" }
    }

    static func readme() throws -> String {
        try String(contentsOfFile: readmePath, encoding: .utf8)
    }

    static func markers(_ name: String) -> (begin: String, end: String) {
        ("<!-- \(name)-reference:begin (generated: scripts/update-metric-reference) -->",
         "<!-- \(name)-reference:end -->")
    }

    /// Everything between a block's two markers.
    static func blockRange(_ name: String, of readme: String) throws -> Range<String.Index> {
        let (begin, end) = markers(name)
        let start = try #require(readme.range(of: begin), "README lacks \(begin)")
        let stop = try #require(readme.range(of: end, range: start.upperBound..<readme.endIndex), "README lacks \(end)")
        return start.upperBound..<stop.lowerBound
    }

    /// A block's text, without the newlines after its begin marker and before its end marker.
    static func block(_ name: String, of readme: String) throws -> String {
        var text = readme[try blockRange(name, of: readme)]
        if text.first == "\n" { text = text.dropFirst() }
        if text.last == "\n" { text = text.dropLast() }
        return String(text)
    }

    static func replacing(_ name: String, in readme: String, with table: String) throws -> String {
        var readme = readme
        readme.replaceSubrange(try blockRange(name, of: readme), with: "\n" + table + "\n")
        return readme
    }

    static func protocolRows(in block: String) -> [Row] {
        var file = ""
        var rows: [Row] = []
        for line in block.split(separator: "\n") {
            if line.hasPrefix("### ") { file = line.dropFirst(4).trimmingCharacters(in: ["`"]) }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("| `"), cells.count == 4 else { continue }
            let unquoted = cells.map { $0.trimmingCharacters(in: ["`"]) }
            rows.append(Row(file: file, section: unquoted[0], field: unquoted[1], metric: unquoted[2],
                            type: unquoted[3]))
        }
        return rows
    }
}
