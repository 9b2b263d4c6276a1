import Foundation
import Glibc
import ProcNet
import SockDiag
import Testing
import TestSupport

/// Decoding inet_diag dump datagrams: a buffer laid out as the kernel sends it, and a live dump.
@Suite struct SockDiagMessagesTests {
    /// Appends little-endian (host order) and big-endian (network order) fields.
    struct Datagram {
        var bytes: [UInt8] = []

        mutating func u8(_ value: UInt8) { bytes.append(value) }
        mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func be16(_ value: UInt16) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }
        mutating func be32(_ value: UInt32) { withUnsafeBytes(of: value.bigEndian) { bytes += $0 } }

        /// nlmsghdr: length, type, flags (NLM_F_MULTI), sequence, port id.
        mutating func header(length: UInt32, type: UInt16, sequence: UInt32) {
            u32(length); u16(type); u16(2); u32(sequence); u32(0)
        }

        /// One SOCK_DIAG_BY_FAMILY message (16 + 72 bytes), addresses as four network-order words.
        mutating func socket(sequence: UInt32, family: UInt8, state: UInt8, source: [UInt32], sourcePort: UInt16,
                             destination: [UInt32], destinationPort: UInt16, receiveQueue: UInt32,
                             sendQueue: UInt32, uid: UInt32, inode: UInt32) {
            header(length: 88, type: 20, sequence: sequence)
            u8(family); u8(state); u8(0); u8(0)
            be16(sourcePort); be16(destinationPort)
            for word in source { be32(word) }
            for word in destination { be32(word) }
            u32(0); u32(0); u32(0) // interface, cookie
            u32(0) // expires
            u32(receiveQueue); u32(sendQueue); u32(uid); u32(inode)
        }

        /// A socket message with a cookie and an INET_DIAG_INFO attribute of `infoLength` bytes
        /// of struct tcp_info (232 on Linux 5.4+; older kernels send less), fields at the
        /// offsets of uapi linux/tcp.h.
        mutating func socketWithInfo(sequence: UInt32, cookie: UInt64, infoLength: Int, fields: [(offset: Int, bytes: [UInt8])]) {
            var info = [UInt8](repeating: 0, count: infoLength)
            for field in fields where field.offset + field.bytes.count <= infoLength {
                info.replaceSubrange(field.offset..<(field.offset + field.bytes.count), with: field.bytes)
            }
            let attribute = 4 + infoLength
            let padded = (attribute + 3) & ~3
            header(length: UInt32(88 + padded), type: 20, sequence: sequence)
            u8(2); u8(1); u8(0); u8(0)
            be16(80); be16(40000)
            for word in [0x7f00_0001, 0, 0, 0] as [UInt32] { be32(word) }
            for word in [0x7f00_0001, 0, 0, 0] as [UInt32] { be32(word) }
            u32(0); u32(UInt32(truncatingIfNeeded: cookie)); u32(UInt32(truncatingIfNeeded: cookie >> 32))
            u32(0) // expires
            u32(0); u32(0); u32(0); u32(77) // queues, uid, inode
            u16(UInt16(attribute)); u16(2) // rtattr: length, INET_DIAG_INFO
            bytes += info
            bytes += [UInt8](repeating: 0, count: padded - attribute)
        }

        static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

        mutating func done(sequence: UInt32) {
            header(length: 20, type: 3, sequence: sequence)
            u32(0)
        }

