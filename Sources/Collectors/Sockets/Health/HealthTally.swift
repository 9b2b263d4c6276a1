import ProcNet
import SockDiag

/// One scrape's health readings of one namespace's connections, kept beside `ConnectionTally`'s
/// entries until their owners are known: each connection's RTT and stall reasons, and what the
/// connections that moved added since the last scrape (the rest added nothing).
struct HealthTally {
    /// Why a connection counts as stalled now (`netstat_tcp_stalled_connections{reason}`).
    struct Stalls: OptionSet, Sendable {
        let rawValue: UInt8

        /// tcpi_backoff > 0: its retransmission timer has backed off (the peer stopped answering).
        static let rtoBackoff = Stalls(rawValue: 1)
        /// The peer advertises a zero window (tcpi_snd_wnd 0; tcpi_probes > 0 before Linux 5.4).
        static let zeroWindow = Stalls(rawValue: 2)
        /// tcpi_notsent_bytes > 0: the application wrote more than the connection has sent.
        static let unsent = Stalls(rawValue: 4)

        /// Not a reason: the connection came with tcp_info (TIME_WAIT and SYN_RECV ones never do,
        /// nor anything read from /proc), so it has health series at all.
        static let sampled = Stalls(rawValue: 0x80)

        static let all: [(Stalls, String)] = [(.rtoBackoff, "rto_backoff"), (.zeroWindow, "zero_window"),
                                              (.unsent, "unsent")]
    }

    /// A connection with no RTT to count: not established, or read without tcp_info.
    static let noRTT = UInt32.max

    let state: HealthState
    /// Per connection, in `ConnectionTally.connections` order.
    private(set) var rttMicroseconds: [UInt32] = []
    private(set) var stalls: [Stalls] = []
    /// The connections that added to a counter since the last scrape, with what they added.
    private(set) var increments: [(connection: UInt32, counters: TCPCounters)] = []
    /// Samples waiting for their history lookup, done a batch at a time (see `advancePending`).
    private var pending: [(connection: UInt32, sample: TCPInfoSample)] = []
    static let batch = 32

    init(state: HealthState) {
        self.state = state
    }

    /// The readings of the connection `ConnectionTally` just added as number `connection`.
    mutating func add(_ sample: TCPInfoSample?, state: TCPState, connection: Int) {
        guard let sample else {
            rttMicroseconds.append(HealthTally.noRTT)
            stalls.append([])
            return
        }
        rttMicroseconds.append(state == .established ? sample.rttMicroseconds : HealthTally.noRTT)
        var reasons: Stalls = .sampled
        if sample.backoff > 0 { reasons.insert(.rtoBackoff) }
        if state == .established || state == .closeWait,
           sample.peerWindow.map({ $0 == 0 }) ?? (sample.probes > 0) {
            reasons.insert(.zeroWindow)
        }
        if sample.notSentBytes > 0 { reasons.insert(.unsent) }
        stalls.append(reasons)
        if pending.isEmpty { pending.reserveCapacity(HealthTally.batch) }
        pending.append((UInt32(connection), sample))
        if pending.count == HealthTally.batch { advancePending() }
    }

    /// Looks the pending samples up in the history, a batch at a time: each lookup is a cache
    /// miss in a table of megabytes (the hash scatters cookies on purpose), which one at a time
    /// would cost ~10 % of a 100k-socket scrape. Called by `add` and, for the last few, once
    /// the dump is over.
    mutating func advancePending() {
        guard !pending.isEmpty else { return }
        state.advance(pending, into: &increments)
        pending.removeAll(keepingCapacity: true)
    }
}
