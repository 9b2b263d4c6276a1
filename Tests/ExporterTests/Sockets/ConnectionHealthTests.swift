import Foundation
import Testing
import TestSupport

/// The connection health families (--collector.sockets.health, on by default) on real sockets:
/// each test provokes one signal with the real kernel in a network namespace of its own (listen
/// drops, retransmissions under loss, queueing delay, a zero window) and checks what the
/// exporter running in that namespace says about it, against the namespace's own counters
/// where there are some.
///
/// The ports are below the ephemeral range (32768–60999), so a client end keeps the remote
/// port as its `port` label instead of "ephemeral".
@Suite(.serialized) struct ConnectionHealthTests {
    // MARK: - Listen drops

    /// Listener `a` (backlog 1) never accepts; listener `b` accepts all it gets. 40 connects to
    /// `a` and 4 to `b`, all at once, non-blocking; the clients close after 0.5 s, before any SYN
    /// is sent again (1 s), so no drop happens after "ready".
    static let dropsScript = """
        import socket, sys, threading, time
        a, b = int(sys.argv[1]), int(sys.argv[2])
        def listener(port, backlog):
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", port)); l.listen(backlog); return l
        never = listener(a, 1)
        healthy = listener(b, 16)
        accepted = []
        def serve():
            while True: accepted.append(healthy.accept()[0])
        threading.Thread(target=serve, daemon=True).start()
        clients = []
        for port, count in ((a, 40), (b, 4)):
            for _ in range(count):
                c = socket.socket(); c.setblocking(False)
                try: c.connect(("127.0.0.1", port))
                except BlockingIOError: pass
                clients.append(c)
        time.sleep(0.5)
        for c in clients: c.close()
        print("ready", len(accepted), flush=True)
        time.sleep(300)
        """

