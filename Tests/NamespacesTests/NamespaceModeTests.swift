import Exposition
import Flags
import Foundation
@testable import Namespaces
import ProcNet
import Testing
import TestSupport

/// The --netns.all mode without root: a fixture procfs whose processes' ns/net links name
/// namespaces (symbolic links to `net:[N]`, as the kernel shows them) and whose cgroup files
/// name containers and pods. Discovery, labels, filters, which reader each namespace gets, the
/// failure reasons, and the ranking and folding of what the collectors gave.
@Suite struct NamespaceModeUnitTests {
    static let containerA = String(repeating: "a1", count: 32)
    static let containerB = String(repeating: "b2", count: 32)
    static let podUID = "9a1c6e52-3f0d-4b8e-a2c4-1d2e3f4a5b6c"

    /// pid → (namespace inode, cgroup file); the exporter itself is in namespace 100.
    static func procfs(_ processes: [Int32: (inode: UInt64, cgroup: String)]) throws -> URL {
        let root = try Fixtures.temporaryDirectory("netns-mode")
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("self/ns"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: root.appendingPathComponent("self/ns/net").path,
                                       withDestinationPath: "net:[100]")
        for (pid, process) in processes {
            try manager.createDirectory(at: root.appendingPathComponent("\(pid)/ns"), withIntermediateDirectories: true)
            try manager.createSymbolicLink(atPath: root.appendingPathComponent("\(pid)/ns/net").path,
                                           withDestinationPath: "net:[\(process.inode)]")
            try Fixtures.write(process.cgroup, to: "\(pid)/cgroup", in: root)
        }
        return root
    }

    static let host: [Int32: (inode: UInt64, cgroup: String)] = [
        1: (100, "0::/init.scope\n"),
        // A kubelet pod's container (cgroupfs driver), two processes.
        200: (201, "0::/kubepods/besteffort/pod\(podUID)/\(containerA)\n"),
        210: (201, "0::/kubepods/besteffort/pod\(podUID)/\(containerA)\n"),
        // A Docker container.
        300: (301, "0::/docker/\(containerB)\n"),
        // A second namespace whose first process names the same container: a collision.
        400: (401, "0::/docker/\(containerB)\n"),
        // No container at all.
        500: (501, "0::/user.slice/user-0.slice/session-1.scope\n"),
    ]

    static func mode(_ root: URL, include: String = "", exclude: String = "", max: Int = 20) throws -> NamespaceMode {
        let filter = try NameFilter(include: include, exclude: exclude, includeFlag: "netns.include",
                                    excludeFlag: "netns.exclude")
        return NamespaceMode(options: NamespaceOptions(enabled: true, filter: filter, maxLabelled: max, reader: .auto),
                             procfs: root.path)
    }

