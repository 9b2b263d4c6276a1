/// What one scan learned of the fd tables, kept for the next scan.
struct OwnerCache {
    struct Process {
        var startTime: UInt64
        var comm: String
        /// fd → socket inode; 0 for a descriptor that is not a socket.
        var descriptors: [Int32: UInt32]
    }

    /// The lowest pid holding an inode, and whether the last dump contained that inode.
    struct Owner {
        var pid: Int32
        var inDump: Bool
    }

    var processes: [Int32: Process] = [:]
    var owners: [UInt32: Owner] = [:]
    /// Inodes of the last dump that no process held (kernel sockets, fds in flight).
    var unowned: Set<UInt32> = []
    var complete = true

    /// Lists every process's descriptors, reading the links of those `previous` does not know.
    static func scan(procfs: String, previous: OwnerCache) -> OwnerCache {
        var next = OwnerCache()
        next.unowned = previous.unowned
        next.processes.reserveCapacity(previous.processes.count)
        next.owners.reserveCapacity(previous.owners.count)
        var statBuffer = [UInt8](repeating: 0, count: 1024)
        for pid in ProcessDirectory.pids(procfs: procfs) {
            let base = procfs + "/" + String(pid)
            guard let length = ProcessDirectory.readSmall(base + "/stat", into: &statBuffer),
                  let stat = ProcessStat.parse(statBuffer, length: length) else { continue }
            var known = previous.processes[pid]
            if known?.startTime != stat.startTime { known = nil }
            var descriptors: [Int32: UInt32] = [:]
            descriptors.reserveCapacity(known?.descriptors.count ?? 16)
            do {
                try ProcessDirectory.forEachDescriptor(base + "/fd") { fd, readTarget in
                    // A cached socket that left the dump may be a closed fd reused: read it again.
                    if let cached = known?.descriptors[fd], cached == 0 || previous.owners[cached]?.inDump == true {
                        descriptors[fd] = cached
                    } else if let inode = readTarget() {
                        descriptors[fd] = inode
                    }
                }
            } catch .denied {
                next.complete = false
                continue
            } catch {
                continue
            }
            next.processes[pid] = Process(startTime: stat.startTime, comm: stat.comm, descriptors: descriptors)
            next.addOwner(pid, descriptors)
        }
        return next
    }

    private mutating func addOwner(_ pid: Int32, _ descriptors: [Int32: UInt32]) {
        for inode in descriptors.values where inode != 0 {
            if let index = owners.index(forKey: inode) {
                if pid < owners.values[index].pid { owners.values[index].pid = pid }
            } else {
                owners[inode] = Owner(pid: pid, inDump: false)
            }
        }
    }

    /// The owner of each dumped inode, -1 for none; marks the inodes seen in this dump.
    mutating func resolve(_ inodes: [UInt32]) -> [Int32] {
        var result = [Int32](repeating: -1, count: inodes.count)
        for (position, inode) in inodes.enumerated() where inode != 0 {
            guard let index = owners.index(forKey: inode) else { continue }
            owners.values[index].inDump = true
            result[position] = owners.values[index].pid
        }
        return result
    }

    /// True when a socket with an inode has no owner and had one, or did not exist, last time.
    func hasNewUnownedSockets(_ inodes: [UInt32], _ resolved: [Int32]) -> Bool {
        for (position, inode) in inodes.enumerated() where inode != 0 && resolved[position] < 0 {
            if !unowned.contains(inode) { return true }
        }
        return false
    }

    mutating func rememberUnowned(_ inodes: [UInt32], _ resolved: [Int32]) {
        unowned = []
        for (position, inode) in inodes.enumerated() where inode != 0 && resolved[position] < 0 {
            unowned.insert(inode)
        }
    }

    /// Reads again every cached descriptor that is not a socket of this dump (the slow path,
    /// taken only when a new socket has no owner), then rebuilds the owner map.
    mutating func recheckDescriptors(procfs: String) {
        let seen = owners.filter { $0.value.inDump }
        for (pid, process) in processes {
            var descriptors = process.descriptors
            for (fd, inode) in process.descriptors where inode == 0 || seen[inode] == nil {
                let path = procfs + "/" + String(pid) + "/fd/" + String(fd)
                if let target = ProcFile.readLink(path) {
                    descriptors[fd] = target.withUnsafeBufferPointer { bytes in
                        bytes.withMemoryRebound(to: CChar.self) { ProcessDirectory.socketInode($0, count: $0.count) }
                    }
                } else {
                    descriptors[fd] = nil
                }
            }
            processes[pid]?.descriptors = descriptors
        }
        owners = [:]
        for (pid, process) in processes { addOwner(pid, process.descriptors) }
    }

    /// comm of every process scanned (owners are among them).
    var names: [Int32: String] {
        processes.mapValues(\.comm)
    }
}
