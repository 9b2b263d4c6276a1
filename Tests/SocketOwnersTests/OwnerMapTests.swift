import ProcNet
@testable import SocketOwners
import Testing

@Suite struct OwnerMapTests {
    /// Random inserts, updates, removals and scan starts, checked against a Dictionary after
    /// every step: keys from a small range, so runs collide and removals shift entries back;
    /// owners with every field at its extremes, so the packing into three words round-trips.
    @Test func agreesWithDictionaryUnderRandomOperations() {
        var generator = SystemRandomNumberGenerator()
        var map = OwnerMap()
        var reference: [UInt32: OwnerCache.Owner] = [:]
        for step in 0..<20_000 {
            let inode = UInt32.random(in: 1...3_000, using: &generator)
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let owner = OwnerCache.Owner(pid: [1, 4_194_304, Int32.random(in: 1...99_999)].randomElement()!,
                                             fd: [0, Int32.max, Int32.random(in: 0...1_000_000)].randomElement()!,
                                             trusted: Bool.random(), inDump: Bool.random())
                map[inode] = owner
                reference[inode] = owner
            case 6..<9:
                map[inode] = nil
                reference[inode] = nil
            default:
                if let slot = map.slot(of: inode) {
                    map.markInDump(slot: slot)
                    reference[inode]?.inDump = true
                }
                if step % 100 == 0 {
                    map.startScan()
                    for key in reference.keys {
                        reference[key]!.trusted = reference[key]!.inDump
                        reference[key]!.inDump = false
                    }
                }
            }
            #expect(map.count == reference.count)
            if step % 1000 == 0 {
                for probe in UInt32(1)...3_000 where map[probe] != reference[probe] {
                    Issue.record("step \(step): inode \(probe) is \(String(describing: map[probe])), expected \(String(describing: reference[probe]))")
                }
            }
        }
        map.reserveCapacity(100_000)
        var visited: [UInt32: OwnerCache.Owner] = [:]
        map.forEach { visited[$0] = $1 }
        #expect(visited == reference)
        for (inode, owner) in reference { #expect(map.inDump(slot: map.slot(of: inode)!) == owner.inDump) }
    }
}
