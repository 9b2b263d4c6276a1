#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Process ids as /proc lists them: the numeric entries of procfs (thread-group ids; threads
/// are not listed) and of /proc/<pid>/fd.
public enum ProcessID {
    /// Every numeric entry of `procfs`, in directory order; empty when it cannot be opened.
    public static func all(procfs: String) -> [Int32] {
        guard let dir = opendir(procfs) else { return [] }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            let pid = withUnsafeBytes(of: &entry.pointee.d_name) { parse(nulTerminated: $0) }
            if let pid { pids.append(pid) }
        }
        return pids
    }

    /// A directory entry's name (up to its NUL) as a positive decimal that fits an Int32, or
    /// nil ("self", ".", "net", an empty name …).
    @inlinable
    public static func parse<Bytes: Collection<UInt8>>(nulTerminated name: Bytes) -> Int32? {
        var value: Int64 = 0
        var length = 0
        for byte in name {
            if byte == 0 { break }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            length += 1
            guard value <= Int64(Int32.max) else { return nil }
        }
        return length > 0 ? Int32(value) : nil
    }
}
