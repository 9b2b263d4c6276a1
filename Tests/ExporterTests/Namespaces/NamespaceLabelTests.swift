import Foundation
import Testing
import TestSupport

/// `--netns.all` labels and failure reasons end to end, on namespaces made for the test: an
/// unnamed namespace (a process, no bind mount) is `inode:<n>`; one whose process sits in a
/// kubepods-shaped cgroup is its container's 12-digit ID and carries the real `pod_uid` and
/// `container_id` on `netstat_netns_info`; of two that would get the same label the one with the
/// higher inode falls back to `inode:<n>`; `--netns.exclude` drops a namespace the include lets
/// through; `--netns.reader=setns` as nobody is refused, counted and read through /proc; and a
/// namespace whose files fail is counted `unreadable`, one whose process goes away mid-read
/// `vanished`. Every test names its own namespaces in `--netns.include`, since the host holds
/// other tests' namespaces too.
@Suite(.serialized) struct NamespaceLabelTests {
    struct SetupFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// A `sleep` in a network namespace of its own (`unshare --net`), with no bind mount.
    final class UnnamedNamespace {
        let process: ChildProcess
        private(set) var inode: UInt64 = 0

        init() throws {
            process = try ChildProcess(["unshare", "--net", "sleep", "300"])
            let own = Self.inode("/proc/self/ns/net")
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && process.isRunning {
                let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
                if comm == "sleep\n", let inode = Self.inode("/proc/\(pid)/ns/net"), inode != own {
                    self.inode = inode
                    return
                }
                usleep(10_000)
            }
            stop()
            throw SetupFailed(description: "unshare --net sleep did not start within 10 s")
        }

        deinit { stop() }

        var pid: Int32 { process.pid }
        var label: String { "inode:\(inode)" }

        func stop() {
            process.send(SIGKILL)
            process.waitUntilExit()
        }

        static func inode(_ path: String) -> UInt64? {
            var info = stat()
            return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
    }

    /// A cgroup v2 directory shaped as the kubelet's cgroupfs driver names a container's,
    /// `kubepods/besteffort/pod<uid>/<64 hex>`, made for one test; `remove` deletes what it made
    /// (after its processes are gone).
    final class KubepodsCgroup {
        let podUID = UUID().uuidString.lowercased()
        let containerID = String((0..<64).map { _ in "0123456789abcdef".randomElement()! })
        private var made: [String] = []
        let leaf: String

        init() throws {
            let mountinfo = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
            let root = mountinfo.split(separator: "\n").first { $0.contains(" - cgroup2 ") }
                .map { String($0.split(separator: " ")[4]) }
            guard let root else { throw SetupFailed(description: "no cgroup2 mount in /proc/self/mountinfo") }
            var path = root
            for component in ["kubepods", "besteffort", "pod\(podUID)", containerID] {
                path += "/" + component
                if mkdir(path, 0o755) == 0 {
                    made.append(path)
                } else if errno != EEXIST {
                    throw SetupFailed(description: "mkdir \(path): errno \(errno)")
                }
            }
            leaf = path
        }

        deinit { remove() }

        func add(_ pid: Int32) throws {
            try "\(pid)\n".write(toFile: leaf + "/cgroup.procs", atomically: false, encoding: .utf8)
        }

        func remove() {
            // rmdir of a cgroup fails while a process is in it, or (for the shared parents)
            // while another test's cgroup is below it: those are left.
            for path in made.reversed() { rmdir(path) }
            made = []
        }
    }

    static func scrape(_ exporter: RunningExporter) throws -> ScrapedMetrics {
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        try #require(response.status == 200)
        return ScrapedMetrics(response.text)
    }

    /// The `netstat_netns_info` series of the namespace labelled `label`.
    static func info(_ scrape: ScrapedMetrics, _ label: String) -> [String: Double] {
        scrape.matching("netstat_netns_info", ["netns=\"\(label)\""])
    }

    static func failures(_ scrape: ScrapedMetrics, _ reason: String) -> Double? {
        scrape["netstat_netns_read_failures_total{reason=\"\(reason)\"}"]
    }

    @Test func unnamedNamespacesAreLabelledByContainerOrInodeAndCollisionsFallBackToTheInode() throws {
        let cgroup = try KubepodsCgroup()
        defer { cgroup.remove() }
        let plain = try UnnamedNamespace()
        let podA = try UnnamedNamespace()
        let podB = try UnnamedNamespace()
        defer { plain.stop(); podA.stop(); podB.stop() }
        // Both in the container's cgroup: both would be labelled with its ID.
        try cgroup.add(podA.pid)
        try cgroup.add(podB.pid)
        let cgroupLine = try String(contentsOfFile: "/proc/\(podA.pid)/cgroup", encoding: .utf8)
        try #require(cgroupLine.contains("/kubepods/besteffort/pod\(cgroup.podUID)/\(cgroup.containerID)"))
        let named = try TestNamespace(prefix: "nslabel")
        let excluded = try TestNamespace(prefix: "nsexcl")
        defer { named.delete(); excluded.delete() }

        let container = String(cgroup.containerID.prefix(12))
        let include = "\(plain.label)|\(podA.label)|\(podB.label)|\(container)|\(named.name)|\(excluded.name)"
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--netns.all",
                                            "--netns.include=\(include)", "--netns.exclude=\(excluded.name)"])
        let scrape = try Self.scrape(exporter)

