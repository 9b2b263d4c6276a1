import Testing
import TestSupport
@testable import ProcNet

@Suite struct NetDevTableTests {
    func devices(_ bytes: [UInt8]) -> ([NetDevice], ParseSummary) {
        var devices: [NetDevice] = []
        let summary = NetDevTable.parse(bytes) { devices.append($0) }
        return (devices, summary)
    }

    func devices(_ text: String) -> ([NetDevice], ParseSummary) {
        devices(Array(text.utf8))
    }

    static let header = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed

        """
    /// Every column a different value, so a column mapped to the wrong counter shows.
    static let distinctRow = "  eth0:       1       2    3    4    5     6          7         8        9      10   11   12   13    14      15         16\n"

    /// A real capture (Tests/Fixtures/README.md, debian12/proc-nonutf8-ifname): a veth named
    /// with the bytes ff fe before "veth", which are not UTF-8. The name keeps its bytes (sysfs
    /// names the device's directory with them) and its label escapes them.
    @Test func keepsTheBytesOfANameThatIsNotUTF8() throws {
        let (rows, summary) = devices(try Fixtures.bytes("debian12/proc-nonutf8-ifname/net/dev"))
        #expect(summary.parsed == 3)
        #expect(summary.skipped == 0)
        #expect(rows.map(\.name) == ["lo", "peer0", "\\xff\\xfeveth"])
        #expect(rows[2].device.bytes == [0xff, 0xfe] + Array("veth".utf8))
        #expect(rows[2][.receiveBytes] == 266)
        #expect(rows[2][.transmitPackets] == 3)
        #expect(rows[1].device.bytes == Array("peer0".utf8))
    }

    @Test func parsesTheProcfsFixture() throws {
        let (rows, summary) = devices(try Fixtures.bytes("procfs/proc/net/dev"))
        #expect(summary.parsed == 4)
        #expect(summary.skipped == 0)
        #expect(rows.map(\.name) == ["vethf345468", "lo", "docker0", "eth0"])
        #expect(rows[0].counters == [648, 8, 0, 0, 0, 0, 0, 0, 438, 5, 0, 0, 0, 0, 0, 0])
        #expect(rows[1][.receiveBytes] == 1_664_039_048)
        #expect(rows[1][.receivePackets] == 1_566_805)
        #expect(rows[1][.transmitBytes] == 1_664_039_048)
        #expect(rows[1][.transmitPackets] == 1_566_805)
        #expect(rows[2].counters == [2568, 38, 0, 0, 0, 0, 0, 0, 438, 5, 0, 0, 0, 0, 0, 0])
        #expect(rows[3][.receiveBytes] == 874_354_587)
        #expect(rows[3][.receivePackets] == 1_036_395)
        #expect(rows[3][.transmitBytes] == 563_352_563)
        #expect(rows[3][.transmitPackets] == 732_147)
    }

    @Test func parsesThePerProcessFixture() throws {
        let (rows, summary) = devices(try Fixtures.bytes("procfs/proc-pid-26231/net/dev"))
        #expect(summary.parsed == 2)
        #expect(summary.skipped == 0)
        #expect(rows[0] == NetDevice(name: "lo", counters: Array(repeating: 0, count: 16)))
        #expect(rows[1] == NetDevice(name: "eth0", counters: [438, 5, 0, 0, 0, 0, 0, 0, 648, 8, 0, 0, 0, 0, 0, 0]))
    }

    @Test func mapsEveryColumnToItsCounter() {
        let (rows, _) = devices(Self.header + Self.distinctRow)
        let expected: [(NetDevCounter, UInt64)] = [
            (.receiveBytes, 1), (.receivePackets, 2), (.receiveErrors, 3), (.receiveDropped, 4),
            (.receiveFIFOErrors, 5), (.receiveFrameErrors, 6), (.receiveCompressed, 7), (.receiveMulticast, 8),
            (.transmitBytes, 9), (.transmitPackets, 10), (.transmitErrors, 11), (.transmitDropped, 12),
            (.transmitFIFOErrors, 13), (.transmitCollisions, 14), (.transmitCarrierErrors, 15),
            (.transmitCompressed, 16),
        ]
        for (counter, value) in expected {
            #expect(rows.first?[counter] == value, "\(counter)")
        }
    }

    @Test func splitsTheNameAtTheLastColon() {
        // Older kernels print "%6s:%8llu": a byte count of 8+ digits touches the colon.
        let text = Self.header
            + "  eth0:123456789 2 0 0 0 0 0 0 18446744073709551615 4 0 0 0 0 0 0\n"
            + "eth0:1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
        let (rows, summary) = devices(text)
        #expect(summary.skipped == 0)
        #expect(rows.map(\.name) == ["eth0", "eth0:1"])
        #expect(rows[0][.receiveBytes] == 123_456_789)
        #expect(rows[0][.transmitBytes] == UInt64.max)
        #expect(rows[1][.transmitCompressed] == 16)
    }

    @Test(arguments: [
        ("half line", "  eth1:       1       2    3    4"),
        ("seventeen counters", "  eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"),
        ("fifteen counters", "  eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"),
        ("non-numeric counter", "  eth1: 1 2 3 4 5 6 7 x 9 10 11 12 13 14 15 16"),
        ("negative counter", "  eth1: 1 2 3 4 5 6 7 -8 9 10 11 12 13 14 15 16"),
        ("overflowing counter", "  eth1: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
        ("no colon", "  eth1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
        ("no name", "     : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16"),
        ("garbage", "\u{1}\u{2}\u{3} not a device"),
    ])
    func skipsAMalformedRowAndKeepsTheRest(name: String, bad: String) {
        let (rows, summary) = devices(Self.header + Self.distinctRow + bad + "\n" + Self.distinctRow)
        #expect(rows.count == 2, "\(name)")
        #expect(summary.skipped == 1, "\(name)")
        #expect(summary.firstProblem == "line 4: malformed device row", "\(name)")
        #expect(rows.allSatisfy { $0.counters == Array(1...16) }, "\(name)")
    }

    @Test func rejectsAFileWithoutTheHeaderLines() {
        let (empty, emptySummary) = devices("")
        #expect(empty.isEmpty)
        #expect(emptySummary.skipped == 1)
        #expect(emptySummary.firstProblem == "line 1: missing the two header lines")
        let (headless, headlessSummary) = devices(Self.distinctRow + Self.distinctRow)
        #expect(headless.isEmpty)
        #expect(headlessSummary.skipped == 1)
    }

    @Test func skipsAOneMegabyteLine() {
        let huge = String(repeating: "9", count: 1 << 20)
        let (rows, summary) = devices(Self.header + "eth1: " + huge + "\n" + Self.distinctRow)
        #expect(rows.map(\.name) == ["eth0"])
        #expect(summary.skipped == 1)
    }

    @Test func acceptsALastRowWithoutNewline() {
        let (rows, summary) = devices(Self.header + String(Self.distinctRow.dropLast()))
        #expect(summary.parsed == 1)
        #expect(rows.first?[.transmitCompressed] == 16)
    }

    @Test func readsTheLiveFileWithLoopback() throws {
        let (rows, summary) = devices(try ProcFile.read("/proc/net/dev"))
        #expect(summary.skipped == 0)
        let names = rows.map(\.name)
        #expect(names.contains("lo"))
        let live = try Shell.run(["ip", "-o", "link", "show"]).stdout
        #expect(names.count == live.split(separator: "\n").count)
    }
}
