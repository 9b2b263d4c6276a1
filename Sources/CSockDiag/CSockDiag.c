#include "CSockDiag.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <stddef.h>

// The layouts this file relies on (uapi; stable since Linux 3.3).
_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr is 16 bytes");
_Static_assert(sizeof(struct inet_diag_sockid) == 48, "inet_diag_sockid is 48 bytes");
_Static_assert(sizeof(struct inet_diag_req_v2) == 56, "inet_diag_req_v2 is 56 bytes");
_Static_assert(sizeof(struct inet_diag_msg) == 72, "inet_diag_msg is 72 bytes");
_Static_assert(sizeof(struct nlmsgerr) >= 20, "nlmsgerr starts with an int error and a header");

int csockdiag_open(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    return fd < 0 ? -errno : fd;
}

void csockdiag_close(int fd) {
    close(fd);
}

static int send_to_kernel(int fd, const void *message, size_t length) {
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do {
        sent = sendto(fd, message, length, 0, (struct sockaddr *)&kernel, sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return -errno;
    return sent == (ssize_t)length ? 0 : -EIO;
}

static void fill_header(struct nlmsghdr *header, size_t length, uint16_t type, uint16_t flags, uint32_t sequence) {
    header->nlmsg_len = (uint32_t)length;
    header->nlmsg_type = type;
    header->nlmsg_flags = flags;
    header->nlmsg_seq = sequence;
}

// A SOCK_DIAG_BY_FAMILY request: a dump (NLM_F_DUMP) or an exact lookup (the caller fills `id`).
struct request_v2 {
    struct nlmsghdr header;
    struct inet_diag_req_v2 request;
};

static void start_request_v2(struct request_v2 *message, uint16_t flags, uint8_t family, uint8_t protocol,
                             uint32_t states, uint32_t sequence) {
    memset(message, 0, sizeof *message);
    fill_header(&message->header, sizeof *message, SOCK_DIAG_BY_FAMILY, flags, sequence);
    message->request.sdiag_family = family;
    message->request.sdiag_protocol = protocol;
    message->request.idiag_states = states;
}

// The (negative) errno of an NLMSG_ERROR message, 0 for an acknowledgement, -EIO when the
// message is too short to say.
static int netlink_error(const struct nlmsghdr *header) {
    if (header->nlmsg_len < NLMSG_LENGTH(sizeof(int))) return -EIO;
    int error;
    memcpy(&error, NLMSG_DATA(header), sizeof error);
    return error;
}

int csockdiag_request(int fd, uint8_t family, uint8_t protocol, uint32_t states, uint32_t wanted,
                      uint32_t sequence) {
    uint8_t extensions = 0;
    if (wanted & CSOCKDIAG_EXT_MEMINFO) extensions |= 1u << (INET_DIAG_SKMEMINFO - 1);
    if (wanted & CSOCKDIAG_EXT_INFO) extensions |= 1u << (INET_DIAG_INFO - 1);
    if (family == AF_UNSPEC) {
        // Both families in one walk of the kernel's socket table: the older TCPDIAG_GETSOCK
        // request dumps with AF_UNSPEC (net/ipv4/inet_diag.c `inet_diag_dump_compat`), where
        // SOCK_DIAG_BY_FAMILY walks the whole table once per family. TCP only.
        if (protocol != IPPROTO_TCP) return -EINVAL;
        struct {
            struct nlmsghdr header;
            struct inet_diag_req request;
        } message;
        memset(&message, 0, sizeof message);
        fill_header(&message.header, sizeof message, TCPDIAG_GETSOCK, NLM_F_REQUEST | NLM_F_DUMP, sequence);
        message.request.idiag_states = states;
        message.request.idiag_ext = extensions;
        return send_to_kernel(fd, &message, sizeof message);
    }
    struct request_v2 message;
    start_request_v2(&message, NLM_F_REQUEST | NLM_F_DUMP, family, protocol, states, sequence);
    message.request.idiag_ext = extensions;
    return send_to_kernel(fd, &message, sizeof message);
}

long csockdiag_lookup(int fd, uint8_t family, uint8_t protocol, const uint32_t source[4], uint16_t source_port,
                      const uint32_t destination[4], uint16_t destination_port, uint32_t sequence) {
    struct request_v2 message;
    start_request_v2(&message, NLM_F_REQUEST, family, protocol, ~0u, sequence);
    // UDP looks a socket up as a datagram would find it: "src" is the remote end there
    // (net/ipv4/udp_diag.c: "src and dst are swapped for historical reasons"); TCP takes them
    // as a dump reports them.
    int swap = protocol == IPPROTO_UDP;
    message.request.id.idiag_sport = htons(swap ? destination_port : source_port);
    message.request.id.idiag_dport = htons(swap ? source_port : destination_port);
    memcpy(message.request.id.idiag_src, swap ? destination : source, sizeof message.request.id.idiag_src);
    memcpy(message.request.id.idiag_dst, swap ? source : destination, sizeof message.request.id.idiag_dst);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

    int sent = send_to_kernel(fd, &message, sizeof message);
    if (sent < 0) return sent;

    // One answer: the socket's message, or an error (ENOENT when nothing has that address pair).
    char reply[8192] __attribute__((aligned(8)));
    for (;;) {
        long got = csockdiag_receive(fd, reply, sizeof reply);
        if (got <= 0) return got < 0 ? got : -EIO;
        const struct nlmsghdr *header = (const struct nlmsghdr *)reply;
        int remaining = (int)got;
        for (; NLMSG_OK(header, remaining); header = NLMSG_NEXT(header, remaining)) {
            if (header->nlmsg_seq != sequence) continue;
            if (header->nlmsg_type == NLMSG_ERROR) {
                int error = netlink_error(header);
                return error < 0 ? error : -error;
            }
            if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            if (header->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return -EBADMSG;
            const struct inet_diag_msg *diag = NLMSG_DATA(header);
            return (long)diag->idiag_inode;
        }
    }
}

long csockdiag_receive(int fd, void *buffer, size_t capacity) {
    ssize_t got;
    do {
        got = recv(fd, buffer, capacity, 0);
    } while (got < 0 && errno == EINTR);
    return got < 0 ? -errno : (long)got;
}

int csockdiag_ends_dump(const void *buffer, size_t length, uint32_t sequence) {
    const struct nlmsghdr *header = buffer;
    int remaining = (int)length;
    for (; NLMSG_OK(header, remaining); header = NLMSG_NEXT(header, remaining)) {
        if (header->nlmsg_seq != sequence) continue;
        if (header->nlmsg_type == NLMSG_DONE) return 1;
        // An error of 0 is an acknowledgement; a message too short to say is a failure.
        if (header->nlmsg_type == NLMSG_ERROR && netlink_error(header) != 0) return 1;
    }
    return 0;
}

// The end of a tcp_info field: a kernel whose struct is shorter did not send it.
#define TCP_INFO_END(field) (offsetof(struct tcp_info, field) + sizeof(((struct tcp_info *)0)->field))

// The fields the exporter reads from an INET_DIAG_INFO payload of `length` bytes. Older
// kernels send a shorter struct: what is missing stays 0.
static void read_tcp_info(const void *payload, size_t length, csockdiag_tcp_info *out) {
    struct tcp_info info;
    memset(&info, 0, sizeof info);
    memcpy(&info, payload, length < sizeof info ? length : sizeof info);
    out->present = 1;
    out->backoff = info.tcpi_backoff;
    out->probes = info.tcpi_probes;
    out->rtt = info.tcpi_rtt;
    out->total_retrans = info.tcpi_total_retrans;
    out->segs_out = info.tcpi_segs_out;
    out->notsent_bytes = info.tcpi_notsent_bytes;
    out->bytes_acked = info.tcpi_bytes_acked;
    out->bytes_received = info.tcpi_bytes_received;
    out->busy_time = info.tcpi_busy_time;
    out->rwnd_limited = info.tcpi_rwnd_limited;
    out->sndbuf_limited = info.tcpi_sndbuf_limited;
    out->has_peer_window = length >= TCP_INFO_END(tcpi_snd_wnd);
    out->peer_window = info.tcpi_snd_wnd;
}

// The attributes after the inet_diag_msg: the drop counter of INET_DIAG_SKMEMINFO and the
// fields of INET_DIAG_INFO, when the message carries them.
static void read_attributes(const struct nlmsghdr *header, const struct inet_diag_msg *diag,
                            csockdiag_message *out) {
    const struct rtattr *attribute = (const struct rtattr *)(diag + 1);
    int remaining = (int)header->nlmsg_len - NLMSG_LENGTH(sizeof *diag);
    for (; RTA_OK(attribute, remaining); attribute = RTA_NEXT(attribute, remaining)) {
        if (attribute->rta_type == INET_DIAG_SKMEMINFO) {
            if (RTA_PAYLOAD(attribute) < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)) continue;
            uint32_t values[SK_MEMINFO_DROPS + 1];
            memcpy(values, RTA_DATA(attribute), sizeof values);
            out->drops = values[SK_MEMINFO_DROPS];
            out->has_drops = 1;
        } else if (attribute->rta_type == INET_DIAG_INFO) {
            // Too short to hold even the total of retransmissions: not a tcp_info to trust.
            if (RTA_PAYLOAD(attribute) < TCP_INFO_END(tcpi_total_retrans)) continue;
            read_tcp_info(RTA_DATA(attribute), RTA_PAYLOAD(attribute), &out->tcp);
        }
    }
}

int csockdiag_decode(const void *buffer, size_t length, size_t offset, csockdiag_message *out) {
    memset(out, 0, sizeof *out);
    if (offset >= length || length - offset < sizeof(struct nlmsghdr)) return 0;
    // The buffer comes from Swift with at least 4-byte alignment and netlink keeps every
    // message 4-byte aligned (NLMSG_ALIGN), so the casts below are aligned.
    const struct nlmsghdr *header = (const struct nlmsghdr *)((const char *)buffer + offset);
    int remaining = (int)(length - offset);
    if (!NLMSG_OK(header, remaining)) return 0;
    size_t next = offset + NLMSG_ALIGN(header->nlmsg_len);
    out->next_offset = (uint32_t)(next > length ? length : next);
    out->sequence = header->nlmsg_seq;
    out->dump_interrupted = (header->nlmsg_flags & NLM_F_DUMP_INTR) != 0;

    if (header->nlmsg_type == NLMSG_DONE) {
        out->kind = CSOCKDIAG_DONE;
        return 1;
    }
    if (header->nlmsg_type == NLMSG_ERROR) {
        out->kind = CSOCKDIAG_ERROR;
        out->error = -netlink_error(header);
        return 1;
    }
    if (header->nlmsg_type != SOCK_DIAG_BY_FAMILY && header->nlmsg_type != TCPDIAG_GETSOCK) {
        out->kind = CSOCKDIAG_OTHER;
        return 1;
    }
    if (header->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
        out->kind = CSOCKDIAG_TRUNCATED;
        return 1;
    }
    const struct inet_diag_msg *diag = NLMSG_DATA(header);
    out->kind = CSOCKDIAG_SOCKET;
    out->family = diag->idiag_family;
    out->state = diag->idiag_state;
    out->source_port = ntohs(diag->id.idiag_sport);
    out->destination_port = ntohs(diag->id.idiag_dport);
    memcpy(out->source, diag->id.idiag_src, sizeof out->source);
    memcpy(out->destination, diag->id.idiag_dst, sizeof out->destination);
    out->uid = diag->idiag_uid;
    out->inode = diag->idiag_inode;
    out->receive_queue = diag->idiag_rqueue;
    out->send_queue = diag->idiag_wqueue;
    out->cookie = (uint64_t)diag->id.idiag_cookie[1] << 32 | diag->id.idiag_cookie[0];
    read_attributes(header, diag, out);
    return 1;
}

uint8_t csockdiag_af_unspec(void) { return AF_UNSPEC; }
uint8_t csockdiag_af_inet(void) { return AF_INET; }
uint8_t csockdiag_af_inet6(void) { return AF_INET6; }
uint8_t csockdiag_ipproto_tcp(void) { return IPPROTO_TCP; }
uint8_t csockdiag_ipproto_udp(void) { return IPPROTO_UDP; }
