import Synchronization
import Threads

/// Which process owns each socket inode, from the fd tables in /proc/<pid>/fd (what
/// `netstat -p` and `ss -p` do; proc(5) "/proc/pid/fd").
///
/// Reading every descriptor's link on every scrape is what makes `ss -tanp` slow, so the
/// answers are cached per (pid, fd) and only descriptors not seen before are read. An entry is
/// dropped when its process's start time changes (the pid was reused) or when its socket
/// disappears from the socket dump (the fd was closed and perhaps reused): such descriptors are
/// read again before the scrape answers.
///
/// Listing a big fd table costs the kernel about as much as dumping its sockets, so a process
/// whose start time, descriptor count (the size of /proc/<pid>/fd) and CPU time are unchanged
/// is not listed at all. The scan runs beside the dump, so a socket opened after its owner was
/// listed, or by a process that was not listed, has no owner in this dump. Looking for it in
/// every unlisted process before answering made scrapes under connection churn several times
/// slower (docs/performance.md), so such a socket, born since the previous scrape, is answered
/// `pendingOwner` once: if it is
/// still there and still unowned at the next scrape, the unlisted processes of its uid are
/// listed before answering, most recently listed first, until it is found. So is a socket of
/// the previous dump whose owner let go of it while it lives on (another process holds it).
/// One case waits longer: a descriptor reused while its old socket lives on in another process
/// that owns it too.
///
/// "Still there" is asked of the kernel before any search: under churn, most such sockets
/// closed between the dump that saw them and the lookup, and no process can hold them any
/// more. The dump keeps the endpoints of the sockets that may end up in that position
/// (`SocketOwnerScan.watched`: the pending ones and those of processes listed last scan), and
/// an exact sock_diag lookup answers for each (`attribute`'s `stillOpen`).
///
/// Shared by concurrent scrapes: a scrape takes the cache out of the lock and puts its
/// successor back, so a concurrent scrape simply starts cold.
public final class SocketOwners: Sendable {
    private let procfs: String
    private let state = Mutex<OwnerCache?>(nil)

    /// Below this many descriptors to read with nothing cached, a second thread costs more than
    /// it saves.
    public static let descriptorsWorthASecondThread = 20_000
    /// Descriptors to read with nothing cached from which a second thread reads half of them.
    private let secondThreadFrom: Int

    public init(procfs: String, secondThreadFrom: Int = descriptorsWorthASecondThread) {
        self.procfs = procfs
        self.secondThreadFrom = secondThreadFrom
    }

    /// Starts scanning the fd tables on another thread; the caller dumps the sockets meanwhile
    /// and then hands the dump's inodes to `attribute`.
    public func beginScan() -> SocketOwnerScan {
        // Handed over through a box the thread empties, so the scan owns the only reference to
        // the big maps and updates them in place instead of copying them.
        let cache = state.withLock { cache in
            defer { cache = nil }
            return cache ?? OwnerCache()
        }
        let watched = cache.socketsToWatch()
        let handover = Handover(cache)
        let procfs = self.procfs, secondThreadFrom = self.secondThreadFrom
        let thread = BackgroundThread {
            OwnerCache.scan(procfs: procfs, previous: handover.take(), secondThreadFrom: secondThreadFrom)
        }
        return SocketOwnerScan(thread, watched: watched)
    }

    /// The owning pid of every inode in `inodes` (same order), -1 when none. `uids` are the
    /// sockets' owners as the dump reports them, which narrows the search for new sockets;
    /// `stillOpen` asks the kernel whether the socket at a position of the dump is still there
    /// (nil: cannot tell), before its owner is searched for.
    public func attribute(_ inodes: [UInt32], uids: [UInt32], scan: SocketOwnerScan,
                          stillOpen: (Int) -> Bool? = { _ in nil }) -> SocketAttribution {
        var cache = scan.thread.join()
        var owners = [Int32](repeating: -1, count: inodes.count)
        cache.resolve(inodes, into: &owners)
        if cache.refreshDeparted(procfs: procfs) {
            cache.resolve(inodes, into: &owners)
        }
        let lost = cache.lostOwners(inodes, uids, owners, stillOpen: stillOpen)
        if !lost.inodes.isEmpty {
            cache.relistReused(procfs: procfs, uids: lost.uids, wanted: lost.inodes)
            cache.resolve(inodes, into: &owners)
        }
        cache.rememberUnowned(inodes, &owners)
        let attribution = SocketAttribution(owners: owners, names: cache.names, complete: cache.complete)
        state.withLock { $0 = cache }
        return attribution
    }
}

/// One value passed to another thread and taken out there exactly once.
private final class Handover<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) {
        self.value = value
    }

    func take() -> Value {
        let taken = value!
        value = nil
        return taken
    }
}

/// A scan in progress; pass it to `SocketOwners.attribute`.
public struct SocketOwnerScan: @unchecked Sendable {
    let thread: BackgroundThread<OwnerCache>
    /// The inodes whose endpoints the dump should keep, to ask whether they are still open if
    /// their owner goes missing (`OwnerCache.socketsToWatch`).
    public let watched: InodeSet

    init(_ thread: BackgroundThread<OwnerCache>, watched: InodeSet) {
        self.thread = thread
        self.watched = watched
    }

    /// Waits until every fd table has been read (what a socket opened after this cannot be in).
    public func waitUntilScanned() {
        thread.wait()
    }
}

/// The answer for one dump: an owner pid per socket and each owner's name.
public struct SocketAttribution: Sendable {
    /// The owning pid per socket of the dump, in dump order; -1 when no process owns it,
    /// `pendingOwner` when it was born since the previous scrape and its owner is not found yet.
    public let owners: [Int32]
    /// The owner of a socket born since the previous scrape that the scan did not see (opened
    /// after its process was listed): looked for again at the next scrape.
    public static let pendingOwner: Int32 = -3
    /// comm of every pid in `owners`.
    public let names: [Int32: String]
    /// False when some process's fd table could not be read (no permission): sockets without
    /// an owner may then belong to one of those processes.
    public let complete: Bool

    /// The answer for a part of the dump (one namespace's sockets).
    public func slice(_ range: Range<Int>) -> SocketAttribution {
        SocketAttribution(owners: Array(owners[range]), names: names, complete: complete)
    }
}
