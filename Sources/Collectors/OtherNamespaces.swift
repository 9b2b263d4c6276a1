#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Exposition
import Logging
import ProcNet
import Synchronization

/// The host's network namespaces beyond the exporter's own (`--netns.all`): found afresh every
/// scrape, each read by the same collectors as the exporter's own namespace, on a thread of
/// their own that enters one namespace after another and ends with the scrape, so nothing
/// inside a namespace is held between scrapes.
public final class OtherNamespaces: Sendable {
    /// Why a namespace was not read as it should have been (`netstat_netns_read_failures_total`).
    enum Failure: String, CaseIterable {
        /// Its process exited or its mount went away during the scrape: skipped.
        case vanished
        /// setns(2) refused (no CAP_SYS_ADMIN): read through /proc/<pid>/net instead.
        case setnsRefused = "setns_refused"
        /// No process in it and setns not possible: skipped.
        case unreachable
        /// A required file could not be read for another reason: skipped.
        case unreadable
    }

    /// One namespace found this scrape, with its label and what its processes' cgroups tell.
    struct Candidate {
        var found: NetworkNamespaceDirectory.Found
        var label: String
        var cgroup: CgroupPath
    }

    /// One namespace after its collectors ran.
    struct Read {
        var candidate: Candidate
        var reader: NetworkNamespace.Reader
        var metrics: MetricSet
        var read: Bool
    }

    let options: NamespaceOptions
    let procfs: String
    let ownInode: UInt64?
    private let mayEnter: Bool
    private let failures = Mutex<[Failure: UInt64]>([:])

    public init(options: NamespaceOptions, procfs: String) {
        self.options = options
        self.procfs = procfs
        ownInode = NetworkNamespaceDirectory.ownInode(procfs: procfs)
        // Another namespace's /proc/thread-self/net only exists on the live procfs.
        let live = ProcPaths(procfs: procfs).isLiveProc
        switch options.reader {
        case .proc: mayEnter = false
        case .setns: mayEnter = live
        case .auto: mayEnter = live && (ProcessCapabilities.own(procfs: procfs)?.has(ProcessCapabilities.sysAdmin) ?? false)
        }
    }

    /// The exporter's own namespace, with its inode so other namespaces' results never mix with it.
    func own(_ paths: ProcPaths) -> NetworkNamespace {
        .own(paths, inode: ownInode ?? 0)
    }

    /// Every other namespace the filters allow, labelled: the bind mount's name, else the
    /// container ID in its first process's cgroup (12 digits, as `docker ps` shows), else
    /// `inode:<n>`. A label already taken falls back to the inode.
    func discover() -> [Candidate] {
        var taken: Set<String> = ["other"]
        var candidates: [Candidate] = []
        // The bind mounts are the live host's: a fixture procfs (tests) has none.
        let mounts = ProcPaths(procfs: procfs).isLiveProc ? NetworkNamespaceDirectory.defaultMountDirectories : []
        for found in NetworkNamespaceDirectory.discover(procfs: procfs, own: ownInode, mountDirectories: mounts) {
            // The cgroup file is read only when the label needs it or the namespace is kept.
            var cgroup: CgroupPath?
            func readCgroup() -> CgroupPath {
                if let cgroup { return cgroup }
                let read = found.pids.first
                    .flatMap { try? ProcFile.read(procfs + "/" + String($0) + "/cgroup") }
                    .map(CgroupPath.parse) ?? CgroupPath()
                cgroup = read
                return read
            }
            var label = found.name ?? readCgroup().containerID.map { String($0.prefix(12)) } ?? "inode:\(found.inode)"
            if !taken.insert(label).inserted {
                label = "inode:\(found.inode)"
                taken.insert(label)
            }
            guard options.filter.allows(label) else { continue }
            candidates.append(Candidate(found: found, label: label, cgroup: readCgroup()))
        }
        return candidates
    }

    /// Reads every candidate with every pass on one new thread; returns when all are read.
    func read(_ candidates: [Candidate], passes: [(index: Int, pass: any CollectorPass)],
              timing: CollectorTiming) -> [Read] {
        guard !candidates.isEmpty else { return [] }
        let caller = pthread_self()
        let thread = BackgroundThread { [self] in
            // Without a thread of its own (none could be made), the work runs on the caller's,
            // which must never be moved into another namespace.
            let enter = mayEnter && pthread_equal(pthread_self(), caller) == 0
            return candidates.compactMap { candidate in read(candidate, enter: enter, passes: passes, timing: timing) }
        }
        return thread.join()
    }

    private func read(_ candidate: Candidate, enter: Bool, passes: [(index: Int, pass: any CollectorPass)],
                      timing: CollectorTiming) -> Read? {
        guard let reader = chooseReader(candidate, enter: enter) else { return nil }
        let namespace = NetworkNamespace.other(inode: candidate.found.inode, label: candidate.label,
                                               reader: reader, procfs: procfs)
        var metrics = MetricSet(commonLabels: namespace.commonLabels)
        var failed = false
        for (index, pass) in passes {
            var report = CollectorReport()
            timing.measure(index) { pass.collect(namespace, into: &metrics, report: &report) }
            timing.addSkipped(index, report.skippedLines)
            if !report.succeeded { failed = true }
        }
        if failed { count(vanished(reader) ? .vanished : .unreadable, candidate) }
        return Read(candidate: candidate, reader: reader, metrics: metrics, read: !failed)
    }

