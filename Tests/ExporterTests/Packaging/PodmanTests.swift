import Foundation
import Testing
import TestSupport

/// The `make image` image under a real container runtime (podman, runc), run as
/// packaging/kubernetes/daemonset.yaml runs it: host PID and network namespaces, read-only root,
/// every capability dropped but SYS_PTRACE and DAC_READ_SEARCH, no new privileges, the host's
/// /proc and /sys mounted read-only under /host, `--netns.all`. Next to it, three workload
/// containers, each in a network namespace of its own, and a two-container pod (the second
/// container joins the first's network namespace, as a pod's containers share the pause
/// container's), all under kubelet-shaped cgroup parents `/kubepods/besteffort/pod<uid>`. Each
/// workload holds a known socket population (`workloadScript`, a python3 program); one scrape must
/// report it exactly, per namespace and per process, with `netstat_netns_info` naming podman's
/// container IDs and the pod UIDs the test chose.
///
/// Podman runs in storage of the test's own (vfs, under a temporary directory) with the cgroupfs
/// manager and runc (crun refuses this machine's cgroup layout), ulimits lowered to the machine's.
/// The workload image is a `podman import` of an `mmdebstrap --variant=minbase bookworm` tarball
/// with python3-minimal, cached for the day under the temporary directory. The exporter is
/// limited to the test's namespaces with `--netns.include` (the host holds other tests'
/// namespaces too, and `--netns.max` would fold the smallest): the one flag the DaemonSet does not
/// pass.
///
/// Cancelled (a visible skip) only when podman cannot start a container at all (probed once, with
/// the exporter image's `--version`), or when no Debian mirror answers for the workload image.
@Suite(.serialized) struct PodmanTests {
    static let root = Fixtures.repositoryRoot.path
    static let missingTools = ["podman", "runc", "buildah", "mmdebstrap", "curl", "python3"].filter { !Shell.has($0) }

    /// One workload: `role` (both, server, client) of `workloadScript`, whose process
    /// is named `name` and holds `keep` established connections to `port` and `close` connections
    /// the server side closed (CLOSE_WAIT at the client, orphaned FIN_WAIT2 at the server).
    struct Workload {
        let role: String
        let name: String
        let port: Int
        let keep: Int
        let close: Int
    }

    /// A podman of the test's own: its storage under `directory`, its run state in a directory
    /// of its own with a short name (podman refuses a runroot of more than 50 characters).
    struct Podman {
        let directory: URL
        let runroot = "/tmp/nspod-" + UUID().uuidString.prefix(8).lowercased()

        var base: [String] {
            ["podman", "--root", directory.path + "/storage", "--runroot", runroot,
             "--storage-driver=vfs", "--cgroup-manager=cgroupfs", "--runtime=runc", "--events-backend=file"]
        }

        func run(_ arguments: [String], timeout: Double = 120) throws -> Shell.Result {
            try Shell.run(base + arguments, timeout: timeout)
        }

