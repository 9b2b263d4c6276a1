import CZlib

/// gzip (RFC 1952) through zlib, for `Content-Encoding: gzip` responses.
public enum Gzip {
    /// The body compressed as one gzip member, or nil if zlib failed (the caller sends identity).
    /// Level 1: a metrics page compresses ~10× even at the fastest level, and the scrape's CPU
    /// time matters more than the last few percent.
    public static func compress(_ body: [UInt8], level: Int32 = 1) -> [UInt8]? {
        let capacity = netstat_gzip_bound(body.count)
        var output = [UInt8](repeating: 0, count: capacity)
        let written = body.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                netstat_gzip(input.baseAddress, input.count, out.baseAddress, out.count, level)
            }
        }
        guard written > 0 else { return nil }
        output.removeLast(capacity - written)
        return output
    }
}
