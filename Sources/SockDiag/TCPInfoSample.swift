import CSockDiag

/// What one TCP socket's `struct tcp_info` (INET_DIAG_INFO) says about its health, with the
/// socket's cookie: the fields `ss -ti` prints that the exporter turns into metrics.
/// Times are microseconds, as the kernel keeps them.
public struct TCPInfoSample: Sendable, Hashable {
    /// The kernel's socket cookie: unique on the host for the socket's life, never reused.
    public var cookie: UInt64
    /// tcpi_rtt: the smoothed round-trip time.
    public var rttMicroseconds: UInt32
    /// tcpi_total_retrans: segments retransmitted over the socket's life.
    public var retransmittedSegments: UInt32
    /// tcpi_segs_out: segments sent over its life, retransmissions included.
    public var sentSegments: UInt32
    public var bytesAcked: UInt64
    public var bytesReceived: UInt64
    /// tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited.
    public var busyMicroseconds: UInt64
    public var receiveWindowLimitedMicroseconds: UInt64
    public var sendBufferLimitedMicroseconds: UInt64
    /// tcpi_backoff: how many times the current retransmission timeout has backed off.
    public var backoff: UInt8
    /// tcpi_probes: zero-window (or keepalive) probes sent without an answer.
    public var probes: UInt8
    /// tcpi_snd_wnd, the peer's advertised window; nil on kernels before 5.4.
    public var peerWindow: UInt32?
    /// tcpi_notsent_bytes: written by the application, not yet sent.
    public var notSentBytes: UInt32

    public init(cookie: UInt64, rttMicroseconds: UInt32 = 0, retransmittedSegments: UInt32 = 0,
                sentSegments: UInt32 = 0, bytesAcked: UInt64 = 0, bytesReceived: UInt64 = 0,
                busyMicroseconds: UInt64 = 0, receiveWindowLimitedMicroseconds: UInt64 = 0,
                sendBufferLimitedMicroseconds: UInt64 = 0, backoff: UInt8 = 0, probes: UInt8 = 0,
                peerWindow: UInt32? = nil, notSentBytes: UInt32 = 0) {
        self.cookie = cookie
        self.rttMicroseconds = rttMicroseconds
        self.retransmittedSegments = retransmittedSegments
        self.sentSegments = sentSegments
        self.bytesAcked = bytesAcked
        self.bytesReceived = bytesReceived
        self.busyMicroseconds = busyMicroseconds
        self.receiveWindowLimitedMicroseconds = receiveWindowLimitedMicroseconds
        self.sendBufferLimitedMicroseconds = sendBufferLimitedMicroseconds
        self.backoff = backoff
        self.probes = probes
        self.peerWindow = peerWindow
        self.notSentBytes = notSentBytes
    }

    init(cookie: UInt64, _ info: csockdiag_tcp_info) {
        self.init(cookie: cookie, rttMicroseconds: info.rtt, retransmittedSegments: info.total_retrans,
                  sentSegments: info.segs_out, bytesAcked: info.bytes_acked, bytesReceived: info.bytes_received,
                  busyMicroseconds: info.busy_time, receiveWindowLimitedMicroseconds: info.rwnd_limited,
                  sendBufferLimitedMicroseconds: info.sndbuf_limited, backoff: info.backoff, probes: info.probes,
                  peerWindow: info.has_peer_window != 0 ? info.peer_window : nil, notSentBytes: info.notsent_bytes)
    }
}
