import Foundation
import Testing
import TestSupport

/// End to end: one client address holds most of a port's inbound connections inside a
/// namespace; the real exporter names it in netstat_tcp_top_peer_connections, Prometheus (our
/// rules, minimum and `for` shortened) fires NetstatPeerConnectionFlood, and Alertmanager holds
/// it with the peer, the port and, in the description, the process.
@Suite("Peer connection flood reaches Alertmanager", .serialized)
struct PeerFloodAlertTests {
    /// A listener on 192.0.2.1:8080 (public TEST-NET-1 addresses on the namespace's loopback)
    /// accepting 12 connections from 198.51.100.7 and 2 from 198.51.100.8: 12 of 14 inbound.
    static let population = """
        import socket, time
        l = socket.socket(); l.bind(("192.0.2.1", 8080)); l.listen(64)
        held = []
        for source, count in [("198.51.100.7", 12), ("198.51.100.8", 2)]:
            for _ in range(count):
                c = socket.socket(); c.bind((source, 0)); c.connect(("192.0.2.1", 8080))
                held.extend([c, l.accept()[0]])
        print("ready", flush=True); time.sleep(600)
        """

    @Test(.timeLimit(.minutes(3)))
    func onePeerHoldingMostOfAPortFiresNetstatPeerConnectionFlood() throws {
        let lab = try MonitoringLab(prefix: "nspeerflood")
        defer { lab.stop() }
        for address in ["192.0.2.1/32", "198.51.100.7/32", "198.51.100.8/32"] {
            try Shell.require(lab.netns.run(["ip", "addr", "add", address, "dev", "lo"]), "ip addr add")
        }
        try lab.netns.start("population", ["python3", "-c", Self.population])
        try lab.waitFor("the clients to connect", timeout: 20, interval: 0.05) { lab.netns.log("population").contains("ready") }
        try lab.startExporter()
        try lab.startAlertmanager()
        try RuleOverrides(thresholds: ["netstat:threshold:peer_connection_min_sockets": "10"],
                          forDurations: ["NetstatPeerConnectionFlood": "3s"]).write(to: lab.netns.directory)
        try lab.startPrometheus(rulesDirectory: lab.netns.directory, alerting: true)

        var alerts: [[String: Any]] = []
        try lab.waitFor("NetstatPeerConnectionFlood in Alertmanager", timeout: 60, interval: 0.2) {
            alerts = try lab.alertmanagerAlerts(named: "NetstatPeerConnectionFlood")
            return !alerts.isEmpty
        }
        // Over the next evaluations (longer than the rule's `for`), Prometheus holds this one
        // alert and no other, pending or firing: a wrong peer or port would show in ALERTS.
        let seen = try lab.alertsSeen(named: "NetstatPeerConnectionFlood", over: 5)
        #expect(seen.polls >= 4)
        #expect(seen.labelSets.map { $0["peer"] } == ["198.51.100.7"], "\(seen.labelSets)")
        alerts = try lab.alertmanagerAlerts(named: "NetstatPeerConnectionFlood")
        #expect(alerts.count == 1)
        let labels = try #require(alerts.first?["labels"] as? [String: String])
        #expect(labels["peer"] == "198.51.100.7")
        #expect(labels["port"] == "8080")
        #expect(labels["direction"] == "inbound")
        #expect(labels["instance"] == MonitoringLab.exporterTarget)
        let annotations = try #require(alerts.first?["annotations"] as? [String: String])
        #expect(annotations["summary"]
                == "198.51.100.7 holds 85.71% of the inbound connections on port 8080 of \(MonitoringLab.exporterTarget)")
        #expect(annotations["description"]?.hasSuffix("Most are established to process python3 (12).") == true,
                "\(annotations["description"] ?? "")")
    }
}