    /// Without SYN cookies, a SYN to a listener whose accept queue is full is dropped and counted
    /// in the listener's SK_MEMINFO_DROPS and the namespace's TcpExt ListenDrops at once.
    @Test func listenDropsPerListenerAddUpToTheNamespacesListenDrops() throws {
        let (a, b) = (25_101, 25_102)
        try HealthLab.with { lab in
            try lab.run(["sysctl", "-qw", "net.ipv4.tcp_syncookies=0"])
            try lab.startExporter()
            let before = try lab.scrape()
            let procBefore = try lab.tcpExt("ListenDrops")
            try lab.startPython("drops", Self.dropsScript, [String(a), String(b)])
            // Settled: ListenDrops no longer moves.
            var procAfter = try lab.tcpExt("ListenDrops")
            let settled = try waitUntil(timeout: 5, interval: 0.3) {
                let now = try lab.tcpExt("ListenDrops")
                defer { procAfter = now }
                return now == procAfter
            }
            #expect(settled, "ListenDrops kept moving")
            let after = try lab.scrape()
            #expect(try lab.tcpExt("ListenDrops") == procAfter, "ListenDrops moved during the scrape")

            let dropsA = try #require(after[HealthLab.listenDrops(a)], "no listen drops series for :\(a)\n\(lab.logs)")
            #expect(dropsA > 0, "\(lab.logs)")
            #expect(after[HealthLab.listenDrops(b)] == 0)
            #expect(after[HealthLab.listenDrops(lab.exporterPort, process: "netstat_exporte")] == 0)
            let listenersBefore = before.matching("netstat_tcp_listen_drops_total", []).values.reduce(0, +)
            let listenersAfter = after.matching("netstat_tcp_listen_drops_total", []).values.reduce(0, +)
            let tcpExtDelta = try #require(after["netstat_tcpext_listen_drops_total"])
                - (try #require(before["netstat_tcpext_listen_drops_total"]))
            #expect(listenersAfter - listenersBefore == tcpExtDelta)
            #expect(tcpExtDelta == Double(procAfter - procBefore))
            print("ConnectionHealthTests: listen drops :\(a) \(dropsA), :\(b) \(after[HealthLab.listenDrops(b)] ?? -1), "
                  + "TcpExt ListenDrops +\(procAfter - procBefore) "
                  + "(\(lab.log("drops").trimmingCharacters(in: .whitespacesAndNewlines)) on :\(b))")
        }
    }

    // MARK: - Retransmissions

    /// One connection per port in argv[3:], each sender writing as fast as it can for argv[2]
    /// seconds once the file argv[1] exists, a reader draining each; prints "done" when the
    /// senders stop and "drained" once each sender's send queue is empty (everything acked).
    ///
    /// The whole process runs on one CPU. lo hands each segment to the backlog of the CPU that
    /// sent it: a sender thread moving between CPUs leaves segments of one flow in two backlogs,
    /// the receiver sees them out of order, and the sender retransmits what was not lost
    /// (spurious, DSACKed: a dozen or more per run on the clean flow on two cores).
    static let bulkScript = """
        import fcntl, os, socket, struct, sys, termios, threading, time
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        go, seconds, ports = sys.argv[1], float(sys.argv[2]), [int(p) for p in sys.argv[3:]]
        pairs = []
        for port in ports:
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", port)); l.listen(8)
            c = socket.create_connection(("127.0.0.1", port)); s, _ = l.accept()
            pairs.append((l, c, s))
        def reader(s):
            while s.recv(1 << 16): pass
        def sender(c):
            chunk = b"x" * 65536; end = time.time() + seconds
            while time.time() < end: c.sendall(chunk)
        def queued(c):
            return struct.unpack("i", fcntl.ioctl(c.fileno(), termios.TIOCOUTQ, b"0000"))[0]
        for _, _, s in pairs: threading.Thread(target=reader, args=(s,), daemon=True).start()
        print("ready", flush=True)
        while not os.path.exists(go): time.sleep(0.01)
        threads = [threading.Thread(target=sender, args=(c,)) for _, c, _ in pairs]
        for t in threads: t.start()
        for t in threads: t.join()
        print("done", flush=True)
        end = time.time() + 20
        while time.time() < end and any(queued(c) for _, c, _ in pairs): time.sleep(0.02)
        print("drained", [queued(c) for _, c, _ in pairs], flush=True)
        time.sleep(300)
        """

    /// How the namespace's TCP recovered (TcpExt), shown beside the results of the test below.
    static let recoveryCounters = ["TCPFastRetrans", "TCPTimeouts", "TCPLossProbes", "TCPSpuriousRTOs", "TCPDSACKRecv",
                                   "TCPSACKReorder"]

    /// Two bulk flows for 2 s, one losing 5 % of its data segments (iptables in the namespace):
    /// its sender retransmits, exactly as many segments as its tcp_info says, the clean one
    /// does not; the namespace's TcpRetransSegs moved by the sum of the series; and what the
    /// senders had acked equals what the receivers received between the two scrapes.
    @Test func retransmissionsOfALossyFlowAndNoneOfACleanOne() throws {
        let (lossy, clean) = (25_201, 25_202)
        let iptables = try Shell.run(["sh", "-c", "iptables -V"])
        guard iptables.status == 0 else {
            throw Shell.Failure(description: "iptables is needed to drop segments in the test namespace and is missing "
                                + "(`make deps` installs it): \(iptables.stderr)")
        }
        try HealthLab.with { lab in
            // No tail loss probes: on two busy cores a reader held off the CPU for a few
            // milliseconds delays an ACK past the probe timeout, and the clean flow then
            // retransmits its last segment for nothing (seen: 1 in 3 runs of the suite).
            try lab.run(["sysctl", "-qw", "net.ipv4.tcp_early_retrans=0"])
            try lab.startExporter()
            try lab.startPython("bulk", Self.bulkScript, [lab.path("go"), "2", String(lossy), String(clean)])
            // After the handshakes: what is lost is the lossy sender's data, nothing else.
            let rule = ["-p", "tcp", "--dport", String(lossy), "-m", "statistic", "--mode", "random",
                        "--probability", "0.05", "-j", "DROP"]
            try lab.run(["iptables", "-A", "INPUT"] + rule)
            // The baseline: both connections exist and have not sent anything yet.
            let before = try lab.scrape()
            let recoveryBefore = try Self.recoveryCounters.map { try lab.tcpExt($0) }
            for port in [lossy, clean] {
                for direction in ["inbound", "outbound"] {
                    #expect(before[HealthLab.series("netstat_tcp_sent_segments_total", port, direction)] != nil,
                            "no baseline for :\(port) \(direction)\n\(before.text)")
                }
            }
            try lab.touch("go")
            try lab.waitForLog("bulk", "done", timeout: 20)
            let dropped = try lab.run(["iptables", "-nvxL", "INPUT"])
            try lab.run(["iptables", "-D", "INPUT"] + rule)
            try lab.waitForLog("bulk", "drained", timeout: 30)
            let after = try lab.scrape()

            func delta(_ metric: String, _ port: Int, _ direction: String, reason: String? = nil) throws -> Double {
                let key = HealthLab.series(metric, port, direction, reason: reason)
                return try #require(after[key], "no \(key)") - (before[key] ?? 0)
            }
            let retransmitted = try delta("netstat_tcp_retransmitted_segments_total", lossy, "outbound")
            #expect(retransmitted > 0, "\(dropped)")
            // Exactly what each sender's tcp_info says (ss: retrans:<now>/<total>); nothing before the baseline.
            for port in [lossy, clean] {
                #expect(before[HealthLab.series("netstat_tcp_retransmitted_segments_total", port, "outbound")] == 0)
                #expect(try delta("netstat_tcp_retransmitted_segments_total", port, "outbound")
                        == (try lab.kernelRetransmissions(toPort: port)), ":\(port)")
            }
            #expect(try delta("netstat_tcp_retransmitted_segments_total", lossy, "inbound") == 0)
            #expect(try delta("netstat_tcp_retransmitted_segments_total", clean, "outbound") == 0)
            #expect(try delta("netstat_tcp_retransmitted_segments_total", clean, "inbound") == 0)
            // Every retransmission in the namespace was one of these connections', seen at both scrapes.
            let retransmittedAnywhere = try #require(after["netstat_tcp_retrans_segs_total"])
                - (try #require(before["netstat_tcp_retrans_segs_total"]))
            let seriesDelta = after.matching("netstat_tcp_retransmitted_segments_total", []).values.reduce(0, +)
                - before.matching("netstat_tcp_retransmitted_segments_total", []).values.reduce(0, +)
            #expect(seriesDelta == retransmittedAnywhere)
            for port in [lossy, clean] {
                let sent = try delta("netstat_tcp_sent_segments_total", port, "outbound")
                let acked = try delta("netstat_tcp_acked_bytes_total", port, "outbound")
                let received = try delta("netstat_tcp_received_bytes_total", port, "inbound")
                #expect(sent > 0)
                #expect(acked > 1_000_000)
                // Drained: every byte sent since the baseline was acked, so both ends agree.
                #expect(acked == received, ":\(port)")
                // The receiver sends ACKs only; the sender receives nothing.
                #expect(try delta("netstat_tcp_sent_segments_total", port, "inbound") > 0)
                #expect(try delta("netstat_tcp_acked_bytes_total", port, "inbound") == 0)
                #expect(try delta("netstat_tcp_received_bytes_total", port, "outbound") == 0)
                #expect(try delta("netstat_tcp_limited_seconds_total", port, "outbound", reason: "busy") > 0)
                let senderRetransmitted = try delta("netstat_tcp_retransmitted_segments_total", port, "outbound")
                print("ConnectionHealthTests: :\(port) sender retransmitted \(senderRetransmitted) "
                      + "of \(sent) segments, acked \(acked) bytes, receiver got \(received)")
            }
            let recovery = try zip(Self.recoveryCounters, recoveryBefore).map { name, old in
                "\(name) +\(try lab.tcpExt(name) - old)"
            }
            print("ConnectionHealthTests: TcpRetransSegs +\(retransmittedAnywhere), \(recovery.joined(separator: ", "))")
        }
    }

