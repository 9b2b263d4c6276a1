import Collectors
import HTTPServer
import WebConfig

/// SIGHUP: re-reads the web config. A good file replaces the one in force (new passwords and
/// headers apply to the next request; new TLS material restarts each listener on its socket);
/// a bad one is logged and the last good configuration stays.
func reloadWebConfig(_ path: String?, gate: WebGate, servers: inout [HTTPServer]) {
    guard let path else {
        RateLimitedLog.writeInfo("SIGHUP without --web.config.file: nothing to reload")
        return
    }
    let config: WebConfig
    do {
        config = try WebConfig.load(path)
    } catch {
        RateLimitedLog.writeLine("Reloading web config file=\(path) failed, keeping the last good one: \(error)")
        return
    }
    if config.tls != gate.config.tls {
        var restarted: [HTTPServer] = []
        for server in servers {
            do {
                restarted.append(try server.restarted(tls: config.tls))
            } catch {
                // Listeners already restarted keep the new TLS; the rest, and the auth, stay as they were.
                RateLimitedLog.writeLine("Reloading web config file=\(path): \(error); keeping the last good one")
                servers = restarted + servers.dropFirst(restarted.count)
                return
            }
        }
        servers = restarted
    }
    gate.replace(config)
    RateLimitedLog.writeInfo("Reloaded web config file=\(path) tls=\(config.tls != nil) users=\(config.users.count)")
}
