import ProcNet
import Flags

/// Classes a connection's remote address for `netstat_tcp_peer_connections`: the built-in
/// scopes (loopback, private, link_local, public) and named groups from
/// `--collector.sockets.peer-group=NAME=CIDR[,CIDR…]`, which win over the built-in ones.
/// An IPv4-mapped IPv6 peer (::ffff:a.b.c.d) is classed by its IPv4 address.
struct PeerScope: Sendable {
    /// What a remote address is classed as. Packed into 8 bits of a connection's label key
    /// (`ConnectionTally.Key`): the built-in scopes 0…3, group i as 4 + i, no peer as 255.
    enum Class: Hashable, Sendable {
        case loopback, `private`, linkLocal, `public`
        /// The i-th `--collector.sockets.peer-group`.
        case group(Int)
        /// No peer (remote address 0.0.0.0 or ::): not counted.
        case none

        static let noneCode: UInt8 = 255

        var packed: UInt8 {
            switch self {
            case .loopback: 0
            case .private: 1
            case .linkLocal: 2
            case .public: 3
            case .group(let index): UInt8(4 + index)
            case .none: Class.noneCode
            }
        }

        init(packed: UInt8) {
            switch packed {
            case 0: self = .loopback
            case 1: self = .private
            case 2: self = .linkLocal
            case 3: self = .public
            case Class.noneCode: self = .none
            default: self = .group(Int(packed) - 4)
            }
        }
    }

    static let builtinNames = ["loopback", "private", "link_local", "public"]
    /// Groups beyond this many would not fit the packing (4 built-in scopes, 255 for none).
    static let maximumGroups = Int(Class.noneCode) - builtinNames.count

    struct Network: Sendable, Hashable {
        var address: IPAddress
        var prefixLength: Int
    }

    /// Group names, in the order given; scope index `builtinNames.count + i` is `groupNames[i]`.
    let groupNames: [String]
    /// Every group network with its group index, longest prefix first, so the most specific wins.
    private let networks: [(network: Network, group: Int)]

    /// The `scope` label of a class; nil for `.none`.
    func name(of scopeClass: Class) -> String? {
        switch scopeClass {
        case .none: nil
        case .group(let index): groupNames[index]
        default: PeerScope.builtinNames[Int(scopeClass.packed)]
        }
    }

    init(groups: [String]) throws(FlagError) {
        var names: [String] = []
        var networks: [(network: Network, group: Int)] = []
        for spec in groups {
            guard let equals = spec.firstIndex(of: "=") else {
                throw FlagError("--collector.sockets.peer-group: expected NAME=CIDR[,CIDR…], got \"\(spec)\"")
            }
            let name = String(spec[..<equals])
            guard !name.isEmpty, name.utf8.allSatisfy(PeerScope.isNameByte), !names.contains(name),
                  !PeerScope.builtinNames.contains(name) else {
                throw FlagError("--collector.sockets.peer-group: bad or repeated group name \"\(name)\" (letters, digits, _ and -)")
            }
            let cidrs = spec[spec.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            for cidr in cidrs {
                guard let network = PeerScope.parseCIDR(String(cidr)) else {
                    throw FlagError("--collector.sockets.peer-group: \"\(cidr)\" in group \(name) is not a CIDR (e.g. 203.0.113.0/24, 2001:db8::/32)")
                }
                networks.append((network, names.count))
            }
            names.append(name)
        }
        guard names.count <= PeerScope.maximumGroups else {
            throw FlagError("--collector.sockets.peer-group: at most \(PeerScope.maximumGroups) groups")
        }
        self.groupNames = names
        self.networks = networks.enumerated()
            .sorted { ($0.element.network.prefixLength, -$0.offset) > ($1.element.network.prefixLength, -$1.offset) }
            .map(\.element)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }

    /// The class of a remote address: the most specific group that holds it, else a built-in scope.
    func classify(_ address: IPAddress) -> Class {
        let address = address.mappedIPv4.map(IPAddress.v4) ?? address
        for (network, group) in networks where PeerScope.contains(network, address) {
            return .group(group)
        }
        return PeerScope.builtinScope(address)
    }

    static func builtinScope(_ address: IPAddress) -> Class {
        switch address {
        case .v4(let value):
            if value == 0 { return .none }
            if value >> 24 == 127 { return .loopback }
            if value >> 24 == 10 || value >> 20 == 0xac1 || value >> 16 == 0xc0a8 || value >> 22 == 0x191 {
                return .private // 10/8, 172.16/12, 192.168/16, 100.64/10 (shared address space)
            }
            if value >> 16 == 0xa9fe { return .linkLocal } // 169.254/16
            return .public
        case .v6(let high, let low):
            if high == 0 && low == 0 { return .none }
            if high == 0 && low == 1 { return .loopback }
            if high >> 57 == 0x7e { return .private } // fc00::/7
            if high >> 54 == 0x3fa { return .linkLocal } // fe80::/10
            return .public
        }
    }

    static func contains(_ network: Network, _ address: IPAddress) -> Bool {
        switch (network.address, address) {
        case (.v4(let base), .v4(let value)):
            guard network.prefixLength > 0 else { return true }
            return (base ^ value) >> (32 - UInt32(network.prefixLength)) == 0
        case (.v6(let baseHigh, let baseLow), .v6(let high, let low)):
            let length = network.prefixLength
            if length <= 64 {
                return length == 0 || (baseHigh ^ high) >> UInt64(64 - length) == 0
            }
            return baseHigh == high && (length == 128 || (baseLow ^ low) >> UInt64(128 - length) == 0)
        default:
            return false
        }
    }

    /// "203.0.113.0/24", "2001:db8::/32", or a bare address (a /32 or /128); host bits must be 0.
    static func parseCIDR(_ text: String) -> Network? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddressText.parse(String(parts[0])) else { return nil }
        let maximum = address.isIPv6 ? 128 : 32
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed), !parts[1].hasPrefix("+") else { return nil }
            length = parsed
        }
        let network = Network(address: address, prefixLength: length)
        guard hostBitsAreZero(network) else { return nil }
        return network
    }

    private static func hostBitsAreZero(_ network: Network) -> Bool {
        let length = network.prefixLength
        switch network.address {
        case .v4(let value):
            return length == 32 || value << UInt32(length) == 0
        case .v6(let high, let low):
            if length <= 64 { return low == 0 && (length == 64 || high << UInt64(length) == 0) }
            return length == 128 || low << UInt64(length - 64) == 0
        }
    }
}
