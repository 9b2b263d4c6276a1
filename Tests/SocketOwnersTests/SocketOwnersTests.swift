import Foundation
import ProcNet
@testable import SocketOwners
import Testing

/// The owner cache against this test process's own descriptors: real sockets and files
/// opened, closed and reopened between scans, looked up by their inode as a dump would.
@Suite(.serialized) struct SocketOwnersTests {
    let me = getpid()

    func inode(_ fd: Int32) -> UInt32 {
        var info = stat()
        fstat(fd, &info)
        return UInt32(truncatingIfNeeded: info.st_ino)
    }

    func newSocket() -> Int32 {
        socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    }

    func owner(_ owners: SocketOwners, _ inodes: [UInt32]) -> SocketAttribution {
        owners.attribute(inodes, uids: inodes.map { _ in getuid() }, scan: owners.beginScan())
    }

    @Test func findsOwnSocketAndName() throws {
        let owners = SocketOwners(procfs: "/proc")
        let fd = newSocket()
        defer { close(fd) }
        let found = owner(owners, [inode(fd), 0])
        #expect(found.owners == [me, -1])
        #expect(found.names[me] == (try ProcFile.readAttribute("/proc/self/comm")))
        #expect(found.complete)
    }

    /// A python child whose descriptors only change when told to, so its descriptor count is
    /// steady and the cache answers for it without listing its fds. Each command prints the
    /// inode of the socket it leaves open on the descriptor it touched.
    final class Child {
        static let script = """
            import os, socket, sys, time
            keep = socket.socket(); f = open("/proc/self/stat"); s = socket.socket(); more = []
            def show(sock): print(os.fstat(sock.fileno()).st_ino, flush=True)
            show(s)
            for line in sys.stdin:
                if line.startswith("socket"):      # close the socket, open another on its number
                    s.close(); s = socket.socket(); show(s)
                elif line.startswith("file"):      # close the file, open a socket on its number
                    f.close(); t = socket.socket(); show(t)
                elif line.startswith("fork"):      # a child that holds the socket too and sleeps
                    k = os.fork()
                    if k == 0:
                        time.sleep(120); os._exit(0)
                    print(k, flush=True)
                elif line.startswith("drop"):      # close the socket here only
                    s.close(); print(0, flush=True)
                elif line.startswith("more"):      # one more descriptor
                    more.append(socket.socket()); show(more[-1])
                elif line.startswith("exit"):
                    break
            """
        let process = Process()
        let input = Pipe(), output = Pipe()

        init() throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", Child.script]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }

        struct NoAnswer: Error, CustomStringConvertible {
            let description: String
        }

        /// The next line the child prints, waiting at most `timeout` seconds: a child that died
        /// (EOF) or hangs is an error, never an endless loop.
        func readInode(timeout: Double = 10) throws -> UInt32 {
            var text = ""
            let fd = output.fileHandleForReading.fileDescriptor
            let deadline = Date().addingTimeInterval(timeout)
            while !text.hasSuffix("\n") {
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { throw NoAnswer(description: "no line from the child within \(timeout) s: \(text)") }
                var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, Int32(min(left, 1) * 1000)) > 0 else { continue }
                var chunk = [UInt8](repeating: 0, count: 256)
                let count = read(fd, &chunk, chunk.count)
                guard count > 0 else { throw NoAnswer(description: "the child closed its output (exited?): \(text)") }
                text += String(decoding: chunk[..<count], as: UTF8.self)
            }
            return try #require(UInt32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        func send(_ command: String) throws -> UInt32 {
            input.fileHandleForWriting.write(Data((command + "\n").utf8))
            return try readInode()
        }

        deinit { if process.isRunning { stop() } }

        /// Closes the child's input and waits up to 10 s for it to exit, then kills it.
        func stop() {
            try? input.fileHandleForWriting.close()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    @Test func socketReplacedOnTheSameDescriptorIsFoundAtOnce() throws {
        let owners = SocketOwners(procfs: "/proc")
        let child = try Child()
        let first = try child.readInode()
        #expect(owner(owners, [first]).owners == [child.pid])
        #expect(owner(owners, [first]).owners == [child.pid])
        // Same descriptor number and count: found through the cached socket leaving the dump.
        let second = try child.send("socket")
        #expect(owner(owners, [second]).owners == [child.pid])
        #expect(owner(owners, [second]).owners == [child.pid])
        child.stop()
        #expect(owner(owners, [second]).owners == [-1])
    }

    @Test func fileDescriptorReusedForSocketIsFound() throws {
        let owners = SocketOwners(procfs: "/proc")
        let child = try Child()
        let socket = try child.readInode()
        #expect(owner(owners, [socket]).owners == [child.pid])
        // A file's number now holds a socket and the count is unchanged: unless the child's CPU
        // time moved, it is not listed, and the new socket waits one scrape as pending; the next
        // scrape lists the unlisted processes of its uid and finds it.
        let onFileNumber = try child.send("file")
        let first = owner(owners, [socket, onFileNumber]).owners
        #expect(first == [child.pid, child.pid] || first == [child.pid, SocketAttribution.pendingOwner])
        #expect(owner(owners, [socket, onFileNumber]).owners == [child.pid, child.pid])
        child.stop()
    }

    /// A socket opened after the fd tables were read cannot be attributed by that scan: it is
    /// pending for that scrape only, then has its owner, and sockets of the previous dump keep
    /// theirs all along.
    @Test func socketBornAfterTheScanIsPendingForOneScrape() throws {
        let owners = SocketOwners(procfs: "/proc")
        let child = try Child()
        let socket = try child.readInode()
        #expect(owner(owners, [socket]).owners == [child.pid])
        let scan = owners.beginScan()
        scan.waitUntilScanned()
        let born = try child.send("file")
        let uids = [getuid(), getuid()]
        #expect(owners.attribute([socket, born], uids: uids, scan: scan).owners
                == [child.pid, SocketAttribution.pendingOwner])
        #expect(owner(owners, [socket, born]).owners == [child.pid, child.pid])
        #expect(owner(owners, [socket, born]).owners == [child.pid, child.pid])
        child.stop()
        // Gone with its process: no owner, and not pending (it was in the previous dump).
        #expect(owner(owners, [born]).owners == [-1])
    }

