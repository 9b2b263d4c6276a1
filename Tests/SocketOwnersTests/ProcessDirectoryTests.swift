import ProcNet
@testable import SocketOwners
import Testing

@Suite struct ProcessDirectoryTests {
    func inode(_ text: String) -> UInt32 {
        let bytes = Array(text.utf8).map { CChar(bitPattern: $0) }
        return bytes.withUnsafeBufferPointer { ProcessDirectory.socketInode($0, count: $0.count) }
    }

    @Test func socketLinkTargets() {
        #expect(inode("socket:[12345]") == 12345)
        #expect(inode("socket:[4294967295]") == 4294967295)
        #expect(inode("socket:[4294967296]") == 0)
        #expect(inode("socket:[]") == 0)
        #expect(inode("socket:[12a]") == 0)
        #expect(inode("pipe:[12345]") == 0)
        #expect(inode("/dev/null") == 0)
        #expect(inode("anon_inode:[eventfd]") == 0)
    }

    @Test func ownDescriptorCountMatchesListing() throws {
        let counted = try #require(ProcessDirectory.descriptorCount("/proc/self/fd"))
        var listed = 0
        try ProcessDirectory.forEachDescriptor("/proc/self/fd") { _, _ in listed += 1 }
        // The listing holds one more descriptor open: its own directory.
        #expect(counted.count == listed - 1 || counted.count == listed)
    }
}
