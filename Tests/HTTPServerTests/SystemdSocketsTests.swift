#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// sd_listen_fds semantics of `SystemdSockets.take`, with a pipe standing in for systemd's
/// sockets (no socket is opened here; the end-to-end test runs systemd-socket-activate).
/// Serialized: the tests change this process's environment.
@Suite(.serialized) struct SystemdSocketsTests {
    func set(pid: String?, fds: String?) {
        if let pid { setenv("LISTEN_PID", pid, 1) } else { unsetenv("LISTEN_PID") }
        if let fds { setenv("LISTEN_FDS", fds, 1) } else { unsetenv("LISTEN_FDS") }
        setenv("LISTEN_FDNAMES", "metrics", 1)
    }

    func environmentIsClean() -> Bool {
        getenv("LISTEN_PID") == nil && getenv("LISTEN_FDS") == nil && getenv("LISTEN_FDNAMES") == nil
    }

    /// A pipe: two open descriptors, without close-on-exec.
    func pipeDescriptors() throws -> (Int32, Int32) {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        return (ends[0], ends[1])
    }

    @Test func descriptorsForThisProcessAreTakenMadeCloseOnExecAndTheVariablesUnset() throws {
        let (read, write) = try pipeDescriptors()
        defer { close(read); close(write) }
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC == 0)
        set(pid: String(getpid()), fds: "1")
        #expect(try SystemdSockets.take(from: read) == [read])
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC != 0)
        #expect(environmentIsClean())
    }

    @Test func descriptorsForAnotherProcessAreLeftAlone() throws {
        let (read, write) = try pipeDescriptors()
        defer { close(read); close(write) }
        set(pid: "1", fds: "1")
        #expect(try SystemdSockets.take(from: read) == [])
        #expect(fcntl(read, F_GETFD) & FD_CLOEXEC == 0)
        #expect(environmentIsClean())
        set(pid: nil, fds: "1")
        #expect(try SystemdSockets.take(from: read) == [])
        #expect(environmentIsClean())
    }

    @Test func malformedOrClosedIsAnError() throws {
        set(pid: String(getpid()), fds: "two")
        #expect(throws: HTTPServerError.systemdSockets("LISTEN_FDS=two is not a number of descriptors")) {
            try SystemdSockets.take(from: 3)
        }
        #expect(environmentIsClean())
        set(pid: "me", fds: "1")
        #expect(throws: HTTPServerError.systemdSockets("LISTEN_PID=me is not a process id")) {
            try SystemdSockets.take(from: 3)
        }
        let (read, write) = try pipeDescriptors()
        close(read)
        close(write)
        set(pid: String(getpid()), fds: "1")
        #expect(throws: HTTPServerError.systemdSockets("descriptor \(read) from LISTEN_FDS=1 is not open")) {
            try SystemdSockets.take(from: read)
        }
        #expect(environmentIsClean())
    }

    @Test func aDescriptorThatIsNotAListeningSocketIsRefused() throws {
        let (read, write) = try pipeDescriptors()
        defer { close(read); close(write) }
        #expect(throws: HTTPServerError.systemdSockets("descriptor \(read) is not a listening TCP socket")) {
            try HTTPServer(listeningSocket: read, workers: WorkerPool(maxThreads: 1)) { _ in HTTPResponse(status: 200) }
        }
    }
}
