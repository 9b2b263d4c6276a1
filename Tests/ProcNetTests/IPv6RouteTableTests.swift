import Testing
import TestSupport
@testable import ProcNet

@Suite struct IPv6RouteTableTests {
    func routes(_ text: String) -> ([IPv6Route], ParseSummary) {
        var routes: [IPv6Route] = []
        let summary = IPv6RouteTable.parse(Array(text.utf8)) { routes.append($0) }
        return (routes, summary)
    }

    @Test func parsesACapture() {
        let (rows, summary) = routes(RouteCaptures.ipv6Route)
        #expect(summary.parsed == 8)
        #expect(summary.skipped == 0)
        #expect(rows.map(\.device) == ["eth0", "eth0", "eth0", "lo", "eth0", "eth0", "eth0", "lo"])
        #expect(rows.map { "\($0.destination)/\($0.destinationPrefixLength)" } == [
            "fd00::/64", "fe80::/64", "::/0", "::1/128", "fd00::2/128", "fe80::fc:ff:fe00:1/128", "ff00::/8", "::/0",
        ])
        #expect(rows[2] == IPv6Route(
            destination: .anyV6, destinationPrefixLength: 0, source: .anyV6, sourcePrefixLength: 0,
            nextHop: .v6(high: 0xfd00_0000_0000_0000, low: 1), metric: 1024, flags: 0x3, device: "eth0"))
        #expect(rows[2].nextHop.description == "fd00::1")
        #expect(rows[7].metric == UInt32.max)
        #expect(rows[7].flags == 0x0020_0200)
    }

    @Test func tellsTheNullEntryAndLocalTableRoutesFromMainTableRoutes() {
        let (rows, _) = routes(RouteCaptures.ipv6Route)
        #expect(rows.map(\.isDefault) == [false, false, true, false, false, false, false, true])
        #expect(rows.map(\.isKernelNullEntry) == [false, false, false, false, false, false, false, true])
        #expect(rows.map(\.isLocalTableEntry) == [false, false, false, true, true, true, true, false])
    }

    @Test func readsARouteWithoutDevice() {
        let row = "20010db8000000000000000000000000 20 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000201         \n"
        let (rows, summary) = routes(row)
        #expect(summary.parsed == 1)
        #expect(rows.first?.device == "")
        #expect(rows.first?.destination.description == "2001:db8::")
        #expect(rows.first?.destinationPrefixLength == 32)
        #expect(rows.first?.isKernelNullEntry == false)
    }

    static let good = "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0"

    @Test(arguments: [
        ("half line", "fd000000000000000000000000000000 40 0000000000000000"),
        ("non-hex destination", "fd00000000000000000000000000000g 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0"),
        ("prefix past 128", "fd000000000000000000000000000000 81 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0"),
        ("short metric", "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 0100 00000001 00000000 00000001 eth0"),
        ("eleven fields", "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0 x"),
        ("an IPv4 route row", "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"),
        ("garbage", "\u{1}\u{2}\u{3} not a route"),
    ])
    func skipsAMalformedRowAndKeepsTheRest(name: String, bad: String) {
        let (rows, summary) = routes([Self.good, bad, Self.good].joined(separator: "\n"))
        #expect(rows.count == 2, "\(name)")
        #expect(summary.skipped == 1, "\(name)")
        #expect(summary.firstProblem == "line 2: malformed IPv6 route row", "\(name)")
    }

    @Test func survivesAnEmptyFileAndAOneMegabyteLine() {
        #expect(routes("").1 == ParseSummary())
        let (rows, summary) = routes(String(repeating: "f", count: 1 << 20) + "\n" + Self.good + "\n")
        #expect(rows.count == 1)
        #expect(summary.skipped == 1)
    }

    @Test func agreesWithIPRouteOnTheLiveHost() throws {
        let bytes = try ProcFile.read("/proc/net/ipv6_route")
        var rows: [IPv6Route] = []
        let summary = IPv6RouteTable.parse(bytes) { rows.append($0) }
        #expect(summary.skipped == 0)
        // ip lists every table but the null entry; the local table's routes say "table local".
        let shown = try Shell.run(["ip", "-6", "-o", "route", "show", "table", "all"]).stdout.split(separator: "\n")
        let mainRows = rows.filter { !$0.isKernelNullEntry && !$0.isLocalTableEntry }
        #expect(mainRows.count == shown.filter { !$0.contains(" table local ") }.count)
        #expect(rows.filter(\.isLocalTableEntry).count == shown.filter { $0.contains(" table local ") }.count)
        #expect(rows.filter(\.isKernelNullEntry).count >= 1)
        #expect(mainRows.filter(\.isDefault).count == shown.filter { $0.hasPrefix("default ") }.count)
    }
}
