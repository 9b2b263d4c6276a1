import Testing
@testable import ProcNet

@Suite struct ProcessStatTests {
    @Test func parsesFieldsCountedFromTheLastParenthesis() throws {
        // A real line from /proc/self/stat, with a command name holding ") (" and spaces.
        let line = "4242 (odd) (name x) S 1 4242 4242 0 -1 4194560 1386 0 0 0 250 37 0 0 20 0 5 0 "
            + "123456 175407104 3522 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessStat.parse(Array(line.utf8)))
        #expect(stat == ProcessStat(comm: "odd) (name x", userTicks: 250, systemTicks: 37, startTicks: 123456,
                                    virtualBytes: 175407104, residentPages: 3522))
    }

    @Test func stopsAtTheGivenLength() throws {
        let line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1196 0 0 0 3 1 0 0 20 0 1 0 987654 12345678 300\n"
        let bytes = Array(line.utf8) + Array(repeating: UInt8(ascii: "x"), count: 40)
        let stat = try #require(ProcessStat.parse(bytes, length: line.utf8.count))
        #expect(stat.comm == "my (odd) name")
        #expect(stat.startTicks == 987654)
        #expect(stat.residentPages == 300)
    }

    @Test func shortOrBrokenLinesAreRejected() {
        #expect(ProcessStat.parse(Array("1 (a) S 1 2 3\n".utf8)) == nil)
        #expect(ProcessStat.parse(Array("4242 (cat) S 1 4242".utf8)) == nil)
        #expect(ProcessStat.parse(Array("no parenthesis at all".utf8)) == nil)
        let line = "1 (a) S 1 1 1 0 -1 0 0 0 0 0 x 37 0 0 20 0 5 0 1 2 3\n"
        #expect(ProcessStat.parse(Array(line.utf8)) == nil)
    }

    @Test func readsOwnProcess() throws {
        let stat = try #require(ProcessStat.parse(try ProcFile.read("/proc/self/stat")))
        #expect(stat.comm == (try ProcFile.readAttribute("/proc/self/comm")))
        #expect(stat.startTicks > 0)
        #expect(stat.residentPages > 0)
    }

    @Test func bootTimeFromProcStat() {
        let text = "cpu  1 2 3 4\nintr 5 6\nctxt 100\nbtime 1795634000\nprocesses 42\n"
        #expect(BootTime.parse(Array(text.utf8)) == 1795634000)
        #expect(BootTime.parse(Array("cpu 1 2\n".utf8)) == nil)
    }
}
