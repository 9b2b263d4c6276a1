import ProcNet
import Testing

@Suite struct ProcessStatTests {
    @Test func parsesCommWithSpacesAndParenthesesAndStartTime() throws {
        let line = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1196 0 0 0 3 1 0 0 20 0 1 0 987654 12345678 300\n"
        let stat = try #require(ProcessStat.parse(Array(line.utf8)))
        #expect(stat.comm == "my (odd) name")
        #expect(stat.startTime == 987654)
    }

    @Test func rejectsTruncatedLine() {
        #expect(ProcessStat.parse(Array("4242 (cat) S 1 4242".utf8)) == nil)
        #expect(ProcessStat.parse(Array("no parentheses here".utf8)) == nil)
    }

    @Test func readsOwnProcess() throws {
        let bytes = try ProcFile.read("/proc/self/stat")
        let stat = try #require(ProcessStat.parse(bytes))
        let comm = try ProcFile.readAttribute("/proc/self/comm")
        #expect(stat.comm == comm)
        #expect(stat.startTime > 0)
    }
}
