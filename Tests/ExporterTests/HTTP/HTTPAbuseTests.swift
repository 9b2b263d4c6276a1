import Foundation
import Testing
import TestSupport

/// Issue 9 part 3: abusive HTTP clients against the running binary on loopback, with the
/// default limits unless a test says otherwise. The abusers come from 127.0.0.2 … 127.0.0.101;
/// the well-behaved scraper from 127.0.0.250, whose scrape must get its 200 in under a second
/// every time. Every loop is bounded in count and time.
@Suite(.serialized) struct HTTPAbuseTests {
    static let procfs = "--path.procfs=\(Fixtures.path("procfs/proc"))"
    static let scraper = "127.0.0.250"
    static let slowHeader = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: "

    init() {
        LoopbackClient.raiseFileLimit(to: 8192)
    }

    /// Opens `perAddress` connections from each of `addresses` and sends each the start of a
    /// request that never ends.
    func slowloris(_ addresses: [String], perAddress: Int, port: Int) throws -> [LoopbackClient] {
        var clients: [LoopbackClient] = []
        for address in addresses {
            for _ in 0..<perAddress {
                let client = try LoopbackClient(from: address, port: port)
                client.send(Self.slowHeader, timeout: 0)
                clients.append(client)
            }
        }
        return clients
    }

    /// For `seconds`: every connection sends one more header byte each 1.5 s, and the scraper
    /// scrapes every 0.5 s. Returns each scrape's status and duration.
    func dribbleWhileScraping(_ clients: [LoopbackClient], port: Int, seconds: Double) throws
        -> [(status: Int, seconds: Double)] {
        var scrapes: [(status: Int, seconds: Double)] = []
        let end = Date().addingTimeInterval(seconds)
        var nextDribble = Date().addingTimeInterval(1.5)
        while Date() < end {
            if Date() >= nextDribble {
                for client in clients { client.send("a", timeout: 0) }
                nextDribble = Date().addingTimeInterval(1.5)
            }
            scrapes.append(try RawHTTPResponse.get("/metrics", port: port, from: Self.scraper, timeout: 5))
            usleep(500_000)
        }
        return scrapes
    }

    func expectEveryScrapeQuick(_ scrapes: [(status: Int, seconds: Double)]) {
        #expect(scrapes.count >= 5)
        for scrape in scrapes {
            #expect(scrape.status == 200)
            #expect(scrape.seconds < 1, "a scrape took \(scrape.seconds) s")
        }
    }

