import Exposition
import ProcNet

/// The network namespace a collector reads: where its /proc/net files are, whether its sockets
/// can be dumped over netlink, and the label its series carry. Collectors take one of these
/// for every namespace they read, the exporter's own included, so one code path serves all.
public struct NetworkNamespace: Sendable {
    public enum Reader: Sendable, Hashable {
        /// The exporter's own namespace: --path.procfs and --path.sysfs as given.
        case own
        /// A thread of the exporter has entered it with setns(2): its /proc/thread-self/net and
        /// a netlink socket opened there see the namespace.
        case entered
        /// Read through /proc/<pid>/net of one of its processes: no setns needed (only the
        /// ptrace read access attribution needs), but no netlink, so no listener backlog.
        case process(Int32)
    }

    /// The namespace's inode (0 when unknown: a fixture procfs).
    public let inode: UInt64
    /// The `netns` label value; nil for the exporter's own namespace, whose series keep
    /// exactly the labels they always had.
    public let label: String?
    public let reader: Reader
    /// procfs as --path.procfs gives it (sysctls, processes).
    public let procfs: String
    /// sysfs, for the exporter's own namespace only: /sys/class/net shows the namespace that
    /// mounted it, and another namespace's `eth0` must not be read from the host's.
    public let sysfs: String?
    /// What the cgroup of the namespace's first process tells (pod UID, container ID); empty
    /// for the exporter's own namespace.
    public let cgroup: CgroupPath
    private let netDirectory: String

    public static func own(_ paths: ProcPaths, inode: UInt64 = 0) -> NetworkNamespace {
        NetworkNamespace(inode: inode, label: nil, reader: .own, procfs: paths.procfs, sysfs: paths.sysfs,
                         cgroup: CgroupPath(), netDirectory: paths.proc("net"))
    }

    public static func other(inode: UInt64, label: String, reader: Reader, procfs: String,
                             cgroup: CgroupPath = CgroupPath()) -> NetworkNamespace {
        let directory = switch reader {
        case .own, .entered: procfs + "/thread-self/net"
        case .process(let pid): procfs + "/" + String(pid) + "/net"
        }
        return NetworkNamespace(inode: inode, label: label, reader: reader, procfs: procfs, sysfs: nil,
                                cgroup: cgroup, netDirectory: directory)
    }

    public var isOwn: Bool { reader == .own }

    /// Whether its procfs is the host's live /proc (not a fixture tree).
    public var isLiveProc: Bool { ProcPaths(procfs: procfs).isLiveProc }

    /// `net("tcp")` → "/proc/net/tcp", "/proc/thread-self/net/tcp" or "/proc/1234/net/tcp".
    public func net(_ file: String) -> String { netDirectory + "/" + file }

    /// Whether a netlink socket opened by the reading thread is in this namespace.
    public var netlinkReachable: Bool {
        switch reader {
        case .own, .entered: true
        case .process: false
        }
    }

    /// What every series of this namespace carries beyond the collector's own labels.
    public var commonLabels: [Label] {
        label.map { [Label("netns", $0)] } ?? []
    }
}
