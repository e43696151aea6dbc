/*
 * src/remote/fetch.h (internal): bringing remote items into the cache
 * (contract C10.8, C15.1, C15.2, C15.13, C15.19, C15.20) and the pending
 * deep pins of shallow-pinned containers (C15.20). fetch.c owns caching one
 * remote item as Pin, PinNewFiles (C12.7) and a pending deep pin fetch it:
 * type and size from the server, the server's spelling (C15.1), missing
 * ancestors cached silently (C2.2), the original version = the remote
 * version (C10.2), sparse unless filled (C10.8: a sparse file holds 0
 * bytes, fstate.h), Fill checked against the total limit (C5.7, C15.2),
 * pins of C3.3 on arrival. It also owns the side table of pending deep pins
 * (by container id), which leaves with its container (the tree's
 * container_leaving hook) and is saved in snapshots (snapshot.c).
 *
 * Contract for the callers (the Pin walk in walk.c, the Synchronize walk):
 *  - They run under the cache's guard, as a method call; nothing here sends
 *    progress events: each fetched item is an item of the caller's walk,
 *    which sends its events (C4.5, C12.7, C15.1).
 *  - The caller decides whether fetching is allowed at all (the scope is
 *    online and its mode is not NOCACHING: csc__fetch_scope), and checks
 *    access (C9.1) first, on the closest cached ancestor.
 *  - Walk order (C2.3): a container's cached children and its remote
 *    children are both ordered by folded name; csc__fetch_cmp compares one
 *    of each, so a caller merges the two lists as it walks. The iterator
 *    below gives only the remote children that are not cached.
 *  - Remote items are records (csc__rnode_t): an uncached remote item is
 *    always a record (an implicit twin is a cached file, remote.h).
 */
#ifndef CSC_SRC_REMOTE_FETCH_H
#define CSC_SRC_REMOTE_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "remote/remote.h"

/* ---- what can be fetched ------------------------------------------------- */

/* Whether a scope lets Pin fetch (C10.8, C10.6): */
typedef enum csc__fetch_scope {
    CSC__FETCH_ALLOWED,   /* online, mode not NOCACHING */
    CSC__FETCH_OFFLINE,   /* offline (C10.5) or the share is unknown: 0x80070002 */
    CSC__FETCH_NOCACHING  /* online, NOCACHING: 0x80070032 (C15.2) */
} csc__fetch_scope_t;

/* The answer for the share whose folded key is key[0..share_len) (the first
 * two components of a key). O(1): a few lookups (connect.c's state, the
 * remote share's mode). */
csc__fetch_scope_t csc__fetch_scope(const csc_cache_t *cache, const char *key, size_t share_len);

/* C10.6: whether Pin of a cached item in this share fails with 0x80070032:
 * the share's mode is NOCACHING, as IsPathCacheable reads it (C10.7: the
 * server's while it is not down, else as the cached share remembers it). */
bool csc__fetch_share_nocaching(const csc_cache_t *cache, const char *key, size_t share_len);

/* The remote record of a cached item (same folded path), or NULL. One key
 * build and one lookup. */
csc__rnode_t *csc__fetch_rnode_of(const csc_cache_t *cache, const struct csc_item *item);

/* Sorts a remote container's children into C2.3 order when materialising
 * left them unsorted (remote.c); returns the first child. Call before
 * reading first_child / next_sibling in order. */
csc__rnode_t *csc__fetch_first_child(csc__rnode_t *rnode);

/* C2.3 order of a cached item's folded name against a remote item's:
 * <0, 0 (the same name: the remote item is the cached one's twin), >0. */
int csc__fetch_cmp(const struct csc_item *item, const csc__rnode_t *r);

/*
 * The remote children of a cached container that are not cached, in C2.3
 * order (PinNewFiles, C12.7; a deep pin, C15.1). The container must stay
 * cached, and the remote side unchanged but for fetches of the items
 * given, while the iterator is used. Each step costs one index lookup per
 * remote child passed.
 */
