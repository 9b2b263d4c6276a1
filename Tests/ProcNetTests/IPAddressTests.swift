import Testing
@testable import ProcNet

@Suite struct IPAddressTests {
    @Test(arguments: [
        (IPAddress.v6(high: 0, low: 0), "::"),
        (.v6(high: 0, low: 1), "::1"),
        (.v6(high: 0x2001_0db8_0000_0000, low: 0x0000_0000_0000_0001), "2001:db8::1"),
        (.v6(high: 0x2001_0db8_0000_0001, low: 0x0000_0001_0000_0001), "2001:db8:0:1:0:1:0:1"),
        (.v6(high: 0x2001_0db8_0000_0000, low: 0x0001_0000_0000_0001), "2001:db8::1:0:0:1"),
        (.v6(high: 0, low: 0x0000_ffff_7f00_0001), "::ffff:127.0.0.1"),
        (.v4(0xC0A8_0001), "192.168.0.1"),
    ])
    func formatsAsRFC5952(address: IPAddress, text: String) {
        #expect(address.description == text)
    }

    @Test func decodesProcHexInHostOrder() {
        let v4 = Array("0100007F".utf8)
        #expect(IPAddress.fromProcHex(v4, 0..<8) == .v4(0x7F00_0001))
        let v6 = Array("0000000000000000FFFF00000100007F".utf8)
        #expect(IPAddress.fromProcHex(v6, 0..<32)?.mappedIPv4 == 0x7F00_0001)
        #expect(IPAddress.fromProcHex(Array("0100007".utf8), 0..<7) == nil)
        let network = Array("fe800000000000000000000000000001".utf8)
        #expect(IPAddress.fromNetworkOrderHex(network, 0..<32)?.description == "fe80::1")
    }
}
