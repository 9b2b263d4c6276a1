#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Exposition
import Logging
import ProcNet
import Synchronization
import Threads

/// The host's network namespaces beyond the exporter's own (`--netns.all`): found afresh every
/// scrape, each labelled, then read one after another on a thread of its own that enters each
/// in turn and ends with the scrape, so nothing inside a namespace is held between scrapes.
/// What a namespace holds is read by the caller's collectors (`readEach`); this type decides
/// which namespaces, how each is reached, and how the results are labelled, ranked and folded.
public final class NamespaceMode: Sendable {
    /// Why a namespace was not read as it should have been (`netstat_netns_read_failures_total`).
    public enum Failure: String, CaseIterable, Sendable {
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
    public struct Candidate: Sendable {
        public var found: NetworkNamespaceDirectory.Found
        public var label: String
        public var cgroup: CgroupPath
    }

    let options: NamespaceOptions
    let procfs: String
    let ownInode: UInt64?
    private let mayEnter: Bool
    /// The exporter's own capabilities, read once at start; nil on a fixture procfs.
    let capabilities: ProcessCapabilities?
    private let failures = Mutex<[Failure: UInt64]>([:])

    public init(options: NamespaceOptions, procfs: String) {
        self.options = options
        self.procfs = procfs
        ownInode = NetworkNamespaceDirectory.ownInode(procfs: procfs)
        // Another namespace's /proc/thread-self/net only exists on the live procfs.
        let live = ProcPaths(procfs: procfs).isLiveProc
        capabilities = ProcessCapabilities.own(procfs: procfs)
        switch options.reader {
        case .proc: mayEnter = false
        case .setns: mayEnter = live
        case .auto: mayEnter = live && (capabilities?.has(ProcessCapabilities.sysAdmin) ?? false)
        }
    }

    /// What the mode needs with `reader`: CAP_SYS_PTRACE to find the namespaces of other users'
    /// processes (/proc/<pid>/ns/net is behind the ptrace access check, and a link the exporter
    /// cannot read leaves that process's namespace unseen); with `--netns.reader=setns`, which
    /// asks for setns(2), CAP_SYS_ADMIN too. `auto` without CAP_SYS_ADMIN reading through
    /// /proc/<pid>/net is that reader's documented choice (the shipped DaemonSet runs so), not
    /// something missing; the namespaces it cannot reach are counted as `unreachable`.
    public static func requirement(_ reader: NamespaceOptions.Reader) -> CapabilityRequirement {
        let feature = "--netns.all will miss namespaces"
        let ptrace = "namespaces of other users' processes are not found (CAP_SYS_PTRACE)"
        let metric = "netstat_netns_capability_missing says which"
        guard reader == .setns else {
            return CapabilityRequirement(feature: feature, needed: [.sysPtrace], consequence: ptrace + "; " + metric)
        }
        let admin = "setns is refused, so namespaces are read through /proc/<pid>/net: those with no process the"
            + " exporter can see are skipped as unreachable and netstat_tcp_listen_queue_max is absent (CAP_SYS_ADMIN)"
        return CapabilityRequirement(feature: feature, needed: [.sysPtrace, .sysAdmin],
                                     consequence: ptrace + ", " + admin + "; " + metric)
    }

    /// The line to log once at start when a capability the mode needs is missing, else nil.
    public var startupWarning: String? {
        capabilities.flatMap(Self.requirement(options.reader).warning)
    }

    /// The exporter's own namespace, with its inode so other namespaces' results never mix with it.
    public func own(_ paths: ProcPaths) -> NetworkNamespace {
        .own(paths, inode: ownInode ?? 0)
    }

    /// Every other namespace the filters allow, labelled: the bind mount's name, else the
    /// container ID in its first process's cgroup (12 digits, as `docker ps` shows), else
    /// `inode:<n>`. A label already taken falls back to the inode.
    public func discover() -> [Candidate] {
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

    /// Reads every candidate with `read` on one new thread, which enters each namespace in turn
    /// when allowed; returns when all are read. A namespace that cannot be reached, or that
    /// `read` leaves incomplete, is counted and left out.
    public func readEach(_ candidates: [Candidate], _ read: (NetworkNamespace) -> NamespaceMetrics) -> [NamespaceMetrics] {
        guard !candidates.isEmpty else { return [] }
        let caller = pthread_self()
        return withoutActuallyEscaping(read) { read in
            let thread = BackgroundThread { [self] in
                // Without a thread of its own (none could be made), the work runs on the
                // caller's, which must never be moved into another namespace.
                let enter = mayEnter && pthread_equal(pthread_self(), caller) == 0
                return candidates.compactMap { candidate -> NamespaceMetrics? in
                    guard let namespace = open(candidate, enter: enter) else { return nil }
                    let result = read(namespace)
                    if !result.complete { count(vanished(namespace.reader) ? .vanished : .unreadable, candidate) }
                    return result
                }
            }
            return thread.join()
        }
    }

    /// Enters the namespace when allowed (the calling thread stays in it until the next one is
    /// entered or the thread ends), else reads it through one of its processes.
    private func open(_ candidate: Candidate, enter: Bool) -> NetworkNamespace? {
        func namespace(_ reader: NetworkNamespace.Reader) -> NetworkNamespace {
            .other(inode: candidate.found.inode, label: candidate.label, reader: reader, procfs: procfs,
                   cgroup: candidate.cgroup)
        }
        if enter, let path = candidate.found.path(procfs: procfs) {
            let code = NetworkNamespaceDirectory.enter(path)
            if code == 0 { return namespace(.entered) }
            if code == ENOENT || code == ESRCH {
                count(.vanished, candidate)
                return nil
            }
            count(.setnsRefused, candidate, errno: code)
        }
        guard let firstPID = candidate.found.pids.first else {
            count(.unreachable, candidate)
            return nil
        }
        return namespace(.process(firstPID))
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

    /// Failures counted since start, by reason.
    func failureCounts() -> [Failure: UInt64] {
        failures.withLock { $0 }
    }
}
