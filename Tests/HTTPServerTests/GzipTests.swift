import Foundation
import Testing
import TestSupport
@testable import HTTPServer

@Suite struct GzipTests {
    /// gzip(1) must read back exactly what went in.
    @Test func roundTripsThroughGzipTool() throws {
        let text = String(repeating: "netstat_tcp_sockets{family=\"ipv4\",state=\"listen\"} 3\n", count: 500)
        let compressed = try #require(Gzip.compress(Array(text.utf8)))
        #expect(compressed.count < text.utf8.count / 10)
        let result = try Shell.gunzip(Data(compressed))
        #expect(result.status == 0)
        #expect(result.stdout == text)
    }

    @Test func emptyBodyIsAValidGzipMember() throws {
        let compressed = try #require(Gzip.compress([]))
        #expect(compressed.prefix(3) == [0x1f, 0x8b, 8])
        let result = try Shell.gunzip(Data(compressed))
        #expect(result.status == 0)
        #expect(result.stdout == "")
    }
}
