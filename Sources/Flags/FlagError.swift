/// A bad command-line flag or value: printed as one line, then the exporter exits non-zero.
public struct FlagError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
