/// Who owns a socket, as the `process` label tells it. Packed into an Int32 (a pid, or a
/// negative code) so a connection's owner and label key sum as one integer in an `IntegerMap`.
enum SocketOwner: Hashable {
    /// The lowest pid of the processes holding it; labelled by the process's name.
    case process(Int32)
    /// No process holds it (TIME_WAIT, an orphaned FIN_WAIT, a connection not yet accepted): "-".
    case none
    /// Its owner could not be looked for (some fd tables were unreadable): "unknown".
    case unknown
    /// Born since the previous scrape, its owner is looked for at the next one: "pending".
    case pending

    var packed: Int32 {
        switch self {
        case .process(let pid): pid
        case .none: -1
        case .unknown: -2
        case .pending: -3
        }
    }

    init(packed: Int32) {
        switch packed {
        case -2: self = .unknown
        case -3: self = .pending
        case ..<0: self = .none
        default: self = .process(packed)
        }
    }
}
