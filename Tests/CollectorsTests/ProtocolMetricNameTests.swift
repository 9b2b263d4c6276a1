@testable import Collectors
import Testing

@Suite struct ProtocolMetricNameTests {
    @Test(arguments: [
        ("ActiveOpens", "active_opens"),
        ("InCsumErrors", "in_csum_errors"),
        ("TCPOFOQueue", "tcpofo_queue"),
        ("TCPRcvQDrop", "tcp_rcv_qdrop"),
        ("MPJoinAckHMacFailure", "mp_join_ack_hmac_failure"),
        ("TCPMD5NotFound", "tcpmd5_not_found"),
        ("DefaultTTL", "default_ttl"),
        ("TW", "tw"),
        ("PAWSActive", "paws_active"),
        ("IPReversePathFilter", "ip_reverse_path_filter"),
        ("InType3", "in_type3"),
        ("OutType133", "out_type133"),
        ("InMLDv2Reports", "in_ml_dv2_reports"),
        ("Forwarding", "forwarding"),
        ("already_snake", "already_snake"),
    ])
    func fieldToSnakeCase(kernel: String, expected: String) {
        #expect(ProtocolMetricName.field(kernel) == expected)
    }

    @Test(arguments: [
        ("Tcp", "tcp"), ("TcpExt", "tcpext"), ("MPTcpExt", "mptcpext"), ("IcmpMsg", "icmpmsg"),
        ("Ip6", "ip6"), ("UdpLite6", "udplite6"),
    ])
    func sectionLowerCasedWhole(kernel: String, expected: String) {
        #expect(ProtocolMetricName.section(kernel) == expected)
    }

    @Test func countersGetTotalAndLevelsAreGauges() {
        #expect(ProtocolMetricName.metric(section: "TcpExt", field: "ListenOverflows")
            == "netstat_tcpext_listen_overflows_total")
        #expect(ProtocolMetricName.metric(section: "Tcp", field: "ActiveOpens") == "netstat_tcp_active_opens_total")
        #expect(ProtocolMetricName.stem(section: "TcpExt", field: "TCPOFOQueue") == "tcpext_tcpofo_queue")
        let gauges = [
            ("Ip", "Forwarding", "netstat_ip_forwarding"), ("Ip", "DefaultTTL", "netstat_ip_default_ttl"),
            ("Tcp", "RtoAlgorithm", "netstat_tcp_rto_algorithm"), ("Tcp", "RtoMin", "netstat_tcp_rto_min"),
            ("Tcp", "RtoMax", "netstat_tcp_rto_max"), ("Tcp", "MaxConn", "netstat_tcp_max_conn"),
            ("Tcp", "CurrEstab", "netstat_tcp_curr_estab"),
        ]
        for (section, field, name) in gauges {
            #expect(ProtocolMetricName.isGauge(section: section, field: field))
            #expect(ProtocolMetricName.metric(section: section, field: field) == name)
        }
        // The same field in another section is a count.
        #expect(!ProtocolMetricName.isGauge(section: "Ip6", field: "Forwarding"))
        #expect(ProtocolMetricName.metric(section: "TcpExt", field: "CurrEstab") == "netstat_tcpext_curr_estab_total")
    }
}
