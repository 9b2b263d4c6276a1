import Flags
import Testing
@testable import Collectors

/// `--collector.disable-defaults`: every collector off unless named, wherever the flags stand.
@Suite struct DisableDefaultsTests {
    func enabled(_ arguments: [String]) throws -> [String] {
        let definitions = [CollectorDescriptor.disableDefaultsFlag] + CollectorDescriptor.all.map(\.enableFlag)
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: definitions) else {
            throw FlagError("not a run")
        }
        return CollectorDescriptor.all.filter { $0.isEnabled(by: flags) }.map(\.name)
    }

    @Test func withoutItEveryDefaultCollectorRuns() throws {
        #expect(try enabled([]) == ["sockets", "interfaces", "routes", "protocols", "sockstat", "conntrack"])
        #expect(try enabled(["--no-collector.routes"]) == ["sockets", "interfaces", "protocols", "sockstat", "conntrack"])
    }

    @Test(arguments: [
        ["--collector.disable-defaults", "--collector.interfaces"],
        ["--collector.interfaces", "--collector.disable-defaults"],
        ["--collector.interfaces=true", "--collector.disable-defaults=true"],
    ])
    func onlyTheNamedCollectorsRunWhateverTheOrder(arguments: [String]) throws {
        #expect(try enabled(arguments) == ["interfaces"])
    }

    @Test func namedOffStaysOffAndNothingNamedMeansNothing() throws {
        #expect(try enabled(["--collector.disable-defaults"]) == [])
        #expect(try enabled(["--no-collector.interfaces", "--collector.disable-defaults", "--collector.routes"])
                == ["routes"])
        #expect(try enabled(["--collector.disable-defaults=false", "--no-collector.sockets"])
                == ["interfaces", "routes", "protocols", "sockstat", "conntrack"])
    }
}
