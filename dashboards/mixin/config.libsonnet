// netstat_exporter mixin: what a user configures. Override in your own jsonnet, e.g.
//
//   (import 'mixin.libsonnet') + {
//     _config+:: {
//       netstatSelector: 'job="netstat"',
//       thresholds+:: { close_wait_connections: 200 },
//       alertFor+:: { NetstatCloseWaitHigh: '15m' },
//     },
//   }
{
  _config+:: {
    // Label matchers (without braces) added to every netstat_* selector of the recording rules
    // and alerts, and to the dashboard's job and instance variable queries, as node-mixin's
    // nodeExporterSelector: e.g. 'job="netstat"', or 'job="netstat", cluster="eu1"'. Empty: every
    // job (the committed files). Recorded series (which most alerts read) carry the labels of the
    // series they were recorded from, and the thresholds are constants: neither takes it.
    netstatSelector: '',

    // `for:` of each alert: how long its condition must hold before it fires. The descriptions
    // name it ("for 5 minutes"). An alert not named here has no `for:` (NetstatListenOverflows,
    // NetstatListenDrops and NetstatConntrackInsertFailed: events, held by their 5 m windows;
    // NetstatScrapesRefused, held by its 10 m window); naming one gives it one.
    alertFor+:: {
      NetstatCloseWaitHigh: '5m',
      NetstatCloseWaitGrowing: '15m',
      NetstatListenQueueFull: '2m',
      NetstatSynFlood: '2m',
      NetstatPublicPeer: '1m',
      NetstatPeerConnectionFlood: '5m',
      NetstatInterfaceErrors: '10m',
      NetstatInterfaceDown: '5m',
      NetstatRetransmitsHigh: '10m',
      NetstatRetransmitRatioHigh: '10m',
      NetstatConnectionsAnomaly: '30m',
      NetstatConntrackTableFilling: '2m',
      NetstatExporterCollectorFailing: '10m',
      NetstatThresholdsMissing: '10m',
      NetstatNamespaceCapabilityMissing: '15m',
    },

    // Alert thresholds for dashboards/prometheus/rules.yml — the one place to change them.
    //
    // Each threshold is a recording rule holding a constant (`vector(N)`), so the alerts compare
    // against a series, the dashboard can draw the line, and an override is a different copy of
    // this file: load your own thresholds file instead of this one in `rule_files`.
    // Durations (`for:`) are in alertFor above.
    // If this file is not loaded the alerts that use it stay silent, so NetstatThresholdsMissing
    // (in rules.yml) fires.
    // Here each threshold is a number in _config.thresholds; `render` writes them to
    // dashboards/prometheus/thresholds.yml as netstat:threshold:<name> = vector(<number>).
    thresholds+:: {
      // NetstatCloseWaitHigh: CLOSE_WAIT connections of one process on one port.
      close_wait_connections: 100,
      // NetstatCloseWaitGrowing: CLOSE_WAIT growth of one process on one port within 30 minutes.
      close_wait_growth_30m: 20,
      // NetstatListenQueueFull: accept-queue fill ratio (length / max) of one listener.
      listen_queue_fill_ratio: 0.9,
      // NetstatListenOverflows: TcpExt ListenOverflows per second (5 m rate) per host.
      listen_overflows_per_second: 0,
      // NetstatListenDrops: SYNs and connections one listener (address, port, process) dropped
      // within 5 minutes (--collector.sockets.health); 0: any drop is a client refused or delayed.
      listen_drops_5m: 0,
      // NetstatSynFlood: SYN_RECV sockets per host at least this many …
      syn_recv_min_sockets: 100,
      // … and this many times the host's 1-day average; or syncookies sent above this rate.
      syn_recv_baseline_factor: 5,
      syncookies_sent_per_second: 0,
      // NetstatPeerConnectionFlood: one peer's share of a port's inbound sockets …
      peer_connection_share: 0.5,
      // … on ports with at least this many inbound sockets (a port with 3 clients is not flooded).
      peer_connection_min_sockets: 100,
      // NetstatInterfaceErrors: errors or drops per packet, per device and direction (5 m rates).
      interface_fault_ratio: 0.01,
      // NetstatRetransmitsHigh: retransmitted / sent TCP segments (5 m rates) …
      retransmit_ratio: 0.05,
      // … counted only while the host sends at least this many segments per second.
      retransmit_min_segments_per_second: 10,
      // NetstatRetransmitRatioHigh: retransmitted / sent segments (5 m rates) of the connections
      // of one port, direction and process (--collector.sockets.health) …
      port_retransmit_ratio: 0.05,
      // … counted only while they send at least this many segments per second (an idle port's
      // keepalives and one dead peer's backed-off retransmissions are not a ratio to alert on).
      port_retransmit_min_segments_per_second: 10,
      // NetstatConnectionsAnomaly: established sockets this many standard deviations away from
      // the 1-week average …
      established_anomaly_stddevs: 4,
      // … and at least this many sockets away from it (an idle host has a tiny deviation).
      established_anomaly_min_delta: 100,
      // NetstatConntrackTableFilling: entries of the host's conntrack table (all network
      // namespaces together) / its limit nf_conntrack_max. 0.75 as node_exporter's mixin
      // (NodeHighNumberConntrackEntriesUsed): a burst of short connections fills the last quarter
      // in seconds, and at 1 every new connection's first packet is dropped.
      conntrack_table_fill_ratio: 0.75,
      // NetstatConntrackInsertFailed: failed conntrack inserts per second (5 m rate) per namespace;
      // 0: every one is a dropped packet (on Kubernetes a DNS lookup waiting 5 s for its retry).
      conntrack_insert_failed_per_second: 0,
      // NetstatScrapesRefused: scrape requests the exporter refused with 503 within 10 minutes,
      // per reason (--web.max-requests already waiting, or --web.max-response-memory full of
      // answers slow clients have not read); 0: every refusal may be a Prometheus scrape failed.
      scrape_refusals_10m: 0,
    },
  },
}
