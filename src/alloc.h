/*
 * src/alloc.h (internal): every allocation of a cache goes through its
 * csc_allocator_t (options, contract C8.1), so a test can fail any one of
 * them. alloc.c owns the default allocator over malloc/free.
 */
#ifndef CSC_SRC_ALLOC_H
#define CSC_SRC_ALLOC_H

#include <stddef.h>

#include "cscsim/cache.h"

/* Fills NULL callbacks of `a` with the C library's malloc and free. */
void csc__alloc_defaults(csc_allocator_t *a);

static inline void *csc__malloc(const csc_allocator_t *a, size_t size)
{
    return a->malloc(a->user_data, size == 0 ? 1 : size);
}

static inline void csc__free(const csc_allocator_t *a, void *ptr, size_t size)
{
    if (ptr != NULL)
        a->free(a->user_data, ptr, size == 0 ? 1 : size);
}

/* A copy of s[0..len) with a NUL, or NULL when out of memory. */
char *csc__strndup(const csc_allocator_t *a, const char *s, size_t len);

#endif
