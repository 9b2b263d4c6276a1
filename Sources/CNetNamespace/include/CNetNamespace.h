#ifndef CNETNAMESPACE_H
#define CNETNAMESPACE_H

// setns(2) for network namespaces. Glibc declares setns and CLONE_NEWNET only under
// _GNU_SOURCE, which Swift's Glibc module does not see, so the one call lives here.

/// Moves the calling thread into the network namespace `fd` refers to (an nsfs file:
/// /proc/<pid>/ns/net or a bind mount of one). 0, or -errno.
int cnetns_enter(int fd);

#endif
