import Foundation
import Testing
import TestSupport

/// linker/link.order names the functions lld places first in the release binary's .text
/// (Makefile, RELEASE_FLAGS), so that a running exporter touches few pages of code. lld skips a
/// name it does not find, so renaming a function, or moving a type to another module (which
/// changes its mangled names), silently costs idle memory. This fails when many listed names are
/// no longer defined in the release binary `make test` built first.
@Suite struct LinkOrderTests {
    static let orderFile = Fixtures.repository("linker/link.order")
    /// The share of listed names that may be gone: a few come and go with any change.
    static let tolerance = 0.10

    @Test func listedFunctionsAreStillInTheReleaseBinary() throws {
        let releaseBinary = try ExporterBuild.releaseBinary()
        let names = try String(contentsOfFile: Self.orderFile, encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        try #require(names.count >= 100, "linker/link.order lists \(names.count) names: regenerate it")
        // binutils' nm (APT_PACKAGES), else the toolchain's llvm-nm: "address type name" a line.
        let nm = Shell.has("nm") ? "nm" : "llvm-nm"
        let symbols = try Shell.run([nm, "--defined-only", releaseBinary], timeout: 120)
        try #require(symbols.status == 0, "\(nm) --defined-only failed: \(symbols.stderr)")
        let defined = Set(symbols.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").last.map(String.init)
        })
        let missing = names.filter { !defined.contains($0) }
        let share = Double(missing.count) / Double(names.count)
        #expect(share <= Self.tolerance, """
            \(missing.count) of the \(names.count) functions in linker/link.order \
            (\(Int((share * 100).rounded())) %, more than \(Int(Self.tolerance * 100)) %) are no longer \
            in the release binary, e.g. \(missing.prefix(5).joined(separator: ", ")): \
            run scripts/update-link-order and commit linker/link.order
            """)
    }
}
