import Foundation
import TestSupport

/// A real monitoring stack in a test's own network namespace, all on loopback: the built
/// netstat_exporter, Prometheus scraping it and evaluating our rules every second, and (when
/// asked) Alertmanager with the example config receiving Prometheus's alerts.
final class MonitoringLab {
    static let exporterTarget = "127.0.0.1:10042"
    static let job = "netstat"
    static let prometheus = "http://127.0.0.1:9090"
    static let alertmanager = "http://127.0.0.1:9093"

    let netns: TestNamespace

    init(prefix: String) throws {
        netns = try TestNamespace(prefix: prefix)
    }

    func stop() { netns.delete() }

    // MARK: programs

    /// Starts the exporter in the lab's namespace; `arguments` add flags (`--netns.all` …).
    func startExporter(_ arguments: [String] = []) throws {
        try netns.start("exporter", [RunningExporter.binary, "--web.listen-address=\(Self.exporterTarget)"] + arguments)
        // Generous: with the whole suite starting programs at once, 20 s was not always enough.
        try waitFor("netstat_exporter to serve /metrics", timeout: 60) {
            (try? scrapeExporter())?.contains("netstat_exporter_build_info") == true
        }
    }

    func scrapeExporter() throws -> String {
        try netns.httpGet("http://\(Self.exporterTarget)/metrics")
    }

