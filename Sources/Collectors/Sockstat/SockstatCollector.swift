#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Exposition
import ProcNet
import Namespaces

/// Socket counts per protocol from /proc/net/sockstat and sockstat6, as gauges
/// `netstat_sockstat_<proto>_<field>`, lower-cased (`netstat_sockstat_tcp_inuse`,
/// `netstat_sockstat_sockets_used`).
///
/// `mem` is counted in pages by the kernel and exported only in bytes,
/// `netstat_sockstat_<proto>_mem_bytes`; FRAG's `memory` is bytes already and becomes
/// `netstat_sockstat_frag_memory_bytes`. sockstat is required, sockstat6 optional.
public struct SockstatCollector: PerNamespaceCollector {
    public static let descriptor = CollectorDescriptor(
        name: "sockstat",
        help: "Sockets in use and memory per protocol from /proc/net/sockstat and sockstat6.",
        // One family per field of the files (docs/metrics.md lists them).
        families: []
    ) { _, _ in
        SockstatCollector()
    }

    /// The page size `mem` is counted in.
    public static let systemPageSize = UInt64(max(sysconf(Int32(_SC_PAGESIZE)), 1))

    let pageSize: UInt64

    public init(pageSize: UInt64 = SockstatCollector.systemPageSize) {
        self.pageSize = pageSize
    }

    public func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        // sockstat and sockstat6 both have a RAW line, for example: the first one read is kept.
        var written: Set<String> = []
        for (file, required) in [("sockstat", true), ("sockstat6", false)] {
            let path = namespace.net(file)
            guard let bytes = required ? report.readRequired(path) : report.readOptional(path) else { continue }
            let (statistics, summary) = SockstatTable.parse(bytes)
            report.record(summary, path: path)
            if statistics.isEmpty && required {
                report.fail(.parseFailed(path: path, line: 1, reason: "no socket counts found"))
            }
            for statistic in statistics {
                let name = SockstatCollector.metricName(proto: statistic.section, field: statistic.field)
                guard written.insert(name).inserted else { continue }
                add(statistic, named: name, from: "/proc/net/" + file, into: &metrics, report: &report)
            }
        }
    }

    func add(_ statistic: ProtocolStatistic, named name: String, from file: String, into metrics: inout MetricSet,
             report: inout CollectorReport) {
        if SockstatCollector.isPages(statistic.field) {
            guard let bytes = SockstatCollector.multiply(statistic.value, by: pageSize) else {
                report.skipFile("\(file): \(statistic.section) mem in bytes does not fit in 64 bits")
                return
            }
            metrics.add(name, .gauge, help: "\(statistic.section) \(statistic.field) from \(file), pages converted to bytes.",
                        value: bytes)
        } else {
            metrics.add(name, .gauge, help: "\(statistic.section) \(statistic.field) from \(file).",
                        value: MetricValue(statistic.value))
        }
    }

    /// TCP inuse → netstat_sockstat_tcp_inuse; TCP mem → netstat_sockstat_tcp_mem_bytes;
    /// FRAG memory → netstat_sockstat_frag_memory_bytes.
    public static func metricName(proto: String, field: String) -> String {
        let name = "netstat_sockstat_\(proto.lowercased())_\(field.lowercased())"
        return isPages(field) || field.lowercased() == "memory" ? name + "_bytes" : name
    }

    /// `mem` counts pages (the kernel's `sk_memory_allocated`); exported in bytes.
    static func isPages(_ field: String) -> Bool { field.lowercased() == "mem" }

    /// pages × page size, exactly, or nil when it does not fit.
    static func multiply(_ pages: ProcValue, by pageSize: UInt64) -> MetricValue? {
        switch pages {
        case .unsigned(let count):
            let (bytes, overflow) = count.multipliedReportingOverflow(by: pageSize)
            return overflow ? nil : .unsigned(bytes)
        case .negative(let count):
            guard pageSize <= UInt64(Int64.max) else { return nil }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: Int64(pageSize))
            return overflow ? nil : .signed(bytes)
        }
    }
}
