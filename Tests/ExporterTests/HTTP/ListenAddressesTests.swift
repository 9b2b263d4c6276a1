import Foundation
import Testing
import TestSupport

/// `--web.listen-address`, repeatable, in its IPv4, IPv6 and any-address forms.
@Suite struct ListenAddressesTests {
    static let procfs = "--path.procfs=\(Fixtures.path("procfs/proc"))"

    @Test func oneServerPerAddressIPv4AndIPv6() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--web.listen-address=[::1]:0",
                                            Self.procfs], expectedListeners: 2)
        #expect(exporter.addresses.count == 2)
        #expect(exporter.addresses[0].hasPrefix("127.0.0.1:"))
        #expect(exporter.addresses[1].hasPrefix("[::1]:"))
        for address in exporter.addresses {
            let response = try CurlResponse.get(["http://\(address)/metrics"])
            #expect(response.status == 200, "\(address)")
            #expect(response.text.contains("netstat_udp_sockets{family=\"ipv4\"} 3\n"))
        }
    }

    @Test func portOnlyListensOnEveryAddress() throws {
        let exporter = try RunningExporter([":0", Self.procfs].map { $0.hasPrefix(":") ? "--web.listen-address=\($0)" : $0 })
        let port = try #require(exporter.addresses.first?.split(separator: ":").last)
        #expect(exporter.addresses[0] == ":\(port)")
        #expect(try CurlResponse.get(["http://127.0.0.1:\(port)/"]).status == 200)
        #expect(try CurlResponse.get(["http://[::1]:\(port)/"]).status == 200)
    }

    @Test func badOrBusyAddressesExitNonZeroNamingThem() throws {
        let bad = try Shell.run([RunningExporter.binary, "--web.listen-address=::1:10042"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("an IPv6 address must be written in brackets"))

        let first = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        let busy = try Shell.run([RunningExporter.binary, "--web.listen-address=[::1]:0",
                                  "--web.listen-address=\(first.addresses[0])"])
        #expect(busy.status == 1)
        #expect(busy.stderr.contains("cannot listen on \(first.addresses[0]): Address already in use"))
    }
}
