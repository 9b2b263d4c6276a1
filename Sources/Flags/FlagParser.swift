/// Parses `--name=value`, `--name value`, `--name` and `--no-name` in the style of the
/// Prometheus exporters' kingpin flags.
public enum FlagParser {
    public enum Outcome: Sendable {
        case run(FlagValues)
        case help
        case version
    }

    public static func parse(_ arguments: [String], definitions: [FlagDefinition]) throws(FlagError) -> Outcome {
        var byName: [String: FlagDefinition] = [:]
        for definition in definitions { byName[definition.name] = definition }
        var given: [String: [String]] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help }
            if argument == "--version" { return .version }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw FlagError("unexpected argument \"\(argument)\" (flags start with --; see --help)")
            }
            let body = argument.dropFirst(2)
            let name: String
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = String(body[..<equals])
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = String(body)
            }

            if let definition = byName[name] {
                switch definition.kind {
                case .bool:
                    let value = inlineValue ?? "true"
                    guard value == "true" || value == "false" else {
                        throw FlagError("--\(name): expected true or false, got \"\(value)\"")
                    }
                    given[name] = [value]
                case .value, .repeatable:
                    let value: String
                    if let inlineValue {
                        value = inlineValue
                    } else if index < arguments.count {
                        value = arguments[index]
                        index += 1
                    } else {
                        throw FlagError("--\(name) needs a value")
                    }
                    if case .repeatable = definition.kind {
                        given[name, default: []].append(value)
                    } else {
                        given[name] = [value]
                    }
                }
            } else if name.hasPrefix("no-"), let definition = byName[String(name.dropFirst(3))],
                      case .bool = definition.kind, inlineValue == nil {
                given[definition.name] = ["false"]
            } else {
                throw FlagError("unknown flag --\(name) (see --help)")
            }
        }
        return .run(FlagValues(definitions: definitions, given: given))
    }

    /// The `--help` text: one flag a line with its default.
    public static func usage(_ definitions: [FlagDefinition], summary: String) -> String {
        var lines = [summary, "", "Flags:"]
        lines.append("  -h, --help                  Show this help and exit.")
        lines.append("      --version               Show the version and exit.")
        for definition in definitions {
            var left: String
            switch definition.kind {
            case .value(let value):
                left = "--\(definition.name)=\"\(value)\""
            case .bool(let value):
                left = "--[no-]\(definition.name)" + (value ? " (default: on)" : " (default: off)")
            case .repeatable:
                left = "--\(definition.name)=... (repeatable)"
            }
            lines.append("      " + left)
            lines.append("            " + definition.help)
        }
        return lines.joined(separator: "\n")
    }
}
