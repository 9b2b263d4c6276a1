/// A small logfmt reader for the tests: `key=value` pairs separated by spaces, a value bare or in
/// double quotes with Go's escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\u00XX`). Returns nil for a line
/// that is not logfmt, so a malformed line fails the test instead of being half read.
public enum LogfmtParser {
    public static func parse(_ line: String) -> [(key: String, value: String)]? {
        var pairs: [(key: String, value: String)] = []
        var characters = Array(line.unicodeScalars)[...]
        while !characters.isEmpty {
            guard let equals = characters.firstIndex(of: "="), equals > characters.startIndex else { return nil }
            let key = String(String.UnicodeScalarView(characters[..<equals]))
            guard !key.contains(" "), !key.contains("\"") else { return nil }
            characters = characters[(equals + 1)...]
            var value = String.UnicodeScalarView()
            if characters.first == "\"" {
                characters = characters.dropFirst()
                var closed = false
                while let scalar = characters.popFirst() {
                    if scalar == "\"" { closed = true; break }
                    guard scalar == "\\" else { value.append(scalar); continue }
                    switch characters.popFirst() {
                    case "\"": value.append("\"")
                    case "\\": value.append("\\")
                    case "n": value.append("\n")
                    case "r": value.append("\r")
                    case "t": value.append("\t")
                    case "u":
                        let hex = String(String.UnicodeScalarView(characters.prefix(4)))
                        guard hex.count == 4, let code = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(code)
                        else { return nil }
                        value.append(decoded)
                        characters = characters.dropFirst(4)
                    default: return nil
                    }
                }
                guard closed else { return nil }
                guard characters.isEmpty || characters.first == " " else { return nil }
            } else {
                while let scalar = characters.first, scalar != " " {
                    guard scalar != "\"", scalar != "=" else { return nil }
                    value.append(scalar)
                    characters = characters.dropFirst()
                }
            }
            pairs.append((key, String(value)))
            characters = characters.drop { $0 == " " }
        }
        return pairs
    }
}
