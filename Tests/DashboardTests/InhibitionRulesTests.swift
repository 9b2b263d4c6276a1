import Foundation
import Testing
import TestSupport

/// The inhibit rules of dashboards/alertmanager/alertmanager.yml in a real Alertmanager: alerts
/// are posted to its API as Prometheus would send them, and each rule must silence its target
/// for the same listener, link or namespace only, never another namespace's or host's.
@Suite("Alertmanager inhibit rules", .serialized)
struct InhibitionRulesTests {
    /// (source alert, target alert, labels both share). The target is posted twice more: once
    /// with another `netns` and once with another `instance`; only the first one is inhibited.
    static let cases: [(source: String, target: String, labels: [String: String])] = [
        ("NetstatCloseWaitHigh", "NetstatCloseWaitGrowing", ["process": "api", "port": "8080"]),
        ("NetstatListenQueueFull", "NetstatListenOverflows", [:]),
        ("NetstatListenQueueFull", "NetstatListenDrops", ["address": "0.0.0.0", "port": "443", "process": "nginx"]),
        ("NetstatInterfaceDown", "NetstatInterfaceErrors", ["device": "eth1"]),
    ]

    static func alert(_ name: String, _ labels: [String: String]) -> [String: Any] {
        ["labels": labels.merging(["alertname": name]) { $1 },
         "startsAt": ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60))]
    }

    @Test(.timeLimit(.minutes(5))) func eachRuleSilencesItsOwnNamespaceAndHostOnly() throws {
        let lab = try MonitoringLab(prefix: "nsinhibit")
        defer { lab.stop() }
        try lab.startAlertmanager()
        for (index, rule) in Self.cases.enumerated() {
            // Each case on its own instance, so the cases cannot inhibit one another.
            let shared = rule.labels.merging(["instance": "node\(index):10042", "netns": "pod-a"]) { $1 }
            let alerts = [
                Self.alert(rule.source, shared),
                Self.alert(rule.target, shared),
                Self.alert(rule.target, shared.merging(["netns": "pod-b"]) { $1 }),
                Self.alert(rule.target, shared.merging(["instance": "other\(index):10042"]) { $1 }),
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: alerts), as: UTF8.self)
            try Shell.require(lab.netns.run(["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json",
                                             "--data-binary", body, "\(MonitoringLab.alertmanager)/api/v2/alerts"]),
                              "POST /api/v2/alerts")
        }
        for (index, rule) in Self.cases.enumerated() {
            var inhibited: [String: Bool] = [:]
            try lab.waitFor("\(rule.target) under \(rule.source)", timeout: 20) {
                inhibited = [:]
                for alert in try lab.alertmanagerAlerts(named: rule.target) {
                    let labels = alert["labels"] as? [String: String] ?? [:]
                    guard labels["instance"]?.hasSuffix("\(index):10042") == true else { continue }
                    let status = alert["status"] as? [String: Any] ?? [:]
                    let by = status["inhibitedBy"] as? [String] ?? []
                    inhibited["\(labels["instance"]!) \(labels["netns"]!)"] = !by.isEmpty
                }
                return inhibited.count == 3 && inhibited.values.contains(true)
            }
            #expect(inhibited == ["node\(index):10042 pod-a": true, "node\(index):10042 pod-b": false,
                                  "other\(index):10042 pod-a": false], "\(rule.source) → \(rule.target)")
        }
    }
}
