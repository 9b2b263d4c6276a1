#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One formatted log line: `time`, `level`, `source`, `msg`, then the call's fields, in the shape
/// promslog gives node_exporter's lines (log/slog's text and JSON handlers).
///
///     time=2026-11-27T03:44:41.123Z level=INFO source=main.swift:80 msg="Listening on" address=127.0.0.1:10042
///     {"time":"2026-11-27T03:44:41.123Z","level":"INFO","source":"main.swift:80","msg":"Listening on","address":"127.0.0.1:10042"}
///
/// `source` is a file:line (as slog's is) or a component name such as `microhttpd` when the line
/// is not ours.
enum LogLine {
    static func render(_ format: LogFormat, time: String, level: LogLevel, source: String, message: String,
                       fields: [LogField]) -> [UInt8] {
        var pairs: [LogField] = [("time", time), ("level", level.description), ("source", source), ("msg", message)]
        pairs.append(contentsOf: fields)
        var line: [UInt8] = []
        line.reserveCapacity(160)
        switch format {
        case .logfmt:
            for (index, pair) in pairs.enumerated() {
                if index > 0 { line.append(UInt8(ascii: " ")) }
                line.append(contentsOf: pair.key.utf8)
                line.append(UInt8(ascii: "="))
                appendLogfmtValue(pair.value.description, to: &line)
            }
        case .json:
            line.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                appendJSONString(pair.key, to: &line)
                line.append(UInt8(ascii: ":"))
                appendJSONValue(pair.value, to: &line)
            }
            line.append(UInt8(ascii: "}"))
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// Bare when the value is one plain word, quoted (with Go's escapes) when it is empty or holds
    /// a space, a control character, `=` or `"`, as slog's text handler decides.
    static func appendLogfmtValue(_ text: String, to line: inout [UInt8]) {
        let needsQuotes = text.isEmpty || text.utf8.contains { byte in
            byte <= 0x20 || byte == 0x7f || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"")
        }
        guard needsQuotes else {
            line.append(contentsOf: text.utf8)
            return
        }
        line.append(UInt8(ascii: "\""))
        appendEscaped(text, to: &line)
        line.append(UInt8(ascii: "\""))
    }

    static func appendJSONString(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        appendEscaped(text, to: &line)
        line.append(UInt8(ascii: "\""))
    }

    /// Numbers and booleans as JSON numbers and booleans (a NaN or infinity, which JSON has no
    /// spelling for, as a string); anything else as a string.
    static func appendJSONValue(_ value: LogValue, to line: inout [UInt8]) {
        switch value {
        case is Bool, is Int, is Int64, is Int32, is UInt, is UInt64, is UInt32, is UInt16, is UInt8:
            line.append(contentsOf: value.description.utf8)
        case let number as Double where number.isFinite:
            line.append(contentsOf: number.description.utf8)
        default:
            appendJSONString(value.description, to: &line)
        }
    }

    /// The escapes JSON and Go's strconv.Quote share: `\"`, `\\`, `\n`, `\r`, `\t`, and `\u00XX`
    /// for every other control character; other UTF-8 passes through.
    static func appendEscaped(_ text: String, to line: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): line.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7f:
                line.append(contentsOf: Array("\\u00".utf8))
                line.append(hex[Int(byte >> 4)])
                line.append(hex[Int(byte & 0x0f)])
            default:
                line.append(byte)
            }
        }
    }

    /// The wall-clock time in UTC, RFC 3339 with milliseconds: `2026-11-27T03:44:41.123Z`.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return timestamp(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec) / 1_000_000)
    }

    static func timestamp(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return digits(parts.tm_year + 1900, 4) + "-" + digits(parts.tm_mon + 1, 2) + "-" + digits(parts.tm_mday, 2)
            + "T" + digits(parts.tm_hour, 2) + ":" + digits(parts.tm_min, 2) + ":" + digits(parts.tm_sec, 2)
            + "." + digits(Int32(milliseconds), 3) + "Z"
    }
}
