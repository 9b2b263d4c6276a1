import Foundation
import Flags
import ProcNet
import Testing
import TestSupport
import Exposition
@testable import Collectors

@Suite struct InterfacesCollectorTests {
    /// A procfs with the procfs fixture's net/dev and a sysfs where eth0 has every attribute,
    /// docker0 reports speed -1, vethf345468 has no speed or duplex file, and lo has no entry.
    static func makeTree(dev: String? = nil) throws -> URL {
        let root = try Fixtures.temporaryDirectory("interfaces")
        let devText = try dev ?? String(contentsOfFile: Fixtures.path("procfs/proc/net/dev"), encoding: .utf8)
        try Fixtures.write(devText, to: "proc/net/dev", in: root)
        let attributes: [(String, [String: String])] = [
            ("eth0", ["operstate": "up", "mtu": "1500", "speed": "1000", "address": "52:54:00:12:34:56",
                      "duplex": "full"]),
            ("docker0", ["operstate": "down", "mtu": "1500", "speed": "-1", "address": "02:42:ac:11:00:01",
                         "duplex": "unknown"]),
            ("vethf345468", ["operstate": "up", "mtu": "9000", "address": "9a:0b:00:00:00:01"]),
        ]
        for (device, files) in attributes {
            for (name, value) in files {
                try Fixtures.write(value + "\n", to: "sys/class/net/\(device)/\(name)", in: root)
            }
        }
        return root
    }

    static func collect(_ collector: InterfacesCollector, _ paths: ProcPaths) -> (MetricSet, CollectorReport) {
        CollectorRun.once(collector, paths: paths)
    }

    static func paths(_ root: URL) -> ProcPaths {
        ProcPaths(procfs: root.appendingPathComponent("proc").path, sysfs: root.appendingPathComponent("sys").path)
    }

