import Foundation
import Testing
import TestSupport

/// `--web.config.file` end to end: TLS with client certificates, bcrypt basic auth, reload on
/// SIGHUP, and refusal of a malformed file. Certificates come from `openssl`, hashes from
/// `htpasswd`, requests from curl.
@Suite struct WebSecurityTests {
    static let procfs = "--path.procfs=\(Fixtures.path("procfs/proc"))"

    static func bcrypt(_ user: String, _ password: String) throws -> String {
        let result = try Shell.run(["htpasswd", "-nbB", "-C", "5", user, password])
        return String(result.stdout.split(separator: "\n")[0].split(separator: ":", maxSplits: 1)[1])
    }

    /// Writes web.yml into the PKI directory (relative paths resolve there).
    static func writeConfig(_ pki: TestCertificates, tls: Bool = true, clientAuth: String? = nil,
                            users: [String: String] = [:], serverCert: String = "server") throws {
        var text = ""
        if tls {
            text += "tls_server_config:\n  cert_file: \(serverCert).crt\n  key_file: \(serverCert).key\n"
            if let clientAuth { text += "  client_auth_type: \(clientAuth)\n  client_ca_file: ca.crt\n" }
        }
        if !users.isEmpty {
            text += "basic_auth_users:\n"
            for (user, password) in users.sorted(by: { $0.key < $1.key }) {
                text += "  \(user): \(try bcrypt(user, password))\n"
            }
        }
        text += "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n"
        try Fixtures.write(text, to: "web.yml", in: pki.directory)
    }

    static func start(_ pki: TestCertificates) throws -> RunningExporter {
        try RunningExporter(["--web.listen-address=127.0.0.1:0", "--web.config.file=\(pki.path("web.yml"))", procfs])
    }

    func https(_ exporter: RunningExporter, _ pki: TestCertificates, _ extra: [String] = [],
               path: String = "/metrics", ca: String = "ca") throws -> CurlResponse {
        try CurlResponse.get(["--cacert", pki.path("\(ca).crt")] + extra
                             + ["https://\(exporter.addresses[0])\(path)"])
    }

    @Test func tlsScrapeWorksAndPlainHTTPIsRefused() throws {
        let pki = try TestCertificates()
        try Self.writeConfig(pki)
        let exporter = try Self.start(pki)
        #expect(exporter.stderr.contains("tls=true"))
        let scrape = try https(exporter, pki)
        #expect(scrape.status == 200)
        #expect(scrape.headers["x-content-type-options"] == "nosniff")
        #expect(scrape.text.contains("netstat_udp_sockets{family=\"ipv4\"} 3\n"))

        let plain = try CurlResponse.get(["http://\(exporter.addresses[0])/metrics"])
        #expect(plain.status == 0)
        #expect(plain.exitCode != 0)
        // A client that does not trust our CA does not get through either.
        #expect(try https(exporter, pki, ca: "other-ca").exitCode == 60)
    }

    @Test func clientCertificateRequiredWhenConfigured() throws {
        let pki = try TestCertificates()
        try Self.writeConfig(pki, clientAuth: "RequireAndVerifyClientCert")
        let exporter = try Self.start(pki)
        let withCert = try https(exporter, pki, ["--cert", pki.path("client.crt"), "--key", pki.path("client.key")])
        #expect(withCert.status == 200)
        let without = try https(exporter, pki)
        #expect(without.status == 403)
        #expect(without.text == "403 a valid client certificate is required\n")
        let untrusted = try https(exporter, pki, ["--cert", pki.path("stranger.crt"), "--key", pki.path("stranger.key")])
        #expect(untrusted.status == 403)
    }

    @Test func bcryptBasicAuth() throws {
        let pki = try TestCertificates()
        try Self.writeConfig(pki, users: ["alice": "first password"])
        let exporter = try Self.start(pki)
        #expect(try https(exporter, pki, ["-u", "alice:first password"]).status == 200)
        let wrong = try https(exporter, pki, ["-u", "alice:second password"])
        #expect(wrong.status == 401)
        #expect(wrong.headers["www-authenticate"] == "Basic realm=\"netstat_exporter\", charset=\"UTF-8\"")
        #expect(wrong.headers["x-content-type-options"] == "nosniff")
        #expect(try https(exporter, pki, ["-u", "mallory:first password"]).status == 401)
        #expect(try https(exporter, pki).status == 401)
        // The landing page is behind the same gate.
        #expect(try https(exporter, pki, path: "/").status == 401)
    }

