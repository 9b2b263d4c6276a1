// The floor for the namespaces benchmark: the least any exporter must do to read every network
// namespace named on the command line (bind mounts such as /run/netns/x) as netstat_exporter
// does: enter it with setns(2), open a sock_diag socket there, dump TCP and UDP of both
// families, and read the /proc/net files the collectors read (through /proc/thread-self/net),
// counting sockets and bytes but parsing nothing. Built and run by bench/namespaces.sh.
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned long sockets, bytes;
static char buffer[32768] __attribute__((aligned(8)));

static int dump(int fd, int family, int protocol) {
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.request.sdiag_family = family;
    message.request.sdiag_protocol = protocol;
    message.request.idiag_states = 0x1ffe;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -1;
    for (;;) {
        ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) return -1;
        for (struct nlmsghdr *header = (struct nlmsghdr *)buffer; NLMSG_OK(header, got);
             header = NLMSG_NEXT(header, got)) {
            if (header->nlmsg_type == NLMSG_DONE) return 0;
            if (header->nlmsg_type == NLMSG_ERROR) return -1;
            sockets++;
        }
    }
}

static void slurp(const char *name) {
    char path[64];
    snprintf(path, sizeof path, "/proc/thread-self/net/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0) bytes += (unsigned long)got;
    close(fd);
}

int main(int argc, char **argv) {
    static const char *files[] = {"unix", "snmp", "netstat", "snmp6", "sockstat", "sockstat6", "dev"};
    for (int i = 1; i < argc; i++) {
        int ns = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
            perror(argv[i]);
            return 1;
        }
        close(ns);
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0 || dump(fd, AF_INET, IPPROTO_TCP) < 0 || dump(fd, AF_INET6, IPPROTO_TCP) < 0 ||
            dump(fd, AF_INET, IPPROTO_UDP) < 0 || dump(fd, AF_INET6, IPPROTO_UDP) < 0) {
            perror("sock_diag");
            return 1;
        }
        close(fd);
        for (size_t f = 0; f < sizeof files / sizeof *files; f++) slurp(files[f]);
    }
    printf("namespaces %d sockets %lu bytes %lu\n", argc - 1, sockets, bytes);
    return 0;
}
