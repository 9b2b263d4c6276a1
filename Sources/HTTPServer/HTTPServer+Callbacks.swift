import CMicroHTTPD

// The C functions libmicrohttpd calls, all on its polling thread (the log sink on any thread).
// They must return quickly: every connection of the daemon waits while they run.

/// Collects header or query pairs during `MHD_get_connection_values`.
private final class PairCollector {
    var pairs: [(name: String, value: String)] = []
}

private let collectPair: netstat_mhd_value_iterator = { context, _, key, value in
    guard let context, let key else { return .YES }
    let collector = Unmanaged<PairCollector>.fromOpaque(context).takeUnretainedValue()
    collector.pairs.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
    return .YES
}

private func connectionValues(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
    let collector = PairCollector()
    let context = Unmanaged.passUnretained(collector).toOpaque()
    _ = MHD_get_connection_values(connection, kind, collectPair, context)
    return withExtendedLifetime(collector) { collector.pairs }
}

private func clientAddress(_ connection: OpaquePointer) -> String {
    var host = [CChar](repeating: 0, count: 64)
    netstat_mhd_client_address(connection, &host, host.count)
    return String(cTextBuffer: host)
}

private func clientCertificate(_ connection: OpaquePointer) -> ClientCertificate {
    switch netstat_mhd_client_certificate(connection) {
    case 0: return .none
    case 1: return .verified
    case 2: return .invalid
    default: return .notTLS
    }
}

/// libmicrohttpd calls the handler when the headers are in, again for each piece of body, and
/// once more when the body is complete; a response queued on the first call would make it close
/// the connection afterwards, so the first call only marks the request as seen. On the last
/// call the request goes to a worker and the connection is suspended; when the worker resumes
/// it, the handler is called again and queues the answer.
let serveRequest: netstat_mhd_access_handler = {
    context, connection, url, method, _, _, uploadSize, requestContext in
    guard let context, let connection, let requestContext else { return .NO }
    let core = ServerCore.from(context)
    let id = UInt(bitPattern: connection)
    guard let pendingPointer = requestContext.pointee else {
        requestContext.pointee = Unmanaged.passRetained(PendingRequest()).toOpaque()
        core.table.requestArrived(id)
        return .YES
    }
    // A request body (nobody sends one to an exporter) is read and dropped.
    if let uploadSize, uploadSize.pointee != 0 {
        uploadSize.pointee = 0
        return .YES
    }
    let pending = Unmanaged<PendingRequest>.fromOpaque(pendingPointer).takeUnretainedValue()
    if case .given(let response) = pending.answered {
        return queue(response, on: connection)
    }
    guard pending.markDispatched() else { return .YES }
    // Answers not yet taken by their clients hold the memory budget: refuse before any work.
    if core.memory.isFull {
        core.memory.countRefusal()
        return queue(core.memoryFull, on: connection)
    }
    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "",
        path: url.map { String(cString: $0) } ?? "/",
        headers: connectionValues(connection, .HEADER_KIND),
        query: connectionValues(connection, .GET_ARGUMENT_KIND),
        clientCertificate: clientCertificate(connection),
        clientAddress: clientAddress(connection))
    guard core.table.suspend(id, for: pending) else {
        return queue(core.shuttingDown, on: connection)
    }
    MHD_suspend_connection(connection)
    let handler = core.handler
    let responder = HTTPResponder(table: core.table, connection: id, memory: core.memory)
    core.workers.submit {
        handler(request, responder)
    }
    return .YES
}

/// The request is over (answered, or the client went away): its context is released and the
/// connection's next request starts the read deadline afresh.
let requestCompleted: netstat_mhd_completed_handler = { context, connection, requestContext, _ in
    guard let context, let connection else { return }
    if let requestContext, let pending = requestContext.pointee {
        Unmanaged<PendingRequest>.fromOpaque(pending).release()
        requestContext.pointee = nil
    }
    ServerCore.from(context).table.requestFinished(UInt(bitPattern: connection))
}

let connectionChanged: netstat_mhd_connection_handler = { context, connection, _, code in
    guard let context, let connection else { return }
    let table = ServerCore.from(context).table
    let id = UInt(bitPattern: connection)
    if code.rawValue == 0 { // MHD_CONNECTION_NOTIFY_STARTED (the other code is CLOSED)
        let fd = netstat_mhd_connection_fd(connection)
        netstat_socket_unsent_limit(fd, HTTPServerLimits.unsentBytes)
        table.opened(id, fd: fd)
    } else {
        table.closed(id)
    }
}

let logLine: netstat_mhd_log_sink = { context, format, line in
    guard let context, let format, let line else { return }
    var text = String(cString: line)
    while text.last == "\n" { text.removeLast() }
    ServerCore.from(context).log(String(cString: format), text)
}

/// Queues a prepared response (nil, none could be made: the connection is closed instead).
private func queue(_ response: PreparedResponse?, on connection: OpaquePointer) -> MHD_Result {
    guard let response else { return .NO }
    return MHD_queue_response(connection, UInt32(response.status), response.handle)
}
