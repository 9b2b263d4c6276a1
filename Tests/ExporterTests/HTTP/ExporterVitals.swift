import Foundation

/// What a running exporter costs right now, from /proc/<pid>: threads, resident memory (now and
/// its peak), open descriptors and CPU time, for the bounds the abuse and load tests assert. A
/// value /proc did not give is nil, never a number, so a test `#require`s it before it bounds it.
struct ExporterVitals: CustomStringConvertible {
    let threads: Int?
    let residentKiB: Int?
    /// VmHWM: the most the process has ever had resident.
    let peakResidentKiB: Int?
    let openFDs: Int?
    /// User + system CPU time so far, in seconds.
    let cpuSeconds: Double?

    init(pid: Int32) {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int? {
            let lines = status.split(separator: "\n")
            guard let line = lines.first(where: { $0.hasPrefix(name + ":") }) else { return nil }
            let columns = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return columns.count > 1 ? Int(columns[1]) : nil
        }
        threads = field("Threads")
        residentKiB = field("VmRSS")
        peakResidentKiB = field("VmHWM")
        openFDs = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // After the command (which may hold spaces) comes the state, field 3: utime and stime
        // are fields 14 and 15.
        let fields = stat[(stat.lastIndex(of: ")").map { stat.index(after: $0) } ?? stat.startIndex)...]
            .split(separator: " ")
        if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
            cpuSeconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        } else {
            cpuSeconds = nil
        }
    }

    var description: String {
        func show(_ value: Int?) -> String { value.map(String.init) ?? "unreadable" }
        return "threads=\(show(threads)) rss=\(show(residentKiB))KiB peak=\(show(peakResidentKiB))KiB"
            + " fds=\(show(openFDs))"
    }
}
