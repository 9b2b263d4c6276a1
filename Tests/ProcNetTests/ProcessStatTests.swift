import Testing
@testable import ProcNet

@Suite struct ProcessStatTests {
    @Test func parsesFieldsCountedFromTheLastParenthesis() throws {
        // A real line from /proc/self/stat, with a command name holding ") (" and spaces.
        let line = "4242 (odd) (name x) S 1 4242 4242 0 -1 4194560 1386 0 0 0 250 37 0 0 20 0 5 0 "
            + "123456 175407104 3522 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcessStat.parse(Array(line.utf8)))
        #expect(stat == ProcessStat(userTicks: 250, systemTicks: 37, startTicks: 123456,
                                    virtualBytes: 175407104, residentPages: 3522))
    }

    @Test func shortOrBrokenLinesAreRejected() {
        #expect(ProcessStat.parse(Array("1 (a) S 1 2 3\n".utf8)) == nil)
        #expect(ProcessStat.parse(Array("no parenthesis at all".utf8)) == nil)
        let line = "1 (a) S 1 1 1 0 -1 0 0 0 0 0 x 37 0 0 20 0 5 0 1 2 3\n"
        #expect(ProcessStat.parse(Array(line.utf8)) == nil)
    }

    @Test func bootTimeFromProcStat() {
        let text = "cpu  1 2 3 4\nintr 5 6\nctxt 100\nbtime 1795634000\nprocesses 42\n"
        #expect(BootTime.parse(Array(text.utf8)) == 1795634000)
        #expect(BootTime.parse(Array("cpu 1 2\n".utf8)) == nil)
    }
}
