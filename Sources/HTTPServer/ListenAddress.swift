/// A `--web.listen-address` value: `:10042`, `127.0.0.1:10042` or `[::1]:10042`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Empty for every address of the host.
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses the host:port forms Prometheus exporters accept; the error says what is wrong.
    public init(parsing text: String) throws(HTTPServerError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw .badAddress("\(text): expected host:port, :port or [ipv6]:port")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else {
                throw .badAddress("\(text): unbalanced brackets around the IPv6 address")
            }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .badAddress("\(text): an IPv6 address must be written in brackets, as [::1]:10042")
        }
        guard let port = UInt16(portText) else {
            throw .badAddress("\(text): port must be a number from 0 to 65535")
        }
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
