#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ProcNet

/// The system calls of the fd scan, each wrapped once: reading a
/// small file into a reused buffer, and walking /proc/<pid>/fd with readlinkat, so the hot
/// path makes no String per descriptor.
enum ProcessDirectory {
    /// Reads up to `buffer.count` bytes of a file; the count, or nil when it cannot be opened.
    static func readSmall(_ path: String, into buffer: inout [UInt8]) -> Int? {
        let fd = Errno.retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let count = buffer.withUnsafeMutableBytes { raw in
            Errno.retryingOnInterrupt { read(fd, raw.baseAddress, raw.count) }
        }
        return count > 0 ? count : nil
    }

    /// The number of open descriptors (the st_size of /proc/<pid>/fd, Linux 6.2 and later;
    /// 0 before) and the process's effective uid (the directory's owner).
    static func descriptorCount(_ directory: String) -> (count: Int, uid: UInt32)? {
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }
        return (Int(info.st_size), info.st_uid)
    }

    enum ListingFailure: Error {
        /// The process exited (or never was): skipped silently.
        case vanished
        /// Permission denied: another user's process, without CAP_SYS_PTRACE.
        case denied
    }

    /// Calls `body(fd, readTarget)` for each descriptor in `directory` (/proc/<pid>/fd);
    /// `readTarget()` readlinks that descriptor and returns its socket inode, 0 for anything
    /// that is not a socket, nil when it closed meanwhile.
    static func forEachDescriptor(
        _ directory: String, _ body: (Int32, () -> UInt32?) -> Void
    ) throws(ListingFailure) {
        guard let dir = opendir(directory) else {
            throw errno == EACCES || errno == EPERM ? .denied : .vanished
        }
        defer { closedir(dir) }
        let dirFD = dirfd(dir)
        var target = [CChar](repeating: 0, count: 64)
        while let entry = readdir(dir) {
            guard let fd = number(entry) else { continue }
            body(fd) {
                withUnsafePointer(to: &entry.pointee.d_name) { name in
                    name.withMemoryRebound(to: CChar.self, capacity: 256) { readSocketInode(dirFD, $0, into: &target) }
                }
            }
        }
    }

    /// The socket inode on each of `fds` in `directory` (/proc/<pid>/fd), read through one
    /// open of the directory; 0 for a descriptor that is closed or not a socket (all 0 when the
    /// directory cannot be opened: the process is gone).
    static func socketInodes(of fds: [Int32], in directory: String) -> [UInt32] {
        var inodes = [UInt32](repeating: 0, count: fds.count)
        let dirFD = Errno.retryingOnInterrupt { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard dirFD >= 0 else { return inodes }
        defer { close(dirFD) }
        var name = [CChar](repeating: 0, count: 16)
        var target = [CChar](repeating: 0, count: 64)
        for (index, fd) in fds.enumerated() where fd >= 0 {
            // The decimal name, written backwards from the end of `name`.
            var position = name.count - 1
            name[position] = 0
            var rest = UInt32(fd)
            repeat {
                position -= 1
                name[position] = CChar(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            inodes[index] = name.withUnsafeBufferPointer { nameBytes in
                readSocketInode(dirFD, nameBytes.baseAddress! + position, into: &target)
            } ?? 0
        }
        return inodes
    }

    /// readlinkat of `name` in the directory `dirFD` into `target`: its socket inode, 0 for a
    /// link that is not a socket, nil when there is no such link (the descriptor closed).
    private static func readSocketInode(_ dirFD: Int32, _ name: UnsafePointer<CChar>,
                                        into target: inout [CChar]) -> UInt32? {
        let count = target.withUnsafeMutableBufferPointer { out in readlinkat(dirFD, name, out.baseAddress!, out.count) }
        guard count > 0 else { return nil }
        return target.withUnsafeBufferPointer { socketInode($0, count: count) }
    }

    /// "socket:[12345]" → 12345; anything else → 0.
    static func socketInode(_ target: UnsafeBufferPointer<CChar>, count: Int) -> UInt32 {
        let prefix: StaticString = "socket:["
        let prefixLength = prefix.utf8CodeUnitCount
        guard count > prefixLength + 1, target[count - 1] == CChar(UInt8(ascii: "]")) else { return 0 }
        for offset in 0..<prefixLength where UInt8(bitPattern: target[offset]) != prefix.utf8Start[offset] {
            return 0
        }
        var value: UInt64 = 0
        for offset in prefixLength..<(count - 1) {
            let digit = UInt8(bitPattern: target[offset]) &- UInt8(ascii: "0")
            guard digit < 10 else { return 0 }
            value = value * 10 + UInt64(digit)
            guard value <= UInt32.max else { return 0 }
        }
        return UInt32(value)
    }

    /// A directory entry's name as a positive decimal, or nil ("self", ".", "net" …).
    private static func number(_ entry: UnsafeMutablePointer<dirent>) -> Int32? {
        withUnsafeBytes(of: &entry.pointee.d_name) { ProcessID.parse(nulTerminated: $0) }
    }
}
