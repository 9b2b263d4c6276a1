import CMalloc

/// How the process allocates, set once by main before any thread starts. Process-wide, so it
/// lives here and not in the HTTP server or a collector.
enum MallocTuning {
    /// Every thread shares one malloc arena: glibc would give each thread (the polling thread,
    /// each request worker, the scrape's helpers) an arena of its own, kept resident after the
    /// thread ends. Scrapes are few; the lock they share costs nothing measurable.
    /// Blocks of 256 KiB and more (a scrape's per-socket arrays) are mapped on their own and
    /// given back to the system when freed, instead of staying resident.
    static func apply() {
        netstat_single_malloc_arena()
        netstat_mmap_large_allocations(256 * 1024)
    }

    /// Called every few seconds by main's otherwise idle thread. glibc gives memory back on its
    /// own only from the top of the heap; a burst of connections (each with its libmicrohttpd
    /// pool and records) leaves free chunks below live ones that stay resident until trimmed.
    /// Trimming walks the free chunks, cheap next to a scrape; below `slack` free it is skipped.
    static func returnFreeMemory(slack: Int = 1 << 20) {
        if netstat_malloc_free_bytes() > slack { _ = netstat_malloc_trim() }
    }
}
