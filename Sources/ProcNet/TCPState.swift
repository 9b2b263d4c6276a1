/// The kernel's TCP states (include/net/tcp_states.h), spelled as the `state` label.
public enum TCPState: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case established = 1
    case synSent = 2
    case synRecv = 3
    case finWait1 = 4
    case finWait2 = 5
    case timeWait = 6
    case close = 7
    case closeWait = 8
    case lastAck = 9
    case listen = 10
    case closing = 11

    /// Request sockets (TCP_NEW_SYN_RECV, 12) are half-open connections: netstat shows them
    /// as SYN_RECV, and so do we.
    public init?(kernelValue: UInt8) {
        self.init(rawValue: kernelValue == 12 ? 3 : kernelValue)
    }

    public var description: String {
        switch self {
        case .established: "established"
        case .synSent: "syn_sent"
        case .synRecv: "syn_recv"
        case .finWait1: "fin_wait1"
        case .finWait2: "fin_wait2"
        case .timeWait: "time_wait"
        case .close: "close"
        case .closeWait: "close_wait"
        case .lastAck: "last_ack"
        case .listen: "listen"
        case .closing: "closing"
        }
    }
}
