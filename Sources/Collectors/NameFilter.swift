/// An include / exclude pair of anchored regular expressions (node_exporter's
/// `--collector.X.device-include` style). A name passes when it matches `include` (if set) and
/// does not match `exclude` (if set).
public struct NameFilter: @unchecked Sendable {
    // Regex is immutable once built; matching from several threads is safe.
    private let include: Regex<AnyRegexOutput>?
    private let exclude: Regex<AnyRegexOutput>?

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
        if let include, (try? include.wholeMatch(in: name)) == nil { return false }
        if let exclude, (try? exclude.wholeMatch(in: name)) != nil { return false }
        return true
    }

    private static func compile(_ pattern: String?, flag: String) throws(FlagError) -> Regex<AnyRegexOutput>? {
        // Match-all needs no regex: compiling one costs ~0.6 MB of resident code at start-up.
        guard let pattern, !pattern.isEmpty, pattern != ".*" else { return nil }
        do {
            return try Regex(pattern)
        } catch {
            throw FlagError("--\(flag): invalid regular expression \"\(pattern)\"")
        }
    }
}
