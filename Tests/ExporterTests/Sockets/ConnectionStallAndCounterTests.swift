import Foundation
import Testing
import TestSupport

/// The connection health families on real sockets, continued (see ConnectionHealthTests): a
/// stalled connection, and counters that never go back while connections come and go.
@Suite(.serialized) struct ConnectionStallAndCounterTests {
    // MARK: - Zero window

    /// A receiver on argv[1] with a 4 kB receive buffer (set on the listener, so the accepted
    /// socket has it from the handshake on) that never reads, and a sender that writes without
    /// blocking until its send buffer is full; beside them, a healthy connection on argv[2]
    /// that exchanged 1000 bytes each way, all read.
    static let zeroWindowScript = """
        import socket, sys, time
        stalled, healthy = int(sys.argv[1]), int(sys.argv[2])
        def listener(port, rcvbuf=None):
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if rcvbuf: l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            l.bind(("127.0.0.1", port)); l.listen(8); return l
        ls, lh = listener(stalled, 4096), listener(healthy)
        hc = socket.create_connection(("127.0.0.1", healthy)); hs, _ = lh.accept()
        hc.sendall(b"q" * 1000); hs.sendall(b"a" * 1000)
        got = 0
        while got < 1000: got += len(hs.recv(1000 - got))
        got = 0
        while got < 1000: got += len(hc.recv(1000 - got))
        c = socket.create_connection(("127.0.0.1", stalled)); s, _ = ls.accept()
        c.setblocking(False)
        written = 0
        while True:
            try: written += c.send(b"x" * 65536)
            except BlockingIOError: break
        print("ready", written, flush=True)
        time.sleep(300)
        """

