/// What the registry knows of a collector before it exists: its name (the `collector` label and
/// the `--collector.<name>` flag), whether it is on by default, its own flags, and how to make
/// it from the parsed flags (which may reject a bad value).
public struct CollectorDescriptor: Sendable {
    public let name: String
    public let help: String
    public let enabledByDefault: Bool
    public let flags: [FlagDefinition]
    public let make: @Sendable (FlagValues, ProcPaths) throws(FlagError) -> any Collector

    public init(
        name: String, help: String, enabledByDefault: Bool = true, flags: [FlagDefinition] = [],
        make: @escaping @Sendable (FlagValues, ProcPaths) throws(FlagError) -> any Collector
    ) {
        self.name = name
        self.help = help
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
    ]

    /// The `--collector.<name>` flag that turns it on or off.
    public var enableFlag: FlagDefinition {
        .bool("collector.\(name)", default: enabledByDefault, help: "Enable the \(name) collector: \(help)")
    }
}
