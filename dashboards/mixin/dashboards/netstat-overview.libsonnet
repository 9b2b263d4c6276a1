// The Grafana dashboard, as a function of _config (the job and instance variables use
// netstatSelector). Generated once from dashboards/grafana/netstat-overview.json; edit it here.
function(config)
  local buildInfo = if config.netstatSelector == '' then 'netstat_exporter_build_info'
                    else 'netstat_exporter_build_info{%s}' % config.netstatSelector;
  local selectorPrefix = if config.netstatSelector == '' then '' else config.netstatSelector + ', ';
  {
    __inputs: [],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: {
            type: 'grafana',
            uid: '-- Grafana --',
          },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: std.join(' ', [
      'netstat_exporter: TCP states and CLOSE_WAIT by process and port, listeners and accept queues,',
      'peers, connection health (RTT, retransmissions, throughput, listen drops, stalls), interfaces,',
      'protocol errors, conntrack table, weekly baseline.',
    ]),
    editable: true,
    graphTooltip: 1,
    links: [],
    panels: [
      {
        type: 'row',
        id: 1,
        title: 'Connections',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 0,
        },
      },
      {
        type: 'timeseries',
        id: 2,
        title: 'TCP sockets by state',
        description: 'netstat_tcp_sockets summed over both families, stacked.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 1,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: 'sum by (state) (netstat_tcp_sockets{job=~"$job", instance=~"$instance", netns=~"${netns:pipe}"})',
            legendFormat: '{{state}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 60,
              showPoints: 'never',
              stacking: {
                mode: 'normal',
                group: 'A',
              },
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 3,
        title: 'CLOSE_WAIT by process (top 10)',
        description: std.join(' ', [
          'Connections the peer closed and the process did not. A line that only rises is a leak (alerts',
          'NetstatCloseWaitHigh / NetstatCloseWaitGrowing; the dashed line is the threshold).',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 1,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, process) (netstat_tcp_connections{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="close_wait"}))',
            ]),
            legendFormat: '{{process}} {{netns}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: 'netstat:threshold:close_wait_connections',
            legendFormat: 'threshold',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 0,
              showPoints: 'never',
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'threshold',
              },
              properties: [
                {
                  id: 'custom.lineStyle',
                  value: {
                    fill: 'dash',
                    dash: [
                      10,
                      10,
                    ],
                  },
                },
                {
                  id: 'color',
                  value: {
                    mode: 'fixed',
                    fixedColor: 'red',
                  },
                },
              ],
            },
          ],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 4,
        title: 'CLOSE_WAIT by port (top 10)',
        description: 'The same connections by the local listening port (inbound) or the remote port (outbound).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 8,
          x: 0,
          y: 9,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, port) (netstat_tcp_connections{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="close_wait"}))',
            ]),
            legendFormat: 'port {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 5,
        title: 'TIME_WAIT',
        description: 'Sockets this host closed first, waiting out 2×MSL; many short connections make many.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 8,
          x: 8,
          y: 9,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (netstat_tcp_sockets{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="time_wait"})',
            ]),
            legendFormat: '{{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 6,
        title: 'SYN_RECV',
        description: 'Half-open inbound connections; a sudden wall of them is a SYN flood (alert NetstatSynFlood).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 8,
          x: 16,
          y: 9,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (netstat_tcp_sockets{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="syn_recv"})',
            ]),
            legendFormat: '{{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 7,
        title: 'Inbound vs outbound by port (top 10)',
        description: std.join(' ', [
          'Established connections by direction: inbound on a port this host listens on, outbound to a',
          'remote port.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 24,
          x: 0,
          y: 17,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, direction, port) (netstat_tcp_connections{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}", state="established"}))',
            ]),
            legendFormat: '{{direction}} {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'row',
        id: 8,
        title: 'Listeners',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 25,
        },
      },
      {
        type: 'table',
        id: 9,
        title: 'Listeners',
        description: 'Every listening TCP socket (netstat -ltnp) with its accept queue now and its backlog.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 9,
          w: 12,
          x: 0,
          y: 26,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance, netns, address, port, process) (netstat_tcp_listener_info{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '__auto',
            range: false,
            instant: true,
            format: 'table',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance, netns, address, port, process) (netstat_tcp_listen_queue_length{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '__auto',
            range: false,
            instant: true,
            format: 'table',
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'C',
            expr: std.join(' ', [
              'sum by (instance, netns, address, port, process) (netstat_tcp_listen_queue_max{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '__auto',
            range: false,
            instant: true,
            format: 'table',
          },
        ],
        fieldConfig: {
          defaults: {},
          overrides: [],
        },
        options: {},
        transformations: [
          {
            id: 'merge',
            options: {},
          },
          {
            id: 'organize',
            options: {
              excludeByName: {
                Time: true,
                'Value #A': true,
              },
              renameByName: {
                'Value #B': 'queued',
                'Value #C': 'backlog',
              },
            },
          },
        ],
      },
      {
        type: 'timeseries',
        id: 10,
        title: 'Accept-queue fill by listener',
        description: std.join(' ', [
          'Queued connections / backlog. At 1 new connections are dropped (alert NetstatListenQueueFull',
          'above 0.9).',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 9,
          w: 12,
          x: 12,
          y: 26,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'max by (netns, address, port, process) (netstat_tcp_listen_queue_length{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"} / netstat_tcp_listen_queue_max{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '{{process}} {{address}}:{{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            min: 0,
            max: 1,
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 11,
        title: 'ListenOverflows and ListenDrops',
        description: std.join(' ', [
          'TcpExt ListenOverflows (accept queue full) and ListenDrops (every SYN dropped at a listener) per',
          'second.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 24,
          x: 0,
          y: 35,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcpext_listen_overflows_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'overflows {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcpext_listen_drops_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'drops {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'row',
        id: 12,
        title: 'Peers',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 43,
        },
      },
      {
        type: 'timeseries',
        id: 13,
        title: 'Connections by peer scope',
        description: std.join(' ', [
          'Non-listening sockets by the class of the remote address (loopback, private, link_local, public,',
          'your peer groups).',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 44,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (scope) (netstat_tcp_peer_connections{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '{{scope}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 60,
              showPoints: 'never',
              stacking: {
                mode: 'normal',
                group: 'A',
              },
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'table',
        id: 14,
        title: 'Public peers on internal hosts',
        description: std.join(' ', [
          'Hosts whose scrape target carries network_zone="internal" should have no public peers; any row',
          'here is alert NetstatPublicPeer.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 44,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance, netns, direction, port) (netstat_tcp_peer_connections{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}", scope="public", network_zone="internal"}) > 0',
            ]),
            legendFormat: '__auto',
            range: false,
            instant: true,
            format: 'table',
          },
        ],
        fieldConfig: {
          defaults: {},
          overrides: [],
        },
        options: {},
        transformations: [
          {
            id: 'organize',
            options: {
              excludeByName: {
                Time: true,
              },
              renameByName: {
                Value: 'connections',
              },
            },
          },
        ],
      },
      {
        type: 'table',
        id: 28,
        title: 'Top peers',
        description: std.join(' ', [
          'The remote addresses (or networks, with --collector.sockets.top-peers.prefix-ipv4/-ipv6) holding',
          'the most TCP sockets on each host, and those holding the most SYN_RECV sockets (state syn_recv),',
          'from netstat_tcp_top_peer_connections. Peers come and go as the top changes; loopback peers are',
          'left out unless --collector.sockets.top-peers.loopback.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 9,
          w: 24,
          x: 0,
          y: 52,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance, netns, peer, scope, state, direction, port, process)',
              '(netstat_tcp_top_peer_connections{job=~"$job", instance=~"$instance", netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '__auto',
            range: false,
            instant: true,
            format: 'table',
          },
        ],
        fieldConfig: {
          defaults: {},
          overrides: [],
        },
        options: {
          sortBy: [
            {
              displayName: 'connections',
              desc: true,
            },
          ],
        },
        transformations: [
          {
            id: 'organize',
            options: {
              excludeByName: {
                Time: true,
              },
              indexByName: {
                instance: 0,
                netns: 1,
                peer: 2,
                scope: 3,
                port: 4,
                process: 5,
                state: 6,
                direction: 7,
                Value: 8,
              },
              renameByName: {
                Value: 'connections',
              },
            },
          },
        ],
      },
      {
        type: 'row',
        id: 29,
        title: 'Connection health',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 61,
        },
      },
      {
        type: 'timeseries',
        id: 30,
        title: 'RTT by port (p50, p99)',
        description: std.join(' ', [
          'Smoothed round-trip time of the established connections open now (tcp_info,',
          '--collector.sockets.health), median and 99th percentile per direction and port: inbound on a',
          'port this host listens on, outbound to a remote port. A distribution of now (a gauge histogram:',
          'no rate). A rising p99 with a flat p50 is a few slow or lossy peers; both rising is the path or',
          'this host.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 62,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'histogram_quantile(0.5, sum by (netns, direction, port, le)',
              '(netstat_tcp_rtt_seconds_bucket{job=~"$job", instance=~"$instance", netns=~"${netns:pipe}"}))',
            ]),
            legendFormat: 'p50 {{direction}} {{port}} {{netns}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'histogram_quantile(0.99, sum by (netns, direction, port, le)',
              '(netstat_tcp_rtt_seconds_bucket{job=~"$job", instance=~"$instance", netns=~"${netns:pipe}"}))',
            ]),
            legendFormat: 'p99 {{direction}} {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 's',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 31,
        title: 'Listen drops by listener',
        description: std.join(' ', [
          'SYNs and connections each listener dropped per second (its own ListenDrops: accept queue full,',
          'or no memory). A listener that restarts starts again at 0 (alert NetstatListenDrops).',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 62,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (netns, address, port, process) (rate(netstat_tcp_listen_drops_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: '{{process}} {{address}}:{{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 32,
        title: 'Retransmitted segments by port and process (top 10)',
        description: 'Segments the connections of each port, direction and process retransmitted per second.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 70,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, direction, port, process)',
              '(rate(netstat_tcp_retransmitted_segments_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])))',
            ]),
            legendFormat: '{{process}} {{direction}} {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'pps',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 33,
        title: 'Retransmit ratio by port and process (top 10)',
        description: std.join(' ', [
          'Retransmitted / sent segments per port, direction and process; no line while nothing is sent.',
          'Alert NetstatRetransmitRatioHigh above the dashed threshold, on ports sending more than its',
          'minimum rate (netstat:threshold:port_retransmit_min_segments_per_second).',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 70,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, direction, port, process)',
              '(rate(netstat_tcp_retransmitted_segments_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])) / sum by (netns, direction, port, process)',
              '(rate(netstat_tcp_sent_segments_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])))',
            ]),
            legendFormat: '{{process}} {{direction}} {{port}} {{netns}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: 'netstat:threshold:port_retransmit_ratio',
            legendFormat: 'threshold',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 0,
              showPoints: 'never',
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'threshold',
              },
              properties: [
                {
                  id: 'custom.lineStyle',
                  value: {
                    fill: 'dash',
                    dash: [
                      10,
                      10,
                    ],
                  },
                },
                {
                  id: 'color',
                  value: {
                    mode: 'fixed',
                    fixedColor: 'red',
                  },
                },
              ],
            },
          ],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 34,
        title: 'Throughput by port and process (top 10)',
        description: std.join(' ', [
          'Bytes per second received (+) and sent and acknowledged by the peer (−) by the connections of',
          'each port, direction and process.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 24,
          x: 0,
          y: 78,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, direction, port, process)',
              '(rate(netstat_tcp_received_bytes_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])))',
            ]),
            legendFormat: 'in {{process}} {{direction}} {{port}} {{netns}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              '-topk(10, sum by (netns, direction, port, process)',
              '(rate(netstat_tcp_acked_bytes_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])))',
            ]),
            legendFormat: 'out {{process}} {{direction}} {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'Bps',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 35,
        title: 'Stalled connections by reason (top 10)',
        description: std.join(' ', [
          'Connections stalled now: rto_backoff (retransmission timer backed off: the peer is gone or',
          "unreachable), zero_window (the peer's application does not read), unsent (this host's",
          'application writes faster than the connection sends). A connection may count under several',
          'reasons.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 86,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, reason, direction, port, process)',
              '(netstat_tcp_stalled_connections{job=~"$job", instance=~"$instance", netns=~"${netns:pipe}"}))',
            ]),
            legendFormat: '{{reason}} {{process}} {{direction}} {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 36,
        title: 'Time limited by reason (top 10)',
        description: std.join(' ', [
          "Seconds per second the connections spent limited by the peer's receive window (rwnd: a slow",
          'reader), by their own send buffer (sndbuf: too small for the path), or busy sending (busy); 1 is',
          'one connection limited all the time.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 86,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (netns, reason, direction, port, process)',
              '(rate(netstat_tcp_limited_seconds_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])))',
            ]),
            legendFormat: '{{reason}} {{process}} {{direction}} {{port}} {{netns}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'row',
        id: 15,
        title: 'Interfaces',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 94,
        },
      },
      {
        type: 'timeseries',
        id: 16,
        title: 'Throughput',
        description: 'Bytes per second received (+) and transmitted (−) per device.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 95,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (device) (rate(netstat_interface_receive_bytes_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'rx {{device}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              '-sum by (device) (rate(netstat_interface_transmit_bytes_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'tx {{device}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'Bps',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 17,
        title: 'Packets',
        description: 'Packets per second received (+) and transmitted (−) per device.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 95,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (device) (rate(netstat_interface_receive_packets_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'rx {{device}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              '-sum by (device) (rate(netstat_interface_transmit_packets_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'tx {{device}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'pps',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 18,
        title: 'Errors and drops',
        description: 'Per second, per device and direction (alert NetstatInterfaceErrors above 1 % of packets).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 103,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (device) (rate(netstat_interface_receive_errors_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'rx errors {{device}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (device) (rate(netstat_interface_receive_dropped_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'rx dropped {{device}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'C',
            expr: std.join(' ', [
              'sum by (device) (rate(netstat_interface_transmit_errors_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'tx errors {{device}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'D',
            expr: std.join(' ', [
              'sum by (device) (rate(netstat_interface_transmit_dropped_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'tx dropped {{device}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'pps',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'state-timeline',
        id: 19,
        title: 'Up / down',
        description: "1 when the device's operstate is up (loopback reports unknown, so 0).",
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 103,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'max by (device) (netstat_interface_up{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"})',
            ]),
            legendFormat: '{{device}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            mappings: [
              {
                type: 'value',
                options: {
                  '0': {
                    text: 'down',
                    color: 'red',
                  },
                  '1': {
                    text: 'up',
                    color: 'green',
                  },
                },
              },
            ],
          },
          overrides: [],
        },
        options: {},
      },
      {
        type: 'row',
        id: 20,
        title: 'Protocols',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 111,
        },
      },
      {
        type: 'timeseries',
        id: 21,
        title: 'TCP retransmit ratio',
        description: 'Retransmitted / sent segments (alert NetstatRetransmitsHigh).',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 112,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcp_retrans_segs_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval])) / sum by (instance)',
              '(rate(netstat_tcp_out_segs_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: '{{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 22,
        title: 'TCP resets',
        description: 'RSTs sent (OutRsts) and established connections reset (EstabResets) per second.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 112,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcp_out_rsts_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'sent {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcp_estab_resets_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'established reset {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 23,
        title: 'Syncookies',
        description: 'Syncookies sent (the SYN queue overflowed) and failed per second.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 120,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcpext_syncookies_sent_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'sent {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_tcpext_syncookies_failed_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'failed {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 24,
        title: 'UDP buffer errors',
        description: "Datagrams lost because a socket's receive or send buffer was full.",
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 120,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_udp_rcvbuf_errors_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'receive {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance) (rate(netstat_udp_sndbuf_errors_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'send {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'row',
        id: 37,
        title: 'Conntrack',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 128,
        },
      },
      {
        type: 'timeseries',
        id: 38,
        title: 'Conntrack table fill',
        description: std.join(' ', [
          "Entries of the selected namespaces / the host's limit (nf_conntrack_max), per instance. All",
          "namespaces share the host's one table: with netns All this is the host table's fill, which alert",
          'NetstatConntrackTableFilling watches (the dashed threshold); with some namespaces selected,',
          'their share of it. At 100 % the kernel drops the first packet of every new connection',
          '("nf_conntrack: table full, dropping packet").',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 129,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (netstat_conntrack_entries{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}) / on (instance) max by (instance)',
              '(netstat_conntrack_entries_limit{job=~"$job", instance=~"$instance"} > 0)',
            ]),
            legendFormat: '{{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: 'netstat:threshold:conntrack_table_fill_ratio',
            legendFormat: 'threshold',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            min: 0,
            max: 1,
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 0,
              showPoints: 'never',
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byName',
                options: 'threshold',
              },
              properties: [
                {
                  id: 'custom.lineStyle',
                  value: {
                    fill: 'dash',
                    dash: [
                      10,
                      10,
                    ],
                  },
                },
                {
                  id: 'color',
                  value: {
                    mode: 'fixed',
                    fixedColor: 'red',
                  },
                },
              ],
            },
          ],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 39,
        title: 'Conntrack entries by namespace (top 10)',
        description: std.join(' ', [
          "Tracked connections of each network namespace (no netns: the exporter's own), and the host's",
          'limit (dashed) that all of them count against together.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 129,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'topk(10, sum by (instance, netns) (netstat_conntrack_entries{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}))',
            ]),
            legendFormat: '{{netns}} {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: 'max by (instance) (netstat_conntrack_entries_limit{job=~"$job", instance=~"$instance"})',
            legendFormat: 'limit {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            min: 0,
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [
            {
              matcher: {
                id: 'byRegexp',
                options: '^limit .*',
              },
              properties: [
                {
                  id: 'custom.lineStyle',
                  value: {
                    fill: 'dash',
                    dash: [
                      10,
                      10,
                    ],
                  },
                },
                {
                  id: 'color',
                  value: {
                    mode: 'fixed',
                    fixedColor: 'red',
                  },
                },
                {
                  id: 'custom.fillOpacity',
                  value: 0,
                },
              ],
            },
          ],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 40,
        title: 'Conntrack insert failures by namespace',
        description: std.join(' ', [
          'Conntrack entries that could not be inserted, per second: each one a dropped packet (alert',
          'NetstatConntrackInsertFailed); on Kubernetes usually the DNS race of parallel A and AAAA',
          'queries. Clash resolved: races the kernel settled without a drop.',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 137,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance, netns) (rate(netstat_conntrack_insert_failed_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'insert failed {{netns}} {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance, netns) (rate(netstat_conntrack_clash_resolved_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'clash resolved {{netns}} {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 41,
        title: 'Conntrack drops and early drops by namespace',
        description: std.join(' ', [
          'Per second: packets conntrack dropped (drops: no entry could be made, e.g. the table was full',
          'and nothing could be evicted) and entries evicted to make room in a full table (early drops: the',
          'table is at its limit).',
        ]),
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 137,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance, netns) (rate(netstat_conntrack_drops_total{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'drops {{netns}} {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance, netns) (rate(netstat_conntrack_early_drops_total{job=~"$job",',
              'instance=~"$instance", netns=~"${netns:pipe}"}[$__rate_interval]))',
            ]),
            legendFormat: 'early drops {{netns}} {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'ops',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'row',
        id: 25,
        title: 'Baseline',
        collapsed: false,
        panels: [],
        gridPos: {
          h: 1,
          w: 24,
          x: 0,
          y: 145,
        },
      },
      {
        type: 'timeseries',
        id: 26,
        title: 'Established: today vs last week',
        description: 'established sockets now, at the same time one week ago, and the recorded 1-week average.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 0,
          y: 146,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (netstat_tcp_sockets{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="established"})',
            ]),
            legendFormat: 'now {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance) (netstat_tcp_sockets{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="established"} offset 1w)',
            ]),
            legendFormat: 'last week {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'C',
            expr: std.join(' ', [
              'instance:netstat_tcp_established_sockets:avg_over_time_1w{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}',
            ]),
            legendFormat: '1-week average {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
      {
        type: 'timeseries',
        id: 27,
        title: 'CLOSE_WAIT: today vs last week',
        description: 'close_wait sockets now, at the same time one week ago, and the recorded 1-week average.',
        datasource: {
          type: 'prometheus',
          uid: '${datasource}',
        },
        gridPos: {
          h: 8,
          w: 12,
          x: 12,
          y: 146,
        },
        targets: [
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'A',
            expr: std.join(' ', [
              'sum by (instance) (netstat_tcp_sockets{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="close_wait"})',
            ]),
            legendFormat: 'now {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'B',
            expr: std.join(' ', [
              'sum by (instance) (netstat_tcp_sockets{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}", state="close_wait"} offset 1w)',
            ]),
            legendFormat: 'last week {{instance}}',
            range: true,
          },
          {
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            refId: 'C',
            expr: std.join(' ', [
              'instance:netstat_tcp_close_wait_sockets:avg_over_time_1w{job=~"$job", instance=~"$instance",',
              'netns=~"${netns:pipe}"}',
            ]),
            legendFormat: '1-week average {{instance}}',
            range: true,
          },
        ],
        fieldConfig: {
          defaults: {
            unit: 'short',
            custom: {
              drawStyle: 'line',
              lineWidth: 1,
              fillOpacity: 10,
              showPoints: 'never',
            },
          },
          overrides: [],
        },
        options: {
          legend: {
            displayMode: 'table',
            placement: 'right',
            calcs: [
              'lastNotNull',
              'max',
            ],
          },
          tooltip: {
            mode: 'multi',
            sort: 'desc',
          },
        },
      },
    ],
    refresh: '30s',
    schemaVersion: 39,
    tags: [
      'netstat',
      'tcp',
      'network',
    ],
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          refresh: 1,
          regex: '',
          options: [],
          hide: 0,
          skipUrlSync: false,
        },
        {
          name: 'job',
          label: 'Job',
          type: 'query',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          definition: 'label_values(%s, job)' % buildInfo,
          query: {
            qryType: 1,
            query: 'label_values(%s, job)' % buildInfo,
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          current: {},
          includeAll: true,
          multi: true,
          allValue: '.+',
          refresh: 2,
          regex: '',
          sort: 1,
          options: [],
          hide: 0,
          skipUrlSync: false,
        },
        {
          name: 'instance',
          label: 'Instance',
          type: 'query',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          definition: 'label_values(netstat_exporter_build_info{%sjob=~"$job"}, instance)' % selectorPrefix,
          query: {
            qryType: 1,
            query: 'label_values(netstat_exporter_build_info{%sjob=~"$job"}, instance)' % selectorPrefix,
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          current: {},
          includeAll: true,
          multi: true,
          allValue: '.+',
          refresh: 2,
          regex: '',
          sort: 1,
          options: [],
          hide: 0,
          skipUrlSync: false,
        },
        {
          name: 'netns',
          label: 'Network namespace',
          description: "Namespaces of --netns.all; \"own namespace\" is the exporter's own (series without a netns label).",
          type: 'query',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          definition: std.join(' ', [
            'query_result(label_replace(label_replace(label_replace(count by (netns)',
            '(netstat_tcp_sockets{job=~"$job", instance=~"$instance"}), "text", "$1", "netns", "(.+)"),',
            '"text", "own namespace", "netns", ""), "netns", "()", "netns", ""))',
          ]),
          query: {
            qryType: 3,
            query: std.join(' ', [
              'query_result(label_replace(label_replace(label_replace(count by (netns)',
              '(netstat_tcp_sockets{job=~"$job", instance=~"$instance"}), "text", "$1", "netns", "(.+)"),',
              '"text", "own namespace", "netns", ""), "netns", "()", "netns", ""))',
            ]),
            refId: 'PrometheusVariableQueryEditor-VariableQuery',
          },
          regex: '/netns="(?<value>[^"]*)".*text="(?<text>[^"]*)"/',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          includeAll: true,
          multi: true,
          allValue: '.*',
          refresh: 2,
          sort: 1,
          options: [],
          hide: 0,
          skipUrlSync: false,
        },
      ],
    },
    time: {
      from: 'now-6h',
      to: 'now',
    },
    timepicker: {},
    timezone: '',
    title: 'netstat overview',
    uid: 'netstat-overview',
    version: 1,
    weekStart: '',
  }
