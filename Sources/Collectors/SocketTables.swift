import ProcNet
import SockDiag

/// Where the inet socket tables come from this scrape: netlink sock_diag (fast, and it carries
/// a listener's backlog) or /proc/net/{tcp,tcp6,udp,udp6}. Both hand the same `InetSocket`
/// values to the collector, one at a time.
enum SocketSource: String, Sendable, CaseIterable {
    /// Netlink when procfs is the live /proc and netlink works, else /proc.
    case auto
    case netlink
    case proc
}

/// One scrape's view of one namespace's inet tables.
struct SocketTables {
    private let namespace: NetworkNamespace
    private var session: SockDiagSession?
    private let mayFallBack: Bool
    /// The /proc/net/tcp* bytes, read once and parsed twice (listeners, then the rest); nil
    /// inside when the table could not be read.
    private var procTCP: [SocketFamily: ProcTable] = [:]

    private struct ProcTable {
        let bytes: [UInt8]?
    }

    init(source: SocketSource, namespace: NetworkNamespace, report: inout CollectorReport) {
        self.namespace = namespace
        self.mayFallBack = source == .auto
        // A namespace read through another process's /proc/<pid>/net has no netlink socket of
        // its own: the exporter's would dump the wrong namespace.
        guard namespace.netlinkReachable else { return }
        let live = namespace.reader != .own || namespace.procfs == "/proc"
        guard source == .netlink || (source == .auto && live) else { return }
        do {
            session = try SockDiagSession()
        } catch {
            if source == .netlink { report.fail(error.description) }
        }
    }

    /// Visits the TCP sockets of `family` that listen (`listening`) or that do not; the flag
    /// handed with each socket says whether it came from netlink (which knows a listener's backlog).
    mutating func visitTCP(_ family: SocketFamily, listening: Bool, report: inout CollectorReport,
                           _ body: (InetSocket, Bool) -> Void) {
        if let session {
            let states = listening ? SockDiagSession.listenState : SockDiagSession.allButListen
            if dump(session, .tcp, family, states: states, report: &report, { body($0, true) }) { return }
        }
        if procTCP[family] == nil {
            procTCP[family] = ProcTable(bytes: readTable(family.procTable("tcp"), family, report: &report))
        }
        guard let bytes = procTCP[family]?.bytes else { return }
        let path = namespace.net(family.procTable("tcp"))
        let listen = TCPState.listen.rawValue
        let summary = InetSocketTable.parse(bytes) { socket in
            if (socket.state == listen) == listening { body(socket, false) }
        }
        // The same bytes are parsed in both passes: count their malformed rows once.
        if listening { report.record(summary, path: path) }
    }

    mutating func visitUDP(_ family: SocketFamily, report: inout CollectorReport, _ body: (InetSocket) -> Void) {
        if let session, dump(session, .udp, family, states: SockDiagSession.allStates, report: &report, body) {
            return
        }
        let path = namespace.net(family.procTable("udp"))
        guard let bytes = readTable(family.procTable("udp"), family, report: &report) else { return }
        report.record(InetSocketTable.parse(bytes, body), path: path)
    }

    /// True when netlink answered; false to fall back to /proc, which is only allowed when the
    /// failed dump visited nothing (a half-visited table must not be counted twice).
    private func dump(_ session: SockDiagSession, _ proto: SockDiagSession.TransportProtocol,
                      _ family: SocketFamily, states: UInt32, report: inout CollectorReport,
                      _ body: (InetSocket) -> Void) -> Bool {
        var visited = 0
        do {
            try session.dump(proto, family == .ipv4 ? .ipv4 : .ipv6, states: states) { socket in
                visited += 1
                body(socket)
            }
            return true
        } catch {
            // An IPv6 dump answers EAFNOSUPPORT-like errors when IPv6 is off: no data, not a failure.
            if family == .ipv6 && visited == 0 { return mayFallBack ? false : true }
            if !mayFallBack || visited > 0 {
                report.fail(error.description)
                return true
            }
            return false
        }
    }

    private func readTable(_ relative: String, _ family: SocketFamily, report: inout CollectorReport) -> [UInt8]? {
        let path = namespace.net(relative)
        return family == .ipv4 ? report.readRequired(path) : report.readOptional(path)
    }
}
