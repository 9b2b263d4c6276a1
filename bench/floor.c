// The floor for the sockets benchmark: the least any exporter must do to count TCP states,
// one netlink sock_diag dump of every IPv4 and IPv6 TCP socket, counted by state, nothing else.
// Built and run by bench/sockets.sh and bench/churn.sh; prints "total <n>", one line per
// non-empty state, and "took_ms <t>": the dump's own wall time, without starting the program.
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static unsigned long counts[16];

static int dump(int fd, int family) {
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = 0x1ffe;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -1;

    static char buffer[32768] __attribute__((aligned(8)));
    for (;;) {
        ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) return -1;
        for (struct nlmsghdr *header = (struct nlmsghdr *)buffer; NLMSG_OK(header, got);
             header = NLMSG_NEXT(header, got)) {
            if (header->nlmsg_type == NLMSG_DONE) return 0;
            if (header->nlmsg_type == NLMSG_ERROR) return -1;
            struct inet_diag_msg *diag = NLMSG_DATA(header);
            counts[diag->idiag_state & 15]++;
        }
    }
}

int main(void) {
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0 || dump(fd, AF_INET) < 0 || dump(fd, AF_INET6) < 0) {
        perror("sock_diag");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    unsigned long total = 0;
    for (int state = 0; state < 16; state++) total += counts[state];
    printf("total %lu\n", total);
    for (int state = 0; state < 16; state++) {
        if (counts[state]) printf("state %d %lu\n", state, counts[state]);
    }
    printf("took_ms %.3f\n", (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6);
    return 0;
}
