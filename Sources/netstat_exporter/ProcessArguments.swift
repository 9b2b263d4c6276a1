#if canImport(Glibc)
import Glibc
#endif
import CProcessArguments

/// The command line, as the kernel passed it to the process. Swift's `CommandLine.arguments`
/// reads /proc/self/cmdline on Linux: started where /proc is not mounted, it sees no arguments,
/// and the exporter would run with default flags. The C shim saves argv before main instead.
enum ProcessArguments {
    /// Every argument, argv[0] included; nil when none were saved (never with glibc).
    static var saved: [String]? {
        let count = cprocargs_count()
        guard count > 0 else { return nil }
        return (0..<count).map { index in cprocargs_argument(index).map { String(cString: $0) } ?? "" }
    }

    /// The arguments after argv[0]: the saved ones, else `CommandLine.arguments` when
    /// /proc/self/cmdline, which it comes from, can be read; nil when neither can be trusted.
    static func flags() -> [String]? {
        if let saved { return Array(saved.dropFirst()) }
        guard access("/proc/self/cmdline", R_OK) == 0 else { return nil }
        return Array(CommandLine.arguments.dropFirst())
    }
}
