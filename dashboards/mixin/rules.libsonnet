// The rendered order of the threshold rules (thresholds added by an override follow, sorted).
local thresholdOrder = [
  'close_wait_connections',
  'close_wait_growth_30m',
  'listen_queue_fill_ratio',
  'listen_overflows_per_second',
  'listen_drops_5m',
  'syn_recv_min_sockets',
  'syn_recv_baseline_factor',
  'syncookies_sent_per_second',
  'peer_connection_share',
  'peer_connection_min_sockets',
  'interface_fault_ratio',
  'retransmit_ratio',
  'retransmit_min_segments_per_second',
  'port_retransmit_ratio',
  'port_retransmit_min_segments_per_second',
  'established_anomaly_stddevs',
  'established_anomaly_min_delta',
  'conntrack_table_fill_ratio',
  'conntrack_insert_failed_per_second',
];

// Recording and alerting rules for netstat_exporter. Load together with thresholds.yml:
//
//   rule_files:
//     - /etc/prometheus/netstat/thresholds.yml   # the numbers: copy and edit to override
//     - /etc/prometheus/netstat/rules.yml
//
// Aggregations use `without (...)` so target labels (job, instance, network_zone …) survive, and so
// does `netns`: with `--netns.all` the series of every other network namespace carry it (the
// exporter's own namespace has none), so every record and alert is per namespace, and every
// `on (...)` match and template query includes it (an absent label matches `netns=""`).
// One exception, on purpose: the conntrack table. Every namespace counts its own entries, but
// they all live in the host's one table under the host's one limit (nf_conntrack_max), so
// instance:netstat_conntrack_entries:sum and NetstatConntrackTableFilling sum the namespaces
// away (`without (netns)`), one series per instance; the alert names the namespaces instead.
// Summaries name the instance followed by the same fragment: " in netns X" when there is one,
// then " (pod NS/NAME)" when `netstat_netns_info{pod_uid}` joins kube-state-metrics'
// `kube_pod_info{uid}`. The join is a template query, so an alert's labels are the same with or
// without kube-state-metrics; for the exporter's own namespace the text is as it always was.
// Every netstat_* selector carries _config.netstatSelector (lib/selector.libsonnet): s(metric,
// matchers) is `metric{<netstatSelector>, <matchers>}`, the bare name when both are empty.
// Runbook: dashboards/RUNBOOK.md, one section per alert (the runbook_url anchors).
{
  local s(metric, matchers='') = (import 'lib/selector.libsonnet').selector($._config.netstatSelector, metric, matchers),

  prometheusRules+:: {
    groups+: [
      {
        name: 'netstat-thresholds',
        local thresholds = $._config.thresholds,
        local names = [n for n in thresholdOrder if std.objectHas(thresholds, n)]
                      + std.sort([n for n in std.objectFields(thresholds) if !std.member(thresholdOrder, n)]),
        rules: [
          {
            record: 'netstat:threshold:' + name,
            expr: 'vector(%s)' % (import 'lib/yaml.libsonnet').number(thresholds[name]),
          }
          for name in names
        ],
      },
      {
        name: 'netstat-recording',
        rules: [
          // Per-host totals by state (both address families).
          {
            record: 'instance_state:netstat_tcp_sockets:sum',
            expr: 'sum without (family) (%s)' % s('netstat_tcp_sockets'),
          },
          {
            record: 'instance:netstat_tcp_established_sockets:sum',
            expr: 'sum without (family, state) (%s)' % s('netstat_tcp_sockets', 'state="established"'),
          },
          {
            record: 'instance:netstat_tcp_close_wait_sockets:sum',
            expr: 'sum without (family, state) (%s)' % s('netstat_tcp_sockets', 'state="close_wait"'),
          },
          {
            record: 'instance:netstat_tcp_syn_recv_sockets:sum',
            expr: 'sum without (family, state) (%s)' % s('netstat_tcp_sockets', 'state="syn_recv"'),
          },

          // CLOSE_WAIT per owning process and port (inbound and outbound together).
          {
            record: 'instance_process_port:netstat_tcp_close_wait_connections:sum',
            expr: 'sum without (direction, state, user) (%s)' % s('netstat_tcp_connections', 'state="close_wait"'),
          },

          // Accept-queue fill of each listener: 1 means the next SYN is dropped or overflows.
          {
            record: 'instance_listener:netstat_tcp_listen_queue_fill:ratio',
            expr: '%s / %s' % [s('netstat_tcp_listen_queue_length'), s('netstat_tcp_listen_queue_max')],
          },

          // Baselines: 1 h, 1 d and 1 w averages (and the 1 w spread) of the per-host totals.
          {
            record: 'instance:netstat_tcp_established_sockets:avg_over_time_1h',
            expr: 'avg_over_time(instance:netstat_tcp_established_sockets:sum[1h])',
          },
          {
            record: 'instance:netstat_tcp_established_sockets:avg_over_time_1d',
            expr: 'avg_over_time(instance:netstat_tcp_established_sockets:sum[1d])',
          },
          {
            record: 'instance:netstat_tcp_established_sockets:avg_over_time_1w',
            expr: 'avg_over_time(instance:netstat_tcp_established_sockets:sum[1w])',
          },
          {
            record: 'instance:netstat_tcp_established_sockets:stddev_over_time_1w',
            expr: 'stddev_over_time(instance:netstat_tcp_established_sockets:sum[1w])',
          },
          {
            record: 'instance:netstat_tcp_close_wait_sockets:avg_over_time_1h',
            expr: 'avg_over_time(instance:netstat_tcp_close_wait_sockets:sum[1h])',
          },
          {
            record: 'instance:netstat_tcp_close_wait_sockets:avg_over_time_1d',
            expr: 'avg_over_time(instance:netstat_tcp_close_wait_sockets:sum[1d])',
          },
          {
            record: 'instance:netstat_tcp_close_wait_sockets:avg_over_time_1w',
            expr: 'avg_over_time(instance:netstat_tcp_close_wait_sockets:sum[1w])',
          },
          {
            record: 'instance:netstat_tcp_syn_recv_sockets:avg_over_time_1d',
            expr: 'avg_over_time(instance:netstat_tcp_syn_recv_sockets:sum[1d])',
          },

          // Protocol rates and ratios.
          {
            record: 'instance:netstat_tcpext_listen_overflows:rate5m',
            expr: 'rate(%s[5m])' % s('netstat_tcpext_listen_overflows_total'),
          },
          {
            record: 'instance:netstat_tcpext_listen_drops:rate5m',
            expr: 'rate(%s[5m])' % s('netstat_tcpext_listen_drops_total'),
          },
          {
            record: 'instance:netstat_tcpext_syncookies_sent:rate5m',
            expr: 'rate(%s[5m])' % s('netstat_tcpext_syncookies_sent_total'),
          },
          {
            record: 'instance:netstat_tcp_out_segs:rate5m',
            expr: 'rate(%s[5m])' % s('netstat_tcp_out_segs_total'),
          },
          {
            record: 'instance:netstat_tcp_retransmit:ratio_rate5m',
            expr: 'rate(%s[5m]) / rate(%s[5m])' % [s('netstat_tcp_retrans_segs_total'), s('netstat_tcp_out_segs_total')],
          },

          // Connection health (--collector.sockets.health): what the connections of one port,
          // direction and process sent, and the share of it retransmitted. Idle ones have no ratio (0/0).
          {
            record: 'instance_port_process:netstat_tcp_sent_segments:rate5m',
            expr: 'rate(%s[5m])' % s('netstat_tcp_sent_segments_total'),
          },
          {
            record: 'instance_port_process:netstat_tcp_retransmit:ratio_rate5m',
            expr: 'rate(%s[5m]) / rate(%s[5m])' % [s('netstat_tcp_retransmitted_segments_total'),
                                            s('netstat_tcp_sent_segments_total')],
          },

          // Conntrack (--collector.conntrack). The host's table holds the entries of every namespace:
          // its fill is their sum over the host's limit (netstat_conntrack_entries_limit, one series
          // per instance without netns). A limit of 0 means no limit to the kernel: no ratio.
          {
            record: 'instance:netstat_conntrack_entries:sum',
            expr: 'sum without (netns) (%s)' % s('netstat_conntrack_entries'),
          },
          {
            record: 'instance:netstat_conntrack_table_fill:ratio',
            expr: 'instance:netstat_conntrack_entries:sum / (%s > 0)' % s('netstat_conntrack_entries_limit'),
          },

          // Failed inserts (a packet dropped) per namespace.
          {
            record: 'instance:netstat_conntrack_insert_failed:rate5m',
            expr: 'rate(%s[5m])' % s('netstat_conntrack_insert_failed_total'),
          },

          // Faults per packet of each device, one series per direction and kind of fault.
          {
            record: 'instance_device:netstat_interface_faults:ratio_rate5m',
            expr: 'rate(%s[5m]) / rate(%s[5m])' % [s('netstat_interface_receive_errors_total'),
                                                s('netstat_interface_receive_packets_total')],
            labels: {
              direction: 'receive',
              fault: 'errors',
            },
          },
          {
            record: 'instance_device:netstat_interface_faults:ratio_rate5m',
            expr: 'rate(%s[5m]) / rate(%s[5m])' % [s('netstat_interface_receive_dropped_total'),
                                                s('netstat_interface_receive_packets_total')],
            labels: {
              direction: 'receive',
              fault: 'dropped',
            },
          },
          {
            record: 'instance_device:netstat_interface_faults:ratio_rate5m',
            expr: 'rate(%s[5m]) / rate(%s[5m])' % [s('netstat_interface_transmit_errors_total'),
                                                s('netstat_interface_transmit_packets_total')],
            labels: {
              direction: 'transmit',
              fault: 'errors',
            },
          },
          {
            record: 'instance_device:netstat_interface_faults:ratio_rate5m',
            expr: 'rate(%s[5m]) / rate(%s[5m])' % [s('netstat_interface_transmit_dropped_total'),
                                                s('netstat_interface_transmit_packets_total')],
            labels: {
              direction: 'transmit',
              fault: 'dropped',
            },
          },
        ],
      },
    ],
  },
}
