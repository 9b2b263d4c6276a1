import Foundation
import Testing
import TestSupport

/// The README's PromQL that names the pod of a namespace's series (netstat_netns_info joined to
/// kube-state-metrics' kube_pod_info) is run by promtool on series shaped as both exporters
/// write them.
@Suite struct PodJoinQueryTests {
    static func readmeQuery() throws -> String {
        let readme = try String(contentsOfFile: Fixtures.repository("README.md"), encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- pod-join:begin -->\n```promql\n"))
        let end = try #require(readme.range(of: "```\n<!-- pod-join:end -->", range: begin.upperBound..<readme.endIndex))
        return String(readme[begin.upperBound..<end.lowerBound])
    }

    @Test func closeWaitIsNamedByPod() throws {
        let query = try Self.readmeQuery()
        let directory = try Fixtures.temporaryDirectory("pod-join")
        defer { try? FileManager.default.removeItem(at: directory) }
        let indented = query.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        let rules = """
        groups:
          - name: readme
            rules:
              - record: readme:close_wait_by_pod
                expr: |
        \(indented)

        """
        let uid = "9a1c6e52-3f0d-4b8e-a2c4-1d2e3f4a5b6c"
        let tests = """
        rule_files: [rules.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'netstat_tcp_connections{instance="node1:10042",netns="cni-1",state="close_wait",direction="inbound",port="8080",process="java"}'
                values: '7'
              - series: 'netstat_tcp_connections{instance="node1:10042",state="close_wait",direction="inbound",port="22",process="sshd"}'
                values: '3'
              - series: 'netstat_netns_info{instance="node1:10042",netns="cni-1",inode="4026532300",pod_uid="\(uid)",container_id="",reader="proc"}'
                values: '1'
              - series: 'kube_pod_info{instance="ksm:8080",namespace="shop",pod="cart-7d9f",uid="\(uid)",node="node1"}'
                values: '1'
            promql_expr_test:
              - expr: readme:close_wait_by_pod
                eval_time: 0m
                exp_samples:
                  - labels: 'readme:close_wait_by_pod{instance="node1:10042",netns="cni-1",process="java",port="8080",namespace="shop",pod="cart-7d9f"}'
                    value: 7

        """
        try rules.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        try tests.write(to: directory.appendingPathComponent("tests.yml"), atomically: true, encoding: .utf8)
        let result = try Shell.run(["promtool", "test", "rules", directory.appendingPathComponent("tests.yml").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
