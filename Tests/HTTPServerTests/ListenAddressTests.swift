import Testing
@testable import HTTPServer

@Suite struct ListenAddressTests {
    @Test func parsesTheExporterForms() throws {
        #expect(try ListenAddress(parsing: ":10042") == ListenAddress(host: "", port: 10042))
        #expect(try ListenAddress(parsing: "127.0.0.1:10042") == ListenAddress(host: "127.0.0.1", port: 10042))
        #expect(try ListenAddress(parsing: "[::1]:10042") == ListenAddress(host: "::1", port: 10042))
        #expect(try ListenAddress(parsing: "[fe80::1%lo]:0") == ListenAddress(host: "fe80::1%lo", port: 0))
        #expect(ListenAddress(host: "::1", port: 9).description == "[::1]:9")
        #expect(ListenAddress(host: "", port: 9).description == ":9")
    }

    @Test func rejectsWhatItCannotMean() {
        #expect(throws: HTTPServerError.badAddress("10042: expected host:port, :port or [ipv6]:port")) {
            try ListenAddress(parsing: "10042")
        }
        #expect(throws: HTTPServerError.badAddress("::1:80: an IPv6 address must be written in brackets, as [::1]:10042")) {
            try ListenAddress(parsing: "::1:80")
        }
        #expect(throws: HTTPServerError.badAddress("[::1:80: unbalanced brackets around the IPv6 address")) {
            try ListenAddress(parsing: "[::1:80")
        }
        #expect(throws: HTTPServerError.badAddress("host:99999: port must be a number from 0 to 65535")) {
            try ListenAddress(parsing: "host:99999")
        }
    }
}
