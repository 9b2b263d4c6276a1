import CMicroHTTPD

/// What a TLS listener serves with: its certificate chain and key, the CAs that client
/// certificates must chain to, and the TLS versions allowed. All PEM text.
public struct TLSSettings: Sendable, Hashable {
    public enum Version: String, Sendable, Hashable, CaseIterable, Comparable {
        case tls10 = "TLS10", tls11 = "TLS11", tls12 = "TLS12", tls13 = "TLS13"

        var gnutlsName: String {
            switch self {
            case .tls10: return "VERS-TLS1.0"
            case .tls11: return "VERS-TLS1.1"
            case .tls12: return "VERS-TLS1.2"
            case .tls13: return "VERS-TLS1.3"
            }
        }

        public static func < (lhs: Version, rhs: Version) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var certificatePEM: String
    public var keyPEM: String
    /// CA certificates for client certificates; nil when clients are not asked for one.
    public var clientCAPEM: String?
    public var minVersion: Version
    public var maxVersion: Version

    public init(certificatePEM: String, keyPEM: String, clientCAPEM: String? = nil,
                minVersion: Version = .tls12, maxVersion: Version = .tls13) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.clientCAPEM = clientCAPEM
        self.minVersion = minVersion
        self.maxVersion = maxVersion
    }

    /// The GnuTLS priority string: its defaults, with only the versions from min to max.
    var priorities: String {
        let versions = Version.allCases.filter { $0 >= minVersion && $0 <= maxVersion }
        return (["NORMAL", "-VERS-ALL"] + versions.reversed().map { "+" + $0.gnutlsName }).joined(separator: ":")
    }

    /// Checks that the key matches the certificate and the client CAs parse, so a bad reload is
    /// refused before any listener is touched. The error is GnuTLS' reason.
    public func validate() -> String? {
        let problem: UnsafePointer<CChar>? = certificatePEM.withCString { cert in
            keyPEM.withCString { key in
                if let clientCAPEM {
                    return clientCAPEM.withCString { netstat_tls_check(cert, key, $0) }
                }
                return netstat_tls_check(cert, key, nil)
            }
        }
        return problem.map { String(cString: $0) }
    }
}
