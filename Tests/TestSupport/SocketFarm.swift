import Foundation

/// A throw-away network namespace with loopback up, sockfarm.py's workers (`farm0`…) holding a
/// known population of TCP sockets, and helpers to run the exporter, ss and python inside it.
/// `SocketFarm.with` always kills what it started and deletes the namespace.
public final class SocketFarm {
    private let netns: TestNamespace
    public let basePort: Int
    private var processes: [ChildProcess] = []
    private var exporter: ChildProcess?

    public var namespace: String { netns.name }

    private init(netns: TestNamespace, basePort: Int) {
        self.netns = netns
        self.basePort = basePort
    }

    /// The series of a farm's connections, without the optional user label.
    public static func connections(_ state: String, _ direction: String, _ port: Int, _ process: String) -> String {
        "netstat_tcp_connections{state=\"\(state)\",direction=\"\(direction)\",port=\"\(port)\",process=\"\(process)\"}"
    }

    /// The same rule as every other end-to-end test: `RunningExporter.binary`.
    public static var exporterBinary: String { RunningExporter.binary }

    /// Runs `body` with a farm of `workers` workers on ports `basePort`… in a fresh namespace;
    /// `setUp` commands run in the namespace before the farm starts (an iptables rule, say).
    public static func with<T>(workers: Int, established: Int, closeWait: Int, prefix: String = "nse",
                               setUp: [[String]] = [], _ body: (SocketFarm) throws -> T) throws -> T {
        let basePort = 21000 + 10 * Int.random(in: 0..<800)
        let farm = SocketFarm(netns: try TestNamespace(prefix: prefix), basePort: basePort)
        defer { farm.tearDown() }
        // The tests bind 40000-40001 (inside the ephemeral range on purpose): reserve them so no
        // client end of the farm can be handed one first.
        try farm.run(["sysctl", "-qw", "net.ipv4.ip_local_reserved_ports=40000-40001"])
        for command in setUp { try farm.run(command) }
        let tool = Fixtures.repository("Tests/Tools/sockfarm.py")
        try farm.startUntilReady(["python3", tool, "--workers", String(workers), "--established", String(established),
                                  "--close-wait", String(closeWait), "--port", String(basePort), "--hold", "300"])
        return try body(farm)
    }

    public func inside(_ command: [String]) -> [String] {
        ["ip", "netns", "exec", namespace] + command
    }

    /// Runs a command and returns its output; a non-zero exit is a `Shell.Failure`.
    @discardableResult
    public func checked(_ command: [String]) throws -> String {
        try Shell.require(Shell.run(command, timeout: 60), command.joined(separator: " ")).stdout
    }

    @discardableResult
    public func run(_ command: [String]) throws -> String {
        try checked(inside(command))
    }

    /// Starts a program in the namespace and waits until it prints "ready".
    @discardableResult
    public func startUntilReady(_ command: [String], timeout: Double = 60) throws -> ChildProcess {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("farm-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = try ChildProcess(inside(command), stdout: output.path)
        processes.append(process)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: output, encoding: .utf8), text.contains("ready") { return process }
            guard process.isRunning else { throw Shell.Failure(description: "\(command) exited before ready") }
            usleep(50_000)
        }
        throw Shell.Failure(description: "\(command) not ready after \(timeout) s")
    }

    /// Python that prints "ready" once its sockets are in place and then holds them.
    public func startPython(_ code: String) throws {
        try startUntilReady(["python3", "-c", code])
    }

    /// The stderr of the exporter started last (its log).
    public var exporterLog: String {
        (try? String(contentsOf: exporterLogURL, encoding: .utf8)) ?? ""
    }

    private var exporterLogURL: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(namespace)-exporter.err")
    }

    /// The process started last: the exporter, or the wrapper that runs it.
    public var lastStarted: ChildProcess? { processes.last }

    /// Starts the exporter in the namespace with `flags` and returns the port it serves on;
    /// `wrapper` runs it (e.g. setpriv to drop root). Its stderr is `exporterLog`.
    public func startExporter(_ flags: [String] = [], wrapper: [String] = [],
                              binary: String = SocketFarm.exporterBinary) throws -> Int {
        let port = basePort + 9
        let arguments = inside(wrapper + [binary, "--web.listen-address=127.0.0.1:\(port)"] + flags)
        let process = try ChildProcess(arguments, stderr: exporterLogURL.path)
        processes.append(process)
        exporter = process
        // 20 s: under strace, or on two busy cores, the start takes seconds.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if (try? Shell.run(inside(["curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:\(port)/"])))?.status == 0 {
                return port
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        throw Shell.Failure(description: "exporter did not start: \(exporterLog)")
    }

    /// Stops the exporter started last (so another can take its port).
    public func stopExporter() {
        guard let process = processes.last, process === exporter else { return }
        // SIGKILL: gone at once, its port free for the next exporter.
        kill(process.pid, SIGKILL)
        process.waitUntilExit()
        processes.removeLast()
        exporter = nil
    }

    /// One scrape, as series text → value.
    public func scrape(_ port: Int) throws -> ScrapedMetrics {
        ScrapedMetrics(try run(["curl", "-sf", "http://127.0.0.1:\(port)/metrics"]))
    }

    /// Kills everything in the namespace (the farm's forked workers too), then deletes it.
    public func tearDown() {
        netns.delete()
        for process in processes {
            if process.isRunning { kill(process.pid, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: exporterLogURL)
    }
}

/// A parsed /metrics answer: `series["name{labels}"]` is the value.
public struct ScrapedMetrics: Sendable {
    public let text: String
    public let series: [String: Double]

    public init(_ text: String) {
        self.text = text
        var series: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            series[String(line[..<space])] = value
        }
        self.series = series
    }

    public subscript(_ key: String) -> Double? { series[key] }

    /// The series of one metric whose labels contain every given `name="value"` fragment.
    public func matching(_ metric: String, _ fragments: [String]) -> [String: Double] {
        series.filter { key, _ in
            key.hasPrefix(metric + "{") && fragments.allSatisfy { key.contains($0) }
        }
    }
}
