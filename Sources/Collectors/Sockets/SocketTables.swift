import ProcNet
import SockDiag
import Namespaces

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
    /// nil when /proc serves the tables.
    private(set) var session: SockDiagSession?
    private let mayFallBack: Bool
    private let fallbacks: NetlinkFallbacks
    /// The /proc/net/tcp* bytes, read once and parsed twice (listeners, then the rest); nil
    /// inside when the table could not be read.
    private var procTCP: [SocketFamily: ProcTable] = [:]

    private struct ProcTable {
        let bytes: [UInt8]?
    }

    init(source: SocketSource, namespace: NetworkNamespace, fallbacks: NetlinkFallbacks,
         report: inout CollectorReport) {
        self.namespace = namespace
        self.mayFallBack = source == .auto
        self.fallbacks = fallbacks
        // A namespace read through another process's /proc/<pid>/net has no netlink socket of
        // its own: the exporter's would dump the wrong namespace.
        guard namespace.netlinkReachable else { return }
        let live = namespace.reader != .own || namespace.isLiveProc
        guard source == .netlink || (source == .auto && live) else { return }
        do {
            session = try SockDiagSession(faults: fallbacks.faults)
        } catch {
            if source == .netlink { report.fail(error.description) }
        }
    }

    /// Visits the TCP sockets of both families that listen (`listening`) or that do not, with
    /// each socket's family, its tcp_info when `extensions` asked for it, and whether it came
    /// from netlink (which knows a listener's backlog). Netlink dumps both families in one walk
    /// of the kernel's table; /proc has no extensions to give.
    mutating func visitTCP(listening: Bool, extensions: SockDiagSession.Extensions = [],
                           report: inout CollectorReport,
                           _ body: (InetSocket, SocketFamily, TCPInfoSample?, Bool) -> Void) {
        if session != nil {
            let states = listening ? SockDiagSession.listenState : SockDiagSession.allButListen
            if dump(.tcp, nil, states: states, extensions: extensions, report: &report, {
                body($0, SocketFamily(of: $0), $1, true)
            }) { return }
        }
        for family in SocketFamily.allCases {
            if procTCP[family] == nil {
                procTCP[family] = ProcTable(bytes: readTable(family.procTable("tcp"), family, report: &report))
            }
            guard let bytes = procTCP[family]?.bytes else { continue }
            let path = namespace.net(family.procTable("tcp"))
            let listen = TCPState.listen.rawValue
            let summary = InetSocketTable.parse(bytes) { socket in
                if (socket.state == listen) == listening { body(socket, family, nil, false) }
            }
            // The same bytes are parsed in both passes: count their malformed rows once.
            if listening { report.record(summary, path: path) }
        }
    }

    mutating func visitUDP(_ family: SocketFamily, report: inout CollectorReport, _ body: (InetSocket) -> Void) {
        if session != nil, dump(.udp, family, states: SockDiagSession.allStates, report: &report, { socket, _ in body(socket) }) {
            return
        }
        let path = namespace.net(family.procTable("udp"))
        guard let bytes = readTable(family.procTable("udp"), family, report: &report) else { return }
        report.record(InetSocketTable.parse(bytes, body), path: path)
    }

    /// True when netlink answered (or failed in a way /proc cannot mend); false to read /proc.
    ///
    /// A dump that fails before visiting a socket is retried once on a fresh session (the
    /// kernel refuses a new dump on a socket whose last one did not finish); when the retry
    /// fails too, /proc serves the rest of this scrape and the fallback is counted. A dump that
    /// fails after visiting sockets can be neither retried nor replaced (they were counted
    /// already): the collector fails this scrape.
    /// `family` nil: both, in one dump.
    private mutating func dump(_ proto: SockDiagSession.TransportProtocol, _ family: SocketFamily?, states: UInt32,
                               extensions: SockDiagSession.Extensions = [], report: inout CollectorReport,
                               _ body: (InetSocket, TCPInfoSample?) -> Void) -> Bool {
        for attempt in 1...2 {
            guard let session else { break }
            var visited = 0
            do {
                let families: SockDiagSession.Family = switch family {
                case .ipv4?: .ipv4
                case .ipv6?: .ipv6
                case nil: .both
                }
                try session.dump(proto, families, states: states, extensions: extensions) { socket, info in
                    visited += 1
                    body(socket, info)
                }
                return true
            } catch {
                if visited > 0 {
                    report.fail(error.description)
                    return true
                }
                // The kernel refusing an IPv6 dump means IPv6 is off: no data here, not a fault.
                if family == .ipv6, case .kernelError = error { return !mayFallBack }
                if attempt == 2 {
                    guard mayFallBack else {
                        report.fail(error.description)
                        return true
                    }
                    self.session = nil
                    fallbacks.record()
                    return false
                }
                self.session = try? SockDiagSession(faults: fallbacks.faults)
            }
        }
        // No session for the retry (netlink could not even be reopened).
        guard mayFallBack else {
            report.fail("netlink sock_diag: could not reopen the socket for a retry")
            return true
        }
        fallbacks.record()
        return false
    }

    private func readTable(_ relative: String, _ family: SocketFamily, report: inout CollectorReport) -> [UInt8]? {
        let path = namespace.net(relative)
        return family == .ipv4 ? report.readRequired(path) : report.readOptional(path)
    }
}
