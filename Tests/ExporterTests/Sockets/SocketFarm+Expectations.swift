import Testing
import TestSupport

extension SocketFarm {
    /// What every worker of the farm holds, exactly: its ESTABLISHED connections at both ends
    /// (inbound on its port, outbound to it), its CLOSE_WAIT ends and its one listener, all under
    /// its own name `farm<i>`. `established` and `closeWait` give each worker's share.
    func expectEveryWorker(in scrape: ScrapedMetrics, established: [Int], closeWait: [Int],
                           sourceLocation: SourceLocation = #_sourceLocation) {
        for worker in established.indices {
            let listenPort = basePort + worker
            let name = "farm\(worker)"
            #expect(scrape[SocketFarm.connections("established", "inbound", listenPort, name)]
                        == Double(established[worker]), sourceLocation: sourceLocation)
            #expect(scrape[SocketFarm.connections("established", "outbound", listenPort, name)]
                        == Double(established[worker]), sourceLocation: sourceLocation)
            #expect(scrape[SocketFarm.connections("close_wait", "inbound", listenPort, name)]
                        == Double(closeWait[worker]), sourceLocation: sourceLocation)
            #expect(scrape["netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"\(listenPort)\",process=\"\(name)\"}"]
                        == 1, sourceLocation: sourceLocation)
        }
    }
}
