import Foundation
import Testing
import TestSupport

/// `--netns.all` run as nobody with no capabilities (setpriv drops them all): it cannot read root's
/// processes' /proc/<pid>/ns/net or call setns, so namespaces go missing. It says so once at start
/// and exports which capabilities are missing; root, with the same flags, finds every namespace.
/// Two namespaces of the test's own: one kept by a bind mount (`ip netns add`, with a root `sleep`
/// in it), one held only by a root process (`unshare --net sleep`), which nobody cannot see at all.
@Suite(.serialized) struct NamespaceCapabilityTests {
    static let warning = "--netns.all will miss namespaces: missing capabilities"
    static let nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                         "--bounding-set=-all"]

    /// The namespaces, and the include pattern that names exactly them.
    static func withNamespaces(_ body: (_ include: String) throws -> Void) throws {
        let mounted = try TestNamespace(prefix: "nscaps")
        defer { mounted.delete() }
        let sleeper = try NamespaceSleeper(mounted, seconds: 60)
        defer { sleeper.stop() }
        let unmounted = try ChildProcess(["unshare", "--net", "sleep", "60"])
        defer {
            unmounted.send(SIGKILL)
            unmounted.waitUntilExit()
        }
        let own = try #require(Self.inode("/proc/self/ns/net"))
        var inode: UInt64?
        #expect(waitUntil(timeout: 10, interval: 0.01) {
            inode = Self.inode("/proc/\(unmounted.pid)/ns/net")
            return inode != nil && inode != own
        })
        try body("\(mounted.name)|inode:\(try #require(inode))")
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    static func flags(_ include: String) -> [String] {
        ["--web.listen-address=127.0.0.1:0", "--netns.all", "--netns.include=\(include)",
         "--collector.disable-defaults", "--collector.sockstat"]
    }

    static func scrape(_ exporter: RunningExporter) throws -> ScrapedMetrics {
        let response = try CurlResponse.get(["\(exporter.base)/metrics"])
        #expect(response.status == 200)
        return ScrapedMetrics(response.text)
    }

    static func missing(_ scrape: ScrapedMetrics, _ capability: String) -> Double? {
        scrape["netstat_netns_capability_missing{capability=\"\(capability)\"}"]
    }

    @Test(arguments: ExporterBuild.allCases)
    func withoutCapabilitiesItSaysOnceWhatIsMissingAndExportsWhy(build: ExporterBuild) throws {
        let binary = try build.binary()
        try Self.withNamespaces { include in
            let exporter = try RunningExporter(Self.flags(include), prefix: Self.nobody, binary: binary)
            defer { exporter.stop() }
            let status = try String(contentsOfFile: "/proc/\(exporter.pid)/status", encoding: .utf8)
            #expect(status.contains("Uid:\t65534") && status.contains("CapEff:\t0000000000000000"), "\(status)")
            let first = try Self.scrape(exporter)
            let second = try Self.scrape(exporter)
            for scrape in [first, second] {
                #expect(Self.missing(scrape, "CAP_SYS_PTRACE") == 1)
                // The default reader, auto, reads through /proc/<pid>/net without it: not needed.
                #expect(Self.missing(scrape, "CAP_SYS_ADMIN") == nil)
                // Only the bind mount is found; with no process nobody can see in it and no
                // setns, it is not read.
                #expect(scrape["netstat_netns_discovered"] == 1)
                #expect(scrape.matching("netstat_netns_info", []).isEmpty)
            }
            #expect(first["netstat_netns_read_failures_total{reason=\"unreachable\"}"] == 1)
            #expect(second["netstat_netns_read_failures_total{reason=\"unreachable\"}"] == 2)
            let lines = exporter.stderr.split(separator: "\n").filter { $0.contains(Self.warning) }
            #expect(lines.count == 1, "\(exporter.stderr)")
            #expect(lines.first?.contains("level=WARN") == true)
            #expect(lines.first?.contains(Self.warning + " CAP_SYS_PTRACE; namespaces of other users' processes are not found")
                    == true, "\(lines)")
            #expect(lines.first?.contains("AmbientCapabilities=CAP_SYS_PTRACE)") == true, "\(lines)")
        }
    }

    /// Asked for setns as nobody: CAP_SYS_ADMIN is missing too; the refused setns is counted and
    /// the bind mount, with no process to read it through, is unreachable.
    @Test func theSetnsReaderAlsoNamesSysAdmin() throws {
        try Self.withNamespaces { include in
            let exporter = try RunningExporter(Self.flags(include) + ["--netns.reader=setns"], prefix: Self.nobody)
            defer { exporter.stop() }
            let scrape = try Self.scrape(exporter)
            #expect(Self.missing(scrape, "CAP_SYS_PTRACE") == 1)
            #expect(Self.missing(scrape, "CAP_SYS_ADMIN") == 1)
            #expect(scrape["netstat_netns_discovered"] == 1)
            #expect(scrape["netstat_netns_read_failures_total{reason=\"setns_refused\"}"] == 1)
            #expect(scrape["netstat_netns_read_failures_total{reason=\"unreachable\"}"] == 1)
            let lines = exporter.stderr.split(separator: "\n").filter { $0.contains(Self.warning) }
            #expect(lines.count == 1, "\(exporter.stderr)")
            #expect(lines.first?.contains(Self.warning + " CAP_SYS_PTRACE, CAP_SYS_ADMIN;") == true, "\(lines)")
        }
    }

    /// The control: root finds both namespaces, enters them, and has nothing to say.
    @Test func withTheCapabilitiesNothingIsMissing() throws {
        try Self.withNamespaces { include in
            let exporter = try RunningExporter(Self.flags(include))
            defer { exporter.stop() }
            let scrape = try Self.scrape(exporter)
            #expect(Self.missing(scrape, "CAP_SYS_PTRACE") == 0)
            #expect(Self.missing(scrape, "CAP_SYS_ADMIN") == nil)
            #expect(scrape["netstat_netns_discovered"] == 2)
            #expect(scrape.matching("netstat_netns_info", ["reader=\"setns\""]).count == 2)
            #expect(scrape["netstat_netns_read_failures_total{reason=\"unreachable\"}"] == 0)
            #expect(!exporter.stderr.contains("--netns.all will miss namespaces"), "\(exporter.stderr)")
        }
    }
}
