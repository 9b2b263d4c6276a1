// Thin C shim over libxcrypt: the reentrant crypt_rn needs a 32 KiB work area per call, kept
// off the Swift stack, and the comparison with the stored hash must not stop at the first
// differing byte.
#ifndef NETSTAT_CCRYPT_SHIM_H
#define NETSTAT_CCRYPT_SHIM_H

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

/// 1 when hashing `password` with the salt and cost of `hash` gives `hash`, else 0 (also for an
/// unreadable hash). Costs one full hash computation either way.
static inline int netstat_crypt_matches(const char *password, const char *hash) {
    struct crypt_data *work = calloc(1, sizeof *work);
    if (work == NULL) return 0;
    const char *computed = crypt_rn(password, hash, work, (int)sizeof *work);
    int same = 0;
    if (computed != NULL && computed[0] != '*') {
        size_t expected = strlen(hash), got = strlen(computed);
        unsigned char difference = (unsigned char)(expected != got);
        size_t n = expected < got ? expected : got;
        for (size_t i = 0; i < n; i++) difference |= (unsigned char)(computed[i] ^ hash[i]);
        same = difference == 0;
    }
    explicit_bzero(work, sizeof *work);
    free(work);
    return same;
}

#endif
