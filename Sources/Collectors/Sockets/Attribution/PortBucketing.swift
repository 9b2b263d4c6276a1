import Flags

/// Keeps the `port` and `process` labels bounded (see "Series count" in docs/metrics.md).
///
/// A connection's port is its local port when something listens there (inbound), else its
/// remote port (outbound); an outbound remote port at or above the start of the local ephemeral
/// range (/proc/sys/net/ipv4/ip_local_port_range) is `ephemeral` unless listed with
/// `--collector.sockets.ports`. Then at most `max-ports` port values (and `max-processes`
/// process names) are kept per scrape, those with the most sockets; the rest become `other`.
struct PortBucketing: Sendable {
    /// The code for `port="ephemeral"` beside the numeric ports 0…65535.
    static let ephemeral: UInt32 = 65536

    let ephemeralStart: UInt16
    /// Bit per port listed in --collector.sockets.ports.
    let wellKnown: PortSet

    func code(remotePort: UInt16) -> UInt32 {
        remotePort < ephemeralStart || wellKnown.contains(remotePort) ? UInt32(remotePort) : PortBucketing.ephemeral
    }

    static func label(_ code: UInt32) -> String {
        code == ephemeral ? "ephemeral" : String(code)
    }

    /// The ports from `--collector.sockets.ports=443,5432`.
    static func parsePorts(_ text: String) throws(FlagError) -> PortSet {
        var set = PortSet()
        for item in text.split(separator: ",") {
            let trimmed = item.trimmingSpaces
            guard let port = UInt16(trimmed), port > 0 else {
                throw FlagError("--collector.sockets.ports: \"\(trimmed)\" is not a port number (1-65535)")
            }
            set.insert(port)
        }
        return set
    }

    /// The values that keep their own label: the `limit` with the largest counts (ties: the
    /// smaller value first, so the choice is stable between scrapes). Everything else is `other`.
    static func kept<Value: Comparable & Hashable>(_ counts: [Value: UInt64], limit: Int) -> Set<Value> {
        guard counts.count > limit else { return Set(counts.keys) }
        let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Set(ranked.prefix(limit).map(\.key))
    }
}

/// A set of TCP/UDP ports as 65536 bits (8 KiB), for O(1) "does anything listen here".
struct PortSet: Sendable {
    private var words = [UInt64](repeating: 0, count: 1024)

    mutating func insert(_ port: UInt16) {
        words[Int(port >> 6)] |= 1 << UInt64(port & 63)
    }

    @inline(__always)
    func contains(_ port: UInt16) -> Bool {
        words[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
