/// One process's socket descriptors, fd → socket inode, as one sorted array of packed pairs:
/// 8 bytes a socket, where a Dictionary took about 13 (at a million sockets the difference is
/// 5 MB of the exporter's RSS). /proc/<pid>/fd lists descriptors in ascending order, so building
/// it and looking descriptors up while listing are walks (`Cursor`), not hashes.
struct DescriptorSockets {
    /// fd << 32 | inode, ascending by fd.
    private(set) var entries: [UInt64] = []

    var count: Int { entries.count }

    init(reservingCapacity capacity: Int = 0) {
        entries.reserveCapacity(capacity)
    }

    private static func pack(_ fd: Int32, _ inode: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: fd)) << 32 | UInt64(inode)
    }

    private static func fd(_ entry: UInt64) -> Int32 { Int32(bitPattern: UInt32(entry >> 32)) }

    private static func inode(_ entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry) }

    /// The first index whose fd is not below `fd`.
    private func index(of fd: Int32) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if Self.fd(entries[middle]) < fd { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func inode(of fd: Int32) -> UInt32? {
        let at = index(of: fd)
        return at < entries.count && Self.fd(entries[at]) == fd ? Self.inode(entries[at]) : nil
    }

    /// Sets (or with nil removes) the socket on `fd`, wherever it falls.
    mutating func set(_ fd: Int32, _ inode: UInt32?) {
        let at = index(of: fd)
        let present = at < entries.count && Self.fd(entries[at]) == fd
        switch (present, inode) {
        case (true, let inode?): entries[at] = Self.pack(fd, inode)
        case (true, nil): entries.remove(at: at)
        case (false, let inode?): entries.insert(Self.pack(fd, inode), at: at)
        case (false, nil): break
        }
    }

    /// Adds a descriptor; cheap when descriptors come in ascending order, as /proc lists them.
    mutating func append(_ fd: Int32, _ inode: UInt32) {
        if let last = entries.last, Self.fd(last) >= fd {
            set(fd, inode)
        } else {
            entries.append(Self.pack(fd, inode))
        }
    }

    /// Every socket descriptor of `directory` (/proc/<pid>/fd), each link read: what a process
    /// with nothing cached holds. Touches nothing shared, so two threads can read two processes.
    static func read(_ directory: String, reserving capacity: Int)
        -> Result<DescriptorSockets, ProcessDirectory.ListingFailure> {
        var sockets = DescriptorSockets(reservingCapacity: max(8, capacity))
        do {
            try ProcessDirectory.forEachDescriptor(directory) { fd, readTarget in
                if let inode = readTarget(), inode != 0 { sockets.append(fd, inode) }
            }
        } catch {
            return .failure(error)
        }
        sockets.shrinkToFit()
        return .success(sockets)
    }

    /// Gives back the capacity a listing reserved beyond an eighth more than it needed.
    mutating func shrinkToFit() {
        guard entries.capacity > entries.count + entries.count / 8 + 16 else { return }
        let exact = entries
        entries = [UInt64](unsafeUninitializedCapacity: exact.count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: exact)
        }
    }

    func forEach(_ body: (_ fd: Int32, _ inode: UInt32) -> Void) {
        for entry in entries { body(Self.fd(entry), Self.inode(entry)) }
    }

    /// The entries of `self` that `other` does not hold on the same descriptor.
    func forEachMissing(from other: DescriptorSockets?, _ body: (_ fd: Int32, _ inode: UInt32) -> Void) {
        guard let other else { return forEach(body) }
        var cursor = Cursor()
        for entry in entries where cursor.inode(of: Self.fd(entry), in: other) != Self.inode(entry) {
            body(Self.fd(entry), Self.inode(entry))
        }
    }

    /// Looks up descriptors in ascending order in one walk; out of order it searches instead.
    struct Cursor {
        private var next = 0

        mutating func inode(of fd: Int32, in sockets: DescriptorSockets) -> UInt32? {
            let entries = sockets.entries
            if next > 0, next <= entries.count, DescriptorSockets.fd(entries[next - 1]) >= fd {
                return sockets.inode(of: fd)
            }
            while next < entries.count, DescriptorSockets.fd(entries[next]) < fd { next += 1 }
            guard next < entries.count, DescriptorSockets.fd(entries[next]) == fd else { return nil }
            next += 1
            return DescriptorSockets.inode(entries[next - 1])
        }
    }
}
