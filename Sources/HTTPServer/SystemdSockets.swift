#if canImport(Glibc)
import Glibc
#endif
import CMicroHTTPD

/// The listening sockets systemd passes a socket-activated service, read as sd_listen_fds(3)
/// does: they are fds 3 ..< 3 + LISTEN_FDS, but only if LISTEN_PID is this process (else they were
/// meant for a parent that exec'd us). LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are unset once
/// read, so children never see them, and each descriptor is made close-on-exec.
public enum SystemdSockets {
    /// The first descriptor systemd passes (SD_LISTEN_FDS_START).
    static let firstDescriptor: Int32 = 3

    /// The variables sd_listen_fds(3) reads.
    static let variables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]

    /// Takes the descriptors this process's environment names, then unsets the variables; empty
    /// when none were passed to this process.
    public static func take() throws(HTTPServerError) -> [Int32] {
        let environment = processEnvironment()
        defer {
            for name in variables { unsetenv(name) }
        }
        return try take(environment: environment)
    }

    /// `take()` over the environment given and with the first descriptor given, so a test can
    /// hand over one of its own without changing its process's environment.
    static func take(from firstDescriptor: Int32 = firstDescriptor,
                     environment: [String: String]) throws(HTTPServerError) -> [Int32] {
        guard let pidText = environment["LISTEN_PID"] else { return [] }
        guard let pid = pid_t(pidText), pid > 0 else {
            throw .systemdSockets("LISTEN_PID=\(pidText) is not a process id")
        }
        guard pid == getpid() else { return [] }
        guard let countText = environment["LISTEN_FDS"] else { return [] }
        guard let count = Int32(countText), count >= 0, count <= 1024 else {
            throw .systemdSockets("LISTEN_FDS=\(countText) is not a number of descriptors")
        }
        let descriptors = Array(firstDescriptor ..< firstDescriptor + count)
        for fd in descriptors where netstat_set_cloexec(fd) != 0 {
            throw .systemdSockets("descriptor \(fd) from LISTEN_FDS=\(count) is not open")
        }
        return descriptors
    }

    /// LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES as this process's environment has them (getenv).
    static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in variables {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return environment
    }
}
