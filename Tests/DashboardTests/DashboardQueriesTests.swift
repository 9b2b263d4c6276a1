import Foundation
import Testing

/// Every PromQL expression of the Grafana dashboard, variables substituted as Grafana would,
/// executed against a real Prometheus that scrapes a real netstat_exporter every second (with
/// our rules loaded), inside a namespace holding sockfarm's connections and a public peer.
@Suite("Dashboard queries against a live Prometheus", .serialized)
struct DashboardQueriesTests {
    /// Queries whose correct answer here is empty, and why. They must parse, and must be empty.
    static let allowedEmpty: [String: String] = [
        "Established: today vs last week / B": "offset 1w: the test's Prometheus is seconds old",
        "CLOSE_WAIT: today vs last week / B": "offset 1w: the test's Prometheus is seconds old",
    ]
    /// What Grafana puts for `$__rate_interval`: here 5 scrapes' worth.
    static let rateInterval = "10s"

    @Test(.timeLimit(.minutes(5)))
    func everyDashboardQueryParsesAndReturnsData() throws {
        let dashboard = try GrafanaDashboard(contentsOf: DashboardFiles.grafana)
        let lab = try MonitoringLab(prefix: "nsdashq")
        defer { lab.stop() }
        try lab.startSockfarm(workers: 2, established: 6, closeWait: 4, port: 22000)
        try lab.startPublicPeer()
        try lab.startExporter()
        try RuleOverrides().write(to: lab.netns.directory)
        // 2 s scrapes: 1 s timed out while the whole suite ran beside it.
        try lab.startPrometheus(rulesDirectory: lab.netns.directory, alerting: false, scrapeSeconds: 2)
        // Enough samples for every rate over $__rate_interval at the first step of a 10 s range
        // query: a rate over the rate interval already had data 10 s ago. Polled, with a deadline
        // (a loaded machine scrapes late), instead of a fixed sleep.
        try lab.waitFor("\(Self.rateInterval) of samples, 10 s ago", timeout: 90, interval: 0.5) {
            let ready = try? lab.query("rate(up{job=\"\(MonitoringLab.job)\"}[\(Self.rateInterval)] offset 10s)")
            return ready?.result.isEmpty == false
        }

        var failures: [String] = []
        var values = ["__rate_interval": Self.rateInterval, "datasource": "prometheus"]
        for variable in dashboard.variables where variable.type == "query" {
            if variable.name == "netns" {
                // Without --netns.all the exporter's own namespace is the only one, offered as
                // "own namespace" whose value "()" matches only series without a netns label.
                let netns = try QueryResultVariable(variable)
                let options = netns.options(try lab.query(GrafanaDashboard.substitute(netns.expr, values)))
                if options != [.init(text: "own namespace", value: "()")] { failures.append("variable netns: \(options)") }
                values["netns"] = "()"
                continue
            }
            let query = try LabelValuesQuery(GrafanaDashboard.substitute(variable.query, values))
            let found = try lab.labelValues(query.label, match: query.selector)
            let wanted = variable.name == "job" ? MonitoringLab.job : MonitoringLab.exporterTarget
            if found != [wanted] { failures.append("variable \(variable.name): \(found), wanted [\(wanted)]") }
            values[variable.name] = wanted
        }

        var ran = 0
        for target in dashboard.targets {
            let expr = GrafanaDashboard.substitute(target.expr, values)
            if expr.contains("$") { failures.append("\(target.key): unsubstituted variable in \(expr)"); continue }
            let response = target.instant ? try lab.query(expr) : try lab.queryRange(expr, lastSeconds: 10)
            ran += 1
            if response.status != "success" {
                failures.append("\(target.key): \(response.error ?? "no error text") in \(expr)")
            } else if let reason = Self.allowedEmpty[target.key] {
                if !response.result.isEmpty { failures.append("\(target.key): listed as empty (\(reason)) but has data") }
            } else if response.result.isEmpty {
                failures.append("\(target.key): no data for \(expr)")
            }
        }
        #expect(ran == dashboard.targets.count)
        #expect(Set(Self.allowedEmpty.keys).isSubset(of: Set(dashboard.targets.map(\.key))))
        #expect(failures.isEmpty, "\(failures.count) of \(ran) dashboard queries failed:\n\(failures.joined(separator: "\n"))")
    }
}
