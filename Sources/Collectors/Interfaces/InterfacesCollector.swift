import Exposition
import ProcNet
import Flags
import Namespaces

/// Interface counters (netstat -i) from /proc/net/dev, with link state, MTU, speed and address
/// from sysfs (`<sysfs>/class/net/<device>/`).
///
/// /proc/net/dev is required. sysfs is optional per attribute: a device without a sysfs entry
/// (no sysfs mounted, another network namespace's view, an attribute the driver rejects with
/// EINVAL as `lo` does for speed) simply lacks those series.
public struct InterfacesCollector: PerNamespaceCollector {
    public static let descriptor = CollectorDescriptor(
        name: "interfaces",
        help: "Interface counters, link state, MTU and speed (netstat -i).",
        families: families,
        flags: [
            .value("collector.interfaces.device-include", default: "",
                   help: "Regular expression (anchored) of devices to export; empty for all."),
            .value("collector.interfaces.device-exclude", default: "",
                   help: "Regular expression (anchored) of devices not to export; empty for none."),
        ]
    ) { flags, _ throws(FlagError) in
        InterfacesCollector(devices: try NameFilter(
            include: flags.string("collector.interfaces.device-include"),
            exclude: flags.string("collector.interfaces.device-exclude"),
            flagPrefix: "collector.interfaces.device"))
    }

    let devices: NameFilter

    public init(devices: NameFilter = .all) {
        self.devices = devices
    }

    public func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        let path = namespace.net("dev")
        guard let bytes = report.readRequired(path) else { return }
        var names: [DeviceName] = []
        let summary = NetDevTable.parse(bytes) { device in
            guard devices.allows(device.name) else { return }
            names.append(device.device)
            let label = [Label("device", device.name)]
            for (counter, family) in zip(NetDevCounter.allCases, Self.counters) {
                metrics.add(family, label, .unsigned(device[counter]))
            }
        }
        report.record(summary, path: path)
        guard let sysfs = namespace.sysfs else { return }
        for name in names {
            collectSysfs(device: name, sysfs: sysfs, into: &metrics, report: &report)
        }
    }

    /// The sysfs attributes of `device`, read from the directory its bytes name (a name need not
    /// be UTF-8; its label escapes what is not).
    func collectSysfs(device: DeviceName, sysfs: String, into metrics: inout MetricSet, report: inout CollectorReport) {
        // A device name never holds "/" (dev_valid_name); one from a malformed file must not
        // lead the reads outside class/net.
        guard device.isPathComponent else { return }
        let directory = Array((sysfs + "/class/net/").utf8) + device.bytes
        guard ProcFile.isDirectory(bytes: directory) else { return }
        func attribute(_ name: String) -> String? {
            try? ProcFile.readAttribute(bytes: directory + Array(("/" + name).utf8))
        }
        func number(_ name: String) -> UInt64? {
            guard let text = attribute(name) else { return nil }
            // The kernel reports an unknown speed as -1: no data, not malformed.
            if text == "-1" { return nil }
            guard let value = UInt64(text) else {
                report.skipFile("\(sysfs)/class/net/\(device.label)/\(name): not a number: \"\(text)\"")
                return nil
            }
            return value
        }

        let label = [Label("device", device.label)]
        let operstate = attribute("operstate")
        if let operstate {
            metrics.add(Self.up, label, .unsigned(operstate == "up" ? 1 : 0))
        }
        if let mtu = number("mtu") {
            metrics.add(Self.mtu, label, .unsigned(mtu))
        }
        if let speed = number("speed"), speed <= UInt64.max / 125_000 {
            metrics.add(Self.speed, label, .unsigned(speed * 125_000))
        }
        metrics.add(Self.info, label + [Label("address", attribute("address") ?? ""),
                                        Label("operstate", operstate ?? ""), Label("duplex", attribute("duplex") ?? "")],
                    .unsigned(1))
    }
}

extension InterfacesCollector {
    public static let families: [MetricDeclaration] = counters + [up, mtu, speed, info]

