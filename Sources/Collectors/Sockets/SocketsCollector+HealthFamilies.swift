import Exposition

/// The connection health families (`ss -ti` as metrics), with --collector.sockets.health.
extension SocketsCollector {
    public static let healthFamilies: [MetricDeclaration] = [
        listenDrops, rtt, retransmittedSegments, sentSegments, ackedBytes, receivedBytes, stalledConnections,
        limitedSeconds, healthTracked,
    ]

    static let healthLabels = ["port", "direction", "process"]

    static let listenDrops = MetricDeclaration.counter(
        "netstat_tcp_listen_drops_total",
        help: "SYNs and connections the listeners with these labels dropped (accept queue full, no memory): the kernel's ListenDrops per listener. A restarted listener starts again at 0.",
        labels: listenerInfo.labels,
        source: "each listener's `SK_MEMINFO_DROPS` (INET_DIAG_SKMEMINFO; `tcp_listendrop()` counts it with TcpExt ListenDrops), summed over the listeners with these labels (SO_REUSEPORT); a listener closed and opened again starts at 0 (a counter reset to Prometheus); netlink only")
    static let rtt = MetricDeclaration(
        "netstat_tcp_rtt_seconds", .gaugeHistogram,
        help: "Smoothed round-trip times of the established TCP connections open now, by port, direction and process (a distribution of now, not of events).",
        labels: healthLabels,
        source: "`tcpi_rtt` of each established connection (INET_DIAG_INFO), in buckets `le` 100 µs … 5 s; OpenMetrics `gaugehistogram` (`_bucket`, `_gcount`, `_gsum`); in the 0.0.4 text format the buckets are typed `histogram` and `_gcount`, `_gsum` are gauges (see \"Connection health\")")
    static let retransmittedSegments = MetricDeclaration.counter(
        "netstat_tcp_retransmitted_segments_total",
        help: "Segments the connections with these labels retransmitted while the exporter watched them.",
        labels: healthLabels,
        source: "what `tcpi_total_retrans` of each connection grew by between scrapes (per socket cookie); see \"Connection health\" for what is missed; exact namespace totals: `netstat_tcp_retrans_segs_total` (TcpRetransSegs)")
    static let sentSegments = MetricDeclaration.counter(
        "netstat_tcp_sent_segments_total",
        help: "Segments the connections with these labels sent, retransmissions included, while the exporter watched them.",
        labels: healthLabels, source: "growth of `tcpi_segs_out` between scrapes, as above")
    static let ackedBytes = MetricDeclaration.counter(
        "netstat_tcp_acked_bytes_total",
        help: "Bytes the connections with these labels sent and the peer acknowledged while the exporter watched them (throughput out).",
        labels: healthLabels, source: "growth of `tcpi_bytes_acked` between scrapes, as above")
    static let receivedBytes = MetricDeclaration.counter(
        "netstat_tcp_received_bytes_total",
        help: "Bytes the connections with these labels received while the exporter watched them (throughput in).",
        labels: healthLabels, source: "growth of `tcpi_bytes_received` between scrapes, as above")
    static let stalledConnections = MetricDeclaration.gauge(
        "netstat_tcp_stalled_connections",
        help: "TCP connections stalled now: in retransmission-timeout backoff (rto_backoff), facing a zero receive window (zero_window), or holding data written but not sent (unsent).",
        labels: ["reason"] + healthLabels,
        source: "non-listening connections with `tcpi_backoff` > 0 (`rto_backoff`); established or close_wait with `tcpi_snd_wnd` 0, or `tcpi_probes` > 0 before Linux 5.4 (`zero_window`); `tcpi_notsent_bytes` > 0 (`unsent`); a connection may count under several reasons")
    static let limitedSeconds = MetricDeclaration.counter(
        "netstat_tcp_limited_seconds_total",
        help: "Time the connections with these labels spent limited by the peer's receive window (rwnd), by their own send buffer (sndbuf), or busy sending (busy), while the exporter watched them.",
        labels: ["reason"] + healthLabels,
        source: "growth of `tcpi_rwnd_limited`, `tcpi_sndbuf_limited`, `tcpi_busy_time` between scrapes, as above")
    static let healthTracked = MetricDeclaration.gauge(
        "netstat_tcp_health_tracked_connections",
        help: "Connections whose tcp_info counters the exporter remembers between scrapes, over every namespace it reads (16 bytes each; a busy one's counters take a further 56).",
        labels: ["storage"],
        source: "the socket cookies in the health state after the last scrape: `packed` (16 bytes) or `spilled` (counters too large to pack: 16 + 56 bytes)")
}
