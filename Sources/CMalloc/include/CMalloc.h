#ifndef CMALLOC_H
#define CMALLOC_H

// glibc's mallopt(3) and its M_* parameters, which Swift's Glibc module does not import
// (malloc.h is not part of it). Process-wide: called once by main before any thread starts.
#include <malloc.h>
#include <stddef.h>

/// Makes every thread allocate from one malloc arena. glibc gives each new thread (the polling
/// thread, each request worker) an arena of its own, which stays resident after the thread ends.
static inline void netstat_single_malloc_arena(void) {
    mallopt(M_ARENA_MAX, 1);
}

/// Gives every allocation of `bytes` or more an mmap of its own, unmapped when freed. Left
/// alone, glibc raises this threshold after the first large free (up to 32 MB) and serves later
/// large blocks from the heap, which keeps them resident after the scrape that needed them
/// (docs/performance.md has the figures).
static inline void netstat_mmap_large_allocations(size_t bytes) {
    mallopt(M_MMAP_THRESHOLD, (int)bytes);
}

/// Bytes free inside the heap (freed by the program, still held from the system).
static inline size_t netstat_malloc_free_bytes(void) {
    return mallinfo2().fordblks;
}

/// Gives the heap's free pages back to the system (madvise on free chunks inside the heap,
/// not only its top). Returns 1 if any memory was released.
static inline int netstat_malloc_trim(void) {
    return malloc_trim(0);
}

#endif
