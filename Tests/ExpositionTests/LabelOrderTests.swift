import Exposition
import Testing

/// The attribution metrics rely on labels printing in the order the collector gives them.
@Suite struct LabelOrderTests {
    @Test func labelsKeepCollectorOrder() {
        var set = MetricSet()
        set.gauge("netstat_tcp_connections", help: "h",
                  labels: [Label("state", "established"), Label("direction", "inbound"), Label("port", "22"),
                           Label("process", "sshd")], .unsigned(3))
        let text = String(decoding: TextEncoder.encode(set), as: UTF8.self)
        #expect(text == """
            # HELP netstat_tcp_connections h
            # TYPE netstat_tcp_connections gauge
            netstat_tcp_connections{state="established",direction="inbound",port="22",process="sshd"} 3

            """)
    }
}
