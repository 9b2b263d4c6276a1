import CYAML

/// A YAML document as a tree, built from libyaml's events: just enough structure (mappings,
/// sequences, scalars, each with its line) for a configuration file and its error messages.
public indirect enum YAMLNode: Sendable, Hashable {
    case scalar(String, line: Int)
    case mapping([YAMLEntry], line: Int)
    case sequence([YAMLNode], line: Int)

    public var line: Int {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): return line
        }
    }

    /// True for an empty or `null`/`~` scalar: a key written without a value.
    public var isNull: Bool {
        if case .scalar(let text, _) = self { return text.isEmpty || text == "~" || text == "null" || text == "Null" }
        return false
    }

    /// Parses the first document of `bytes`; nil for an empty file. Syntax errors, aliases and
    /// non-scalar keys are errors naming their line.
    public static func parse(_ bytes: [UInt8]) throws(WebConfigError) -> YAMLNode? {
        var builder = Builder()
        return try bytes.withUnsafeBufferPointer { buffer throws(WebConfigError) -> YAMLNode? in
            guard let reader = netstat_yaml_open(buffer.baseAddress, buffer.count) else {
                throw WebConfigError(line: nil, key: nil, "out of memory parsing YAML")
            }
            defer { netstat_yaml_close(reader) }
            while true {
                let event = netstat_yaml_next(reader)
                if event.type == -1 {
                    let problem = event.text.map { String(cString: $0) } ?? "syntax error"
                    throw WebConfigError(line: Int(event.line), key: nil, "YAML syntax: \(problem)")
                }
                if let document = try builder.take(event) { return document }
                if event.type == Int32(YAML_STREAM_END_EVENT.rawValue) { return nil }
            }
        }
    }

    /// Assembles nodes from the event stream with a stack of open collections.
    private struct Builder {
        enum Open {
            case mapping([YAMLEntry], pendingKey: (String, Int)?, line: Int)
            case sequence([YAMLNode], line: Int)
        }
        var stack: [Open] = []
        var root: YAMLNode?

        mutating func take(_ event: netstat_yaml_event) throws(WebConfigError) -> YAMLNode? {
            let line = Int(event.line)
            switch UInt32(event.type) {
            case YAML_ALIAS_EVENT.rawValue:
                throw WebConfigError(line: line, key: nil, "YAML aliases are not supported")
            case YAML_SCALAR_EVENT.rawValue:
                let text = event.text.map {
                    String(decoding: UnsafeRawBufferPointer(start: $0, count: event.length), as: UTF8.self)
                } ?? ""
                try add(.scalar(text, line: line))
            case YAML_MAPPING_START_EVENT.rawValue:
                stack.append(.mapping([], pendingKey: nil, line: line))
            case YAML_SEQUENCE_START_EVENT.rawValue:
                stack.append(.sequence([], line: line))
            case YAML_MAPPING_END_EVENT.rawValue, YAML_SEQUENCE_END_EVENT.rawValue:
                switch stack.removeLast() {
                case .mapping(let entries, _, let start): try add(.mapping(entries, line: start))
                case .sequence(let items, let start): try add(.sequence(items, line: start))
                }
            case YAML_DOCUMENT_END_EVENT.rawValue:
                return root ?? .scalar("", line: line)
            default:
                break
            }
            return nil
        }

        private mutating func add(_ node: YAMLNode) throws(WebConfigError) {
            guard let top = stack.popLast() else {
                root = node
                return
            }
            switch top {
            case .sequence(var items, let line):
                items.append(node)
                stack.append(.sequence(items, line: line))
            case .mapping(var entries, let pendingKey, let line):
                if let (key, keyLine) = pendingKey {
                    entries.append(YAMLEntry(key: key, line: keyLine, value: node))
                    stack.append(.mapping(entries, pendingKey: nil, line: line))
                } else {
                    guard case .scalar(let key, let keyLine) = node else {
                        throw WebConfigError(line: node.line, key: nil, "a mapping key must be a plain value")
                    }
                    stack.append(.mapping(entries, pendingKey: (key, keyLine), line: line))
                }
            }
        }
    }
}

/// One `key: value` of a mapping, with the key's line.
public struct YAMLEntry: Sendable, Hashable {
    public let key: String
    public let line: Int
    public let value: YAMLNode
}
