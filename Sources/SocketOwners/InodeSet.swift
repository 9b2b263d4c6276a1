/// A set of socket inodes with `IntegerMap`'s probing: what a dump checks every socket against
/// (`SocketOwnerScan.watched`), where the standard Set's SipHash would cost several times more.
public struct InodeSet: Sendable {
    private var members: IntegerMap<UInt32, Bool>

    public init(minimumCapacity: Int = 0) {
        members = IntegerMap(minimumCapacity: minimumCapacity)
    }

    public var isEmpty: Bool { members.count == 0 }

    @inline(__always)
    public func contains(_ inode: UInt32) -> Bool {
        members.slot(of: inode) != nil
    }

    public mutating func insert(_ inode: UInt32) {
        guard inode != 0 else { return }
        members[inode] = true
    }
}
