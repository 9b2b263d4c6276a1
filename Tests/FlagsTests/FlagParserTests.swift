import Testing
@testable import Flags

@Suite struct FlagParserTests {
    let definitions: [FlagDefinition] = [
        .value("web.listen-address", default: ":10042", help: "Address."),
        .bool("collector.sockets", default: true, help: "Sockets."),
        .bool("collector.extra", default: false, help: "Extra."),
        .repeatable("collector.sockets.peer-group", help: "Groups."),
    ]

    func values(_ arguments: [String]) throws -> FlagValues {
        guard case .run(let values) = try FlagParser.parse(arguments, definitions: definitions) else {
            throw FlagError("not a run")
        }
        return values
    }

    @Test func fillsDefaults() throws {
        let flags = try values([])
        #expect(flags.string("web.listen-address") == ":10042")
        #expect(flags.bool("collector.sockets"))
        #expect(!flags.bool("collector.extra"))
        #expect(flags.strings("collector.sockets.peer-group").isEmpty)
    }

    @Test func acceptsEqualsAndSpaceFormsNegationAndRepeats() throws {
        let flags = try values(["--web.listen-address", "127.0.0.1:1", "--no-collector.sockets", "--collector.extra",
                                "--collector.sockets.peer-group=a=10.0.0.0/8", "--collector.sockets.peer-group=b=::1/128"])
        #expect(flags.string("web.listen-address") == "127.0.0.1:1")
        #expect(!flags.bool("collector.sockets"))
        #expect(flags.bool("collector.extra"))
        #expect(flags.strings("collector.sockets.peer-group") == ["a=10.0.0.0/8", "b=::1/128"])
        #expect(try values(["--collector.sockets=false"]).bool("collector.sockets") == false)
    }

    @Test(arguments: [
        (["--bogus"], "unknown flag --bogus (see --help)"),
        (["stray"], "unexpected argument \"stray\" (flags start with --; see --help)"),
        (["--web.listen-address"], "--web.listen-address needs a value"),
        (["--collector.sockets=maybe"], "--collector.sockets: expected true or false, got \"maybe\""),
        (["--no-web.listen-address"], "unknown flag --no-web.listen-address (see --help)"),
    ])
    func rejectsBadFlagsWithOneLine(arguments: [String], message: String) {
        #expect(throws: FlagError(message)) { try FlagParser.parse(arguments, definitions: definitions) }
    }

    @Test func recognisesHelpAndVersion() throws {
        guard case .help = try FlagParser.parse(["--web.listen-address=:1", "--help"], definitions: definitions) else {
            Issue.record("expected help")
            return
        }
        guard case .version = try FlagParser.parse(["--version"], definitions: definitions) else {
            Issue.record("expected version")
            return
        }
        let usage = FlagParser.usage(definitions, summary: "usage")
        #expect(usage.contains("--web.listen-address=\":10042\""))
        #expect(usage.contains("--[no-]collector.extra (default: off)"))
    }

    @Test func integerValuesAreRangeChecked() throws {
        let flags = try values(["--web.listen-address=12x"])
        #expect(throws: FlagError("--web.listen-address: expected a whole number from 1 to 10, got \"12x\"")) {
            try flags.integer("web.listen-address", in: 1...10)
        }
    }
}
