import ProcNet

/// One parser under the fuzzer: its name (FUZZ_TARGET=…) and a body that parses one input and
/// checks what must hold for any input. A violated check traps, which libFuzzer reports as a
/// crash and saves the input for, as it does for a sanitizer report.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void
}

/// Traps with `message` when `condition` is false (in every build configuration).
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// How many lines `ByteLines` yields, the bound for every line-oriented parser's counts.
func lineCount(_ bytes: [UInt8]) -> Int {
    var count = 0
    for _ in ByteLines(bytes) { count += 1 }
    return count
}

/// What every parser's summary must satisfy: a line is parsed or skipped at most once, each
/// parsed record was handed out, and a skip names its first problem.
func requireConsistent(_ summary: ParseSummary, lines: Int, delivered: Int, perLine: Bool = true) {
    require(summary.parsed >= 0 && summary.skipped >= 0, "negative counts \(summary)")
    if perLine {
        require(summary.parsed + summary.skipped <= max(lines, 1), "\(summary) for \(lines) lines")
        require(summary.parsed == delivered, "parsed \(summary.parsed) but delivered \(delivered)")
    }
    require((summary.skipped == 0) == (summary.firstProblem == nil), "skips without a problem: \(summary)")
}
