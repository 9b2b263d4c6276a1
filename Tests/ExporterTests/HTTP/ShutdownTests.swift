import Foundation
import Testing
import TestSupport

/// Issue 9 part 7: SIGTERM and SIGINT let scrapes in flight finish (for up to 5 s), then exit 0;
/// SIGHUP reloads the web config and nothing else. A scrape is held inside the sockets collector
/// on a FIFO (`ScrapeLimitTests.BlockingProcfs`) for as long as a test wants.
/// Timed (the drain's 5 s window is measured): serialized, and run by `make test` among the
/// timed suites (TIMED_SUITES), after the parallel phase, so other suites' CPU is not what it
/// measures.
@Suite(.serialized) struct ShutdownTests {
    /// A curl in the background that writes the status it got to a file.
    final class BackgroundScrape {
        let process: ChildProcess
        let statusFile: URL

        init(_ url: String, extra: [String] = []) throws {
            statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("status-\(UUID().uuidString)")
            process = try ChildProcess(["curl", "-sS", "-g", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20"]
                                       + extra + [url], stdout: statusFile.path)
        }

        deinit { try? FileManager.default.removeItem(at: statusFile) }

        /// Waits for curl to end (at most `timeout` seconds); the HTTP status it printed.
        func status(timeout: Double = 15) -> String {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            process.stop(grace: 0.2)
            return (try? String(contentsOf: statusFile, encoding: .utf8)) ?? ""
        }
    }

    /// An exporter on a FIFO procfs with one scrape held inside it: the tree, the exporter, the
    /// scrape, and the FIFO's write end that releases it.
    func startWithAScrapeHeld(_ flags: [String] = [], scheme: String = "http", curl: [String] = [])
        throws -> (ScrapeLimitTests.BlockingProcfs, RunningExporter, BackgroundScrape, Int32) {
        let procfs = try ScrapeLimitTests.BlockingProcfs()
        let exporter = try RunningExporter(["--web.listen-address=127.0.0.1:0", "--path.procfs=\(procfs.root.path)"]
                                           + flags)
        let held = try BackgroundScrape("\(scheme)://\(exporter.addresses[0])/metrics?collect[]=sockets", extra: curl)
        let writer = procfs.waitForReader()
        try #require(writer >= 0)
        return (procfs, exporter, held, writer)
    }

    /// Waits up to `timeout` seconds for the exporter to exit; how long that took.
    func waitForExit(_ exporter: RunningExporter, timeout: Double) -> Double? {
        let started = Date()
        while exporter.process.isRunning && Date().timeIntervalSince(started) < timeout { usleep(10_000) }
        guard !exporter.process.isRunning else { return nil }
        exporter.process.waitUntilExit()
        return Date().timeIntervalSince(started)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aScrapeInFlightFinishesThenTheExporterExitsZero(signal: Int32) throws {
        let (procfs, exporter, held, writer) = try startWithAScrapeHeld()

        kill(exporter.pid, signal)
        #expect(exporter.waitForLog("Shutting down on signal \(signal)"))
        usleep(300_000)
        // Draining: still alive for the scrape it has, but no longer accepting.
        #expect(exporter.process.isRunning)
        #expect(try CurlResponse.get(["\(exporter.base)/"], timeout: 5).exitCode == 7)

        try procfs.release(writer)
        #expect(held.status() == "200")
        let exitedAfter = waitForExit(exporter, timeout: 5)
        #expect(exitedAfter != nil)
        #expect(exporter.process.terminationReason == .exit)
        #expect(exporter.process.terminationStatus == 0)
    }

    @Test func aScrapeStillRunningAfterFiveSecondsGets503AndTheExitIsStillZero() throws {
        let (procfs, exporter, held, writer) = try startWithAScrapeHeld()
        // The scrape is never released; the FIFO's tree lives until the test ends.
        defer { withExtendedLifetime(procfs) { close(writer) } }

        kill(exporter.pid, SIGTERM)
        let exitedAfter = waitForExit(exporter, timeout: 10)
        #expect(exitedAfter != nil && exitedAfter! >= 4.5 && exitedAfter! < 7, "exited after \(exitedAfter ?? -1) s")
        #expect(exporter.process.terminationStatus == 0)
        #expect(held.status() == "503")
        #expect(exporter.stderr.contains("Shutting down with requests still running after 5.0s; they get 503"))
    }

    @Test func sighupWithoutAWebConfigChangesNothing() throws {
        let (procfs, exporter, held, writer) = try startWithAScrapeHeld()

        kill(exporter.pid, SIGHUP)
        #expect(exporter.waitForLog("SIGHUP without --web.config.file: nothing to reload"))
        #expect(exporter.process.isRunning)
        // Another scrape would wait for the held collection (one runs at a time); the landing
        // page shows the listener still answering.
        #expect(try CurlResponse.get(["\(exporter.base)/"]).status == 200)
        try procfs.release(writer)
        #expect(held.status() == "200")
        #expect(try CurlResponse.get(["\(exporter.base)/metrics?exclude[]=sockets"]).status == 200)
        #expect(exporter.process.isRunning)
    }

    @Test func sighupRestartingTLSLetsTheScrapeInFlightFinish() throws {
        let pki = try TestCertificates()
        try WebSecurityTests.writeConfig(pki)
        let (procfs, exporter, held, writer) = try startWithAScrapeHeld(
            ["--web.config.file=\(pki.path("web.yml"))"], scheme: "https", curl: ["--cacert", pki.path("ca.crt")])
        let url = "https://\(exporter.addresses[0])/metrics"

        // A new server certificate: the listener's daemon is replaced on the same socket; the old
        // one keeps the scrape it has until that scrape is answered.
        try pki.issue("server2", by: "ca", subject: "/CN=127.0.0.1",
                      extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        try WebSecurityTests.writeConfig(pki, serverCert: "server2")
        kill(exporter.pid, SIGHUP)
        usleep(500_000)
        try procfs.release(writer)
        #expect(held.status() == "200")
        #expect(exporter.waitForLog("Reloaded web config"))
        // New connections meet the new certificate (both are from the same CA, so only the
        // fingerprint tells them apart).
        let served = try WebSecurityTests.fingerprint(servedAt: exporter.addresses[0])
        #expect(served == (try WebSecurityTests.fingerprint(ofFile: pki.path("server2.crt"))))
        #expect(served != (try WebSecurityTests.fingerprint(ofFile: pki.path("server.crt"))))
        let after = try CurlResponse.get(["--cacert", pki.path("ca.crt"), url + "?exclude[]=sockets"])
        #expect(after.status == 200)
        #expect(exporter.process.isRunning)
    }
}
