/// The fields of `/proc/<pid>/stat` the exporter needs: the name and start time for socket
/// attribution, CPU and memory for the `process_*` metrics (proc(5), "/proc/pid/stat"; kernel
/// fs/proc/array.c `do_task_stat`):
///
///     1234 (nginx: worker) S 1 1234 1234 0 -1 4194624 … 14:utime 15:stime … 22:starttime 23:vsize 24:rss …
///
/// `comm` is field 2, between the first "(" and the last ")" (it may itself hold spaces and
/// parentheses), so the numbered fields are counted from the last ")". Times are in clock
/// ticks (sysconf(_SC_CLK_TCK)); the start time tells a process from a later one that got the
/// same pid.
public struct ProcessStat: Sendable, Hashable {
    public var comm: String
    /// Field 14, user-mode CPU time in clock ticks.
    public var userTicks: UInt64
    /// Field 15, kernel-mode CPU time in clock ticks.
    public var systemTicks: UInt64
    /// Field 22, start time in clock ticks after boot.
    public var startTicks: UInt64
    /// Field 23, virtual memory size in bytes.
    public var virtualBytes: UInt64
    /// Field 24, resident set size in pages.
    public var residentPages: UInt64

    public init(comm: String, userTicks: UInt64, systemTicks: UInt64, startTicks: UInt64,
                virtualBytes: UInt64, residentPages: UInt64) {
        self.comm = comm
        self.userTicks = userTicks
        self.systemTicks = systemTicks
        self.startTicks = startTicks
        self.virtualBytes = virtualBytes
        self.residentPages = residentPages
    }

    /// Parses the first `length` bytes of a stat line (all by default); nil when it is cut
    /// short or a needed field is not a number.
    public static func parse(_ bytes: [UInt8], length: Int? = nil) -> ProcessStat? {
        let end = min(length ?? bytes.count, bytes.count)
        guard let open = bytes[0..<end].firstIndex(of: UInt8(ascii: "(")),
              let close = bytes[0..<end].lastIndex(of: UInt8(ascii: ")")), close > open else { return nil }
        let lineEnd = bytes[close..<end].firstIndex(of: UInt8(ascii: "\n")) ?? end
        var fields = ByteFields(bytes, line: (close + 1)..<lineEnd)
        // Field 3 (state) is the first after ")".
        guard fields.skip(11),
              let user = fields.next().flatMap({ ByteNumber.decimal(bytes, $0) }),
              let system = fields.next().flatMap({ ByteNumber.decimal(bytes, $0) }),
              fields.skip(6),
              let start = fields.next().flatMap({ ByteNumber.decimal(bytes, $0) }),
              let virtual = fields.next().flatMap({ ByteNumber.decimal(bytes, $0) }),
              let resident = fields.next().flatMap({ ByteNumber.decimal(bytes, $0) })
        else { return nil }
        return ProcessStat(comm: ByteNumber.text(bytes, (open + 1)..<close), userTicks: user, systemTicks: system,
                           startTicks: start, virtualBytes: virtual, residentPages: resident)
    }
}

/// The `btime` line of `/proc/stat`: boot time in seconds since the epoch
/// (proc(5), "/proc/stat"; kernel fs/proc/stat.c).
public enum BootTime {
    public static func parse(_ bytes: [UInt8]) -> UInt64? {
        for line in ByteLines(bytes) {
            var fields = ByteFields(bytes, line: line)
            guard let key = fields.next(), ByteNumber.equals(bytes, key, "btime"),
                  let value = fields.next() else { continue }
            return ByteNumber.decimal(bytes, value)
        }
        return nil
    }
}
