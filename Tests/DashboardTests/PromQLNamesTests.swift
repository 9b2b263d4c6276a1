import Testing

/// The metric-name extraction the dashboard checks rely on.
@Suite("PromQL metric names")
struct PromQLNamesTests {
    @Test func findsMetricsAndSkipsFunctionsLabelsStringsAndDurations() {
        let expr = """
            topk(10, sum by (process, port) (rate(netstat_a_total{job=~"$job", state="x{y}"}[$__rate_interval])))
            / on (instance) group_left () instance:netstat_b:sum offset 1w
            and -sum without (family) (netstat_c) > 0.5 unless vector(1)
            """
        #expect(PromQLNames.metricNames(in: expr) == ["netstat_a_total", "instance:netstat_b:sum", "netstat_c"])
    }

    @Test func bareSelectorIsOneName() {
        #expect(PromQLNames.metricNames(in: "netstat:threshold:close_wait_connections") == ["netstat:threshold:close_wait_connections"])
    }

    @Test func selectorsAreParsedWithTheirMatchers() throws {
        let expr = """
            topk(10, sum by (process, port) (rate(netstat_a_total{job=~"$job", state="x{y}",instance!~'a,b'}[$__rate_interval])))
            / on (instance) group_left () instance:netstat_b:sum offset 1w
            and -sum without (family) (netstat_c) > 0.5 unless {__name__="netstat_d"}
            """
        typealias M = PromQLSelectors.Matcher
        #expect(try PromQLSelectors.selectors(in: expr) == [
            .init(metric: "netstat_a_total", matchers: [M(label: "job", op: "=~", value: "$job"),
                                                        M(label: "state", op: "=", value: "x{y}"),
                                                        M(label: "instance", op: "!~", value: "a,b")]),
            .init(metric: "instance:netstat_b:sum", matchers: []),
            .init(metric: "netstat_c", matchers: []),
            .init(metric: nil, matchers: [M(label: "__name__", op: "=", value: "netstat_d")]),
        ])
        #expect(throws: PromQLSelectors.Malformed.self) { try PromQLSelectors.selectors(in: "a{job=}") }
    }
}
