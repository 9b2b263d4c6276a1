/// One key=value pair after `msg`. Values are anything with a text form; whole numbers, floating
/// point numbers and booleans stay numbers and booleans in JSON, everything else is a string.
public typealias LogValue = any Sendable & CustomStringConvertible
public typealias LogField = (key: String, value: LogValue)

/// The pairs a call passes, in the order written: `["address": address, "tls": true]`.
public typealias LogFields = KeyValuePairs<String, LogValue>
