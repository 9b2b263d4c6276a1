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
            metrics.add(SocketsCollector.tcpSockets, labels, .unsigned(sockets[index]))
            guard state != .listen else { continue }
            metrics.add(SocketsCollector.tcpReceiveQueue, labels, .unsigned(receiveQueue[index]))
            metrics.add(SocketsCollector.tcpSendQueue, labels, .unsigned(sendQueue[index]))
        }
    }
}
