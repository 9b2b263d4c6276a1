import ProcNet
import SockDiagMessages

/// Every parser the exporter feeds with bytes it does not control: the /proc/net tables,
/// /proc/<pid>/stat and the netlink sock_diag datagrams. Each body parses the input and checks
/// the promises the collectors rely on (counts add up, names are valid metric-name parts, every
/// address renders), so a wrong answer is found as well as a crash.
enum FuzzTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "inet-socket-table") { bytes in
            var delivered = 0
            let summary = InetSocketTable.parse(bytes) { socket in
                delivered += 1
                require(socket.localAddress.isIPv6 == socket.remoteAddress.isIPv6, "mixed families \(socket)")
                requireRenders(socket.localAddress)
                requireRenders(socket.remoteAddress)
                _ = TCPState(kernelValue: socket.state)
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: delivered)
        },
        FuzzTarget(name: "net-dev-table") { bytes in
            var delivered = 0
            let summary = NetDevTable.parse(bytes) { device in
                delivered += 1
                require(!device.name.isEmpty, "a device without a name")
                require(device.counters.count == NetDevCounter.allCases.count, "\(device.counters.count) counters")
                _ = device[.transmitCompressed]
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: delivered)
        },
        FuzzTarget(name: "route-table") { bytes in
            var delivered = 0
            let summary = RouteTable.parse(bytes) { route in
                delivered += 1
                require(!route.destination.isIPv6 && !route.gateway.isIPv6 && !route.mask.isIPv6, "IPv6 in \(route)")
                requireRenders(route.destination)
                requireRenders(route.gateway)
                _ = route.isDefault
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: delivered)
        },
        FuzzTarget(name: "ipv6-route-table") { bytes in
            var delivered = 0
            let summary = IPv6RouteTable.parse(bytes) { route in
                delivered += 1
                require(route.destinationPrefixLength <= 128 && route.sourcePrefixLength <= 128, "prefix in \(route)")
                requireRenders(route.destination)
                requireRenders(route.nextHop)
                _ = (route.isDefault, route.isKernelNullEntry, route.isLocalTableEntry)
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: delivered)
        },
        FuzzTarget(name: "snmp-table") { bytes in
            let (statistics, summary) = SNMPTable.parse(bytes)
            statistics.forEach { requireValidNames($0) }
            // A parsed pair takes two lines, a skip at least one.
            require(2 * summary.parsed + summary.skipped <= lineCount(bytes), "\(summary)")
            requireConsistent(summary, lines: lineCount(bytes), delivered: 0, perLine: false)
        },
        FuzzTarget(name: "snmp6-table") { bytes in
            let (statistics, summary) = SNMP6Table.parse(bytes)
            for statistic in statistics {
                requireValidNames(statistic)
                require(statistic.section.hasSuffix("6"), "section \(statistic.section) without its 6")
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: statistics.count)
        },
        FuzzTarget(name: "sockstat-table") { bytes in
            let (statistics, summary) = SockstatTable.parse(bytes)
            statistics.forEach { requireValidNames($0) }
            requireConsistent(summary, lines: lineCount(bytes), delivered: 0, perLine: false)
            require(summary.parsed + summary.skipped <= lineCount(bytes), "\(summary)")
        },
        FuzzTarget(name: "unix-socket-table") { bytes in
            var delivered = 0
            let summary = UnixSocketTable.parse(bytes) { socket in
                delivered += 1
                _ = (socket.kind.description, socket.state.description)
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: delivered)
        },
        FuzzTarget(name: "process-stat") { bytes in
            // The reader hands the parser a buffer and the length read; try the whole input and
            // a prefix cut at a position the input itself chooses.
            _ = ProcessStat.parse(bytes)
            let cut = bytes.first.map { Int($0) * bytes.count / 256 } ?? 0
            let prefix = Array(bytes.prefix(cut))
            require(ProcessStat.parse(bytes, length: cut) == ProcessStat.parse(prefix),
                    "parsing \(cut) of \(bytes.count) bytes reads past the length")
            _ = BootTime.parse(bytes)
        },
        FuzzTarget(name: "sock-diag-messages") { bytes in
            // Decode under the sequence number of the first message, so its datagrams count.
            let sequence = bytes.count >= 12
                ? UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24 : 0
            var sockets = 0
            let outcome = SockDiagMessages.decode(bytes, length: bytes.count, sequence: sequence) { socket in
                sockets += 1
                requireRenders(socket.localAddress)
                requireRenders(socket.remoteAddress)
            }
            // An inet_diag message is at least 88 bytes, so no more sockets than that allows.
            require(sockets <= bytes.count / 88, "\(sockets) sockets from \(bytes.count) bytes")
            // A length past the buffer is clamped, never read beyond.
            let clamped = SockDiagMessages.decode(bytes, length: bytes.count + 4096, sequence: sequence) { _ in }
            require(clamped == outcome, "\(clamped) after \(outcome) with an overlong length")
        },
        // What --netns.all reads of a process: its cgroup path (container ID, pod UID), its
        // ns/net link (the namespace inode) and CapEff (may it setns?). One input feeds all three.
        FuzzTarget(name: "process-identity") { bytes in
            let path = CgroupPath.parse(bytes)
            if let id = path.containerID {
                require(id.utf8.count == 64 && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) },
                        "container ID \(id)")
            }
            if let uid = path.podUID {
                require(uid.utf8.count == 36 && uid.utf8.filter { $0 == 0x2d }.count == 4, "pod UID \(uid)")
            }
            if let inode = NamespaceLink.inode(bytes) {
                require(bytes.starts(with: Array("net:[".utf8)) && bytes.last == 0x5d, "inode \(inode) from no link")
            }
            if let capabilities = ProcessCapabilities.parse(bytes) {
                _ = capabilities.has(ProcessCapabilities.sysAdmin)
            }
        },
    ]
}

/// The text form of an address, as the collectors put it in labels, is never empty.
func requireRenders(_ address: IPAddress) {
    require(!address.description.isEmpty, "an address without text")
}

/// Statistic sections and fields become metric names: ASCII letters, digits and `_`, starting
/// with a letter, at most 128 bytes.
func requireValidNames(_ statistic: ProtocolStatistic) {
    for name in [statistic.section, statistic.field] {
        let utf8 = Array(name.utf8)
        require(!utf8.isEmpty && utf8.count <= 128, "name of \(utf8.count) bytes")
        let isLetter = { (byte: UInt8) in (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7a }
        require(isLetter(utf8[0]), "\(name) does not start with a letter")
        require(utf8.allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f }, "\(name) is not a name")
    }
}
