// Thin C shim over zlib: deflateInit2 is a macro Swift cannot call, and the z_stream
// bookkeeping of a one-shot gzip is easier to keep right in C.
#ifndef NETSTAT_CZLIB_SHIM_H
#define NETSTAT_CZLIB_SHIM_H

#include <stddef.h>
#include <zlib.h>

/// The most bytes `netstat_gzip` can produce for `length` input bytes (gzip header and trailer included).
static inline size_t netstat_gzip_bound(size_t length) {
    return (size_t)compressBound((uLong)length) + 18;
}

/// Compresses `input` into one gzip member (RFC 1952) at `level` into `output` (of `capacity`
/// bytes, at least netstat_gzip_bound). Returns the size written, or 0 on failure.
static inline size_t netstat_gzip(const void *input, size_t length, void *output, size_t capacity, int level) {
    z_stream stream;
    stream.zalloc = Z_NULL;
    stream.zfree = Z_NULL;
    stream.opaque = Z_NULL;
    // 15 window bits + 16 selects the gzip wrapper instead of zlib's.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = (Bytef *)output;
    stream.avail_out = (uInt)capacity;
    int rc = deflate(&stream, Z_FINISH);
    size_t written = stream.total_out;
    deflateEnd(&stream);
    return rc == Z_STREAM_END ? written : 0;
}

#endif
