#if canImport(Glibc)
import Glibc
#endif
import ProcNet

/// Whether the live /proc is there when the exporter is to read it. Everything it exports comes
/// from procfs, so a host or container without /proc mounted is a deployment mistake to stop at,
/// with one line that says so, instead of a running exporter whose every collector fails. A
/// `--path.procfs` elsewhere (a fixture tree, the host's /proc mounted at /host/proc) is not
/// checked: like node_exporter, the exporter then runs, and its collectors report what they
/// cannot read (`netstat_scrape_collector_success` 0, "Collector failed").
enum LiveProcfs {
    /// The error to exit with, or nil when procfs is not the live /proc or /proc/self/cmdline
    /// can be read.
    static func startupError(_ paths: ProcPaths) -> String? {
        guard paths.isLiveProc else { return nil }
        let probe = paths.proc("self/cmdline")
        guard access(probe, R_OK) != 0 else { return nil }
        return "/proc is not mounted (\(probe): \(Errno.describe(errno))): every metric comes from procfs;"
            + " mount it at /proc, or point --path.procfs at a procfs"
    }
}