    // MARK: - RTT

    /// An idle connection to argv[2] first, while the shaper is still empty (its RTT is the
    /// handshake's, and it never sends again), then a bulk flow to argv[1] that writes as fast
    /// as the shaper lets it.
    static let shapedScript = """
        import socket, sys, threading, time
        bulk, idle = int(sys.argv[1]), int(sys.argv[2])
        def listener(port):
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", port)); l.listen(8); return l
        lb, li = listener(bulk), listener(idle)
        ic = socket.create_connection(("127.0.0.1", idle)); iserver, _ = li.accept()
        c = socket.create_connection(("127.0.0.1", bulk)); s, _ = lb.accept()
        def reader():
            while s.recv(1 << 16): pass
        threading.Thread(target=reader, daemon=True).start()
        print("ready", flush=True)
        chunk = b"x" * 16384; end = time.time() + 60
        while time.time() < end: c.sendall(chunk)
        time.sleep(300)
        """

    /// A bulk flow through a 1 Mbit/s token bucket: every 1500-byte segment takes 12 ms on the
    /// wire and the queue holds up to 400 ms, so the sender's smoothed RTT leaves the buckets
    /// up to 10 ms, while an idle connection through the same shaper keeps its handshake's
    /// RTT, tens of microseconds.
    ///
    /// The shaper is not lo's root qdisc: tbf there would shape the scrapes too (100 kB at
    /// 1 Mbit/s, dropped when the bulk flow fills the queue), and this kernel has neither prio
    /// nor netem. An HTB root passes everything unshaped (class 1:10, 10 Gbit/s) but what u32
    /// sends to class 1:20: the segments to the bulk and the idle port, which its tbf shapes.
    /// lo's MTU is 1500 in the namespace so tbf (burst 4 kB) takes the segments rather than
    /// dropping lo's 64 kB ones.
    @Test func queueingDelayMovesTheSendersRTTAndNotAnIdleConnections() throws {
        let (bulk, idle) = (25_301, 25_302)
        try HealthLab.with { lab in
            try lab.run(["ip", "link", "set", "dev", "lo", "mtu", "1500"])
            try lab.run(["tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10"])
            try lab.run(["tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit"])
            try lab.run(["tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", "10gbit"])
            try lab.run(["tc", "qdisc", "add", "dev", "lo", "parent", "1:20", "handle", "20:", "tbf",
                         "rate", "1mbit", "burst", "32kbit", "latency", "400ms"])
            for port in [bulk, idle] {
                try lab.run(["tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32",
                             "match", "ip", "protocol", "6", "0xff", "match", "ip", "dport", String(port), "0xffff",
                             "flowid", "1:20"])
            }
            try lab.startExporter()
            try lab.startPython("shaped", Self.shapedScript, [String(bulk), String(idle)])

            let rtt = "netstat_tcp_rtt_seconds"
            let senderCount = HealthLab.series(rtt + "_gcount", bulk, "outbound")
            let senderUpTo10ms = HealthLab.series(rtt + "_bucket", bulk, "outbound", le: "0.01")
            var scrape = try lab.scrape()
            let delayed = try waitUntil(timeout: 15, interval: 0.3) {
                scrape = try lab.scrape()
                return scrape[senderCount] == 1 && scrape[senderUpTo10ms] == 0
            }
            if !delayed {
                let qdiscs = try lab.run(["tc", "-s", "qdisc", "show", "dev", "lo"]), ss = try lab.run(["ss", "-tni"])
                let buckets = scrape.matching(rtt + "_bucket", ["port=\"\(bulk)\""])
                Issue.record("the sender's RTT stayed at or under 10 ms:\n\(buckets)\n\(qdiscs)\n\(ss)")
            }
            #expect(scrape[HealthLab.series(rtt + "_bucket", bulk, "outbound", le: "+Inf")] == 1)
            let senderSum = try #require(scrape[HealthLab.series(rtt + "_gsum", bulk, "outbound")])
            #expect(senderSum > 0.01)
            // The receiver only sends ACKs, unshaped: its RTT is the handshake's.
            #expect(scrape[HealthLab.series(rtt + "_gcount", bulk, "inbound")] == 1)
            #expect(scrape[HealthLab.series(rtt + "_bucket", bulk, "inbound", le: "0.001")] == 1)
            for direction in ["outbound", "inbound"] {
                let count = scrape[HealthLab.series(rtt + "_gcount", idle, direction)]
                #expect(count == 1, "idle \(direction)")
                #expect(scrape[HealthLab.series(rtt + "_bucket", idle, direction, le: "0.001")] == count, "idle \(direction)")
                #expect(try #require(scrape[HealthLab.series(rtt + "_gsum", idle, direction)]) < 0.001)
            }
            print("ConnectionHealthTests: shaped sender RTT \(senderSum) s, idle connection "
                  + "\(scrape[HealthLab.series(rtt + "_gsum", idle, "outbound")] ?? -1) s (client) / "
                  + "\(scrape[HealthLab.series(rtt + "_gsum", idle, "inbound")] ?? -1) s (server), "
                  + "bulk receiver \(scrape[HealthLab.series(rtt + "_gsum", bulk, "inbound")] ?? -1) s")
        }
    }

}
