/// Why the monitoring lab could not get where a test needed it.
enum LabError: Error, CustomStringConvertible {
    case timeout(String)
    case badResponse(String)

    var description: String {
        switch self {
        case .timeout(let what): "timed out waiting for \(what)"
        case .badResponse(let body): "unexpected response: \(body.prefix(500))"
        }
    }
}
