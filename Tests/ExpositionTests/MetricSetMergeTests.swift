import Exposition
import Testing

@Suite struct MetricSetMergeTests {
    @Test func commonLabelsGoAfterTheCollectorsOwn() {
        var set = MetricSet(commonLabels: [Label("netns", "pod-a")])
        set.gauge("netstat_x", help: "X.", labels: [Label("state", "listen")], .unsigned(2))
        #expect(set.value("netstat_x", [Label("state", "listen"), Label("netns", "pod-a")]) == .unsigned(2))
    }

    @Test func summingAddsEqualSeriesAndKeepsTheRest() {
        var first = MetricSet(commonLabels: [Label("netns", "a")])
        first.gauge("netstat_x", help: "X.", labels: [Label("state", "listen")], .unsigned(2))
        first.counter("netstat_y_total", help: "Y.", .unsigned(UInt64.max))
        var second = MetricSet(commonLabels: [Label("netns", "b")])
        second.gauge("netstat_x", help: "X.", labels: [Label("state", "listen")], .unsigned(3))
        second.gauge("netstat_x", help: "X.", labels: [Label("state", "close_wait")], .unsigned(1))
        second.counter("netstat_y_total", help: "Y.", .unsigned(1))
        var other = MetricSet()
        other.mergeSumming(first.relabelled(["netns": "other"]))
        other.mergeSumming(second.relabelled(["netns": "other"]))
        #expect(other.value("netstat_x", [Label("state", "listen"), Label("netns", "other")]) == .unsigned(5))
        #expect(other.value("netstat_x", [Label("state", "close_wait"), Label("netns", "other")]) == .unsigned(1))
        #expect(other.families["netstat_x"]?.samples.count == 2)
        // An overflowing integer sum is not wrapped: it becomes a Double.
        #expect(other.value("netstat_y_total", [Label("netns", "other")]) == .double(Double(UInt64.max) + 1))
        #expect(other.total("netstat_x") == 6)
    }

    @Test func valuesAddExactlyWhileTheyFit() {
        #expect(MetricValue.unsigned(2).adding(.unsigned(3)) == .unsigned(5))
        #expect(MetricValue.signed(-2).adding(.signed(3)) == .signed(1))
        #expect(MetricValue.unsigned(2).adding(.double(0.5)) == .double(2.5))
    }
}
