import Foundation
import Testing
import TestSupport

/// Real sockets in a network namespace made for the test, so every count is exact.
@Suite(.serialized) struct NamespaceSocketTests {
    static let workers = 2, established = 50, closeWait = 10

    /// Counts `ss -tan` rows in `state` inside the namespace (header line excluded).
    func ssCount(_ namespace: NetworkNamespace, _ state: String) throws -> Int {
        let result = try namespace.run(["ss", "-tan", "state", state])
        return result.stdout.split(separator: "\n").dropFirst().count
    }

    @Test func tcpStatesMatchTheSocketsOpenedAndSs() throws {
        let namespace = try NetworkNamespace()
        defer { namespace.delete() }
        _ = try namespace.startSockfarm(workers: Self.workers, established: Self.established,
                                        closeWait: Self.closeWait, port: 31000)
        let exporter = try ExporterProcess([], namespace: namespace.name)
        defer { exporter.stop() }

        let ssEstablished = try ssCount(namespace, "established")
        let ssCloseWait = try ssCount(namespace, "close-wait")
        let ssListen = try ssCount(namespace, "listening")
        let (status, body) = try exporter.get(namespace: namespace.name)
        #expect(status == 200)
        let value = { (state: String) in
            Exposition.value(body, "netstat_tcp_sockets{family=\"ipv4\",state=\"\(state)\"}")
        }
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
        #expect(Exposition.value(body, "netstat_tcp_sockets{family=\"ipv6\",state=\"established\"}") == 0)
        #expect(Exposition.value(body, "netstat_scrape_collector_success{collector=\"sockets\"}") == 1)
    }
}
