import Exposition
import ProcNet

/// Interface counters (netstat -i) from /proc/net/dev, with link state, MTU, speed and address
/// from sysfs (`<sysfs>/class/net/<device>/`).
///
/// /proc/net/dev is required. sysfs is optional per attribute: a device without a sysfs entry
/// (no sysfs mounted, another network namespace's view, an attribute the driver rejects with
/// EINVAL as `lo` does for speed) simply lacks those series.
public struct InterfacesCollector: Collector {
    public static let descriptor = CollectorDescriptor(
        name: "interfaces",
        help: "Interface counters, link state, MTU and speed (netstat -i).",
        flags: [
            .value("collector.interfaces.device-include", default: "",
                   help: "Regular expression (anchored) of devices to export; empty for all."),
            .value("collector.interfaces.device-exclude", default: "",
                   help: "Regular expression (anchored) of devices not to export; empty for none."),
        ]
    ) { flags, paths throws(FlagError) in
        InterfacesCollector(paths: paths, devices: try NameFilter(
            include: flags.string("collector.interfaces.device-include"),
            exclude: flags.string("collector.interfaces.device-exclude"),
            flagPrefix: "collector.interfaces.device"))
    }

    public let paths: ProcPaths
    let devices: NameFilter

    public init(paths: ProcPaths, devices: NameFilter = .all) {
        self.paths = paths
        self.devices = devices
    }

    public func collect(_ namespace: NetworkNamespace, into metrics: inout MetricSet, report: inout CollectorReport) {
        let path = namespace.net("dev")
        guard let bytes = report.readRequired(path) else { return }
        var names: [String] = []
        let summary = NetDevTable.parse(bytes) { device in
            guard devices.allows(device.name) else { return }
            names.append(device.name)
            let label = [Label("device", device.name)]
            for counter in NetDevCounter.allCases {
                metrics.counter(counter.metricName, help: counter.help, labels: label, .unsigned(device[counter]))
            }
        }
        report.record(summary, path: path)
        guard let sysfs = namespace.sysfs else { return }
        for name in names {
            collectSysfs(device: name, sysfs: sysfs, into: &metrics, report: &report)
        }
    }

    func collectSysfs(device: String, sysfs: String, into metrics: inout MetricSet, report: inout CollectorReport) {
        // A device name never holds "/" (dev_valid_name); one from a malformed file must not
        // lead the reads outside class/net.
        guard !device.contains("/"), device != ".", device != ".." else { return }
        let directory = sysfs + "/class/net/" + device
        guard ProcFile.listDirectory(directory) != nil else { return }
        func attribute(_ name: String) -> String? {
            try? ProcFile.readAttribute(directory + "/" + name)
        }
        func number(_ name: String) -> UInt64? {
            guard let text = attribute(name) else { return nil }
            // The kernel reports an unknown speed as -1: no data, not malformed.
            if text == "-1" { return nil }
            guard let value = UInt64(text) else {
                report.skipFile("\(directory)/\(name): not a number: \"\(text)\"")
                return nil
            }
            return value
        }

        let label = [Label("device", device)]
        let operstate = attribute("operstate")
        if let operstate {
            metrics.gauge("netstat_interface_up", help: "1 when the interface's operstate is up, else 0.",
                          labels: label, .unsigned(operstate == "up" ? 1 : 0))
        }
        if let mtu = number("mtu") {
            metrics.gauge("netstat_interface_mtu_bytes", help: "The interface's MTU in bytes.", labels: label,
                          .unsigned(mtu))
        }
        if let speed = number("speed"), speed <= UInt64.max / 125_000 {
            metrics.gauge("netstat_interface_speed_bytes",
                          help: "The link speed in bytes per second (sysfs speed in Mbit/s × 125000).",
                          labels: label, .unsigned(speed * 125_000))
        }
        metrics.gauge("netstat_interface_info",
                      help: "Constant 1, labelled by the interface's hardware address, operstate and duplex.",
                      labels: label + [Label("address", attribute("address") ?? ""),
                                       Label("operstate", operstate ?? ""),
                                       Label("duplex", attribute("duplex") ?? "")],
                      .unsigned(1))
    }
}

extension NetDevCounter {
    var metricName: String {
        switch self {
        case .receiveBytes: "netstat_interface_receive_bytes_total"
        case .receivePackets: "netstat_interface_receive_packets_total"
        case .receiveErrors: "netstat_interface_receive_errors_total"
        case .receiveDropped: "netstat_interface_receive_dropped_total"
        case .receiveFIFOErrors: "netstat_interface_receive_fifo_errors_total"
        case .receiveFrameErrors: "netstat_interface_receive_frame_errors_total"
        case .receiveCompressed: "netstat_interface_receive_compressed_total"
        case .receiveMulticast: "netstat_interface_receive_multicast_total"
        case .transmitBytes: "netstat_interface_transmit_bytes_total"
        case .transmitPackets: "netstat_interface_transmit_packets_total"
        case .transmitErrors: "netstat_interface_transmit_errors_total"
        case .transmitDropped: "netstat_interface_transmit_dropped_total"
        case .transmitFIFOErrors: "netstat_interface_transmit_fifo_errors_total"
        case .transmitCollisions: "netstat_interface_transmit_collisions_total"
        case .transmitCarrierErrors: "netstat_interface_transmit_carrier_errors_total"
        case .transmitCompressed: "netstat_interface_transmit_compressed_total"
        }
    }

    var help: String {
        switch self {
        case .receiveBytes: "Bytes received (/proc/net/dev receive bytes)."
        case .receivePackets: "Packets received (netstat -i RX-OK)."
        case .receiveErrors: "Receive errors (netstat -i RX-ERR)."
        case .receiveDropped: "Received packets dropped or missed (netstat -i RX-DRP)."
        case .receiveFIFOErrors: "Receive FIFO overruns (netstat -i RX-OVR)."
        case .receiveFrameErrors: "Receive length, overrun, CRC and frame alignment errors (the frame column)."
        case .receiveCompressed: "Compressed packets received."
        case .receiveMulticast: "Multicast packets received."
        case .transmitBytes: "Bytes transmitted (/proc/net/dev transmit bytes)."
        case .transmitPackets: "Packets transmitted (netstat -i TX-OK)."
        case .transmitErrors: "Transmit errors (netstat -i TX-ERR)."
        case .transmitDropped: "Packets dropped on transmit (netstat -i TX-DRP)."
        case .transmitFIFOErrors: "Transmit FIFO underruns (netstat -i TX-OVR)."
        case .transmitCollisions: "Collisions on transmit."
        case .transmitCarrierErrors: "Transmit carrier, aborted, window and heartbeat errors (the carrier column)."
        case .transmitCompressed: "Compressed packets transmitted."
        }
    }
}
