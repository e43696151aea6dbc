/*
 * src/hash.h (internal): a generic keyed table for modules other than the
 * cache tree (the remote namespace and the connectivity records of
 * src/remote/). An entry is a csc__hentry_t embedded as the FIRST member of
 * the owner's struct, whose key bytes the owner keeps alive while the entry
 * is in the table. index.c implements it over uthash, so uthash's macros stay
 * in that one file; every allocation goes through the table's allocator and
 * a failed add leaves the table as it was (C8.1).
 */
#ifndef CSC_SRC_HASH_H
#define CSC_SRC_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uthash.h> /* for UT_hash_handle only; the macros are used in index.c */

#include "cscsim/cache.h"

typedef struct csc__hentry {
    UT_hash_handle hh; /* holds the key's address and length once added */
} csc__hentry_t;

typedef struct csc__htable {
    csc__hentry_t *head;
    const csc_allocator_t *alloc;
} csc__htable_t;

csc__hentry_t *csc__htable_find(const csc__htable_t *t, const char *key, size_t key_len);
/* Adds an entry under key[0..key_len), which is not in the table (find
 * first) and which the owner keeps alive while the entry is in the table.
 * false when out of memory; the table is then unchanged. */
bool csc__htable_add(csc__htable_t *t, csc__hentry_t *e, const char *key, size_t key_len);
/* The same into a table that has an entry already, never allocating (the
 * buckets do not grow this time; a later csc__htable_add grows them). */
void csc__htable_add_noalloc(csc__htable_t *t, csc__hentry_t *e, const char *key, size_t key_len);
/* Grows the buckets of a table that csc__htable_add_noalloc overfilled;
 * out of memory leaves it as it was (slower, still right). */
void csc__htable_settle(csc__htable_t *t);
void csc__htable_remove(csc__htable_t *t, csc__hentry_t *e);
size_t csc__htable_count(const csc__htable_t *t);
/* The entries in no particular order: first, then next until NULL. */
csc__hentry_t *csc__htable_first(const csc__htable_t *t);
csc__hentry_t *csc__htable_next(const csc__hentry_t *e);
/* Removes every entry without freeing them; frees the table. */
void csc__htable_clear(csc__htable_t *t);
/* Clears the table, then frees each entry with `alloc` (the entries' own
 * links still lead from the first to the last): `size` bytes each, or
 * size_of(entry) bytes when size_of is not NULL. */
void csc__htable_free_all(csc__htable_t *t, const csc_allocator_t *alloc, size_t size,
                          size_t (*size_of)(const csc__hentry_t *e));

#endif