    @Test func discoveryLabelsByContainerThenInodeAndNeverTwice() throws {
        let root = try Self.procfs(Self.host)
        defer { try? FileManager.default.removeItem(at: root) }
        let candidates = try Self.mode(root).discover()
        #expect(candidates.map(\.label) == [String(Self.containerA.prefix(12)), String(Self.containerB.prefix(12)),
                                            "inode:401", "inode:501"])
        #expect(candidates.map(\.found.inode) == [201, 301, 401, 501])
        #expect(candidates[0].found.pids == [200, 210])
        #expect(candidates[0].cgroup.podUID == Self.podUID)
        #expect(candidates[0].cgroup.containerID == Self.containerA)
        #expect(candidates[1].cgroup.podUID == nil)
    }

    @Test func includeAndExcludeFilterByLabel() throws {
        let root = try Self.procfs(Self.host)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try Self.mode(root, exclude: "inode:.*").discover().map(\.found.inode) == [201, 301])
        #expect(try Self.mode(root, include: "inode:.*", exclude: "inode:401").discover().map(\.found.inode) == [501])
    }

    /// What a collector pass would have read: `sockets` TCP sockets held by `process`.
    static func read(_ namespace: NetworkNamespace, sockets: UInt64, process: String,
                     complete: Bool = true) -> NamespaceMetrics {
        let target = NamespaceMetrics(namespace)
        target.metrics.add("netstat_tcp_sockets", .gauge, help: "TCP sockets.",
                           labels: [Label("family", "ipv4"), Label("state", "established")], value: .unsigned(sockets))
        target.metrics.add("netstat_tcp_connections", .gauge, help: "Connections.",
                           labels: [Label("process", process)], value: .unsigned(sockets))
        target.complete = complete
        return target
    }

    @Test func eachNamespaceIsReadThroughItsFirstProcessOnAFixtureProcfs() throws {
        let root = try Self.procfs(Self.host)
        defer { try? FileManager.default.removeItem(at: root) }
        let mode = try Self.mode(root)
        var seen: [(String?, NetworkNamespace.Reader, String)] = []
        let reads = mode.readEach(mode.discover()) { namespace in
            seen.append((namespace.label, namespace.reader, namespace.net("tcp")))
            return Self.read(namespace, sockets: 1, process: "p")
        }
        #expect(reads.count == 4)
        #expect(seen.map(\.1) == [.process(200), .process(300), .process(400), .process(500)])
        #expect(seen[0].2 == root.path + "/200/net/tcp")
        #expect(reads.allSatisfy { $0.namespace.commonLabels.map(\.name) == ["netns"] })
    }

    @Test func rankingKeepsTheBusiestAndFoldsTheRestIntoOther() throws {
        let root = try Self.procfs(Self.host)
        defer { try? FileManager.default.removeItem(at: root) }
        let mode = try Self.mode(root, max: 2)
        let candidates = mode.discover()
        let sockets: [UInt64: UInt64] = [201: 5, 301: 40, 401: 5, 501: 7]
        let reads = mode.readEach(candidates) { namespace in
            Self.read(namespace, sockets: sockets[namespace.inode]!, process: "p\(namespace.inode)",
                      complete: namespace.inode != 401)
        }
        var metrics = MetricSet()
        mode.write(reads, discovered: candidates.count, into: &metrics)
        let b = String(Self.containerB.prefix(12))
        let established = [Label("family", "ipv4"), Label("state", "established")]
        // Kept: the two with the most sockets (40, then 7); the incomplete one is left out.
        #expect(metrics.value("netstat_tcp_sockets", established + [Label("netns", b)]) == .unsigned(40))
        #expect(metrics.value("netstat_tcp_sockets", established + [Label("netns", "inode:501")]) == .unsigned(7))
        // Folded: the pod's namespace alone (5), its process label folded too.
        #expect(metrics.value("netstat_tcp_sockets", established + [Label("netns", "other")]) == .unsigned(5))
        #expect(metrics.value("netstat_tcp_connections", [Label("process", "other"), Label("netns", "other")])
            == .unsigned(5))
        #expect(metrics.value("netstat_tcp_connections", [Label("process", "p301"), Label("netns", b)]) == .unsigned(40))
        #expect(metrics.value("netstat_netns_discovered") == .unsigned(4))
        #expect(metrics.value("netstat_netns_folded") == .unsigned(1))
        #expect(metrics.value("netstat_netns_info", [
            Label("netns", b), Label("inode", "301"), Label("pod_uid", ""), Label("container_id", Self.containerB),
            Label("reader", "proc"),
        ]) == .unsigned(1))
        #expect(metrics.families["netstat_netns_info"]?.samples.count == 2)
        // The incomplete namespace's process is still there: counted as unreadable, not vanished.
        #expect(metrics.value("netstat_netns_read_failures_total", [Label("reason", "unreadable")]) == .unsigned(1))
        #expect(metrics.value("netstat_netns_read_failures_total", [Label("reason", "vanished")]) == .unsigned(0))
    }

    @Test func aNamespaceWhoseProcessIsGoneIsVanishedAndOneWithoutAProcessUnreachable() throws {
        let root = try Self.procfs(Self.host)
        defer { try? FileManager.default.removeItem(at: root) }
        let mode = try Self.mode(root)
        let candidates = mode.discover()
        // The Docker container's process exits between discovery and its read.
        try FileManager.default.removeItem(at: root.appendingPathComponent("300"))
        var unreachable = candidates[3]
        unreachable.found.pids = []
        let reads = mode.readEach([candidates[1], unreachable]) { namespace in
            Self.read(namespace, sockets: 1, process: "p", complete: namespace.inode != 301)
        }
        var metrics = MetricSet()
        mode.write(reads, discovered: 2, into: &metrics)
        #expect(reads.map(\.namespace.inode) == [301])
        #expect(metrics.value("netstat_netns_read_failures_total", [Label("reason", "vanished")]) == .unsigned(1))
        #expect(metrics.value("netstat_netns_read_failures_total", [Label("reason", "unreachable")]) == .unsigned(1))
        #expect(metrics.families["netstat_netns_info"] == nil || metrics.families["netstat_netns_info"]!.samples.isEmpty)
    }
}
