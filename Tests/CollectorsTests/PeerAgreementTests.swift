import Collectors
import Exposition
import Foundation
import ProcNet
import Testing
import TestSupport

/// node_exporter's netstat and sockstat collectors read the same fixture files; every value
/// they report must be ours too, under our name for it.
@Suite struct PeerAgreementTests {
    /// The levels the issue names, in node_exporter's `<Section>_<Field>` spelling: our gauges.
    static let gauges: Set<String> = [
        "Ip_Forwarding", "Ip_DefaultTTL",
        "Tcp_RtoAlgorithm", "Tcp_RtoMin", "Tcp_RtoMax", "Tcp_MaxConn", "Tcp_CurrEstab",
    ]

    @Test func everyNodeExporterValueAgrees() throws {
        let paths = ProcPaths(procfs: Fixtures.path("node_exporter/proc"))
        let (metrics, report) = CollectorRun.once(ProtocolsCollector(), SockstatCollector(pageSize: 4096),
                                                  paths: paths)
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)

        let expected = try String(contentsOfFile: Fixtures.path("node_exporter/expected-values.txt"), encoding: .utf8)
            .split(separator: "\n")
        var checked = 0
        for line in expected {
            let parts = line.split(separator: " ")
            let peerName = String(parts[0])
            let peerValue = try #require(Double(parts[1]), "\(line)")
            let (ours, type) = try #require(Self.ourName(for: peerName), "\(peerName) is not in a known scheme")
            if peerName.hasPrefix("node_sockstat_"), peerName.hasSuffix("_mem") {
                // Pages: we export only the bytes form, pages × page size.
                #expect(metrics.families[ours] == nil, "\(ours) must not exist")
                let bytesValue = try #require(metrics.single(ours + "_bytes"), "\(ours)_bytes")
                #expect(Self.exactly(bytesValue, equals: peerValue * 4096), "\(line)")
            } else {
                let value = try #require(metrics.single(ours), "\(peerName) → \(ours) missing")
                #expect(Self.exactly(value, equals: peerValue), "\(line): ours \(ours) = \(value)")
                #expect(metrics.families[ours]?.type == type, "\(ours)")
            }
            checked += 1
        }
        #expect(checked == 61)
        #expect(checked == expected.count)
    }

    /// node_netstat_TcpExt_ListenOverflows → netstat_tcpext_listen_overflows_total;
    /// node_sockstat_FRAG_memory → netstat_sockstat_frag_memory_bytes.
    static func ourName(for peerName: String) -> (String, MetricType)? {
        if let rest = peerName.dropPrefix("node_netstat_"), let split = rest.firstIndex(of: "_") {
            let section = String(rest[..<split]), field = String(rest[rest.index(after: split)...])
            let stem = "netstat_" + ProtocolMetricName.section(section) + "_" + ProtocolMetricName.field(field)
            return gauges.contains(section + "_" + field) ? (stem, .gauge) : (stem + "_total", .counter)
        }
        if let rest = peerName.dropPrefix("node_sockstat_") {
            let name = "netstat_sockstat_" + rest.lowercased()
            return (name.hasSuffix("_memory") ? name + "_bytes" : name, .gauge)
        }
        return nil
    }

    /// Our exact integer against the peer's float (6.28639697e+09 is 6286396970).
    static func exactly(_ value: MetricValue, equals peer: Double) -> Bool {
        guard peer == peer.rounded() else { return false }
        switch value {
        case .unsigned(let number): return peer >= 0 && peer < 0x1p64 && UInt64(peer) == number
        case .signed(let number): return peer >= -0x1p63 && peer < 0x1p63 && Int64(peer) == number
        case .double: return false
        }
    }
}

extension String {
    fileprivate func dropPrefix(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}
