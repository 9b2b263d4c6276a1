import Exposition
import ProcNet

/// Counts TCP sockets and sums their queues by state, for one address family.
struct TCPStateTally {
    private var sockets = [UInt64](repeating: 0, count: 12)
    private var receiveQueue = [UInt64](repeating: 0, count: 12)
    private var sendQueue = [UInt64](repeating: 0, count: 12)

    mutating func add(_ socket: InetSocket) {
        guard let state = TCPState(kernelValue: socket.state) else { return }
        add(state: state, receiveQueue: socket.receiveQueue, sendQueue: socket.sendQueue)
    }

    mutating func add(state: TCPState, receiveQueue rx: UInt64, sendQueue tx: UInt64) {
        let index = Int(state.rawValue)
        sockets[index] += 1
        // A listener's queues mean something else (accept backlog), so only connections are summed.
        guard state != .listen else { return }
        receiveQueue[index] &+= rx
        sendQueue[index] &+= tx
    }

    /// Writes every state, 0 when none, so graphs have no gaps.
    func write(family: SocketFamily, into metrics: inout MetricSet) {
        for state in TCPState.allCases {
            let labels = [Label("family", family.rawValue), Label("state", state.description)]
            let index = Int(state.rawValue)
            metrics.gauge("netstat_tcp_sockets", help: "TCP sockets by address family and state (netstat -ant).",
                          labels: labels, .unsigned(sockets[index]))
            guard state != .listen else { continue }
            metrics.gauge("netstat_tcp_receive_queue_bytes",
                          help: "Bytes received but not yet read by the application, summed over non-listening TCP sockets (Recv-Q).",
                          labels: labels, .unsigned(receiveQueue[index]))
            metrics.gauge("netstat_tcp_send_queue_bytes",
                          help: "Bytes sent but not yet acknowledged by the peer, summed over non-listening TCP sockets (Send-Q).",
                          labels: labels, .unsigned(sendQueue[index]))
        }
    }
}