    /// Starts Prometheus on `rulesDirectory`'s thresholds.yml and rules.yml; the exporter's target
    /// carries `network_zone="internal"`, as the README tells users to label internal hosts.
    /// `scrapeSeconds` is the scrape interval and timeout (rules are evaluated every second).
    func startPrometheus(rulesDirectory: URL, alerting: Bool, scrapeSeconds: Int = 1) throws {
        let alertingBlock = alerting ? """
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['127.0.0.1:9093']
            """ : ""
        let config = """
            global:
              scrape_interval: \(scrapeSeconds)s
              scrape_timeout: \(scrapeSeconds)s
              evaluation_interval: 1s
            rule_files:
              - \(rulesDirectory.appendingPathComponent("thresholds.yml").path)
              - \(rulesDirectory.appendingPathComponent("rules.yml").path)
            \(alertingBlock)
            scrape_configs:
              - job_name: \(Self.job)
                static_configs:
                  - targets: ['\(Self.exporterTarget)']
                    labels: {network_zone: internal}
            """
        let configURL = netns.directory.appendingPathComponent("prometheus.yml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        try netns.start("prometheus", [
            "prometheus", "--config.file=\(configURL.path)",
            "--storage.tsdb.path=\(netns.directory.appendingPathComponent("tsdb").path)",
            "--web.listen-address=127.0.0.1:9090",
        ])
        try waitFor("Prometheus to be ready", timeout: 30) {
            (try? netns.httpGet("\(Self.prometheus)/-/ready"))?.contains("Ready") == true
        }
        // Target discovery alone waits 5 s; on a loaded machine the first scrapes may time out.
        try waitFor("Prometheus to scrape the exporter", timeout: 120) {
            let up = try? query("up{job=\"\(Self.job)\"} == 1")
            return up?.result.isEmpty == false
        }
    }

    func startAlertmanager() throws {
        try netns.start("alertmanager", [
            "prometheus-alertmanager", "--config.file=\(DashboardFiles.alertmanager)",
            "--storage.path=\(netns.directory.appendingPathComponent("alertmanager").path)",
            "--web.listen-address=127.0.0.1:9093", "--cluster.listen-address=",
        ])
        try waitFor("Alertmanager to be ready", timeout: 30) {
            (try? netns.httpGet("\(Self.alertmanager)/-/ready")) == "OK"
        }
    }

    /// Starts sockfarm.py in the lab's namespace, or in `target`, and returns the moment it
    /// reported every socket in place.
    @discardableResult
    func startSockfarm(workers: Int, established: Int, closeWait: Int, port: Int,
                       in target: TestNamespace? = nil) throws -> Date {
        let netns = target ?? netns
        try netns.start("sockfarm", [
            "python3", DashboardFiles.sockfarm, "--workers", "\(workers)", "--established", "\(established)",
            "--close-wait", "\(closeWait)", "--port", "\(port)", "--hold", "600",
        ])
        try waitFor("sockfarm to be ready", timeout: 30, interval: 0.02) { netns.log("sockfarm").contains("ready") }
        return Date()
    }

    /// One TCP connection whose both ends have a public peer: the namespace's loopback gets
    /// 203.0.113.10 (TEST-NET-3, not private), and a process connects to itself on port 8443.
    func startPublicPeer() throws {
        try Shell.require(netns.run(["ip", "addr", "add", "203.0.113.10/32", "dev", "lo"]), "ip addr add")
        let script = """
            import socket, time
            l = socket.socket(); l.bind(("203.0.113.10", 8443)); l.listen(8)
            c = socket.create_connection(("203.0.113.10", 8443)); s, _ = l.accept()
            print("ready", flush=True); time.sleep(600)
            """
        try netns.start("publicpeer", ["python3", "-c", script])
        try waitFor("the public-peer connection", timeout: 20, interval: 0.05) { netns.log("publicpeer").contains("ready") }
    }

    // MARK: HTTP APIs

    func query(_ expr: String) throws -> PrometheusResponse {
        try PrometheusResponse(netns.httpGet("\(Self.prometheus)/api/v1/query", form: [("query", expr)]))
    }

    func queryRange(_ expr: String, lastSeconds: Int) throws -> PrometheusResponse {
        let end = Int(Date().timeIntervalSince1970)
        return try PrometheusResponse(netns.httpGet("\(Self.prometheus)/api/v1/query_range", form: [
            ("query", expr), ("start", "\(end - lastSeconds)"), ("end", "\(end)"), ("step", "1"),
        ]))
    }

    func labelValues(_ label: String, match selector: String) throws -> [String] {
        let body = try netns.httpGet("\(Self.prometheus)/api/v1/label/\(label)/values", form: [("match[]", selector)])
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let values = object["data"] as? [String] else { throw LabError.badResponse(body) }
        return values
    }

    /// The alerts Alertmanager holds now (GET /api/v2/alerts), filtered by alert name.
    func alertmanagerAlerts(named alertname: String) throws -> [[String: Any]] {
        let body = try netns.httpGet("\(Self.alertmanager)/api/v2/alerts", form: [("filter", "alertname=\"\(alertname)\"")])
        guard let alerts = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else {
            throw LabError.badResponse(body)
        }
        return alerts
    }

    /// Alertmanager's alert groups (GET /api/v2/alerts/groups): the routing config's group_by at work.
    func alertmanagerGroups() throws -> [[String: Any]] {
        let body = try netns.httpGet("\(Self.alertmanager)/api/v2/alerts/groups")
        guard let groups = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else {
            throw LabError.badResponse(body)
        }
        return groups
    }

    /// The alerting rule `name` as Prometheus's rules API shows it (`state`: inactive, pending
    /// or firing; `health`: ok once evaluated without error), nil when no rule has that name.
    func alertingRule(named name: String) throws -> [String: Any]? {
        let body = try netns.httpGet("\(Self.prometheus)/api/v1/rules", form: [("type", "alert")])
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let groups = (object["data"] as? [String: Any])?["groups"] as? [[String: Any]] else {
            throw LabError.badResponse(body)
        }
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }.first { $0["name"] as? String == name }
    }

    /// Watches `ALERTS{alertname=…}` (pending and firing) once a second for `seconds`, starting
    /// once Prometheus has scraped the exporter (so the rules see its data): every label set seen
    /// at any poll, `alertstate` left out, and how many polls Prometheus answered. An alert that
    /// appears for one evaluation in the window is among them; a fixed sleep and one look at the
    /// end would miss it.
    func alertsSeen(named alertname: String, over seconds: Double) throws
        -> (labelSets: Set<[String: String]>, polls: Int) {
        try waitFor("Prometheus to scrape the exporter", timeout: 60) {
            (try? query("up{job=\"\(Self.job)\"} == 1"))?.result.count == 1
        }
        var seen: Set<[String: String]> = []
        var polls = 0
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let started = Date()
            let response = try query("ALERTS{alertname=\"\(alertname)\"}")
            guard response.status == "success" else {
                throw LabError.badResponse(response.error ?? "ALERTS query failed")
            }
            polls += 1
            for labels in response.labelSets {
                seen.insert(labels.filter { $0.key != "alertstate" })
            }
            Thread.sleep(forTimeInterval: max(0, 1 - Date().timeIntervalSince(started)))
        }
        return (seen, polls)
    }

    func waitFor(_ what: String, timeout: Double, interval: Double = 0.2, _ condition: () throws -> Bool) throws {
        guard try waitUntil(timeout: timeout, interval: interval, condition) else {
            throw LabError.timeout("\(what)\n\(scrapeHealth())\n\(netns.logTails())")
        }
    }

    /// Whether Prometheus's last scrape of the exporter worked and how long it took: on a machine
    /// loaded by parallel tests, scrapes that time out are the usual reason a wait fails.
    func scrapeHealth() -> String {
        let samples = ["up", "scrape_duration_seconds"].map { name -> String in
            let value = (try? query("\(name){job=\"\(Self.job)\"}"))?.result.first?["value"] as? [Any]
            return "\(name)=\(value.map { "\($0.last ?? "?")" } ?? "none")"
        }
        return "Prometheus: " + samples.joined(separator: ", ")
    }
}

/// A Prometheus HTTP API answer: status, error, and the result list (vector or matrix).
struct PrometheusResponse {
    let status: String
    let error: String?
    let result: [[String: Any]]

    init(_ body: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw LabError.badResponse(body)
        }
        status = object["status"] as? String ?? ""
        error = object["error"] as? String
        result = (object["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
    }

    var labelSets: [[String: String]] { result.map { $0["metric"] as? [String: String] ?? [:] } }
}
