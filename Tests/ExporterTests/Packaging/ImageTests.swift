import Foundation
import Testing
import TestSupport

/// `make image`: an OCI image FROM scratch with the exporter binary, exactly the shared libraries
/// `ldd` lists for it and the dynamic loader, tagged with the version. This test checks the
/// image's contents: it builds it with buildah (vfs, in storage of its own), takes the pushed
/// archive apart with tar, and runs the binary from the unpacked root filesystem with chroot.
/// PodmanTests runs the same image in a real container runtime, as the DaemonSet runs it.
@Suite(.serialized) struct ImageTests {
    static let root = Fixtures.repositoryRoot.path

    /// The release binary (`make test` builds it first); the debug build when it is missing, whose
    /// ldd list is longer (the Swift runtime) — the image must hold exactly that list either way.
    static var binary: String {
        let release = root + "/.build/release/netstat_exporter"
        return FileManager.default.isExecutableFile(atPath: release) ? release : RunningExporter.binary
    }

    /// The files `ldd` resolves for `binary`, and the loader; the vDSO has no file.
    static func sharedLibraries(of binary: String) throws -> Set<String> {
        let ldd = try Shell.run(["ldd", binary])
        #expect(ldd.status == 0, "\(ldd.stderr)")
        return Set(ldd.stdout.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.count >= 3, fields[1] == "=>", fields[2].hasPrefix("/") { return fields[2] }
            if let first = fields.first, first.hasPrefix("/") { return first }
            return nil
        })
    }

    @Test(.timeLimit(.minutes(5)))
    func makeImageBuildsAScratchImageThatRunsFromItsUnpackedRoot() throws {
        let binary = Self.binary
        let directory = try Fixtures.temporaryDirectory("deploy-image")
        defer { try? FileManager.default.removeItem(at: directory) }
        let buildah = "buildah --storage-driver=vfs --root \(directory.path)/storage --runroot \(directory.path)/run"
        let versionLine = try Shell.run([binary, "--version"]).stdout
        let version = try #require(versionLine.split(separator: " ").dropFirst(2).first.map(String.init))

        let make = try Shell.run(["make", "-C", Self.root, "-o", "release", "image", "BINARY=\(binary)",
                                  "IMAGE_CONTEXT=\(directory.path)/context", "BUILDAH=\(buildah)"], timeout: 240)
        try #require(make.status == 0, "\(make.stdout)\(make.stderr)")
        let images = try Shell.run(["sh", "-c", "\(buildah) images --format '{{.Name}}:{{.Tag}}'"])
        #expect(images.stdout.split(separator: "\n").contains("localhost/netstat-exporter:\(version)"), "\(images.stdout)")
        let archive = directory.appendingPathComponent("image.tar").path
        let push = try Shell.run(["sh", "-c", "\(buildah) push --quiet netstat-exporter:\(version) oci-archive:\(archive)"],
                                 timeout: 120)
        try #require(push.status == 0, "\(push.stderr)")

        let image = try OCIImageArchive(unpacking: archive, into: directory)
        #expect(image.layerCount == 1)
        #expect(image.config["Entrypoint"] as? [String] == ["/bin/netstat_exporter"])
        #expect((image.config["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["10042/tcp"])
        #expect((image.config["Labels"] as? [String: String])?["org.opencontainers.image.version"] == version)

        // Exactly the binary, its libraries and the loader: no shell, no /etc, nothing else.
        let libraries = try Self.sharedLibraries(of: binary)
        #expect(libraries.contains { $0.hasSuffix("/libc.so.6") })
        #expect(libraries.contains { $0.contains("/ld-linux") })
        #expect(libraries.contains { $0.hasSuffix("/libmicrohttpd.so.12") })
        #expect(image.regularFiles() == libraries.union(["/bin/netstat_exporter"]))
        #expect(FileManager.default.contentsEqual(atPath: binary, andPath: image.rootfs.path + "/bin/netstat_exporter"))

        // Everything from the image runs in a namespace of the test's own, with /proc mounted in
        // the root as a container runtime would: without /proc the Swift runtime sees no
        // command-line arguments (it reads /proc/self/cmdline), and the exporter would start with
        // its defaults. `ip netns exec` gives the mount a private mount namespace.
        let namespace = try TestNamespace(prefix: "deployimg")
        defer { namespace.delete() }
        let chrootVersion = try Self.run(in: image, namespace: namespace, "timeout 20 chroot \"$1\" /bin/netstat_exporter --version")
        #expect(chrootVersion.status == 0, "\(chrootVersion.stderr)")
        #expect(chrootVersion.stdout == versionLine)

        try Self.scrapeFixtureProcfs(in: image, namespace: namespace, directory: directory, version: version)
    }

    /// Runs `script` with `sh -c` inside `namespace`, `$1` the image's root with /proc mounted.
    static func run(in image: OCIImageArchive, namespace: TestNamespace, _ script: String,
                    arguments: [String] = [], timeout: Double = 60) throws -> Shell.Result {
        let mounted = #"mkdir -p "$1/proc" && mount -t proc proc "$1/proc" || exit 99"# + "\n" + script
        return try namespace.run(["sh", "-c", mounted, "sh", image.rootfs.path] + arguments, timeout: timeout)
    }

    /// The fixture procfs copied into the unpacked root and the exporter pointed at it;
    /// scraped with curl from outside the chroot.
    static func scrapeFixtureProcfs(in image: OCIImageArchive, namespace: TestNamespace, directory: URL,
                                    version: String) throws {
        try FileManager.default.copyItem(atPath: Fixtures.path("procfs/proc"), toPath: image.rootfs.path + "/procfs")
        let metrics = directory.appendingPathComponent("metrics.txt").path
        let log = directory.appendingPathComponent("exporter.log").path
        // At most 100 attempts 0.1 s apart for the exporter to answer; then it is stopped.
        let script = """
            chroot "$1" /bin/netstat_exporter --path.procfs=/procfs --path.sysfs=/sysfs \
                --web.listen-address=127.0.0.1:10042 2>"$3" &
            exporter=$!
            status=1
            for attempt in $(seq 1 100); do
                if curl -sf --max-time 5 -o "$2" http://127.0.0.1:10042/metrics; then status=0; break; fi
                sleep 0.1
            done
            kill $exporter; wait $exporter
            exit $status
            """
        let scrape = try run(in: image, namespace: namespace, script, arguments: [metrics, log])
        let exporterLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        try #require(scrape.status == 0, "no scrape from the chrooted exporter: \(scrape.stderr)\n\(exporterLog)")
        let lines = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").map(String.init)
        func sample(_ series: String) -> String? {
            lines.first { $0.hasPrefix(series + " ") }.map { String($0.dropFirst(series.count + 1)) }
        }
        // The fixture's counts (the same the MetricsEndpointTests read from it outside the image).
        #expect(sample(#"netstat_tcp_sockets{family="ipv4",state="listen"}"#) == "3")
        #expect(sample(#"netstat_udp_sockets{family="ipv4"}"#) == "3")
        #expect(sample(#"netstat_unix_sockets{type="stream",state="connected"}"#) == "2")
        #expect(sample(#"netstat_scrape_collector_success{collector="sockets"}"#) == "1")
        #expect(lines.contains { $0.hasPrefix(#"netstat_exporter_build_info{version="\#(version)","#) && $0.hasSuffix(" 1") })
    }
}
