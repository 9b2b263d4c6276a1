import Foundation
import Testing
import TestSupport

/// dashboards/prometheus and dashboards/alertmanager through the real promtool and amtool.
@Suite("Rule files and Alertmanager config")
struct RuleFilesTests {
    /// The alerts issue 5 asks for, plus the guard against a missing thresholds file.
    static let expectedAlerts: Set<String> = [
        "NetstatCloseWaitHigh", "NetstatCloseWaitGrowing", "NetstatListenQueueFull", "NetstatListenOverflows",
        "NetstatSynFlood", "NetstatPublicPeer", "NetstatInterfaceErrors", "NetstatInterfaceDown",
        "NetstatRetransmitsHigh", "NetstatConnectionsAnomaly", "NetstatExporterCollectorFailing",
        "NetstatThresholdsMissing", "NetstatPeerConnectionFlood",
    ]

    let rules: [PrometheusRule]
    let thresholds: [PrometheusRule]

    init() throws {
        rules = PrometheusRule.parse(try DashboardFiles.text(DashboardFiles.rules))
        thresholds = PrometheusRule.parse(try DashboardFiles.text(DashboardFiles.thresholds))
    }

    @Test func promtoolCheckRulesAcceptsBothFilesAndCountsEveryRule() throws {
        let result = try Shell.run(["promtool", "check", "rules", DashboardFiles.thresholds, DashboardFiles.rules])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS: \(thresholds.count) rules found"))
        #expect(result.stdout.contains("SUCCESS: \(rules.count) rules found"))
        #expect(thresholds.count == 14)
    }

    @Test func promtoolRuleUnitTestsPass() throws {
        let result = try Shell.run(["promtool", "test", "rules", DashboardFiles.ruleTests,
                                    DashboardFiles.ruleTestsWithoutThresholds], timeout: 120)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "SUCCESS").count - 1 == 2)
    }

    /// The unit tests can fail: with the CLOSE_WAIT threshold raised above the test series,
    /// the test expecting NetstatCloseWaitHigh must fail.
    @Test func ruleUnitTestsFailWhenAThresholdChanges() throws {
        let directory = try Fixtures.temporaryDirectory("rules-mutated")
        defer { try? FileManager.default.removeItem(at: directory) }
        try RuleOverrides(thresholds: ["netstat:threshold:close_wait_connections": "1000"]).write(to: directory)
        try FileManager.default.copyItem(atPath: DashboardFiles.ruleTests,
                                         toPath: directory.appendingPathComponent("tests.yml").path)
        let result = try Shell.run(["promtool", "test", "rules", directory.appendingPathComponent("tests.yml").path],
                                   timeout: 120)
        let output = result.stdout + result.stderr
        #expect(result.status != 0)
        #expect(output.contains("alertname: NetstatCloseWaitHigh"))
        #expect(!output.contains("alertname: NetstatListenQueueFull"))
    }

    @Test func everyAlertOfTheIssueExistsAndFiresInAUnitTest() throws {
        let alerts = Set(rules.filter { $0.kind == .alert }.map(\.name))
        #expect(alerts == Self.expectedAlerts)
        let tests = try DashboardFiles.text(DashboardFiles.ruleTests) + DashboardFiles.text(DashboardFiles.ruleTestsWithoutThresholds)
        for alert in Self.expectedAlerts {
            // A firing expectation: the alertname line followed by a non-empty exp_alerts list.
            let firing = tests.components(separatedBy: "alertname: \(alert)\n").dropFirst().contains {
                $0.split(separator: "\n").prefix(2).last?.contains("- exp_labels:") == true
            }
            #expect(firing, "no unit test expects \(alert) to fire")
        }
    }

    @Test func everyAlertLinksToItsRunbookSection() throws {
        let runbook = try DashboardFiles.text(DashboardFiles.runbook)
        let headings = Set(runbook.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { $0.dropFirst(3) })
        for alert in rules where alert.kind == .alert {
            #expect(alert.runbookURL == "dashboards/RUNBOOK.md#\(alert.name.lowercased())")
            #expect(headings.contains(Substring(alert.name)), "RUNBOOK.md has no section \(alert.name)")
        }
    }

    /// Every number an alert compares with comes from thresholds.yml, and every threshold is used.
    @Test func thresholdsLiveInTheThresholdsFileOnly() throws {
        let defined = Set(thresholds.map(\.name))
        #expect(thresholds.allSatisfy { $0.kind == .record && $0.name.hasPrefix("netstat:threshold:") })
        #expect(!rules.contains { $0.name.hasPrefix("netstat:threshold:") })
        let used = Set(rules.flatMap { PromQLNames.metricNames(in: $0.expr) }.filter { $0.hasPrefix("netstat:threshold:") })
        #expect(used == defined)
    }

    @Test func amtoolAcceptsTheExampleAlertmanagerConfig() throws {
        let result = try Shell.run(["amtool", "check-config", DashboardFiles.alertmanager])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS"))
        #expect(result.stdout.contains("3 inhibit rules"))
        let config = try DashboardFiles.text(DashboardFiles.alertmanager)
        #expect(config.contains("group_by: [alertname, instance]"))
    }
}
