/// Splits a comma-separated header (`Accept`, `Accept-Encoding`) into its elements, each a
/// lower-cased value and its `;name=value` parameters, the quality `q` taken out as a number.
/// Quoted parameter values lose their quotes; an element without a value is dropped.
struct HeaderElement: Sendable, Hashable {
    var value: String
    var parameters: [String: String]
    var quality: Double

    static func split(_ header: String) -> [HeaderElement] {
        var elements: [HeaderElement] = []
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";", omittingEmptySubsequences: false)
            let value = trimmed(pieces[0]).lowercased()
            guard !value.isEmpty else { continue }
            var element = HeaderElement(value: value, parameters: [:], quality: 1)
            for piece in pieces.dropFirst() {
                guard let equals = piece.firstIndex(of: "=") else { continue }
                let name = trimmed(piece[..<equals]).lowercased()
                var parameter = trimmed(piece[piece.index(after: equals)...])
                if parameter.count >= 2, parameter.hasPrefix("\""), parameter.hasSuffix("\"") {
                    parameter = String(parameter.dropFirst().dropLast())
                }
                if name == "q" {
                    // An unreadable q counts as 0: the client did not clearly ask for it.
                    element.quality = Double(parameter).map { min(max($0, 0), 1) } ?? 0
                } else {
                    element.parameters[name] = parameter.lowercased()
                }
            }
            elements.append(element)
        }
        return elements
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