    /// Enters the namespace when allowed (the calling thread stays in it until the next one is
    /// entered or the thread ends), else reads it through one of its processes.
    private func chooseReader(_ candidate: Candidate, enter: Bool) -> NetworkNamespace.Reader? {
        let firstPID = candidate.found.pids.first
        if enter, let path = candidate.found.path(procfs: procfs) {
            let code = NetworkNamespaceDirectory.enter(path)
            if code == 0 { return .entered }
            if code == ENOENT || code == ESRCH {
                count(.vanished, candidate)
                return nil
            }
            count(.setnsRefused, candidate, errno: code)
        }
        guard let firstPID else {
            count(.unreachable, candidate)
            return nil
        }
        return .process(firstPID)
    }

    private func vanished(_ reader: NetworkNamespace.Reader) -> Bool {
        guard case .process(let pid) = reader else { return false }
        return access(procfs + "/" + String(pid), F_OK) != 0
    }

    private func count(_ failure: Failure, _ candidate: Candidate, errno code: Int32 = 0) {
        failures.withLock { $0[failure, default: 0] += 1 }
        guard Log.logger.isEnabled(.debug) else { return }
        var fields: [LogField] = [("netns", candidate.label), ("reason", failure.rawValue)]
        if code != 0 { fields.append(("error", Errno.describe(code))) }
        Log.logger.log(.debug, "Network namespace not read as it should be", fields: fields)
    }

    /// Adds the namespaces read to `metrics`: the `--netns.max` with the most sockets under
    /// their own label, the rest summed under `netns="other"`, and what the mode reports of
    /// itself.
    func write(_ reads: [Read], discovered: Int, into metrics: inout MetricSet) {
        let ranked = reads.filter(\.read).map { ($0, Self.socketCount($0.metrics)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.candidate.label < $1.0.candidate.label }
            .map(\.0)
        let kept = ranked.prefix(options.maxLabelled)
        let folded = ranked.dropFirst(options.maxLabelled)
        metrics.declare("netstat_netns_info", .gauge,
                        help: "1 for every network namespace whose series carry its netns label, with the pod UID and container ID its processes' cgroups name.")
        for namespace in kept {
            metrics.merge(namespace.metrics)
            let reader = namespace.reader == .entered ? "setns" : "proc"
            metrics.gauge("netstat_netns_info", help: "", labels: [
                Label("netns", namespace.candidate.label), Label("inode", String(namespace.candidate.found.inode)),
                Label("pod_uid", namespace.candidate.cgroup.podUID ?? ""),
                Label("container_id", namespace.candidate.cgroup.containerID ?? ""), Label("reader", reader),
            ], .unsigned(1))
        }
        if !folded.isEmpty {
            var other = MetricSet()
            for namespace in folded { other.mergeSumming(namespace.metrics.relabelled(Self.folding)) }
            metrics.merge(other)
        }
        metrics.gauge("netstat_netns_discovered",
                      help: "Network namespaces found this scrape besides the exporter's own, after --netns.include/--netns.exclude.",
                      .unsigned(UInt64(discovered)))
        metrics.gauge("netstat_netns_folded",
                      help: "Namespaces beyond --netns.max whose series were summed under netns=\"other\" this scrape.",
                      .unsigned(UInt64(folded.count)))
        let counts = failures.withLock { $0 }
        for failure in Failure.allCases {
            metrics.counter("netstat_netns_read_failures_total",
                            help: "Namespaces not read as they should have been since start, by reason: vanished, unreachable and unreadable ones were skipped for that scrape; setns_refused ones were read through /proc/<pid>/net.",
                            labels: [Label("reason", failure.rawValue)], .unsigned(counts[failure] ?? 0))
        }
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

/// Time and skipped lines per collector, summed over the namespaces of one scrape (read on
/// another thread, hence the lock).
final class CollectorTiming: Sendable {
    private let lock = Mutex<([Duration], [UInt64])>(([], []))

    init(count: Int) {
        lock.withLock { $0 = (Array(repeating: .zero, count: count), Array(repeating: 0, count: count)) }
    }

    func measure(_ index: Int, _ work: () -> Void) {
        let clock = ContinuousClock()
        let started = clock.now
        work()
        let elapsed = clock.now - started
        lock.withLock { $0.0[index] += elapsed }
    }

    func addSkipped(_ index: Int, _ lines: UInt64) {
        lock.withLock { $0.1[index] += lines }
    }

    func duration(_ index: Int) -> Duration { lock.withLock { $0.0[index] } }
    func skipped(_ index: Int) -> UInt64 { lock.withLock { $0.1[index] } }
}
