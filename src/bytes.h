/*
 * src/bytes.h: byte counters that cannot wrap. The disk-space figures of C5.5
 * (used, unpinned used) and the eviction index's evictable bytes are sums of
 * file sizes, and a file may be as large as 2^64 - 1 bytes, so a sum needs
 * more than 64 bits. A csc__bytes_t is an exact 128-bit sum kept as two
 * uint64_t halves (portable C11, no compiler extension); the API reports it
 * saturated at 2^64 - 1. Limits stay uint64_t, 2^64 - 1 meaning unlimited.
 */
#ifndef CSC_SRC_BYTES_H
#define CSC_SRC_BYTES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct csc__bytes {
    uint64_t lo, hi;
} csc__bytes_t;

static inline void csc__bytes_add(csc__bytes_t *b, uint64_t n)
{
    uint64_t lo = b->lo + n;
    b->hi += lo < b->lo;
    b->lo = lo;
}

static inline void csc__bytes_sub(csc__bytes_t *b, uint64_t n)
{
    b->hi -= b->lo < n;
    b->lo -= n;
}

static inline csc__bytes_t csc__bytes_plus(csc__bytes_t b, uint64_t n)
{
    csc__bytes_add(&b, n);
    return b;
}

/* The figure the API reports: the sum, or 2^64 - 1 when it does not fit. */
static inline uint64_t csc__bytes_saturated(csc__bytes_t b)
{
    return b.hi != 0 ? UINT64_MAX : b.lo;
}

static inline bool csc__bytes_eq(csc__bytes_t a, csc__bytes_t b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

/* a >= b */
static inline bool csc__bytes_ge(csc__bytes_t a, csc__bytes_t b)
{
    return a.hi != b.hi ? a.hi > b.hi : a.lo >= b.lo;
}

/* b > limit, where a limit of 2^64 - 1 means unlimited (C5.5): never. */
static inline bool csc__bytes_exceeds(csc__bytes_t b, uint64_t limit)
{
    return limit != UINT64_MAX && (b.hi != 0 || b.lo > limit);
}

/* a - b, for a >= b */
static inline csc__bytes_t csc__bytes_minus(csc__bytes_t a, csc__bytes_t b)
{
    csc__bytes_t r = {a.lo - b.lo, a.hi - b.hi - (a.lo < b.lo)};
    return r;
}

#endif
