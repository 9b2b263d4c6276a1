import Foundation
import Testing
import TestSupport

/// `make deb`: prometheus-netstat-exporter_<version>-1_amd64.deb from the release build
/// (packaging/debian/). The test builds it, reads it with dpkg-deb, runs lintian (no errors), and
/// installs it with `dpkg -i` in a clean bookworm root that mmdebstrap makes (minbase, with the
/// package's Depends and systemd, whose units `systemd-analyze verify --root` needs): the
/// netstat-exporter user, the service enabled and the socket not, the units verified, the
/// installed binary run as that user with the unit's ExecStart and the ARGS of
/// /etc/default/prometheus-netstat-exporter and scraped, then `dpkg --purge` leaves the root as it
/// was, but for the netstat-exporter user and group, which the package keeps (packaging/debian/postrm).
/// mmdebstrap needs a Debian mirror; when none answers, the test is cancelled and says so.
/// About 45 s (make deb 15 s, mmdebstrap 18 s, lintian 5 s); serialized, and everything it
/// starts runs in a network namespace and a root of its own.
@Suite(.serialized) struct DebianPackageTests {
    static let root = Fixtures.repositoryRoot.path
    static let package = "prometheus-netstat-exporter"
    static let user = "netstat-exporter"
    /// What the build and the test run; `make deps` (and so `make test`) installs them all.
    static let missingTools = ["dpkg-deb", "dpkg-shlibdeps", "dpkg-parsechangelog", "help2man", "chrpath", "lintian",
                               "mmdebstrap", "systemd-analyze", "chroot", "ip", "curl"].filter { !Shell.has($0) }
    /// The package's own files (dpkg-deb --contents, regular files only), besides the Grafana
    /// dashboards, which are every JSON file in dashboards/grafana.
    static let files: Set<String> = [
        "/usr/bin/prometheus-netstat-exporter",
        "/lib/systemd/system/prometheus-netstat-exporter.service",
        "/lib/systemd/system/prometheus-netstat-exporter.socket",
        "/etc/default/prometheus-netstat-exporter",
        "/usr/share/man/man1/prometheus-netstat-exporter.1.gz",
        "/usr/share/doc/prometheus-netstat-exporter/copyright",
        "/usr/share/doc/prometheus-netstat-exporter/changelog.Debian.gz",
        "/usr/share/doc/prometheus-netstat-exporter/examples/RUNBOOK.md",
        "/usr/share/doc/prometheus-netstat-exporter/examples/prometheus/rules.yml",
        "/usr/share/doc/prometheus-netstat-exporter/examples/prometheus/thresholds.yml",
        "/usr/share/doc/prometheus-netstat-exporter/examples/web-config.example.yml",
    ]

