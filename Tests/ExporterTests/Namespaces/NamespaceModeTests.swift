import Foundation
import Testing
import TestSupport

/// `--netns.all` on real namespaces: three sockfarm namespaces with different populations and
/// one bind-mount-only namespace, read by an exporter that runs in the first of them (so its own
/// namespace is quiet and exact too), through setns + netlink and through /proc/<pid>/net.
@Suite(.serialized) struct NamespaceModeTests {
    struct Population {
        let workers: Int
        let established: Int
        let closeWait: Int

        /// sockfarm's split: the first N mod P workers get one more.
        func share(_ total: Int, _ worker: Int) -> Int {
            total / workers + (worker < total % workers ? 1 : 0)
        }
    }

    static let populations = [Population(workers: 2, established: 5, closeWait: 3),
                              Population(workers: 1, established: 4, closeWait: 1),
                              Population(workers: 3, established: 2, closeWait: 4)]

    /// The farms (the exporter runs in the first), a namespace with no process, and the include
    /// pattern that names exactly them.
    struct Lab {
        let own: SocketFarm
        let others: [SocketFarm]
        let bare: TestSupport.TestNamespace
        var include: String { "nsmode\(getpid() % 100_000).*" }
    }

    static func withLab(_ body: (Lab) throws -> Void) throws {
        let prefix = "nsmode\(getpid() % 100_000)"
        try SocketFarm.with(workers: populations[0].workers, established: populations[0].established,
                            closeWait: populations[0].closeWait, prefix: prefix) { own in
            try SocketFarm.with(workers: populations[1].workers, established: populations[1].established,
                                closeWait: populations[1].closeWait, prefix: prefix) { second in
                try SocketFarm.with(workers: populations[2].workers, established: populations[2].established,
                                    closeWait: populations[2].closeWait, prefix: prefix) { third in
                    let bare = try TestSupport.TestNamespace(prefix: prefix + "bare")
                    defer { bare.delete() }
                    try body(Lab(own: own, others: [second, third], bare: bare))
                }
            }
        }
    }

    static func netns(_ farm: SocketFarm) -> String { "netns=\"\(farm.namespace)\"" }

