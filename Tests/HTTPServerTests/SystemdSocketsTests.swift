#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// sd_listen_fds semantics of `SystemdSockets.take`, with a pipe standing in for systemd's
/// sockets (no socket is opened here; the end-to-end test runs systemd-socket-activate). Each
/// test passes its environment in; this process's own environment is never changed.
struct SystemdSocketsTests {
    func environment(pid: String?, fds: String?) -> [String: String] {
        var environment = ["LISTEN_FDNAMES": "metrics"]
        environment["LISTEN_PID"] = pid
        environment["LISTEN_FDS"] = fds
        return environment
    }

    /// A pipe: two open descriptors, without close-on-exec.
    func pipeDescriptors() throws -> (Int32, Int32) {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        return (ends[0], ends[1])
    }

    @Test func descriptorsForThisProcessAreTakenAndMadeCloseOnExec() throws {
        let (read, write) = try pipeDescriptors()
        defer { close(read); close(write) }
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC == 0)
        let passed = environment(pid: String(getpid()), fds: "1")
        #expect(try SystemdSockets.take(from: read, environment: passed) == [read])
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test func descriptorsForAnotherProcessAreLeftAlone() throws {
        let (read, write) = try pipeDescriptors()
        defer { close(read); close(write) }
        #expect(try SystemdSockets.take(from: read, environment: environment(pid: "1", fds: "1")) == [])
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC == 0)
        #expect(try SystemdSockets.take(from: read, environment: environment(pid: nil, fds: "1")) == [])
        #expect(try SystemdSockets.take(from: read, environment: environment(pid: String(getpid()), fds: nil)) == [])
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC == 0)
    }

    @Test func malformedOrClosedIsAnError() throws {
        #expect(throws: HTTPServerError.systemdSockets("LISTEN_FDS=two is not a number of descriptors")) {
            try SystemdSockets.take(from: 3, environment: environment(pid: String(getpid()), fds: "two"))
        }
        #expect(throws: HTTPServerError.systemdSockets("LISTEN_PID=me is not a process id")) {
            try SystemdSockets.take(from: 3, environment: environment(pid: "me", fds: "1"))
        }
        // A descriptor at the open-file limit can never be open, whatever other tests open
        // meanwhile (a number just closed could be reused by them at once).
        var limit = rlimit()
        try #require(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0)
        let closed = Int32(clamping: limit.rlim_cur)
        #expect(throws: HTTPServerError.systemdSockets("descriptor \(closed) from LISTEN_FDS=1 is not open")) {
            try SystemdSockets.take(from: closed, environment: environment(pid: String(getpid()), fds: "1"))
        }
    }

    @Test func aDescriptorThatIsNotAListeningSocketIsRefused() throws {
        let (read, write) = try pipeDescriptors()
        defer { close(read); close(write) }
        #expect(throws: HTTPServerError.systemdSockets("descriptor \(read) is not a listening TCP socket")) {
            try HTTPServer(listeningSocket: read, workers: WorkerPool(maxThreads: 1),
                           memory: ResponseMemory(limit: 0)) { _, responder in responder.respond(HTTPResponse(status: 200)) }
        }
    }
}
