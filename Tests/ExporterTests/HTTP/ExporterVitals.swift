import Foundation

/// What a running exporter costs right now, from /proc/<pid>: threads, resident memory and
/// open descriptors, for the bounds the abuse tests assert. A value /proc did not give is nil,
/// never a number, so a test `#require`s it before it bounds it.
struct ExporterVitals: CustomStringConvertible {
    let threads: Int?
    let residentKiB: Int?
    let openFDs: Int?

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
        openFDs = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    var description: String {
        func show(_ value: Int?) -> String { value.map(String.init) ?? "unreadable" }
        return "threads=\(show(threads)) rss=\(show(residentKiB))KiB fds=\(show(openFDs))"
    }
}
