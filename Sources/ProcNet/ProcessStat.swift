/// The fields of `/proc/<pid>/stat` the Prometheus process metrics need
/// (proc(5), "/proc/pid/stat"; kernel fs/proc/array.c, do_task_stat).
///
/// The second field, `(comm)`, may itself hold spaces and parentheses, so fields are counted
/// from the last `)`. Times are in clock ticks (sysconf(_SC_CLK_TCK)), `rss` in pages.
public struct ProcessStat: Sendable, Hashable {
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

    public init(userTicks: UInt64, systemTicks: UInt64, startTicks: UInt64, virtualBytes: UInt64,
                residentPages: UInt64) {
        self.userTicks = userTicks
        self.systemTicks = systemTicks
        self.startTicks = startTicks
        self.virtualBytes = virtualBytes
        self.residentPages = residentPages
    }

    /// Parses the one line of a stat file; nil when it is cut short or a field is not a number.
    public static func parse(_ bytes: [UInt8]) -> ProcessStat? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let end = bytes[close...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        var fields = ByteFields(bytes, line: (close + 1)..<end)
        // After `)`: field 3 (state) is the first; field N is the (N - 2)th.
        var values: [Int: UInt64] = [:]
        var number = 3
        while number <= 24, let field = fields.next() {
            if [14, 15, 22, 23, 24].contains(number) {
                guard let value = ByteNumber.decimal(bytes, field) else { return nil }
                values[number] = value
            }
            number += 1
        }
        guard number > 24 else { return nil }
        return ProcessStat(userTicks: values[14]!, systemTicks: values[15]!, startTicks: values[22]!,
                           virtualBytes: values[23]!, residentPages: values[24]!)
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
