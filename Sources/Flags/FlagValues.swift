/// The parsed command line: every defined flag's value, defaults filled in.
public struct FlagValues: Sendable {
    private var values: [String: [String]]
    private let kinds: [String: FlagDefinition.Kind]
    /// The flags the command line named (`--name`, `--no-name`, `--name=value`).
    private let given: Set<String>

    init(definitions: [FlagDefinition], given: [String: [String]]) {
        var values: [String: [String]] = [:]
        var kinds: [String: FlagDefinition.Kind] = [:]
        for definition in definitions {
            kinds[definition.name] = definition.kind
            if let explicit = given[definition.name] {
                values[definition.name] = explicit
            } else {
                switch definition.kind {
                case .value(let value): values[definition.name] = [value]
                case .bool(let value): values[definition.name] = [value ? "true" : "false"]
                case .repeatable: values[definition.name] = []
                }
            }
        }
        self.values = values
        self.kinds = kinds
        self.given = Set(given.keys)
    }

    /// Whether the command line named the flag, as opposed to its default applying.
    public func isGiven(_ name: String) -> Bool {
        given.contains(name)
    }

    /// The last value given for a value flag.
    public func string(_ name: String) -> String {
        values[name]?.last ?? ""
    }

    public func bool(_ name: String) -> Bool {
        values[name]?.last == "true"
    }

    /// Every value given for a repeatable flag, in order.
    public func strings(_ name: String) -> [String] {
        values[name] ?? []
    }

    /// A value flag read as a whole number within `range`.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(FlagError) -> Int {
        let text = string(name)
        guard let number = Int(text), range.contains(number) else {
            throw FlagError("--\(name): expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return number
    }
}
