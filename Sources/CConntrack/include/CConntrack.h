// CConntrack: the NETLINK_NETFILTER calls the conntrack collector needs to ask ctnetlink for
// the connection tracker's statistics, and nothing else (kernel: net/netfilter/nfnetlink.c,
// net/netfilter/nf_conntrack_netlink.c `ctnetlink_stat_ct_cpu`, `ctnetlink_stat_ct`; uapi:
// linux/netfilter/nfnetlink.h, nfnetlink_conntrack.h). Never a table dump. Swift owns every
// buffer and decodes the answers itself; these functions read or write it only during the call.
#ifndef CCONNTRACK_H
#define CCONNTRACK_H

#include <stddef.h>
#include <stdint.h>

/// The uapi numbers Swift needs (checked against the kernel headers in CConntrack.c).
enum {
    /// nlmsg_type of IPCTNL_MSG_CT_GET_STATS_CPU (NFNL_SUBSYS_CTNETLINK << 8 | 4) and its answers.
    CCONNTRACK_MSG_STATS_CPU = 0x0104,
    /// nlmsg_type of IPCTNL_MSG_CT_GET_STATS (NFNL_SUBSYS_CTNETLINK << 8 | 5) and its answer.
    CCONNTRACK_MSG_STATS = 0x0105,
    /// enum ctattr_stats_cpu: big-endian u32 attributes of each CPU's message.
    CCONNTRACK_STATS_FOUND = 2,
    CCONNTRACK_STATS_INVALID = 4,
    CCONNTRACK_STATS_INSERT = 8,
    CCONNTRACK_STATS_INSERT_FAILED = 9,
    CCONNTRACK_STATS_DROP = 10,
    CCONNTRACK_STATS_EARLY_DROP = 11,
    CCONNTRACK_STATS_ERROR = 12,
    CCONNTRACK_STATS_SEARCH_RESTART = 13,
    CCONNTRACK_STATS_CLASH_RESOLVE = 14,
    CCONNTRACK_STATS_CHAIN_TOOLONG = 15,
    /// enum ctattr_stats_global: the big-endian u32 attributes of the GET_STATS answer.
    CCONNTRACK_STATS_GLOBAL_ENTRIES = 1,
    CCONNTRACK_STATS_GLOBAL_MAX_ENTRIES = 2,
};

/// Opens a NETLINK_NETFILTER socket (close-on-exec) in the calling thread's network namespace,
/// with a receive timeout of `timeout_ms` so a scrape never waits on it for longer. Returns the
/// fd, or -errno.
int cconntrack_open(int timeout_ms);

/// Closes the socket.
void cconntrack_close(int fd);

/// Sends a ctnetlink request of `message_type` (CCONNTRACK_MSG_STATS_CPU, as a dump, or
/// CCONNTRACK_MSG_STATS) with `sequence`. Returns 0 or -errno.
int cconntrack_request(int fd, uint16_t message_type, uint32_t sequence);

/// Receives one datagram into `buffer`. Returns its length, 0 at EOF, or -errno.
long cconntrack_receive(int fd, void *buffer, size_t capacity);

#endif
