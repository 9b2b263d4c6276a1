import Exposition
import ProcNet
import Namespaces

/// Route counts per device and the default routes (netstat -r), from /proc/net/route and
/// /proc/net/ipv6_route. No series per route: a full table holds a million routes.
///
/// Both families count what `ip route` shows in the main table. /proc/net/route holds only the
/// main table already; /proc/net/ipv6_route holds every table, so the routes the kernel keeps in
/// the local table (the host's own addresses, anycast, ff00::/8) and its unreachable null entry
/// are left out. /proc/net/route is required; ipv6_route is optional (absent without IPv6).
public struct RoutesCollector: PerNamespaceCollector {
    public static let descriptor = CollectorDescriptor(
        name: "routes",
        help: "Routes per device and default routes (netstat -r).",
        families: families
    ) { _, _ in
        RoutesCollector()
    }

    public static let families: [MetricDeclaration] = [routes, defaultRoute]

    static let routes = MetricDeclaration.gauge(
        "netstat_routes", help: "Routes in the main routing table by output device (netstat -rn).",
        labels: ["family", "device"],
        source: "number of routes through each device in /proc/net/route (ipv4) and ipv6_route (ipv6, main table only); `*` for routes without one, e.g. unreachable")
    static let defaultRoute = MetricDeclaration.gauge(
        "netstat_route_default_info",
        help: "Constant 1 for each default route, labelled by its device and gateway (:: or 0.0.0.0 for none).",
        labels: ["family", "device", "gateway"],
        source: "constant 1 per default route (0.0.0.0/0, ::/0); `gateway` in text form, `0.0.0.0` / `::` when none")

    /// Routes are the host's: other namespaces' are not read.
    public var coversEveryNamespace: Bool { false }

    public init() {}

    /// What one family's table comes to: routes per device and the (device, gateway) pairs of
    /// its default routes.
    struct Tally {
        var routesPerDevice: [String: UInt64] = [:]
        var defaults: Set<DefaultRoute> = []

        struct DefaultRoute: Hashable {
            var device: String
            var gateway: String
        }

        mutating func add(device: String, isDefault: Bool, gateway: IPAddress) {
            routesPerDevice[device, default: 0] += 1
            // Two default routes through the same gateway (different metrics) are one series.
            if isDefault { defaults.insert(DefaultRoute(device: device, gateway: gateway.description)) }
        }
    }

    public func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        for family in Self.families { metrics.declare(family) }

        let ipv4Path = namespace.net("route")
        if let bytes = report.readRequired(ipv4Path) {
            var tally = Tally()
            let summary = RouteTable.parse(bytes) { route in
                tally.add(device: route.device, isDefault: route.isDefault, gateway: route.gateway)
            }
            report.record(summary, path: ipv4Path)
            write(tally, family: .ipv4, into: &metrics)
        }

        let ipv6Path = namespace.net("ipv6_route")
        if let bytes = report.readOptional(ipv6Path) {
            var tally = Tally()
            let summary = IPv6RouteTable.parse(bytes) { route in
                guard !route.isKernelNullEntry, !route.isLocalTableEntry else { return }
                // "*" for no device, as /proc/net/route spells it, so both families label alike.
                tally.add(device: route.device.isEmpty ? "*" : route.device, isDefault: route.isDefault,
                          gateway: route.nextHop)
            }
            report.record(summary, path: ipv6Path)
            write(tally, family: .ipv6, into: &metrics)
        }
    }

    func write(_ tally: Tally, family: SocketFamily, into metrics: inout MetricSet) {
        for (device, count) in tally.routesPerDevice {
            metrics.add(Self.routes, [Label("family", family.rawValue), Label("device", device)], .unsigned(count))
        }
        for route in tally.defaults {
            metrics.add(Self.defaultRoute, [Label("family", family.rawValue), Label("device", route.device),
                                            Label("gateway", route.gateway)], .unsigned(1))
        }
    }
}
