import Foundation
import Testing
import TestSupport

/// One test's namespace, the exporter in it (all collectors on, as users run it), and the
/// python helpers that make its traffic; `with` deletes the namespace, killing all of them.
final class HealthLab {
    let netns: TestNamespace
    let exporterPort = 29_999

    private init(netns: TestNamespace) {
        self.netns = netns
    }

    static func with<T>(_ body: (HealthLab) throws -> T) throws -> T {
        let lab = HealthLab(netns: try TestNamespace(prefix: "nsh"))
        defer { lab.netns.delete() }
        return try body(lab)
    }

    var logs: String { netns.logTails() }

    func log(_ label: String) -> String { netns.log(label) }

    /// A path in the namespace's directory.
    func path(_ name: String) -> String { netns.directory.appendingPathComponent(name).path }

    func touch(_ name: String) throws {
        try Data().write(to: netns.directory.appendingPathComponent(name))
    }

    /// Runs a command in the namespace; its stdout, a `Shell.Failure` when it exits non-zero.
    @discardableResult
    func run(_ command: [String]) throws -> String {
        try Shell.require(netns.run(command, timeout: 30), command.joined(separator: " ")).stdout
    }

    func startExporter() throws {
        let process = try netns.start("exporter", [RunningExporter.binary, "--web.listen-address=127.0.0.1:\(exporterPort)"])
        let serving = try waitUntil(timeout: 20, interval: 0.05) {
            guard process.isRunning else { return true }
            return try netns.run(["curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:\(exporterPort)/"]).status == 0
        }
        guard serving, process.isRunning else {
            throw Shell.Failure(description: "the exporter did not start: \(netns.log("exporter"))")
        }
    }

    func scrape() throws -> ScrapedMetrics {
        ScrapedMetrics(try run(["curl", "-sf", "--max-time", "10", "http://127.0.0.1:\(exporterPort)/metrics"]))
    }

    /// Starts `python3 -c code arguments…` in the namespace as `label` and waits until it
    /// prints "ready".
    @discardableResult
    func startPython(_ label: String, _ code: String, _ arguments: [String] = []) throws -> ChildProcess {
        let process = try netns.start(label, ["python3", "-c", code] + arguments)
        try waitForLog(label, "ready", timeout: 20)
        return process
    }

    /// Waits until the program started as `label` printed `text`; throws with every log when
    /// it does not within `timeout` seconds.
    func waitForLog(_ label: String, _ text: String, timeout: Double) throws {
        guard waitUntil(timeout: timeout, interval: 0.05, { netns.log(label).contains(text) }) else {
            throw Shell.Failure(description: "\(label) did not print \"\(text)\" within \(timeout) s:\n\(logs)")
        }
    }

    /// tcpi_total_retrans of the connection to 127.0.0.1:`port` as ss shows it (`retrans:0/N`;
    /// nothing when N is 0).
    func kernelRetransmissions(toPort port: Int) throws -> Double {
        let ss = try run(["ss", "-tniH", "dst", "127.0.0.1:\(port)"])
        guard !ss.isEmpty else { throw Shell.Failure(description: "no connection to :\(port)") }
        guard let range = ss.range(of: "retrans:[0-9]+/[0-9]+", options: .regularExpression) else { return 0 }
        return Double(ss[range].split(separator: "/")[1]) ?? -1
    }

    /// A TcpExt counter of the namespace's /proc/net/netstat.
    func tcpExt(_ name: String) throws -> Int {
        let lines = try run(["cat", "/proc/net/netstat"]).split(separator: "\n").filter { $0.hasPrefix("TcpExt:") }
        guard lines.count == 2 else { throw Shell.Failure(description: "no TcpExt lines in /proc/net/netstat") }
        let names = lines[0].split(separator: " "), values = lines[1].split(separator: " ")
        guard let index = names.firstIndex(where: { $0 == name }), index < values.count, let value = Int(values[index]) else {
            throw Shell.Failure(description: "no TcpExt \(name)")
        }
        return value
    }
}

extension HealthLab {
    /// The counter families of the health metrics.
    static let counterFamilies = [
        "netstat_tcp_listen_drops_total", "netstat_tcp_retransmitted_segments_total", "netstat_tcp_sent_segments_total",
        "netstat_tcp_acked_bytes_total", "netstat_tcp_received_bytes_total", "netstat_tcp_limited_seconds_total",
    ]

    /// A health series of the helpers' connections, labels in the exporter's order.
    static func series(_ metric: String, _ port: Int, _ direction: String, process: String = "python3",
                       reason: String? = nil, le: String? = nil) -> String {
        var labels: [String] = []
        if let reason { labels.append("reason=\"\(reason)\"") }
        labels += ["port=\"\(port)\"", "direction=\"\(direction)\"", "process=\"\(process)\""]
        if let le { labels.append("le=\"\(le)\"") }
        return "\(metric){\(labels.joined(separator: ","))}"
    }

    static func listenDrops(_ port: Int, process: String = "python3") -> String {
        "netstat_tcp_listen_drops_total{address=\"127.0.0.1\",port=\"\(port)\",process=\"\(process)\"}"
    }

}
