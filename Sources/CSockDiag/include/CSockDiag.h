// CSockDiag: the netlink NETLINK_SOCK_DIAG calls and structs the exporter needs, and nothing
// else (kernel: net/ipv4/inet_diag.c; uapi: linux/inet_diag.h, linux/sock_diag.h).
// Swift owns every buffer; these functions read or write it only during the call.
#ifndef CSOCKDIAG_H
#define CSOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

/// The struct tcp_info fields of one TCP socket the exporter reads (uapi linux/tcp.h). A
/// field the running kernel's struct is too short to hold reads 0, and its `has_` flag says so.
typedef struct {
    uint8_t present;            // the message carried INET_DIAG_INFO
    uint8_t backoff;            // tcpi_backoff: RTO backoffs of the current timeout
    uint8_t probes;             // tcpi_probes: unanswered zero-window probes
    uint8_t has_peer_window;    // tcpi_snd_wnd is present (Linux 5.4+)
    uint32_t rtt;               // tcpi_rtt: smoothed RTT, microseconds
    uint32_t total_retrans;     // tcpi_total_retrans: segments retransmitted over the socket's life
    uint32_t segs_out;          // tcpi_segs_out: segments sent, retransmissions included
    uint32_t notsent_bytes;     // tcpi_notsent_bytes: written by the application, not yet sent
    uint32_t peer_window;       // tcpi_snd_wnd: the peer's advertised receive window, bytes
    uint64_t bytes_acked;       // tcpi_bytes_acked
    uint64_t bytes_received;    // tcpi_bytes_received
    uint64_t busy_time;         // tcpi_busy_time, microseconds
    uint64_t rwnd_limited;      // tcpi_rwnd_limited, microseconds
    uint64_t sndbuf_limited;    // tcpi_sndbuf_limited, microseconds
} csockdiag_tcp_info;

/// One decoded netlink message of an inet_diag dump.
typedef struct {
    /// Offset of the next message in the buffer; equal to the received length after the last one.
    uint32_t next_offset;
    /// CSOCKDIAG_SOCKET, CSOCKDIAG_DONE, CSOCKDIAG_ERROR or CSOCKDIAG_OTHER.
    uint32_t kind;
    /// For CSOCKDIAG_ERROR: the kernel's errno (positive), 0 for an acknowledgement.
    int32_t error;
    uint32_t sequence;
    uint8_t family;
    uint8_t state;
    uint16_t source_port;       // host byte order
    uint16_t destination_port;  // host byte order
    uint8_t has_drops;
    /// NLM_F_DUMP_INTR: the kernel's tables changed during the dump, so it may be inconsistent.
    uint8_t dump_interrupted;
    uint32_t source[4];         // network byte order, as the kernel stores it
    uint32_t destination[4];    // network byte order
    uint32_t uid;
    uint32_t inode;
    uint32_t receive_queue;     // listeners: accept queue length
    uint32_t send_queue;        // listeners: accept backlog (the listen() argument, capped)
    uint32_t drops;             // SK_MEMINFO_DROPS, when has_drops
    /// The kernel's socket cookie: unique on the host for the socket's life, never reused.
    uint64_t cookie;
    /// The INET_DIAG_INFO fields the exporter reads, when the request asked for them.
    csockdiag_tcp_info tcp;
} csockdiag_message;

enum {
    CSOCKDIAG_SOCKET = 1,
    CSOCKDIAG_DONE = 2,
    CSOCKDIAG_ERROR = 3,
    CSOCKDIAG_OTHER = 4,
    CSOCKDIAG_TRUNCATED = 5,
};

enum {
    /// INET_DIAG_SKMEMINFO: the socket's drop counter (`drops`).
    CSOCKDIAG_EXT_MEMINFO = 1,
    /// INET_DIAG_INFO: struct tcp_info (`tcp`), which the kernel fills per socket at some cost.
    CSOCKDIAG_EXT_INFO = 2,
};

/// Opens a NETLINK_SOCK_DIAG socket (close-on-exec). Returns the fd, or -errno.
int csockdiag_open(void);

/// Closes the socket.
void csockdiag_close(int fd);

/// Starts a dump of the `protocol` (IPPROTO_TCP, IPPROTO_UDP) sockets of `family` (AF_INET,
/// AF_INET6) whose state bit is set in `states` (1 << TCP_xxx): an inet_diag_req_v2 request.
/// Family AF_UNSPEC (TCP only) dumps IPv4 and IPv6 in one walk of the table instead.
/// `extensions` is a set of CSOCKDIAG_EXT_* bits: the attributes each socket's message carries.
/// Returns 0 or -errno.
int csockdiag_request(int fd, uint8_t family, uint8_t protocol, uint32_t states, uint32_t extensions,
                      uint32_t sequence);

/// An exact lookup (no dump) of the `protocol` socket with these endpoints, as a dump reported
/// them (addresses in network order, ports in host order): the inode of the socket the kernel
/// holds there now (0 for one in TIME_WAIT), or -errno (-ENOENT: none).
long csockdiag_lookup(int fd, uint8_t family, uint8_t protocol, const uint32_t source[4], uint16_t source_port,
                      const uint32_t destination[4], uint16_t destination_port, uint32_t sequence);

/// Receives one datagram of the dump into `buffer`. Returns its length, 0 at EOF, or -errno.
long csockdiag_receive(int fd, void *buffer, size_t capacity);

/// 1 when the datagram holds the end of dump `sequence` (NLMSG_DONE, or NLMSG_ERROR with an
/// errno): what a receiver that reads ahead of the decoder needs to know to stop.
int csockdiag_ends_dump(const void *buffer, size_t length, uint32_t sequence);

/// Decodes the message at `offset` of the `length` received bytes into `out`.
/// Returns 1 when a message was decoded, 0 when no whole message starts at `offset`.
int csockdiag_decode(const void *buffer, size_t length, size_t offset, csockdiag_message *out);

/// The kernel constants Swift cannot see through macros.
uint8_t csockdiag_af_unspec(void);
uint8_t csockdiag_af_inet(void);
uint8_t csockdiag_af_inet6(void);
uint8_t csockdiag_ipproto_tcp(void);
uint8_t csockdiag_ipproto_udp(void);

#endif
