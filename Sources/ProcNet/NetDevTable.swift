/// The sixteen counters of a /proc/net/dev row, in the kernel's column order.
public enum NetDevCounter: Int, Sendable, Hashable, CaseIterable {
    case receiveBytes, receivePackets, receiveErrors, receiveDropped
    case receiveFIFOErrors, receiveFrameErrors, receiveCompressed, receiveMulticast
    case transmitBytes, transmitPackets, transmitErrors, transmitDropped
    case transmitFIFOErrors, transmitCollisions, transmitCarrierErrors, transmitCompressed
}

/// One device's row of /proc/net/dev.
public struct NetDevice: Sendable, Hashable {
    /// The name's bytes (for sysfs paths) and its label.
    public var device: DeviceName
    /// Indexed by `NetDevCounter.rawValue`; always sixteen values.
    public var counters: [UInt64]

    public init(device: DeviceName, counters: [UInt64]) {
        precondition(counters.count == NetDevCounter.allCases.count)
        self.device = device
        self.counters = counters
    }

    public init(name: String, counters: [UInt64]) {
        self.init(device: DeviceName(name), counters: counters)
    }

    /// The `device` label value (`DeviceName.label`: `\xHH` for bytes that are not UTF-8).
    public var name: String { device.label }

    public subscript(counter: NetDevCounter) -> UInt64 {
        counters[counter.rawValue]
    }
}

/// Parser for /proc/net/dev (kernel: net/core/net-procfs.c `dev_seq_printf_stats`;
/// Documentation/filesystems/proc.rst, "Network info in /proc/net").
///
///     Inter-|   Receive                                                |  Transmit
///      face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets …
///         lo:   18321      49    0    0    0     0          0         0    18321      49 …
///
/// Older kernels print `"%6s:%8llu"`, so a byte count of eight digits or more touches the colon
/// ("eth0:123456789"): the name is split off at the colon, not at a blank. The counters hold
/// only digits and blanks, so the last colon of the line ends the name, whatever the name holds.
public enum NetDevTable {
    public static func parse(_ bytes: [UInt8], _ body: (NetDevice) -> Void) -> ParseSummary {
        var summary = ParseSummary()
        var lines = ByteLines(bytes)
        guard let first = lines.next(), startsWith(bytes, first, "Inter-|"),
              let second = lines.next(), startsWith(bytes, second, "face") else {
            summary.skip(line: 1, "missing the two header lines")
            return summary
        }
        var counters = [UInt64](repeating: 0, count: NetDevCounter.allCases.count)
        summary.parseRows(&lines, after: 2, malformed: "malformed device row", { line in
            parseRow(bytes, line, into: &counters).map { NetDevice(device: $0, counters: counters) }
        }, body)
        return summary
    }

    /// The device name (its bytes as they are: a name need not be UTF-8), with its sixteen
    /// counters written to `counters`; nil when malformed.
    static func parseRow(_ bytes: [UInt8], _ line: Range<Int>, into counters: inout [UInt64]) -> DeviceName? {
        guard let colon = line.last(where: { bytes[$0] == UInt8(ascii: ":") }) else { return nil }
        var nameStart = line.lowerBound
        while nameStart < colon && ByteFields.isBlank(bytes[nameStart]) { nameStart += 1 }
        var nameEnd = colon
        while nameEnd > nameStart && ByteFields.isBlank(bytes[nameEnd - 1]) { nameEnd -= 1 }
        guard nameStart < nameEnd else { return nil }
        var fields = ByteFields(bytes, line: (colon + 1)..<line.upperBound)
        for index in counters.indices {
            guard let field = fields.next(), let value = ByteNumber.decimal(bytes, field) else { return nil }
            counters[index] = value
        }
        guard fields.next() == nil else { return nil }
        return DeviceName(bytes[nameStart..<nameEnd])
    }

    /// True when the line's first field begins with `prefix` ("Inter-|", " face |bytes…").
    static func startsWith(_ bytes: [UInt8], _ line: Range<Int>, _ prefix: StaticString) -> Bool {
        var fields = ByteFields(bytes, line: line)
        guard let first = fields.next(), first.count >= prefix.utf8CodeUnitCount else { return false }
        return ByteNumber.equals(bytes, first.lowerBound..<(first.lowerBound + prefix.utf8CodeUnitCount), prefix)
    }
}