    /// The owner the cache knew closes its descriptor while a process that is not listed (same
    /// descriptor count, idle) still holds the socket: found in the same scrape.
    @Test func socketKeptByAnUnlistedProcessKeepsAnOwner() throws {
        let owners = SocketOwners(procfs: "/proc")
        let child = try Child()
        let socket = try child.readInode()
        let holder = Int32(try child.send("fork"))
        defer { kill(holder, SIGKILL) }
        #expect(holder > child.pid, "the forked holder needs the higher pid to be the one not cached")
        #expect(owner(owners, [socket]).owners == [child.pid])
        #expect(owner(owners, [socket]).owners == [child.pid])
        _ = try child.send("drop")
        #expect(owner(owners, [socket]).owners == [holder])
        #expect(owner(owners, [socket]).owners == [holder])
        kill(holder, SIGKILL)
        child.stop()
    }

    /// Under churn most sockets whose owner let go of them closed after the dump saw them: the
    /// kernel is asked first (`stillOpen`), and one it no longer has is not searched for in
    /// every unlisted process. The sockets of a process listed in the last scan are the ones
    /// whose endpoints the dump keeps for that question (`watched`).
    @Test func lostSocketTheKernelNoLongerHasIsNotSearchedFor() throws {
        let owners = SocketOwners(procfs: "/proc")
        let child = try Child()
        let socket = try child.readInode()
        let holder = Int32(try child.send("fork"))
        defer { kill(holder, SIGKILL) }
        #expect(owner(owners, [socket]).owners == [child.pid])
        let second = owners.beginScan()
        #expect(!second.watched.contains(socket), "read for the first time: not watched")
        #expect(owners.attribute([socket], uids: [getuid()], scan: second).owners == [child.pid])
        _ = try child.send("more")
        #expect(owner(owners, [socket]).owners == [child.pid])
        let scan = owners.beginScan()
        #expect(scan.watched.contains(socket), "listed last scan because it changed: watched")
        #expect(owners.attribute([socket], uids: [getuid()], scan: scan).owners == [child.pid])
        _ = try child.send("drop")
        var asked: [Int] = []
        let answer = owners.attribute([socket], uids: [getuid()], scan: owners.beginScan()) { position in
            asked.append(position)
            return false
        }
        #expect(asked == [0])
        #expect(answer.owners == [-1], "the kernel said closed: the unlisted holder is not searched")
        kill(holder, SIGKILL)
        child.stop()
    }

    /// With many descriptors and nothing cached (the first scrape of a busy host) a second
    /// thread reads half the processes' links: the answers are those of one thread.
    @Test func secondThreadReadsHalfTheUnreadProcessesWithTheSameAnswers() throws {
        let first = try Child(), second = try Child()
        let fd = newSocket()
        defer { close(fd) }
        let inodes = [try first.readInode(), try second.readInode(), inode(fd)]
        let split = owner(SocketOwners(procfs: "/proc", secondThreadFrom: 1), inodes)
        let alone = owner(SocketOwners(procfs: "/proc", secondThreadFrom: .max), inodes)
        #expect(split.owners == [first.process.processIdentifier, second.process.processIdentifier, me])
        #expect(split.owners == alone.owners)
        // Other processes come and go between the two scans (the suite runs in parallel): the
        // names that matter are the owners'.
        for pid in split.owners { #expect(split.names[pid] != nil && split.names[pid] == alone.names[pid]) }
        first.stop()
        second.stop()
    }

    @Test func nameOfAnotherProcess() throws {
        let owners = SocketOwners(procfs: "/proc")
        let child = try Child()
        let socket = try child.readInode()
        let found = owner(owners, [socket])
        #expect(found.names[child.pid] == "python3")
        child.stop()
    }

    @Test func unreadableProcfsFindsNothing() {
        let owners = SocketOwners(procfs: "/nonexistent")
        let fd = newSocket()
        defer { close(fd) }
        // The first scrape calls nothing pending (every process was looked at); nor the next.
        #expect(owner(owners, [inode(fd)]).owners == [-1])
        #expect(owner(owners, [inode(fd)]).owners == [-1])
    }
}
