import Foundation

/// A program the tests start (the exporter, a tool run to completion, sockfarm, Prometheus …),
/// through posix_spawn, its output to files.
///
/// Not Foundation's `Process`: on Linux its children inherit the test thread's blocked signal
/// mask, so SIGTERM never reaches them (sockfarm's workers then outlive the test). Here the
/// child starts with an empty mask and default handlers, and we reap it ourselves. Like
/// `Process`, it closes every descriptor but stdin, stdout and stderr in the child: a socket a
/// test holds must not gain a second owner because another test started a program meanwhile.
public final class ChildProcess: @unchecked Sendable {
    /// How the child ended, as Foundation's `Process.TerminationReason` says it.
    public enum TerminationReason: Sendable {
        case exit
        case uncaughtSignal
    }

    public let pid: pid_t
    private let lock = NSLock()
    private var exited = false
    private var status: Int32 = 0

    /// Starts `arguments` (the first is looked up on PATH) with stdin read from `stdin` and
    /// stdout and stderr written to `stdout` and `stderr` (created or truncated). When both name
    /// the same file it is one log, stderr a duplicate of stdout.
    public init(_ arguments: [String], stdin: String = "/dev/null", stdout: String = "/dev/null",
                stderr: String = "/dev/null") throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if stderr == stdout {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        let closed = ChildProcess.addCloseFrom(&actions, 3)
        guard closed == 0 else {
            throw SpawnFailed(command: arguments.joined(separator: " "), reason: String(cString: strerror(closed)))
        }

        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, arguments[0], &actions, &attributes, cArguments, environ)
        guard status == 0 else {
            throw SpawnFailed(command: arguments.joined(separator: " "), reason: String(cString: strerror(status)))
        }
        pid = child
    }

    /// Starts `arguments` with stdout and stderr both written to `log`.
    public convenience init(_ arguments: [String], log: String) throws {
        try self.init(arguments, stdout: log, stderr: log)
    }

    /// A child is never left behind: one still running when the last reference goes is killed.
    deinit { stop(grace: 0) }

    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !reap(blocking: false)
    }

    /// The exit status, or the number of the signal that ended the child; 0 while it runs.
    public var terminationStatus: Int32 {
        lock.lock()
        defer { lock.unlock() }
        guard exited else { return 0 }
        return WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status)
    }

    public var terminationReason: TerminationReason {
        lock.lock()
        defer { lock.unlock() }
        return exited && WIFSIGNALED(status) ? .uncaughtSignal : .exit
    }

    /// Waits until the child has exited.
    public func waitUntilExit() {
        lock.lock()
        defer { lock.unlock() }
        _ = reap(blocking: true)
    }

    /// Waits at most `seconds` for the child to exit; true when it did. A child that hangs fails
    /// the test that waits for it instead of hanging the suite.
    public func waitUntilExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { usleep(10_000) }
        return !isRunning
    }

    /// Sends `signal` to the child while it runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// SIGTERM, up to `grace` seconds to exit, then SIGKILL; always reaped.
    public func stop(grace: Double = 5) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        guard !waitUntilExit(seconds: grace) else { return }
        kill(pid, SIGKILL)
        waitUntilExit()
    }

    /// Collects the child's exit status if it has exited (or, blocking, once it does); true when
    /// it has. Call with the lock held.
    private func reap(blocking: Bool) -> Bool {
        guard !exited else { return true }
        var result: pid_t
        var waitStatus: Int32 = 0
        repeat {
            result = waitpid(pid, &waitStatus, blocking ? 0 : WNOHANG)
        } while result < 0 && errno == EINTR
        if result == pid {
            status = waitStatus
            exited = true
        } else if result < 0 {
            // ECHILD: reaped elsewhere; it is gone, its status unknown.
            exited = true
        }
        return exited
    }

    /// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): declared only under _GNU_SOURCE,
    /// which Swift's Glibc module does not define.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom = {
        // dlsym(RTLD_DEFAULT, …): the handle is a null pointer.
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("no posix_spawn_file_actions_addclosefrom_np in libc")
        }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    // Glibc's macros over the wait status, which Swift does not import.
    private func WIFSIGNALED(_ status: Int32) -> Bool { status & 0x7f != 0 && status & 0x7f != 0x7f }
    private func WTERMSIG(_ status: Int32) -> Int32 { status & 0x7f }
    private func WEXITSTATUS(_ status: Int32) -> Int32 { (status >> 8) & 0xff }
}

public struct SpawnFailed: Error, CustomStringConvertible {
    public let command: String
    public let reason: String
    public var description: String { "cannot start \(command): \(reason)" }
}
