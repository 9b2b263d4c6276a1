import Foundation
import Testing
import TestSupport

/// `--web.max-requests`: a scrape is held inside the sockets collector by making its
/// `net/tcp` a FIFO that the test writes only when it wants the scrape to finish.
@Suite struct ScrapeLimitTests {
    /// A procfs tree of the fixtures whose net/tcp is a FIFO.
    final class BlockingProcfs {
        let root: URL
        var fifo: String { root.appendingPathComponent("net/tcp").path }

        init() throws {
            root = try Fixtures.temporaryDirectory("procfs")
            for name in ["tcp6", "udp", "udp6", "unix"] {
                let bytes = try Fixtures.bytes("procfs/proc/net/\(name)")
                try Fixtures.write(String(decoding: bytes, as: UTF8.self), to: "net/\(name)", in: root)
            }
            #expect(mkfifo(fifo, 0o600) == 0)
        }

        deinit { try? FileManager.default.removeItem(at: root) }

        /// Waits until a scrape has the FIFO open for reading; returns the write end, which keeps
        /// that scrape blocked in read() until `release` writes the table and closes it.
        func waitForReader(timeout: Double = 20) -> Int32 {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { return fd }
                usleep(10_000)
            }
            return -1
        }

        func release(_ fd: Int32) throws {
            let table = try Fixtures.bytes("procfs/proc/net/tcp")
            _ = table.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
    }

    /// A curl running in the background, for a scrape that will block.
    func backgroundCurl(_ url: String) throws -> ChildProcess {
        try ChildProcess(["curl", "-sS", "-g", "-o", "/dev/null", "--max-time", "30", url])
    }

    /// An exporter with --web.max-requests=1 whose one scrape is held on the FIFO: the tree,
    /// the exporter, the curl waiting for that scrape, and the FIFO's write end.
    func startWithOneScrapeHeld() throws -> (BlockingProcfs, RunningExporter, ChildProcess, Int32) {
        let procfs = try BlockingProcfs()
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--path.procfs=\(procfs.root.path)",
                                            "--web.max-requests=1"])
        let curl = try backgroundCurl("\(exporter.base)/metrics?collect[]=sockets")
        let writer = procfs.waitForReader()
        try #require(writer >= 0)
        return (procfs, exporter, curl, writer)
    }

    @Test func scrapesBeyondTheLimitGet503AtOnce() throws {
        let (procfs, exporter, blocked, writer) = try startWithOneScrapeHeld()

        let started = Date()
        let refused = try CurlResponse.get(["\(exporter.base)/metrics?exclude[]=sockets"])
        #expect(refused.status == 503)
        #expect(refused.text == "too many concurrent scrapes (--web.max-requests=1), try again later\n")
        #expect(Date().timeIntervalSince(started) < 5)
        // Not a scrape: the landing page is never limited.
        #expect(try CurlResponse.get(["\(exporter.base)/"]).status == 200)

        try procfs.release(writer)
        blocked.waitUntilExit()
        #expect(blocked.terminationStatus == 0)
        let after = try CurlResponse.get(["\(exporter.base)/metrics?exclude[]=sockets"])
        #expect(after.status == 200)
    }

    @Test func aClientThatGoesAwayMidScrapeFreesItsSlot() throws {
        let (procfs, exporter, impatient, writer) = try startWithOneScrapeHeld()
        kill(impatient.pid, SIGKILL)
        impatient.waitUntilExit()
        try procfs.release(writer)

        // The abandoned scrape finishes on its own; its slot comes back and the exporter lives on.
        let deadline = Date().addingTimeInterval(10)
        var status = 0
        while Date() < deadline {
            status = try CurlResponse.get(["\(exporter.base)/metrics?exclude[]=sockets"]).status
            if status == 200 { break }
            usleep(50_000)
        }
        #expect(status == 200)
        #expect(exporter.process.isRunning)
        // SIGTERM stops the servers (waiting for their threads) and exits 0.
        kill(exporter.pid, SIGTERM)
        #expect(exporter.process.waitUntilExit(seconds: 10), "no exit within 10 s of SIGTERM")
        #expect(exporter.process.terminationReason == .exit)
        #expect(exporter.process.terminationStatus == 0)
        #expect(exporter.stderr.contains("Shutting down on signal 15"))
    }

    /// One collection runs at a time, but one held past 30 s is taken as stuck: a scrape waiting
    /// behind it is answered by a new collection beside it, and the stuck one still answers its
    /// own request when its read returns.
    @Test(.timeLimit(.minutes(5))) func aCollectionStuckFor30SecondsNoLongerHoldsTheOthers() throws {
        let procfs = try BlockingProcfs()
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--path.procfs=\(procfs.root.path)"])
        let stuck = try ChildProcess(["curl", "-sS", "-g", "-o", "/dev/null", "--max-time", "90",
                                      "\(exporter.base)/metrics?collect[]=sockets"])
        let started = Date()
        let writer = procfs.waitForReader()
        try #require(writer >= 0)
        let output = try Fixtures.temporaryDirectory("stuck").appendingPathComponent("behind")
        let behind = try ChildProcess(["curl", "-sS", "-g", "-o", output.path, "-w", "%{http_code}", "--max-time", "60",
                                       "\(exporter.base)/metrics?exclude[]=sockets"], stdout: output.path + ".status")
        // Queued behind the held collection: no answer for now.
        #expect(!behind.waitUntilExit(seconds: 5))
        behind.waitUntilExit()
        let waited = Date().timeIntervalSince(started)
        #expect(try String(contentsOfFile: output.path + ".status", encoding: .utf8) == "200")
        #expect(waited >= 29 && waited < 40, "answered after \(waited) s")
        #expect(try String(contentsOf: output, encoding: .utf8).contains("\nnetstat_scrape_collections_total 2\n"))
        try procfs.release(writer)
        stuck.waitUntilExit()
        #expect(stuck.terminationStatus == 0)
        #expect(try CurlResponse.get(["\(exporter.base)/metrics?exclude[]=sockets"]).status == 200)
    }

    @Test func zeroMeansNoLimitAndBadValuesAreRejected() throws {
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--web.max-requests=0",
                                            "--path.procfs=\(Fixtures.path("procfs/proc"))"])
        #expect(try CurlResponse.get(["\(exporter.base)/metrics"]).status == 200)
        let bad = try Shell.run([RunningExporter.binary, "--web.max-requests=-1"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--web.max-requests: expected a whole number from 0 to 100000, got \\\"-1\\\""))
    }
}
