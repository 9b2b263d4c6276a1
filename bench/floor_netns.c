// The floor for the namespaces benchmark: the least any exporter must do to read every network
// namespace named on the command line (bind mounts such as /run/netns/x) as netstat_exporter
// does: enter it with setns(2), open a sock_diag socket there, dump TCP and UDP of both
// families, and read the /proc/net files the collectors read (through /proc/thread-self/net),
// counting sockets and bytes but parsing nothing. Built and run by bench/namespaces.sh.
// With --one-walk (first argument): TCP of both families in one dump, as the exporter dumps it.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include "floor_dump.h"

static unsigned long sockets, bytes;

static void count_socket(const struct inet_diag_msg *diag) {
    (void)diag;
    sockets++;
}

static void slurp(const char *name) {
    char path[64];
    snprintf(path, sizeof path, "/proc/thread-self/net/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t got;
    while ((got = read(fd, floor_buffer, sizeof floor_buffer)) > 0) bytes += (unsigned long)got;
    close(fd);
}

int main(int argc, char **argv) {
    static const char *files[] = {"unix", "snmp", "netstat", "snmp6", "sockstat", "sockstat6", "dev"};
    int one_walk = argc > 1 && strcmp(argv[1], "--one-walk") == 0;
    for (int i = 1 + one_walk; i < argc; i++) {
        int ns = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
            perror(argv[i]);
            return 1;
        }
        close(ns);
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        int tcp_failed = one_walk ? floor_dump(fd, AF_UNSPEC, IPPROTO_TCP, count_socket) < 0
                                  : floor_dump(fd, AF_INET, IPPROTO_TCP, count_socket) < 0 ||
                                        floor_dump(fd, AF_INET6, IPPROTO_TCP, count_socket) < 0;
        if (fd < 0 || tcp_failed ||
            floor_dump(fd, AF_INET, IPPROTO_UDP, count_socket) < 0 ||
            floor_dump(fd, AF_INET6, IPPROTO_UDP, count_socket) < 0) {
            perror("sock_diag");
            return 1;
        }
        close(fd);
        for (size_t f = 0; f < sizeof files / sizeof *files; f++) slurp(files[f]);
    }
    printf("namespaces %d sockets %lu bytes %lu\n", argc - 1 - one_walk, sockets, bytes);
    return 0;
}
