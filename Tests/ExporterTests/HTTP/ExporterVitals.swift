import Foundation

/// What a running exporter costs right now, from /proc/<pid>: threads, resident memory and
/// open descriptors, for the bounds the abuse tests assert.
struct ExporterVitals: CustomStringConvertible {
    let threads: Int
    let residentKiB: Int
    let openFDs: Int

    init(pid: Int32) {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return -1 }
            return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]) ?? -1
        }
        threads = field("Threads")
        residentKiB = field("VmRSS")
        openFDs = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    var description: String { "threads=\(threads) rss=\(residentKiB)KiB fds=\(openFDs)" }
}
