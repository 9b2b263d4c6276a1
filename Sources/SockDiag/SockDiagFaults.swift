import Synchronization

/// A test seam: errnos that replace the next receives of the sessions given this object, so a
/// test drives the real error path (retry, fallback, failure) with the failures netlink can
/// return (ENOBUFS, EINTR, …) at a chosen point. The exporter never creates one.
public final class SockDiagFaults: Sendable {
    /// One entry per receive, in order: an errno to fail it with, or nil for a real receive.
    private let receives: Mutex<[Int32?]>

    public init(receives: [Int32?]) {
        self.receives = Mutex(receives)
    }

    /// How many planned receives have not happened yet.
    public var remaining: Int { receives.withLock { $0.count } }

    /// The errno for the next receive, or nil to receive for real.
    func nextReceive() -> Int32? {
        receives.withLock { planned in planned.isEmpty ? nil : planned.removeFirst() }
    }
}
