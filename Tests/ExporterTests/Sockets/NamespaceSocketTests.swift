import Foundation
import Testing
import TestSupport

/// `netstat_tcp_sockets` on real sockets in a network namespace made for the test, so every
/// count is exact.
@Suite(.serialized) struct NamespaceSocketTests {
    static let workers = 2, established = 50, closeWait = 10

    /// Counts `ss -tan` rows in `state` inside the namespace (header line excluded).
    func ssCount(_ farm: SocketFarm, _ state: String) throws -> Int {
        try farm.run(["ss", "-tan", "state", state]).split(separator: "\n").dropFirst().count
    }

    @Test func tcpStatesMatchTheSocketsOpenedAndSs() throws {
        try SocketFarm.with(workers: Self.workers, established: Self.established, closeWait: Self.closeWait) { farm in
            let port = try farm.startExporter()
            let ssEstablished = try ssCount(farm, "established")
            let ssCloseWait = try ssCount(farm, "close-wait")
            let ssListen = try ssCount(farm, "listening")
            let scrape = try farm.scrape(port)
            let value = { (state: String) in scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"\(state)\"}"] }
            // Each connection is two ESTABLISHED sockets (both ends are local); the scrape's own
            // connection adds two more, and the exporter's listener one LISTEN.
            #expect(ssEstablished == 2 * Self.established)
            #expect(value("established") == Double(2 * Self.established + 2))
            #expect(ssCloseWait == Self.closeWait)
            #expect(value("close_wait") == Double(Self.closeWait))
            #expect(value("fin_wait2") == Double(Self.closeWait))
            #expect(ssListen == Self.workers + 1)
            #expect(value("listen") == Double(Self.workers + 1))
            #expect(value("syn_recv") == 0)
            #expect(scrape["netstat_tcp_sockets{family=\"ipv6\",state=\"established\"}"] == 0)
            #expect(scrape["netstat_scrape_collector_success{collector=\"sockets\"}"] == 1)
        }
    }
}
