import Synchronization
import ProcNet
import Threads

/// What one scan learned of the fd tables, kept for the next scan.
struct OwnerCache {
    struct Process {
        var startTime: UInt64
        var comm: String
        var uid: UInt32
        /// Open descriptors when listed (0 when the kernel does not say).
        var descriptorCount: Int
        /// User + system CPU time when listed: a process busy enough to churn connections is
        /// listed every scan even when its descriptor count happens to be the same.
        var cpuTicks: UInt64
        /// fd → socket inode, for the descriptors that are sockets.
        var sockets: DescriptorSockets
        /// Not listed this scan: same start time, descriptor count and CPU time as last time.
        var reused: Bool
        /// The scan that last listed it: a process listed recently is where a lost socket is
        /// looked for first.
        var listedAt: UInt64
        /// Listed last because its descriptors or CPU time changed (not because it was new):
        /// a busy process, whose sockets the next dump watches (`socketsToWatch`).
        var changed = false
    }

    /// The lowest pid holding an inode (and through which fd), whether the answer came from
    /// the cache (`trusted`) and whether the inode is in this scrape's dump.
    struct Owner: Equatable {
        var pid: Int32
        var fd: Int32
        var trusted: Bool
        var inDump: Bool
    }

    var processes: [Int32: Process] = [:]
    var owners = OwnerMap()
    /// Inodes of the last dump that no process held though every process was looked at
    /// (kernel sockets, fds in flight).
    var unowned: Set<UInt32> = []
    /// Inodes of the last dump that no process held, born since the scrape before: looked for
    /// everywhere if they are still there and still unowned.
    var pending: Set<UInt32> = []
    /// Inodes of the previous dump whose owner let go of them this scan: if they are still in
    /// the dump, another process holds them and is looked for before the scrape answers.
    var disowned: Set<UInt32> = []
    /// False until the first dump has been remembered: nothing is "born since the previous
    /// scrape" before there was one.
    var afterFirstDump = false
    /// Scans so far.
    var scans: UInt64 = 0
    var complete = true

    /// Lists the processes' descriptors and reads the links of those the cache cannot answer
    /// for. A process with the same start time and descriptor count as last time is not
    /// listed at all; `resolve` catches what that misses (see `relistReused`). The owner map is
    /// updated in place, only for the processes that changed.
    static func scan(procfs: String, previous: consuming OwnerCache, secondThreadFrom: Int) -> OwnerCache {
        var next = previous
        // Each answer is now about the previous dump: to be trusted when the socket was in it.
        next.owners.startScan()
        next.complete = true
        next.disowned = []
        next.scans += 1
        let old = next.processes
        next.processes = [:]
        next.processes.reserveCapacity(old.count)
        var statBuffer = [UInt8](repeating: 0, count: 1024)
        // Processes with nothing cached (new ones; all of them at the first scrape).
        var unread: [(pid: Int32, directory: String, process: Process)] = []
        for pid in ProcessID.all(procfs: procfs) {
            let base = procfs + "/" + String(pid)
            guard let length = ProcessDirectory.readSmall(base + "/stat", into: &statBuffer),
                  let stat = ProcessStat.parse(statBuffer, length: length),
                  let (count, uid) = ProcessDirectory.descriptorCount(base + "/fd") else { continue }
            let cpuTicks = stat.userTicks &+ stat.systemTicks
            let listed = Process(startTime: stat.startTicks, comm: stat.comm, uid: uid, descriptorCount: count,
                                 cpuTicks: cpuTicks, sockets: DescriptorSockets(), reused: false, listedAt: next.scans)
            guard var known = old[pid], known.startTime == stat.startTicks else {
                unread.append((pid, base + "/fd", listed))
                continue
            }
            if count > 0, known.descriptorCount == count, known.cpuTicks == cpuTicks {
                known.reused = true
                next.processes[pid] = known
                continue
            }
            guard let sockets = next.list(base + "/fd", pid: pid, known: known, reserving: count, afterDump: false)
            else { continue }
            var process = listed
            process.sockets = sockets
            process.changed = true
            next.processes[pid] = process
        }
        next.readAll(unread, secondThreadFrom: secondThreadFrom)
        // Forget what vanished: processes gone (or not readable now) and closed descriptors.
        for (pid, process) in old {
            let now = next.processes[pid]
            if now?.reused == true { continue }
            process.sockets.forEachMissing(from: now?.sockets) { _, inode in next.removeOwner(inode, pid: pid) }
        }
        return next
    }

