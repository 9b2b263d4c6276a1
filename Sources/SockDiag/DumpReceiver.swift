#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CSockDiag
import ProcNet
import Threads

/// Receives the rest of a dump on its own thread while the caller decodes what came before.
///
/// The kernel builds a dump's datagrams inside recv() (net/netlink/af_netlink.c
/// `netlink_recvmsg` → `netlink_dump`), so a thread that receives and then decodes leaves the
/// second core idle while it decodes, and a 100k-socket scrape pays both one after the other.
/// Here the two overlap: a ring of `slots` buffers between one receiving thread and the
/// decoding caller, counted by two semaphores (free and filled), so neither takes a lock.
/// The receiver stops after the datagram that ends the dump (`csockdiag_ends_dump`) or a failed
/// receive; `finish` discards what the caller did not take and waits for it, so the session
/// is ready for its next dump however the caller's decoding ended.
final class DumpReceiver: @unchecked Sendable {
    /// One received datagram: its bytes, or the receive's failure (-errno), 0 when the kernel
    /// sent nothing.
    struct Datagram {
        let bytes: UnsafeRawBufferPointer
        let received: Int
        /// Nothing follows: the dump ended here (or the receive failed).
        let isLast: Bool
    }

    static let slots = 4
    private static let storageSize = slots * SockDiagSession.bufferSize
    private let fd: Int32
    private let sequence: UInt32
    private let faults: SockDiagFaults?
    private let storage: UnsafeMutableRawPointer
    private let isMapped: Bool
    /// Per slot, written by the receiver before it posts `filled`, read after the wait.
    private let received: UnsafeMutablePointer<Int>
    private let last: UnsafeMutablePointer<Bool>
    private let free = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    private let filled = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
    /// Started after the first datagram, unless that one ended the dump (a small table needs no
    /// thread); nil also when the system had no thread to give: `take` then receives itself.
    private var thread: BackgroundThread<Void>?
    private var nextSlot = 0
    private var sawFirst = false
    private var sawLast = false

    /// Receives the datagrams of dump `sequence` on `fd` (its request already sent).
    init(fd: Int32, sequence: UInt32, faults: SockDiagFaults?) {
        self.fd = fd
        self.sequence = sequence
        self.faults = faults
        // Mapped apart from the heap: 128 KB taken and given back around every dump would
        // otherwise sit between the scrape's allocations and keep the heap from shrinking.
        let mapped = mmap(nil, DumpReceiver.storageSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        isMapped = mapped != nil && mapped != MAP_FAILED
        storage = isMapped ? mapped! : .allocate(byteCount: DumpReceiver.storageSize, alignment: 8)
        received = .allocate(capacity: DumpReceiver.slots)
        last = .allocate(capacity: DumpReceiver.slots)
        // The first slot is the caller's (see `take`).
        sem_init(free, 0, UInt32(DumpReceiver.slots - 1))
        sem_init(filled, 0, 0)
    }

    deinit {
        sem_destroy(free)
        sem_destroy(filled)
        free.deallocate()
        filled.deallocate()
        if isMapped { munmap(storage, DumpReceiver.storageSize) } else { storage.deallocate() }
        received.deallocate()
        last.deallocate()
    }

    private func receiveAll() {
        var slot = 1
        while true {
            DumpReceiver.wait(free)
            let ends = receive(into: slot)
            sem_post(filled)
            if ends { return }
            slot = (slot + 1) % DumpReceiver.slots
        }
    }

    /// Receives one datagram into `slot`; true when nothing follows it.
    private func receive(into slot: Int) -> Bool {
        let size = SockDiagSession.bufferSize
        let buffer = storage + slot * size
        let count = faults?.nextReceive().map { -Int($0) } ?? csockdiag_receive(fd, buffer, size)
        let ends = count <= 0 || csockdiag_ends_dump(buffer, count, sequence) != 0
        received[slot] = count
        last[slot] = ends
        return ends
    }

    /// The next datagram, valid until `giveBack`; nil after the last one was taken.
    func take() -> Datagram? {
        guard !sawLast else { return nil }
        let slot = nextSlot
        if !sawFirst {
            sawFirst = true
            if !receive(into: slot) { thread = BackgroundThread.startIfAvailable { [self] in receiveAll() } }
        } else if thread == nil {
            _ = receive(into: slot)
        } else {
            DumpReceiver.wait(filled)
        }
        sawLast = last[slot]
        let count = received[slot]
        let bytes = UnsafeRawBufferPointer(start: storage + slot * SockDiagSession.bufferSize, count: max(count, 0))
        return Datagram(bytes: bytes, received: count, isLast: sawLast)
    }

    /// Hands the buffer of the datagram `take` returned back to the receiver.
    func giveBack() {
        nextSlot = (nextSlot + 1) % DumpReceiver.slots
        if thread != nil { sem_post(free) }
    }

    /// Discards the datagrams not taken and waits for the receiving thread to end.
    func finish() {
        while take() != nil { giveBack() }
        thread?.wait()
        // The thread's work holds this receiver: let go of it, or neither is ever freed.
        thread = nil
    }

    /// Tries a while before sleeping: the other side usually posts within microseconds (a
    /// datagram takes the kernel ~30 µs to fill, the caller about as long to decode), and a
    /// futex sleep and wake-up per datagram cost more than that spin (with tcp_info a 100k dump
    /// is ~1,000 datagrams, each handed over twice).
    private static func wait(_ semaphore: UnsafeMutablePointer<sem_t>) {
        for _ in 0..<spins where sem_trywait(semaphore) == 0 { return }
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }

    static let spins = 4000
}