    @Test(.enabled(if: missingTools.isEmpty, "missing \(missingTools.joined(separator: ", ")): `make deps` installs them"),
          .timeLimit(.minutes(5)))
    func makeDebBuildsAPackageThatInstallsRunsAndPurgesCleanly() throws {
        let binary = try ExporterBuild.releaseBinary()
        let versionLine = try Shell.run([binary, "--version"]).stdout
        let version = try #require(versionLine.split(separator: " ").dropFirst(2).first.map(String.init))
        let directory = try Fixtures.temporaryDirectory("deb")
        defer { Self.remove(directory) }

        let make = try Shell.run(["make", "-C", Self.root, "-o", "release", "deb", "BINARY=\(binary)",
                                  "DEB_DIR=\(directory.path)/out"], timeout: 240)
        try #require(make.status == 0, "\(make.stdout)\(make.stderr)")
        let deb = directory.path + "/out/\(Self.package)_\(version)-1_amd64.deb"
        try #require(FileManager.default.fileExists(atPath: deb), "\(make.stdout)")

        let depends = try Self.checkArchive(deb, version: version)
        try Self.checkLintian(deb)

        let chroot = directory.appendingPathComponent("root").path
        try Self.bootstrap(chroot, including: depends + ["systemd"])
        let before = try Self.snapshot(chroot)
        let accountsBefore = try Self.accounts(chroot)

        try FileManager.default.copyItem(atPath: deb, toPath: chroot + "/tmp/package.deb")
        let install = try Shell.run(["chroot", chroot, "dpkg", "-i", "/tmp/package.deb"], timeout: 60)
        try FileManager.default.removeItem(atPath: chroot + "/tmp/package.deb")
        try #require(install.status == 0, "dpkg -i: \(install.stdout)\(install.stderr)")
        let verifyFiles = try Shell.run(["chroot", chroot, "dpkg", "--verify", Self.package])
        #expect(verifyFiles.status == 0 && verifyFiles.stdout.isEmpty, "dpkg --verify: \(verifyFiles.stdout)\(verifyFiles.stderr)")

        let (uid, gid) = try Self.checkUserAndEnablement(chroot)
        try Self.checkUnits(chroot)
        try Self.runInstalledBinary(chroot, uid: uid, gid: gid, versionLine: versionLine, version: version,
                                    directory: directory)

        let purge = try Shell.run(["chroot", chroot, "dpkg", "--purge", Self.package], timeout: 60)
        try #require(purge.status == 0, "dpkg --purge: \(purge.stdout)\(purge.stderr)")
        let after = try Self.snapshot(chroot)
        #expect(after.subtracting(before).sorted() == [], "left behind after purge")
        #expect(before.subtracting(after).sorted() == [], "missing after purge")
        // The user and group stay (postrm): one line more in each account file, nothing else.
        let accountsAfter = try Self.accounts(chroot)
        for (file, lines) in accountsAfter.sorted(by: { $0.key < $1.key }) {
            let old = accountsBefore[file] ?? []
            #expect(lines.filter { !$0.hasPrefix(Self.user + ":") } == old, "/etc/\(file) changed beyond the kept user")
            #expect(lines.filter { $0.hasPrefix(Self.user + ":") }.count == 1, "/etc/\(file): \(lines.suffix(3))")
        }
    }

    /// dpkg-deb --info and --contents: the control fields, scripts, conffile and files; the
    /// package names of Depends (what the test root is made with).
    static func checkArchive(_ deb: String, version: String) throws -> [String] {
        let fields = try Shell.require(Shell.run(["dpkg-deb", "--field", deb]), "dpkg-deb --field").stdout
        func field(_ name: String) -> String? {
            fields.split(separator: "\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
        }
        #expect(field("Package") == package)
        #expect(field("Version") == "\(version)-1")
        #expect(field("Architecture") == "amd64")
        let depends = try #require(field("Depends"))
        let names = depends.split(separator: ",").compactMap {
            $0.split(separator: " ").first.map(String.init)
        }
        // What README says the release binary needs, and what the scripts and unit call.
        for name in ["adduser", "procps", "libc6", "libmicrohttpd12", "libgnutls30", "libyaml-0-2", "zlib1g", "libcrypt1"] {
            #expect(names.contains(name), "Depends: \(depends)")
        }
        let info = try Shell.require(Shell.run(["dpkg-deb", "--info", deb]), "dpkg-deb --info").stdout
        for member in ["postinst", "prerm", "postrm", "conffiles", "md5sums"] {
            #expect(info.contains(" \(member) "), "\(member) missing: \(info)")
        }
        let conffiles = try Shell.run(["dpkg-deb", "--info", deb, "conffiles"]).stdout
        #expect(conffiles == "/etc/default/\(package)\n")

        let listing = try Shell.require(Shell.run(["dpkg-deb", "--contents", deb]), "dpkg-deb --contents").stdout
        var regular: [String: String] = [:]  // path: "mode owner"
        for line in listing.split(separator: "\n") where line.hasPrefix("-") {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let path = columns.last, columns.count >= 6 else { continue }
            regular[String(path.dropFirst())] = "\(columns[0]) \(columns[1])"
        }
        let dashboards = try FileManager.default.contentsOfDirectory(atPath: root + "/dashboards/grafana")
            .filter { $0.hasSuffix(".json") }
            .map { "/usr/share/doc/\(package)/examples/grafana/\($0)" }
        #expect(!dashboards.isEmpty)
        #expect(Set(regular.keys) == files.union(dashboards), "\(listing)")
        #expect(regular["/usr/bin/\(package)"] == "-rwxr-xr-x root/root")
        #expect(regular.filter { $0.key != "/usr/bin/\(package)" }.values.allSatisfy { $0 == "-rw-r--r-- root/root" },
                "\(listing)")
        return names
    }

