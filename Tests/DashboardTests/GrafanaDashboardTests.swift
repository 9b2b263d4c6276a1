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

    /// `netns` (after `instance`) offers every namespace of the selected instances and the
    /// exporter's own, whose series have no netns label: Grafana cannot offer an empty value, so
    /// the query names it "own namespace" with the value "()", a regex matching only "", and the
    /// panels insert the selection unescaped (`${netns:pipe}`); All is `.*`, which matches both.
    @Test func netnsVariableOffersEveryNamespaceAndTheOwnOne() throws {
        #expect(dashboard.variables.map(\.name) == ["datasource", "job", "instance", "netns"])
        let netns = try #require(dashboard.variables.first { $0.name == "netns" })
        #expect(netns.type == "query")
        #expect(netns.multi && netns.includeAll)
        #expect(netns.allValue == ".*")
        let query = try QueryResultVariable(netns)
        #expect(query.expr.contains(#"job=~"$job", instance=~"$instance""#))
        #expect(query.expr.contains(#""own namespace""#))
        // The options as Grafana cuts them from query_result's lines.
        let line = #"{netns="4f2a9c1e0b7d",text="4f2a9c1e0b7d"} 12 1700000000000"#
        let own = #"{netns="()",text="own namespace"} 40 1700000000000"#
        for (text, expected) in [(line, ("4f2a9c1e0b7d", "4f2a9c1e0b7d")), (own, ("own namespace", "()"))] {
            let match = try #require(query.regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)))
            #expect(Range(match.range(withName: "text"), in: text).map { String(text[$0]) } == expected.0)
            #expect(Range(match.range(withName: "value"), in: text).map { String(text[$0]) } == expected.1)
        }
    }

    @Test func hasTheEightRowsInOrder() {
        let rows = dashboard.panels.filter { $0.type == "row" }.map(\.title)
        #expect(rows == ["Connections", "Listeners", "Peers", "Connection health", "Interfaces", "Protocols", "Conntrack",
                         "Baseline"])
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

    /// Every query is narrowed to the selected job, instance and network namespaces (the
    /// threshold line is global). Each vector selector is parsed (a bare metric name counts as
    /// one, with no matchers). The one per-instance metric, the host's conntrack limit, has no
    /// netns label: it is narrowed to job and instance, and a netns matcher would hide it
    /// whenever the own namespace is not selected, so it must have none.
    @Test func everyQuerySelectsJobInstanceAndNetns() throws {
        let jobAndInstance: Set = [
            PromQLSelectors.Matcher(label: "job", op: "=~", value: "$job"),
            PromQLSelectors.Matcher(label: "instance", op: "=~", value: "$instance"),
        ]
        let wanted = jobAndInstance.union([PromQLSelectors.Matcher(label: "netns", op: "=~", value: "${netns:pipe}")])
        var perInstance = 0
        for target in dashboard.targets where !target.expr.hasPrefix("netstat:threshold:") {
            let selectors = try PromQLSelectors.selectors(in: target.expr)
            #expect(!selectors.isEmpty, "\(target.key)")
            for selector in selectors {
                if selector.metric == "netstat_conntrack_entries_limit" {
                    perInstance += 1
                    #expect(jobAndInstance.isSubset(of: Set(selector.matchers)) && !selector.matchers.contains { $0.label == "netns" },
                            "\(target.key): \(selector.metric ?? "{}") matches \(selector.matchers)")
                    continue
                }
                #expect(wanted.isSubset(of: Set(selector.matchers)),
                        "\(target.key): \(selector.metric ?? "{}") matches \(selector.matchers)")
            }
        }
        #expect(perInstance == 2)
    }

    /// The Conntrack row: the table's fill per instance (the alert's threshold dashed), and the
    /// per-namespace panels keep namespaces and instances apart.
    @Test func conntrackPanelsSplitByInstanceAndNetns() throws {
        let fill = dashboard.targets.filter { $0.panelTitle == "Conntrack table fill" }
        #expect(fill.map(\.expr).contains("netstat:threshold:conntrack_table_fill_ratio"))
        #expect(fill.contains { $0.expr.hasPrefix("sum by (instance) (netstat_conntrack_entries{") })
        for title in ["Conntrack entries by namespace (top 10)", "Conntrack insert failures by namespace",
                      "Conntrack drops and early drops by namespace"] {
            let targets = dashboard.targets.filter { $0.panelTitle == title && !$0.expr.contains("netstat_conntrack_entries_limit") }
            #expect(!targets.isEmpty, "no panel \(title)")
            for target in targets {
                #expect(target.expr.contains(" by (instance, netns) ("), "\(target.key): \(target.expr)")
            }
        }
    }

    /// Panels that list processes, ports or listeners keep namespaces apart: the same process
    /// name in two pods is two lines.
    @Test func perSocketPanelsGroupByNetns() {
        for title in ["CLOSE_WAIT by process (top 10)", "CLOSE_WAIT by port (top 10)", "Inbound vs outbound by port (top 10)",
                      "Listeners", "Accept-queue fill by listener", "Public peers on internal hosts", "Top peers",
                      "RTT by port (p50, p99)", "Listen drops by listener", "Retransmitted segments by port and process (top 10)",
                      "Retransmit ratio by port and process (top 10)", "Throughput by port and process (top 10)",
                      "Stalled connections by reason (top 10)", "Time limited by reason (top 10)"] {
            let targets = dashboard.targets.filter { $0.panelTitle == title && !$0.expr.hasPrefix("netstat:threshold:") }
            #expect(!targets.isEmpty, "no panel \(title)")
            for target in targets {
                #expect(target.expr.contains(" by (netns, ") || target.expr.contains(" by (instance, netns, "),
                        "\(target.key): \(target.expr)")
            }
        }
    }

    /// The set of existing names comes from a real scrape of the built exporter (in a namespace
    /// with sockfarm's connections and a public peer, so the per-connection series exist) and
    /// from the recording rules; every name a dashboard query or a rule reads must be in it.
    /// The exporter runs with `--netns.all` for the families only that mode serves
    /// (`netstat_netns_capability_missing`, which NetstatNamespaceCapabilityMissing reads), and
    /// `--netns.include` matching no namespace, so the scrape holds the lab's namespace alone.
    @Test(.timeLimit(.minutes(2)))
    func everyMetricTheDashboardAndRulesReadExists() throws {
        let lab = try MonitoringLab(prefix: "nsdashnames")
        defer { lab.stop() }
        try lab.startSockfarm(workers: 2, established: 4, closeWait: 4, port: 21000)
        try lab.startPublicPeer()
        try lab.startExporter(["--netns.all", "--netns.include=no-namespace-matches-this"])
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
            missing += PromQLNames.metricNames(in: try variable.promql()).subtracting(existing).sorted().map { "variable \(variable.name): \($0)" }
        }
        for rule in rules {
            missing += PromQLNames.metricNames(in: rule.expr).subtracting(existing).sorted().map { "rule \(rule.name): \($0)" }
        }
        #expect(missing.isEmpty, "metrics not served by the exporter:\n\(missing.joined(separator: "\n"))")
    }
}
