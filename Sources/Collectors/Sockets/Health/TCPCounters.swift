import SockDiag

/// The seven tcp_info counters a connection only ever adds to: as a socket's values over its
/// life, as what it added between two scrapes, and as a label set's running total.
struct TCPCounters: Equatable, Sendable {
    /// tcpi_total_retrans, tcpi_segs_out (u32 in the kernel: they wrap).
    var retransmittedSegments: UInt64 = 0
    var sentSegments: UInt64 = 0
    /// tcpi_bytes_acked, tcpi_bytes_received.
    var bytesAcked: UInt64 = 0
    var bytesReceived: UInt64 = 0
    /// tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited (microseconds).
    var busyMicroseconds: UInt64 = 0
    var receiveWindowLimitedMicroseconds: UInt64 = 0
    var sendBufferLimitedMicroseconds: UInt64 = 0

    init() {}

    init(_ sample: TCPInfoSample) {
        retransmittedSegments = UInt64(sample.retransmittedSegments)
        sentSegments = UInt64(sample.sentSegments)
        bytesAcked = sample.bytesAcked
        bytesReceived = sample.bytesReceived
        busyMicroseconds = sample.busyMicroseconds
        receiveWindowLimitedMicroseconds = sample.receiveWindowLimitedMicroseconds
        sendBufferLimitedMicroseconds = sample.sendBufferLimitedMicroseconds
    }

    var isZero: Bool { self == TCPCounters() }

    /// What the same socket added since it had `previous`. The two segment counters are 32-bit
    /// in the kernel, so their difference is taken modulo 2^32 (exact across a wrap); a 64-bit
    /// one never goes back for the same socket, and if it did would add nothing.
    func increments(since previous: TCPCounters) -> TCPCounters {
        func wrapping32(_ now: UInt64, _ before: UInt64) -> UInt64 {
            UInt64(UInt32(truncatingIfNeeded: now) &- UInt32(truncatingIfNeeded: before))
        }
        func growth(_ now: UInt64, _ before: UInt64) -> UInt64 { now >= before ? now - before : 0 }
        var result = TCPCounters()
        result.retransmittedSegments = wrapping32(retransmittedSegments, previous.retransmittedSegments)
        result.sentSegments = wrapping32(sentSegments, previous.sentSegments)
        result.bytesAcked = growth(bytesAcked, previous.bytesAcked)
        result.bytesReceived = growth(bytesReceived, previous.bytesReceived)
        result.busyMicroseconds = growth(busyMicroseconds, previous.busyMicroseconds)
        result.receiveWindowLimitedMicroseconds = growth(receiveWindowLimitedMicroseconds,
                                                         previous.receiveWindowLimitedMicroseconds)
        result.sendBufferLimitedMicroseconds = growth(sendBufferLimitedMicroseconds, previous.sendBufferLimitedMicroseconds)
        return result
    }

    static func += (total: inout TCPCounters, more: TCPCounters) {
        total.retransmittedSegments &+= more.retransmittedSegments
        total.sentSegments &+= more.sentSegments
        total.bytesAcked &+= more.bytesAcked
        total.bytesReceived &+= more.bytesReceived
        total.busyMicroseconds &+= more.busyMicroseconds
        total.receiveWindowLimitedMicroseconds &+= more.receiveWindowLimitedMicroseconds
        total.sendBufferLimitedMicroseconds &+= more.sendBufferLimitedMicroseconds
    }

    // One word for the counters of a quiet connection (most of a large host's): 3 bits of
    // retransmissions, 14 each of segments sent, bytes acked and bytes received, 18 of busy
    // microseconds, no limited time. Bit 63 stays free for ConnectionHistory's spill mark.
    private static let segmentBits: UInt64 = 14, retransmitBits: UInt64 = 3, busyBits: UInt64 = 18

    /// The counters in one 63-bit word, or nil when one is too large for its field.
    var packed: UInt64? {
        let s = TCPCounters.segmentBits
        guard receiveWindowLimitedMicroseconds == 0, sendBufferLimitedMicroseconds == 0,
              retransmittedSegments >> TCPCounters.retransmitBits == 0, sentSegments >> s == 0,
              bytesAcked >> s == 0, bytesReceived >> s == 0, busyMicroseconds >> TCPCounters.busyBits == 0
        else { return nil }
        return retransmittedSegments | sentSegments << 3 | bytesAcked << (3 + s) | bytesReceived << (3 + 2 * s)
            | busyMicroseconds << (3 + 3 * s)
    }

    init(packed word: UInt64) {
        let s = TCPCounters.segmentBits, mask = (UInt64(1) << s) - 1
        retransmittedSegments = word & 0b111
        sentSegments = word >> 3 & mask
        bytesAcked = word >> (3 + s) & mask
        bytesReceived = word >> (3 + 2 * s) & mask
        busyMicroseconds = word >> (3 + 3 * s) & ((1 << TCPCounters.busyBits) - 1)
    }
}
