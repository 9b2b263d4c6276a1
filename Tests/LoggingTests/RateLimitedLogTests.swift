import Logging
import Synchronization
import Testing
import TestSupport

/// The rate limit on repeated problems, on a clock the test moves.
@Suite struct RateLimitedLogTests {
    /// A clock that moves only when told.
    final class ManualClock: Sendable {
        private let now = Mutex(ContinuousClock.now)
        func read() -> ContinuousClock.Instant { now.withLock { $0 } }
        func advance(by duration: Duration) { now.withLock { $0 += duration } }
    }

    @Test func aRepeatIsHeldBackThenCountedWhenTheIntervalHasPassed() throws {
        let lines = CapturedLog()
        let clock = ManualClock()
        let log = RateLimitedLog(interval: .seconds(300), logger: lines.logger(.info), now: clock.read)
        for _ in 0..<3 { log.log(.error, key: "sockets", "Collector failed", ["err": "/proc/net/tcp: no such file"]) }
        #expect(lines.written.count == 1)
        #expect(!lines.written[0].contains("repeated="))
        // Another problem of the same key is new, and is written at once.
        log.log(.error, key: "sockets", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 2)
        // Another key is independent.
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 3)
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 3)
        clock.advance(by: .seconds(299))
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 3)
        clock.advance(by: .seconds(1))
        log.log(.error, key: "routes", "Collector failed", ["err": "/proc/net/udp: no such file"])
        #expect(lines.written.count == 4)
        let expected = #"msg="Collector failed" err="/proc/net/udp: no such file" repeated=3"# + "\n"
        #expect(lines.written[3].hasSuffix(expected),
                "\(lines.written[3])")
    }

    @Test func theOldEntryPointsStillWrite() {
        let lines = CapturedLog()
        let log = RateLimitedLog(logger: lines.logger(.info))
        log.log("microhttpd", "Error accepting connection")
        log.log("microhttpd", "Error accepting connection")
        #expect(lines.written.count == 1)
        #expect(lines.written[0].contains(#"level=ERROR source=microhttpd msg="Error accepting connection""#))
    }
}
