import Foundation
import Testing
import TestSupport

/// Started where /proc is not mounted (a private mount namespace with /proc unmounted): the flags
/// are still seen (argv is saved before main, not read from /proc/self/cmdline, which
/// `CommandLine.arguments` reads), and the exporter stops with one line naming /proc instead of
/// running with default flags or with every collector failing.
@Suite struct WithoutProcTests {
    /// The binary of `build` run with `arguments` in a mount namespace of its own where /proc is
    /// unmounted (lazily: the test runner's own /proc is untouched).
    func runWithoutProc(_ build: ExporterBuild, _ arguments: [String]) throws -> Shell.Result {
        let command = (["exec", try build.binary()] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try Shell.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                              "umount -l /proc && test ! -e /proc/self && " + command], timeout: 20)
    }

    /// Both builds: the release one links the Swift runtime statically, and its argv must be
    /// saved all the same.
    @Test(arguments: ExporterBuild.allCases)
    func exitsWithOneLineNamingProc(build: ExporterBuild) throws {
        let result = try runWithoutProc(build, ["--web.listen-address=127.0.0.1:0"])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("level=ERROR"), "\(result.stderr)")
        #expect(result.stderr.contains("/proc is not mounted (/proc/self/cmdline: No such file or directory)"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Listening on"))
    }

    /// The flags are the ones given: a bad one is named, --version answers, --log.format applies.
    @Test(arguments: ExporterBuild.allCases)
    func theFlagsAreSeenWithoutProc(build: ExporterBuild) throws {
        let bogus = try runWithoutProc(build, ["--web.listen-address=127.0.0.1:0", "--bogus"])
        #expect(bogus.status == 1)
        #expect(bogus.stderr.contains("unknown flag --bogus"), "\(bogus.stderr)")

        let version = try runWithoutProc(build, ["--version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.hasPrefix("netstat_exporter, version "), "\(version.stdout)")

        let json = try runWithoutProc(build, ["--log.format=json", "--web.listen-address=127.0.0.1:0"])
        #expect(json.status == 1)
        #expect(json.stderr.hasPrefix("{") && json.stderr.contains("\"/proc is not mounted"), "\(json.stderr)")
    }
}
