import Testing
@testable import Exposition

/// A gauge histogram in both formats: OpenMetrics' own type, and the 0.0.4 text format's
/// `histogram` buckets with `_gcount` and `_gsum` gauges of the same names; buckets ascend
/// numerically (+Inf last) whatever order they were added in, each label set together.
@Suite struct GaugeHistogramEncodingTests {
    static let family = MetricDeclaration("demo_rtt_seconds", .gaugeHistogram, help: "RTT now.", labels: ["port"],
                                          source: "test")

    func metrics() -> MetricSet {
        var metrics = MetricSet(commonLabels: [Label("netns", "a")])
        metrics.addHistogram(Self.family, [Label("port", "80")],
                             buckets: [(0.0001, 1), (0.01, 3), (2.5, 3), (.infinity, 4)], sum: 6.25)
        metrics.addHistogram(Self.family, [Label("port", "443")], buckets: [(0.0001, 0), (0.01, 0), (2.5, 0), (.infinity, 1)],
                             sum: 7)
        return metrics
    }

    @Test func openMetricsWritesAGaugeHistogram() {
        let text = String(decoding: OpenMetricsEncoder.encode(metrics()), as: UTF8.self)
        #expect(text == """
        # HELP demo_rtt_seconds RTT now.
        # TYPE demo_rtt_seconds gaugehistogram
        # UNIT demo_rtt_seconds seconds
        demo_rtt_seconds_bucket{port="443",netns="a",le="0.0001"} 0
        demo_rtt_seconds_bucket{port="443",netns="a",le="0.01"} 0
        demo_rtt_seconds_bucket{port="443",netns="a",le="2.5"} 0
        demo_rtt_seconds_bucket{port="443",netns="a",le="+Inf"} 1
        demo_rtt_seconds_gcount{port="443",netns="a"} 1
        demo_rtt_seconds_gsum{port="443",netns="a"} 7
        demo_rtt_seconds_bucket{port="80",netns="a",le="0.0001"} 1
        demo_rtt_seconds_bucket{port="80",netns="a",le="0.01"} 3
        demo_rtt_seconds_bucket{port="80",netns="a",le="2.5"} 3
        demo_rtt_seconds_bucket{port="80",netns="a",le="+Inf"} 4
        demo_rtt_seconds_gcount{port="80",netns="a"} 4
        demo_rtt_seconds_gsum{port="80",netns="a"} 6.25
        # EOF

        """)
    }

    @Test func textFormatWritesHistogramBucketsAndGaugeCountAndSum() {
        let text = String(decoding: TextEncoder.encode(metrics()), as: UTF8.self)
        #expect(text == """
        # HELP demo_rtt_seconds RTT now.
        # TYPE demo_rtt_seconds histogram
        demo_rtt_seconds_bucket{port="443",netns="a",le="0.0001"} 0
        demo_rtt_seconds_bucket{port="443",netns="a",le="0.01"} 0
        demo_rtt_seconds_bucket{port="443",netns="a",le="2.5"} 0
        demo_rtt_seconds_bucket{port="443",netns="a",le="+Inf"} 1
        demo_rtt_seconds_bucket{port="80",netns="a",le="0.0001"} 1
        demo_rtt_seconds_bucket{port="80",netns="a",le="0.01"} 3
        demo_rtt_seconds_bucket{port="80",netns="a",le="2.5"} 3
        demo_rtt_seconds_bucket{port="80",netns="a",le="+Inf"} 4
        # HELP demo_rtt_seconds_gcount Observations of the gauge histogram demo_rtt_seconds (OpenMetrics _gcount).
        # TYPE demo_rtt_seconds_gcount gauge
        demo_rtt_seconds_gcount{port="443",netns="a"} 1
        demo_rtt_seconds_gcount{port="80",netns="a"} 4
        # HELP demo_rtt_seconds_gsum Sum of the observations of the gauge histogram demo_rtt_seconds (OpenMetrics _gsum).
        # TYPE demo_rtt_seconds_gsum gauge
        demo_rtt_seconds_gsum{port="443",netns="a"} 7
        demo_rtt_seconds_gsum{port="80",netns="a"} 6.25

        """)
    }

    /// Folding namespaces into netns="other" sums each bucket with its own kind, not with the
    /// label set's other buckets.
    @Test func summingMergeKeepsBucketsApart() {
        var total = MetricSet()
        total.mergeSumming(metrics())
        total.mergeSumming(metrics())
        let labels = [Label("port", "80"), Label("netns", "a")]
        #expect(total.value("demo_rtt_seconds", labels, part: .bucket(upperBound: 0.01)) == .unsigned(6))
        #expect(total.value("demo_rtt_seconds", labels, part: .count) == .unsigned(8))
        #expect(total.value("demo_rtt_seconds", labels, part: .sum) == .double(12.5))
    }
}
