import CConntrack
import ProcNet

/// One NETLINK_NETFILTER socket in the calling thread's network namespace, asking ctnetlink for
/// the connection tracker's per-CPU statistics (IPCTNL_MSG_CT_GET_STATS_CPU, one small message
/// per CPU) and its entry count and limit (IPCTNL_MSG_CT_GET_STATS). It never dumps the table.
public final class ConntrackSession {
    /// What ctnetlink reports for the socket's namespace.
    public struct Reading: Sendable, Hashable {
        /// Entries (the namespace's nf_conntrack_count) and the counters summed over CPUs.
        public var statistics: ConntrackStatistics
        /// nf_conntrack_max, the host's limit (the same in every namespace).
        public var limit: UInt64?
    }

    /// The answers are about 100 bytes per CPU; the kernel fills a dump's datagram up to the
    /// largest receive buffer the socket has used, at most 32 KiB (net/netlink/af_netlink.c
    /// `netlink_recvmsg`), so one this size is never cut short.
    static let bufferSize = 32 * 1024
    /// The longest a scrape waits for an answer.
    static let timeoutMilliseconds: Int32 = 2000

    private let fd: Int32
    private var sequence: UInt32 = 0
    private var buffer = [UInt8](repeating: 0, count: ConntrackSession.bufferSize)

    public init() throws(ConntrackNetlinkError) {
        let result = cconntrack_open(ConntrackSession.timeoutMilliseconds)
        guard result >= 0 else { throw .openFailed(errno: -result) }
        fd = result
    }

    deinit {
        cconntrack_close(fd)
    }

    /// Both requests, one after the other.
    public func read() throws(ConntrackNetlinkError) -> Reading {
        var statistics = ConntrackStatistics()
        try request(UInt16(CCONNTRACK_MSG_STATS_CPU)) { message in
            statistics.addCPU(ConntrackMessages.counters(message))
            return false
        }
        var limit: UInt64?
        var answered = false
        try request(UInt16(CCONNTRACK_MSG_STATS)) { message in
            statistics.entries = message.attributes[UInt16(CCONNTRACK_STATS_GLOBAL_ENTRIES)].map(UInt64.init)
            limit = message.attributes[UInt16(CCONNTRACK_STATS_GLOBAL_MAX_ENTRIES)].map(UInt64.init)
            answered = true
            return true
        }
        guard answered, statistics.cpus > 0 else { throw .incomplete }
        return Reading(statistics: statistics, limit: limit)
    }

    /// Sends one request and hands each answer to `body` until NLMSG_DONE, an error, or `body`
    /// returns true (the single answer of a request that is not a dump).
    private func request(_ type: UInt16, _ body: (ConntrackMessages.Message) -> Bool) throws(ConntrackNetlinkError) {
        sequence &+= 1
        let sent = cconntrack_request(fd, type, sequence)
        guard sent == 0 else { throw .sendFailed(errno: -sent) }
        while true {
            let received = buffer.withUnsafeMutableBytes { cconntrack_receive(fd, $0.baseAddress, $0.count) }
            guard received >= 0 else { throw .receiveFailed(errno: Int32(-received)) }
            guard received > 0 else { throw .incomplete }
            var finished = false
            let outcome = ConntrackMessages.decode(buffer, length: received, sequence: sequence) { message in
                if !finished, message.type == type { finished = body(message) }
            }
            switch outcome {
            case .done: return
            case .failed(let code): throw .kernelError(errno: code)
            case .more: if finished { return }
            }
        }
    }
}
