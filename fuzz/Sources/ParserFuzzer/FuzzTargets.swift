import ProcNet
import SockDiagMessages
import ConntrackMessages

/// Every parser the exporter feeds with bytes it does not control: the /proc/net tables,
/// /proc/<pid>/stat and the netlink sock_diag and ctnetlink datagrams. Each body parses the input and checks
/// the promises the collectors rely on (counts add up, names are valid metric-name parts, every
/// address renders), so a wrong answer is found as well as a crash. Where a parser has a natural
/// oracle, the values are checked too: net/dev, route, snmp, snmp6, sockstat and nf_conntrack output is written back in
/// the file's format and must parse to the same values; each row of the inet and unix socket
/// tables is compared with a reference parse of its columns.
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
            requireAgreesWithReference(bytes)
        },
        FuzzTarget(name: "net-dev-table") { bytes in
            var devices: [NetDevice] = []
            let summary = NetDevTable.parse(bytes) { device in
                devices.append(device)
                require(!device.name.isEmpty, "a device without a name")
                require(device.counters.count == NetDevCounter.allCases.count, "\(device.counters.count) counters")
                _ = device[.transmitCompressed]
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: devices.count)
            // Oracle: the devices written back as /proc/net/dev (names as their bytes, which need
            // not be UTF-8) parse to the same devices.
            var rendered = Array("Inter-|   Receive |  Transmit\n face |bytes    packets\n".utf8)
            for device in devices {
                rendered += device.device.bytes
                rendered += Array((": " + device.counters.map(String.init).joined(separator: " ") + "\n").utf8)
            }
            var again: [NetDevice] = []
            let reparsed = NetDevTable.parse(rendered) { again.append($0) }
            require(again == devices && reparsed.skipped == 0, "rendered \(devices) parse as \(again), \(reparsed)")
        },
        FuzzTarget(name: "route-table") { bytes in
            var routes: [IPv4Route] = []
            let summary = RouteTable.parse(bytes) { route in
                routes.append(route)
                require(!route.destination.isIPv6 && !route.gateway.isIPv6 && !route.mask.isIPv6, "IPv6 in \(route)")
                requireRenders(route.destination)
                requireRenders(route.gateway)
                _ = route.isDefault
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: routes.count)
            // Oracle: the routes written back as /proc/net/route rows parse to the same routes.
            func hex(_ value: UInt32) -> String {
                let digits = String(value, radix: 16, uppercase: true)
                return String(repeating: "0", count: 8 - digits.count) + digits
            }
            func procHex(_ address: IPAddress) -> String {
                guard case .v4(let value) = address else { return "" }
                return hex(value.bigEndian)
            }
            var rendered = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
            for route in routes {
                rendered += [route.device, procHex(route.destination), procHex(route.gateway), hex(route.flags),
                             "0", "0", String(Int32(bitPattern: route.metric)), procHex(route.mask), "0", "0", "0"]
                    .joined(separator: "\t") + "\n"
            }
            var again: [IPv4Route] = []
            let reparsed = RouteTable.parse(Array(rendered.utf8)) { again.append($0) }
            require(again == routes && reparsed.skipped == 0, "rendered \(routes) parse as \(again), \(reparsed)")
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
            // Oracle: the statistics written back as header and value lines (one pair for each
            // run of one section) parse to the same statistics, in the same order.
            var rendered = ""
            var start = statistics.startIndex
            while start < statistics.endIndex {
                let section = statistics[start].section
                let end = statistics[start...].firstIndex { $0.section != section } ?? statistics.endIndex
                let run = statistics[start..<end]
                rendered += section + ": " + run.map(\.field).joined(separator: " ") + "\n"
                rendered += section + ": " + run.map { render($0.value) }.joined(separator: " ") + "\n"
                start = end
            }
            let (again, reparsed) = SNMPTable.parse(Array(rendered.utf8))
            require(again == statistics && reparsed.skipped == 0, "rendered \(statistics) parse as \(again)")
        },
        FuzzTarget(name: "snmp6-table") { bytes in
            let (statistics, summary) = SNMP6Table.parse(bytes)
            for statistic in statistics {
                requireValidNames(statistic)
                require(statistic.section.hasSuffix("6"), "section \(statistic.section) without its 6")
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: statistics.count)
            // Oracle: "<section><field> <value>" lines parse back to the same statistics.
            let rendered = statistics.map { $0.section + $0.field + " " + render($0.value) + "\n" }.joined()
            let (again, reparsed) = SNMP6Table.parse(Array(rendered.utf8))
            require(again == statistics && reparsed.skipped == 0, "rendered \(statistics) parse as \(again)")
        },
        FuzzTarget(name: "sockstat-table") { bytes in
            let (statistics, summary) = SockstatTable.parse(bytes)
            statistics.forEach { requireValidNames($0) }
            requireConsistent(summary, lines: lineCount(bytes), delivered: 0, perLine: false)
            require(summary.parsed + summary.skipped <= lineCount(bytes), "\(summary)")
            // Oracle: each statistic written back as a "PROTO: key value" line parses to itself.
            let rendered = statistics.map { $0.section + ": " + $0.field + " " + render($0.value) + "\n" }.joined()
            let (again, reparsed) = SockstatTable.parse(Array(rendered.utf8))
            require(again == statistics && reparsed.skipped == 0, "rendered \(statistics) parse as \(again)")
        },
        FuzzTarget(name: "conntrack-stat-table") { bytes in
            let (statistics, summary) = ConntrackStatTable.parse(bytes)
            requireConsistent(summary, lines: lineCount(bytes), delivered: statistics?.cpus ?? 0)
            guard let statistics, statistics.cpus > 0 else { return }
            // Oracle: the sums written back as one CPU's row, under the kernel's column names, parse
            // to the same values.
            let counters = ConntrackCounter.allCases.filter { statistics.counters[$0] != nil }
            let header = (["entries"] + counters.map { $0.procColumns[0] }).joined(separator: " ")
            let row = ([statistics.entries ?? 0] + counters.map { statistics.counters[$0]! })
                .map { String($0, radix: 16) }.joined(separator: " ")
            let (again, reparsed) = ConntrackStatTable.parse(Array((header + "\n" + row + "\n").utf8))
            require(again?.counters == statistics.counters && reparsed.skipped == 0,
                    "rendered \(statistics) parse as \(String(describing: again))")
            require(statistics.entries == nil || again?.entries == statistics.entries, "entries \(statistics)")
        },
        FuzzTarget(name: "unix-socket-table") { bytes in
            var delivered = 0
            let summary = UnixSocketTable.parse(bytes) { socket in
                delivered += 1
                _ = (socket.kind.description, socket.state.description)
            }
            requireConsistent(summary, lines: lineCount(bytes), delivered: delivered)
            requireUnixAgreesWithReference(bytes)
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
            var sockets = 0, healthSamples = 0
            let outcome = SockDiagMessages.decode(bytes, length: bytes.count, sequence: sequence) { socket, info in
                sockets += 1
                // A tcp_info is decoded whole or not at all: a present peer window implies the
                // struct reached that far, so its earlier fields were read from the buffer too.
                if let info, info.peerWindow != nil { healthSamples += 1 }
                requireRenders(socket.localAddress)
                requireRenders(socket.remoteAddress)
            }
            // An inet_diag message is at least 88 bytes, so no more sockets than that allows.
            require(sockets <= bytes.count / 88, "\(sockets) sockets from \(bytes.count) bytes")
            // A tcp_info long enough to hold the peer window is a 4-byte attribute header and 232 bytes.
            require(healthSamples <= bytes.count / (88 + 4 + 232), "\(healthSamples) full tcp_infos from \(bytes.count) bytes")
            // A length past the buffer is clamped, never read beyond.
            let clamped = SockDiagMessages.decode(bytes, length: bytes.count + 4096, sequence: sequence) { _, _ in }
            require(clamped == outcome, "\(clamped) after \(outcome) with an overlong length")
        },
        FuzzTarget(name: "conntrack-messages") { bytes in
            let sequence = bytes.count >= 12
                ? UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24 : 0
            var messages = 0
            var statistics = ConntrackStatistics()
            let outcome = ConntrackMessages.decode(bytes, length: bytes.count, sequence: sequence) { message in
                messages += 1
                // Each attribute is at least 8 bytes of the message it came in.
                require(message.attributes.count * 8 <= bytes.count, "\(message.attributes.count) attributes")
                statistics.addCPU(ConntrackMessages.counters(message))
            }
            // A message is a 16-byte header and a 4-byte nfgenmsg at least.
            require(messages <= bytes.count / 20, "\(messages) messages from \(bytes.count) bytes")
            require(statistics.cpus == messages, "\(statistics.cpus) CPUs from \(messages) messages")
            // A length past the buffer is clamped, never read beyond.
            let clamped = ConntrackMessages.decode(bytes, length: bytes.count + 4096, sequence: sequence) { _ in }
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

/// A statistic's value as the kernel prints it.
func render(_ value: ProcValue) -> String {
    switch value {
    case .unsigned(let number): String(number)
    case .negative(let number): String(number)
    }
}

/// A reference parse of a socket table, by other means than the parser's: every row is parsed
/// alone (under the file's header line) and split on blanks with the standard library, and what
/// the parser makes of the row must be what its columns say (proc_net_tcp.rst): `st` in hex, the
/// ports the last four hex digits of each address, an IPv4 address's hex word in host order,
/// the queues hex either side of a colon, uid and inode decimal, udp's drops the thirteenth
/// column. The rows parsed alone, in order, must also be exactly what the whole file gave.
func requireAgreesWithReference(_ bytes: [UInt8]) {
    eachRowAlone(bytes, parse: { InetSocketTable.parse($0, $1) }) { socket, columns, _ in
        require(columns.count >= 10, "a socket from \(columns.count) columns")
        func hex(_ text: Substring) -> UInt64? { UInt64(text, radix: 16) }
        let (local, remote) = (columns[1], columns[2])
        require(UInt64(socket.localPort) == hex(local.suffix(4)) && UInt64(socket.remotePort) == hex(remote.suffix(4)),
                "ports of \(socket) from \(local) \(remote)")
        require(socket.localAddress.isIPv6 == (local.count == 37), "family of \(socket) from \(local)")
        if local.count == 13, let word = hex(local.prefix(8)) {
            let octets = (0..<4).map { String(word >> (8 * $0) & 0xff) }
            require(socket.localAddress.description == octets.joined(separator: "."), "\(socket) from \(local)")
        }
        require(UInt64(socket.state) == hex(Substring(columns[3])), "state of \(socket) from \(columns[3])")
        let queues = columns[4].split(separator: ":", omittingEmptySubsequences: false)
        require(queues.count >= 2 && hex(queues[0]) == socket.sendQueue
                    && hex(queues[1...].joined(separator: ":")[...]) == socket.receiveQueue,
                "queues of \(socket) from \(columns[4])")
        require(UInt64(columns[7]) == UInt64(socket.uid) && UInt64(columns[9]) == socket.inode,
                "uid and inode of \(socket) from \(columns)")
        let drops = columns.count == 13 && columns[12].utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            ? UInt64(columns[12]) : nil
        require(socket.drops == drops, "drops of \(socket) from \(columns)")
    }
}

/// Parses every data row of a table alone under the table's header: each gives at most one
/// item, which `check` holds to the row's blank-separated columns (and the header's), and the
/// rows alone, in order, give exactly what the whole table gave.
func eachRowAlone<Item: Equatable>(_ bytes: [UInt8], parse: ([UInt8], (Item) -> Void) -> ParseSummary,
                                   check: (Item, [String], [String]) -> Void) {
    var whole: [Item] = []
    _ = parse(bytes) { whole.append($0) }
    var lines = ByteLines(bytes)
    guard let header = lines.next() else { return }
    let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0d }
    let headerColumns = bytes[header].split(whereSeparator: isBlank).map { String(decoding: $0, as: UTF8.self) }
    var alone: [Item] = []
    while let line = lines.next() {
        var row: [Item] = []
        _ = parse(Array(bytes[header]) + [0x0a] + Array(bytes[line])) { row.append($0) }
        require(row.count <= 1, "one row gave \(row.count) items")
        guard let item = row.first else { continue }
        alone.append(item)
        check(item, bytes[line].split(whereSeparator: isBlank).map { String(decoding: $0, as: UTF8.self) }, headerColumns)
    }
    require(alone == whole, "rows parsed alone gave \(alone.count) items, the file \(whole.count)")
}

