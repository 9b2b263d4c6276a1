import Foundation
import Testing

/// dashboards/grafana/netstat-overview.json: its structure, and that it reads only metrics the
/// exporter really serves (from a scrape of the built binary) or our recording rules record.
@Suite("Grafana dashboard", .serialized)
struct GrafanaDashboardTests {
    let dashboard: GrafanaDashboard

    init() throws {
        dashboard = try GrafanaDashboard(contentsOf: DashboardFiles.grafana)
    }

    @Test func isImportableWithDatasourceJobAndInstanceVariables() throws {
        #expect((dashboard.schemaVersion ?? 0) >= 39)
        #expect(dashboard.root["uid"] as? String == "netstat-overview")
        let variables = Dictionary(uniqueKeysWithValues: dashboard.variables.map { ($0.name, $0) })
        #expect(variables["datasource"]?.type == "datasource")
        #expect(variables["datasource"]?.query == "prometheus")
        #expect(variables["job"]?.type == "query")
        #expect(variables["instance"]?.type == "query")
        #expect(try LabelValuesQuery(variables["job"]?.query ?? "").label == "job")
        let instance = try LabelValuesQuery(variables["instance"]?.query ?? "")
        #expect(instance.label == "instance")
        #expect(instance.selector.contains("$job"))
    }

    @Test func hasTheSixRowsInOrder() {
        let rows = dashboard.panels.filter { $0.type == "row" }.map(\.title)
        #expect(rows == ["Connections", "Listeners", "Peers", "Interfaces", "Protocols", "Baseline"])
    }

    @Test func panelIDsAreUniqueAndEveryPanelAndTargetUsesTheDatasourceVariable() {
        let ids = dashboard.panels.compactMap(\.id)
        #expect(ids.count == dashboard.panels.count)
        #expect(Set(ids).count == ids.count)
        for panel in dashboard.panels where panel.type != "row" {
            #expect(panel.datasourceUID == "${datasource}", "panel \(panel.title)")
            #expect(!panel.targets.isEmpty, "panel \(panel.title) has no query")
            for target in panel.targets {
                #expect(target.datasourceUID == "${datasource}", "\(target.key)")
                #expect(!target.expr.isEmpty, "\(target.key)")
            }
        }
    }

    /// Every query is narrowed to the selected job and instance (the threshold line is global).
    /// Each vector selector is parsed (a bare metric name counts as one, with no matchers).
    @Test func everyQuerySelectsJobAndInstance() throws {
        let job = PromQLSelectors.Matcher(label: "job", op: "=~", value: "$job")
        let instance = PromQLSelectors.Matcher(label: "instance", op: "=~", value: "$instance")
        for target in dashboard.targets where !target.expr.hasPrefix("netstat:threshold:") {
            let selectors = try PromQLSelectors.selectors(in: target.expr)
            #expect(!selectors.isEmpty, "\(target.key)")
            for selector in selectors {
                #expect(selector.matchers.contains(job) && selector.matchers.contains(instance),
                        "\(target.key): \(selector.metric ?? "{}") matches \(selector.matchers)")
            }
        }
    }

    /// The set of existing names comes from a real scrape of the built exporter (in a namespace
    /// with sockfarm's connections and a public peer, so the per-connection series exist) and
    /// from the recording rules; every name a dashboard query or a rule reads must be in it.
    @Test(.timeLimit(.minutes(2)))
    func everyMetricTheDashboardAndRulesReadExists() throws {
        let lab = try MonitoringLab(prefix: "nsdashnames")
        defer { lab.stop() }
        try lab.startSockfarm(workers: 2, established: 4, closeWait: 4, port: 21000)
        try lab.startPublicPeer()
        try lab.startExporter()
        let scraped = try lab.scrapeExporter()
        var existing = Set(scraped.split(separator: "\n").compactMap { line -> String? in
            if line.hasPrefix("# TYPE ") { return line.split(separator: " ").dropFirst(2).first.map(String.init) }
            if line.hasPrefix("#") { return nil }
            return line.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init)
        })
        let rules = try PrometheusRule.parse(DashboardFiles.text(DashboardFiles.rules))
            + PrometheusRule.parse(DashboardFiles.text(DashboardFiles.thresholds))
        existing.formUnion(rules.filter { $0.kind == .record }.map(\.name))
        #expect(existing.contains("netstat_tcp_sockets"))

        var missing: [String] = []
        for target in dashboard.targets {
            let names = PromQLNames.metricNames(in: target.expr)
            #expect(!names.isEmpty, "\(target.key) reads no metric")
            missing += names.subtracting(existing).sorted().map { "dashboard \(target.key): \($0)" }
        }
        for variable in dashboard.variables where variable.type == "query" {
            let selector = try LabelValuesQuery(variable.query).selector
            missing += PromQLNames.metricNames(in: selector).subtracting(existing).sorted().map { "variable \(variable.name): \($0)" }
        }
        for rule in rules {
            missing += PromQLNames.metricNames(in: rule.expr).subtracting(existing).sorted().map { "rule \(rule.name): \($0)" }
        }
        #expect(missing.isEmpty, "metrics not served by the exporter:\n\(missing.joined(separator: "\n"))")
    }
}
