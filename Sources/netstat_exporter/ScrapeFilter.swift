import HTTPServer

/// The `collect[]` / `exclude[]` query parameters of one scrape, as node_exporter takes them:
/// `collect[]=sockets&collect[]=routes` runs only those collectors, `exclude[]=sockets` runs all
/// but those. Every name must be an enabled collector, so a typo is an error, not an empty page.
struct ScrapeFilter: Sendable, Hashable {
    enum Mode: Sendable, Hashable {
        case all
        case only(Set<String>)
        case allExcept(Set<String>)
    }

    let mode: Mode

    /// Reads the filter from `request`; the error is the 400 message.
    init(_ request: HTTPRequest, enabled: [String]) throws(ScrapeFilterError) {
        let collect = request.queryValues("collect[]")
        let exclude = request.queryValues("exclude[]")
        if !collect.isEmpty && !exclude.isEmpty {
            throw ScrapeFilterError("collect[] and exclude[] cannot be used together")
        }
        for name in collect + exclude where !enabled.contains(name) {
            let names = enabled.joined(separator: ", ")
            throw ScrapeFilterError("unknown or disabled collector \"\(name)\" (enabled: \(names))")
        }
        if !collect.isEmpty {
            mode = .only(Set(collect))
        } else if !exclude.isEmpty {
            mode = .allExcept(Set(exclude))
        } else {
            mode = .all
        }
    }

    func includes(_ collector: String) -> Bool {
        switch mode {
        case .all: return true
        case .only(let names): return names.contains(collector)
        case .allExcept(let names): return !names.contains(collector)
        }
    }
}

struct ScrapeFilterError: Error, Sendable, Hashable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