    @Test func sighupReloadsPasswordsAndCertificatesAndKeepsTheLastGoodOnError() throws {
        let pki = try TestCertificates()
        try Self.writeConfig(pki, users: ["alice": "old"])
        let exporter = try Self.start(pki)
        #expect(try https(exporter, pki, ["-u", "alice:old"]).status == 200)

        // New password and a server certificate from the other CA.
        try pki.issue("server2", by: "other-ca", subject: "/CN=127.0.0.1",
                      extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        try Self.writeConfig(pki, users: ["alice": "new"], serverCert: "server2")
        let address = exporter.addresses[0]
        #expect(try Self.fingerprint(servedAt: address) == Self.fingerprint(ofFile: pki.path("server.crt")))
        kill(exporter.pid, SIGHUP)
        #expect(exporter.waitForLog("Reloaded web config"))
        #expect(try Self.fingerprint(servedAt: address) == Self.fingerprint(ofFile: pki.path("server2.crt")))
        #expect(try https(exporter, pki, ["-u", "alice:old"], ca: "other-ca").status == 401)
        #expect(try https(exporter, pki, ["-u", "alice:new"], ca: "other-ca").status == 200)
        #expect(try https(exporter, pki, ["-u", "alice:new"], ca: "ca").exitCode == 60)

        // A broken file is logged and ignored.
        try Fixtures.write("basic_auth_users:\n  alice: not-a-hash\n", to: "web.yml", in: pki.directory)
        kill(exporter.pid, SIGHUP)
        #expect(exporter.waitForLog(#"msg="Reloading web config failed, "#
                                    + #"keeping the last good one" file=\#(pki.path("web.yml")) "#
                                    + #"err="line 2: basic_auth_users.alice: not a bcrypt hash"#), "\(exporter.stderr)")
        #expect(try https(exporter, pki, ["-u", "alice:new"], ca: "other-ca").status == 200)
        #expect(exporter.process.isRunning)
    }

    /// The SHA-256 fingerprint of the certificate `file` holds.
    static func fingerprint(ofFile file: String) throws -> String {
        let result = try Shell.run(["openssl", "x509", "-in", file, "-noout", "-fingerprint", "-sha256"])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The SHA-256 fingerprint of the certificate a TLS listener at `address` presents now, on a new
    /// connection (openssl s_client, which does not verify: the test compares, it does not trust).
    static func fingerprint(servedAt address: String) throws -> String {
        let result = try Shell.run(["sh", "-c", "openssl s_client -connect \(address) </dev/null 2>/dev/null"
                                    + " | openssl x509 -noout -fingerprint -sha256"], timeout: 20)
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Rotation as a certificate manager does it: new files at the same paths (same CA, so a
    /// client that checks only the chain cannot tell), web.yml unchanged, then SIGHUP. The
    /// certificate served before is the old one, after it the new one.
    @Test func sighupServesTheRotatedCertificateAtTheSamePaths() throws {
        let pki = try TestCertificates()
        try Self.writeConfig(pki)
        let exporter = try Self.start(pki)
        let address = exporter.addresses[0]
        let old = try Self.fingerprint(ofFile: pki.path("server.crt"))
        #expect(old.hasPrefix("sha256 Fingerprint="), "\(old)")
        #expect(try Self.fingerprint(servedAt: address) == old)

        try pki.issue("server", by: "ca", subject: "/CN=127.0.0.1",
                      extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        let new = try Self.fingerprint(ofFile: pki.path("server.crt"))
        try #require(new != old)
        // Until the signal, the exporter still serves what it loaded.
        #expect(try Self.fingerprint(servedAt: address) == old)

        kill(exporter.pid, SIGHUP)
        #expect(exporter.waitForLog("Reloaded web config"))
        #expect(try Self.fingerprint(servedAt: address) == new)
        #expect(try https(exporter, pki).status == 200)
    }

    @Test func malformedFileAtStartExitsNamingKeyAndLine() throws {
        let pki = try TestCertificates()
        try Fixtures.write("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Maybe\n",
                           to: "web.yml", in: pki.directory)
        let result = try Shell.run([RunningExporter.binary, "--web.listen-address=127.0.0.1:0",
                                    "--web.config.file=\(pki.path("web.yml"))"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--web.config.file=\(pki.path("web.yml")): line 4: tls_server_config.client_auth_type: unknown value \\\"Maybe\\\""))

        let missing = try Shell.run([RunningExporter.binary, "--web.config.file=/nonexistent/web.yml"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent/web.yml: cannot read"))
    }
}
