import Collectors
import Testing

/// CapEff from /proc/<pid>/status, and which of the two capabilities attribution needs it lacks.
@Suite struct AttributionCapabilitiesTests {
    static func status(_ capEff: String) -> [UInt8] {
        Array("Name:\tnetstat_exporte\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t\(capEff)\nCapBnd:\t000001ffffffffff\n".utf8)
    }

    @Test func readsTheEffectiveSet() {
        #expect(AttributionCapabilities.effective(status: Self.status("000001ffffffffff")) == 0x1ff_ffff_ffff)
        #expect(AttributionCapabilities.effective(status: Self.status("0000000000080004")) == 0x80004)
        #expect(AttributionCapabilities.effective(status: Self.status("not hex")) == nil)
        #expect(AttributionCapabilities.effective(status: Self.status("")) == nil)
        #expect(AttributionCapabilities.effective(status: Array("Name:\tx\n".utf8)) == nil)
    }

    @Test func namesWhatIsMissing() {
        // root: everything; nobody: nothing; CAP_SYS_PTRACE (bit 19) and CAP_DAC_READ_SEARCH (bit 2).
        #expect(AttributionCapabilities.missing(effective: 0x1ff_ffff_ffff) == [])
        #expect(AttributionCapabilities.missing(effective: 0) == ["CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH"])
        #expect(AttributionCapabilities.missing(effective: 1 << 19) == ["CAP_DAC_READ_SEARCH"])
        #expect(AttributionCapabilities.missing(effective: 1 << 2) == ["CAP_SYS_PTRACE"])
        #expect(AttributionCapabilities.missing(effective: 0x80004) == [])
    }
}
