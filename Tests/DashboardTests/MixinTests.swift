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

    /// The thresholds, recording rules and alerts, rendered with a `_config` override (a jsonnet
    /// object such as `{ netstatSelector: '…' }`) into one rule file, as `render` writes them.
    static func renderRules(_ config: String) throws -> String {
        try jsonnet("""
            local m = (import 'mixin.libsonnet') + { _config+:: \(config) };
            (import 'lib/yaml.libsonnet').manifest({ groups: m.prometheusRules.groups + m.prometheusAlerts.groups })
            """)
    }

    /// The committed thresholds.yml and rules.yml, the rules in the order `renderRules` writes them.
    static func committedRules() throws -> [PrometheusRule] {
        try PrometheusRule.parse(DashboardFiles.text(DashboardFiles.thresholds))
            + PrometheusRule.parse(DashboardFiles.text(DashboardFiles.rules))
    }

    /// promtool accepts a rendered rule file, and finds `count` rules in it.
    static func expectPromtoolAccepts(_ yaml: String, rules count: Int, name: String) throws {
        let directory = try Fixtures.temporaryDirectory(name)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("rules.yml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let check = try Shell.run(["promtool", "check", "rules", path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("SUCCESS: \(count) rules found"), "\(check.stdout)")
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
        #expect(check.stdout.contains("SUCCESS: 20 rules found"))
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
        #expect(others.count == 18)
        #expect(others.map { "\($0.name)=\($0.expr)" } == committedOthers.map { "\($0.name)=\($0.expr)" })

        let directory = try Fixtures.temporaryDirectory("mixin-override")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("thresholds.yml").path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        let check = try Shell.run(["promtool", "check", "rules", path])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    /// `_config.netstatSelector` is in every netstat_* selector of every recording rule and alert
    /// (as node-mixin's nodeExporterSelector), read with a PromQL selector parser; taken out again,
    /// every expression is the committed one (so nothing else moved, and the recorded series and
    /// thresholds the alerts read are as they were). promtool accepts the result.
    @Test func selectorOverrideNarrowsEveryRuleAndAlert() throws {
        let yaml = try Self.renderRules("{ netstatSelector: 'job=\"netstat\"' }")
        let narrowed = PrometheusRule.parse(yaml)
        let committed = try Self.committedRules()
        #expect(narrowed.map(\.name) == committed.map(\.name))
        #expect(narrowed.count == 67)

        let job = PromQLSelectors.Matcher(label: "job", op: "=", value: "netstat")
        var netstatSelectors = 0
        var rulesWithOne: [PrometheusRule] = []
        for (rule, original) in zip(narrowed, committed) {
            let selectors = try PromQLSelectors.selectors(in: rule.expr).filter { $0.metric?.hasPrefix("netstat_") ?? true }
            netstatSelectors += selectors.count
            if !selectors.isEmpty { rulesWithOne.append(rule) }
            for selector in selectors {
                #expect(selector.matchers.first == job,
                        "\(rule.name): \(selector.metric ?? "{…}") \(selector.matchers) lacks \(job)")
            }
            let restored = rule.expr.replacingOccurrences(of: "{job=\"netstat\"}", with: "")
                .replacingOccurrences(of: "{job=\"netstat\", ", with: "{")
            #expect(restored == original.expr, "\(rule.name)")
        }
        // Not a parser that finds nothing: 38 selectors in 20 recording rules and 7 alerts (the other
        // rules and alerts read recorded series and thresholds only).
        #expect(netstatSelectors == 38)
        #expect(rulesWithOne.filter { $0.kind == .record }.count == 20)
        #expect(rulesWithOne.filter { $0.kind == .alert }.map(\.name)
                == ["NetstatListenDrops", "NetstatPublicPeer", "NetstatPeerConnectionFlood", "NetstatInterfaceDown",
                    "NetstatExporterCollectorFailing", "NetstatNamespaceCapabilityMissing", "NetstatScrapesRefused"])
        try Self.expectPromtoolAccepts(yaml, rules: 67, name: "mixin-selector")
    }

    /// `_config.alertFor` sets an alert's `for:` and the duration its description names, and gives
    /// one to an alert that has none by default; every other alert keeps the committed `for:`.
    @Test func alertForOverrideSetsTheDurations() throws {
        let yaml = try Self.renderRules("{ alertFor+:: { NetstatCloseWaitHigh: '1h', NetstatListenDrops: '90s' } }")
        let rendered = PrometheusRule.parse(yaml).filter { $0.kind == .alert }
        let committed = try Self.committedRules().filter { $0.kind == .alert }
        #expect(rendered.map(\.name) == committed.map(\.name))
        let closeWait = try #require(rendered.first { $0.name == "NetstatCloseWaitHigh" })
        #expect(closeWait.forDuration == "1h")
        #expect(closeWait.description.contains(" on port {{ $labels.port }} for 1 hour: the peers closed"),
                "\(closeWait.description)")
        let committedCloseWait = try #require(committed.first { $0.name == "NetstatCloseWaitHigh" })
        #expect(committedCloseWait.forDuration == "5m")
        #expect(committedCloseWait.description.contains(" for 5 minutes: the peers closed"))
        #expect(rendered.first { $0.name == "NetstatListenDrops" }?.forDuration == "90s")
        #expect(committed.first { $0.name == "NetstatListenDrops" }?.forDuration == nil)
        for (alert, original) in zip(rendered, committed)
        where alert.name != "NetstatCloseWaitHigh" && alert.name != "NetstatListenDrops" {
            #expect(alert.forDuration == original.forDuration, "\(alert.name)")
            #expect(alert.description == original.description, "\(alert.name)")
        }
        try Self.expectPromtoolAccepts(yaml, rules: 67, name: "mixin-alert-for")
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
