/// The `Accept-Encoding` header of a request (RFC 9110 §12.5.3): whether a content coding
/// such as `gzip` may be used. A coding named with q=0 is refused; `*` stands for every coding
/// not named; no header means identity only, as far as this server is concerned.
public struct AcceptEncoding: Sendable {
    let codings: [HeaderElement]

    public init(_ header: String?) {
        codings = HeaderElement.split(header ?? "")
    }

    public func allows(_ coding: String) -> Bool {
        let wanted = coding.lowercased()
        if let named = codings.first(where: { $0.value == wanted }) { return named.quality > 0 }
        if let any = codings.first(where: { $0.value == "*" }) { return any.quality > 0 }
        return false
    }
}
