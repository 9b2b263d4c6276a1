import Foundation
import Testing
import TestSupport

/// The real consumer: Debian's Prometheus server scrapes the exporter over TLS with a client
/// certificate and basic auth, negotiating its preferred format, and stores what it read.
@Suite struct PrometheusScrapeTests {
    static func freePort() throws -> Int {
        let result = try Shell.run(["/usr/bin/python3", "-c",
                                    "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// One instant query's first value, or nil while Prometheus has none.
    static func query(_ port: Int, _ expression: String) throws -> String? {
        let response = try CurlResponse.get(["--get", "--data-urlencode", "query=\(expression)",
                                             "http://127.0.0.1:\(port)/api/v1/query"])
        guard response.status == 200,
              let json = try JSONSerialization.jsonObject(with: response.body) as? [String: Any],
              let data = json["data"] as? [String: Any],
              let result = data["result"] as? [[String: Any]],
              let value = result.first?["value"] as? [Any] else { return nil }
        return value[1] as? String
    }

    @Test func prometheusScrapesOverTLSWithClientCertificateAndBasicAuth() throws {
        let pki = try TestCertificates()
        try WebSecurityTests.writeConfig(pki, clientAuth: "RequireAndVerifyClientCert", users: ["prometheus": "pw"])
        let exporter = try WebSecurityTests.start(pki)
        let port = try Self.freePort()
        try Fixtures.write("""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: netstat
            scheme: https
            tls_config:
              ca_file: \(pki.path("ca.crt"))
              cert_file: \(pki.path("client.crt"))
              key_file: \(pki.path("client.key"))
            basic_auth:
              username: prometheus
              password: pw
            static_configs:
              - targets: ['\(exporter.addresses[0])']
        """, to: "prometheus.yml", in: pki.directory)
        let prometheus = try ChildProcess(["/usr/bin/prometheus", "--config.file=\(pki.path("prometheus.yml"))",
                                           "--storage.tsdb.path=\(pki.path("data"))",
                                           "--web.listen-address=127.0.0.1:\(port)"])
        defer {
            prometheus.send(SIGKILL)
            prometheus.waitUntilExit()
        }

        let deadline = Date().addingTimeInterval(60)
        var up: String?
        var sockets: String?
        while Date() < deadline {
            up = try? Self.query(port, "up{job=\"netstat\"}")
            sockets = try? Self.query(port, "netstat_udp_sockets{family=\"ipv4\"}")
            if up == "1" && sockets != nil { break }
            usleep(250_000)
        }
        #expect(up == "1")
        #expect(sockets == "3")
        // The counter arrived with its _total name, as OpenMetrics writes samples.
        #expect(try Self.query(port, "netstat_parse_errors_total{collector=\"sockets\"}") == "0")
    }
}