    /// The /proc/net/dev counters, one family each, in the file's column order.
    static let counters: [MetricDeclaration] = NetDevCounter.allCases.map(counterFamily)

    private static func counterFamily(_ counter: NetDevCounter) -> MetricDeclaration {
        let (name, help, source): (String, String, String) = switch counter {
        case .receiveBytes: ("receive_bytes", "Bytes received (/proc/net/dev receive bytes).", "/proc/net/dev receive `bytes`")
        case .receivePackets: ("receive_packets", "Packets received (netstat -i RX-OK).", "receive `packets` (netstat RX-OK)")
        case .receiveErrors: ("receive_errors", "Receive errors (netstat -i RX-ERR).", "receive `errs` (RX-ERR)")
        case .receiveDropped:
            ("receive_dropped", "Received packets dropped or missed (netstat -i RX-DRP).", "receive `drop`: dropped + missed (RX-DRP)")
        case .receiveFIFOErrors: ("receive_fifo_errors", "Receive FIFO overruns (netstat -i RX-OVR).", "receive `fifo` (RX-OVR)")
        case .receiveFrameErrors:
            ("receive_frame_errors", "Receive length, overrun, CRC and frame alignment errors (the frame column).",
             "receive `frame`: length + overrun + CRC + frame errors")
        case .receiveCompressed: ("receive_compressed", "Compressed packets received.", "receive `compressed`")
        case .receiveMulticast: ("receive_multicast", "Multicast packets received.", "receive `multicast`")
        case .transmitBytes: ("transmit_bytes", "Bytes transmitted (/proc/net/dev transmit bytes).", "transmit `bytes`")
        case .transmitPackets: ("transmit_packets", "Packets transmitted (netstat -i TX-OK).", "transmit `packets` (TX-OK)")
        case .transmitErrors: ("transmit_errors", "Transmit errors (netstat -i TX-ERR).", "transmit `errs` (TX-ERR)")
        case .transmitDropped: ("transmit_dropped", "Packets dropped on transmit (netstat -i TX-DRP).", "transmit `drop` (TX-DRP)")
        case .transmitFIFOErrors: ("transmit_fifo_errors", "Transmit FIFO underruns (netstat -i TX-OVR).", "transmit `fifo` (TX-OVR)")
        case .transmitCollisions: ("transmit_collisions", "Collisions on transmit.", "transmit `colls`")
        case .transmitCarrierErrors:
            ("transmit_carrier_errors", "Transmit carrier, aborted, window and heartbeat errors (the carrier column).",
             "transmit `carrier`: carrier + aborted + window + heartbeat errors")
        case .transmitCompressed: ("transmit_compressed", "Compressed packets transmitted.", "transmit `compressed`")
        }
        return .counter("netstat_interface_" + name + "_total", help: help, labels: ["device"], source: source)
    }

    static let up = MetricDeclaration.gauge(
        "netstat_interface_up", help: "1 when the interface's operstate is up, else 0.", labels: ["device"],
        source: "1 when sysfs `operstate` is `up`, else 0 (`lo` reports `unknown`: 0)")
    static let mtu = MetricDeclaration.gauge(
        "netstat_interface_mtu_bytes", help: "The interface's MTU in bytes.", labels: ["device"], source: "sysfs `mtu`")
    static let speed = MetricDeclaration.gauge(
        "netstat_interface_speed_bytes", help: "The link speed in bytes per second (sysfs speed in Mbit/s × 125000).",
        labels: ["device"], source: "sysfs `speed` (Mbit/s) × 125000; absent when -1 or unreadable")
    static let info = MetricDeclaration.gauge(
        "netstat_interface_info",
        help: "Constant 1, labelled by the interface's hardware address, operstate and duplex.",
        labels: ["device", "address", "operstate", "duplex"],
        source: "constant 1; sysfs `address`, `operstate`, `duplex` (empty when unreadable); absent without a sysfs entry")
}
