extension String {
    /// The text a C function wrote into `buffer` (an address from inet_ntop), up to its NUL.
    init(cTextBuffer buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
