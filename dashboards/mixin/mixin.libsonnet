// The netstat_exporter monitoring mixin, shaped like node-mixin:
//   _config             the job selector and the alert thresholds (config.libsonnet)
//   prometheusRules     the thresholds group and the recording rules (rules.libsonnet)
//   prometheusAlerts    the alerting rules (alerts.libsonnet)
//   grafanaDashboards   {'netstat-overview.json': …} (dashboards.libsonnet)
// dashboards/mixin/render writes them to dashboards/prometheus and dashboards/grafana.
(import 'config.libsonnet') +
(import 'alerts.libsonnet') +
(import 'rules.libsonnet') +
(import 'dashboards.libsonnet')
