import ProcNet

/// What went wrong in one collector during one scrape.
public struct CollectorReport: Sendable {
    /// Failures that make the collector unsuccessful this scrape (a required file missing or unreadable).
    public private(set) var failures: [String] = []
    /// Lines (or files) skipped as malformed; added to `netstat_parse_errors_total`.
    public private(set) var skippedLines: UInt64 = 0
    /// The first skipped line's description, for the log.
    public private(set) var firstSkip: String?

    public init() {}

    public var succeeded: Bool { failures.isEmpty }

    public mutating func fail(_ message: String) {
        failures.append(message)
    }

    public mutating func fail(_ error: ProcNetError) {
        failures.append(error.description)
    }

    /// Counts what a parser skipped in `path`.
    public mutating func record(_ summary: ParseSummary, path: String) {
        guard summary.skipped > 0 else { return }
        skippedLines += UInt64(summary.skipped)
        if firstSkip == nil, let problem = summary.firstProblem { firstSkip = "\(path): \(problem)" }
    }

    /// Adds what another report holds (one report for several collectors, in tests).
    mutating func merge(_ other: CollectorReport) {
        failures += other.failures
        skippedLines += other.skippedLines
        if firstSkip == nil { firstSkip = other.firstSkip }
    }

    /// Counts a whole file that could not be used but whose absence is not a failure.
    public mutating func skipFile(_ message: String) {
        skippedLines += 1
        if firstSkip == nil { firstSkip = message }
    }
}

extension CollectorReport {
    /// Reads a file that must exist: a missing or unreadable file fails the collector.
    public mutating func readRequired(_ path: String) -> [UInt8]? {
        do {
            return try ProcFile.read(path)
        } catch {
            fail(error)
            return nil
        }
    }

    /// Reads a file that may be absent (IPv6 disabled, an older kernel): absence is "no data
    /// here", not a failure; any other read error still fails the collector.
    public mutating func readOptional(_ path: String) -> [UInt8]? {
        do {
            return try ProcFile.read(path)
        } catch {
            if case .notFound = error { return nil }
            fail(error)
            return nil
        }
    }
}
