import Testing
@testable import WebConfig

@Suite struct YAMLNodeTests {
    @Test func buildsATreeWithLines() throws {
        let text = """
        # a comment
        top:
          name: "quoted value"
          list: [a, b]
        empty:
        """
        let node = try #require(try YAMLNode.parse(Array(text.utf8)))
        #expect(node == .mapping([
            YAMLEntry(key: "top", line: 2, value: .mapping([
                YAMLEntry(key: "name", line: 3, value: .scalar("quoted value", line: 3)),
                YAMLEntry(key: "list", line: 4, value: .sequence([.scalar("a", line: 4), .scalar("b", line: 4)], line: 4)),
            ], line: 3)),
            YAMLEntry(key: "empty", line: 5, value: .scalar("", line: 5)),
        ], line: 2))
    }

    @Test func emptyDocumentIsNil() throws {
        #expect(try YAMLNode.parse([]) == nil)
        #expect(try YAMLNode.parse(Array("# only a comment\n".utf8)) == nil)
    }

    @Test func syntaxErrorsNameTheirLine() {
        #expect(throws: WebConfigError(line: 3, key: nil, "YAML syntax: mapping values are not allowed in this context")) {
            try YAMLNode.parse(Array("a:\n  b: c\n  d: e: f\n".utf8))
        }
        #expect(throws: WebConfigError(line: 2, key: nil, "YAML aliases are not supported")) {
            try YAMLNode.parse(Array("a: &x 1\nb: *x\n".utf8))
        }
    }
}
