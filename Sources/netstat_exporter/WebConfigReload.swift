import HTTPServer
import Logging
import WebConfig

/// SIGHUP: re-reads the web config. A good file replaces the one in force (new passwords and
/// headers apply to the next request; new TLS material restarts each listener on its socket);
/// a bad one is logged and the last good configuration stays.
func reloadWebConfig(_ path: String?, gate: WebGate, servers: inout [HTTPServer]) {
    guard let path else {
        Log.warn("SIGHUP without --web.config.file: nothing to reload")
        return
    }
    let config: WebConfig
    do {
        config = try WebConfig.load(path)
    } catch {
        Log.error("Reloading web config failed, keeping the last good one", ["file": path, "err": "\(error)"])
        return
    }
    if config.tls != gate.config.tls {
        var restarted: [HTTPServer] = []
        for server in servers {
            do {
                restarted.append(try server.restarted(tls: config.tls))
            } catch {
                // Listeners already restarted keep the new TLS; the rest, and the auth, stay as they were.
                Log.error("Reloading web config failed, keeping the last good one", ["file": path, "err": "\(error)"])
                servers = restarted + servers.dropFirst(restarted.count)
                return
            }
        }
        servers = restarted
    }
    gate.replace(config)
    Log.info("Reloaded web config", ["file": path, "tls": config.tls != nil, "users": config.users.count])
}
