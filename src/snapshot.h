/*
 * src/snapshot.h (internal): what snapshot.c shares with its tests and its
 * fuzz harness: the checksum of the format (XXH64) and a way to reseal a
 * buffer after changing it, so a harness can reach the loader's checks
 * beyond the checksum.
 */
#ifndef CSC_SRC_SNAPSHOT_H
#define CSC_SRC_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* XXH64 of data[0..len) with `seed` (the xxHash specification's XXH64). */
uint64_t csc__xxh64(const void *data, size_t len, uint64_t seed);

/* The format's little-endian fields (snapshot.c and the remote side's
 * sections): the low `bytes` bytes of v at p, returning p + bytes; and the
 * value of the `bytes` bytes at p. */
static inline unsigned char *csc__le_put(unsigned char *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
    return p + bytes;
}

static inline uint64_t csc__le_get(const unsigned char *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* A section's u64 count of entries at *p, each `entry` bytes at least:
 * reads it (*p moves past it) and tells whether that many can be there
 * before `end` (false: the snapshot is corrupt). */
static inline bool csc__le_count(const unsigned char **p, const unsigned char *end, size_t entry,
                                 uint64_t *count)
{
    if (end - *p < 8)
        return false;
    *count = csc__le_get(*p, 8);
    *p += 8;
    return *count <= (uint64_t)(end - *p) / entry;
}

/* Rewrites the last 8 bytes of a snapshot of `size` bytes (>= 8) with the
 * checksum of the bytes before them. */
void csc__snapshot_seal(void *data, size_t size);

#endif