        /// Runs `arguments` and returns its stdout trimmed; a failure throws with stderr.
        @discardableResult
        func require(_ arguments: [String], timeout: Double = 120) throws -> String {
            let result = try run(arguments, timeout: timeout)
            guard result.status == 0 else {
                throw Shell.Failure(description: "podman \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
            }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Every container, pod and image of this storage, then the storage itself.
        func removeEverything() {
            _ = try? run(["rm", "--all", "--force", "--time", "0"])
            _ = try? run(["pod", "rm", "--all", "--force"])
            _ = try? run(["rmi", "--all", "--force"])
            try? FileManager.default.removeItem(at: directory)
            try? FileManager.default.removeItem(atPath: runroot)
        }
    }

    static let limits = ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"]

    @Test(.enabled(if: missingTools.isEmpty, "missing \(missingTools.joined(separator: ", ")): `make deps` installs them"),
          .timeLimit(.minutes(5)))
    func theImageRunAsTheDaemonSetReportsThreeContainersAndATwoContainerPodExactly() throws {
        let started = Date()
        let binary = try ExporterBuild.releaseBinary()
        let directory = try Fixtures.temporaryDirectory("podman")
        let podman = Podman(directory: directory)
        // The pod cgroups podman makes under the cgroup parents stay when their containers go.
        var podUIDs: [String] = []
        defer {
            podman.removeEverything()
            Self.removePodCgroups(podUIDs)
        }

        // The exporter image: `make image` in buildah storage of the test's own, pushed to an OCI
        // archive and loaded into podman.
        let buildah = "buildah --storage-driver=vfs --root \(directory.path)/buildah --runroot \(directory.path)/buildah-run"
        defer { _ = try? Shell.run(["sh", "-c", "\(buildah) rmi --all --force"]) }
        let versionLine = try Shell.run([binary, "--version"]).stdout
        let version = try #require(versionLine.split(separator: " ").dropFirst(2).first.map(String.init))
        let make = try Shell.run(["make", "-C", Self.root, "-o", "release", "image", "BINARY=\(binary)",
                                  "IMAGE_CONTEXT=\(directory.path)/context", "BUILDAH=\(buildah)"], timeout: 240)
        try #require(make.status == 0, "\(make.stdout)\(make.stderr)")
        let archive = directory.path + "/exporter.tar"
        let push = try Shell.run(["sh", "-c", "\(buildah) push --quiet netstat-exporter:\(version) oci-archive:\(archive)"],
                                 timeout: 120)
        try #require(push.status == 0, "\(push.stderr)")
        let loaded = try podman.require(["load", "--quiet", "--input", archive])
        let exporterImage = try #require(loaded.split(separator: ":").last.map(String.init), "podman load: \(loaded)")

        // The probe: the one place a failure is a skip.
        let probe = try podman.run(["run", "--rm", "--network=none"] + Self.limits + [exporterImage, "--version"], timeout: 60)
        if probe.status != 0 {
            try Test.cancel("podman (cgroupfs, runc) cannot start a container here: \(probe.stderr.suffix(400))")
        }
        #expect(probe.stdout == versionLine)

        let debian = try Self.workloadImage(podman)
        let script = try Self.installWorkloadScript(in: directory)

        // Three containers, each in a network namespace of its own (--network=none: loopback
        // only) and in a pod cgroup of its own.
        let singles = (0..<3).map { Workload(role: "both", name: "wl\($0)", port: 8000 + $0, keep: $0 + 1, close: 2 * $0 + 2) }
        var containers: [(workload: Workload, id: String, podUID: String)] = []
        for workload in singles {
            let podUID = UUID().uuidString.lowercased()
            podUIDs.append(podUID)
            let id = try Self.start(workload, podman: podman, image: debian, script: script, podUID: podUID, network: "none")
            containers.append((workload, id, podUID))
        }
        // The pod: a server, then a client in the server's network namespace, both in one pod cgroup.
        let podUID = UUID().uuidString.lowercased()
        podUIDs.append(podUID)
        let server = Workload(role: "server", name: "podsrv", port: 9000, keep: 4, close: 5)
        let client = Workload(role: "client", name: "podcli", port: 9000, keep: 4, close: 5)
        let serverID = try Self.start(server, podman: podman, image: debian, script: script, podUID: podUID,
                                      network: "none", waitForReady: false)
        let clientID = try Self.start(client, podman: podman, image: debian, script: script, podUID: podUID,
                                      network: "container:\(serverID)")
        try Self.waitForReady(serverID, podman: podman)

        // The pod's namespace is labelled after the container of its first (lowest) pid.
        let pids = try [serverID, clientID].map { id in
            try #require(Int(podman.require(["inspect", "--format", "{{.State.Pid}}", id])), "no pid for \(id)")
        }
        let podLabelID = pids[0] < pids[1] ? serverID : clientID
        for id in containers.map(\.id) + [serverID, clientID] {
            let cgroup = try String(contentsOfFile: "/proc/\(try podman.require(["inspect", "--format", "{{.State.Pid}}", id]))/cgroup",
                                    encoding: .utf8)
            #expect(cgroup.contains("/kubepods/besteffort/pod"), "\(id): \(cgroup)")
        }

        // The exporter, as the DaemonSet runs it, on a free port of the host's network.
        let port = try Self.freePort()
        let include = (containers.map(\.id) + [serverID, clientID]).map { String($0.prefix(12)) }.joined(separator: "|")
        let exporterID = try podman.require(
            ["run", "--detach", "--pid=host", "--network=host", "--read-only", "--cap-drop=ALL",
             "--cap-add=SYS_PTRACE", "--cap-add=DAC_READ_SEARCH", "--security-opt=no-new-privileges"] + Self.limits
                + ["--volume=/proc:/host/proc:ro,rslave", "--volume=/sys:/host/sys:ro,rslave", exporterImage,
                   "--web.listen-address=127.0.0.1:\(port)", "--path.procfs=/host/proc", "--path.sysfs=/host/sys",
                   "--netns.all", "--netns.include=\(include)"])
        var response: CurlResponse?
        _ = waitUntil(timeout: 20, interval: 0.2) {
            response = try? CurlResponse.get(["http://127.0.0.1:\(port)/metrics"], timeout: 25)
            return response?.status == 200
        }
        let logs = (try? podman.run(["logs", exporterID]))?.stderr ?? ""
        let scraped = try #require(response, "the exporter container never answered: \(logs)")
        try #require(scraped.status == 200, "status \(scraped.status): \(logs)")
        let scrape = ScrapedMetrics(scraped.text)

        // The exporter container itself: as the DaemonSet's securityContext says.
        let inspect = try podman.require(["inspect", "--format",
                                          "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.PidMode}} {{.HostConfig.NetworkMode}} {{.EffectiveCaps}}",
                                          exporterID])
        #expect(inspect == "true host host [CAP_DAC_READ_SEARCH CAP_SYS_PTRACE]", "\(inspect)")

        // Every namespace read, none folded, none failed.
        #expect(scrape["netstat_netns_discovered"] == 4)
        #expect(scrape["netstat_netns_folded"] == 0)
        for reason in ["vanished", "unreachable", "unreadable", "setns_refused"] {
            #expect(scrape["netstat_netns_read_failures_total{reason=\"\(reason)\"}"] == 0, "\(reason)")
        }

        var observed: [String] = []
        for (workload, id, podUID) in containers {
            let label = String(id.prefix(12))
            let p = workload.port
            Self.check(scrape, label: label, containerID: id, podUID: podUID, listener: (p, workload.name),
                       closeWait: workload.close, established: 2 * workload.keep, connections: [
                           Self.series("established", "inbound", p, workload.name, label): Double(workload.keep),
                           Self.series("established", "outbound", p, workload.name, label): Double(workload.keep),
                           Self.series("close_wait", "outbound", p, workload.name, label): Double(workload.close),
                           Self.series("fin_wait2", "inbound", p, "-", label): Double(workload.close),
                       ])
            observed.append("\(label) pod \(podUID): close_wait \(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"close_wait\",netns=\"\(label)\"}"] ?? -1)")
        }
        let podLabel = String(podLabelID.prefix(12))
        Self.check(scrape, label: podLabel, containerID: podLabelID, podUID: podUID, listener: (9000, "podsrv"),
                   closeWait: 5, established: 8, connections: [
                       Self.series("established", "inbound", 9000, "podsrv", podLabel): 4,
                       Self.series("established", "outbound", 9000, "podcli", podLabel): 4,
                       Self.series("close_wait", "outbound", 9000, "podcli", podLabel): 5,
                       Self.series("fin_wait2", "inbound", 9000, "-", podLabel): 5,
                   ])
        // The pod's other container has no namespace of its own, so no label.
        let otherID = podLabelID == serverID ? clientID : serverID
        #expect(scrape.matching("netstat_netns_info", ["netns=\"\(otherID.prefix(12))\""]).isEmpty)
        observed.append("\(podLabel) pod \(podUID): close_wait \(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"close_wait\",netns=\"\(podLabel)\"}"] ?? -1)")
        print("PodmanTests: \(observed.joined(separator: "; ")); \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    static func series(_ state: String, _ direction: String, _ port: Int, _ process: String, _ netns: String) -> String {
        "netstat_tcp_connections{state=\"\(state)\",direction=\"\(direction)\",port=\"\(port)\",process=\"\(process)\",netns=\"\(netns)\"}"
    }

