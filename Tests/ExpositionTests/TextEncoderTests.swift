import Foundation
import Testing
@testable import Exposition

@Suite struct TextEncoderTests {
    func encode(_ build: (inout MetricSet) -> Void) -> String {
        var set = MetricSet()
        build(&set)
        return String(decoding: TextEncoder.encode(set), as: UTF8.self)
    }

    @Test func writesHelpAndTypeOncePerFamilyAndSortsFamiliesAndSeries() {
        let text = encode { set in
            set.gauge("b_metric", help: "B.", labels: [Label("x", "2")], .unsigned(2))
            set.gauge("a_metric", help: "A.", .unsigned(1))
            set.gauge("b_metric", help: "B.", labels: [Label("x", "1")], .unsigned(1))
        }
        #expect(text == """
            # HELP a_metric A.
            # TYPE a_metric gauge
            a_metric 1
            # HELP b_metric B.
            # TYPE b_metric gauge
            b_metric{x="1"} 1
            b_metric{x="2"} 2

            """)
    }

    @Test func escapesLabelValuesAndHelp() {
        let text = encode { set in
            set.counter("c_total", help: "back\\slash\nnewline \"quoted\"",
                        labels: [Label("device", "a\\b\"c\nd")], .unsigned(7))
        }
        #expect(text.contains(#"# HELP c_total back\\slash\nnewline "quoted""#))
        #expect(text.contains(#"c_total{device="a\\b\"c\nd"} 7"#))
        #expect(text.contains("# TYPE c_total counter\n"))
    }

    @Test(arguments: [
        (MetricValue.unsigned(UInt64.max), "18446744073709551615"),
        (.unsigned(9_007_199_254_740_993), "9007199254740993"),
        (.unsigned(0), "0"),
        (.unsigned(1_000_000), "1000000"),
        (.signed(-1), "-1"),
        (.signed(Int64.min), "-9223372036854775808"),
        (.double(0.25), "0.25"),
        (.double(1_000_000), "1000000"),
        (.double(.infinity), "+Inf"),
        (.double(-.infinity), "-Inf"),
        (.double(.nan), "NaN"),
    ])
    func printsNumbersExactly(value: MetricValue, expected: String) {
        var out: [UInt8] = []
        value.write(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test func writesARepeatedSeriesOnceAndKeepsDeclaredEmptyFamilies() {
        let text = encode { set in
            set.declare("empty_family", .gauge, help: "Nothing yet.")
            set.gauge("dup", help: "D.", labels: [Label("a", "1")], .unsigned(1))
            set.gauge("dup", help: "D.", labels: [Label("a", "1")], .unsigned(2))
        }
        #expect(text.components(separatedBy: "dup{a=\"1\"}").count == 2)
        #expect(text.contains("dup{a=\"1\"} 1\n"))
        #expect(text.contains("# HELP empty_family Nothing yet.\n# TYPE empty_family gauge\n"))
    }

    @Test func keepsLabelOrderAsGiven() {
        let text = encode { set in
            set.gauge("m", help: "M.", labels: [Label("zeta", "1"), Label("alpha", "2")], .unsigned(3))
        }
        #expect(text.contains("m{zeta=\"1\",alpha=\"2\"} 3\n"))
    }
}
