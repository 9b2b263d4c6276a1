import Testing
import TestSupport
@testable import ProcNet

@Suite struct ProcFileTests {
    @Test func readsALiveProcFileWhoseStatSizeIsZero() throws {
        let bytes = try ProcFile.read("/proc/net/unix")
        #expect(bytes.starts(with: Array("Num".utf8)))
    }

    @Test func tellsAMissingFileFromAnUnreadableOne() {
        #expect(throws: ProcNetError.notFound(path: "/proc/net/no-such-table")) {
            try ProcFile.read("/proc/net/no-such-table")
        }
        #expect {
            try ProcFile.read("/proc/self/mem")
        } throws: { error in
            guard case .readFailed(let path, _) = error as? ProcNetError else { return false }
            return path == "/proc/self/mem"
        }
    }

    @Test func readsLargeFilesWhole() throws {
        let directory = try Fixtures.temporaryDirectory()
        let text = String(repeating: "0123456789abcdef", count: 300_000)
        try Fixtures.write(text, to: "big", in: directory)
        let bytes = try ProcFile.read(directory.appendingPathComponent("big").path)
        #expect(bytes.count == 4_800_000)
        #expect(try ProcFile.readAttribute(Fixtures.path("procfs/proc/net/sockstat")).hasPrefix("sockets: used"))
    }
}
