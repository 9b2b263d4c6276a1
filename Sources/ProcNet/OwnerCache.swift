/// What one scan learned of the fd tables, kept for the next scan.
struct OwnerCache {
    struct Process {
        var startTime: UInt64
        var comm: String
        var uid: UInt32
        /// Open descriptors when listed (0 when the kernel does not say).
        var descriptorCount: Int
        /// fd → socket inode, for the descriptors that are sockets.
        var sockets: [Int32: UInt32]
        /// Not listed this scan: same start time and descriptor count as last time.
        var reused: Bool
    }

    /// The lowest pid holding an inode (and through which fd), whether the answer came from
    /// the cache (`trusted`) and whether the inode is in this scrape's dump.
    struct Owner {
        var pid: Int32
        var fd: Int32
        var trusted: Bool
        var inDump: Bool
    }

    var processes: [Int32: Process] = [:]
    var owners = InodeMap<Owner>()
    /// Inodes of the last dump that no process held (kernel sockets, fds in flight).
    var unowned: Set<UInt32> = []
    var complete = true

    /// Lists the processes' descriptors and reads the links of those the cache cannot answer
    /// for. A process with the same start time and descriptor count as last time is not
    /// listed at all; `resolve` catches what that misses (see `relistReused`). The owner map is
    /// updated in place, only for the processes that changed.
    static func scan(procfs: String, previous: consuming OwnerCache) -> OwnerCache {
        var next = previous
        // Each answer is now about the previous dump: to be trusted when the socket was in it.
        next.owners.updateAll { owner in
            owner.trusted = owner.inDump
            owner.inDump = false
        }
        next.complete = true
        let old = next.processes
        next.processes = [:]
        next.processes.reserveCapacity(old.count)
        var statBuffer = [UInt8](repeating: 0, count: 1024)
        for pid in ProcessDirectory.pids(procfs: procfs) {
            let base = procfs + "/" + String(pid)
            guard let length = ProcessDirectory.readSmall(base + "/stat", into: &statBuffer),
                  let stat = ProcessStat.parse(statBuffer, length: length),
                  let (count, uid) = ProcessDirectory.descriptorCount(base + "/fd") else { continue }
            var known = old[pid]
            if known?.startTime != stat.startTicks { known = nil }
            if var known, count > 0, known.descriptorCount == count {
                known.reused = true
                next.processes[pid] = known
                continue
            }
            guard let sockets = next.list(base + "/fd", pid: pid, known: known) else { continue }
            next.processes[pid] = Process(startTime: stat.startTicks, comm: stat.comm, uid: uid,
                                          descriptorCount: count, sockets: sockets, reused: false)
        }
        // Forget what vanished: processes gone (or not readable now) and closed descriptors.
        for (pid, process) in old {
            let now = next.processes[pid]
            if now?.reused == true { continue }
            for (fd, inode) in process.sockets where now?.sockets[fd] != inode {
                next.removeOwner(inode, pid: pid)
            }
        }
        return next
    }

    /// Lists one process's descriptors: a cached socket that was in the previous dump is taken
    /// as it was; anything else is read. nil when the process vanished or cannot be read.
    private mutating func list(_ directory: String, pid: Int32, known: Process?) -> [Int32: UInt32]? {
        var sockets: [Int32: UInt32] = [:]
        sockets.reserveCapacity(known?.sockets.count ?? 8)
        do {
            try ProcessDirectory.forEachDescriptor(directory) { fd, readTarget in
                if let cached = known?.sockets[fd], owners[cached]?.trusted == true {
                    sockets[fd] = cached
                    addOwner(cached, pid: pid, fd: fd, trusted: true)
                } else if let inode = readTarget(), inode != 0 {
                    sockets[fd] = inode
                    addOwner(inode, pid: pid, fd: fd, trusted: false)
                }
            }
        } catch .denied {
            complete = false
            return nil
        } catch {
            return nil
        }
        return sockets
    }

    private mutating func addOwner(_ inode: UInt32, pid: Int32, fd: Int32, trusted: Bool) {
        if let slot = owners.slot(of: inode) {
            if pid <= owners[slot: slot].pid {
                owners[slot: slot] = Owner(pid: pid, fd: fd, trusted: trusted, inDump: false)
            }
        } else {
            owners[inode] = Owner(pid: pid, fd: fd, trusted: trusted, inDump: false)
        }
    }

    private mutating func removeOwner(_ inode: UInt32, pid: Int32) {
        if let slot = owners.slot(of: inode), owners[slot: slot].pid == pid {
            owners[inode] = nil
        }
    }

    /// Fills in the owner of each dumped inode still unknown (-1); marks the inodes seen.
    mutating func resolve(_ inodes: [UInt32], into result: inout [Int32]) {
        for (position, inode) in inodes.enumerated() where inode != 0 && result[position] < 0 {
            guard let slot = owners.slot(of: inode) else { continue }
            owners[slot: slot].inDump = true
            result[position] = owners[slot: slot].pid
        }
    }

    /// Reads again the descriptors whose cached socket has left the dump: the number may have
    /// been reused for a socket that is in it. Returns whether any descriptor changed.
    mutating func refreshDeparted(procfs: String) -> Bool {
        var departed: [(inode: UInt32, owner: Owner)] = []
        owners.forEach { inode, owner in
            if owner.trusted && !owner.inDump { departed.append((inode, owner)) }
        }
        var changed = false
        for (inode, owner) in departed {
            let path = procfs + "/" + String(owner.pid) + "/fd/" + String(owner.fd)
            let target = ProcFile.readLink(path).map { link in
                link.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { ProcessDirectory.socketInode($0, count: $0.count) }
                }
            } ?? 0
            guard target != inode else { continue }
            changed = true
            owners[inode] = nil
            processes[owner.pid]?.sockets[owner.fd] = target == 0 ? nil : target
            if target != 0 { addOwner(target, pid: owner.pid, fd: owner.fd, trusted: false) }
        }
        return changed
    }

    /// The uids of sockets that have an inode but no owner and had one (or did not exist) last
    /// scrape: a process that was not listed may have opened them on a new descriptor.
    func newlyUnownedUIDs(_ inodes: [UInt32], _ uids: [UInt32], _ resolved: [Int32]) -> Set<UInt32> {
        var found: Set<UInt32> = []
        for (position, inode) in inodes.enumerated()
        where inode != 0 && resolved[position] < 0 && !unowned.contains(inode) {
            found.insert(uids[position])
        }
        return found
    }

    /// Lists the processes that were not listed this scan and run as one of `uids`.
    mutating func relistReused(procfs: String, uids: Set<UInt32>) {
        let candidates = processes.filter { $0.value.reused && uids.contains($0.value.uid) }
        for (pid, process) in candidates {
            for inode in process.sockets.values { removeOwner(inode, pid: pid) }
            if let sockets = list(procfs + "/" + String(pid) + "/fd", pid: pid, known: nil) {
                processes[pid]?.sockets = sockets
                processes[pid]?.reused = false
            } else {
                processes[pid] = nil
            }
        }
    }

    mutating func rememberUnowned(_ inodes: [UInt32], _ resolved: [Int32]) {
        unowned = []
        for (position, inode) in inodes.enumerated() where inode != 0 && resolved[position] < 0 {
            unowned.insert(inode)
        }
    }

    /// comm of every process scanned (owners are among them).
    var names: [Int32: String] {
        processes.mapValues(\.comm)
    }
}
