// The one netlink sock_diag dump both floors make (floor.c, floor_netns.c): every socket of
// `protocol` and `family` in any TCP state, each message handed to `each`, nothing parsed.
// Kept apart from Sources/CSockDiag on purpose: a floor must stay a standalone C program.
#ifndef FLOOR_DUMP_H
#define FLOOR_DUMP_H

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static char floor_buffer[32768] __attribute__((aligned(8)));

// The idiag_ext of every request: 0, or the INET_DIAG_INFO bit (--tcp-info), which makes the
// kernel fill each socket's struct tcp_info as the exporter's health metrics ask it to.
static unsigned char floor_extensions;

// family AF_UNSPEC (TCP only): both families in one walk of the kernel's table, through the
// older TCPDIAG_GETSOCK request (what the exporter sends); SOCK_DIAG_BY_FAMILY walks it once
// per family, as ss does.
static int floor_dump(int fd, int family, int protocol, void (*each)(const struct inet_diag_msg *)) {
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req request;
    } both;
    memset(&message, 0, sizeof message);
    memset(&both, 0, sizeof both);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = family;
    message.request.sdiag_protocol = protocol;
    message.request.idiag_states = 0x1ffe;
    message.request.idiag_ext = floor_extensions;
    both.header.nlmsg_len = sizeof both;
    both.header.nlmsg_type = TCPDIAG_GETSOCK;
    both.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    both.request.idiag_states = 0x1ffe;
    both.request.idiag_ext = floor_extensions;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    ssize_t sent = family == AF_UNSPEC
        ? sendto(fd, &both, sizeof both, 0, (struct sockaddr *)&kernel, sizeof kernel)
        : sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel);
    if (sent < 0) return -1;
    for (;;) {
        ssize_t got = recv(fd, floor_buffer, sizeof floor_buffer, 0);
        if (got <= 0) return -1;
        for (struct nlmsghdr *header = (struct nlmsghdr *)floor_buffer; NLMSG_OK(header, got);
             header = NLMSG_NEXT(header, got)) {
            if (header->nlmsg_type == NLMSG_DONE) return 0;
            if (header->nlmsg_type == NLMSG_ERROR) return -1;
            each(NLMSG_DATA(header));
        }
    }
}

#endif
