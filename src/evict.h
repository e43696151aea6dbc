/*
 * src/evict.h (internal): eviction (evict.c, C5.2-C5.7) as the modules
 * above the tree see it: the eviction index every change of an item's
 * evictability goes through, the passes and making room under the total
 * limit; cache.c hands several of them to the tree as its hooks. The tree
 * itself never includes this header: it reaches eviction only through its
 * hooks (tree.h, csc__tree_hooks_t), so dependencies point one way.
 */
#ifndef CSC_SRC_EVICT_H
#define CSC_SRC_EVICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"

/* Files `id` on the pending list of evict.c when it has room (O(1), no
 * allocation); false otherwise (then csc__evict_update_hot does it). */
static inline bool csc__pending_try(csc_cache_t *cache, uint32_t id, csc__hot_t *h)
{
    csc__list_t *p = &cache->pending;
    if (p->count == p->cap)
        return false;
    p->slots[p->count] = id;
    h->heap_pos = CSC__PENDING | (uint32_t)p->count;
    p->count++;
    return true;
}


/* evict.c: the eviction index and passes (C5.2-C5.7). */
/* Makes the heaps and the scratch buffer big enough for `files` more files,
 * `dirs` more containers and a path of `path_len` bytes. false: no memory,
 * nothing changed. */
bool csc__evict_reserve(csc_cache_t *cache, size_t files, size_t dirs, size_t path_len);
/* Re-files an item in the eviction index after any change of the state
 * the evictable predicate or the LRU order reads. Never allocates. */
void csc__evict_update(csc_cache_t *cache, struct csc_item *item);
/* The same by id and hot record (the walk's form). */
void csc__evict_update_hot(csc_cache_t *cache, uint32_t id, csc__hot_t *h);
/* A file's size changed from old_size (evictable bytes follow). */
void csc__evict_size_changed(csc_cache_t *cache, struct csc_item *item, uint64_t old_size);
void csc__evict_free(csc_cache_t *cache);

/* C5.7: makes room for `added` bytes under the total limit, never evicting
 * `file` (may be NULL) nor `anc` and its ancestors. S_OK or DISK_FULL. */
csc_hresult csc__space_make_room(csc_cache_t *cache, uint64_t added, struct csc_item *file,
                                 struct csc_item *anc);
/* C5.5: the pass the policy asks for after a command or method call. */
void csc__policy_after(csc_cache_t *cache);

#endif
