#if canImport(Glibc)
import Glibc
#endif
import Exposition
import ProcNet

/// The exporter's own `process_*` metrics, with the names and meaning the Prometheus client
/// libraries give them. They always describe this process through the real /proc, whatever
/// `--path.procfs` says (that flag points the collectors at another host's tree, not at us).
public enum ProcessMetrics {
    public static let families: [MetricDeclaration] = [cpu, resident, virtual, startTime, openFDs, maxFDs]

    static let cpu = MetricDeclaration.counter(
        "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.",
        source: "/proc/self/stat `utime` + `stime`")
    static let resident = MetricDeclaration.gauge(
        "process_resident_memory_bytes", help: "Resident memory size in bytes.", source: "/proc/self/stat `rss` × page size")
    static let virtual = MetricDeclaration.gauge(
        "process_virtual_memory_bytes", help: "Virtual memory size in bytes.", source: "/proc/self/stat `vsize`")
    static let startTime = MetricDeclaration.gauge(
        "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.",
        source: "/proc/stat `btime` + /proc/self/stat `starttime`")
    static let openFDs = MetricDeclaration.gauge(
        "process_open_fds", help: "Number of open file descriptors.", source: "entries of /proc/self/fd")
    static let maxFDs = MetricDeclaration.gauge(
        "process_max_fds", help: "Maximum number of open file descriptors.", source: "the soft `RLIMIT_NOFILE`")

    public static func collect(into metrics: inout MetricSet, proc: String = "/proc") {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        if let bytes = try? ProcFile.read(proc + "/self/stat"), let stat = ProcessStat.parse(bytes) {
            metrics.add(cpu, [], .double(Double(stat.userTicks + stat.systemTicks) / ticksPerSecond))
            metrics.add(resident, [], .unsigned(stat.residentPages * pageSize))
            metrics.add(virtual, [], .unsigned(stat.virtualBytes))
            if let boot = try? ProcFile.read(proc + "/stat"), let bootSeconds = BootTime.parse(boot) {
                metrics.add(startTime, [], .double(Double(bootSeconds) + Double(stat.startTicks) / ticksPerSecond))
            }
        }
        if let names = ProcFile.listDirectory(proc + "/self/fd") {
            // The directory stream itself holds one descriptor while it is listed; it is not ours to count.
            metrics.add(openFDs, [], .unsigned(UInt64(max(names.count - 1, 0))))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            metrics.add(maxFDs, [], .unsigned(UInt64(limit.rlim_cur)))
        }
    }
}
