/// How a kernel statistic's name becomes a metric name: `netstat_<section>_<field>`, the section
/// lower-cased whole and the field converted to snake_case. Prometheus lint rejects the kernel's
/// CamelCase, and these rules keep the kernel's acronyms in one piece (TCPOFOQueue → tcpofo_queue).
public enum ProtocolMetricName {
    /// Tcp → tcp, TcpExt → tcpext, MPTcpExt → mptcpext, IcmpMsg → icmpmsg.
    public static func section(_ section: String) -> String {
        String(decoding: section.utf8.map(lowercased), as: UTF8.self)
    }

    /// The field in snake_case, by two rules on the kernel's spelling, then lower-cased:
    /// (1) `_` between a lower-case letter or digit and an upper-case letter;
    /// (2) `_` between two upper-case letters and an upper-case letter followed by a lower-case one.
    /// ActiveOpens → active_opens, TCPOFOQueue → tcpofo_queue, TCPRcvQDrop → tcp_rcv_qdrop,
    /// MPJoinAckHMacFailure → mp_join_ack_hmac_failure, TCPMD5NotFound → tcpmd5_not_found.
    public static func field(_ field: String) -> String {
        let name = Array(field.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(name.count + 8)
        for index in name.indices {
            let byte = name[index]
            if index > 0 && isUpper(byte) {
                let previous = name[index - 1]
                let afterLowerOrDigit = isLower(previous) || isDigit(previous)
                let endsAcronym = index >= 2 && isUpper(name[index - 2]) && isUpper(previous)
                    && index + 1 < name.count && isLower(name[index + 1])
                if afterLowerOrDigit || endsAcronym { result.append(UInt8(ascii: "_")) }
            }
            result.append(lowercased(byte))
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// `<section>_<field>`: the metric name without `netstat_` and `_total`, which is what
    /// `--collector.protocols.fields` matches.
    public static func stem(section: String, field: String) -> String {
        self.section(section) + "_" + self.field(field)
    }

    /// The fields that are levels rather than counts: gauges, without `_total`.
    public static let gaugeFields: Set<String> = [
        "Ip Forwarding", "Ip DefaultTTL",
        "Tcp RtoAlgorithm", "Tcp RtoMin", "Tcp RtoMax", "Tcp MaxConn", "Tcp CurrEstab",
    ]

    public static func isGauge(section: String, field: String) -> Bool {
        gaugeFields.contains(section + " " + field)
    }

    /// The full metric name: `netstat_<stem>` for a gauge, `netstat_<stem>_total` for a counter.
    public static func metric(section: String, field: String) -> String {
        let name = "netstat_" + stem(section: section, field: field)
        return isGauge(section: section, field: field) ? name : name + "_total"
    }

    @inline(__always)
    static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }

    @inline(__always)
    static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
}