typedef struct csc__fetch_iter {
    csc_cache_t *cache;
    uint32_t parent;          /* the cached container's id */
    const csc__rnode_t *next; /* the next remote child to look at */
} csc__fetch_iter_t;

void csc__fetch_iter_init(csc_cache_t *cache, struct csc_item *container, csc__fetch_iter_t *it);
/* The next uncached remote child, or NULL at the end. */
const csc__rnode_t *csc__fetch_iter_next(csc__fetch_iter_t *it);

/* ---- fetching ------------------------------------------------------------ */

/*
 * Caches the remote item `r`, not cached yet, as C10.8 says: `parent` is
 * its cached parent, or NULL to cache its missing ancestors silently too
 * (C2.2; they keep a cached ancestor's spelling, new ones take the
 * server's). A file gets the remote size, its original version is the
 * remote version (C10.2), and it is sparse (0 bytes held) unless `fill`,
 * in which case the total limit is checked first (C5.7: under automatic
 * and eager a pass may make room; else 0x80070070 and nothing changes,
 * C15.2). C3.3 pins it on arrival from its parent's inherit bits; then
 * `extra_pins` (CSC_PIN_SOURCE_* bits, PinNewFiles' PinFor*, C15.13) are
 * added as pins without inherit bits. The new item's last use is the clock
 * (C5.4). Access, connectivity and caching mode are the caller's checks.
 * Returns S_OK with *out the new item; E_OUTOFMEMORY or 0x80070070 with
 * nothing changed (C8.1). Never runs an eviction pass but C5.7's.
 */
csc_hresult csc__fetch_one(csc_cache_t *cache, struct csc_item *parent, const csc__rnode_t *r,
                           bool fill, uint16_t extra_pins, struct csc_item **out);

/* The remote item at the folded key (a path's key, C1.2), or NULL. */
const csc__rnode_t *csc__fetch_find(const csc_cache_t *cache, const char *key, size_t key_len);

/*
 * Fills a cached sparse file (Pin with Fill, Synchronize with FillSparse or
 * SyncIn, C10.8): its logical size is held again, after C5.7's check (a pass
 * under automatic and eager, never evicting the file nor its ancestors).
 * S_OK (also for a file that is not sparse), or 0x80070070 with nothing
 * changed. Connectivity is the caller's check (C15.2: offline, Pin gives
 * 0x800704EE and leaves it sparse).
 */
csc_hresult csc__fetch_fill(csc_cache_t *cache, struct csc_item *file);

/* ---- pending deep pins (C15.20) ------------------------------------------ */

/* Adds `sources` (CSC_PIN_SOURCE_* bits) to the container's pending deep
 * pin. E_OUTOFMEMORY: nothing changed. Files and servers get none (S_OK). */
csc_hresult csc__pending_pin_add(csc_cache_t *cache, struct csc_item *container, uint16_t sources);
/* Clears `sources` from it (Unpin of the container for those sources). */
void csc__pending_pin_clear(csc_cache_t *cache, struct csc_item *container, uint16_t sources);
/* The container's pending sources (0: none). */
uint16_t csc__pending_pin_get(const csc_cache_t *cache, const struct csc_item *container);
/* For the Synchronize walk: the pending sources in *sources, cleared from
 * the table; false (and *sources 0) when the container has none. The caller
 * then pins the subtree as a deep Pin for them (C15.20, C15.21). */
bool csc__pending_pin_take(csc_cache_t *cache, struct csc_item *container, uint16_t *sources);
/* How many containers have one (tests, check.c). */
size_t csc__pending_pin_count(const csc_cache_t *cache);

/* cache lifetime (remote.c calls these from csc__remote_new/free/rebind) */
void csc__pending_init(csc_cache_t *cache);
void csc__pending_free_all(csc_cache_t *cache);
void csc__pending_rebind(csc_cache_t *cache);

#endif
