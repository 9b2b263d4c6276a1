// The vector selectors of the mixin's expressions, with _config.netstatSelector in each, as
// node-mixin puts its nodeExporterSelector in every expression:
//
//   selector('job="netstat"', 'netstat_tcp_sockets', 'state="established"')
//     == 'netstat_tcp_sockets{job="netstat", state="established"}'
//
// `netstatSelector` and `matchers` are label matchers without braces. With both empty the result
// is the bare metric name, so the default (empty) selector renders the expressions as written.
{
  selector(netstatSelector, metric, matchers=''):: (
    local all = [m for m in [netstatSelector, matchers] if m != ''];
    if all == [] then metric else '%s{%s}' % [metric, std.join(', ', all)]
  ),
}