        mutating func error(sequence: UInt32, errno code: Int32) {
            header(length: 36, type: 2, sequence: sequence)
            u32(UInt32(bitPattern: -code))
            header(length: 0, type: 0, sequence: 0) // the echoed request header
        }
    }

    func decode(_ datagram: Datagram, sequence: UInt32 = 7) -> ([InetSocket], SockDiagMessages.Outcome) {
        var sockets: [InetSocket] = []
        let outcome = SockDiagMessages.decode(datagram.bytes, length: datagram.bytes.count, sequence: sequence) {
            socket, _ in sockets.append(socket)
        }
        return (sockets, outcome)
    }

    @Test func decodesIPv4ListenerAndIPv6ConnectionThenDone() {
        var datagram = Datagram()
        datagram.socket(sequence: 7, family: 2, state: 10, source: [0x7f00_0001, 0, 0, 0], sourcePort: 8080,
                        destination: [0, 0, 0, 0], destinationPort: 0, receiveQueue: 3, sendQueue: 128,
                        uid: 1000, inode: 4242)
        datagram.socket(sequence: 7, family: 10, state: 1, source: [0x2001_0db8, 0, 0, 1], sourcePort: 443,
                        destination: [0, 0, 0xffff, 0xc000_0201], destinationPort: 51000, receiveQueue: 10,
                        sendQueue: 20, uid: 0, inode: 99)
        datagram.done(sequence: 7)
        let (sockets, outcome) = decode(datagram)
        #expect(outcome == .done)
        #expect(sockets == [
            InetSocket(localAddress: .v4(0x7f00_0001), localPort: 8080, remoteAddress: .anyV4, remotePort: 0,
                       state: 10, sendQueue: 128, receiveQueue: 3, uid: 1000, inode: 4242, drops: nil),
            InetSocket(localAddress: .v6(high: 0x2001_0db8_0000_0000, low: 1), localPort: 443,
                       remoteAddress: .v6(high: 0, low: 0xffff_c000_0201), remotePort: 51000,
                       state: 1, sendQueue: 20, receiveQueue: 10, uid: 0, inode: 99, drops: nil),
        ])
        #expect(sockets[1].remoteAddress.description == "::ffff:192.0.2.1")
    }

    /// INET_DIAG_INFO: the tcp_info fields the health metrics read, and the cookie, from a
    /// full-length struct and from one cut where a pre-5.4 kernel's ends (no peer window).
    @Test func decodesTCPInfoAndCookie() {
        let fields: [(offset: Int, bytes: [UInt8])] = [
            (3, [2]), (4, [5]), (68, Datagram.le(UInt32(1234))), (100, Datagram.le(UInt32(17))),
            (120, Datagram.le(UInt64(1 << 40))), (128, Datagram.le(UInt64(99))), (136, Datagram.le(UInt32(4321))),
            (144, Datagram.le(UInt32(65536))), (168, Datagram.le(UInt64(7_000_000))), (176, Datagram.le(UInt64(3))),
            (184, Datagram.le(UInt64(4))), (228, Datagram.le(UInt32(0))),
        ]
        var datagram = Datagram()
        datagram.socketWithInfo(sequence: 7, cookie: 0x1_0000_0002, infoLength: 232, fields: fields)
        datagram.socketWithInfo(sequence: 7, cookie: 3, infoLength: 228, fields: fields)
        datagram.done(sequence: 7)
        var infos: [TCPInfoSample?] = []
        let outcome = SockDiagMessages.decode(datagram.bytes, length: datagram.bytes.count, sequence: 7) {
            _, info in infos.append(info)
        }
        #expect(outcome == .done)
        let full = TCPInfoSample(cookie: 0x1_0000_0002, rttMicroseconds: 1234, retransmittedSegments: 17,
                                 sentSegments: 4321, bytesAcked: 1 << 40, bytesReceived: 99, busyMicroseconds: 7_000_000,
                                 receiveWindowLimitedMicroseconds: 3, sendBufferLimitedMicroseconds: 4, backoff: 5,
                                 probes: 2, peerWindow: 0, notSentBytes: 65536)
        var short = full
        short.cookie = 3
        short.peerWindow = nil
        #expect(infos == [full, short])
        // A socket message without the attribute has no sample.
        #expect(decode(datagram).0.count == 2)
    }

    /// NLM_F_DUMP_INTR (0x10) on a message of the dump: the tables changed while it ran. The
    /// socket before it was handed out; the flagged one and the rest are not.
    @Test func interruptedDumpIsReported() {
        var datagram = Datagram()
        datagram.socket(sequence: 7, family: 2, state: 1, source: [1, 0, 0, 0], sourcePort: 1,
                        destination: [2, 0, 0, 0], destinationPort: 2, receiveQueue: 0, sendQueue: 0, uid: 0, inode: 1)
        var flagged = Datagram()
        flagged.socket(sequence: 7, family: 2, state: 1, source: [3, 0, 0, 0], sourcePort: 3,
                       destination: [4, 0, 0, 0], destinationPort: 4, receiveQueue: 0, sendQueue: 0, uid: 0, inode: 2)
        flagged.bytes[6] = 0x12 // nlmsg_flags = NLM_F_MULTI | NLM_F_DUMP_INTR
        datagram.bytes += flagged.bytes
        datagram.done(sequence: 7)
        let (sockets, outcome) = decode(datagram)
        #expect(outcome == .interrupted)
        #expect(sockets.map(\.inode) == [1])
        // The same flag on a message of another request is not this dump's business.
        var other = flagged
        other.bytes[8] = 6 // nlmsg_seq = 6
        other.done(sequence: 7)
        #expect(decode(other).1 == .done)
    }

    @Test func ignoresOtherSequenceAndAsksForMore() {
        var datagram = Datagram()
        datagram.socket(sequence: 6, family: 2, state: 1, source: [1, 0, 0, 0], sourcePort: 1,
                        destination: [2, 0, 0, 0], destinationPort: 2, receiveQueue: 0, sendQueue: 0, uid: 0, inode: 1)
        datagram.done(sequence: 6)
        let (sockets, outcome) = decode(datagram)
        #expect(sockets.isEmpty)
        #expect(outcome == .more)
    }

    @Test func kernelErrorAndCutMessages() {
        var error = Datagram()
        error.error(sequence: 7, errno: ENOENT)
        #expect(decode(error).1 == .failed(errno: ENOENT))

        var cut = Datagram()
        cut.socket(sequence: 7, family: 2, state: 1, source: [1, 0, 0, 0], sourcePort: 1,
                   destination: [2, 0, 0, 0], destinationPort: 2, receiveQueue: 0, sendQueue: 0, uid: 0, inode: 1)
        // Half a message: not a whole nlmsghdr length, so nothing is decoded from it.
        let (sockets, outcome) = decodePrefix(cut, 60)
        #expect(sockets.isEmpty)
        #expect(outcome == .more)

        // A whole netlink message too short to hold an inet_diag_msg is malformed.
        var short = Datagram()
        short.header(length: 20, type: 20, sequence: 7)
        short.u32(0)
        #expect(decode(short).1 == .failed(errno: EBADMSG))
    }

    func decodePrefix(_ datagram: Datagram, _ length: Int) -> ([InetSocket], SockDiagMessages.Outcome) {
        var sockets: [InetSocket] = []
        let outcome = SockDiagMessages.decode(datagram.bytes, length: length, sequence: 7) { socket, _ in sockets.append(socket) }
        return (sockets, outcome)
    }

    /// In a namespace of the test's own: its listener (backlog 7) and a UDP socket, and nothing
    /// else, so both dumps are exact.
    @Test func liveDumpFindsOwnListenerWithItsBacklog() throws {
        let netns = try TestNamespace(prefix: "suitesd")
        defer { netns.delete() }
        try netns.entered {
            let listener = try LoopbackSocket.tcpListener(backlog: 7)
            let udp = try LoopbackSocket.udp()
            let session = try SockDiagSession()
            var found: [InetSocket] = []
            let visited = try session.dump(.tcp, .ipv4, states: SockDiagSession.listenState) { found.append($0) }
            #expect(visited == 1)
            #expect(found == [InetSocket(localAddress: .v4(0x7f00_0001), localPort: listener.port, remoteAddress: .anyV4,
                                         remotePort: 0, state: 10, sendQueue: 7, receiveQueue: 0, uid: getuid(),
                                         inode: listener.inode, drops: nil)])
            // The same session serves the next dump: UDP asks for the drop counter.
            var datagram: [InetSocket] = []
            try session.dump(.udp, .ipv4) { datagram.append($0) }
            #expect(datagram.map(\.localPort) == [udp.port])
            #expect(datagram.map(\.inode) == [udp.inode])
            #expect(datagram.first?.drops == 0)
        }
    }

    /// A live dump with tcp_info: both ends of a loopback connection carry a cookie of their
    /// own and an RTT; bytes one end wrote and the other read show on both sides.
    @Test func liveDumpCarriesTCPInfo() throws {
        let netns = try TestNamespace(prefix: "suitesi")
        defer { netns.delete() }
        try netns.entered {
            let listener = try LoopbackSocket.tcpListener(backlog: 4)
            let client = try LoopbackClient(from: "127.0.0.1", port: Int(listener.port))
            let server = try LoopbackClient(accepting: listener)
            #expect(client.send([UInt8](repeating: 1, count: 1000)))
            #expect(server.read(atLeast: 1000).count == 1000)
            let session = try SockDiagSession()
            var infos: [UInt16: TCPInfoSample] = [:]
            try session.dump(.tcp, .ipv4, states: SockDiagSession.allButListen, extensions: .tcpInfo) { socket, info in
                infos[socket.localPort] = info
            }
            let serverInfo = try #require(infos[listener.port])
            let clientInfo = try #require(infos.first { $0.key != listener.port }?.value)
            #expect(serverInfo.cookie != 0 && clientInfo.cookie != 0 && serverInfo.cookie != clientInfo.cookie)
            #expect(clientInfo.bytesAcked >= 1000)
            #expect(serverInfo.bytesReceived == 1000)
            #expect(clientInfo.rttMicroseconds > 0)
            #expect(clientInfo.peerWindow ?? 0 > 0)
            #expect(clientInfo.retransmittedSegments == 0)
            // Without the extension, no sample.
            var any = false
            try session.dump(.tcp, .ipv4, states: SockDiagSession.allButListen, extensions: []) { _, info in
                if info != nil { any = true }
            }
            #expect(!any)
        }
    }

    /// A dump of several datagrams is received on a thread of its own ahead of the decoding
    /// (`DumpReceiver`): every socket arrives once, the session serves the next dump, and the
    /// receive buffers are given back (a leak of 128 KB a dump shows after a few hundred).
    @Test func multiDatagramDumpsAreWholeAndLeaveNothingBehind() throws {
        let netns = try TestNamespace(prefix: "suitesr")
        defer { netns.delete() }
        try netns.entered {
            let sockets = try (0..<600).map { _ in try LoopbackSocket.udp() }
            let session = try SockDiagSession()
            func dumpedInodes() throws -> [UInt64] {
                var inodes: [UInt64] = []
                try session.dump(.udp, .ipv4) { inodes.append($0.inode) }
                return inodes
            }
            let first = try dumpedInodes()
            #expect(first.count == 600)
            #expect(Set(first) == Set(sockets.map(\.inode)))
            let before = try residentAnonymousKB()
            for _ in 0..<300 { #expect(try dumpedInodes().count == 600) }
            let growth = try residentAnonymousKB() - before
            #expect(growth < 8 * 1024, "anonymous RSS grew \(growth) KB over 300 dumps")
        }
    }

    /// The exact lookup behind attribution's "is the socket whose owner went missing still
    /// open?": yes for a live connection and UDP socket, no once they closed or when the inode
    /// differs (the address pair now belongs to another socket).
    @Test func exactLookupTellsOpenFromClosed() throws {
        let netns = try TestNamespace(prefix: "suitesl")
        defer { netns.delete() }
        try netns.entered {
            let listener = try LoopbackSocket.tcpListener()
            let client = try LoopbackClient(from: "127.0.0.1", port: Int(listener.port))
            var info = stat()
            #expect(fstat(client.fd, &info) == 0)
            let session = try SockDiagSession()
            var connection: InetSocket?
            for _ in 0..<200 where connection == nil {
                try session.dump(.tcp, .ipv4, states: SockDiagSession.allButListen) { socket in
                    if socket.inode == UInt64(info.st_ino) && socket.state == 1 { connection = socket }
                }
                if connection == nil { usleep(5_000) }
            }
            let open = try #require(connection)
            #expect(session.stillOpen(open, .tcp) == true)
            var other = open
            other.inode += 1
            #expect(session.stillOpen(other, .tcp) == false)

            let udp = try LoopbackSocket.udp()
            var bound: InetSocket?
            try session.dump(.udp, .ipv4) { bound = $0 }
            let unconnected = try #require(bound)
            #expect(session.stillOpen(unconnected, .udp) == true)
            // Another inode on an address without a remote end (SO_REUSEPORT): cannot tell.
            var sharing = unconnected
            sharing.inode += 1
            #expect(session.stillOpen(sharing, .udp) == nil)

            client.reset()
            #expect(session.stillOpen(open, .tcp) == false)
            withExtendedLifetime(udp) {}
        }
    }

    private func residentAnonymousKB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}