        // No bind mount, no container: the inode.
        let plainInfo = Self.info(scrape, plain.label)
        #expect(plainInfo.keys.map { $0.contains("container_id=\"\"") && $0.contains("pod_uid=\"\"") } == [true],
                "\(plainInfo)")
        // Discovery goes by inode: the lower one gets the container ID, the other its inode. Both
        // carry the pod and the container the cgroup names.
        let (first, second) = podA.inode < podB.inode ? (podA, podB) : (podB, podA)
        for (label, namespace) in [(container, first), (second.label, second)] {
            let info = Self.info(scrape, label)
            #expect(info.count == 1, "\(label): \(info)")
            let key = info.keys.first ?? ""
            #expect(key.contains("inode=\"\(namespace.inode)\""), "\(key)")
            #expect(key.contains("pod_uid=\"\(cgroup.podUID)\""), "\(key)")
            #expect(key.contains("container_id=\"\(cgroup.containerID)\""), "\(key)")
            #expect(key.contains("reader=\"setns\""), "\(key)")
        }
        #expect(Self.info(scrape, first.label).isEmpty)
        // A bind mount is labelled with its name, and has no process to read a cgroup from.
        #expect(Self.info(scrape, named.name).keys.map { $0.contains("pod_uid=\"\"") } == [true])
        // Excluded although included: not read, not counted, no series.
        #expect(!scrape.text.contains(excluded.name))
        #expect(scrape["netstat_netns_discovered"] == 4)
        #expect(scrape["netstat_netns_folded"] == 0)
        for reason in ["vanished", "unreachable", "unreadable", "setns_refused"] {
            #expect(Self.failures(scrape, reason) == 0, "\(reason)")
        }
        // Each namespace's own series carry the label: the empty namespaces have no TCP sockets.
        for label in [plain.label, container, second.label, named.name] {
            #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"listen\",netns=\"\(label)\"}"] == 0, "\(label)")
        }
    }

    /// `--netns.reader=setns` forced on an exporter that runs as nobody without CAP_SYS_ADMIN
    /// (it keeps the ptrace and read capabilities /proc/<pid>/net of root's processes needs):
    /// every setns is refused and counted, namespaces with a process are read through
    /// /proc/<pid>/net, and a bind mount with no process cannot be read at all.
    @Test func forcedSetnsAsNobodyIsRefusedCountedAndReadThroughProc() throws {
        let cgroup = try KubepodsCgroup()
        defer { cgroup.remove() }
        let plain = try UnnamedNamespace()
        let pod = try UnnamedNamespace()
        defer { plain.stop(); pod.stop() }
        try cgroup.add(pod.pid)
        let bare = try TestNamespace(prefix: "nsbare")
        defer { bare.delete() }
        let container = String(cgroup.containerID.prefix(12))

        let wrapper = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                       "--inh-caps=+sys_ptrace,+dac_read_search", "--ambient-caps=+sys_ptrace,+dac_read_search"]
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--netns.all", "--netns.reader=setns",
                                            "--netns.include=\(plain.label)|\(container)|\(bare.name)"],
                                           prefix: wrapper)
        let status = try String(contentsOfFile: "/proc/\(exporter.pid)/status", encoding: .utf8)
        try #require(status.contains("\nUid:\t65534\t65534\t65534\t65534\n"), "\(status)")
        let scrape = try Self.scrape(exporter)

        for (label, uid) in [(plain.label, ""), (container, cgroup.podUID)] {
            let info = Self.info(scrape, label)
            #expect(info.count == 1 && info.keys.first?.contains("reader=\"proc\"") == true, "\(label): \(info)")
            #expect(info.keys.first?.contains("pod_uid=\"\(uid)\"") == true, "\(label): \(info)")
            #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"listen\",netns=\"\(label)\"}"] == 0, "\(label)")
        }
        #expect(Self.info(scrape, bare.name).isEmpty)
        #expect(scrape["netstat_netns_discovered"] == 3)
        // All three refused; the bind mount, with no process to read through, is unreachable.
        #expect(Self.failures(scrape, "setns_refused") == 3)
        #expect(Self.failures(scrape, "unreachable") == 1)
        #expect(Self.failures(scrape, "vanished") == 0)
        #expect(Self.failures(scrape, "unreadable") == 0)
        // A counter since start: the next scrape counts again.
        #expect(Self.failures(try Self.scrape(exporter), "setns_refused") == 6)
    }

    /// `unreadable` and `vanished`, provoked without a race on a procfs tree of the test's own
    /// (the exporter reads other namespaces of a tree that is not the live /proc through
    /// /<pid>/net, as the proc reader does on the host): process 4243's net/tcp is a directory,
    /// so reading it fails while the process is there (unreadable); process 4244's net/tcp is a
    /// FIFO, which holds the scrape inside that namespace while the test removes /4244 and only
    /// then lets the read go on, so the namespace's next required file is gone with its process
    /// (vanished). On the live /proc, a process exiting between discovery and setns (`vanished`
    /// from open(2)'s ENOENT) cannot be timed from outside without a race, and is not tested here.
    @Test func aNamespaceWhoseFilesFailIsUnreadableAndOneWhoseProcessGoesIsVanished() throws {
        let root = try Fixtures.temporaryDirectory("netns-procfs")
        defer { try? FileManager.default.removeItem(at: root) }
        // Every table the collectors read, copied from this process's own namespace.
        let tables = ["tcp", "tcp6", "udp", "udp6", "unix", "snmp", "snmp6", "netstat", "sockstat", "sockstat6", "dev",
                      "route", "ipv6_route"]
        var copies: [String: String] = [:]
        for table in tables {
            copies[table] = try String(contentsOfFile: "/proc/self/net/\(table)", encoding: .utf8)
        }
        func makeProcess(_ directory: String, inode: UInt64?) throws {
            for (table, text) in copies {
                try Fixtures.write(text, to: "\(directory)/net/\(table)", in: root)
            }
            try Fixtures.write("0::/\n", to: "\(directory)/cgroup", in: root)
            let ns = root.appendingPathComponent("\(directory)/ns")
            try FileManager.default.createDirectory(at: ns, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: ns.appendingPathComponent("net").path,
                                                       withDestinationPath: "net:[\(inode ?? 4_026_500_000)]")
        }
        for table in copies.keys {
            try Fixtures.write(copies[table]!, to: "net/\(table)", in: root)
        }
        try makeProcess("self", inode: nil)
        try makeProcess("4242", inode: 4_026_500_042)
        try makeProcess("4243", inode: 4_026_500_043)
        try makeProcess("4244", inode: 4_026_500_044)
        let unreadable = root.appendingPathComponent("4243/net/tcp")
        try FileManager.default.removeItem(at: unreadable)
        try FileManager.default.createDirectory(at: unreadable, withIntermediateDirectories: false)
        let fifo = root.appendingPathComponent("4244/net/tcp").path
        try FileManager.default.removeItem(atPath: fifo)
        try #require(mkfifo(fifo, 0o600) == 0)

        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--path.procfs=\(root.path)",
                                            "--netns.all", "--netns.reader=proc"])
        let bodyFile = root.appendingPathComponent("scrape.txt").path
        let curl = try ChildProcess(["curl", "-sS", "-o", bodyFile, "--max-time", "30", "\(exporter.base)/metrics"])
        defer { curl.stop() }

        // The scrape is inside 4244's namespace, blocked in read() on its net/tcp.
        var writer: Int32 = -1
        let deadline = Date().addingTimeInterval(20)
        while writer < 0 && Date() < deadline {
            writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer < 0 { usleep(10_000) }
        }
        try #require(writer >= 0, "no scrape opened \(fifo)")
        // The process goes (its /proc directory with it); then the read goes on.
        try FileManager.default.moveItem(at: root.appendingPathComponent("4244"),
                                         to: root.appendingPathComponent("gone-4244"))
        _ = copies["tcp"]!.utf8CString.withUnsafeBytes { write(writer, $0.baseAddress, $0.count - 1) }
        close(writer)
        curl.waitUntilExit()
        try #require(curl.terminationStatus == 0)
        let scrape = ScrapedMetrics(try String(contentsOfFile: bodyFile, encoding: .utf8))

        #expect(Self.info(scrape, "inode:4026500042").count == 1)
        #expect(Self.info(scrape, "inode:4026500043").isEmpty)
        #expect(Self.info(scrape, "inode:4026500044").isEmpty)
        #expect(scrape["netstat_netns_discovered"] == 3)
        #expect(Self.failures(scrape, "unreadable") == 1)
        #expect(Self.failures(scrape, "vanished") == 1)
        #expect(Self.failures(scrape, "unreachable") == 0)
        #expect(Self.failures(scrape, "setns_refused") == 0)

        // The next scrape finds two namespaces; 4243 is unreadable again.
        let next = try Self.scrape(exporter)
        #expect(next["netstat_netns_discovered"] == 2)
        #expect(Self.failures(next, "unreadable") == 2)
        #expect(Self.failures(next, "vanished") == 1)
    }
}
