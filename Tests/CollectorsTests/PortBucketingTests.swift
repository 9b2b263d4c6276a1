@testable import Collectors
import Flags
import Testing

@Suite struct PortBucketingTests {
    @Test func ephemeralUnlessBelowRangeOrListed() throws {
        let ports = PortBucketing(ephemeralStart: 32768, wellKnown: try PortBucketing.parsePorts("443, 40000"))
        #expect(ports.code(remotePort: 5432) == 5432)
        #expect(ports.code(remotePort: 32767) == 32767)
        #expect(ports.code(remotePort: 32768) == PortBucketing.ephemeral)
        #expect(ports.code(remotePort: 40000) == 40000)
        #expect(ports.code(remotePort: 40001) == PortBucketing.ephemeral)
        #expect(PortBucketing.label(PortBucketing.ephemeral) == "ephemeral")
        #expect(PortBucketing.label(443) == "443")
    }

    @Test func badPortListsAreFlagErrors() {
        for text in ["0", "65536", "https", "443,,x", "-1"] {
            #expect(throws: FlagError.self, "\(text)") { try PortBucketing.parsePorts(text) }
        }
        #expect(throws: Never.self) { try PortBucketing.parsePorts("") }
    }

    @Test func capKeepsTheBiggestWithStableTies() {
        let counts: [UInt32: UInt64] = [22: 5, 443: 100, 80: 100, 5432: 7, 8080: 1]
        #expect(PortBucketing.kept(counts, limit: 2) == [80, 443])
        #expect(PortBucketing.kept(counts, limit: 3) == [80, 443, 5432])
        #expect(PortBucketing.kept(counts, limit: 5) == Set(counts.keys))
        #expect(PortBucketing.kept(["b": 2, "a": 2, "c": 1], limit: 1) == ["a"])
    }

    @Test func portSet() {
        var set = PortSet()
        for port: UInt16 in [0, 63, 64, 65535] { set.insert(port) }
        #expect([0, 63, 64, 65535].allSatisfy { set.contains($0) })
        #expect(![1, 62, 65, 65534].contains { set.contains($0) })
    }
}
