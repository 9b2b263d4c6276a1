/// The inode number in a namespace link's target, `net:[4026531840]` (namespaces(7)): the
/// identity of a network namespace, the same from every process in it.
public enum NamespaceLink {
    public static func inode(_ target: [UInt8]) -> UInt64? {
        let prefix = Array("net:[".utf8)
        guard target.count > prefix.count + 1, Array(target.prefix(prefix.count)) == prefix,
              target.last == UInt8(ascii: "]") else { return nil }
        var value: UInt64 = 0
        for byte in target[prefix.count..<(target.count - 1)] {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = shifted + UInt64(digit)
        }
        return value
    }
}
