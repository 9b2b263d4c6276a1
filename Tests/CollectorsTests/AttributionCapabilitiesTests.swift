import Collectors
import ProcNet
import Testing

/// Which of the two capabilities attribution needs an effective set lacks (CapEff parsing is
/// ProcessCapabilities', tested in ProcNetTests).
@Suite struct AttributionCapabilitiesTests {
    @Test func namesWhatIsMissing() {
        func missing(_ effective: UInt64) -> [String] {
            AttributionCapabilities.missing(ProcessCapabilities(effective: effective))
        }
        // root: everything; nobody: nothing; CAP_SYS_PTRACE is bit 19, CAP_DAC_READ_SEARCH bit 2.
        #expect(missing(0x1ff_ffff_ffff) == [])
        #expect(missing(0) == ["CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH"])
        #expect(missing(1 << 19) == ["CAP_DAC_READ_SEARCH"])
        #expect(missing(1 << 2) == ["CAP_SYS_PTRACE"])
        #expect(missing(0x80004) == [])
    }

    @Test func aFixtureProcfsWithoutSelfLogsNothing() {
        #expect(AttributionCapabilities.startupWarning(paths: ProcPaths(procfs: "/nonexistent")) == nil)
    }
}
