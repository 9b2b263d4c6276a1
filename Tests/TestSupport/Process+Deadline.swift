import Foundation

extension Process {
    /// Waits at most `seconds` for the process to exit; true when it did. A process that hangs
    /// fails the test that waits for it instead of hanging the suite.
    public func waitUntilExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(10_000) }
        guard !isRunning else { return false }
        waitUntilExit()
        return true
    }
}