    /// One namespace's series: its info, its listener, its close_wait and established socket
    /// counts, and exactly `connections` among its `netstat_tcp_connections` series.
    static func check(_ scrape: ScrapedMetrics, label: String, containerID: String, podUID: String,
                      listener: (port: Int, process: String), closeWait: Int, established: Int,
                      connections: [String: Double]) {
        let info = scrape.matching("netstat_netns_info", ["netns=\"\(label)\""])
        #expect(info.count == 1, "\(label): \(info)")
        let key = info.keys.first ?? ""
        #expect(key.contains("container_id=\"\(containerID)\""), "\(key)")
        #expect(key.contains("pod_uid=\"\(podUID)\""), "\(key)")
        #expect(key.contains("reader=\"proc\""), "\(key)")
        #expect(scrape["netstat_sockets_attribution_complete{netns=\"\(label)\"}"] == 1, "\(label)")
        #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"close_wait\",netns=\"\(label)\"}"] == Double(closeWait), "\(label)")
        #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"established\",netns=\"\(label)\"}"] == Double(established), "\(label)")
        #expect(scrape["netstat_tcp_sockets{family=\"ipv4\",state=\"listen\",netns=\"\(label)\"}"] == 1, "\(label)")
        #expect(scrape["netstat_tcp_listener_info{address=\"127.0.0.1\",port=\"\(listener.port)\",process=\"\(listener.process)\",netns=\"\(label)\"}"] == 1,
                "\(label)")
        let actual = scrape.matching("netstat_tcp_connections", ["netns=\"\(label)\""]).filter { $0.value != 0 }
        #expect(actual == connections, "\(label)")
    }

