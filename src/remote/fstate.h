/*
 * src/remote/fstate.h (internal): the per-file state of round 2 that most
 * cached files never have (contract C10.8, C11, C12.5, C12.6, C15.9): sparse
 * (not fully cached), created offline, deleted offline, an unresolved
 * conflict with its OFFLINEFILES_SYNC_STATE, the local last-change time. A
 * file in sync from setup has none of it and pays nothing: the state lives
 * in a side table of fstate.c keyed by the item's id, and the file's hot
 * record carries one bit, CSC__F_XSTATE, so that a walk tells "nothing
 * special" from the hot record alone. The entry leaves with the file (the
 * tree's file_leaving hook) and follows it through renames (ids stay).
 *
 * A sparse file's hot record holds 0 as its size (C10.8: a sparse file
 * counts 0 bytes in disk space until filled, so the tree's counters and
 * eviction need no special case); its logical size is kept here, and
 * csc_item_size reports it.
 */
#ifndef CSC_SRC_REMOTE_FSTATE_H
#define CSC_SRC_REMOTE_FSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "hash.h"
#include "tree.h"

/* bits of csc__fstate_t.bits */
#define CSC__FS_SPARSE 0x01u     /* C10.8: not fully cached; hot size is 0 */
#define CSC__FS_CREATED 0x02u    /* C11.4: created offline (no original version, no twin) */
#define CSC__FS_DELETED 0x04u    /* C11.5: deleted offline (dirty, opens fail) */
#define CSC__FS_LOCAL_TIME 0x08u /* local_change is set (C15.9) */
#define CSC__FS_ORIG 0x10u       /* orig is set: the original version (C10.2,
                                  * C13.5) kept when the remote twin, which
                                  * holds it, left the server (remote.c) */

typedef struct csc__fstate {
    csc__hentry_t h;           /* keyed by id (4 bytes) */
    uint32_t id;
    uint8_t bits;              /* CSC__FS_* */
    uint8_t conflict;          /* OFFLINEFILES_SYNC_STATE of an unresolved
                                * conflict (C12.5, C12.6), 0: none */
    uint64_t full_size;        /* CSC__FS_SPARSE: the file's size */
    uint64_t local_change;     /* CSC__FS_LOCAL_TIME: virtual clock (C15.9) */
    uint64_t conflict_version; /* the remote version when the conflict was
                                * recorded (C15.12: a later server change
                                * clears it) */
    uint64_t orig;             /* CSC__FS_ORIG: the original version */
} csc__fstate_t;

/* The file's state, or NULL when it has none (one bit test first). */
csc__fstate_t *csc__fstate_get(const csc_cache_t *cache, const struct csc_item *file);
/* The file's state, made empty when it had none; NULL when out of memory
 * (nothing changed). */
csc__fstate_t *csc__fstate_make(csc_cache_t *cache, struct csc_item *file);
/* Drops the entry when nothing is left in it (bits and conflict 0). */
void csc__fstate_settle(csc_cache_t *cache, struct csc_item *file);

/* Sparse files (C10.8). make_sparse: the file keeps `size` as its logical
 * size and holds 0 bytes (the tree's counters follow); fill: it holds its
 * logical size again (the caller made room, C5.7). Both need the entry
 * (csc__fstate_make) for make_sparse; fill never allocates. */
csc_hresult csc__fstate_make_sparse(csc_cache_t *cache, struct csc_item *file, uint64_t size);
void csc__fstate_fill(csc_cache_t *cache, struct csc_item *file);
/* The logical size of a file (its hot size unless sparse). */
uint64_t csc__fstate_size(const csc_cache_t *cache, const struct csc_item *file);
/* Sets the logical size of a file: a sparse file's recorded size, else the
 * hot size through the tree (counters kept). An implicit remote twin
 * (remote.h) becomes a record first, keeping the server's size; so does
 * csc__fstate_make_sparse. */
void csc__fstate_set_size(csc_cache_t *cache, struct csc_item *file, uint64_t size);

/* make_sparse in two steps, for a caller that must not fail once the tree
 * changed (C8.1; fetch.c): reserve (may fail with E_OUTOFMEMORY, nothing
 * changed) before the change, then commit (never fails) or cancel. */
typedef struct csc__fstate_spare {
    csc__fstate_t *fs;     /* the entry to be */
    csc__fstate_t *anchor; /* keeps an empty table allocated until commit */
} csc__fstate_spare_t;
csc_hresult csc__fstate_reserve(csc_cache_t *cache, csc__fstate_spare_t *sp);
void csc__fstate_commit_sparse(csc_cache_t *cache, csc__fstate_spare_t *sp,
                               struct csc_item *file, uint64_t size);
void csc__fstate_cancel(csc_cache_t *cache, csc__fstate_spare_t *sp);

bool csc__fstate_is(const csc_cache_t *cache, const struct csc_item *file, uint8_t bit);

/* The file became clean by a local synchronization (round 1's model, C5.8:
 * csc_item_mark_synchronized and the walk's sync): it is no longer created
 * or deleted offline. Never allocates. */
void csc__fstate_synced(csc_cache_t *cache, struct csc_item *file);

/* Records the local last change now (C15.9); false when out of memory. */
bool csc__fstate_touch_local(csc_cache_t *cache, struct csc_item *file);

/* cache lifetime (remote.c calls these from csc__remote_new/free/rebind) */
void csc__fstate_init(csc_cache_t *cache);
void csc__fstate_free_all(csc_cache_t *cache);
void csc__fstate_rebind(csc_cache_t *cache);
size_t csc__fstate_count(const csc_cache_t *cache);
/* check.c: every CSC__F_XSTATE file has an entry with something in it,
 * every entry a cached file with the bit; sparse files hold 0 bytes. */
bool csc__fstate_check(const csc_cache_t *cache, char *why, size_t why_size);

/*
 * Snapshots (section 5, src/snapshot.c): the entries, by item position
 * (1-based pre-order, as section 2), then the applications' non-cached
 * handles (apps.c). Needed when there is any; bytes and writer; the reader
 * fills a fresh cache whose items are loaded (CSC_E_FILE_CORRUPT for
 * anything a cache could not hold).
 */
bool csc__fstate_snap_needed(const csc_cache_t *cache);
size_t csc__fstate_snap_bytes(const csc_cache_t *cache);
unsigned char *csc__fstate_snap_write(const csc_cache_t *cache, unsigned char *p);
csc_hresult csc__fstate_snap_read(csc_cache_t *cache, const unsigned char **pp,
                                  const unsigned char *end);
/* apps.c: the non-cached handles' part. */
size_t csc__apps_snap_bytes(const csc_cache_t *cache);
unsigned char *csc__apps_snap_write(const csc_cache_t *cache, unsigned char *p);
csc_hresult csc__apps_snap_read(csc_cache_t *cache, const unsigned char **pp,
                                const unsigned char *end);

#endif
