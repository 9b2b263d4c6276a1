import Foundation
import Testing
import TestSupport

/// End to end: a listener with backlog 1 that never accepts, in the lab's namespace with
/// syncookies off, gets 40 connection attempts at once; the kernel drops the SYNs that find its
/// accept queue full and counts them in the listener's SK_MEMINFO_DROPS. The real exporter
/// serves them as netstat_tcp_listen_drops_total, Prometheus (our rules, 1 s evaluation) fires
/// NetstatListenDrops and Alertmanager holds it with the listener's address, port and process.
@Suite("Listen drops reach Alertmanager", .serialized)
struct ListenDropsAlertTests {
    static let port = 24000
    static let attempts = 40
    /// Scrape interval and timeout: 1 s scrapes timed out while the whole suite ran (see
    /// DashboardQueriesTests); the alert has no `for`, so 2 s keep the test short.
    static let scrapeSeconds = 2

    /// Listens with backlog 1 and never calls accept(): two handshakes fill its accept queue.
    static let listener = """
        import socket, time
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("127.0.0.1", \(port))); l.listen(1)
        print("ready", flush=True); time.sleep(600)
        """
    /// Non-blocking connects, all at once, held open (their SYN retransmissions are dropped too).
    static let clients = """
        import socket, time
        held = []
        for _ in range(\(attempts)):
            c = socket.socket(); c.setblocking(False); c.connect_ex(("127.0.0.1", \(port))); held.append(c)
        print("ready", flush=True); time.sleep(600)
        """

    @Test(.timeLimit(.minutes(4)))
    func aListenerDroppingConnectionsFiresNetstatListenDropsNamingIt() throws {
        let lab = try MonitoringLab(prefix: "nsdrops")
        defer { lab.stop() }
        // With syncookies a full SYN queue answers with cookies; without, what does not fit is dropped.
        try Shell.require(lab.netns.run(["sysctl", "-qw", "net.ipv4.tcp_syncookies=0"]), "sysctl tcp_syncookies=0")
        try lab.netns.start("listener", ["python3", "-c", Self.listener])
        try lab.waitFor("the listener", timeout: 20, interval: 0.05) { lab.netns.log("listener").contains("ready") }
        try lab.startExporter()
        try lab.startAlertmanager()
        try RuleOverrides().write(to: lab.netns.directory)
        try lab.startPrometheus(rulesDirectory: lab.netns.directory, alerting: true, scrapeSeconds: Self.scrapeSeconds)

        // increase() needs a sample before the drops: a listener first seen with drops already
        // counted (an exporter or Prometheus started late) does not fire, by design.
        let selector = "netstat_tcp_listen_drops_total{port=\"\(Self.port)\", process=\"python3\"}"
        try lab.waitFor("Prometheus to hold the listener's drop counter at 0", timeout: 60) {
            (try? lab.query("\(selector) == 0"))?.result.count == 1
        }
        // A listener that drops nothing stays silent, and the rule evaluates without error.
        let quiet = try lab.alertsSeen(named: "NetstatListenDrops", over: Double(2 * Self.scrapeSeconds))
        #expect(quiet.labelSets.isEmpty, "\(quiet.labelSets)")
        #expect(try lab.alertingRule(named: "NetstatListenDrops")?["health"] as? String == "ok")

        try lab.netns.start("clients", ["python3", "-c", Self.clients])
        try lab.waitFor("the clients to connect", timeout: 20, interval: 0.05) { lab.netns.log("clients").contains("ready") }
        let provoked = Date()
        let scraped = try lab.scrapeExporter().split(separator: "\n")
            .filter { $0.hasPrefix("netstat_tcp_listen_drops_total{") && $0.contains("port=\"\(Self.port)\"") }
        var alerts: [[String: Any]] = []
        try lab.waitFor("NetstatListenDrops in Alertmanager (exporter: \(scraped))", timeout: 90, interval: 0.1) {
            alerts = try lab.alertmanagerAlerts(named: "NetstatListenDrops")
            return !alerts.isEmpty
        }
        let received = Date()
        let timestamps = ISO8601DateFormatter()
        timestamps.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let firing = alerts.compactMap { ($0["startsAt"] as? String).flatMap(timestamps.date(from:)) }.min()
        print("NetstatListenDrops: \(Self.attempts) connects → firing in Prometheus: "
              + (firing.map { String(format: "%.2f s", $0.timeIntervalSince(provoked)) } ?? "?")
              + ", → received by Alertmanager: " + String(format: "%.2f s", received.timeIntervalSince(provoked))
              + " (scrape \(Self.scrapeSeconds) s, evaluation 1 s, no for)")

        // The kernel counted the drops on this listener, and the exporter served them.
        let drops = try lab.query(selector).result.first.flatMap { ($0["value"] as? [Any])?.last as? String }.flatMap(Double.init)
        #expect((drops ?? 0) > 0, "\(selector) = \(drops.map { "\($0)" } ?? "none")")

        #expect(alerts.count == 1)
        let labels = try #require(alerts.first?["labels"] as? [String: String])
        #expect(labels["alertname"] == "NetstatListenDrops")
        #expect(labels["address"] == "127.0.0.1")
        #expect(labels["port"] == "\(Self.port)")
        #expect(labels["process"] == "python3")
        #expect(labels["instance"] == MonitoringLab.exporterTarget)
        #expect(labels["job"] == MonitoringLab.job)
        #expect(labels["severity"] == "warning")
        #expect(labels["netns"] == nil)
        let annotations = try #require(alerts.first?["annotations"] as? [String: String])
        let summary = annotations["summary"] ?? ""
        let prefix = "python3 on 127.0.0.1:\(Self.port) of \(MonitoringLab.exporterTarget) dropped about "
        let suffix = " connection attempts in 5 minutes"
        #expect(summary.hasPrefix(prefix) && summary.hasSuffix(suffix), "\(summary)")
        let counted = Int(summary.dropFirst(prefix.count).dropLast(suffix.count)) ?? 0
        #expect(counted > 0, "\(summary)")
        print("NetstatListenDrops: the exporter counted \(drops.map { String(format: "%.0f", $0) } ?? "?") drops; summary: \(summary)")
        let description = annotations["description"] ?? ""
        #expect(description.hasPrefix("The listener of process python3 on 127.0.0.1 port \(Self.port) on \(MonitoringLab.exporterTarget) dropped"),
                "\(description)")
        // Two handshakes wait in a queue of backlog 1.
        #expect(description.hasSuffix(" Its accept queue is 200% full now."), "\(description)")
        #expect(annotations["runbook_url"] == "dashboards/RUNBOOK.md#netstatlistendrops")
        // The example routing: a warning goes to the default receiver.
        let receivers = alerts.map { ($0["receivers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
        #expect(receivers == [["netstat-team"]])
    }
}
