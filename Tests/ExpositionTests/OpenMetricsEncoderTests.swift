import Testing
@testable import Exposition

@Suite struct OpenMetricsEncoderTests {
    @Test func countersLoseTotalInMetadataUnitsAreDeclaredAndTheTextEnds() {
        var metrics = MetricSet()
        metrics.counter("demo_drops_total", help: "Drops \"seen\".", labels: [Label("family", "ipv6")], .unsigned(7))
        metrics.counter("demo_drops_total", help: "", labels: [Label("family", "ipv4")], .unsigned(18446744073709551615))
        metrics.counter("demo_cpu_seconds_total", help: "CPU time.", .double(1.5))
        metrics.gauge("demo_queue_bytes", help: "Queued\\bytes\nhere.", labels: [Label("path", "a\"b\\c\nd")], .signed(-3))
        metrics.add("demo_thing", .untyped, help: "Something.", value: .double(.nan))
        metrics.declare("demo_empty_ratio", .gauge, help: "No series yet.")

        let text = String(decoding: OpenMetricsEncoder.encode(metrics), as: UTF8.self)
        #expect(text == """
        # HELP demo_cpu_seconds CPU time.
        # TYPE demo_cpu_seconds counter
        # UNIT demo_cpu_seconds seconds
        demo_cpu_seconds_total 1.5
        # HELP demo_drops Drops \\"seen\\".
        # TYPE demo_drops counter
        demo_drops_total{family="ipv4"} 18446744073709551615
        demo_drops_total{family="ipv6"} 7
        # HELP demo_empty_ratio No series yet.
        # TYPE demo_empty_ratio gauge
        # UNIT demo_empty_ratio ratio
        # HELP demo_queue_bytes Queued\\\\bytes\\nhere.
        # TYPE demo_queue_bytes gauge
        # UNIT demo_queue_bytes bytes
        demo_queue_bytes{path="a\\"b\\\\c\\nd"} -3
        # HELP demo_thing Something.
        # TYPE demo_thing unknown
        demo_thing NaN
        # EOF

        """)
    }

    @Test func repeatedSeriesAreWrittenOnceAsInTheTextFormat() {
        var metrics = MetricSet()
        metrics.gauge("demo_open", help: "Open.", labels: [Label("a", "1")], .unsigned(1))
        metrics.gauge("demo_open", help: "", labels: [Label("a", "1")], .unsigned(2))
        let text = String(decoding: OpenMetricsEncoder.encode(metrics), as: UTF8.self)
        #expect(text == "# HELP demo_open Open.\n# TYPE demo_open gauge\ndemo_open{a=\"1\"} 1\n# EOF\n")
        #expect(String(decoding: TextEncoder.encode(metrics), as: UTF8.self)
                == "# HELP demo_open Open.\n# TYPE demo_open gauge\ndemo_open{a=\"1\"} 1\n")
    }

    @Test func unitIsOnlyAWholeSuffix() {
        #expect(OpenMetricsEncoder.unit(of: "process_start_time_seconds") == "seconds")
        #expect(OpenMetricsEncoder.unit(of: "demo_kilobytes") == nil)
        #expect(OpenMetricsEncoder.unit(of: "bytes") == nil)
        #expect(OpenMetricsEncoder.counterFamilyName("demo_total") == "demo")
        #expect(OpenMetricsEncoder.counterFamilyName("demo_count") == "demo_count")
    }
}
