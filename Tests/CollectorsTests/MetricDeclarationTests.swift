@testable import Collectors
import Exposition
import Flags
import Namespaces
import ProcNet
import Testing
import TestSupport

/// What the collectors write is what they declare: every family of a scrape of the golden
/// fixture host (every collector on, with the optional user label) is declared with its type,
/// HELP and label names, or comes from a kernel file (protocols, sockstat) whose names the
/// metric reference lists from the parsers.
@Suite struct MetricDeclarationTests {
    static let paths = ProcPaths(procfs: Fixtures.repository("Tests/Golden/proc"),
                                 sysfs: Fixtures.repository("Tests/Golden/sys"))

    static func scrape(_ arguments: [String]) throws -> MetricSet {
        let definitions = [CollectorDescriptor.disableDefaultsFlag] + NamespaceOptions.flags
            + CollectorDescriptor.all.flatMap { [$0.enableFlag] + $0.flags }
        guard case .run(let flags) = try FlagParser.parse(arguments, definitions: definitions) else {
            throw FlagError("no run")
        }
        return try CollectorRegistry(flags: flags, paths: paths, buildInfo: BuildInfo(version: "1", swiftVersion: "6"))
            .scrape()
    }

    static let declared: [String: MetricDeclaration] = Dictionary(
        uniqueKeysWithValues: (CollectorDescriptor.all.flatMap(\.families) + CollectorRegistry.families
            + NamespaceMode.families).map { ($0.name, $0) })

    @Test(arguments: [[], ["--collector.sockets.user"]])
    func everyFamilyWrittenIsDeclaredWithItsLabels(arguments: [String]) throws {
        let metrics = try Self.scrape(arguments)
        let fromFiles = try Set(Self.scrape(["--collector.disable-defaults", "--collector.protocols",
                                             "--collector.sockstat"]).families.keys)
        var checked = 0
        for family in metrics.sortedFamilies {
            guard let declaration = Self.declared[family.name] else {
                #expect(fromFiles.contains(family.name), "\(family.name) is written but not declared")
                continue
            }
            checked += 1
            #expect(family.type == declaration.type, "\(family.name)")
            #expect(family.help == declaration.help, "\(family.name)")
            let withUser = arguments.contains("--collector.sockets.user")
            let expected = declaration.labels.compactMap { label -> String? in
                guard label.hasSuffix("?") else { return label }
                return withUser ? String(label.dropLast()) : nil
            }
            for sample in family.samples {
                #expect(sample.labels.map(\.name) == expected, "\(family.name): \(sample.labels)")
            }
        }
        // Sockets, attribution, interfaces, routes and the registry's own families were all there.
        #expect(checked >= 35)
    }

    @Test func declaredNamesAreUniqueAndFollowTheConventions() {
        let all = CollectorDescriptor.all.flatMap(\.families) + CollectorRegistry.families + NamespaceMode.families
        #expect(Set(all.map(\.name)).count == all.count)
        for family in all {
            #expect(family.name.hasPrefix("netstat_"), "\(family.name)")
            #expect(family.name.hasSuffix("_total") == (family.type == .counter), "\(family.name)")
            #expect(!family.help.isEmpty && !family.source.isEmpty, "\(family.name)")
        }
    }
}