/// The unix table's reference parse, as `requireAgreesWithReference` does for the inet tables:
/// every row parsed alone must be what its columns say (Type in hex is the kind, St in hex the
/// state, a listener told by the __SO_ACCEPTCON flag 0x10000 in Flags, the Inode column decimal
/// when the header names one), and the rows alone must be what the whole file gave.
func requireUnixAgreesWithReference(_ bytes: [UInt8]) {
    eachRowAlone(bytes, parse: { UnixSocketTable.parse($0, $1) }) { socket, columns, header in
        let hasInode = header.contains("Inode")
        require(columns.count >= (hasInode ? 7 : 6), "a socket from \(columns.count) columns")
        let flags = UInt64(columns[3], radix: 16) ?? 0
        let kinds: [UInt64: UnixSocket.Kind] = [1: .stream, 2: .dgram, 5: .seqpacket]
        require(UInt64(columns[4], radix: 16).flatMap { kinds[$0] } == socket.kind, "kind of \(socket) from \(columns)")
        let states: [UInt64: UnixSocket.State] = [1: flags & 0x10000 != 0 ? .listen : .unconnected, 2: .connecting,
                                                  3: .connected, 4: .disconnecting]
        require(UInt64(columns[5], radix: 16).flatMap { states[$0] } == socket.state,
                "state of \(socket) from \(columns)")
        require(socket.inode == (hasInode ? UInt64(columns[6]) : nil), "inode of \(socket) from \(columns)")
    }
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
