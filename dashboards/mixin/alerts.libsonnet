// Alerting rules. The numbers they compare with are the netstat:threshold:* series of
// rules.libsonnet (from _config.thresholds); each alert's `for:` is _config.alertFor[<alert>]
// (config.libsonnet; an alert it does not name has none), and so are the durations the
// descriptions name. Every netstat_* selector carries _config.netstatSelector
// (lib/selector.libsonnet): s(metric, matchers) is `metric{<netstatSelector>, <matchers>}`.
{
  local s(metric, matchers='') = (import 'lib/selector.libsonnet').selector($._config.netstatSelector, metric, matchers),
  local alertFor = $._config.alertFor,
  local withFor(rule) = if std.objectHas(alertFor, rule.alert) then rule { 'for': alertFor[rule.alert] } else rule,
  // An alert's `for:` in words, for its description: '5m' is '5 minutes' (a duration of more
  // than one unit, such as '1h30m', as it is).
  local forText(alert) =
    local d = alertFor[alert];
    local units = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' };
    local unit = d[std.length(d) - 1];
    local number = d[:std.length(d) - 1];
    local isNumber = number != '' && std.length(std.stripChars(number, '0123456789')) == 0;
    if std.objectHas(units, unit) && isNumber then
      '%s %s%s' % [number, units[unit], if number == '1' then '' else 's']
    else d,

  prometheusAlerts+:: {
    groups+: [
      {
        name: 'netstat-alerts',
        rules: std.map(withFor, [
          {
            alert: 'NetstatCloseWaitHigh',
            expr: |||
              instance_process_port:netstat_tcp_close_wait_connections:sum
                > on() group_left() netstat:threshold:close_wait_connections
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.process }} holds {{ $value }} CLOSE_WAIT connections on port {{ $labels.port }} of {{',
                '$labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf `topk(1,',
                'kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
              ]),
              description: std.join(' ', [
                'Process {{ $labels.process }} on {{ $labels.instance }}{{ with $labels.netns }} (network',
                'namespace {{ . }}){{ end }} has had more than the threshold of CLOSE_WAIT connections on port {{',
                '$labels.port }} for ' + forText('NetstatCloseWaitHigh') + ': the peers closed, the application never called close(). It is',
                'leaking sockets.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatclosewaithigh',
            },
          },
          {
            alert: 'NetstatCloseWaitGrowing',
            expr: |||
              deriv(instance_process_port:netstat_tcp_close_wait_connections:sum[30m]) * 1800
                >= on() group_left() netstat:threshold:close_wait_growth_30m
            |||,
            labels: {
              severity: 'info',
            },
            annotations: {
              summary: std.join(' ', [
                'CLOSE_WAIT of {{ $labels.process }} on port {{ $labels.port }} of {{ $labels.instance }}{{ with',
                '$labels.netns }} in netns {{ . }}{{ range printf `topk(1, kube_pod_info * on (uid) group_left ()',
                'max by (uid) (label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid",',
                '"(.+)")))` $labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end',
                '}}{{ end }} keeps growing',
              ]),
              description: std.join(' ', [
                'CLOSE_WAIT connections of process {{ $labels.process }} on port {{ $labels.port }} on {{',
                '$labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} grew by {{',
                '$value | printf "%.0f" }} per 30 minutes, steadily for ' + forText('NetstatCloseWaitGrowing')
                + ': a slow leak, even if still',
                'below the CLOSE_WAIT threshold.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatclosewaitgrowing',
            },
          },
          {
            alert: 'NetstatListenQueueFull',
            expr: |||
              instance_listener:netstat_tcp_listen_queue_fill:ratio
                > on() group_left() netstat:threshold:listen_queue_fill_ratio
            |||,
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: std.join(' ', [
                'Accept queue of {{ $labels.process }} on {{ $labels.address }}:{{ $labels.port }} of {{',
                '$labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf `topk(1,',
                'kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'is {{ $value | humanizePercentage }} full',
              ]),
              description: std.join(' ', [
                'The listener of process {{ $labels.process }} on {{ $labels.address }} port {{ $labels.port }}',
                'on {{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} has not',
                'accepted its queued connections for ' + forText('NetstatListenQueueFull')
                + '; new clients time out. The process is stuck or too',
                'slow to call accept().',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatlistenqueuefull',
            },
          },
          {
            alert: 'NetstatListenOverflows',
            expr: |||
              instance:netstat_tcpext_listen_overflows:rate5m
                > on() group_left() netstat:threshold:listen_overflows_per_second
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf `topk(1,',
                'kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'drops connections on full accept queues ({{ $value | printf "%.2f" }}/s)',
              ]),
              description: std.join(' ', [
                'TcpExt ListenOverflows is increasing on {{ $labels.instance }}{{ with $labels.netns }} (network',
                'namespace {{ . }}){{ end }}: SYNs or ACKs arrive for a listener whose accept queue is full.{{',
                'range printf "topk(1, instance_listener:netstat_tcp_listen_queue_fill:ratio{instance=%q,',
                'netns=%q})" $labels.instance $labels.netns | query }} The fullest listener is process {{',
                '.Labels.process }} on port {{ .Labels.port }} ({{ .Value | humanizePercentage }} full).{{ end }}',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatlistenoverflows',
            },
          },
          {
            alert: 'NetstatListenDrops',
            // Per listener (address, port, process), from its own drop counter. increase() reads a
            // listener that closed and opened again (its counter back at 0) as a reset, not a drop.
            // No `for`: drops are events, and the window holds them for 5 minutes. The description
            // reads the queue from the raw series, scraped with the drops (a recorded ratio may lag).
            // The count is increase()'s estimate, extrapolated over the window: "about".
            expr: |||
              increase(%s[5m])
                > on() group_left() netstat:threshold:listen_drops_5m
            ||| % s('netstat_tcp_listen_drops_total'),
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.process }} on {{ $labels.address }}:{{ $labels.port }} of {{ $labels.instance }}{{',
                'with $labels.netns }} in netns {{ . }}{{ range printf `topk(1, kube_pod_info * on (uid)',
                'group_left () max by (uid) (label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid",',
                '"$1", "pod_uid", "(.+)")))` $labels.instance . | query }} (pod {{ .Labels.namespace }}/{{',
                '.Labels.pod }}){{ end }}{{ end }} dropped about {{ $value | printf "%.0f" }} connection attempts',
                'in 5 minutes',
              ]),
              description: std.join(' ', [
                'The listener of process {{ $labels.process }} on {{ $labels.address }} port {{ $labels.port }}',
                'on {{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} dropped',
                'SYNs or connections within the last 5 minutes: its accept queue was full (the application does',
                'not call accept() fast enough, or its backlog is too small) or memory ran short. Clients wait',
                'for a SYN retransmission (1 s, 3 s …) or time out.{{ range printf "topk(1,',
                'netstat_tcp_listen_queue_length{instance=%q, netns=%q, address=%q, port=%q, process=%q} /',
                'netstat_tcp_listen_queue_max)" $labels.instance $labels.netns $labels.address $labels.port',
                '$labels.process | query }} Its accept queue is {{ .Value | humanizePercentage }} full now.{{ end',
                '}}',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatlistendrops',
            },
          },
          {
            alert: 'NetstatSynFlood',
            expr: |||
              (
                instance:netstat_tcp_syn_recv_sockets:sum
                  > on() group_left() netstat:threshold:syn_recv_min_sockets
                and
                instance:netstat_tcp_syn_recv_sockets:sum
                  > instance:netstat_tcp_syn_recv_sockets:avg_over_time_1d
                    * on() group_left() netstat:threshold:syn_recv_baseline_factor
              )
              or
              instance:netstat_tcpext_syncookies_sent:rate5m
                > on() group_left() netstat:threshold:syncookies_sent_per_second
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                'SYN flood on {{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf',
                '`topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
              ]),
              description: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} has SYN_RECV',
                'sockets far above its 1-day baseline, or is sending syncookies (its SYN queue overflowed).{{',
                'range printf "topk(1, sum by (process, port) (netstat_tcp_connections{instance=%q, netns=%q,',
                "state=\\\"syn_recv\\\"}))\" $labels.instance $labels.netns | query }} Most half-open connections are",
                'for process {{ .Labels.process }} on port {{ .Labels.port }} ({{ .Value }}).{{ end }}',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatsynflood',
            },
          },
          {
            alert: 'NetstatPublicPeer',
            expr: |||
              sum without (scope) (%s) > 0
            ||| % s('netstat_tcp_peer_connections', 'scope="public", network_zone="internal"'),
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                'Internal host {{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf',
                '`topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'has {{ $value }} {{ $labels.direction }} connections with public addresses on port {{',
                '$labels.port }}',
              ]),
              description: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} is labelled',
                'network_zone="internal" and should talk to private addresses only, yet {{ $value }} {{',
                '$labels.direction }} TCP connections on port {{ $labels.port }} have a public peer.{{ range',
                'printf "topk(3, sum by (peer, process) (netstat_tcp_top_peer_connections{instance=%q, netns=%q,',
                "scope=\\\"public\\\", direction=%q, port=%q}))\" $labels.instance $labels.netns $labels.direction",
                '$labels.port | query }} {{ .Labels.peer }} ({{ .Labels.process }}, {{ .Value }}).{{ else }} No',
                "public peer is among the host's top peers (--collector.sockets.top-peers); the processes are on",
                "the dashboard's Connections row.{{ end }}",
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatpublicpeer',
            },
          },
          {
            alert: 'NetstatPeerConnectionFlood',
            // One peer (address or --collector.sockets.top-peers.prefix-* network) holds more than a
            // share of a busy port's inbound sockets: a scraper, a leaking client, a flood from one place.
            expr: |||
              (
                sum without (scope, state, process) (%(peers)s)
                  / ignoring (peer) group_left()
                sum without (state, process, user) (%(connections)s)
              )
                > on() group_left() netstat:threshold:peer_connection_share
              and ignoring (peer)
              sum without (state, process, user) (%(connections)s)
                > on() group_left() netstat:threshold:peer_connection_min_sockets
            ||| % {
              peers: s('netstat_tcp_top_peer_connections', 'direction="inbound"'),
              connections: s('netstat_tcp_connections', 'direction="inbound"'),
            },
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.peer }} holds {{ $value | humanizePercentage }} of the inbound connections on port {{',
                '$labels.port }} of {{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range',
                'printf `topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
              ]),
              description: std.join(' ', [
                'One peer, {{ $labels.peer }}, holds {{ $value | humanizePercentage }} of the inbound TCP sockets',
                'on port {{ $labels.port }} of {{ $labels.instance }}{{ with $labels.netns }} (network namespace',
                '{{ . }}){{ end }}.{{ range printf "topk(1, sum by (process, state)',
                "(netstat_tcp_top_peer_connections{instance=%q, netns=%q, peer=%q, direction=\\\"inbound\\\",",
                'port=%q}))" $labels.instance $labels.netns $labels.peer $labels.port | query }} Most are {{',
                '.Labels.state }} to process {{ .Labels.process }} ({{ .Value }}).{{ end }}',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatpeerconnectionflood',
            },
          },
          {
            alert: 'NetstatInterfaceErrors',
            expr: |||
              instance_device:netstat_interface_faults:ratio_rate5m
                > on() group_left() netstat:threshold:interface_fault_ratio
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.device }} on {{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range',
                'printf `topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}:',
                '{{ $value | humanizePercentage }} of {{ $labels.direction }} packets {{ $labels.fault }}',
              ]),
              description: std.join(' ', [
                'Device {{ $labels.device }} on {{ $labels.instance }}{{ with $labels.netns }} (network namespace',
                '{{ . }}){{ end }} has had {{ $labels.direction }} {{ $labels.fault }} above the threshold ratio',
                'of its packets for ' + forText('NetstatInterfaceErrors') + '.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatinterfaceerrors',
            },
          },
          {
            alert: 'NetstatInterfaceDown',
            expr: |||
              %(up)s == 0
              and on (instance, job, netns, device) %(info)s
              and on (instance, job, netns, device) max_over_time(%(up)s[1d]) == 1
            ||| % { up: s('netstat_interface_up'), info: s('netstat_interface_info', 'operstate="down"') },
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.device }} on {{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range',
                'printf `topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'is down',
              ]),
              description: std.join(' ', [
                'Device {{ $labels.device }} on {{ $labels.instance }}{{ with $labels.netns }} (network namespace',
                '{{ . }}){{ end }} was up within the last day and has had operstate down for '
                + forText('NetstatInterfaceDown') + '.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatinterfacedown',
            },
          },
          {
            alert: 'NetstatRetransmitsHigh',
            expr: |||
              instance:netstat_tcp_retransmit:ratio_rate5m
                > on() group_left() netstat:threshold:retransmit_ratio
              and
              instance:netstat_tcp_out_segs:rate5m
                > on() group_left() netstat:threshold:retransmit_min_segments_per_second
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf `topk(1,',
                'kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'retransmits {{ $value | humanizePercentage }} of its TCP segments',
              ]),
              description: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} has',
                'retransmitted more than the threshold share of the TCP segments it sent for '
                + forText('NetstatRetransmitsHigh') + ': packet',
                'loss or congestion on a path.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatretransmitshigh',
            },
          },
          {
            alert: 'NetstatRetransmitRatioHigh',
            // The host-wide ratio above hides one bad path among many good ones: this one is per port,
            // direction and process (--collector.sockets.health).
            expr: |||
              instance_port_process:netstat_tcp_retransmit:ratio_rate5m
                > on() group_left() netstat:threshold:port_retransmit_ratio
              and
              instance_port_process:netstat_tcp_sent_segments:rate5m
                > on() group_left() netstat:threshold:port_retransmit_min_segments_per_second
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.process }} retransmits {{ $value | humanizePercentage }} of its TCP segments on {{',
                '$labels.direction }} port {{ $labels.port }} of {{ $labels.instance }}{{ with $labels.netns }}',
                'in netns {{ . }}{{ range printf `topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
              ]),
              description: std.join(' ', [
                'The {{ $labels.direction }} connections of process {{ $labels.process }} on port {{ $labels.port',
                '}} on {{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} have',
                'retransmitted more than the threshold share of the segments they sent for '
                + forText('NetstatRetransmitRatioHigh') + ', while',
                'sending more than the minimum rate: segments to these peers or their acknowledgements are lost',
                '(a congested or faulty path), or peers stopped answering.{{ range printf',
                '"histogram_quantile(0.5, sum by (le) (netstat_tcp_rtt_seconds_bucket{instance=%q, netns=%q,',
                'direction=%q, port=%q, process=%q})) > 0" $labels.instance $labels.netns $labels.direction',
                '$labels.port $labels.process | query }} Their median smoothed RTT is {{ .Value |',
                'humanizeDuration }}.{{ end }}',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatretransmitratiohigh',
            },
          },
          {
            alert: 'NetstatConnectionsAnomaly',
            expr: |||
              abs(instance:netstat_tcp_established_sockets:sum - instance:netstat_tcp_established_sockets:avg_over_time_1w)
                > instance:netstat_tcp_established_sockets:stddev_over_time_1w
                  * on() group_left() netstat:threshold:established_anomaly_stddevs
              and
              abs(instance:netstat_tcp_established_sockets:sum - instance:netstat_tcp_established_sockets:avg_over_time_1w)
                > on() group_left() netstat:threshold:established_anomaly_min_delta
              and
              instance:netstat_tcp_established_sockets:sum offset 1d
            |||,
            labels: {
              severity: 'info',
            },
            annotations: {
              summary: std.join(' ', [
                'Established connections on {{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{',
                'range printf `topk(1, kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'are far outside the 1-week baseline',
              ]),
              description: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} (network namespace {{ . }}){{ end }} has {{ with',
                'printf "instance:netstat_tcp_established_sockets:sum{instance=%q, netns=%q}" $labels.instance',
                '$labels.netns | query }}{{ . | first | value }}{{ end }} established TCP sockets, more standard',
                'deviations away from its 1-week average than the threshold, for '
                + forText('NetstatConnectionsAnomaly') + '; the Baseline row',
                'shows it against last week.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatconnectionsanomaly',
            },
          },
          {
            alert: 'NetstatConntrackTableFilling',
            // One alert per instance, not per namespace: the namespaces share the host's table, so a
            // table filled by many small namespaces is as full as one filled by a single one. The
            // description lists the namespaces (and pods) holding the most entries.
            expr: |||
              instance:netstat_conntrack_table_fill:ratio
                > on() group_left() netstat:threshold:conntrack_table_fill_ratio
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'Conntrack table of {{ $labels.instance }} is {{ $value | humanizePercentage }} full',
              description: std.join(' ', [
                'The connection-tracking table of {{ $labels.instance }} (the entries of all its network',
                'namespaces together) has been above the threshold share of its limit, nf_conntrack_max{{ with',
                'printf "netstat_conntrack_entries_limit{instance=%q}" $labels.instance | query }} ({{ . | first',
                '| value | printf "%.0f" }}){{ end }}, for ' + forText('NetstatConntrackTableFilling')
                + '. When it is full the kernel drops the first',
                'packet of every new connection ("nf_conntrack: table full, dropping packet"): new connections',
                'time out, established ones go on. Most entries:{{ range $i, $s := printf "topk(3,',
                'netstat_conntrack_entries{instance=%q})" $labels.instance | query }}{{ if $i }},{{ end }} {{',
                'with $s.Labels.netns }}netns {{ . }}{{ range printf `topk(1, kube_pod_info * on (uid) group_left',
                '() max by (uid) (label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1",',
                '"pod_uid", "(.+)")))` $labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod',
                '}}){{ end }}{{ else }}the host namespace{{ end }}: {{ $s.Value | printf "%.0f" }}{{ end }}.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatconntracktablefilling',
            },
          },
          {
            alert: 'NetstatConntrackInsertFailed',
            // Per namespace: each counts its own failed inserts. No `for`: each failure is a dropped
            // packet, and the 5 m rate holds it for 5 minutes.
            expr: |||
              instance:netstat_conntrack_insert_failed:rate5m
                > on() group_left() netstat:threshold:conntrack_insert_failed_per_second
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                '{{ $labels.instance }}{{ with $labels.netns }} in netns {{ . }}{{ range printf `topk(1,',
                'kube_pod_info * on (uid) group_left () max by (uid)',
                '(label_replace(netstat_netns_info{instance=%q, netns=%q}, "uid", "$1", "pod_uid", "(.+)")))`',
                '$labels.instance . | query }} (pod {{ .Labels.namespace }}/{{ .Labels.pod }}){{ end }}{{ end }}',
                'drops packets on failed conntrack inserts ({{ $value | printf "%.3f" }}/s)',
              ]),
              description: std.join(' ', [
                'Conntrack insert_failed is increasing on {{ $labels.instance }}{{ with $labels.netns }} (network',
                'namespace {{ . }}){{ end }}: the entry of a new connection could not be inserted because one for',
                'the same tuple was inserted meanwhile (packets of one flow racing on two CPUs), and the packet',
                'was dropped. On Kubernetes this is the DNS race: the resolver sends the A and AAAA queries of',
                'one lookup in parallel from one UDP socket, both go through the DNAT to the DNS service, one',
                'loses the conntrack insert race and is dropped, and the lookup waits 5 s for its retry.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatconntrackinsertfailed',
            },
          },
          {
            alert: 'NetstatExporterCollectorFailing',
            expr: '%s == 0' % s('netstat_scrape_collector_success'),
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'Collector {{ $labels.collector }} of netstat_exporter on {{ $labels.instance }} fails',
              description: std.join(' ', [
                'The {{ $labels.collector }} collector of netstat_exporter on {{ $labels.instance }} has failed',
                'every scrape for ' + forText('NetstatExporterCollectorFailing')
                + "; its metrics are missing. The exporter's stderr names the file.",
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatexportercollectorfailing',
            },
          },
          {
            alert: 'NetstatNamespaceCapabilityMissing',
            // --netns.all only: one series per capability the namespace reader needs, read once at
            // start (1 until the exporter restarts holding it). No netns label: about the exporter.
            // Nothing else tells: a namespace never found has no series and no read failure.
            expr: '%s == 1' % s('netstat_netns_capability_missing'),
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'netstat_exporter on {{ $labels.instance }} lacks {{ $labels.capability }}: --netns.all misses namespaces',
              description: std.join(' ', [
                'netstat_exporter on {{ $labels.instance }} runs with --netns.all without {{ $labels.capability }}',
                '(for ' + forText('NetstatNamespaceCapabilityMissing') + ').{{ if eq $labels.capability',
                '"CAP_SYS_ADMIN" }} setns() is refused (--netns.reader=setns), so namespaces are read through',
                '/proc/<pid>/net: those without a process it can see are skipped, and pods have no',
                'netstat_tcp_listen_queue_max, so NetstatListenQueueFull cannot fire for them.{{ else }} The',
                "network namespaces of other users' processes (containers, pods) are not found: their sockets",
                'are missing from every netstat_* series and no alert can fire for them, silently.{{ end }} Add',
                'the capability to the DaemonSet (securityContext.capabilities.add) or the systemd unit',
                '(AmbientCapabilities and CapabilityBoundingSet) and restart the exporter.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatnamespacecapabilitymissing',
            },
          },
          {
            alert: 'NetstatScrapesRefused',
            // Per reason: max_requests (--web.max-requests already waiting) or response_memory
            // (answers not yet read by slow clients fill --web.max-response-memory). No `for`: each
            // refusal is a 503, perhaps a failed Prometheus scrape, and the window holds it 10 minutes.
            expr: |||
              increase(%s[10m])
                > on() group_left() netstat:threshold:scrape_refusals_10m
            ||| % s('netstat_scrape_requests_total', 'result!="served"'),
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: std.join(' ', [
                'netstat_exporter on {{ $labels.instance }} refused about {{ $value | printf "%.0f" }} scrapes',
                '({{ $labels.result }}) in 10 minutes',
              ]),
              description: std.join(' ', [
                'netstat_exporter on {{ $labels.instance }} answered scrape requests with 503 within the last',
                '10 minutes{{ if eq $labels.result "max_requests" }}, because --web.max-requests requests were',
                'already waiting for a collection: a client (or too many Prometheus servers) scrapes it',
                'faster than it collects.{{ else }}, because answers not yet read by slow clients filled',
                '--web.max-response-memory: clients that do not read their responses (or read them very',
                'slowly) hold its memory.{{ end }} A Prometheus scrape refused so fails (up 0). Find the',
                "clients connected to the exporter's port (ss -tn on the host); stop the one hammering it, or",
                'raise the flag.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatscrapesrefused',
            },
          },
          {
            alert: 'NetstatThresholdsMissing',
            expr: 'absent(netstat:threshold:close_wait_connections)',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'netstat alert thresholds are not loaded',
              description: std.join(' ', [
                'netstat:threshold:close_wait_connections does not exist: thresholds.yml (or your copy) is',
                'missing from rule_files, so most netstat alerts can never fire.',
              ]),
              runbook_url: 'dashboards/RUNBOOK.md#netstatthresholdsmissing',
            },
          },
        ]),
      },
    ],
  },
}
