import Testing
import ProcNet

/// A device name's bytes and its label: itself when UTF-8, else `\xHH` for each byte outside a
/// valid UTF-8 sequence (RFC 3629's, as Swift's own decoder reads it).
@Suite struct DeviceNameTests {
    func label(_ bytes: [UInt8]) -> String { DeviceName(bytes).label }

    @Test func aUTF8NameIsItsOwnLabel() {
        #expect(DeviceName("eth0").label == "eth0")
        #expect(DeviceName("wlan☃").label == "wlan☃")
        #expect(DeviceName("br-\\x").label == "br-\\x")
        #expect(DeviceName("eth0").bytes == Array("eth0".utf8))
    }

    @Test func bytesOutsideUTF8AreEscapedAndTheRestKept() {
        #expect(label([0xff, 0xfe] + Array("veth".utf8)) == "\\xff\\xfeveth")
        // A valid two-byte sequence between invalid bytes stays a character.
        #expect(label([0x80, 0xc3, 0xa9, 0x0a]) == "\\x80é\n")
        // Overlong, surrogate, truncated and beyond U+10FFFF: every byte escaped.
        #expect(label([0xc0, 0xaf]) == "\\xc0\\xaf")
        #expect(label([0xed, 0xa0, 0x80]) == "\\xed\\xa0\\x80")
        #expect(label([0x61, 0xe2, 0x82]) == "a\\xe2\\x82")
        #expect(label([0xf4, 0x90, 0x80, 0x80]) == "\\xf4\\x90\\x80\\x80")
        #expect(label([0xf0, 0x9f, 0x98, 0x80, 0xff]) == "😀\\xff")
    }

    @Test func everyOneByteNameHasADistinctLabel() {
        let labels = (1...255).map { label([UInt8($0)]) }
        #expect(Set(labels).count == 255)
        #expect(labels.allSatisfy { !$0.isEmpty })
    }

    @Test func onlyANameThatStaysInItsDirectoryIsAPathComponent() {
        #expect(DeviceName([0xff, 0xfe]).isPathComponent)
        #expect(DeviceName("eth0").isPathComponent)
        for name in ["", ".", "..", "a/b", "/"] {
            #expect(!DeviceName(name).isPathComponent, "\(name)")
        }
    }
}
