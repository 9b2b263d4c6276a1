/// A media type a server can answer with: `text/plain; version=0.0.4`.
public struct MediaType: Sendable, Hashable {
    public let type: String
    public let subtype: String
    public let parameters: [String: String]

    public init(_ type: String, _ subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }
}

/// The `Accept` header of a request, for proactive content negotiation (RFC 9110 §12.5.1).
///
/// Each offered type takes the quality of the most specific range that matches it (a range's
/// parameters must all be present in the offer with the same value); the offer with the highest
/// quality wins, then the one matched more specifically, then the one named earlier in the
/// header, then the server's own order. A quality of 0 means "not this".
public struct AcceptHeader: Sendable {
    struct Match: Comparable {
        var quality: Double
        var specificity: Int
        var position: Int

        static func < (lhs: Match, rhs: Match) -> Bool {
            if lhs.quality != rhs.quality { return lhs.quality < rhs.quality }
            if lhs.specificity != rhs.specificity { return lhs.specificity < rhs.specificity }
            return lhs.position > rhs.position
        }
    }

    let ranges: [HeaderElement]

    /// Parameters that never rule an offer out: every answer is UTF-8 (`charset`), and metric
    /// names here are plain `[a-zA-Z_:][a-zA-Z0-9_:]*`, the same under every name `escaping`
    /// scheme Prometheus 3 asks for.
    static let ignoredParameters: Set<String> = ["charset", "escaping"]

    /// No header at all accepts anything; the server's first offer is chosen.
    public init(_ header: String?) {
        ranges = HeaderElement.split(header ?? "*/*")
    }

    /// The index in `offers` of the type to answer with, or nil when the client accepts none of them.
    public func preferred(among offers: [MediaType]) -> Int? {
        var best: (index: Int, match: Match)?
        for (index, offer) in offers.enumerated() {
            guard let match = match(offer), match.quality > 0 else { continue }
            if best == nil || best!.match < match { best = (index, match) }
        }
        return best?.index
    }

    func match(_ offer: MediaType) -> Match? {
        var found: Match?
        for (position, range) in ranges.enumerated() {
            let parts = range.value.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let type = String(parts[0]), subtype = String(parts[1])
            guard type == "*" || type == offer.type, subtype == "*" || subtype == offer.subtype else { continue }
            let parameters = range.parameters.filter { !AcceptHeader.ignoredParameters.contains($0.key) }
            guard parameters.allSatisfy({ offer.parameters[$0.key] == $0.value }) else { continue }
            let specificity = (type == "*" ? 0 : 1) + (subtype == "*" ? 0 : 1) + parameters.count
            let candidate = Match(quality: range.quality, specificity: specificity, position: position)
            if found == nil || found!.specificity < specificity { found = candidate }
        }
        return found
    }
}
