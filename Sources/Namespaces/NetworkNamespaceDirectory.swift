#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CNetNamespace
import ProcNet

/// Finds the network namespaces of a host: the one each process is in (`/proc/<pid>/ns/net`)
/// and the ones kept alive by a bind mount with no process in them — what `ip netns add` and
/// the CNI plugins of containerd and CRI-O make under /run/netns, and Docker under
/// /run/docker/netns (namespaces(7), ip-netns(8)).
///
/// Nothing is kept open: a namespace is named by its path, and entered (`enter`) only while it
/// is read, so a container that is gone takes its namespace with it.
public enum NetworkNamespaceDirectory {
    /// One namespace other than the caller's.
    public struct Found: Sendable, Hashable {
        /// The namespace's inode: its identity, stable for its life.
        public var inode: UInt64
        /// The bind mount's file name and path, when one names it.
        public var name: String?
        public var mountPath: String?
        /// The processes in it, ascending.
        public var pids: [Int32]

        /// A path that refers to the namespace: its bind mount, else a process's ns/net link.
        public func path(procfs: String) -> String? {
            mountPath ?? pids.first.map { procfs + "/" + String($0) + "/ns/net" }
        }
    }

    public static let defaultMountDirectories = ["/run/netns", "/run/docker/netns", "/var/run/docker/netns"]

    /// The caller's own namespace inode (`/proc/self/ns/net`), nil when unreadable.
    public static func ownInode(procfs: String) -> UInt64? {
        ProcFile.readLink(procfs + "/self/ns/net").flatMap(NamespaceLink.inode)
    }

    /// Every namespace but `own`, sorted by inode. A process whose link cannot be read (it
    /// exited, or it is another user's and the exporter lacks CAP_SYS_PTRACE) is left out.
    public static func discover(procfs: String, own: UInt64?,
                                mountDirectories: [String] = defaultMountDirectories) -> [Found] {
        var byInode: [UInt64: Found] = [:]
        var link = [CChar](repeating: 0, count: 64)
        for pid in ProcessID.all(procfs: procfs) {
            let path = procfs + "/" + String(pid) + "/ns/net"
            let count = link.withUnsafeMutableBufferPointer { readlink(path, $0.baseAddress!, $0.count) }
            guard count > 0, let inode = link.withUnsafeBufferPointer({ buffer in
                NamespaceLink.inode(buffer.prefix(count).map { UInt8(bitPattern: $0) })
            }), inode != own else { continue }
            byInode[inode, default: Found(inode: inode, pids: [])].pids.append(pid)
        }
        let nsfsDevice = device(of: procfs + "/self/ns/net")
        for directory in mountDirectories {
            for name in (ProcFile.listDirectory(directory) ?? []).sorted() {
                let path = directory + "/" + name
                var info = stat()
                // A bind mount of a namespace is a file on nsfs; a leftover file that is no
                // longer mounted is on the directory's own file system and names nothing.
                guard stat(path, &info) == 0, nsfsDevice != nil, info.st_dev == nsfsDevice else { continue }
                let inode = UInt64(info.st_ino)
                guard inode != own else { continue }
                var found = byInode[inode] ?? Found(inode: inode, pids: [])
                if found.name == nil {
                    found.name = name
                    found.mountPath = path
                }
                byInode[inode] = found
            }
        }
        return byInode.values.map { found in
            var sorted = found
            sorted.pids.sort()
            return sorted
        }.sorted { $0.inode < $1.inode }
    }

    /// Moves the calling thread into the namespace at `path`: 0, or the errno (EPERM without
    /// CAP_SYS_ADMIN, ENOENT when the process or mount is gone). The file is closed again at
    /// once; the thread's membership is what keeps the namespace reachable meanwhile.
    public static func enter(_ path: String) -> Int32 {
        let fd = Errno.retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        let result = cnetns_enter(fd)
        return result == 0 ? 0 : -result
    }

    private static func device(of path: String) -> dev_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_dev : nil
    }
}
