/// The metric names a PromQL expression reads, found without a PromQL parser: string literals,
/// `{…}` label matchers and `[…]` ranges are dropped, then every identifier that is not a
/// function, aggregation, keyword or grouping label list is a metric name.
enum PromQLNames {
    private static let keywords: Set<String> = [
        "and", "or", "unless", "offset", "bool", "atan2", "inf", "nan",
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
        "bottomk", "topk", "quantile",
    ]
    private static let groupings: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]

    static func metricNames(in expr: String) -> Set<String> {
        let tokens = tokenize(dropLiteralsMatchersAndRanges(expr))
        var names: Set<String> = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let next = index + 1 < tokens.count ? tokens[index + 1] : ""
            if groupings.contains(token) {
                index += 1
                if next == "(" {
                    while index < tokens.count && tokens[index] != ")" { index += 1 }
                }
            } else if isIdentifier(token) && next != "(" && !keywords.contains(token) {
                names.insert(token)
            }
            index += 1
        }
        return names
    }

    private static func dropLiteralsMatchersAndRanges(_ expr: String) -> String {
        var kept = ""
        var quote: Character?
        var escaped = false
        var depth = 0
        for character in expr {
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'", "`": quote = character
            case "{", "[": depth += 1
            case "}", "]": depth -= 1; kept.append(" ")
            default: if depth == 0 { kept.append(character) }
            }
        }
        return kept
    }

    /// Identifiers (with `:`), numbers and durations as one token each, punctuation one character each.
    private static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        func flush() { if !current.isEmpty { tokens.append(current); current = "" } }
        for character in text {
            if character.isLetter || character.isNumber || character == "_" || character == ":"
                || character == "$" || (character == "." && !current.isEmpty) {
                current.append(character)
            } else {
                flush()
                if !character.isWhitespace { tokens.append(String(character)) }
            }
        }
        flush()
        return tokens
    }

    private static func isIdentifier(_ token: String) -> Bool {
        guard let first = token.first else { return false }
        return first.isLetter || first == "_" || first == ":"
    }
}
