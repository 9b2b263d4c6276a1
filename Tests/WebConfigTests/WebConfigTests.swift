import Foundation
import Testing
import TestSupport
@testable import HTTPServer
@testable import WebConfig

@Suite struct WebConfigTests {
    static let hash = "$2y$10$jIBYaLKFxNbVIpm9S74P6.xs4m3.nDUnNPmPWKwzIWzgmEinfXvny"

    func parse(_ text: String) throws(WebConfigError) -> WebConfig {
        try WebConfig.parse(Array(text.utf8), readFile: { path throws(WebConfigError) in
            throw WebConfigError(line: nil, key: nil, "no file \(path) in this test")
        })
    }

    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func usersAndHeaders() throws {
        let config = try parse("""
        basic_auth_users:
          alice: \(Self.hash)
          "bob smith": '\(Self.hash)'
        http_server_config:
          http2: true
          headers:
            x-frame-options: deny
            Strict-Transport-Security: max-age=31536000
        """)
        #expect(config.users == ["alice": Self.hash, "bob smith": Self.hash])
        #expect(config.headers == [WebConfig.HeaderField(name: "X-Frame-Options", value: "deny"),
                                   WebConfig.HeaderField(name: "Strict-Transport-Security", value: "max-age=31536000")])
        #expect(config.tls == nil)
        #expect(config.clientAuth == .noClientCert)
    }

    @Test func emptyAndNullSectionsMeanNothingConfigured() throws {
        #expect(try parse("") == WebConfig())
        #expect(try parse("tls_server_config:\nbasic_auth_users: ~\n") == WebConfig())
    }

    @Test func mistakesNameKeyAndLine() {
        #expect(error("basic_auth_users:\n  alice: plaintext\n")
                == "line 2: basic_auth_users.alice: not a bcrypt hash (as `htpasswd -nBC 10 alice` makes)")
        #expect(error("basic_auth_user:\n  alice: x\n") == "line 1: basic_auth_user: unknown key")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: Sometimes\n")
                == "line 4: tls_server_config.client_auth_type: unknown value \"Sometimes\" (expected one of "
                + "NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n") == "line 1: tls_server_config.key_file: missing")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: [x]\n")
                == "line 4: tls_server_config.cipher_suites: unknown or unsupported key")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  min_version: TLS14\n")
                == "line 4: tls_server_config.min_version: unknown TLS version \"TLS14\" (expected TLS10, TLS11, TLS12 or TLS13)")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequireAndVerifyClientCert\n")
                == "line 4: tls_server_config.client_auth_type: RequireAndVerifyClientCert needs client_ca_file")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_auth_type: RequireAnyClientCert\n")
                == "line 4: tls_server_config.client_auth_type: RequireAnyClientCert needs client_ca_file")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  client_ca_file: ca.crt\n")
                == "line 4: tls_server_config.client_ca_file: set without a client_auth_type that uses it")
        #expect(error("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n")
                == "line 2: tls_server_config.cert_file: no file a.crt in this test")
        #expect(error("http_server_config:\n  headers:\n    Set-Cookie: a=b\n")
                == "line 3: http_server_config.headers.Set-Cookie: not a header a web config may set "
                + "(Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy)")
        #expect(error("basic_auth_users:\n  a: \(Self.hash)\n  a: \(Self.hash)\n") == "line 3: basic_auth_users.a: given twice")
        #expect(error("basic_auth_users: [a, b]\n") == "line 1: basic_auth_users: expected a mapping of keys to values")
        #expect(error("basic_auth_users:\n  a: [x]\n") == "line 2: basic_auth_users.a: expected a single value")
        #expect(error("- just\n- a list\n") == "line 1: expected a mapping of keys to values")
    }

    @Test func tlsFilesAreReadRelativeToTheConfigAndChecked() throws {
        let pki = try TestCertificates()
        try Fixtures.write("""
        tls_server_config:
          cert_file: server.crt
          key_file: \(pki.path("server.key"))
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: ca.crt
          min_version: TLS13
        """, to: "web.yml", in: pki.directory)
        let config = try WebConfig.load(pki.path("web.yml"))
        let tls = try #require(config.tls)
        #expect(tls.certificatePEM == (try String(contentsOfFile: pki.path("server.crt"), encoding: .utf8)))
        #expect(tls.clientCAPEM == (try String(contentsOfFile: pki.path("ca.crt"), encoding: .utf8)))
        #expect(tls.minVersion == .tls13)
        #expect(tls.priorities == "NORMAL:-VERS-ALL:+VERS-TLS1.3")
        #expect(config.clientAuth == .requireAndVerifyClientCert)

        // A key that is not the certificate's is refused at load, naming cert_file's line.
        try Fixtures.write("tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n",
                           to: "mismatch.yml", in: pki.directory)
        #expect(throws: WebConfigError(line: 2, key: "tls_server_config.cert_file",
                                       "certificate, key or client CA unusable: The certificate and the given key do not match.")) {
            try WebConfig.load(pki.path("mismatch.yml"))
        }
    }

    @Test func clientAuthPolicies() {
        let table: [(ClientAuthType, [ClientCertificate])] = [
            (.noClientCert, [.notTLS, .none, .verified, .invalid]),
            (.requestClientCert, [.notTLS, .none, .verified, .invalid]),
            (.requireAnyClientCert, [.verified, .invalid]),
            (.verifyClientCertIfGiven, [.notTLS, .none, .verified]),
            (.requireAndVerifyClientCert, [.verified]),
        ]
        for (policy, admitted) in table {
            for certificate in [ClientCertificate.notTLS, .none, .verified, .invalid] {
                #expect(policy.admits(certificate) == admitted.contains(certificate), "\(policy) \(certificate)")
            }
        }
        #expect(TLSSettings(certificatePEM: "", keyPEM: "").priorities == "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2")
    }
}

@Suite struct WebConfigExampleTests {
    /// packaging/web-config.example.yml loads once its certificate files exist, and its
    /// documented password is the one its hash holds.
    @Test func exampleLoads() throws {
        let pki = try TestCertificates()
        let example = try String(contentsOfFile: Fixtures.repository("packaging/web-config.example.yml"), encoding: .utf8)
        try Fixtures.write(example, to: "web.yml", in: pki.directory)
        let config = try WebConfig.load(pki.path("web.yml"))
        #expect(config.clientAuth == .requireAndVerifyClientCert)
        #expect(config.tls?.minVersion == .tls12)
        #expect(config.headers.map(\.name) == ["X-Content-Type-Options", "Strict-Transport-Security"])
        let hash = try #require(config.users["prometheus"])
        #expect(BcryptHash.matches(password: "change me", hash: hash))
    }
}
