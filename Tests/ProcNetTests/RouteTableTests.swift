import Testing
import TestSupport
@testable import ProcNet

@Suite struct RouteTableTests {
    func routes(_ text: String) -> ([IPv4Route], ParseSummary) {
        var routes: [IPv4Route] = []
        let summary = RouteTable.parse(Array(text.utf8)) { routes.append($0) }
        return (routes, summary)
    }

    @Test func parsesACapture() {
        let (rows, summary) = routes(RouteCaptures.route)
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 0)
        #expect(rows[0] == IPv4Route(device: "eth0", destination: .anyV4, gateway: .v4(0xC000_0201),
                                     mask: .anyV4, flags: 0x3, metric: 0))
        #expect(rows[0].isDefault)
        #expect(rows[0].gateway.description == "192.0.2.1")
        #expect(rows[1].destination.description == "192.0.2.0")
        #expect(rows[1].mask.description == "255.255.255.0")
        #expect(rows[1].gateway == .anyV4)
        #expect(rows[1].flags == 0x1)
        #expect(!rows[1].isDefault)
    }

    @Test func readsDeviceLessRoutesAndNegativeMetrics() {
        // `ip route add unreachable 10.9.0.0/16 metric 4294967295`: no device ("*"), RTF_REJECT,
        // and a metric the kernel prints with %d.
        let (rows, summary) = routes(RouteCaptures.procNetRoute([
            "*\t0000090A\t00000000\t0201\t0\t0\t-1\t0000FFFF\t0\t0\t0",
            "eth0\t0000000A\t00000000\t0001\t0\t0\t2147483648\t000000FF\t1500\t0\t0",
        ]))
        #expect(summary.skipped == 0)
        #expect(rows[0].device == "*")
        #expect(rows[0].destination.description == "10.9.0.0")
        #expect(rows[0].metric == UInt32.max)
        #expect(rows[0].flags == 0x201)
        #expect(rows[1].metric == 0x8000_0000)
    }

    @Test(arguments: [
        ("half line", "eth0\t0000000A\t00000000\t0001"),
        ("non-hex destination", "eth0\t0000000G\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0"),
        ("short destination", "eth0\t000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0"),
        ("IPv6-width gateway", "eth0\t0000000A\t0000000000000000000000000000000A\t0001\t0\t0\t0\t000000FF\t0\t0\t0"),
        ("non-numeric metric", "eth0\t0000000A\t00000000\t0001\t0\t0\tx\t000000FF\t0\t0\t0"),
        ("metric past 32 bits", "eth0\t0000000A\t00000000\t0001\t0\t0\t4294967296\t000000FF\t0\t0\t0"),
        ("twelve columns", "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\t0"),
        ("garbage", "\u{1}\u{2}\u{3} not a route"),
    ])
    func skipsAMalformedRowAndKeepsTheRest(name: String, bad: String) {
        let good = "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"
        let (rows, summary) = routes(RouteCaptures.procNetRoute([good, bad, good]))
        #expect(rows.count == 2, "\(name)")
        #expect(summary.skipped == 1, "\(name)")
        #expect(summary.firstProblem == "line 3: malformed route row", "\(name)")
    }

    @Test func rejectsAnEmptyOrHeaderlessFileAndAOneMegabyteLine() {
        #expect(routes("").1.firstProblem == "line 1: missing header line")
        #expect(routes("eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n").0.isEmpty)
        let (rows, summary) = routes(RouteCaptures.procNetRoute([String(repeating: "0", count: 1 << 20),
                                                    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0"]))
        #expect(rows.count == 1)
        #expect(summary.skipped == 1)
    }

    @Test func agreesWithIPRouteOnTheLiveHost() throws {
        let (rows, summary) = routes(String(decoding: try ProcFile.read("/proc/net/route"), as: UTF8.self))
        #expect(summary.skipped == 0)
        let shown = try Shell.run(["ip", "-4", "-o", "route", "show", "table", "main"]).stdout
        let lines = shown.split(separator: "\n")
        #expect(rows.count == lines.count)
        #expect(rows.filter(\.isDefault).count == lines.filter { $0.hasPrefix("default ") }.count)
    }
}
