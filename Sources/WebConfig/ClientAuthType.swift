import HTTPServer

/// `tls_server_config.client_auth_type`, with Go's crypto/tls names as exporter-toolkit uses.
///
/// libmicrohttpd asks every client for a certificate once client CAs are configured but cannot
/// fail the handshake on its absence, so the policy is enforced per request: a request the
/// policy refuses is answered 403 before anything else.
public enum ClientAuthType: String, Sendable, Hashable, CaseIterable {
    case noClientCert = "NoClientCert"
    case requestClientCert = "RequestClientCert"
    case requireAnyClientCert = "RequireAnyClientCert"
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// Whether the policy needs client_ca_file: to verify against it, or (RequireAnyClientCert)
    /// because libmicrohttpd asks clients for a certificate only when it has a CA list.
    var needsClientCA: Bool {
        self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert || self == .requireAnyClientCert
    }

    /// Whether a request whose client showed `certificate` may go on.
    public func admits(_ certificate: ClientCertificate) -> Bool {
        switch self {
        case .noClientCert, .requestClientCert: return true
        case .requireAnyClientCert: return certificate == .verified || certificate == .invalid
        case .verifyClientCertIfGiven: return certificate != .invalid
        case .requireAndVerifyClientCert: return certificate == .verified
        }
    }
}
