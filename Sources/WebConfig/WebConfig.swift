import HTTPServer
import ProcNet

/// A web configuration file in the Prometheus exporter-toolkit format:
///
///     tls_server_config: {cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version}
///     http_server_config: {headers: {Name: value}, http2: bool}
///     basic_auth_users: {user: <bcrypt hash>}
///
/// Loading reads the certificate, key and CA files it names (relative paths are taken from the
/// config file's directory, as exporter-toolkit does) and checks that they fit together.
public struct WebConfig: Sendable, Hashable {
    public var tls: TLSSettings?
    public var clientAuth: ClientAuthType
    public var users: [String: String]
    public var headers: [HeaderField]

    public init(tls: TLSSettings? = nil, clientAuth: ClientAuthType = .noClientCert, users: [String: String] = [:],
                headers: [HeaderField] = []) {
        self.tls = tls
        self.clientAuth = clientAuth
        self.users = users
        self.headers = headers
    }

    public struct HeaderField: Sendable, Hashable {
        public let name: String
        public let value: String
    }

    /// The response headers exporter-toolkit lets a web config set.
    static let settableHeaders = ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
                                  "X-XSS-Protection", "Content-Security-Policy"]

    /// Reads and checks the file at `path`.
    public static func load(_ path: String) throws(WebConfigError) -> WebConfig {
        let bytes: [UInt8]
        do {
            bytes = try ProcFile.read(path)
        } catch {
            throw WebConfigError(line: nil, key: nil, "cannot read: \(error)")
        }
        let directory = path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : ""
        return try parse(bytes, readFile: { relative throws(WebConfigError) -> String in
            let full = relative.hasPrefix("/") ? relative : directory + relative
            do {
                return String(decoding: try ProcFile.read(full), as: UTF8.self)
            } catch {
                throw WebConfigError(line: nil, key: nil, "cannot read \(full): \(error)")
            }
        })
    }

    /// Parses YAML text; `readFile` fetches the PEM files it names (a test may serve them from memory).
    public static func parse(_ bytes: [UInt8], readFile: (String) throws(WebConfigError) -> String)
        throws(WebConfigError) -> WebConfig {
        var config = WebConfig()
        guard let root = try YAMLNode.parse(bytes), !root.isNull else { return config }
        for entry in try mapping(root, key: nil) {
            switch entry.key {
            case "tls_server_config":
                if !entry.value.isNull { try parseTLS(entry, into: &config, readFile: readFile) }
            case "http_server_config":
                if !entry.value.isNull { try parseHTTP(entry, into: &config) }
            case "basic_auth_users":
                if !entry.value.isNull { try parseUsers(entry, into: &config) }
            default:
                throw WebConfigError(line: entry.line, key: entry.key, "unknown key")
            }
        }
        return config
    }

    private static func parseTLS(_ section: YAMLEntry, into config: inout WebConfig,
                                 readFile: (String) throws(WebConfigError) -> String) throws(WebConfigError) {
        var files: [String: (path: String, line: Int)] = [:]
        var minVersion = TLSSettings.Version.tls12, maxVersion = TLSSettings.Version.tls13
        var clientAuthLine = section.line
        for entry in try mapping(section.value, key: section.key) {
            let key = "tls_server_config.\(entry.key)"
            switch entry.key {
            case "cert_file", "key_file", "client_ca_file":
                files[entry.key] = (try scalar(entry.value, key: key), entry.line)
            case "client_auth_type":
                let text = try scalar(entry.value, key: key)
                guard let type = ClientAuthType(rawValue: text) else {
                    let known = ClientAuthType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw WebConfigError(line: entry.line, key: key,
                                         "unknown value \"\(text)\" (expected one of \(known))")
                }
                config.clientAuth = type
                clientAuthLine = entry.line
            case "min_version", "max_version":
                let text = try scalar(entry.value, key: key)
                guard let version = TLSSettings.Version(rawValue: text) else {
                    throw WebConfigError(line: entry.line, key: key,
                                         "unknown TLS version \"\(text)\" (expected TLS10, TLS11, TLS12 or TLS13)")
                }
                if entry.key == "min_version" { minVersion = version } else { maxVersion = version }
            default:
                throw WebConfigError(line: entry.line, key: key, "unknown or unsupported key")
            }
        }
        guard let cert = files["cert_file"] else {
            throw WebConfigError(line: section.line, key: "tls_server_config.cert_file", "missing")
        }
        guard let key = files["key_file"] else {
            throw WebConfigError(line: section.line, key: "tls_server_config.key_file", "missing")
        }
        guard minVersion <= maxVersion else {
            throw WebConfigError(line: section.line, key: "tls_server_config.min_version", "is above max_version")
        }
        let ca = files["client_ca_file"]
        if config.clientAuth.needsClientCA && ca == nil {
            throw WebConfigError(line: clientAuthLine, key: "tls_server_config.client_auth_type",
                                 "\(config.clientAuth.rawValue) needs client_ca_file")
        }
        if ca != nil && config.clientAuth == .noClientCert {
            throw WebConfigError(line: ca!.line, key: "tls_server_config.client_ca_file",
                                 "set without a client_auth_type that uses it")
        }
        func read(_ name: String, _ file: (path: String, line: Int)) throws(WebConfigError) -> String {
            do {
                return try readFile(file.path)
            } catch {
                throw WebConfigError(line: file.line, key: "tls_server_config.\(name)", error.message)
            }
        }
        var clientCAPEM: String?
        if let ca { clientCAPEM = try read("client_ca_file", ca) }
        let settings = TLSSettings(certificatePEM: try read("cert_file", cert), keyPEM: try read("key_file", key),
                                   clientCAPEM: clientCAPEM, minVersion: minVersion, maxVersion: maxVersion)
        if let problem = settings.validate() {
            throw WebConfigError(line: cert.line, key: "tls_server_config.cert_file",
                                 "certificate, key or client CA unusable: \(problem)")
        }
        config.tls = settings
    }

    private static func parseHTTP(_ section: YAMLEntry, into config: inout WebConfig) throws(WebConfigError) {
        for entry in try mapping(section.value, key: section.key) {
            let key = "http_server_config.\(entry.key)"
            switch entry.key {
            case "headers":
                guard !entry.value.isNull else { continue }
                for header in try mapping(entry.value, key: key) {
                    let headerKey = "\(key).\(header.key)"
                    guard let name = settableHeaders.first(where: { $0.lowercased() == header.key.lowercased() }) else {
                        let settable = settableHeaders.joined(separator: ", ")
                        throw WebConfigError(line: header.line, key: headerKey,
                                             "not a header a web config may set (\(settable))")
                    }
                    config.headers.append(HeaderField(name: name, value: try scalar(header.value, key: headerKey)))
                }
            case "http2":
                // libmicrohttpd speaks HTTP/1.1 only; the key is accepted so shared configs load.
                let text = try scalar(entry.value, key: key)
                guard text == "true" || text == "false" else {
                    throw WebConfigError(line: entry.line, key: key, "expected true or false, got \"\(text)\"")
                }
            default:
                throw WebConfigError(line: entry.line, key: key, "unknown or unsupported key")
            }
        }
    }

    private static func parseUsers(_ section: YAMLEntry, into config: inout WebConfig) throws(WebConfigError) {
        for entry in try mapping(section.value, key: section.key) {
            let key = "basic_auth_users.\(entry.key)"
            let hash = try scalar(entry.value, key: key)
            guard BcryptHash.cost(of: hash) != nil else {
                throw WebConfigError(line: entry.line, key: key,
                                     "not a bcrypt hash (as `htpasswd -nBC 10 \(entry.key)` makes)")
            }
            config.users[entry.key] = hash
        }
    }

    private static func mapping(_ node: YAMLNode, key: String?) throws(WebConfigError) -> [YAMLEntry] {
        guard case .mapping(let entries, _) = node else {
            throw WebConfigError(line: node.line, key: key, "expected a mapping of keys to values")
        }
        var seen: Set<String> = []
        for entry in entries where !seen.insert(entry.key).inserted {
            throw WebConfigError(line: entry.line, key: key.map { "\($0).\(entry.key)" } ?? entry.key, "given twice")
        }
        return entries
    }

    private static func scalar(_ node: YAMLNode, key: String) throws(WebConfigError) -> String {
        guard case .scalar(let text, _) = node, !node.isNull else {
            throw WebConfigError(line: node.line, key: key, "expected a single value")
        }
        return text
    }
}
