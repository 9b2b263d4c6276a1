/// What the connection tracker of one network namespace reports: its entry count and its
/// statistics summed over every CPU. A statistic the source does not have (an older kernel's
/// file without the column) is absent, not zero.
public struct ConntrackStatistics: Sendable, Hashable {
    /// The namespace's `nf_conntrack_count`.
    public var entries: UInt64?
    public var counters: [ConntrackCounter: UInt64]
    /// How many per-CPU rows (or netlink messages) were summed.
    public var cpus: Int

    public init(entries: UInt64? = nil, counters: [ConntrackCounter: UInt64] = [:], cpus: Int = 0) {
        self.entries = entries
        self.counters = counters
        self.cpus = cpus
    }

    /// Adds one CPU's values to the sums (wrapping: the kernel's per-CPU values are 32-bit).
    public mutating func addCPU(_ values: [ConntrackCounter: UInt64]) {
        for (counter, value) in values { counters[counter, default: 0] &+= value }
        cpus += 1
    }
}