    @Test func aReceiverThatNeverReadsStallsItsSenderOnAZeroWindow() throws {
        let (stalled, healthy) = (25_401, 25_402)
        try HealthLab.with { lab in
            try lab.startExporter()
            try lab.startPython("zerowindow", Self.zeroWindowScript, [String(stalled), String(healthy)])
            let stalls = "netstat_tcp_stalled_connections"
            let zeroWindow = HealthLab.series(stalls, stalled, "outbound", reason: "zero_window")
            let backoff = HealthLab.series(stalls, stalled, "outbound", reason: "rto_backoff")
            var scrape = try lab.scrape()
            // The window closes as the receive buffer fills; the zero-window probes then back off.
            let closed = try waitUntil(timeout: 10, interval: 0.2) {
                scrape = try lab.scrape()
                return scrape[zeroWindow] == 1 && scrape[backoff] == 1
            }
            if !closed {
                let ss = try lab.run(["ss", "-tni"])
                Issue.record("no zero window with backoff:\n\(scrape.matching(stalls, ["port=\"\(stalled)\""]))\n\(ss)")
            }
            #expect(scrape[zeroWindow] == 1)
            #expect(scrape[backoff] == 1)
            #expect(scrape[HealthLab.series(stalls, stalled, "outbound", reason: "unsent")] == 1)
            // Between the scrapes that watched it, the stalled sender was held back by its peer's
            // window (tcpi_rwnd_limited).
            let limited = "netstat_tcp_limited_seconds_total"
            #expect(try #require(scrape[HealthLab.series(limited, stalled, "outbound", reason: "rwnd")]) > 0)
            // The receiver's peer (the sender) has room: nothing stalls it.
            for reason in ["zero_window", "rto_backoff", "unsent"] {
                #expect(scrape[HealthLab.series(stalls, stalled, "inbound", reason: reason)] == 0, "\(reason)")
                for direction in ["inbound", "outbound"] {
                    #expect(scrape[HealthLab.series(stalls, healthy, direction, reason: reason)] == 0,
                            "healthy \(direction) \(reason)")
                }
            }
            // Nothing else in the namespace stalls.
            let stalledAnywhere = scrape.matching(stalls, []).values.reduce(0, +)
            #expect(stalledAnywhere == 3, "\(scrape.matching(stalls, []).filter { $0.value > 0 })")
            let counted = scrape.matching(stalls, ["port=\"\(stalled)\""]).filter { $0.value > 0 }
            print("ConnectionStallAndCounterTests: zero window \(counted), "
                  + "\(lab.log("zerowindow").trimmingCharacters(in: .whitespacesAndNewlines)) bytes written")
        }
    }

    // MARK: - Counters never go back

    /// A listener on argv[1] that drains whatever it is sent; 60 idle connections to it that
    /// stay, and a new client every 50 ms that sends 4 × 4 kB over 0.3 s and closes; plus a
    /// long-lived flow to argv[2] of 64 kB every 10 ms.
    static let churnScript = """
        import socket, sys, threading, time
        port, flow = int(sys.argv[1]), int(sys.argv[2])
        def listener(port):
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", port)); l.listen(128); return l
        lc, lf = listener(port), listener(flow)
        def drain(s):
            while s.recv(1 << 16): pass
            s.close()
        def serve():
            while True:
                s, _ = lc.accept(); threading.Thread(target=drain, args=(s,), daemon=True).start()
        threading.Thread(target=serve, daemon=True).start()
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]
        fc = socket.create_connection(("127.0.0.1", flow)); fs, _ = lf.accept()
        threading.Thread(target=drain, args=(fs,), daemon=True).start()
        def flowing():
            chunk = b"f" * 65536
            while True: fc.sendall(chunk); time.sleep(0.01)
        def client():
            c = socket.create_connection(("127.0.0.1", port))
            for _ in range(4): c.sendall(b"c" * 4096); time.sleep(0.1)
            c.close()
        def churn():
            while True:
                threading.Thread(target=client, daemon=True).start(); time.sleep(0.05)
        threading.Thread(target=flowing, daemon=True).start()
        threading.Thread(target=churn, daemon=True).start()
        print("ready", flush=True)
        time.sleep(300)
        """

    /// Over 20 scrapes 0.2 s apart, while short connections open and close beside standing
    /// ones, no series of a health counter family ever goes back, and the traffic moves them.
    @Test func healthCountersNeverDecreaseWhileConnectionsComeAndGo() throws {
        let (port, flow) = (25_501, 25_502)
        try HealthLab.with { lab in
            try lab.startExporter()
            try lab.startPython("churn", Self.churnScript, [String(port), String(flow)])
            var previous = try lab.scrape()
            let first = previous
            var increases = 0, comparisons = 0
            var trackedMost = 0.0
            for _ in 0..<20 {
                usleep(200_000)
                let scrape = try lab.scrape()
                for family in HealthLab.counterFamilies {
                    for (key, value) in scrape.matching(family, []) {
                        guard let old = previous[key] else { continue }
                        comparisons += 1
                        #expect(value >= old, "\(key) went from \(old) to \(value)")
                        if value > old { increases += 1 }
                    }
                }
                trackedMost = max(trackedMost, (scrape["netstat_tcp_health_tracked_connections{storage=\"packed\"}"] ?? 0)
                                  + (scrape["netstat_tcp_health_tracked_connections{storage=\"spilled\"}"] ?? 0))
                previous = scrape
            }
            #expect(comparisons > 0)
            #expect(increases > 0)
            let last = previous
            func grew(_ metric: String, _ port: Int, _ direction: String) -> Double {
                let key = HealthLab.series(metric, port, direction)
                return (last[key] ?? 0) - (first[key] ?? 0)
            }
            // The short clients' bytes count too (those that two scrapes saw), and the flow's.
            #expect(grew("netstat_tcp_received_bytes_total", port, "inbound") > 0)
            #expect(grew("netstat_tcp_acked_bytes_total", port, "outbound") > 0)
            #expect(grew("netstat_tcp_received_bytes_total", flow, "inbound") > 0)
            #expect(grew("netstat_tcp_acked_bytes_total", flow, "outbound") > 0)
            // 60 idle connections at both ends, the flow and the scrape's: more than the history's
            // first table (64 slots) holds.
            #expect(trackedMost >= 124)
            let churnBytes = grew("netstat_tcp_received_bytes_total", port, "inbound")
            let flowBytes = grew("netstat_tcp_received_bytes_total", flow, "inbound")
            let packed = last["netstat_tcp_health_tracked_connections{storage=\"packed\"}"] ?? -1
            let spilled = last["netstat_tcp_health_tracked_connections{storage=\"spilled\"}"] ?? -1
            print("ConnectionStallAndCounterTests: \(comparisons) counter comparisons, \(increases) increases; churn port received "
                  + "\(churnBytes) bytes, flow \(flowBytes); tracked up to \(trackedMost) (last: packed \(packed), spilled \(spilled))")
        }
    }
}
