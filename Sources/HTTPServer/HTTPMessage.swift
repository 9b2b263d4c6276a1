/// A request as the handler sees it: method, path, headers and query arguments, copied out of
/// libmicrohttpd so nothing refers to its memory after the callback.
public struct HTTPRequest: Sendable {
    public let method: String
    public let path: String
    public let headers: [(name: String, value: String)]
    public let query: [(name: String, value: String)]
    public let clientCertificate: ClientCertificate
    /// The client's IP address as text ("" if unknown).
    public let clientAddress: String

    public init(method: String, path: String, headers: [(name: String, value: String)] = [],
                query: [(name: String, value: String)] = [], clientCertificate: ClientCertificate = .notTLS,
                clientAddress: String = "") {
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
        self.clientCertificate = clientCertificate
        self.clientAddress = clientAddress
    }

    /// The first header of that name, compared case-insensitively as HTTP requires.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value of a query argument, in order (`collect[]=a&collect[]=b`).
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }
}

/// What the handler answers.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A plain-text response, for errors.
    public static func text(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")],
                     body: Array((message + "\n").utf8))
    }
}

/// What the client of a TLS connection showed, verified against the listener's client CAs.
public enum ClientCertificate: Sendable, Hashable {
    case notTLS
    case none
    case verified
    case invalid
}
