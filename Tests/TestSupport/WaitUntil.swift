import Foundation

/// Polls `condition` every `interval` seconds until it holds or `timeout` seconds pass; whether
/// it held. A wait that a test can lose instead of a sleep it hopes is long enough.
public func waitUntil(timeout: Double, interval: Double = 0.2, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(UInt32(interval * 1_000_000))
    }
    return try condition()
}
