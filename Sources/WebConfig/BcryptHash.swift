import CCrypt

/// bcrypt password hashes (`$2y$10$<22 salt chars><31 hash chars>`, as `htpasswd -nB` writes),
/// checked with libxcrypt's crypt_rn, never by hand.
public enum BcryptHash {
    /// The cost of a well-formed bcrypt hash, or nil.
    public static func cost(of hash: String) -> Int? {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
              bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
              let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), (4...31).contains(cost)
        else { return nil }
        return cost
    }

    /// True when `password` hashes to `hash`. Always costs one bcrypt computation.
    public static func matches(password: String, hash: String) -> Bool {
        netstat_crypt_matches(password, hash) == 1
    }

    /// A hash no password matches, at `cost`: checked in place of an unknown user's, so such a
    /// request takes as long as a known user's and the response time does not tell user names.
    public static func decoy(cost: Int) -> String {
        let digits = cost < 10 ? "0\(cost)" : "\(cost)"
        return "$2y$\(digits)$" + String(repeating: "N", count: 22) + String(repeating: ".", count: 31)
    }
}
