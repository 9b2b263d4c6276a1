import Exposition
import Flags
import ProcNet

/// What the registry knows of a collector before it exists: its name (the `collector` label and
/// the `--collector.<name>` flag), the families it writes, whether it is on by default, its own
/// flags, and how to make it from the parsed flags (which may reject a bad value).
public struct CollectorDescriptor: Sendable {
    public let name: String
    public let help: String
    /// Every family it writes, for the metric reference; empty for one whose families come from
    /// the files it reads (protocols: one per kernel field).
    public let families: [MetricDeclaration]
    public let enabledByDefault: Bool
    public let flags: [FlagDefinition]
    public let make: @Sendable (FlagValues, ProcPaths) throws(FlagError) -> any Collector

    public init(
        name: String, help: String, families: [MetricDeclaration], enabledByDefault: Bool = true,
        flags: [FlagDefinition] = [],
        make: @escaping @Sendable (FlagValues, ProcPaths) throws(FlagError) -> any Collector
    ) {
        self.name = name
        self.help = help
        self.families = families
        self.enabledByDefault = enabledByDefault
        self.flags = flags
        self.make = make
    }

    /// Every collector this exporter has, in the order they run.
    public static let all: [CollectorDescriptor] = [
        SocketsCollector.descriptor,
        InterfacesCollector.descriptor,
        RoutesCollector.descriptor,
        ProtocolsCollector.descriptor,
        SockstatCollector.descriptor,
        ConntrackCollector.descriptor,
    ]

    /// The `--collector.<name>` flag that turns it on or off.
    public var enableFlag: FlagDefinition {
        .bool("collector.\(name)", default: enabledByDefault, help: "Enable the \(name) collector: \(help)")
    }

    /// `--collector.disable-defaults`, as node_exporter has it: every collector is off unless its
    /// `--collector.<name>` is given; where on the command line does not matter.
    public static let disableDefaultsFlag = FlagDefinition.bool(
        "collector.disable-defaults", default: false,
        help: "Turn off every collector not named with --collector.<name>.")

    /// On when `--collector.<name>` says so, else its default, which
    /// `--collector.disable-defaults` turns off.
    public func isEnabled(by flags: FlagValues) -> Bool {
        if flags.isGiven(enableFlag.name) { return flags.bool(enableFlag.name) }
        return enabledByDefault && !flags.bool(CollectorDescriptor.disableDefaultsFlag.name)
    }
}
