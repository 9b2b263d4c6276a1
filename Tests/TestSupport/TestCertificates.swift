import Foundation

/// A throwaway PKI made with `openssl` for one test: a CA, a server certificate for 127.0.0.1,
/// a client certificate from the same CA, and a client certificate from a second, untrusted CA.
public final class TestCertificates {
    public let directory: URL

    public init() throws {
        directory = try Fixtures.temporaryDirectory("pki")
        try makeCA("ca")
        try makeCA("other-ca")
        try issue("server", by: "ca", subject: "/CN=127.0.0.1",
                  extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try issue("client", by: "ca", subject: "/CN=prometheus", extensions: "extendedKeyUsage=clientAuth\n")
        try issue("stranger", by: "other-ca", subject: "/CN=stranger", extensions: "extendedKeyUsage=clientAuth\n")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The path of `name` (`ca.crt`, `server.key` …).
    public func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// Issues another certificate `name.crt` / `name.key` signed by `ca`.
    public func issue(_ name: String, by ca: String, subject: String, extensions: String) throws {
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"),
                     "-out", path("\(name).csr"), "-subj", subject])
        try Fixtures.write(extensions, to: "\(name).ext", in: directory)
        try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).crt"), "-CAkey", path("\(ca).key"),
                     "-CAcreateserial", "-out", path("\(name).crt"), "-days", "2", "-extfile", path("\(name).ext")])
    }

    private func makeCA(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"),
                     "-out", path("\(name).crt"), "-days", "2", "-subj", "/CN=\(name) for a test"])
    }

    private func openssl(_ arguments: [String]) throws {
        let result = try Shell.run(["openssl"] + arguments)
        guard result.status == 0 else { throw OpenSSLFailed(message: result.stderr) }
    }
}

public struct OpenSSLFailed: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "openssl failed: \(message)" }
}
