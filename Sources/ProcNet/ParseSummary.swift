/// What a parser made of a file: how many lines it used and how many it skipped as malformed,
/// with the first reason, so a collector can count the skips and log one line.
public struct ParseSummary: Sendable, Hashable {
    public var parsed = 0
    public var skipped = 0
    /// "line N: reason" for the first skipped line.
    public var firstProblem: String?

    public init() {}

    public mutating func skip(line: Int, _ reason: String) {
        skipped += 1
        if firstProblem == nil { firstProblem = "line \(line): \(reason)" }
    }
}
