#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The target this process fuzzes, chosen once in `LLVMFuzzerInitialize` from FUZZ_TARGET.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

/// libFuzzer calls this once before fuzzing; an unknown or missing FUZZ_TARGET ends the run
/// with the list of targets rather than fuzzing nothing.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>)
    -> Int32 {
    let requested = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.all.first(where: { $0.name == requested }) else {
        let names = FuzzTargets.all.map(\.name).joined(separator: " ")
        let message = Array("set FUZZ_TARGET to one of: \(names)\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
    selectedTarget = target
    return 0
}

/// libFuzzer calls this once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    selectedTarget?.run(bytes)
    return 0
}
