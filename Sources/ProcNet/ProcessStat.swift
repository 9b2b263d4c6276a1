/// The two fields of /proc/<pid>/stat the socket attribution needs (proc(5); kernel:
/// fs/proc/array.c `do_task_stat`):
///
///     1234 (nginx: worker) S 1 1234 1234 0 -1 4194624 … 22:starttime …
///
/// `comm` is field 2, between the first "(" and the last ")" (it may itself hold spaces and
/// parentheses); `startTime` is field 22, in clock ticks since boot, which tells a process
/// from a later one that got the same pid.
public struct ProcessStat: Sendable, Hashable {
    public var comm: String
    public var startTime: UInt64

    public init(comm: String, startTime: UInt64) {
        self.comm = comm
        self.startTime = startTime
    }

    /// Parses the first `length` bytes of a stat line; nil when it is malformed.
    public static func parse(_ bytes: [UInt8], length: Int? = nil) -> ProcessStat? {
        let end = min(length ?? bytes.count, bytes.count)
        guard let open = bytes[0..<end].firstIndex(of: UInt8(ascii: "(")),
              let close = bytes[0..<end].lastIndex(of: UInt8(ascii: ")")), close > open else { return nil }
        // Field 3 (state) starts after ") "; field 22 is the 20th field from there.
        var fields = ByteFields(bytes, line: (close + 1)..<end)
        guard fields.skip(19), let startField = fields.next(),
              let startTime = ByteNumber.decimal(bytes, startField) else { return nil }
        return ProcessStat(comm: ByteNumber.text(bytes, (open + 1)..<close), startTime: startTime)
    }
}
