import Foundation
import Testing
import TestSupport

/// Running with no more privilege than attribution needs, and touching nothing but what it
/// reads. (Running as nobody, without capabilities, is in SocketAttributionTests.)
@Suite(.serialized) struct LeastPrivilegeTests {
    static let warning = "Socket attribution will be incomplete"

    /// As nobody with exactly CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (ambient, so they survive
    /// the exec): every farm worker's sockets are named, and nothing is logged about capabilities.
    @Test func ptraceAndDacReadSearchAloneCompleteAttribution() throws {
        try SocketAttributionTests.farm { farm in
            let port = try farm.startExporter(wrapper: [
                "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                "--inh-caps=+sys_ptrace,+dac_read_search", "--ambient-caps=+sys_ptrace,+dac_read_search",
            ])
            let scrape = try farm.scrape(port)
            #expect(scrape["netstat_sockets_attribution_complete"] == 1)
            #expect(scrape["netstat_scrape_collector_success{collector=\"sockets\"}"] == 1)
            for worker in 0..<4 {
                let listenPort = farm.basePort + worker
                let name = "farm\(worker)"
                #expect(scrape[SocketFarm.connections("established", "inbound", listenPort, name)]
                        == Double(SocketAttributionTests.established[worker]))
                #expect(scrape[SocketFarm.connections("close_wait", "inbound", listenPort, name)]
                        == Double(SocketAttributionTests.closeWait[worker]))
                #expect(scrape["netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"\(listenPort)\",process=\"\(name)\"}"] == 1)
            }
            #expect(scrape.matching("netstat_tcp_connections", ["process=\"unknown\""]).isEmpty)
            #expect(!farm.exporterLog.contains(Self.warning), "\(farm.exporterLog)")
            // The capability check itself saw the sets it was given: nobody, with just the two.
            let status = try farm.run(["cat", "/proc/\(try exporterPid(farm))/status"])
            #expect(status.contains("Uid:\t65534"), "\(status)")
            #expect(status.contains("CapEff:\t0000000000080004"), "\(status)")
        }
    }

    /// strace of the exporter's whole life (start, three scrapes of every collector with the
    /// user label, SIGTERM): every file it opens is read-only and in /proc, /sys, its web config,
    /// a shared library the loader maps at start, the NSS user database the `user` label looks
    /// names up in, or glibc's /etc/localtime; it never creates, truncates, renames, links,
    /// chmods or removes anything.
    @Test(.timeLimit(.minutes(2)))
    func opensOnlyProcSysAndItsConfigAndWritesNothing() throws {
        try SocketAttributionTests.farm { farm in
            let directory = try Fixtures.temporaryDirectory("suite-strace")
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("web.yml").path
            try "http_server_config:\n  headers:\n    X-Frame-Options: deny\n".write(toFile: config, atomically: true, encoding: .utf8)
            let trace = directory.appendingPathComponent("trace").path
            let port = try farm.startExporter(["--web.config.file=\(config)", "--collector.sockets.user"], wrapper: [
                "strace", "-f", "-qq", "-o", trace,
                "-e", "trace=open,openat,openat2,creat,mkdir,mkdirat,unlink,unlinkat,rename,renameat,renameat2,"
                    + "truncate,ftruncate,link,linkat,symlink,symlinkat,chmod,fchmodat,chown,fchownat",
            ])
            for _ in 0..<3 {
                let scrape = try farm.scrape(port)
                #expect(scrape["netstat_scrape_collector_success{collector=\"sockets\"}"] == 1)
            }
            let strace = try #require(farm.lastStarted)
            kill(try exporterPid(farm), SIGTERM)
            #expect(strace.waitUntilExit(seconds: 15), "strace did not end after the exporter's SIGTERM")
            let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
            let opens = lines.compactMap(TracedOpen.init)
            #expect(opens.count > 100, "too few opens traced: \(lines.prefix(5))")
            #expect(opens.contains { $0.path == config })
            #expect(opens.contains { $0.path.hasPrefix("/proc/") && $0.path.hasSuffix("/fd") })
            #expect(opens.contains { $0.path.hasPrefix("/sys/class/net/") })
            for open in opens {
                #expect(open.isReadOnly, "opened for writing: \(open.line)")
                #expect(open.isAllowed(config: config), "opened outside /proc, /sys and its config: \(open.line)")
            }
            let writes = lines.filter { line in
                guard let name = TracedOpen.syscall(line) else { return false }
                return !["open", "openat", "openat2"].contains(name)
            }
            #expect(writes.isEmpty, "\(writes)")
        }
    }

    /// The exporter's pid: the one process in the namespace running netstat_exporter.
    func exporterPid(_ farm: SocketFarm) throws -> Int32 {
        let pids = try farm.checked(["ip", "netns", "pids", farm.namespace]).split(separator: "\n")
        for pid in pids {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            if comm.hasPrefix("netstat_exporte"), let value = Int32(pid) { return value }
        }
        throw Shell.Failure(description: "no exporter among \(pids)")
    }
}

/// One open/openat line of `strace -f -qq`: `PID openat(AT_FDCWD, "/proc/1/fd", O_RDONLY|…) = 5`.
struct TracedOpen {
    let line: String
    let path: String
    let flags: String

    init?(_ line: Substring) {
        guard let name = TracedOpen.syscall(line), ["open", "openat", "openat2"].contains(name),
              let firstQuote = line.firstIndex(of: "\"") else { return nil }
        let rest = line[line.index(after: firstQuote)...]
        guard let closing = rest.firstIndex(of: "\"") else { return nil }
        self.line = String(line)
        path = String(rest[..<closing])
        flags = String(rest[rest.index(after: closing)...].prefix { $0 != ")" && $0 != "<" })
    }

    /// The syscall a line records (after the pid), or nil for signals, exits and resumptions.
    static func syscall(_ line: Substring) -> String? {
        let fields = line.split(separator: " ", maxSplits: 1)
        guard fields.count == 2 else { return nil }
        let call = fields[1].drop { $0 == " " }
        guard let open = call.firstIndex(of: "(") else { return nil }
        let name = call[..<open]
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(name)
    }

    var isReadOnly: Bool {
        flags.contains("O_RDONLY") && !["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"].contains { flags.contains($0) }
    }

    func isAllowed(config: String) -> Bool {
        if path == "/proc" || path.hasPrefix("/proc/") || path.hasPrefix("/sys/") || path == config { return true }
        // The dynamic loader at start: its cache and the shared libraries it searches for.
        if path == "/etc/ld.so.cache" || path.hasSuffix(".so") || path.contains(".so.") { return true }
        // getpwuid for the user label reads the NSS configuration and the user database; glibc
        // reads its time zone once (tzset) when a time is first formatted.
        return ["/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/localtime"].contains(path)
    }
}
