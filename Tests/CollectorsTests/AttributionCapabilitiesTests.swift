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

extension AttributionCapabilitiesTests {
    /// The warning keeps its wording now that CapabilityRequirement, which --netns.all shares, writes it.
    @Test func theWarningNamesWhatIsMissingAndHowToGrantIt() {
        #expect(AttributionCapabilities.requirement.warning(ProcessCapabilities(effective: 1 << 19))
                == "Socket attribution will be incomplete: missing capabilities CAP_DAC_READ_SEARCH; sockets of"
                + " other users' processes show as process=unknown and netstat_sockets_attribution_complete is 0."
                + " Grant CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (systemd: AmbientCapabilities=CAP_SYS_PTRACE"
                + " CAP_DAC_READ_SEARCH) to complete it.")
    }
}
