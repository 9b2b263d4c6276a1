/// One command-line flag: its name without the leading dashes, its help, and what it takes.
public struct FlagDefinition: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `--name=value` or `--name value`; the last one given wins.
        case value(default: String)
        /// `--name` / `--no-name` (or `--name=true|false`).
        case bool(default: Bool)
        /// `--name=value`, given any number of times.
        case repeatable
    }

    public let name: String
    public let help: String
    public let kind: Kind

    public init(_ name: String, help: String, _ kind: Kind) {
        self.name = name
        self.help = help
        self.kind = kind
    }

    public static func value(_ name: String, default value: String, help: String) -> FlagDefinition {
        FlagDefinition(name, help: help, .value(default: value))
    }

    public static func bool(_ name: String, default value: Bool, help: String) -> FlagDefinition {
        FlagDefinition(name, help: help, .bool(default: value))
    }

    public static func repeatable(_ name: String, help: String) -> FlagDefinition {
        FlagDefinition(name, help: help, .repeatable)
    }
}
