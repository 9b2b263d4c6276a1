import Foundation
import Namespaces
import ProcNet
import Testing
import TestSupport
import Exposition
@testable import Collectors

@Suite struct RoutesCollectorTests {
    static func collect(route: String?, ipv6Route: String?) throws -> (MetricSet, CollectorReport, ProcPaths) {
        let root = try Fixtures.temporaryDirectory("routes")
        defer { try? FileManager.default.removeItem(at: root) }
        if let route { try Fixtures.write(route, to: "net/route", in: root) }
        if let ipv6Route { try Fixtures.write(ipv6Route, to: "net/ipv6_route", in: root) }
        let paths = ProcPaths(procfs: root.path, sysfs: root.path)
        var metrics = MetricSet()
        var report = CollectorReport()
        (metrics, report) = CollectorRun.once(RoutesCollector(), paths: paths)
        return (metrics, report, paths)
    }

    @Test func countsMainTableRoutesAndDefaultsOfBothFamilies() throws {
        let (metrics, report, _) = try Self.collect(route: RouteCaptures.route, ipv6Route: RouteCaptures.ipv6Route)
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(metrics.renderedSeries("netstat_routes") == [
            "netstat_routes{family=\"ipv4\",device=\"eth0\"} 2",
            "netstat_routes{family=\"ipv6\",device=\"eth0\"} 3",
        ])
        // The null entry `::/0 … 00200200 lo` is not a default route.
        #expect(metrics.renderedSeries("netstat_route_default_info") == [
            "netstat_route_default_info{family=\"ipv4\",device=\"eth0\",gateway=\"192.0.2.1\"} 1",
            "netstat_route_default_info{family=\"ipv6\",device=\"eth0\",gateway=\"fd00::1\"} 1",
        ])
        #expect(metrics.families["netstat_routes"]?.type == .gauge)
    }

    @Test func spellsAMissingGatewayAsTheUnspecifiedAddress() throws {
        let route = RouteCaptures.procNetRoute([
            "*\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0",
            "wg0\t00000000\t00000000\t0001\t0\t0\t100\t00000000\t0\t0\t0",
            "wg0\t00000000\t00000000\t0001\t0\t0\t200\t00000000\t0\t0\t0",
        ])
        let ipv6Route = """
            00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000001      wg0
            20010db8000000000000000000000000 20 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000201         

            """
        let (metrics, _, _) = try Self.collect(route: route, ipv6Route: ipv6Route)
        #expect(metrics.renderedSeries("netstat_route_default_info") == [
            "netstat_route_default_info{family=\"ipv4\",device=\"*\",gateway=\"0.0.0.0\"} 1",
            "netstat_route_default_info{family=\"ipv4\",device=\"wg0\",gateway=\"0.0.0.0\"} 1",
            "netstat_route_default_info{family=\"ipv6\",device=\"wg0\",gateway=\"::\"} 1",
        ])
        #expect(metrics.renderedSeries("netstat_routes") == [
            "netstat_routes{family=\"ipv4\",device=\"*\"} 1",
            "netstat_routes{family=\"ipv4\",device=\"wg0\"} 2",
            "netstat_routes{family=\"ipv6\",device=\"*\"} 1",
            "netstat_routes{family=\"ipv6\",device=\"wg0\"} 1",
        ])
    }

    @Test func treatsAMissingIPv6TableAsNoDataAndAMissingIPv4TableAsFailure() throws {
        let (ipv4Only, ipv4Report, _) = try Self.collect(route: RouteCaptures.route, ipv6Route: nil)
        #expect(ipv4Report.succeeded)
        #expect(ipv4Only.renderedSeries("netstat_routes") == ["netstat_routes{family=\"ipv4\",device=\"eth0\"} 2"])

        let (ipv6Only, failed, paths) = try Self.collect(route: nil, ipv6Route: RouteCaptures.ipv6Route)
        #expect(failed.failures == ["\(paths.proc("net/route")): no such file"])
        #expect(ipv6Only.renderedSeries("netstat_routes") == ["netstat_routes{family=\"ipv6\",device=\"eth0\"} 3"])
    }

    @Test func countsMalformedRowsAndEmptyFiles() throws {
        let route = RouteCaptures.route + "eth0\t0000000A\n" + String(repeating: "x", count: 1 << 20) + "\n"
        let (metrics, report, paths) = try Self.collect(route: route, ipv6Route: "garbage\n" + RouteCaptures.ipv6Route)
        #expect(report.succeeded)
        #expect(report.skippedLines == 3)
        #expect(report.firstSkip == "\(paths.proc("net/route")): line 4: malformed route row")
        #expect(metrics.value("netstat_routes", [Label("family", "ipv4"), Label("device", "eth0")]) == .unsigned(2))
        #expect(metrics.value("netstat_routes", [Label("family", "ipv6"), Label("device", "eth0")]) == .unsigned(3))

        let (empty, emptyReport, _) = try Self.collect(route: "", ipv6Route: "")
        #expect(emptyReport.succeeded)
        #expect(emptyReport.skippedLines == 1)
        #expect(empty.renderedSeries("netstat_routes") == [])
    }

    /// The live kernel's tables, compared with `ip route` in a namespace of our own that holds
    /// known routes of both families (a veth pair with an IPv4 and an IPv6 address and a default
    /// route each), read through /proc/<pid>/net of a process inside it. IPv6 is required: a
    /// kernel without it fails here rather than passing on two empty lists.
    @Test func agreesWithIPRouteOnTheLiveKernel() throws {
        let netns = try TestNamespace(prefix: "suiter")
        defer { netns.delete() }
        for command in [["ip", "link", "add", "suitert0", "type", "veth", "peer", "name", "suitert1"],
                        ["ip", "link", "set", "suitert0", "up"], ["ip", "link", "set", "suitert1", "up"],
                        ["ip", "addr", "add", "10.77.0.1/24", "dev", "suitert0"],
                        ["ip", "addr", "add", "fd00:77::1/64", "dev", "suitert0", "nodad"],
                        ["ip", "route", "add", "default", "via", "10.77.0.2", "dev", "suitert0"],
                        ["ip", "-6", "route", "add", "default", "via", "fd00:77::2", "dev", "suitert0"]] {
            let result = try netns.run(command)
            try #require(result.status == 0, "\(command): \(result.stderr)")
        }
        let sleeper = try NamespaceSleeper(netns)
        defer { sleeper.stop() }
        try #require(FileManager.default.fileExists(atPath: sleeper.procfs + "/net/ipv6_route"),
                     "IPv6 is off in this kernel: the IPv6 route check cannot run")
        var metrics = MetricSet()
        var report = CollectorReport()
        (metrics, report) = CollectorRun.once(RoutesCollector(), paths: ProcPaths(procfs: sleeper.procfs))
        #expect(report.succeeded)
        for family in ["ipv4", "ipv6"] {
            // Every table but local (ip -4 lists main only, as /proc/net/route does), one route a line.
            let arguments = family == "ipv4" ? ["ip", "-4", "-o", "route", "show", "table", "main"]
                                             : ["ip", "-6", "-o", "route", "show", "table", "all"]
            let lines = try netns.run(arguments).stdout.split(separator: "\n").filter { !$0.contains(" table local ") }
            var expected: [String: Int] = [:]
            for line in lines {
                let words = line.split(separator: " ")
                let device = words.firstIndex(of: "dev").map { String(words[$0 + 1]) } ?? "*"
                expected[device, default: 0] += 1
            }
            // What the namespace must hold: the subnet and the default route, on suitert0.
            #expect((expected["suitert0"] ?? 0) >= 2, "\(family): \(lines)")
            for (device, count) in expected {
                #expect(metrics.value("netstat_routes", [Label("family", family), Label("device", device)])
                        == .unsigned(UInt64(count)), "\(family) \(device)")
            }
            let exported = metrics.families["netstat_routes"]?.samples.filter { $0.labels[0].value == family }
            #expect(exported?.count == expected.count, "\(family)")
            let defaults = metrics.families["netstat_route_default_info"]?.samples.filter { $0.labels[0].value == family }
            #expect(defaults?.count == 1, "\(family)")
        }
    }
}
