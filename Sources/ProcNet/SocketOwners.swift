import Synchronization

/// Which process owns each socket inode, from the fd tables in /proc/<pid>/fd (what
/// `netstat -p` and `ss -p` do; proc(5) "/proc/pid/fd").
///
/// Reading every descriptor's link on every scrape is what makes `ss -tanp` slow, so the
/// answers are cached per (pid, fd) and only descriptors not seen before are read. An entry is
/// dropped when its process's start time changes (the pid was reused) or when its socket
/// disappears from the socket dump (the fd was closed and perhaps reused). A fd reused between
/// two scrapes for another socket, while the old socket lives on elsewhere, shows up as a
/// socket nobody owns: then the cached descriptors are read again before answering.
///
/// Shared by concurrent scrapes: a scrape takes the cache out of the lock and puts its
/// successor back, so a concurrent scrape simply starts cold.
public final class SocketOwners: Sendable {
    private let procfs: String
    private let state = Mutex<OwnerCache?>(nil)

    public init(procfs: String) {
        self.procfs = procfs
    }

    /// Starts scanning the fd tables on another thread; the caller dumps the sockets meanwhile
    /// and then hands the dump's inodes to `attribute`.
    public func beginScan() -> SocketOwnerScan {
        let previous = state.withLock { cache in
            let taken = cache ?? OwnerCache()
            cache = nil
            return taken
        }
        let procfs = self.procfs
        return SocketOwnerScan(BackgroundThread { OwnerCache.scan(procfs: procfs, previous: previous) })
    }

    /// The owning pid of every inode in `inodes` (same order), -1 when none.
    public func attribute(_ inodes: [UInt32], scan: SocketOwnerScan) -> SocketAttribution {
        var cache = scan.thread.join()
        var owners = cache.resolve(inodes)
        if cache.hasNewUnownedSockets(inodes, owners) {
            cache.recheckDescriptors(procfs: procfs)
            owners = cache.resolve(inodes)
        }
        cache.rememberUnowned(inodes, owners)
        let names = cache.names
        let attribution = SocketAttribution(owners: owners, names: names, complete: cache.complete)
        state.withLock { $0 = cache }
        return attribution
    }
}

/// A scan in progress; pass it to `SocketOwners.attribute`.
public struct SocketOwnerScan: @unchecked Sendable {
    let thread: BackgroundThread<OwnerCache>

    init(_ thread: BackgroundThread<OwnerCache>) {
        self.thread = thread
    }
}

/// The answer for one dump: an owner pid per socket and each owner's name.
public struct SocketAttribution: Sendable {
    /// The owning pid per socket of the dump, in dump order; -1 when no process owns it.
    public let owners: [Int32]
    /// comm of every pid in `owners`.
    public let names: [Int32: String]
    /// False when some process's fd table could not be read (no permission): sockets without
    /// an owner may then belong to one of those processes.
    public let complete: Bool
}
