import Exposition

extension NamespaceMode {
    /// What the mode reports of itself, declared once.
    public static let families: [MetricDeclaration] = [info, discovered, folded, readFailures, capabilityMissing]

    static let info = MetricDeclaration.gauge(
        "netstat_netns_info",
        help: "1 for every network namespace whose series carry its netns label, with the pod UID and container ID its processes' cgroups name.",
        labels: ["netns", "inode", "pod_uid", "container_id", "reader"],
        source: "1 per namespace exported under its own label; `pod_uid` and `container_id` from /proc/<pid>/cgroup of its first process (empty when none); `reader`: setns or proc")
    static let discovered = MetricDeclaration.gauge(
        "netstat_netns_discovered",
        help: "Network namespaces found this scrape besides the exporter's own, after --netns.include/--netns.exclude.",
        source: "namespaces found this scrape besides the own one (/proc/<pid>/ns/net, /run/netns, /run/docker/netns), after `--netns.include`/`--netns.exclude`")
    static let folded = MetricDeclaration.gauge(
        "netstat_netns_folded",
        help: "Namespaces beyond --netns.max whose series were summed under netns=\"other\" this scrape.",
        source: "namespaces beyond `--netns.max` (fewest sockets) whose series were summed under `netns=\"other\"` (their `process`, `port`, `address`, `peer` and `user` labels become `other` too, so that set has the shape of one namespace)")
    static let readFailures = MetricDeclaration.counter(
        "netstat_netns_read_failures_total",
        help: "Namespaces not read as they should have been since start, by reason: vanished, unreachable and unreadable ones were skipped for that scrape; setns_refused ones were read through /proc/<pid>/net.",
        labels: ["reason"],
        source: "namespaces skipped for a scrape (`vanished`: its process or mount went away; `unreachable`: no process and no setns; `unreadable`: a required file failed), or read through /proc/<pid>/net after setns was refused (`setns_refused`)")
    static let capabilityMissing = MetricDeclaration.gauge(
        "netstat_netns_capability_missing",
        help: "1 for each capability --netns.all needs that the exporter lacks (namespaces are then missed), 0 for each it has.",
        labels: ["capability"],
        source: "the exporter's effective capabilities at start (/proc/self/status `CapEff`): `CAP_SYS_PTRACE` (other users' processes' /proc/<pid>/ns/net) and, with `--netns.reader=setns`, `CAP_SYS_ADMIN`; 1 when missing; absent when /proc/self/status cannot be read")

    /// Adds the namespaces read to `metrics`: the `--netns.max` with the most sockets under
    /// their own label, the rest summed under `netns="other"`, and what the mode reports of
    /// itself.
    public func write(_ reads: [NamespaceMetrics], discovered: Int, into metrics: inout MetricSet) {
        let (kept, folded) = Self.rank(reads.filter(\.complete), keeping: options.maxLabelled)
        metrics.declare(Self.info)
        for read in kept {
            metrics.merge(read.metrics)
            let namespace = read.namespace
            metrics.add(Self.info, [
                Label("netns", namespace.label ?? ""), Label("inode", String(namespace.inode)),
                Label("pod_uid", namespace.cgroup.podUID ?? ""),
                Label("container_id", namespace.cgroup.containerID ?? ""),
                Label("reader", namespace.reader == .entered ? "setns" : "proc"),
            ], .unsigned(1))
        }
        if !folded.isEmpty {
            var other = MetricSet()
            for read in folded { other.mergeSumming(read.metrics.relabelled(Self.folding)) }
            metrics.merge(other)
        }
        metrics.add(Self.discovered, [], .unsigned(UInt64(discovered)))
        metrics.add(Self.folded, [], .unsigned(UInt64(folded.count)))
        let counts = failureCounts()
        for failure in Failure.allCases {
            metrics.add(Self.readFailures, [Label("reason", failure.rawValue)], .unsigned(counts[failure] ?? 0))
        }
        if let capabilities {
            for capability in Self.requirement(options.reader).needed {
                metrics.add(Self.capabilityMissing, [Label("capability", capability.name)],
                            .unsigned(capabilities.has(capability.bit) ? 0 : 1))
            }
        }
    }

    /// The `limit` namespaces with the most sockets (ties by label), and the rest.
    static func rank(_ reads: [NamespaceMetrics], keeping limit: Int)
        -> (kept: ArraySlice<NamespaceMetrics>, folded: ArraySlice<NamespaceMetrics>) {
        let ranked = reads.map { ($0, socketCount($0.metrics)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : ($0.0.namespace.label ?? "") < ($1.0.namespace.label ?? "") }
            .map(\.0)
        return (ranked.prefix(limit), ranked.dropFirst(limit))
    }

    /// How a namespace beyond `--netns.max` is relabelled before it is summed: its name, and the
    /// labels that name processes, ports, addresses and peers, become "other", so the `other` set
    /// has the shape of one namespace however many are folded into it.
    static let folding = ["netns": "other", "process": "other", "port": "other", "address": "other",
                          "peer": "other", "user": "other"]

    /// TCP, UDP and unix sockets: what `--netns.max` ranks namespaces by.
    static func socketCount(_ metrics: MetricSet) -> Double {
        metrics.total("netstat_tcp_sockets") + metrics.total("netstat_udp_sockets") + metrics.total("netstat_unix_sockets")
    }
}
