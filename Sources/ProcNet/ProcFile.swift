#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads whole files from /proc and /sys.
///
/// Files are read in one pass until EOF, never by their stat size (/proc reports 0). The
/// kernel produces a /proc/net table page by page, so one large read per call keeps a table
/// as consistent as the kernel allows.
public enum ProcFile {
    /// The largest file we accept; a larger one is treated as a read failure rather than
    /// exhausting memory (a /proc/net/tcp with a million sockets is ~150 MB).
    public static let maximumSize = 512 * 1024 * 1024

    public static func read(_ path: String) throws(ProcNetError) -> [UInt8] {
        try readAll(Errno.retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }, path: path)
    }

    /// Reads a file whose path is bytes that need not be UTF-8 (sysfs names a device's directory
    /// by the device's name, which may be any bytes): errors name it with `DeviceName.label`'s
    /// escapes.
    public static func read(bytes path: [UInt8]) throws(ProcNetError) -> [UInt8] {
        let fd = withCPath(path) { pointer in Errno.retryingOnInterrupt { open(pointer, O_RDONLY | O_CLOEXEC) } }
        return try readAll(fd, path: DeviceName.label(path))
    }

    /// Whether `path` (bytes, as `read(bytes:)`) names a directory.
    public static func isDirectory(bytes path: [UInt8]) -> Bool {
        var info = stat()
        return withCPath(path) { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    private static func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }

    /// Everything `fd` (just opened for `path`, or -1 with errno set) holds; closes it.
    private static func readAll(_ fd: Int32, path: String) throws(ProcNetError) -> [UInt8] {
        if fd < 0 {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(path: path) }
            throw .readFailed(path: path, errno: code)
        }
        defer { close(fd) }

        var contents: [UInt8] = []
        var chunkSize = 64 * 1024
        while true {
            var readError: Int32 = 0
            // Uninitialized capacity: zero-filling every chunk first would double the work.
            let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, count in
                let got = Errno.retryingOnInterrupt { Glibc.read(fd, buffer.baseAddress, chunkSize) }
                if got < 0 { readError = errno }
                count = max(got, 0)
            }
            if readError != 0 { throw .readFailed(path: path, errno: readError) }
            if chunk.isEmpty { return contents }
            if contents.isEmpty { contents = chunk } else { contents.append(contentsOf: chunk) }
            if contents.count > maximumSize { throw .readFailed(path: path, errno: EFBIG) }
            chunkSize = min(chunkSize * 2, 4 * 1024 * 1024)
        }
    }

    /// Reads a one-value sysfs attribute (mtu, speed, operstate …) without its trailing newline.
    public static func readAttribute(_ path: String) throws(ProcNetError) -> String {
        try readAttribute(bytes: Array(path.utf8))
    }

    /// `readAttribute` of a path given as bytes (`read(bytes:)`).
    public static func readAttribute(bytes path: [UInt8]) throws(ProcNetError) -> String {
        var bytes = try read(bytes: path)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") {
            bytes.removeLast()
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The target of a symbolic link, or nil when it cannot be read (the link vanished, no
    /// permission). Used for /proc/<pid>/fd/<n>.
    public static func readLink(_ path: String) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = buffer.withUnsafeMutableBytes { raw in
            readlink(path, raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count)
        }
        guard count > 0 else { return nil }
        return Array(buffer[0..<count])
    }

    /// Names in a directory, without "." and "..", or nil when it cannot be opened.
    public static func listDirectory(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
