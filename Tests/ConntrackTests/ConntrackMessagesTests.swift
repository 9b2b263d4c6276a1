@testable import Conntrack
#if canImport(Glibc)
import Glibc
#endif
import ProcNet
import Testing

/// The ctnetlink decoder on datagrams built here byte by byte, as the kernel lays them out
/// (nlmsghdr in host order, nfgenmsg, then attributes with big-endian u32 values).
@Suite struct ConntrackMessagesTests {
    /// One netlink message: header, nfgenmsg (res_id = the CPU, big-endian), attributes.
    static func message(type: UInt16, sequence: UInt32, cpu: UInt16 = 0, flags: UInt16 = 2,
                        attributes: [(UInt16, UInt32)]) -> [UInt8] {
        var payload: [UInt8] = [0, 0, UInt8(cpu >> 8), UInt8(cpu & 0xff)]
        for (type, value) in attributes {
            payload += native(UInt16(8)) + native(type)
            payload += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }
        return native(UInt32(16 + payload.count)) + native(type) + native(flags) + native(sequence) + native(UInt32(0))
            + payload
    }

    static func done(sequence: UInt32) -> [UInt8] {
        native(UInt32(20)) + native(UInt16(3)) + native(UInt16(2)) + native(sequence) + native(UInt32(0)) + native(Int32(0))
    }

    static func error(_ code: Int32, sequence: UInt32) -> [UInt8] {
        // nlmsgerr: the negative errno, then the request's header.
        native(UInt32(36)) + native(UInt16(2)) + native(UInt16(0)) + native(sequence) + native(UInt32(0))
            + native(-code) + [UInt8](repeating: 0, count: 16)
    }

    static func native<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    @Test func sumsEveryCPUsCountersUntilDone() {
        let cpu0 = Self.message(type: 0x0104, sequence: 7, cpu: 0, attributes: [
            (2, 10), (4, 3), (8, 5), (9, 1), (10, 0), (11, 2), (12, 4), (13, 6), (14, 7), (15, 8),
        ])
        // A CPU message with a nested-flag bit on one attribute type and an unknown attribute.
        let cpu1 = Self.message(type: 0x0104, sequence: 7, cpu: 1, attributes: [
            (2 | 0x8000, 0x0100_0000), (4, 1), (9, 2), (99, 12345),
        ])
        let stale = Self.message(type: 0x0104, sequence: 6, attributes: [(2, 1000)])
        let datagram = stale + cpu0 + cpu1 + Self.done(sequence: 7)
        var statistics = ConntrackStatistics()
        let outcome = ConntrackMessages.decode(datagram, length: datagram.count, sequence: 7) { message in
            #expect(message.type == 0x0104)
            statistics.addCPU(ConntrackMessages.counters(message))
        }
        #expect(outcome == .done)
        #expect(statistics.cpus == 2)
        #expect(statistics.counters == [
            .found: 10 + 0x0100_0000, .invalid: 4, .insert: 5, .insertFailed: 3, .drop: 0, .earlyDrop: 2,
            .icmpError: 4, .searchRestart: 6, .clashResolve: 7, .chainTooLong: 8,
        ])
        #expect(statistics.entries == nil)
    }

    @Test func readsTheGlobalAnswer() {
        let answer = Self.message(type: 0x0105, sequence: 3, attributes: [(1, 42), (2, 262_144)])
        var seen: [ConntrackMessages.Message] = []
        let outcome = ConntrackMessages.decode(answer, length: answer.count, sequence: 3) { seen.append($0) }
        #expect(outcome == .more)
        #expect(seen == [ConntrackMessages.Message(type: 0x0105, attributes: [1: 42, 2: 262_144])])
    }

    @Test func anErrorIsItsErrnoAndAnAcknowledgementIsNot() {
        let denied = Self.error(1, sequence: 9)  // EPERM: no CAP_NET_ADMIN
        #expect(ConntrackMessages.decode(denied, length: denied.count, sequence: 9) { _ in } == .failed(errno: 1))
        let ack = Self.error(0, sequence: 9)
        #expect(ConntrackMessages.decode(ack, length: ack.count, sequence: 9) { _ in } == .more)
    }

    @Test func aCutMessageOrAttributeEndsTheDatagramWithoutACrash() {
        let whole = Self.message(type: 0x0104, sequence: 1, attributes: [(2, 5), (4, 6)])
        for length in 0..<whole.count {
            var count = 0
            let outcome = ConntrackMessages.decode(whole, length: length, sequence: 1) { _ in count += 1 }
            #expect(outcome == .more)
            #expect(count == 0, "length \(length)")
        }
        // An attribute claiming more than its message holds: the attributes before it are kept.
        var lying = Self.message(type: 0x0104, sequence: 1, attributes: [(2, 5), (4, 6)])
        lying[16 + 4 + 8] = 200
        var attributes: [UInt16: UInt32] = [:]
        _ = ConntrackMessages.decode(lying, length: lying.count, sequence: 1) { attributes = $0.attributes }
        #expect(attributes == [2: 5])
    }

    /// The real kernel, in this process's namespace: as root ctnetlink answers, and its values
    /// agree with /proc/net/stat/nf_conntrack read just after (the count within what moved).
    @Test(.enabled(if: getuid() == 0)) func theKernelAnswersAsRoot() throws {
        guard let bytes = try? ProcFile.read("/proc/net/stat/nf_conntrack") else { return }  // no nf_conntrack
        let reading = try ConntrackSession().read()
        let proc = try #require(ConntrackStatTable.parse(try ProcFile.read("/proc/net/stat/nf_conntrack")).statistics)
        #expect(reading.statistics.cpus == ConntrackStatTable.parse(bytes).statistics?.cpus)
        #expect(reading.limit == UInt64(try ProcFile.readAttribute("/proc/sys/net/netfilter/nf_conntrack_max")))
        #expect(reading.statistics.entries != nil)
        for counter in ConntrackCounter.allCases {
            let fromNetlink = try #require(reading.statistics.counters[counter], "\(counter)")
            let fromProc = try #require(proc.counters[counter], "\(counter)")
            #expect(fromNetlink <= fromProc, "\(counter)")
        }
    }
}
