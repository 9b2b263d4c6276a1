/// An include / exclude pair of anchored regular expressions (node_exporter's
/// `--collector.X.device-include` style). A name passes when it matches `include` (if set) and
/// does not match `exclude` (if set).
public struct NameFilter: Sendable {
    private let include: Matcher?
    private let exclude: Matcher?

    /// Whole-match test of one compiled regex. A closure rather than the Regex itself: a filter
    /// whose stored properties name no regex type never makes the runtime lay one out, so the
    /// default filters (no pattern) leave the regex library's code untouched (not resident).
    private typealias Matcher = @Sendable (String) -> Bool

    public static let all = NameFilter()

    private init() {
        include = nil
        exclude = nil
    }

    /// Compiles the patterns; the error names the flag whose pattern is invalid.
    public init(include: String?, exclude: String?, flagPrefix: String) throws(FlagError) {
        try self.init(include: include, exclude: exclude, includeFlag: flagPrefix + "-include",
                      excludeFlag: flagPrefix + "-exclude")
    }

    public init(include: String?, exclude: String?, includeFlag: String, excludeFlag: String) throws(FlagError) {
        self.include = try NameFilter.compile(include, flag: includeFlag)
        self.exclude = try NameFilter.compile(exclude, flag: excludeFlag)
    }

    /// A single include pattern (e.g. `--collector.protocols.fields`).
    public init(include: String?, flag: String) throws(FlagError) {
        self.include = try NameFilter.compile(include, flag: flag)
        self.exclude = nil
    }

    public func allows(_ name: String) -> Bool {
        if let include, !include(name) { return false }
        if let exclude, exclude(name) { return false }
        return true
    }

    private static func compile(_ pattern: String?, flag: String) throws(FlagError) -> Matcher? {
        // Match-all needs no regex: compiling one keeps the regex libraries' code resident
        // from start-up (docs/performance.md, "Idle RSS").
        guard let pattern, !pattern.isEmpty, pattern != ".*" else { return nil }
        return try matcher(pattern, flag: flag)
    }

    // Not inlined: the optimiser would otherwise fetch the regex types' metadata on entry to
    // `compile`, also for the default filters that return before any regex is made.
    @inline(never)
    private static func matcher(_ pattern: String, flag: String) throws(FlagError) -> Matcher {
        do {
            let compiled = CompiledRegex(regex: try Regex(pattern))
            return { name in (try? compiled.regex.wholeMatch(in: name)) != nil }
        } catch {
            throw FlagError("--\(flag): invalid regular expression \"\(pattern)\"")
        }
    }

    // Regex is immutable once built; matching from several threads is safe.
    private struct CompiledRegex: @unchecked Sendable {
        let regex: Regex<AnyRegexOutput>
    }
}