    @Test func slowlorisFromOneAddressIsCappedPerAddress() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        let before = ExporterVitals(pid: exporter.pid)
        let clients = try slowloris(["127.0.0.2"], perAddress: 1000, port: exporter.port)
        let scrapes = try dribbleWhileScraping(clients, port: exporter.port, seconds: 4)
        let vitals = ExporterVitals(pid: exporter.pid)
        expectEveryScrapeQuick(scrapes)
        // --web.max-connections-per-address=64 (the default): the rest were closed at once.
        let held = clients.filter(\.isOpen).count
        #expect(held <= 64 && held >= 32, "held \(held)")
        #expect(try #require(vitals.openFDs) - #require(before.openFDs) <= 72, "\(before) → \(vitals)")
        #expect(try #require(vitals.threads) <= 12, "\(vitals)")
        #expect(try #require(vitals.residentKiB) - #require(before.residentKiB) < 16 * 1024, "\(before) → \(vitals)")
        #expect(exporter.process.isRunning)
    }

    @Test func slowlorisFromAHundredAddressesCostsNoThreads() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        let before = ExporterVitals(pid: exporter.pid)
        let clients = try slowloris((2...101).map { "127.0.0.\($0)" }, perAddress: 10, port: exporter.port)
        let scrapes = try dribbleWhileScraping(clients, port: exporter.port, seconds: 4)
        let vitals = ExporterVitals(pid: exporter.pid)
        expectEveryScrapeQuick(scrapes)
        // All 1,000 are held (under both limits), each a descriptor and no thread.
        #expect(clients.filter(\.isOpen).count == 1000)
        #expect(try #require(vitals.openFDs) - #require(before.openFDs) >= 1000, "\(before) → \(vitals)")
        #expect(try #require(vitals.threads) <= 12, "\(vitals)")
        #expect(try #require(vitals.residentKiB) - #require(before.residentKiB) < 32 * 1024, "\(before) → \(vitals)")
    }

    @Test func aRequestThatDribblesIsClosedAtTheReadDeadline() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs, "--web.read-timeout=1s"])
        let client = try LoopbackClient(from: "127.0.0.3", port: exporter.port)
        let started = Date()
        #expect(client.send(Self.slowHeader))
        var bytesSent = 0
        // A byte every 0.2 s resets any inactivity timeout; only the deadline can end it.
        while client.isOpen && Date().timeIntervalSince(started) < 5 {
            if client.send("a", timeout: 0) { bytesSent += 1 }
            usleep(200_000)
        }
        let lifetime = Date().timeIntervalSince(started)
        #expect(!client.isOpen)
        #expect(lifetime >= 0.9 && lifetime < 2.5, "closed after \(lifetime) s")
        #expect(bytesSent >= 4)
        #expect(try RawHTTPResponse.get("/metrics", port: exporter.port, from: Self.scraper).status == 200)
    }

    @Test func oversizedRequestLineAndHeadersAreRefused() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        let longURL = try LoopbackClient(from: "127.0.0.4", port: exporter.port)
        longURL.send("GET /" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(RawHTTPResponse.parse(longURL.readToEnd(timeout: 5), methods: ["GET"]).first?.status == 414)

        let bigHeader = try LoopbackClient(from: "127.0.0.4", port: exporter.port)
        bigHeader.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-a: " + String(repeating: "b", count: 200_000) + "\r\n\r\n")
        #expect(RawHTTPResponse.parse(bigHeader.readToEnd(timeout: 5), methods: ["GET"]).first?.status == 431)
        #expect(try RawHTTPResponse.get("/metrics", port: exporter.port, from: Self.scraper).status == 200)
    }

    @Test func aThousandConcurrentScrapesGet503BeyondMaxRequestsAndTheRestShareOneCollection() throws {
        // The first scrape's collection is held on a FIFO, so the other 999 (from 100 addresses)
        // arrive while it runs: nine are admitted by --web.max-requests=10, the first of every
        // other address by the fair share (an address with nothing in flight is never refused),
        // and the rest are refused at once. Everything admitted shares the next collection.
        let procfs = try ScrapeLimitTests.BlockingProcfs()
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--path.procfs=\(procfs.root.path)",
                                            "--web.max-requests=10"])
        let request = "GET /metrics?collect[]=sockets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        var clients = [try LoopbackClient(from: "127.0.0.2", port: exporter.port)]
        clients[0].send(request, timeout: 2)
        let heldWriter = procfs.waitForReader()
        try #require(heldWriter >= 0)
        for index in 1..<1000 {
            clients.append(try LoopbackClient(from: "127.0.0.\(2 + index % 100)", port: exporter.port))
        }
        for client in clients.dropFirst() { client.send(request, timeout: 2) }
        var responses = Array(repeating: [UInt8](), count: clients.count)
        var closed = Array(repeating: false, count: clients.count)
        let deadline = Date().addingTimeInterval(20)
        // Read everything that comes; the refusals (at least 891) come without the FIFO being written.
        while closed.filter({ $0 }).count < 891 && Date() < deadline {
            for index in clients.indices where !closed[index] {
                let (bytes, isClosed) = clients[index].readAvailable()
                responses[index] += bytes
                closed[index] = isClosed
            }
            usleep(20_000)
        }
        let vitals = ExporterVitals(pid: exporter.pid)
        try procfs.release(heldWriter)
        responses[0] += clients[0].readToEnd(timeout: 10)
        // Those waiting get the next collection, which opens the FIFO only after the first one
        // has finished with it.
        let nextWriter = procfs.waitForReader(timeout: 10)
        try #require(nextWriter >= 0)
        try procfs.release(nextWriter)
        for index in clients.indices.dropFirst() where !closed[index] {
            responses[index] += clients[index].readToEnd(timeout: 10)
        }
        let parsed = responses.map { RawHTTPResponse.parse($0, methods: ["GET"]).first }
        let statuses = parsed.map { $0?.status ?? 0 }
        // 1 + 99 when they arrive in order; up to nine more when an address's second request
        // overtakes another's first while slots are free.
        let admitted = statuses.filter { $0 == 200 }.count
        #expect(admitted >= 100 && admitted <= 109, "\(admitted) admitted")
        #expect(statuses.filter { $0 == 503 }.count == 1000 - admitted)
        #expect(statuses[0] == 200)
        let served = parsed.dropFirst().filter { $0?.status == 200 }.map { String(decoding: $0!.body, as: UTF8.self) }
        #expect(served.count == admitted - 1)
        for body in served {
            #expect(body.contains("\nnetstat_scrape_collection_requests \(admitted - 1)\n"))
            #expect(body.contains("\nnetstat_scrape_collections_total 2\n"))
            #expect(body.contains("\nnetstat_scrape_requests_total{result=\"max_requests\"} \(1000 - admitted)\n"))
            #expect(body == served[0], "every waiting request shares one body")
        }
        #expect(try #require(vitals.threads) <= 12, "\(vitals)")
        #expect(exporter.process.isRunning)
        #expect(try RawHTTPResponse.get("/", port: exporter.port, from: Self.scraper).status == 200)
    }

    @Test func clientsThatVanishMidResponseLeakNothing() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        _ = try RawHTTPResponse.get("/metrics", port: exporter.port, from: Self.scraper)
        let before = ExporterVitals(pid: exporter.pid)
        for round in 0..<50 {
            let client = try LoopbackClient(from: "127.0.0.5", port: exporter.port)
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = client.read(atLeast: 1 + round * 100, timeout: 2)
            client.reset()
        }
        usleep(300_000)
        let after = ExporterVitals(pid: exporter.pid)
        #expect(try #require(after.openFDs) <= #require(before.openFDs) + 2, "\(before) → \(after)")
        #expect(try RawHTTPResponse.get("/metrics", port: exporter.port, from: Self.scraper).status == 200)
    }

    @Test func http10KeepAliveAndPipelining() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        // HTTP/1.0: answered, then closed by the server.
        let old = try LoopbackClient(from: "127.0.0.6", port: exporter.port)
        old.send("GET /metrics HTTP/1.0\r\n\r\n")
        let started = Date()
        let oldResponse = RawHTTPResponse.parse(old.readToEnd(timeout: 5), methods: ["GET"])
        #expect(oldResponse.first?.status == 200)
        let oldBody = String(decoding: oldResponse.first?.body ?? [], as: UTF8.self)
        #expect(oldBody.contains("netstat_udp_sockets"))
        #expect(Date().timeIntervalSince(started) < 3)

        // Keep-alive: two requests, one after the other, on one connection.
        let kept = try LoopbackClient(from: "127.0.0.6", port: exporter.port)
        var received: [UInt8] = []
        for count in 1...2 {
            kept.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            let deadline = Date().addingTimeInterval(5)
            while RawHTTPResponse.parse(received, methods: Array(repeating: "GET", count: count)).count < count
                    && Date() < deadline {
                received += kept.read(atLeast: 1, timeout: 0.5)
            }
        }
        #expect(RawHTTPResponse.parse(received, methods: ["GET", "GET"]).map(\.status) == [200, 200])
        #expect(kept.isOpen)

        // Pipelining: three requests in one write, three answers in order.
        let piped = try LoopbackClient(from: "127.0.0.6", port: exporter.port)
        piped.send("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"
                   + "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let methods = ["HEAD", "GET", "GET"]
        let answers = RawHTTPResponse.parse(piped.readToEnd(timeout: 5), methods: methods)
        #expect(answers.map(\.status) == [200, 200, 404])
        #expect(answers.first?.body.isEmpty == true)
        #expect(answers.first?.headers["content-type"]?.hasPrefix("text/plain") == true)
    }

    @Test func randomBytesAreRefusedAndClosed() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs])
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let client = try LoopbackClient(from: "127.0.0.7", port: exporter.port)
            client.send((0..<16_384).map { _ in UInt8.random(in: 0...255, using: &generator) }, timeout: 2)
            let started = Date()
            let reply = client.readToEnd(timeout: 5)
            #expect(Date().timeIntervalSince(started) < 3, "garbage held a connection open")
            let status = RawHTTPResponse.parse(reply, methods: ["GET"]).first?.status ?? 0
            #expect(status == 0 || (400...599).contains(status))
        }
        #expect(exporter.process.isRunning)
        #expect(try RawHTTPResponse.get("/metrics", port: exporter.port, from: Self.scraper).status == 200)
    }

    @Test func tlsListenerSurvivesPlainHTTPAndHalfHandshakes() throws {
        let pki = try TestCertificates()
        try WebSecurityTests.writeConfig(pki)
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", Self.procfs,
                                            "--web.config.file=\(pki.path("web.yml"))", "--web.read-timeout=1s"])
        // Plain HTTP on the TLS port: closed, not answered in clear, and not held.
        for _ in 0..<20 {
            let plain = try LoopbackClient(from: "127.0.0.8", port: exporter.port)
            plain.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            let reply = plain.readToEnd(timeout: 3)
            #expect(!String(decoding: reply, as: UTF8.self).contains("HTTP/1."))
            #expect(!plain.isOpen)
        }
        // 200 half handshakes (a TLS record header, then nothing) from 20 addresses.
        var half: [LoopbackClient] = []
        for index in 0..<200 {
            let client = try LoopbackClient(from: "127.0.0.\(10 + index % 20)", port: exporter.port)
            client.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01], timeout: 0)
            half.append(client)
        }
        for _ in 0..<3 {
            let scrape = try Shell.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                                        "--interface", Self.scraper, "--cacert", pki.path("ca.crt"),
                                        "--max-time", "5", "https://\(exporter.addresses[0])/metrics"])
            let parts = scrape.stdout.split(separator: " ")
            #expect(parts.first == "200")
            #expect((Double(parts.last ?? "") ?? 99) < 1, "TLS scrape: \(scrape.stdout)")
        }
        // The read deadline (1 s) ends every half handshake.
        let deadline = Date().addingTimeInterval(4)
        while half.contains(where: \.isOpen) && Date() < deadline { usleep(100_000) }
        #expect(half.filter(\.isOpen).count == 0)
        #expect(exporter.process.isRunning)
    }
}
