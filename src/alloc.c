/*
 * src/alloc.c: the default allocator of a cache (the C library's malloc and
 * free) and small allocation helpers. Owns nothing else: a cache keeps its
 * own csc_allocator_t, so there is no global allocator state.
 */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

static void *default_malloc(void *user_data, size_t size)
{
    (void)user_data;
    return malloc(size);
}

static void default_free(void *user_data, void *ptr, size_t size)
{
    (void)user_data;
    (void)size;
    free(ptr);
}

void csc__alloc_defaults(csc_allocator_t *a)
{
    if (a->malloc == NULL || a->free == NULL) {
        a->malloc = default_malloc;
        a->free = default_free;
        a->user_data = NULL;
    }
}

char *csc__strndup(const csc_allocator_t *a, const char *s, size_t len)
{
    char *copy = csc__malloc(a, len + 1);
    if (copy != NULL) {
        memcpy(copy, s, len);
        copy[len] = '\0';
    }
    return copy;
}
