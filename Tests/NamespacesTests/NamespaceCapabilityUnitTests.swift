import Exposition
import Foundation
@testable import Namespaces
import ProcNet
import Testing
import TestSupport

/// What `--netns.all` needs of the exporter's capabilities, what it logs once at start when one is
/// missing, and the `netstat_netns_capability_missing` series that say which, on a fixture procfs
/// whose `self/status` holds the effective set.
@Suite struct NamespaceCapabilityUnitTests {
    static let ptrace: UInt64 = 1 << 19
    static let admin: UInt64 = 1 << 21

    static func mode(effective: UInt64?, reader: NamespaceOptions.Reader = .auto) throws -> (NamespaceMode, URL) {
        let root = try Fixtures.temporaryDirectory("netns-caps")
        if let effective {
            let hex = String(effective, radix: 16)
            let padded = String(repeating: "0", count: 16 - hex.count) + hex
            try Fixtures.write("Name:\tnetstat_exporte\nCapEff:\t\(padded)\n", to: "self/status", in: root)
        }
        return (NamespaceMode(options: NamespaceOptions(enabled: true, reader: reader), procfs: root.path), root)
    }

    static func missing(_ mode: NamespaceMode) -> [String: MetricValue?] {
        var metrics = MetricSet()
        mode.write([], discovered: 0, into: &metrics)
        return Dictionary(uniqueKeysWithValues: ["CAP_SYS_PTRACE", "CAP_SYS_ADMIN"].map { name in
            (name, metrics.value("netstat_netns_capability_missing", [Label("capability", name)]))
        })
    }

    @Test func withoutCapabilitiesTheSetnsReaderMissesBothAndTheWarningSaysWhatIsLost() throws {
        let (mode, root) = try Self.mode(effective: 0, reader: .setns)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(Self.missing(mode) == ["CAP_SYS_PTRACE": .unsigned(1), "CAP_SYS_ADMIN": .unsigned(1)])
        #expect(mode.startupWarning == "--netns.all will miss namespaces: missing capabilities CAP_SYS_PTRACE,"
                + " CAP_SYS_ADMIN; namespaces of other users' processes are not found (CAP_SYS_PTRACE), setns is"
                + " refused, so namespaces are read through /proc/<pid>/net: those with no process the exporter can"
                + " see are skipped as unreachable and netstat_tcp_listen_queue_max is absent (CAP_SYS_ADMIN);"
                + " netstat_netns_capability_missing says which. Grant CAP_SYS_PTRACE and CAP_SYS_ADMIN (systemd:"
                + " AmbientCapabilities=CAP_SYS_PTRACE CAP_SYS_ADMIN) to complete it.")
    }

    @Test func eachCapabilityIsReportedOnItsOwn() throws {
        for (effective, ptrace, admin) in [(Self.ptrace, 0, 1), (Self.admin, 1, 0), (Self.ptrace | Self.admin, 0, 0)] {
            let (mode, root) = try Self.mode(effective: effective, reader: .setns)
            defer { try? FileManager.default.removeItem(at: root) }
            #expect(Self.missing(mode) == ["CAP_SYS_PTRACE": .unsigned(UInt64(ptrace)),
                                           "CAP_SYS_ADMIN": .unsigned(UInt64(admin))])
            #expect((mode.startupWarning == nil) == (ptrace == 0 && admin == 0))
        }
    }

    /// The /proc reader never calls setns, and `auto` without CAP_SYS_ADMIN is the /proc reader
    /// by choice (the shipped DaemonSet): CAP_SYS_ADMIN is neither needed nor reported.
    @Test(arguments: [NamespaceOptions.Reader.proc, .auto])
    func otherReadersNeedOnlyPtrace(reader: NamespaceOptions.Reader) throws {
        let (mode, root) = try Self.mode(effective: Self.ptrace, reader: reader)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(Self.missing(mode) == ["CAP_SYS_PTRACE": .unsigned(0), "CAP_SYS_ADMIN": nil])
        #expect(mode.startupWarning == nil)
        let (without, other) = try Self.mode(effective: 0, reader: reader)
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(Self.missing(without) == ["CAP_SYS_PTRACE": .unsigned(1), "CAP_SYS_ADMIN": nil])
        let warning = without.startupWarning ?? ""
        #expect(warning.hasPrefix("--netns.all will miss namespaces: missing capabilities CAP_SYS_PTRACE;"), "\(warning)")
        #expect(!warning.contains("CAP_SYS_ADMIN"), "\(warning)")
    }

    /// No status file to read (a fixture procfs without `self`): nothing is claimed either way.
    @Test func unknownCapabilitiesExportNothingAndLogNothing() throws {
        let (mode, root) = try Self.mode(effective: nil)
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(Self.missing(mode) == ["CAP_SYS_PTRACE": nil, "CAP_SYS_ADMIN": nil])
        #expect(mode.startupWarning == nil)
    }
}