    /// Starts `workload` detached under `/kubepods/besteffort/pod<podUID>` and (unless told not
    /// to) waits for it to print `ready`; returns podman's container ID.
    static func start(_ workload: Workload, podman: Podman, image: String, script: String, podUID: String,
                      network: String, waitForReady: Bool = true) throws -> String {
        // The namespace's owner keeps orphaned FIN_WAIT2 sockets 300 s instead of 60, so the
        // count the test expects holds however slowly the other containers start.
        let sysctl = network == "none" ? ["--sysctl=net.ipv4.tcp_fin_timeout=300"] : []
        let id = try podman.require(
            ["run", "--detach", "--network=\(network)", "--cgroup-parent=/kubepods/besteffort/pod\(podUID)"] + sysctl + limits
                + ["--volume=\(script):/workload.py:ro", image, "python3", "/workload.py", workload.role, workload.name,
                   String(workload.port), String(workload.keep), String(workload.close)])
        try #require(id.count == 64, "podman run printed \(id)")
        if waitForReady { try Self.waitForReady(id, podman: podman) }
        return id
    }

    static func waitForReady(_ id: String, podman: Podman) throws {
        var logs = ""
        let ready = waitUntil(timeout: 30, interval: 0.2) {
            let result = try? podman.run(["logs", id])
            logs = (result?.stdout ?? "") + (result?.stderr ?? "")
            return logs.contains("ready")
        }
        let state = (try? podman.run(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", id]))?.stdout ?? ""
        try #require(ready, "workload \(id.prefix(12)) not ready within 30 s (\(state)): \(logs)")
    }

    /// The workloads' program: `ROLE NAME PORT KEEP CLOSE`. It names its process NAME (comm,
    /// what the exporter's `process` label shows). `server` listens on 127.0.0.1:PORT and accepts
    /// KEEP + CLOSE connections, holding the first KEEP and closing the rest; `client` opens
    /// KEEP + CLOSE connections to it, one after the other (retrying until it listens), and holds
    /// them all, so the last CLOSE end in CLOSE_WAIT; `both` does both in one process. It prints
    /// `ready` when every connection is made, then sleeps.
    static let workloadScript = #"""
        import socket, sys, time
        role, name, port, keep, close = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
        with open("/proc/self/comm", "w") as comm:
            comm.write(name)
        held = []
        if role in ("server", "both"):
            listener = socket.socket()
            listener.bind(("127.0.0.1", port))
            listener.listen(128)
            held.append(listener)
        if role in ("client", "both"):
            for index in range(keep + close):
                for attempt in range(300):
                    try:
                        held.append(socket.create_connection(("127.0.0.1", port)))
                        break
                    except ConnectionRefusedError:
                        if index > 0 or attempt == 299:
                            raise
                        time.sleep(0.1)
        if role in ("server", "both"):
            for index in range(keep + close):
                connection, _ = listener.accept()
                if index < keep:
                    held.append(connection)
                else:
                    connection.close()
        print("ready", flush=True)
        while True:
            time.sleep(3600)
        """#

    static func installWorkloadScript(in directory: URL) throws -> String {
        let path = directory.path + "/workload.py"
        try workloadScript.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Removes `kubepods/besteffort/pod<uid>` and what is left below it (empty cgroups: conmon's)
    /// in every cgroup hierarchy; the shared parents stay, other tests make cgroups below them.
    static func removePodCgroups(_ podUIDs: [String]) {
        guard !podUIDs.isEmpty, let mountinfo = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return }
        let mounts = mountinfo.split(separator: "\n").filter { $0.contains(" - cgroup ") || $0.contains(" - cgroup2 ") }
            .map { String($0.split(separator: " ")[4]) }
        for mount in mounts {
            for uid in podUIDs {
                let pod = "\(mount)/kubepods/besteffort/pod\(uid)"
                guard FileManager.default.fileExists(atPath: pod) else { continue }
                _ = try? Shell.run(["find", pod, "-depth", "-type", "d", "-exec", "rmdir", "{}", ";"])
            }
        }
    }

    /// A port nothing listens on now, on 127.0.0.1.
    static func freePort() throws -> Int {
        let result = try Shell.require(Shell.run(["python3", "-c",
            "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]), "free port")
        return try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// A minbase bookworm with python3-minimal, imported; the mmdebstrap tarball is kept for the
    /// day under the temporary directory (written under another name, then renamed; the previous
    /// days' are removed).
    static func workloadImage(_ podman: Podman) throws -> String {
        let day = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        let tarball = FileManager.default.temporaryDirectory.path + "/netstat-podman-bookworm-python3-minimal-\(day).tar"
        if !FileManager.default.fileExists(atPath: tarball) {
            // Other days' tarballs (never a partial one: another run may be writing it).
            let temporary = FileManager.default.temporaryDirectory.path
            for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
            where name.hasPrefix("netstat-podman-bookworm-python3-minimal-") && !name.contains("-partial-") {
                try? FileManager.default.removeItem(atPath: temporary + "/" + name)
            }
            // mmdebstrap writes a tarball when the name ends in .tar (else a directory).
            let partial = String(tarball.dropLast(4)) + "-partial-\(UUID().uuidString).tar"
            defer { try? FileManager.default.removeItem(atPath: partial) }
            if let unreachable = try DebianRoot.bootstrap(partial, including: ["python3-minimal"]) {
                try Test.cancel("mmdebstrap could not reach a Debian mirror, so no workload image: \(unreachable)")
            }
            if rename(partial, tarball) != 0 && !FileManager.default.fileExists(atPath: tarball) {
                throw Shell.Failure(description: "rename \(partial): errno \(errno)")
            }
        }
        try podman.require(["import", "--quiet", tarball, "localhost/netstat-podman-workload:latest"], timeout: 120)
        return "localhost/netstat-podman-workload:latest"
    }
}
