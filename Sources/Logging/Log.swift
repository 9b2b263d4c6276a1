/// The exporter's log: `Log.info("Listening on", ["address": address])`. Every line the exporter
/// (and, through the http layer, libmicrohttpd) writes goes through `Log.logger`.
public enum Log {
    public static let logger = Logger()

    public static func debug(source: String? = nil, _ message: String, _ fields: LogFields = [:],
                             file: String = #fileID, line: Int = #line) {
        logger.log(.debug, source: source, message, fields, file: file, line: line)
    }

    public static func info(source: String? = nil, _ message: String, _ fields: LogFields = [:],
                            file: String = #fileID, line: Int = #line) {
        logger.log(.info, source: source, message, fields, file: file, line: line)
    }

    public static func warn(source: String? = nil, _ message: String, _ fields: LogFields = [:],
                            file: String = #fileID, line: Int = #line) {
        logger.log(.warn, source: source, message, fields, file: file, line: line)
    }

    public static func error(source: String? = nil, _ message: String, _ fields: LogFields = [:],
                             file: String = #fileID, line: Int = #line) {
        logger.log(.error, source: source, message, fields, file: file, line: line)
    }

    /// The debug line for a request the exporter turns away (401, 403, 400, 404, 405, 503, or the
    /// server's own limits): which request, what status, and why. One call shape for every place
    /// that refuses, so the lines read alike: `msg="Request refused" status=401 reason=...`.
    public static func requestRefused(status: Int, reason: String, method: String, path: String,
                                      client: String? = nil, to logger: Logger = Log.logger,
                                      file: String = #fileID, line: Int = #line) {
        guard logger.isEnabled(.debug) else { return }
        var fields: [LogField] = [("status", status), ("reason", reason), ("method", method), ("path", path)]
        if let client { fields.append(("client", client)) }
        logger.log(.debug, "Request refused", fields: fields, file: file, line: line)
    }
}
