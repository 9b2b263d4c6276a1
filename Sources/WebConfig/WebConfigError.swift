/// Why a web configuration file cannot be used: the line and the dotted key when known
/// (`line 4: tls_server_config.client_auth_type: unknown value "Foo"`).
public struct WebConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public let line: Int?
    public let key: String?
    public let message: String

    public init(line: Int?, key: String?, _ message: String) {
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if let key { parts.append(key) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
