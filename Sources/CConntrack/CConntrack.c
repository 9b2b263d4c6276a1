#include "CConntrack.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

_Static_assert(CCONNTRACK_MSG_STATS_CPU == ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS_CPU), "stats cpu");
_Static_assert(CCONNTRACK_MSG_STATS == ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET_STATS), "stats");
_Static_assert(CCONNTRACK_STATS_FOUND == CTA_STATS_FOUND, "found");
_Static_assert(CCONNTRACK_STATS_INVALID == CTA_STATS_INVALID, "invalid");
_Static_assert(CCONNTRACK_STATS_INSERT == CTA_STATS_INSERT, "insert");
_Static_assert(CCONNTRACK_STATS_INSERT_FAILED == CTA_STATS_INSERT_FAILED, "insert_failed");
_Static_assert(CCONNTRACK_STATS_DROP == CTA_STATS_DROP, "drop");
_Static_assert(CCONNTRACK_STATS_EARLY_DROP == CTA_STATS_EARLY_DROP, "early_drop");
_Static_assert(CCONNTRACK_STATS_ERROR == CTA_STATS_ERROR, "error");
_Static_assert(CCONNTRACK_STATS_SEARCH_RESTART == CTA_STATS_SEARCH_RESTART, "search_restart");
_Static_assert(CCONNTRACK_STATS_CLASH_RESOLVE == CTA_STATS_CLASH_RESOLVE, "clash_resolve");
_Static_assert(CCONNTRACK_STATS_CHAIN_TOOLONG == CTA_STATS_CHAIN_TOOLONG, "chain_toolong");
_Static_assert(CCONNTRACK_STATS_GLOBAL_ENTRIES == CTA_STATS_GLOBAL_ENTRIES, "entries");
_Static_assert(CCONNTRACK_STATS_GLOBAL_MAX_ENTRIES == CTA_STATS_GLOBAL_MAX_ENTRIES, "max entries");
_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr");
_Static_assert(sizeof(struct nfgenmsg) == 4, "nfgenmsg");

int cconntrack_open(int timeout_ms) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
    if (fd < 0) return -errno;
    struct timeval timeout = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

void cconntrack_close(int fd) {
    if (fd >= 0) close(fd);
}

int cconntrack_request(int fd, uint16_t message_type, uint32_t sequence) {
    struct {
        struct nlmsghdr header;
        struct nfgenmsg body;
    } request;
    memset(&request, 0, sizeof request);
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = message_type;
    // GET_STATS_CPU answers only a dump; GET_STATS answers a plain request with one message.
    request.header.nlmsg_flags = NLM_F_REQUEST | (message_type == CCONNTRACK_MSG_STATS_CPU ? NLM_F_DUMP : 0);
    request.header.nlmsg_seq = sequence;
    request.body.nfgen_family = AF_UNSPEC;
    request.body.version = NFNETLINK_V0;
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    ssize_t sent;
    do {
        sent = sendto(fd, &request, sizeof request, 0, (struct sockaddr *)&kernel, sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return -errno;
    return sent == (ssize_t)sizeof request ? 0 : -EMSGSIZE;
}

long cconntrack_receive(int fd, void *buffer, size_t capacity) {
    ssize_t received;
    do {
        received = recv(fd, buffer, capacity, 0);
    } while (received < 0 && errno == EINTR);
    return received < 0 ? -errno : (long)received;
}
