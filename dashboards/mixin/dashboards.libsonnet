{
  grafanaDashboards+:: {
    'netstat-overview.json': (import 'dashboards/netstat-overview.libsonnet')($._config),
  },
}
