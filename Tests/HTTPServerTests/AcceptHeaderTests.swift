import Testing
@testable import HTTPServer

@Suite struct AcceptHeaderTests {
    static let offers = [MediaType("text", "plain", parameters: ["version": "0.0.4"]),
                         MediaType("application", "openmetrics-text", parameters: ["version": "1.0.0"])]

    func choice(_ header: String?) -> Int? {
        AcceptHeader(header).preferred(among: Self.offers)
    }

    @Test func prometheusHeaderPrefersOpenMetrics() {
        #expect(choice("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                       + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1") == 1)
        #expect(choice("application/openmetrics-text; version=1.0.0; charset=utf-8") == 1)
        // Prometheus 3 adds escaping= and offers text 1.0.0, which we do not serve.
        #expect(choice("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;"
                       + "version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                       + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2") == 1)
        #expect(choice("text/plain;version=1.0.0;escaping=allow-utf-8,text/plain;version=0.0.4;q=0.3") == 0)
    }

    @Test func noHeaderAndWildcardsGetTheFirstOffer() {
        #expect(choice(nil) == 0)
        #expect(choice("*/*") == 0)
        #expect(choice("text/*, application/*") == 0)
        // Equal quality and specificity: the range named first wins.
        #expect(choice("application/*, text/*") == 1)
    }

    @Test func qualitiesDecide() {
        #expect(choice("text/plain;q=0.9, application/openmetrics-text;q=0.5") == 0)
        #expect(choice("text/plain;q=0.4, application/openmetrics-text") == 1)
        #expect(choice("application/openmetrics-text;version=1.0.0;q=0, */*") == 0)
        #expect(choice("text/plain;q=0") == nil)
        #expect(choice("text/plain;q=bogus, application/openmetrics-text;q=0.2") == 1)
    }

    @Test func parametersMustMatch() {
        // OpenMetrics 0.0.1 only: we do not offer it, so text (from */*) wins.
        #expect(choice("application/openmetrics-text;version=0.0.1,*/*;q=0.1") == 0)
        #expect(choice("application/openmetrics-text;version=0.0.1") == nil)
        #expect(choice("text/plain;version=0.0.4;q=0.3,application/openmetrics-text;q=0.3") == 0)
        #expect(choice("APPLICATION/OpenMetrics-Text; Version=\"1.0.0\"") == 1)
    }

    @Test func moreSpecificRangeWinsOverWildcardForTheSameType() {
        // text/plain is refused explicitly even though */* would allow it.
        #expect(choice("text/plain;q=0, */*;q=0.5") == 1)
    }

    @Test func acceptEncoding() {
        #expect(AcceptEncoding("gzip, deflate, br").allows("gzip"))
        #expect(AcceptEncoding("br;q=1.0, GZIP;q=0.5").allows("gzip"))
        #expect(!AcceptEncoding("gzip;q=0, *").allows("gzip"))
        #expect(AcceptEncoding("*").allows("gzip"))
        #expect(!AcceptEncoding("identity").allows("gzip"))
        #expect(!AcceptEncoding(nil).allows("gzip"))
    }
}