    /// Every count the farm's population fixes, for one namespace's label (nil: the own one).
    static func expectExact(_ scrape: ScrapedMetrics, _ farm: SocketFarm, _ population: Population, label: String?,
                            backlog: Bool) {
        let netns = label.map { ",netns=\"\($0)\"" } ?? ""
        func tcp(_ state: String) -> Double? { scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"\(state)\"\(netns)}"] }
        // The exporter's own namespace also holds the scrapes' connections: only its farm's
        // ports are exact there.
        if label != nil {
            #expect(tcp("established") == Double(2 * population.established), "\(farm.namespace)")
            #expect(tcp("close_wait") == Double(population.closeWait), "\(farm.namespace)")
            #expect(tcp("fin_wait2") == Double(population.closeWait), "\(farm.namespace)")
            #expect(tcp("listen") == Double(population.workers), "\(farm.namespace)")
            #expect(tcp("syn_recv") == 0)
        }
        for worker in 0..<population.workers {
            let port = farm.basePort + worker
            let process = "farm\(worker)"
            // A worker with no socket of a kind has no series for it.
            func connections(_ state: String, _ direction: String, _ owner: String = process) -> Double {
                scrape["netstat_tcp_connections{state=\"\(state)\",direction=\"\(direction)\",port=\"\(port)\",process=\"\(owner)\"\(netns)}"] ?? 0
            }
            #expect(connections("established", "inbound") == Double(population.share(population.established, worker)))
            #expect(connections("established", "outbound") == Double(population.share(population.established, worker)))
            #expect(connections("close_wait", "inbound") == Double(population.share(population.closeWait, worker)))
            #expect(connections("fin_wait2", "outbound", "-") == Double(population.share(population.closeWait, worker)))
            let listener = "{address=\"127.0.0.1\",port=\"\(port)\",process=\"\(process)\"\(netns)}"
            #expect(scrape["netstat_tcp_listener_info" + listener] == 1)
            #expect(scrape["netstat_tcp_listen_queue_length" + listener] == 0)
            if backlog {
                #expect((scrape["netstat_tcp_listen_queue_max" + listener] ?? 0) > 0)
            } else {
                #expect(scrape["netstat_tcp_listen_queue_max" + listener] == nil)
            }
        }
    }

    /// The series a reader must agree on: socket counts and owners (not the counters, which move).
    static func socketSeries(_ scrape: ScrapedMetrics, _ netns: String) -> [String: Double] {
        let families = ["netstat_tcp_sockets{", "netstat_tcp_connections{", "netstat_tcp_listener_info{",
                        "netstat_tcp_listen_queue_length{", "netstat_udp_sockets{", "netstat_unix_sockets{",
                        "netstat_udp_listener_info{", "netstat_tcp_peer_connections{"]
        return scrape.series.filter { key, _ in
            key.contains("netns=\"\(netns)\"") && families.contains { key.hasPrefix($0) }
        }
    }

    @Test func everyNamespaceIsCountedExactlyThroughSetnsAndThroughProc() throws {
        try Self.withLab { lab in
            var seen: [String: [String: Double]] = [:]
            for reader in ["setns", "proc"] {
                let port = try lab.own.startExporter(["--netns.all", "--netns.include=\(lab.include)",
                                                      "--netns.reader=\(reader)"])
                let scrape = try lab.own.scrape(port)
                lab.own.stopExporter()
                Self.expectExact(scrape, lab.own, Self.populations[0], label: nil, backlog: true)
                for (farm, population) in zip(lab.others, Self.populations.dropFirst()) {
                    Self.expectExact(scrape, farm, population, label: farm.namespace, backlog: reader == "setns")
                    let info = scrape.matching("netstat_netns_info", [Self.netns(farm)])
                    #expect(info.count == 1 && info.keys.first?.contains("reader=\"\(reader)\"") == true, "\(info)")
                    let series = Self.socketSeries(scrape, farm.namespace)
                    if let earlier = seen[farm.namespace] {
                        #expect(series == earlier, "setns and /proc disagree on \(farm.namespace)")
                    }
                    seen[farm.namespace] = series
                }
                // The bind mount has no process: only setns reaches it.
                let bare = "netns=\"\(lab.bare.name)\""
                if reader == "setns" {
                    #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"listen\",\(bare)}"] == 0)
                    #expect(scrape.matching("netstat_netns_info", [bare]).count == 1)
                    #expect(scrape["netstat_netns_discovered"] == 3)
                } else {
                    #expect(scrape.matching("netstat_tcp_sockets", [bare]).isEmpty)
                    #expect(scrape["netstat_netns_read_failures_total{reason=\"unreachable\"}"] == 1)
                    #expect(scrape["netstat_netns_discovered"] == 3)
                }
                #expect(scrape["netstat_netns_folded"] == 0)
                // Routes are the host's alone.
                #expect(scrape.series.keys.filter { $0.hasPrefix("netstat_route") && $0.contains("netns=") }.isEmpty)
            }
        }
    }

    @Test func withoutSysAdminTheProcPathGivesTheSameCounts() throws {
        try Self.withLab { lab in
            let wrapper = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                           "--inh-caps=+sys_ptrace,+dac_read_search", "--ambient-caps=+sys_ptrace,+dac_read_search"]
            let port = try lab.own.startExporter(["--netns.all", "--netns.include=\(lab.include)"], wrapper: wrapper)
            let scrape = try lab.own.scrape(port)
            for (farm, population) in zip(lab.others, Self.populations.dropFirst()) {
                Self.expectExact(scrape, farm, population, label: farm.namespace, backlog: false)
                #expect(scrape.matching("netstat_netns_info", [Self.netns(farm), "reader=\"proc\""]).count == 1)
            }
            #expect(scrape["netstat_sockets_attribution_complete{netns=\"\(lab.others[0].namespace)\"}"] == 1)
            #expect(scrape["netstat_netns_read_failures_total{reason=\"setns_refused\"}"] == 0)
        }
    }

    @Test func theOwnNamespaceIsTheSameWithTheModeOnAndOff() throws {
        try Self.withLab { lab in
            var own: [[String: Double]] = []
            for flags in [[], ["--netns.all", "--netns.include=\(lab.include)"]] {
                let port = try lab.own.startExporter(flags)
                let scrape = try lab.own.scrape(port)
                lab.own.stopExporter()
                // The scrape's own connection and the TIME_WAITs of earlier ones are the only
                // sockets that differ from run to run.
                own.append(scrape.series.filter { key, _ in
                    !key.contains("netns") && ["netstat_tcp_connections{", "netstat_tcp_listener_info{",
                                               "netstat_udp_sockets{", "netstat_unix_sockets{"].contains { key.hasPrefix($0) }
                        && !key.contains("port=\"\(port)\"") && !key.contains("time_wait")
                })
            }
            #expect(own[0] == own[1])
            #expect(own[0].count > 10)
        }
    }

    @Test func namespacesBeyondTheMaximumAreSummedAsOther() throws {
        try Self.withLab { lab in
            let port = try lab.own.startExporter(["--netns.all", "--netns.include=\(lab.include)", "--netns.max=1"])
            let scrape = try lab.own.scrape(port)
            // The second farm holds 4 established pairs + 1 close-wait pair; the third 2 + 4
            // (and more unix sockets per worker): the third has the most sockets.
            let kept = lab.others[1].namespace
            #expect(scrape.matching("netstat_netns_info", []).count == 1)
            #expect(scrape.matching("netstat_netns_info", ["netns=\"\(kept)\""]).count == 1)
            #expect(scrape["netstat_netns_folded"] == 2)
            let established = "netstat_tcp_sockets{family=\"ipv4\",state=\"established\",netns=\"other\"}"
            #expect(scrape[established] == Double(2 * Self.populations[1].established))
            let listeners = "netstat_tcp_sockets{family=\"ipv4\",state=\"listen\",netns=\"other\"}"
            #expect(scrape[listeners] == Double(Self.populations[1].workers))
            #expect(scrape.matching("netstat_tcp_sockets", ["netns=\"\(lab.others[0].namespace)\""]).isEmpty)
            // Folded namespaces keep no process, port or address of their own: the `other` set has
            // the shape of one namespace however many are in it.
            #expect(scrape["netstat_tcp_listener_info{address=\"other\",port=\"other\",process=\"other\",netns=\"other\"}"]
                    == Double(Self.populations[1].workers))
            let folded = scrape.series.keys.filter { $0.contains("netns=\"other\"") }
            #expect(!folded.contains { $0.contains("process=\"farm") || $0.contains("port=\"2") }, "\(folded)")
        }
    }

    @Test func aDeletedNamespaceDisappearsAndNothingOfItIsHeld() throws {
        try Self.withLab { lab in
            let port = try lab.own.startExporter(["--netns.all", "--netns.include=\(lab.include)"])
            let pid = try #require(Int32(try lab.own.run(["pgrep", "-f", "listen-address=127.0.0.1:\(port)"])
                .split(separator: "\n").first ?? ""))
            // What it holds before any scrape (the listener, and whatever the test runner let
            // it inherit) is not the scrapes' doing.
            let before = Set(Self.descriptorLinks(pid))
            let first = try lab.own.scrape(port)
            let gone = lab.others[0].namespace
            #expect(!first.matching("netstat_tcp_sockets", ["netns=\"\(gone)\""]).isEmpty)
            lab.others[0].tearDown()
            let second = try lab.own.scrape(port)
            #expect(second.matching("netstat_tcp_sockets", ["netns=\"\(gone)\""]).isEmpty)
            #expect(second.matching("netstat_netns_info", ["netns=\"\(gone)\""]).isEmpty)
            #expect(second["netstat_netns_discovered"] == 2)

            // Between scrapes the exporter holds no namespace file and no socket of another
            // namespace: every socket it has is one its own namespace lists. (A scrape's
            // connection can linger unlisted for a moment after the client left: wait it out.)
            var links: [String] = []
            var unlisted: [String] = []
            for _ in 0..<50 {
                links = Self.descriptorLinks(pid)
                let listed = Self.ownSocketInodes(pid)
                unlisted = links.filter {
                    $0.hasPrefix("socket:[") && !before.contains($0) && !listed.contains(String($0.dropFirst(8).dropLast()))
                }
                if unlisted.isEmpty { break }
                usleep(100_000)
            }
            #expect(links.contains { $0.hasPrefix("socket:[") })
            #expect(links.filter { $0.hasPrefix("net:") }.isEmpty, "\(links)")
            #expect(unlisted.isEmpty, "sockets of no table of the exporter's own namespace: \(unlisted)")
        }
    }

    static func descriptorLinks(_ pid: Int32) -> [String] {
        let directory = "/proc/\(pid)/fd"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0)
        }
    }

    /// Where each socket table of /proc/<pid>/net keeps the inode, counted in whitespace-separated
    /// fields of a data line (the headers of tcp, udp and raw name two columns where the lines
    /// have one field, so the header cannot be used to find it).
    static let inodeField = ["tcp": 9, "tcp6": 9, "udp": 9, "udp6": 9, "raw": 9, "raw6": 9,
                             "unix": 6, "netlink": 9, "packet": 8]

    /// The inode column of every socket table of the process's namespace: that field of each data
    /// line (not every number on it: a port, queue length or uid could match a descriptor's inode).
    static func ownSocketInodes(_ pid: Int32) -> Set<String> {
        var inodes: Set<String> = []
        for (table, field) in inodeField {
            let text = (try? String(contentsOfFile: "/proc/\(pid)/net/\(table)", encoding: .utf8)) ?? ""
            inodes.formUnion(socketInodes(inTable: text, field: field))
        }
        return inodes
    }

    /// The `field`th whitespace-separated field of every line but the header, where it is a number.
    static func socketInodes(inTable text: String, field: Int) -> Set<String> {
        var inodes: Set<String> = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count > field, UInt64(fields[field]) != nil { inodes.insert(String(fields[field])) }
        }
        return inodes
    }

    /// The inode is taken from its column of each table, and no other number on the line counts.
    @Test func socketInodesAreReadFromTheInodeColumnOnly() {
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 471962 1 000000002bc93b6c 100 0 0 10 0
               1: 0100007F:B011 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 0 1 000000007ec7c232 20 4 30 10 -1
            """
        #expect(Self.socketInodes(inTable: tcp, field: Self.inodeField["tcp"]!) == ["471962", "0"])
        let unix = """
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000039197a72: 00000003 00000000 00000000 0001 03 470954
            00000000a1b2c3d4: 00000002 00000000 00010000 0001 01 470955 /run/12345.sock
            """
        #expect(Self.socketInodes(inTable: unix, field: Self.inodeField["unix"]!) == ["470954", "470955"])
        let netlink = """
            sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode
            000000004ba5b268 0   4242       00000000 0        0        0     2        0        9001
            """
        #expect(Self.socketInodes(inTable: netlink, field: Self.inodeField["netlink"]!) == ["9001"])
        let packet = """
            sk               RefCnt Type Proto  Iface R Rmem   User   Inode
            00000000deadbeef 3      3    88cc   2     1 0      0      777
            """
        #expect(Self.socketInodes(inTable: packet, field: Self.inodeField["packet"]!) == ["777"])
    }

    /// On this kernel, the columns are the right ones: a socket of each kind this process opens
    /// is listed under its descriptor's inode.
    @Test func socketInodesOfThisKernelsTablesIncludeOurOwnSockets() throws {
        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        for (domain, type) in [(AF_INET, Int32(SOCK_STREAM.rawValue)), (AF_INET, Int32(SOCK_DGRAM.rawValue)),
                               (AF_UNIX, Int32(SOCK_STREAM.rawValue)), (AF_NETLINK, Int32(SOCK_RAW.rawValue))] {
            let fd = socket(domain, type, 0)
            try #require(fd >= 0)
            opened.append(fd)
        }
        // A TCP socket is listed once it listens, a UDP one once bound.
        try #require(listen(opened[0], 1) == 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        try #require(withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(opened[1], $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0)
        // A netlink socket is listed once bound (nl_pid 0: the kernel picks one).
        // struct sockaddr_nl (Glibc's module lacks it): nl_family, pad, nl_pid, nl_groups.
        let netlink: [UInt16] = [UInt16(AF_NETLINK), 0, 0, 0, 0, 0]
        try #require(netlink.withUnsafeBytes {
            bind(opened[3], $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count))
        } == 0)
        let listed = Self.ownSocketInodes(getpid())
        for fd in opened {
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")
            #expect(listed.contains(String(link.dropFirst(8).dropLast())), "\(link) of fd \(fd)")
        }
    }
}
