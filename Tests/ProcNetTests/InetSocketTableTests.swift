import Testing
import TestSupport
@testable import ProcNet

@Suite struct InetSocketTableTests {
    func rows(_ bytes: [UInt8]) -> ([InetSocket], ParseSummary) {
        var rows: [InetSocket] = []
        let summary = InetSocketTable.parse(bytes) { rows.append($0) }
        return (rows, summary)
    }

    func rows(_ text: String) -> ([InetSocket], ParseSummary) {
        rows(Array(text.utf8))
    }

    @Test func parsesTheIPv4TCPFixture() throws {
        let (sockets, summary) = rows(try Fixtures.bytes("procfs/proc/net/tcp"))
        #expect(summary.parsed == 3)
        #expect(summary.skipped == 0)
        #expect(sockets[0] == InetSocket(
            localAddress: .v4(0x0A00_0005), localPort: 22, remoteAddress: .anyV4, remotePort: 0,
            state: 0x0A, sendQueue: 0, receiveQueue: 1, uid: 0, inode: 2740, drops: nil))
        #expect(sockets[0].localAddress.description == "10.0.0.5")
        #expect(sockets[1].localAddress.description == "0.0.0.0")
        #expect((sockets[1].sendQueue, sockets[1].receiveQueue) == (1, 0))
        #expect((sockets[2].sendQueue, sockets[2].receiveQueue) == (1, 1))
    }

    @Test func parsesTheIPv6FixtureWithDropsColumn() throws {
        let (sockets, summary) = rows(try Fixtures.bytes("procfs/proc/net/tcp6"))
        #expect(summary.parsed == 2)
        #expect(sockets[0].localAddress == .anyV6)
        #expect(sockets[0].localPort == 5355)
        #expect(sockets[0].state == 7)
        #expect(sockets[0].uid == 981)
        #expect(sockets[0].inode == 21040)
        #expect(sockets[0].drops == 0)
        #expect(sockets[1].localAddress.description == "fe80::56e1:adff:fe7c:6609")
        #expect(sockets[1].localPort == 51073)
        #expect(sockets[1].uid == 1000)
        #expect(sockets[1].inode == 11_337_031)
    }

    @Test func readsUDPQueuesFromTheNodeExporterCapture() throws {
        let (sockets, summary) = rows(try Fixtures.bytes("node_exporter/proc/net/udp"))
        #expect(summary.skipped == 0)
        #expect(sockets.count == summary.parsed)
        #expect(sockets.first?.sendQueue == 0x15)
        #expect(sockets.first?.receiveQueue == 0)
    }

    @Test func skipsTheBrokenUDPTableRowAndCountsIt() throws {
        let (sockets, summary) = rows(try Fixtures.bytes("procfs/proc/net/udp_broken"))
        #expect(sockets.isEmpty)
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 2: malformed socket row")
    }

    static let header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    static let goodRow = "   0: 0100007F:1F90 0100007F:D431 01 00000010:00000020 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0\n"

    @Test(arguments: [
        ("half line", "   1: 0100007F:1F90 0100007F:D4"),
        ("non-hex address", "   1: 0100007G:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000 0 0 1 1"),
        ("non-hex state", "   1: 0100007F:1F90 0100007F:D431 0Z 00000000:00000000 00:00000000 00000000 0 0 1 1"),
        ("missing inode", "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000 0 0"),
        ("decimal uid overflow", "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000 99999999999 0 1 1"),
        ("garbage", "\u{1}\u{2}\u{3} not a socket"),
    ])
    func skipsAMalformedRowAndKeepsTheRest(name: String, bad: String) {
        let (sockets, summary) = rows(Self.header + Self.goodRow + bad + "\n" + Self.goodRow)
        #expect(sockets.count == 2, "\(name)")
        #expect(summary.skipped == 1, "\(name)")
        #expect(sockets[0].remotePort == 0xD431)
        #expect(sockets[0].state == 1)
        #expect(sockets[0].sendQueue == 16 && sockets[0].receiveQueue == 32)
    }

    /// Found by the fuzzer (fuzz/run.sh, inet-socket-table): an IPv6 local endpoint with an IPv4
    /// remote one was accepted as a socket of no single family. The row as the fuzzer wrote it.
    @Test func skipsARowMixingIPv6AndIPv4Endpoints() {
        let mixed = "   1: 0000000000080FE00000000FFADE1560:0016 00000000:0000 0A 00000001:00000000 "
            + "00:00000000 00000000     0        0 2740 1 ffff88003d3af3c0 100 0 0"
        let (sockets, summary) = rows(Self.header + mixed + "\n" + Self.goodRow)
        #expect(sockets.count == 1)
        #expect(sockets[0].inode == 4242)
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 2: malformed socket row")
    }

    @Test func rejectsAFileWithoutHeader() {
        let (sockets, summary) = rows("")
        #expect(sockets.isEmpty)
        #expect(summary.skipped == 1)
        #expect(summary.firstProblem == "line 1: missing header line")
        #expect(rows(Self.goodRow).1.skipped == 1)
    }

    @Test func skipsAOneMegabyteLine() {
        let huge = String(repeating: "A", count: 1 << 20)
        let (sockets, summary) = rows(Self.header + huge + "\n" + Self.goodRow)
        #expect(sockets.count == 1)
        #expect(summary.skipped == 1)
    }

    @Test func acceptsALastRowWithoutNewline() {
        let (sockets, _) = rows(Self.header + String(Self.goodRow.dropLast()))
        #expect(sockets.count == 1)
        #expect(sockets[0].inode == 4242)
    }
}