    /// Reads every link of processes with nothing cached. The kernel's cost is per descriptor
    /// (docs/performance.md has this machine's figures), so when they hold many (the first scrape
    /// of a busy host: a million descriptors take seconds) a second thread shares the work,
    /// each taking the next unread process until none is left, so neither waits on the other.
    private mutating func readAll(_ unread: [(pid: Int32, directory: String, process: Process)],
                                  secondThreadFrom: Int) {
        let total = unread.reduce(0) { $0 + $1.process.descriptorCount }
        owners.reserveCapacity(owners.count + total)
        let claims = Claims()
        let readSome = {
            var read: [(index: Int, sockets: Result<DescriptorSockets, ProcessDirectory.ListingFailure>)] = []
            while let index = claims.next(below: unread.count) {
                read.append((index, DescriptorSockets.read(unread[index].directory,
                                                          reserving: unread[index].process.descriptorCount)))
            }
            return read
        }
        let helper = total >= secondThreadFrom ? BackgroundThread(readSome) : nil
        for (index, sockets) in readSome() { record(unread[index], sockets) }
        if let helper {
            for (index, sockets) in helper.join() { record(unread[index], sockets) }
        }
    }

    private mutating func record(_ entry: (pid: Int32, directory: String, process: Process),
                                 _ result: Result<DescriptorSockets, ProcessDirectory.ListingFailure>) {
        switch result {
        case .success(let sockets):
            sockets.forEach { fd, inode in addOwner(inode, pid: entry.pid, fd: fd, trusted: false) }
            var process = entry.process
            process.sockets = sockets
            processes[entry.pid] = process
        case .failure(.denied):
            complete = false
        case .failure(.vanished):
            break
        }
    }

    /// Lists one process's descriptors: a cached socket that was in the previous dump (or, once
    /// this scrape's dump is in, in this one) is taken as it was; anything else is read. nil
    /// when the process vanished or cannot be read.
    private mutating func list(_ directory: String, pid: Int32, known: Process,
                               reserving descriptors: Int, afterDump: Bool) -> DescriptorSockets? {
        var sockets = DescriptorSockets(reservingCapacity: max(8, descriptors))
        var cursor = DescriptorSockets.Cursor()
        do {
            try ProcessDirectory.forEachDescriptor(directory) { fd, readTarget in
                if let cached = cursor.inode(of: fd, in: known.sockets),
                   let slot = owners.slot(of: cached), afterDump ? owners.inDump(slot: slot) : owners[slot: slot].trusted {
                    sockets.append(fd, cached)
                    addOwner(cached, pid: pid, fd: fd, trusted: true)
                } else if let inode = readTarget(), inode != 0 {
                    sockets.append(fd, inode)
                    addOwner(inode, pid: pid, fd: fd, trusted: false)
                }
            }
        } catch .denied {
            complete = false
            return nil
        } catch {
            return nil
        }
        sockets.shrinkToFit()
        return sockets
    }

    private mutating func addOwner(_ inode: UInt32, pid: Int32, fd: Int32, trusted: Bool) {
        if let slot = owners.slot(of: inode) {
            if pid <= owners[slot: slot].pid {
                // Whether the inode is in this dump is the socket's, whoever holds it.
                owners[slot: slot] = Owner(pid: pid, fd: fd, trusted: trusted, inDump: owners[slot: slot].inDump)
            }
        } else {
            owners[inode] = Owner(pid: pid, fd: fd, trusted: trusted, inDump: false)
        }
    }

    private mutating func removeOwner(_ inode: UInt32, pid: Int32) {
        if let slot = owners.slot(of: inode), owners[slot: slot].pid == pid {
            if owners[slot: slot].trusted { disowned.insert(inode) }
            owners[inode] = nil
        }
    }

    /// Fills in the owner of each dumped inode still unknown (-1); marks the inodes seen.
    mutating func resolve(_ inodes: [UInt32], into result: inout [Int32]) {
        for (position, inode) in inodes.enumerated() where inode != 0 && result[position] < 0 {
            guard let slot = owners.slot(of: inode) else { continue }
            owners.markInDump(slot: slot)
            result[position] = owners[slot: slot].pid
        }
    }

    /// Reads again the descriptors whose cached socket has left the dump: the number may have
    /// been reused for a socket that is in it. Returns whether any descriptor changed.
    mutating func refreshDeparted(procfs: String) -> Bool {
        // Under churn these are thousands, mostly of a few busy processes: one directory open
        // per process, then a readlinkat per descriptor.
        var departed: [Int32: [(fd: Int32, inode: UInt32)]] = [:]
        owners.forEach { inode, owner in
            if owner.trusted && !owner.inDump { departed[owner.pid, default: []].append((owner.fd, inode)) }
        }
        var changed = false
        for (pid, descriptors) in departed {
            let targets = ProcessDirectory.socketInodes(of: descriptors.map(\.fd),
                                                        in: procfs + "/" + String(pid) + "/fd")
            for ((fd, inode), target) in zip(descriptors, targets) where target != inode {
                changed = true
                owners[inode] = nil
                processes[pid]?.sockets.set(fd, target == 0 ? nil : target)
                if target != 0 { addOwner(target, pid: pid, fd: fd, trusted: false) }
            }
        }
        return changed
    }

