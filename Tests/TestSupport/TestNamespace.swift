import Foundation

/// A network namespace made for one test (`ip netns add`, loopback up) with a temporary directory
/// of its own, in which the test runs commands and starts long-running programs (their logs and
/// config files go in `directory`). `delete()` ends every one of them and deletes the namespace
/// and the directory, so socket counts inside it are exact and nothing outlives the test.
public final class TestNamespace: @unchecked Sendable {
    public let name: String
    public let directory: URL
    private let lock = NSLock()
    private var started: [(label: String, process: ChildProcess)] = []
    private var deleted = false

    public init(prefix: String = "nstest") throws {
        name = "\(prefix)\(getpid() % 100_000)\(Int.random(in: 100_000...999_999))"
        directory = try Fixtures.temporaryDirectory(prefix)
        let added = try Shell.run(["ip", "netns", "add", name])
        guard added.status == 0 else {
            try? FileManager.default.removeItem(at: directory)
            throw NamespaceError(description: "ip netns add: \(added.stderr)")
        }
        try run(["ip", "link", "set", "lo", "up"])
    }

    /// Runs a command inside the namespace to completion.
    @discardableResult
    public func run(_ arguments: [String], timeout: Double = 60) throws -> Shell.Result {
        try Shell.run(["ip", "netns", "exec", name] + arguments, timeout: timeout)
    }

    /// Starts a long-running command inside the namespace, stdout and stderr to `<label>.log`.
    /// `ip netns exec` execs the command, so the process is the program itself.
    @discardableResult
    public func start(_ label: String, _ arguments: [String]) throws -> ChildProcess {
        let process = try ChildProcess(["ip", "netns", "exec", name] + arguments, log: logURL(label).path)
        lock.lock()
        started.append((label, process))
        lock.unlock()
        return process
    }

    public func logURL(_ label: String) -> URL { directory.appendingPathComponent("\(label).log") }

    /// What the program started as `label` wrote so far.
    public func log(_ label: String) -> String {
        (try? String(contentsOf: logURL(label), encoding: .utf8)) ?? ""
    }

    /// The last lines of every started program's log, for a failure message.
    public func logTails() -> String {
        lock.lock()
        let programs = started
        lock.unlock()
        return programs.map { entry in
            let lines = log(entry.label).split(separator: "\n").suffix(15).joined(separator: "\n")
            return "--- \(entry.label) (running: \(entry.process.isRunning)):\n\(lines)"
        }.joined(separator: "\n")
    }

    /// GET (or a form as query string) inside the namespace with curl; the body, whatever the status.
    public func httpGet(_ url: String, form: [(String, String)] = []) throws -> String {
        var arguments = ["curl", "-sS", "--max-time", "10", "-G"]
        for (key, value) in form { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        return try Shell.require(run(arguments + [url], timeout: 15), "curl \(url)").stdout
    }

    /// Stops the programs it started (SIGTERM, newest first), kills every process left in the
    /// namespace (forked children too, which the parent's owner may not know of), deletes it and
    /// its directory; safe to call twice.
    public func delete() {
        lock.lock()
        let programs = deleted ? [] : started
        deleted = true
        lock.unlock()
        for entry in programs.reversed() { entry.process.stop() }
        let pids = (try? Shell.run(["ip", "netns", "pids", name]).stdout) ?? ""
        for pid in pids.split(separator: "\n").compactMap({ pid_t($0) }) where pid > 1 {
            kill(pid, SIGKILL)
        }
        _ = try? Shell.run(["ip", "netns", "delete", name])
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { delete() }

    /// Runs `body` with the calling thread inside the namespace (setns(2)), then puts the thread
    /// back. Sockets opened in `body` (netlink ones included) belong to the namespace, and
    /// /proc/thread-self/net shows it; /proc/net still shows the process's first thread's.
    public func entered<T>(_ body: () throws -> T) throws -> T {
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw NamespaceError(description: "open own netns: errno \(errno)") }
        defer { close(original) }
        let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw NamespaceError(description: "open /run/netns/\(name): errno \(errno)") }
        defer { close(target) }
        guard TestNamespace.setns(target, TestNamespace.cloneNewNet) == 0 else {
            throw NamespaceError(description: "setns \(name): errno \(errno)")
        }
        // A thread left in the test's namespace would run other tests there: stop instead.
        defer { precondition(TestNamespace.setns(original, TestNamespace.cloneNewNet) == 0, "setns back failed") }
        return try body()
    }

    private static let cloneNewNet: Int32 = 0x4000_0000

    /// Glibc declares setns only under _GNU_SOURCE, which Swift's Glibc module does not define.
    private static let setns: @convention(c) (Int32, Int32) -> Int32 = {
        // dlsym(RTLD_DEFAULT, …): the handle is a null pointer.
        guard let symbol = dlsym(nil, "setns") else { fatalError("no setns in libc") }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()
}

public struct NamespaceError: Error, CustomStringConvertible {
    public let description: String
}

/// A `sleep` inside a namespace, whose /proc/<pid> shows the namespace's /proc/net: an
/// in-process collector pointed at `procfs` reads that namespace's live tables.
public final class NamespaceSleeper: @unchecked Sendable {
    public let process: ChildProcess

    /// Waits (at most 10 s) until the sleeper has entered the namespace.
    public init(_ netns: TestNamespace, seconds: Int = 120) throws {
        process = try ChildProcess(["ip", "netns", "exec", netns.name, "sleep", String(seconds)])
        let wanted = NamespaceSleeper.inode("/run/netns/\(netns.name)")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let wanted, NamespaceSleeper.inode("/proc/\(process.pid)/ns/net") == wanted { return }
            guard process.isRunning else { break }
            usleep(10_000)
        }
        stop()
        throw NamespaceError(description: "the sleeper did not enter \(netns.name) within 10 s")
    }

    /// `/proc/<pid>`: a procfs root whose `net/` is the namespace's.
    public var procfs: String { "/proc/\(process.pid)" }

    public func stop() {
        process.send(SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    private static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}