    @Test func exportsTheCountersOfEveryDevice() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let (metrics, report) = Self.collect(InterfacesCollector(), Self.paths(root))
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(metrics.renderedSeries("netstat_interface_receive_bytes_total") == [
            "netstat_interface_receive_bytes_total{device=\"docker0\"} 2568",
            "netstat_interface_receive_bytes_total{device=\"eth0\"} 874354587",
            "netstat_interface_receive_bytes_total{device=\"lo\"} 1664039048",
            "netstat_interface_receive_bytes_total{device=\"vethf345468\"} 648",
        ])
        #expect(metrics.renderedSeries("netstat_interface_transmit_packets_total") == [
            "netstat_interface_transmit_packets_total{device=\"docker0\"} 5",
            "netstat_interface_transmit_packets_total{device=\"eth0\"} 732147",
            "netstat_interface_transmit_packets_total{device=\"lo\"} 1566805",
            "netstat_interface_transmit_packets_total{device=\"vethf345468\"} 5",
        ])
        #expect(metrics.families["netstat_interface_transmit_packets_total"]?.type == .counter)
        let counterFamilies = metrics.families.keys.filter { $0.hasSuffix("_total") }
        #expect(counterFamilies.count == 16)
    }

    @Test func mapsEachColumnToItsMetric() throws {
        let dev = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
              eth9: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16

            """
        let root = try Self.makeTree(dev: dev)
        defer { try? FileManager.default.removeItem(at: root) }
        let (metrics, _) = Self.collect(InterfacesCollector(), Self.paths(root))
        let names = [
            "receive_bytes", "receive_packets", "receive_errors", "receive_dropped", "receive_fifo_errors",
            "receive_frame_errors", "receive_compressed", "receive_multicast", "transmit_bytes", "transmit_packets",
            "transmit_errors", "transmit_dropped", "transmit_fifo_errors", "transmit_collisions",
            "transmit_carrier_errors", "transmit_compressed",
        ]
        for (index, name) in names.enumerated() {
            #expect(metrics.value("netstat_interface_\(name)_total", [Label("device", "eth9")]) == .unsigned(UInt64(index + 1)))
        }
    }

    @Test func readsLinkStateMTUSpeedAndAddressFromSysfs() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let (metrics, report) = Self.collect(InterfacesCollector(), Self.paths(root))
        #expect(report.succeeded)
        #expect(metrics.renderedSeries("netstat_interface_up") == [
            "netstat_interface_up{device=\"docker0\"} 0",
            "netstat_interface_up{device=\"eth0\"} 1",
            "netstat_interface_up{device=\"vethf345468\"} 1",
        ])
        #expect(metrics.renderedSeries("netstat_interface_mtu_bytes") == [
            "netstat_interface_mtu_bytes{device=\"docker0\"} 1500",
            "netstat_interface_mtu_bytes{device=\"eth0\"} 1500",
            "netstat_interface_mtu_bytes{device=\"vethf345468\"} 9000",
        ])
        #expect(metrics.renderedSeries("netstat_interface_speed_bytes") == [
            "netstat_interface_speed_bytes{device=\"eth0\"} 125000000",
        ])
        #expect(metrics.renderedSeries("netstat_interface_info") == [
            "netstat_interface_info{device=\"docker0\",address=\"02:42:ac:11:00:01\",operstate=\"down\",duplex=\"unknown\"} 1",
            "netstat_interface_info{device=\"eth0\",address=\"52:54:00:12:34:56\",operstate=\"up\",duplex=\"full\"} 1",
            "netstat_interface_info{device=\"vethf345468\",address=\"9a:0b:00:00:00:01\",operstate=\"up\",duplex=\"\"} 1",
        ])
    }

    @Test func readsTheLiveLoopbackFromSysfs() throws {
        let (metrics, report) = Self.collect(
            InterfacesCollector(devices: try NameFilter(include: "lo", exclude: nil, flagPrefix: "test")), ProcPaths())
        #expect(report.succeeded)
        let lo = [Label("device", "lo")]
        #expect(metrics.value("netstat_interface_up", lo) == .unsigned(0))
        #expect(metrics.value("netstat_interface_mtu_bytes", lo) == .unsigned(65536))
        #expect(metrics.families["netstat_interface_speed_bytes"] == nil)
        #expect(metrics.renderedSeries("netstat_interface_info") == [
            "netstat_interface_info{device=\"lo\",address=\"00:00:00:00:00:00\",operstate=\"unknown\",duplex=\"\"} 1",
        ])
        #expect(metrics.renderedSeries("netstat_interface_receive_bytes_total").count == 1)
    }

    /// A device whose name is not UTF-8 (the capture in debian12/proc-nonutf8-ifname: bytes ff fe,
    /// then "veth") keeps its sysfs series: the directory is named by the name's bytes, the label
    /// escapes them.
    @Test func readsTheSysfsOfANameThatIsNotUTF8() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(try Fixtures.bytes("debian12/proc-nonutf8-ifname/net/dev"))
            .write(to: root.appendingPathComponent("proc/net/dev"))
        // Foundation names files with Strings, which cannot hold these bytes: the shell's printf can.
        let script = #"d="$1/sys/class/net/$(printf '\377\376veth')"; mkdir -p "$d" && echo 1400 > "$d/mtu" "#
            + #"&& echo up > "$d/operstate" && echo 02:00:00:00:00:aa > "$d/address""#
        try Shell.require(Shell.run(["sh", "-c", script, "sh", root.path]), "sh")
        let (metrics, report) = Self.collect(InterfacesCollector(), Self.paths(root))
        #expect(report.succeeded)
        #expect(report.skippedLines == 0)
        #expect(metrics.renderedSeries("netstat_interface_mtu_bytes") == [
            #"netstat_interface_mtu_bytes{device="\\xff\\xfeveth"} 1400"#,
        ])
        #expect(metrics.renderedSeries("netstat_interface_up") == [#"netstat_interface_up{device="\\xff\\xfeveth"} 1"#])
        #expect(metrics.renderedSeries("netstat_interface_info") == [
            #"netstat_interface_info{device="\\xff\\xfeveth",address="02:00:00:00:00:aa",operstate="up",duplex=""} 1"#,
        ])
        #expect(metrics.value("netstat_interface_receive_bytes_total", [Label("device", "\\xff\\xfeveth")])
                == .unsigned(266))
    }

    @Test func countsANonNumericMTUAndKeepsTheRest() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        try Fixtures.write("lots\n", to: "sys/class/net/eth0/mtu", in: root)
        let (metrics, report) = Self.collect(InterfacesCollector(), Self.paths(root))
        #expect(report.succeeded)
        #expect(report.skippedLines == 1)
        #expect(metrics.value("netstat_interface_mtu_bytes", [Label("device", "eth0")]) == nil)
        #expect(metrics.value("netstat_interface_up", [Label("device", "eth0")]) == .unsigned(1))
    }

    @Test func failsWithoutProcNetDevAndSkipsMalformedRows() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = ProcPaths(procfs: root.appendingPathComponent("nowhere").path, sysfs: root.path)
        let (none, failed) = Self.collect(InterfacesCollector(), missing)
        #expect(!failed.succeeded)
        #expect(failed.failures == ["\(missing.proc("net/dev")): no such file"])
        #expect(none.families.isEmpty)

        let text = try String(contentsOfFile: Fixtures.path("procfs/proc/net/dev"), encoding: .utf8)
        let broken = text + "  eth1: 1 2 3\n" + "  eth2: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n"
        try Fixtures.write(broken, to: "proc/net/dev", in: root)
        let (metrics, report) = Self.collect(InterfacesCollector(), Self.paths(root))
        #expect(report.succeeded)
        #expect(report.skippedLines == 2)
        #expect(report.firstSkip == "\(Self.paths(root).proc("net/dev")): line 7: malformed device row")
        #expect(metrics.renderedSeries("netstat_interface_receive_bytes_total").count == 4)

        try Fixtures.write("", to: "proc/net/dev", in: root)
        let (empty, emptyReport) = Self.collect(InterfacesCollector(), Self.paths(root))
        #expect(emptyReport.succeeded)
        #expect(emptyReport.skippedLines == 1)
        #expect(empty.families.isEmpty)
    }

    func make(_ arguments: [String], root: URL) throws -> InterfacesCollector {
        let descriptor = InterfacesCollector.descriptor
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: descriptor.flags) else {
            throw FlagError("no flags")
        }
        return try #require(try descriptor.make(flags, Self.paths(root)) as? InterfacesCollector)
    }

    @Test func narrowsDevicesByTheIncludeAndExcludeFlags() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        func devices(_ arguments: [String]) throws -> [String] {
            let (metrics, _) = Self.collect(try make(arguments, root: root), Self.paths(root))
            return (metrics.families["netstat_interface_receive_bytes_total"]?.samples ?? [])
                .map { $0.labels[0].value }.sorted()
        }
        #expect(try devices([]) == ["docker0", "eth0", "lo", "vethf345468"])
        #expect(try devices(["--collector.interfaces.device-include=eth.*|lo"]) == ["eth0", "lo"])
        // Anchored: "eth" alone matches no device whole.
        #expect(try devices(["--collector.interfaces.device-include=eth"]) == [])
        #expect(try devices(["--collector.interfaces.device-exclude=veth.*|docker.*"]) == ["eth0", "lo"])
        #expect(try devices(["--collector.interfaces.device-include=.*eth.*",
                             "--collector.interfaces.device-exclude=veth.*"]) == ["eth0"])
        let (metrics, _) = Self.collect(try make(["--collector.interfaces.device-exclude=eth0"], root: root), Self.paths(root))
        #expect(metrics.value("netstat_interface_speed_bytes", [Label("device", "eth0")]) == nil)
        #expect(metrics.families["netstat_interface_speed_bytes"] == nil)
    }

    @Test func rejectsAnInvalidDeviceRegexAtStartUp() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: FlagError("--collector.interfaces.device-include: invalid regular expression \"eth(\"")) {
            try make(["--collector.interfaces.device-include=eth("], root: root)
        }
        #expect(throws: FlagError("--collector.interfaces.device-exclude: invalid regular expression \"[\"")) {
            try make(["--collector.interfaces.device-exclude=["], root: root)
        }
    }

}
