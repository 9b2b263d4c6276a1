import HTTPServer
import Logging

/// Starts the HTTP servers: one per `--web.listen-address`, or with `--web.systemd-socket` one
/// per listening socket systemd passed (the addresses are then systemd's, from the .socket unit).
/// Either way every server has the same TLS settings and handler, so the web config applies alike.
func startServers(_ options: ExporterOptions, limits: HTTPServerLimits, workers: WorkerPool, memory: ResponseMemory,
                  tls: TLSSettings?,
                  log: @escaping HTTPServer.ErrorLog,
                  handler: @escaping HTTPServer.Handler) throws(HTTPServerError) -> [HTTPServer] {
    guard options.systemdSocket else {
        var servers: [HTTPServer] = []
        for address in options.listenAddresses {
            servers.append(try HTTPServer(address: address, limits: limits, workers: workers, memory: memory, tls: tls, log: log,
                                          handler: handler))
        }
        return servers
    }
    if !options.flags.strings("web.listen-address").isEmpty {
        Log.warn("--web.listen-address is ignored with --web.systemd-socket")
    }
    let sockets = try SystemdSockets.take()
    guard !sockets.isEmpty else {
        throw .systemdSockets("no listening sockets passed (LISTEN_PID and LISTEN_FDS are not set for this process); "
                              + "start the exporter from its .socket unit or systemd-socket-activate")
    }
    var servers: [HTTPServer] = []
    for fd in sockets {
        servers.append(try HTTPServer(listeningSocket: fd, limits: limits, workers: workers, memory: memory, tls: tls, log: log,
                                      handler: handler))
    }
    return servers
}
