import Testing
import TestSupport
@testable import ProcNet

@Suite struct UnixSocketTableTests {
    func rows(_ bytes: [UInt8]) -> ([UnixSocket], ParseSummary) {
        var rows: [UnixSocket] = []
        let summary = UnixSocketTable.parse(bytes) { rows.append($0) }
        return (rows, summary)
    }

    @Test func parsesTheFixtureWithInodes() throws {
        let (sockets, summary) = rows(try Fixtures.bytes("procfs/proc/net/unix"))
        #expect(summary.skipped == 0)
        #expect(sockets == [
            UnixSocket(kind: .stream, state: .listen, inode: 3_442_596),
            UnixSocket(kind: .seqpacket, state: .listen, inode: 10061),
            UnixSocket(kind: .dgram, state: .unconnected, inode: 12392),
            UnixSocket(kind: .stream, state: .connected, inode: 4_787_297),
            UnixSocket(kind: .stream, state: .connected, inode: 5_091_797),
        ])
    }

    @Test func parsesTheOldLayoutWithoutInodes() throws {
        let (sockets, summary) = rows(try Fixtures.bytes("procfs/proc/net/unix_without_inode"))
        #expect(summary.skipped == 0)
        #expect(sockets.map(\.kind) == [.stream, .seqpacket, .dgram, .stream, .stream])
        #expect(sockets.allSatisfy { $0.inode == nil })
        #expect(sockets.map(\.state) == [.listen, .listen, .unconnected, .connected, .connected])
    }

    @Test func countsMalformedRowsAndAMissingHeader() {
        let text = """
            Num       RefCount Protocol Flags    Type St Inode Path
            0000000000000000: 00000002 00000000 00010000 0001 01 3442596 /a path with spaces
            0000000000000000: 00000002 00000000 00010000 0009 01 1
            0000000000000000: 00000002 00000000 0001
            0000000000000000: 00000002 00000000 00000000 0001 02 77
            """
        let (sockets, summary) = rows(Array(text.utf8))
        #expect(sockets == [UnixSocket(kind: .stream, state: .listen, inode: 3_442_596),
                            UnixSocket(kind: .stream, state: .connecting, inode: 77)])
        #expect(summary.skipped == 2)
        #expect(rows([]).1.skipped == 1)
    }
}
