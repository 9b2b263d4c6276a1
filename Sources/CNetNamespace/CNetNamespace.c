#define _GNU_SOURCE
#include "CNetNamespace.h"

#include <errno.h>
#include <sched.h>

int cnetns_enter(int fd) {
    return setns(fd, CLONE_NEWNET) == 0 ? 0 : -errno;
}
