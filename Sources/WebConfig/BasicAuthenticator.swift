/// Checks `Authorization: Basic …` against the web config's bcrypt users.
public struct BasicAuthenticator: Sendable, Hashable {
    let users: [String: String]
    /// A hash at the highest cost configured, for unknown users (see `BcryptHash.decoy`).
    let decoy: String

    public init(users: [String: String]) {
        self.users = users
        decoy = BcryptHash.decoy(cost: users.values.compactMap(BcryptHash.cost).max() ?? 10)
    }

    /// True when no users are configured (auth is off) or the header names a user whose
    /// password matches.
    public func authorizes(_ authorization: String?) -> Bool {
        guard !users.isEmpty else { return true }
        guard let (user, password) = BasicAuthenticator.credentials(authorization) else { return false }
        guard let hash = users[user] else {
            _ = BcryptHash.matches(password: password, hash: decoy)
            return false
        }
        return BcryptHash.matches(password: password, hash: hash)
    }

    /// The user and password of a `Basic` authorization header (RFC 7617), or nil.
    static func credentials(_ header: String?) -> (user: String, password: String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Base64.decode(parts[1].trimmingSpaces()),
              let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        return (String(decoding: decoded[..<colon], as: UTF8.self),
                String(decoding: decoded[(colon + 1)...], as: UTF8.self))
    }
}

private extension Substring {
    func trimmingSpaces() -> Substring {
        drop { $0 == " " }.reversed().drop { $0 == " " }.reversed().reduce(into: Substring()) { $0.append($1) }
    }
}
