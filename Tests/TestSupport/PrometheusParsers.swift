import Foundation

/// The reference parsers: the Python `prometheus_client` text and OpenMetrics parsers (Debian
/// python3-prometheus-client) and `promtool check metrics`. Each parse prints one line per
/// family (`family NAME TYPE UNIT`) and one per sample (`NAME{labels} VALUE`), so a test can
/// assert exact lines of what a real consumer read.
public enum PrometheusParsers {
    private static let script = """
    import sys
    from prometheus_client.parser import text_string_to_metric_families as text_parse
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
    parse = om_parse if sys.argv[1] == "openmetrics" else text_parse
    for family in parse(sys.stdin.read()):
        print("family", family.name, family.type, family.unit or "-")
        for sample in family.samples:
            labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(sample.labels.items()))
            value = sample.value
            if float(value).is_integer() and abs(value) < 2 ** 53:
                value = int(value)
            print("%s{%s} %s" % (sample.name, labels, value))
    """

    /// Parses with the OpenMetrics parser; throws with the parser's complaint when it rejects the text.
    public static func openMetrics(_ text: String) throws -> [String] {
        try run("openmetrics", text)
    }

    public static func textFormat(_ text: String) throws -> [String] {
        try run("text", text)
    }

    private static let labelValuesScript = """
    import json, sys
    from prometheus_client.parser import text_string_to_metric_families as text_parse
    from prometheus_client.openmetrics.parser import text_string_to_metric_families as om_parse
    parse = om_parse if sys.argv[1] == "openmetrics" else text_parse
    found = {name: set() for name in sys.argv[2:]}
    for family in parse(sys.stdin.buffer.read().decode("utf-8", errors="strict")):
        for sample in family.samples:
            for name in found:
                if name in sample.labels: found[name].add(sample.labels[name])
    print(json.dumps({name: sorted(values) for name, values in found.items()}))
    """

    /// Every value the parser of `format` ("text" or "openmetrics") read for each of the label
    /// `names`, exactly (JSON carries newlines and quotes in values intact).
    public static func labelValues(_ names: [String], format: String, _ text: String) throws -> [String: [String]] {
        let result = try Shell.run(["/usr/bin/python3", "-c", labelValuesScript, format] + names, input: text)
        guard result.status == 0 else { throw ParserRejected(message: result.stderr) }
        return try JSONDecoder().decode([String: [String]].self, from: Data(result.stdout.utf8))
    }

    /// `promtool check metrics` (text format): its status and complaints.
    public static func promtool(_ text: String) throws -> Shell.Result {
        try Shell.run(["promtool", "check", "metrics"], input: text)
    }

    private static func run(_ format: String, _ text: String) throws -> [String] {
        // Debian's interpreter, where python3-prometheus-client is installed (not a pyenv shim).
        let result = try Shell.run(["/usr/bin/python3", "-c", script, format], input: text)
        guard result.status == 0 else { throw ParserRejected(message: result.stderr) }
        return result.stdout.split(separator: "\n").map(String.init)
    }
}

public struct ParserRejected: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "parser rejected the exposition: \(message)" }
}