    /// lintian: no errors (its warnings are listed in the commit that made the package).
    static func checkLintian(_ deb: String) throws {
        let lintian = try Shell.run(["lintian", "--no-tag-display-limit", deb], timeout: 120)
        let errors = lintian.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") }
        #expect(errors.isEmpty, "lintian errors:\n\(lintian.stdout)")
        #expect(lintian.status == 0 || !errors.isEmpty, "lintian exited \(lintian.status): \(lintian.stderr)")
    }

    /// A minbase bookworm root with `packages`; cancels the test when no Debian mirror answers.
    static func bootstrap(_ chroot: String, including packages: [String]) throws {
        if let unreachable = try DebianRoot.bootstrap(chroot, including: packages, timeout: 180) {
            try Test.cancel("mmdebstrap could not reach a Debian mirror, so no clean bookworm root to install the package in: \(unreachable)")
        }
    }

    /// Every file and directory of the root with its type, mode and owner (and size, for
    /// regular files), but dpkg's database and logs, /proc and /tmp, /run/adduser (adduser's lock
    /// file: on a booted system /run is a tmpfs) and the sizes of the account files, which
    /// `accounts` compares line by line.
    static func snapshot(_ chroot: String) throws -> Set<String> {
        let find = try Shell.require(Shell.run(["sh", "-c", """
            cd "$1" && find . -xdev \\( -path ./var/lib/dpkg -o -path ./var/log -o -path ./proc -o -path ./tmp \
                -o -path ./run/adduser \\) -prune -o -printf '%y %m %u:%g %s %p\\n'
            """, "sh", chroot], timeout: 60), "find").stdout
        let accountFiles = Set(["passwd", "group", "shadow", "gshadow"].flatMap { ["./etc/\($0)", "./etc/\($0)-"] })
        return Set(find.split(separator: "\n").map { line in
            var columns = line.split(separator: " ", maxSplits: 4).map(String.init)
            if columns.count == 5, columns[0] != "f" || accountFiles.contains(columns[4]) { columns[3] = "-" }
            return columns.joined(separator: " ")
        })
    }

    /// The lines of /etc/passwd, group, shadow and gshadow.
    static func accounts(_ chroot: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for file in ["passwd", "group", "shadow", "gshadow"] {
            result[file] = try String(contentsOfFile: "\(chroot)/etc/\(file)", encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }
        return result
    }

    /// The system user and its group (postinst), the service enabled as deb-systemd-helper does
    /// it and the socket not; the user's uid and gid.
    static func checkUserAndEnablement(_ chroot: String) throws -> (uid: String, gid: String) {
        let passwd = try String(contentsOfFile: chroot + "/etc/passwd", encoding: .utf8)
        let entry = try #require(passwd.split(separator: "\n").first { $0.hasPrefix(user + ":") },
                                 "no \(user) in /etc/passwd")
        let fields = entry.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        try #require(fields.count == 7, "\(entry)")
        let uid = try #require(Int(fields[2]))
        #expect(uid < 1000, "not a system user: \(entry)")
        #expect(fields[5] == "/nonexistent" && fields[6] == "/usr/sbin/nologin", "\(entry)")
        let group = try String(contentsOfFile: chroot + "/etc/group", encoding: .utf8)
        #expect(group.split(separator: "\n").contains { $0.hasPrefix("\(user):x:\(fields[3]):") },
                "no group \(user) with gid \(fields[3])")
        #expect(!FileManager.default.fileExists(atPath: chroot + "/nonexistent"))

