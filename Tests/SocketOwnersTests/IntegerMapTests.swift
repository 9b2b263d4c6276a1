import ProcNet
@testable import SocketOwners
import Testing

@Suite struct IntegerMapTests {
    /// Random inserts, updates and removals, checked against the standard Dictionary after
    /// every step; keys come from a small range so runs collide and removals shift entries.
    @Test func agreesWithDictionaryUnderRandomOperations() {
        var generator = SystemRandomNumberGenerator()
        var map = InodeMap<Int>()
        var reference: [UInt32: Int] = [:]
        for step in 0..<20_000 {
            let key = UInt32.random(in: 1...3_000, using: &generator)
            if Bool.random(using: &generator) || reference.count < 100 {
                map[key] = step
                reference[key] = step
            } else {
                map[key] = nil
                reference[key] = nil
            }
            #expect(map.count == reference.count)
            if step % 1000 == 0 {
                for probe in UInt32(1)...3_000 where map[probe] != reference[probe] {
                    Issue.record("step \(step): key \(probe) is \(String(describing: map[probe])), expected \(String(describing: reference[probe]))")
                }
            }
        }
        var visited: [UInt32: Int] = [:]
        map.forEach { visited[$0] = $1 }
        #expect(visited == reference)
    }

    @Test func updatesInPlaceThroughSlots() throws {
        var map = InodeMap<Int>(minimumCapacity: 4)
        for key in UInt32(1)...100 { map[key] = Int(key) }
        let slot = try #require(map.slot(of: 42))
        map[slot: slot] += 1000
        #expect(map[42] == 1042)
        map.updateAll { $0 = -$0 }
        #expect(map[1] == -1)
        #expect(map[42] == -1042)
        #expect(map[101] == nil)
        #expect(map.count == 100)
    }

    @Test func wideKeysAndInsertingSlot() {
        var map = IntegerMap<UInt64, String>()
        let wide: UInt64 = 0xffff_0000_0000_0001
        let slot = map.slot(of: wide) { "first" }
        #expect(map.slot(of: wide) { "second" } == slot)
        #expect(map[wide] == "first")
        #expect(map[1] == nil)
        #expect(map.count == 1)
    }

    /// 128-bit keys (IPv6 networks: low halves equal) inserted through `slot(of:inserting:)`
    /// across many growths, mixed with removals: every key keeps its value, the count is right.
    @Test func insertingSlotGrowsAndKeepsEveryKeyOf128Bits() {
        var map = IntegerMap<UInt128, Int>()
        var reference: [UInt128: Int] = [:]
        for index in 0..<20_000 {
            let key = UInt128(UInt64(index % 7_000 + 1)) << 64 | 1
            let slot = map.slot(of: key) { index }
            if reference[key] == nil { reference[key] = index }
            #expect(map[slot: slot] == reference[key])
            if index % 5 == 4 {
                let removed = UInt128(UInt64.random(in: 1...7_000)) << 64 | 1
                map[removed] = nil
                reference[removed] = nil
            }
        }
        #expect(map.count == reference.count)
        var visited: [UInt128: Int] = [:]
        map.forEach { visited[$0] = $1 }
        #expect(visited == reference)
    }
}
