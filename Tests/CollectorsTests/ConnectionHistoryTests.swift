@testable import Collectors
import SockDiag
import Testing

/// The per-cookie history the health counters advance by: what a connection added between
/// scrapes, checked against a plain dictionary over many random scrapes; packing, spilling,
/// sweeping and the 32-bit wrap of the kernel's segment counters.
@Suite struct ConnectionHistoryTests {
    func sample(_ cookie: UInt64, _ counters: TCPCounters) -> TCPInfoSample {
        TCPInfoSample(cookie: cookie, retransmittedSegments: UInt32(truncatingIfNeeded: counters.retransmittedSegments),
                      sentSegments: UInt32(truncatingIfNeeded: counters.sentSegments), bytesAcked: counters.bytesAcked,
                      bytesReceived: counters.bytesReceived, busyMicroseconds: counters.busyMicroseconds,
                      receiveWindowLimitedMicroseconds: counters.receiveWindowLimitedMicroseconds,
                      sendBufferLimitedMicroseconds: counters.sendBufferLimitedMicroseconds)
    }

    @Test func firstSightIsABaselineThenIncrementsCount() {
        let history = ConnectionHistory()
        var counters = TCPCounters()
        counters.sentSegments = 3
        counters.bytesAcked = 1
        #expect(history.advance(sample(42, counters)) == nil)
        counters.sentSegments = 10
        counters.bytesAcked = 5_000_000_000
        counters.retransmittedSegments = 2
        var expected = TCPCounters()
        expected.sentSegments = 7
        expected.bytesAcked = 4_999_999_999
        expected.retransmittedSegments = 2
        #expect(history.advance(sample(42, counters)) == expected)
        #expect(history.spilledCount == 1)
        // Unchanged: nothing added.
        #expect(history.advance(sample(42, counters))?.isZero == true)
        // Cookie 0 cannot be kept.
        #expect(history.advance(sample(0, counters)) == nil)
        #expect(history.count == 1)
    }

    /// tcpi_segs_out and tcpi_total_retrans are u32 in the kernel: a wrap still adds exactly.
    @Test func segmentCountersWrapAt32Bits() {
        let history = ConnectionHistory()
        var counters = TCPCounters()
        counters.sentSegments = UInt64(UInt32.max - 5)
        _ = history.advance(sample(7, counters))
        counters.sentSegments = 10
        #expect(history.advance(sample(7, counters))?.sentSegments == 16)
    }

    @Test func packsQuietConnectionsIntoOneWord() {
        var quiet = TCPCounters()
        quiet.retransmittedSegments = 7
        quiet.sentSegments = 16383
        quiet.bytesAcked = 16383
        quiet.bytesReceived = 12
        quiet.busyMicroseconds = 262_143
        #expect(quiet.packed.map(TCPCounters.init(packed:)) == quiet)
        #expect(quiet.packed! >> 63 == 0)
        var busy = quiet
        busy.bytesAcked = 16384
        #expect(busy.packed == nil)
        var limited = TCPCounters()
        limited.receiveWindowLimitedMicroseconds = 1
        #expect(limited.packed == nil)
    }

    /// A sweep fits the table to 1/0.85 of what it holds (not to a power of two), whatever the
    /// growth left; at most 7/8 full while it grows.
    @Test func sweepFitsTheTableToItsConnections() {
        let history = ConnectionHistory()
        for cookie in 1...100_000 as ClosedRange<UInt64> { _ = history.advance(sample(cookie, TCPCounters())) }
        #expect(history.count == 100_000)
        #expect(history.capacity * 7 >= history.count * 8)
        history.sweep()
        #expect(history.count == 100_000)
        #expect(history.capacity <= 100_000 * 20 / 17 * 11 / 10)
        #expect(history.capacity * 85 >= 100_000 * 100 - 100)
        // Next scrape sees none of them: all forgotten, the table shrinks.
        history.sweep()
        #expect(history.count == 0)
        #expect(history.capacity <= 64)
    }

    /// Random scrapes over a population that opens, grows and closes connections: each scrape's
    /// increments equal a dictionary model's, and closed connections are forgotten.
    @Test func agreesWithADictionaryOverRandomScrapes() {
        var generator = SystemRandomNumberGenerator()
        let history = ConnectionHistory()
        var open: [UInt64: TCPCounters] = [:]
        var remembered: [UInt64: TCPCounters] = [:]
        var nextCookie: UInt64 = 1
        for _ in 0..<60 {
            // Close some, open some, grow the rest.
            for cookie in open.keys where UInt8.random(in: 0...9, using: &generator) == 0 { open[cookie] = nil }
            for _ in 0..<Int.random(in: 0...400, using: &generator) {
                open[nextCookie] = TCPCounters()
                nextCookie += UInt64.random(in: 1...3, using: &generator)
            }
            for cookie in Array(open.keys) {
                var counters = open[cookie]!
                if Bool.random(using: &generator) {
                    counters.sentSegments += UInt64.random(in: 0...20_000, using: &generator)
                    counters.bytesAcked += UInt64.random(in: 0...30_000, using: &generator)
                    counters.bytesReceived += UInt64.random(in: 0...100, using: &generator)
                    counters.busyMicroseconds += UInt64.random(in: 0...1_000, using: &generator)
                    counters.retransmittedSegments += UInt64.random(in: 0...1, using: &generator)
                    if UInt8.random(in: 0...20, using: &generator) == 0 { counters.sendBufferLimitedMicroseconds += 5 }
                }
                open[cookie] = counters
            }
            for (cookie, counters) in open {
                let added = history.advance(sample(cookie, counters))
                if let before = remembered[cookie] {
                    #expect(added == counters.increments(since: before))
                } else {
                    #expect(added == nil)
                }
            }
            history.sweep()
            remembered = open
            #expect(history.count == open.count)
        }
        #expect(history.spilledCount > 0)
    }

    @Test func rttBucketsAreInclusiveUpperBounds() {
        #expect(HealthWriter.bucket(of: 0) == 0)
        #expect(HealthWriter.bucket(of: 100) == 0)
        #expect(HealthWriter.bucket(of: 101) == 1)
        #expect(HealthWriter.bucket(of: 10_000) == 6)
        #expect(HealthWriter.bucket(of: 5_000_000) == 14)
        #expect(HealthWriter.bucket(of: 5_000_001) == 15)
    }
}
