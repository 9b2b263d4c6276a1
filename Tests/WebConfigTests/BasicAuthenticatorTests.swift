import Testing
import TestSupport
@testable import WebConfig

@Suite struct BasicAuthenticatorTests {
    /// A hash made by Apache's htpasswd, as an operator would.
    static func htpasswd(_ user: String, _ password: String, cost: Int = 5) throws -> String {
        let result = try Shell.run(["htpasswd", "-nbB", "-C", "\(cost)", user, password])
        #expect(result.status == 0)
        return String(result.stdout.split(separator: "\n")[0].split(separator: ":", maxSplits: 1)[1])
    }

    static func header(_ credentials: String) -> String {
        "Basic " + base64(Array(credentials.utf8))
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * position) & 63)] : "=")
            }
            index += 3
        }
        return out
    }

    @Test func bcryptUsersFromHtpasswd() throws {
        let auth = BasicAuthenticator(users: ["alice": try Self.htpasswd("alice", "s3cret: with colon")])
        #expect(auth.authorizes(Self.header("alice:s3cret: with colon")))
        #expect(!auth.authorizes(Self.header("alice:s3cret")))
        #expect(!auth.authorizes(Self.header("bob:s3cret: with colon")))
        #expect(!auth.authorizes(nil))
        #expect(!auth.authorizes("Bearer abc"))
        #expect(!auth.authorizes("Basic !!!!"))
        #expect(BasicAuthenticator(users: [:]).authorizes(nil))
    }

    @Test func unknownUserCostsABcryptCheckToo() throws {
        let auth = BasicAuthenticator(users: ["alice": try Self.htpasswd("alice", "pw", cost: 11)])
        #expect(auth.decoy.hasPrefix("$2y$11$"))
        // The fastest of three of each, so a busy machine does not decide the outcome.
        let clock = ContinuousClock()
        let known = (0..<3).map { _ in clock.measure { _ = auth.authorizes(Self.header("alice:wrong")) } }.min()!
        let unknown = (0..<3).map { _ in clock.measure { _ = auth.authorizes(Self.header("mallory:wrong")) } }.min()!
        // Cost 11 is ~100 ms; without the decoy an unknown user would answer in microseconds.
        #expect(unknown > known / 2, "known user \(known), unknown user \(unknown)")
    }

    @Test func credentialsAndBase64() {
        #expect(BasicAuthenticator.credentials("Basic YWxpY2U6cGE6c3M=")! == ("alice", "pa:ss"))
        #expect(BasicAuthenticator.credentials("basic   YTpi")! == ("a", "b"))
        #expect(BasicAuthenticator.credentials("Basic YWxpY2U=") == nil)
        #expect(Base64.decode("TWE=") == Array("Ma".utf8))
        #expect(Base64.decode("TQ==") == Array("M".utf8))
        #expect(Base64.decode("TWFu") == Array("Man".utf8))
        #expect(Base64.decode("TQ=a") == nil)
        #expect(Base64.decode("TWF") == nil)
        #expect(Base64.decode("T===") == nil)
    }

    @Test func bcryptHashShape() {
        #expect(BcryptHash.cost(of: "$2y$10$jIBYaLKFxNbVIpm9S74P6.xs4m3.nDUnNPmPWKwzIWzgmEinfXvny") == 10)
        #expect(BcryptHash.cost(of: "$2b$04$jIBYaLKFxNbVIpm9S74P6.xs4m3.nDUnNPmPWKwzIWzgmEinfXvny") == 4)
        #expect(BcryptHash.cost(of: "$6$salt$hash") == nil)
        #expect(BcryptHash.cost(of: "plaintext") == nil)
        #expect(!BcryptHash.matches(password: "x", hash: BcryptHash.decoy(cost: 4)))
    }
}
