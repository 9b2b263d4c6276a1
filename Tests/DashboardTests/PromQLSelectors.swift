/// The vector selectors of a PromQL expression (`name{label op "value", …}`, a bare name, or a
/// bare `{…}`), found by a small tokenizer that knows string literals, matchers, ranges,
/// function calls and grouping clauses, so a check can ask what each selector matches on.
enum PromQLSelectors {
    struct Matcher: Hashable, CustomStringConvertible {
        let label: String
        let op: String
        let value: String

        var description: String { "\(label)\(op)\"\(value)\"" }
    }

    struct Selector: Hashable {
        /// nil for a bare `{…}` selector.
        let metric: String?
        let matchers: [Matcher]
    }

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private enum Token: Equatable {
        case word(String)
        case string(String)
        case symbol(String)
    }

    private static let keywords: Set<String> = [
        "and", "or", "unless", "offset", "bool", "atan2", "inf", "nan",
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
        "bottomk", "topk", "quantile",
    ]
    private static let groupings: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]
    private static let matchOperators: Set<String> = ["=", "!=", "=~", "!~"]

    static func selectors(in expr: String) throws -> [Selector] {
        let tokens = try tokenize(expr)
        var found: [Selector] = []
        var index = 0
        func next(_ offset: Int = 1) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }
        while index < tokens.count {
            switch tokens[index] {
            case .word(let word) where groupings.contains(word):
                // `by (a, b)`: label names, not metrics.
                if next() == .symbol("(") {
                    while index < tokens.count && tokens[index] != .symbol(")") { index += 1 }
                }
                index += 1
            case .word(let word) where isIdentifier(word) && !keywords.contains(word) && next() != .symbol("("):
                index += 1
                var matchers: [Matcher] = []
                if index < tokens.count && tokens[index] == .symbol("{") {
                    matchers = try parseMatchers(tokens, &index)
                }
                found.append(Selector(metric: word, matchers: matchers))
            case .symbol("{"):
                found.append(Selector(metric: nil, matchers: try parseMatchers(tokens, &index)))
            case .symbol("["):
                // A range or subquery: durations, not selectors.
                while index < tokens.count && tokens[index] != .symbol("]") { index += 1 }
                index += 1
            default:
                index += 1
            }
        }
        return found
    }

    /// From the `{` at `index` to past its `}`.
    private static func parseMatchers(_ tokens: [Token], _ index: inout Int) throws -> [Matcher] {
        var matchers: [Matcher] = []
        index += 1
        while index < tokens.count {
            if tokens[index] == .symbol("}") { index += 1; return matchers }
            guard index + 2 < tokens.count, case .word(let label) = tokens[index],
                  case .symbol(let op) = tokens[index + 1], matchOperators.contains(op),
                  case .string(let value) = tokens[index + 2] else {
                throw Malformed(description: "bad matcher at token \(index): \(tokens[index...].prefix(3))")
            }
            matchers.append(Matcher(label: label, op: op, value: value))
            index += 3
            if index < tokens.count && tokens[index] == .symbol(",") { index += 1 }
        }
        throw Malformed(description: "unclosed {")
    }

    private static func tokenize(_ expr: String) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(expr)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character == "\"" || character == "'" || character == "`" {
                var value = ""
                index += 1
                while index < characters.count && characters[index] != character {
                    if characters[index] == "\\" && character != "`" && index + 1 < characters.count { index += 1 }
                    value.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw Malformed(description: "unclosed string in \(expr)") }
                index += 1
                tokens.append(.string(value))
            } else if isWordCharacter(character) {
                var word = ""
                while index < characters.count && isWordCharacter(characters[index]) {
                    word.append(characters[index])
                    index += 1
                }
                tokens.append(.word(word))
            } else {
                let pair = index + 1 < characters.count ? String([character, characters[index + 1]]) : ""
                if ["=~", "!~", "!=", "==", ">=", "<="].contains(pair) {
                    tokens.append(.symbol(pair))
                    index += 2
                } else {
                    tokens.append(.symbol(String(character)))
                    index += 1
                }
            }
        }
        return tokens
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == ":" || character == "$"
            || character == "."
    }

    private static func isIdentifier(_ word: String) -> Bool {
        guard let first = word.first else { return false }
        return first.isLetter || first == "_" || first == ":"
    }
}
