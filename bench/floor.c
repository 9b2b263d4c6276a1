// The floor for the sockets benchmark: the least any exporter must do to count TCP states,
// one netlink sock_diag dump of every IPv4 and IPv6 TCP socket, counted by state, nothing else.
// Built and run by bench/sockets.sh and bench/churn.sh; prints "total <n>", one line per
// non-empty state, and "took_ms <t>": the dump's own wall time, without starting the program.
// With --one-walk: both families in one dump (one walk of the table, as the exporter dumps).
// With --tcp-info: every socket's message carries INET_DIAG_INFO (struct tcp_info), the
// extension the exporter asks for with --collector.sockets.health.
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "floor_dump.h"

static unsigned long counts[16];

static void count_state(const struct inet_diag_msg *diag) {
    counts[diag->idiag_state & 15]++;
}

int main(int argc, char **argv) {
    int one_walk = 0;
    for (int index = 1; index < argc; index++) {
        if (strcmp(argv[index], "--one-walk") == 0) one_walk = 1;
        if (strcmp(argv[index], "--tcp-info") == 0) floor_extensions = 1 << (INET_DIAG_INFO - 1);
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    int failed = fd < 0 || (one_walk ? floor_dump(fd, AF_UNSPEC, IPPROTO_TCP, count_state) < 0
                                     : floor_dump(fd, AF_INET, IPPROTO_TCP, count_state) < 0 ||
                                           floor_dump(fd, AF_INET6, IPPROTO_TCP, count_state) < 0);
    if (failed) {
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
