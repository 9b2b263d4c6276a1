import Foundation
import Testing
import TestSupport

/// dashboards/mixin: the jsonnet mixin whose rendered output are the committed thresholds.yml,
/// rules.yml and netstat-overview.json (the files every other DashboardTests suite reads).
@Suite struct MixinTests {
    static let mixin = Fixtures.repository("dashboards/mixin")
    static let render = Fixtures.repository("dashboards/mixin/render")
    /// jsonnet 0.18 takes ~10 s for the three files alone; the suite runs tests in parallel.
    static let timeout: Double = 300

    static let renderedFiles = ["prometheus/thresholds.yml", "prometheus/rules.yml", "grafana/netstat-overview.json"]

    static func jsonnet(_ expression: String) throws -> String {
        try Shell.require(Shell.run(["jsonnet", "-J", mixin, "-S", "-e", expression], timeout: timeout),
                          "jsonnet").stdout
    }

    /// `render` into a temporary directory writes exactly the committed files, and promtool
    /// accepts the rendered rules.
    @Test func renderReproducesTheCommittedFilesByteForByte() throws {
        #expect(Shell.has("jsonnet"), "jsonnet is not installed (make deps: APT_PACKAGES)")
        let directory = try Fixtures.temporaryDirectory("mixin-render")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Shell.require(Shell.run([Self.render, directory.path], timeout: Self.timeout), "dashboards/mixin/render")
        for file in Self.renderedFiles {
            let rendered = try Data(contentsOf: directory.appendingPathComponent(file))
            let committed = try Data(contentsOf: URL(fileURLWithPath: Fixtures.repository("dashboards/\(file)")))
            #expect(rendered == committed, "dashboards/\(file) is not what dashboards/mixin/render writes: run it")
        }
        let check = try Shell.run(["promtool", "check", "rules",
                                   directory.appendingPathComponent("prometheus/thresholds.yml").path,
                                   directory.appendingPathComponent("prometheus/rules.yml").path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: 19 rules found"))
        let dashboard = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("grafana/netstat-overview.json")))
        #expect((dashboard as? [String: Any])?["panels"] != nil)
    }

    /// A `_config.thresholds` override changes that threshold's rule and no other, and the
    /// result still passes promtool.
    @Test func thresholdOverrideRendersIntoThresholdsFile() throws {
        let yaml = try Self.jsonnet("""
            local m = (import 'mixin.libsonnet')
              + { _config+:: { thresholds+:: { close_wait_connections: 7, retransmit_ratio: 0.125 } } };
            (import 'lib/yaml.libsonnet').manifest(
              { groups: [g for g in m.prometheusRules.groups if g.name == 'netstat-thresholds'] })
            """)
        #expect(yaml.contains("- record: netstat:threshold:close_wait_connections\n        expr: vector(7)\n"),
                "\(yaml)")
        #expect(yaml.contains("- record: netstat:threshold:retransmit_ratio\n        expr: vector(0.125)\n"),
                "\(yaml)")
        let committed = try DashboardFiles.text(DashboardFiles.thresholds)
        #expect(committed.contains("- record: netstat:threshold:close_wait_connections\n        expr: vector(100)\n"))
        // Every other threshold as committed.
        let others = PrometheusRule.parse(yaml).filter {
            $0.name != "netstat:threshold:close_wait_connections" && $0.name != "netstat:threshold:retransmit_ratio"
        }
        let committedOthers = PrometheusRule.parse(committed).filter {
            $0.name != "netstat:threshold:close_wait_connections" && $0.name != "netstat:threshold:retransmit_ratio"
        }
        #expect(others.count == 17)
        #expect(others.map { "\($0.name)=\($0.expr)" } == committedOthers.map { "\($0.name)=\($0.expr)" })

        let directory = try Fixtures.temporaryDirectory("mixin-override")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("thresholds.yml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let check = try Shell.run(["promtool", "check", "rules", path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// `_config.netstatSelector` narrows the dashboard's job and instance variables; empty (the
    /// default) they are the committed queries.
    @Test func selectorOverrideNarrowsTheDashboardVariables() throws {
        func variableQueries(_ config: String) throws -> [String: String] {
            let json = try Self.jsonnet("""
                local m = (import 'mixin.libsonnet') + { _config+:: \(config) };
                std.manifestJson([[v.name, v.query.query]
                                  for v in m.grafanaDashboards['netstat-overview.json'].templating.list
                                  if v.name == 'job' || v.name == 'instance'])
                """)
            let pairs = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]] ?? []
            return Dictionary(uniqueKeysWithValues: pairs.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil })
        }
        let defaults = try variableQueries("{}")
        #expect(defaults["job"] == "label_values(netstat_exporter_build_info, job)")
        #expect(defaults["instance"] == "label_values(netstat_exporter_build_info{job=~\"$job\"}, instance)")
        let narrowed = try variableQueries("{ netstatSelector: 'job=\"netstat\"' }")
        #expect(narrowed["job"] == "label_values(netstat_exporter_build_info{job=\"netstat\"}, job)")
        #expect(narrowed["instance"]
                == "label_values(netstat_exporter_build_info{job=\"netstat\", job=~\"$job\"}, instance)")
    }
}