    /// The sockets whose owner the next lookup may find missing (see `lostOwners`): those born
    /// since the scrape before and still unowned, and those held by a process listed in the
    /// last scan because it changed (a busy one, likely to close them while the next dump
    /// runs). The dump keeps their endpoints, so that such a socket can be asked about instead
    /// of searched for.
    func socketsToWatch() -> InodeSet {
        var watched = InodeSet(minimumCapacity: pending.count)
        for inode in pending { watched.insert(inode) }
        // Not the processes read for the first time: after the first scrape that is all of them,
        // and the next dump would keep the endpoints of every socket on the host.
        for process in processes.values where !process.reused && process.changed && process.listedAt == scans {
            process.sockets.forEach { _, inode in watched.insert(inode) }
        }
        return watched
    }

    /// The uids and inodes of the unowned sockets that were in the previous dump too, and had an owner
    /// then or were born just before it: their owner must be found now, and may be a
    /// process that was not listed. The scan runs beside the dump, so most such sockets under
    /// churn closed after the dump saw them: `stillOpen` (by position in the dump; nil when it
    /// cannot tell) drops those, which no process can hold any more.
    func lostOwners(_ inodes: [UInt32], _ uids: [UInt32], _ resolved: [Int32],
                    stillOpen: (Int) -> Bool?) -> (uids: Set<UInt32>, inodes: Set<UInt32>) {
        var lost: (uids: Set<UInt32>, inodes: Set<UInt32>) = ([], [])
        for (position, inode) in inodes.enumerated()
        where inode != 0 && resolved[position] < 0 && (pending.contains(inode) || disowned.contains(inode))
            && stillOpen(position) != false {
            lost.uids.insert(uids[position])
            lost.inodes.insert(inode)
        }
        return lost
    }

    /// Lists the processes that were not listed this scan and run as one of `uids`, most
    /// recently listed first, until every inode of `wanted` has an owner: under churn the lost
    /// sockets are a busy process's, found in the first few, and the big quiet fd tables are
    /// not read. A cached socket still in the dump is taken as it was.
    mutating func relistReused(procfs: String, uids: Set<UInt32>, wanted: Set<UInt32>) {
        var wanted = wanted
        let candidates = processes.filter { $0.value.reused && uids.contains($0.value.uid) }
            .sorted { $0.value.listedAt > $1.value.listedAt }
        for (pid, process) in candidates where !wanted.isEmpty {
            let sockets = list(procfs + "/" + String(pid) + "/fd", pid: pid, known: process,
                               reserving: process.descriptorCount, afterDump: true)
            process.sockets.forEachMissing(from: sockets) { _, inode in removeOwner(inode, pid: pid) }
            if let sockets {
                sockets.forEach { _, inode in wanted.remove(inode) }
                processes[pid]?.sockets = sockets
                processes[pid]?.reused = false
                processes[pid]?.listedAt = scans
            } else {
                processes[pid] = nil
            }
        }
    }

    /// Sorts the sockets still without an owner: those looked for everywhere (in the previous
    /// dump, or lost their owner) stay unowned; those born since the previous scrape are marked
    /// `SocketAttribution.pendingOwner` in `resolved` and looked for at the next scrape. On the
    /// first scrape every process was listed: what has no owner is answered unowned, as
    /// `netstat -p` would, and still looked for once more at the next scrape.
    mutating func rememberUnowned(_ inodes: [UInt32], _ resolved: inout [Int32]) {
        var searched: Set<UInt32> = []
        var born: Set<UInt32> = []
        for (position, inode) in inodes.enumerated() where inode != 0 && resolved[position] < 0 {
            if unowned.contains(inode) || pending.contains(inode) || disowned.contains(inode) {
                searched.insert(inode)
            } else {
                born.insert(inode)
                if afterFirstDump { resolved[position] = SocketAttribution.pendingOwner }
            }
        }
        unowned = searched
        pending = born
        afterFirstDump = true
    }

    /// comm of every process scanned (owners are among them).
    var names: [Int32: String] {
        processes.mapValues(\.comm)
    }
}

/// Hands out the indices of a list one at a time to the threads sharing it.
private final class Claims: Sendable {
    private let claimed = Atomic<Int>(0)

    func next(below count: Int) -> Int? {
        let index = claimed.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}
