import Foundation
import Testing
import TestSupport

/// Process and interface names are arbitrary bytes: quotes, backslashes, newlines (comm only;
/// the kernel refuses whitespace in interface names) and bytes that are not UTF-8. Processes
/// renamed with prctl(PR_SET_NAME) hold sockets and veth interfaces are renamed, in a namespace
/// of the test's own; the scrape must pass promtool and both Python parsers (text and the strict
/// OpenMetrics one) with every name recoverable, not dropped: in a process name, bytes that are not
/// UTF-8 are replaced by U+FFFD; in a device name (an identity: two must not collide) they are
/// written `\xHH` (DeviceName), and the device keeps its sysfs series.
@Suite(.serialized) struct LabelEscapingTests {
    /// `a"b<newline>c\d` and `x<FF><FE>y`, as Python bytes literals.
    static let processNames = [#"b'a"b\nc\\d'"#, #"b'x\xff\xfey'"#]
    static let expectedProcesses = ["a\"b\nc\\d", "x\u{FFFD}\u{FFFD}y"]
    static let expectedDevices = ["q\"b\\d", "x\\xff\\xfey"]

    /// Python that renames itself to `name`, then holds a listener on `port` and one
    /// connection to it.
    static func renamedHolder(name: String, port: Int) -> String {
        """
        import ctypes, socket, time
        ctypes.CDLL(None).prctl(15, ctypes.c_char_p(\(name)), 0, 0, 0)
        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        l.bind(("127.0.0.1", \(port))); l.listen(4)
        c = socket.create_connection(("127.0.0.1", \(port))); s, _ = l.accept()
        print("ready", flush=True); time.sleep(300)
        """
    }

    @Test(.timeLimit(.minutes(2)))
    func oddProcessAndInterfaceNamesAreEscapedAndRecoverable() throws {
        try SocketFarm.with(workers: 1, established: 1, closeWait: 0) { farm in
            for (index, name) in Self.processNames.enumerated() {
                try farm.startPython(Self.renamedHolder(name: name, port: 40000 + index))
            }
            // veth pairs renamed to q"b\d and x\xff\xfey; the first gets an address, so a route too.
            try farm.run(["ip", "link", "add", "suitee0", "type", "veth", "peer", "name", "suitee1"])
            try farm.run(["ip", "link", "set", "suitee0", "name", "q\"b\\d"])
            try farm.run(["sh", "-c", #"ip link set suitee1 name "$(printf 'x\377\376y')""#])
            try farm.run(["ip", "link", "set", "q\"b\\d", "up"])
            try farm.run(["ip", "addr", "add", "10.78.0.1/24", "dev", "q\"b\\d"])
            let port = try farm.startExporter()

            let directory = try Fixtures.temporaryDirectory("suite-escaping")
            defer { try? FileManager.default.removeItem(at: directory) }
            let textPath = directory.appendingPathComponent("metrics.txt").path
            let openMetricsPath = directory.appendingPathComponent("metrics.om").path
            try farm.run(["curl", "-sf", "-o", textPath, "http://127.0.0.1:\(port)/metrics"])
            try farm.run(["curl", "-sf", "-o", openMetricsPath, "-H", "Accept: application/openmetrics-text; version=1.0.0",
                          "http://127.0.0.1:\(port)/metrics"])
            let textBytes = try Data(contentsOf: URL(fileURLWithPath: textPath))
            let text = try #require(String(data: textBytes, encoding: .utf8), "the body is not valid UTF-8")
            // Escaped as the exposition formats say: \" \\ \n inside label values.
            #expect(text.contains(#"netstat_tcp_listener_info{address="127.0.0.1",port="40000",process="a\"b\nc\\d"} 1"#))
            #expect(text.contains("netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"40001\",process=\"x\u{FFFD}\u{FFFD}y\"} 1"))
            #expect(text.contains(#"netstat_interface_mtu_bytes{device="q\"b\\d"} 1500"#))
            #expect(text.contains(#"netstat_routes{family="ipv4",device="q\"b\\d"} 1"#))
            // The label escapes the bytes that are not UTF-8 (and the text format escapes the
            // backslashes); the sysfs directory is found by the name's bytes, so the device keeps
            // its sysfs series (it is down: only q"b\d was set up).
            #expect(text.contains(#"netstat_interface_receive_bytes_total{device="x\\xff\\xfey"} 0"#))
            #expect(text.contains(#"netstat_interface_mtu_bytes{device="x\\xff\\xfey"} 1500"#))
            #expect(text.contains(#"netstat_interface_up{device="x\\xff\\xfey"} 0"#))
            #expect(text.split(separator: "\n").contains {
                $0.hasPrefix(#"netstat_interface_info{device="x\\xff\\xfey",address=""#)
                    && $0.hasSuffix(#"",operstate="down",duplex=""} 1"#)
            }, "\(text)")

            let openMetrics = try #require(String(data: try Data(contentsOf: URL(fileURLWithPath: openMetricsPath)),
                                                  encoding: .utf8))
            let lint = try PrometheusParsers.promtool(text)
            #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "\(lint.stdout)\(lint.stderr)")

            for (format, body) in [("text", text), ("openmetrics", openMetrics)] {
                let parsed = try PrometheusParsers.labelValues(["process", "device"], format: format, body)
                for name in Self.expectedProcesses {
                    #expect(parsed["process"]?.contains(name) == true, "\(format): \(name.debugDescription) not in \(parsed)")
                }
                for name in Self.expectedDevices {
                    #expect(parsed["device"]?.contains(name) == true, "\(format): \(name.debugDescription) not in \(parsed)")
                }
            }
        }
    }
}
