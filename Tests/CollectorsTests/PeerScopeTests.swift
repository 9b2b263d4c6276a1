@testable import Collectors
import ProcNet
import Flags
import Testing

@Suite struct PeerScopeTests {
    func scope(_ text: String, groups: [String] = []) throws -> String {
        let scope = try PeerScope(groups: groups)
        let address = try #require(IPAddressText.parse(text))
        return scope.name(of: scope.classify(address)) ?? "none"
    }

    /// Every class survives the 8 bits it is packed into in a connection's label key.
    @Test func classesRoundTripThroughTheirPacking() throws {
        let classes: [PeerScope.Class] = [.loopback, .private, .linkLocal, .public, .group(0), .group(250), .none]
        for scopeClass in classes {
            #expect(PeerScope.Class(packed: scopeClass.packed) == scopeClass)
        }
        #expect(Set(classes.map(\.packed)).count == classes.count)
        let tooMany = (0...PeerScope.maximumGroups).map { "g\($0)=10.0.\($0 % 256).0/24" }
        #expect(throws: FlagError.self) { try PeerScope(groups: tooMany) }
    }

    /// The owner of a socket, likewise packed beside the label key.
    @Test func ownersRoundTripThroughTheirPacking() {
        for owner: SocketOwner in [.process(1), .process(4_194_304), .none, .unknown, .pending] {
            #expect(SocketOwner(packed: owner.packed) == owner)
        }
    }

    @Test func builtinScopesIPv4() throws {
        #expect(try scope("127.0.0.1") == "loopback")
        #expect(try scope("127.255.1.2") == "loopback")
        #expect(try scope("10.1.2.3") == "private")
        #expect(try scope("172.16.0.1") == "private")
        #expect(try scope("172.31.255.255") == "private")
        #expect(try scope("172.32.0.1") == "public")
        #expect(try scope("192.168.1.1") == "private")
        #expect(try scope("100.64.0.1") == "private")
        #expect(try scope("100.127.255.255") == "private")
        #expect(try scope("100.128.0.1") == "public")
        #expect(try scope("169.254.1.1") == "link_local")
        #expect(try scope("8.8.8.8") == "public")
        #expect(try scope("0.0.0.0") == "none")
    }

    @Test func builtinScopesIPv6AndMapped() throws {
        #expect(try scope("::1") == "loopback")
        #expect(try scope("fd12:3456::1") == "private")
        #expect(try scope("fc00::1") == "private")
        #expect(try scope("fe80::1") == "link_local")
        #expect(try scope("febf::1") == "link_local")
        #expect(try scope("fec0::1") == "public")
        #expect(try scope("2001:db8::1") == "public")
        #expect(try scope("::") == "none")
        #expect(try scope("::ffff:10.0.0.1") == "private")
        #expect(try scope("::ffff:127.0.0.1") == "loopback")
        #expect(try scope("::ffff:8.8.8.8") == "public")
    }

    @Test func groupsWinAndLongestPrefixFirst() throws {
        let groups = ["office=203.0.113.0/24,2001:db8:1::/48", "lab=10.0.0.0/8", "rack=10.1.0.0/16"]
        #expect(try scope("203.0.113.9", groups: groups) == "office")
        #expect(try scope("::ffff:203.0.113.9", groups: groups) == "office")
        #expect(try scope("2001:db8:1:2::5", groups: groups) == "office")
        #expect(try scope("2001:db8:2::5", groups: groups) == "public")
        #expect(try scope("10.2.0.1", groups: groups) == "lab")
        #expect(try scope("10.1.0.1", groups: groups) == "rack")
        #expect(try scope("203.0.114.1", groups: groups) == "public")
        #expect(try scope("127.0.0.1", groups: ["all=0.0.0.0/0"]) == "all")
        #expect(try scope("192.0.2.7", groups: ["one=192.0.2.7"]) == "one")
    }

    @Test func badGroupsAreFlagErrors() {
        let bad = ["office", "=10.0.0.0/8", "office=10.0.0.0/33", "office=10.0.0.1/8", "office=300.1.2.3/32",
                   "office=10.0.0.0/8,", "office=2001:db8::/129", "office=2001:db8::1/32", "of fice=10.0.0.0/8",
                   "loopback=10.0.0.0/8", "office=10.0.0.0/+8", "office=10.0.0.0/8/8"]
        for spec in bad {
            #expect(throws: FlagError.self, "\(spec)") { try PeerScope(groups: [spec]) }
        }
        #expect(throws: FlagError.self) { try PeerScope(groups: ["a=10.0.0.0/8", "a=11.0.0.0/8"]) }
        #expect(throws: Never.self) { try PeerScope(groups: ["a=10.0.0.0/8", "b-2=::/0", "c_3=fe80::/10"]) }
    }
}