        let wants = chroot + "/etc/systemd/system/multi-user.target.wants/\(package).service"
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: wants)) == "/lib/systemd/system/\(package).service")
        #expect((try? FileManager.default.destinationOfSymbolicLink(
            atPath: chroot + "/etc/systemd/system/sockets.target.wants/\(package).socket")) == nil)
        let defaults = try String(contentsOfFile: chroot + "/etc/default/\(package)", encoding: .utf8)
        #expect(defaults.split(separator: "\n").filter { !$0.hasPrefix("#") } == [#"ARGS="""#])
        return (fields[2], fields[3])
    }

    /// The installed units: the directives the package changes, then `systemd-analyze verify`
    /// inside the root (ExecStart, ExecReload's /bin/kill, User=, and Documentation's man page,
    /// which systemd-analyze looks up with man: MANPATH points it at the root's).
    static func checkUnits(_ chroot: String) throws {
        let service = try String(contentsOfFile: chroot + "/lib/systemd/system/\(package).service", encoding: .utf8)
        for directive in ["User=\(user)", "Group=\(user)", "EnvironmentFile=-/etc/default/\(package)",
                          "ExecStart=/usr/bin/\(package) $ARGS", "AmbientCapabilities=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH",
                          "CapabilityBoundingSet=CAP_SYS_PTRACE CAP_DAC_READ_SEARCH", "NoNewPrivileges=yes",
                          "ProtectSystem=strict", "Documentation=man:\(package)(1)"] {
            #expect(service.contains("\n\(directive)\n"), "\(directive)")
        }
        #expect(!service.contains("\nDynamicUser="))
        let verify = try Shell.run(["env", "MANPATH=\(chroot)/usr/share/man", "systemd-analyze", "verify", "--root=\(chroot)",
                                    "\(package).service", "\(package).socket"], timeout: 60)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stderr.isEmpty, "\(verify.stderr)")
    }

    /// The unit's ExecStart as the system user, with ARGS from /etc/default (set here to another
    /// address and telemetry path, so that a scrape proves they were read), in a namespace of the
    /// test's own with /proc mounted in the root: without /proc the Swift runtime sees no
    /// arguments (it reads /proc/self/cmdline).
    static func runInstalledBinary(_ chroot: String, uid: String, gid: String, versionLine: String, version: String,
                                   directory: URL) throws {
        try Data(#"ARGS="--web.listen-address=127.0.0.1:10042 --web.telemetry-path=/netstat""#.utf8)
            .write(to: URL(fileURLWithPath: chroot + "/etc/default/\(package)"))
        let service = try String(contentsOfFile: chroot + "/lib/systemd/system/\(package).service", encoding: .utf8)
        let execStart = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }?.dropFirst(10))
        let output = directory.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        // $ARGS unquoted: split at blanks, as systemd splits a $VARIABLE of ExecStart.
        let script = """
            mount -t proc proc "$1/proc" || exit 99
            chroot --userspec="$2" "$1" /usr/bin/\(package) --version > "$3/version.txt" || exit 98
            . "$1/etc/default/\(package)"
            eval "chroot --userspec=\\"\\$2\\" \\"\\$1\\" $4" 2>"$3/exporter.log" &
            exporter=$!
            status=1
            for attempt in $(seq 1 200); do
                if curl -sf --max-time 5 -o "$3/metrics.txt" http://127.0.0.1:10042/netstat; then status=0; break; fi
                sleep 0.1
            done
            curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:10042/metrics > "$3/metrics-path.txt"
            kill $exporter; wait $exporter
            exit $status
            """
        let namespace = try TestNamespace(prefix: "debpkg")
        defer { namespace.delete() }
        let run = try namespace.run(["sh", "-c", script, "sh", chroot, "\(uid):\(gid)", output, String(execStart)], timeout: 60)
        func read(_ name: String) -> String { (try? String(contentsOfFile: output + "/" + name, encoding: .utf8)) ?? "" }
        try #require(run.status == 0, "no scrape of the installed exporter (\(run.status)): \(run.stderr)\n\(read("exporter.log"))")
        #expect(read("version.txt") == versionLine)
        let metrics = read("metrics.txt").split(separator: "\n")
        #expect(metrics.contains { $0.hasPrefix(#"netstat_exporter_build_info{version="\#(version)","#) && $0.hasSuffix(" 1") })
        #expect(metrics.contains { $0.hasPrefix(#"netstat_scrape_collector_success{collector="sockets"} "#) })
        #expect(read("metrics-path.txt") == "404", "the default path answered: ARGS not used")
        #expect(read("exporter.log").contains("address=127.0.0.1:10042"), "\(read("exporter.log"))")
    }

    /// Removes the test's directory without crossing into another file system (a mount left in
    /// the root by a failed mmdebstrap); what cannot go is reported.
    static func remove(_ directory: URL) {
        let rm = try? Shell.run(["rm", "-rf", "--one-file-system", directory.path], timeout: 120)
        if rm?.status != 0 { Issue.record("could not remove \(directory.path): \(rm?.stderr ?? "")") }
    }
}
