/*
 * src/remote/fstate.c: the per-file state of round 2 that most cached files
 * never have (fstate.h): sparse files (C10.8), files created or deleted
 * offline (C11.4, C11.5), unresolved conflicts (C12.5, C12.6, C15.12) and
 * the local last-change time (C15.9). It owns the side table of entries,
 * keyed by item id, the CSC__F_XSTATE bit of their files' hot records, and
 * the sparse files' logical sizes (their hot records hold 0 bytes). An
 * entry leaves with its file through the tree's file_leaving hook.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "cscsim/remote.h"
#include "fstate.h"
#include "remote.h"

static csc__htable_t *table(const csc_cache_t *cache)
{
    return &cache->remote->fstates;
}

csc__fstate_t *csc__fstate_get(const csc_cache_t *cache, const struct csc_item *file)
{
    const csc__hot_t *h = csc__hot(file);
    if (h->type != CSC_ITEM_FILE || !(h->flags & CSC__F_XSTATE))
        return NULL;
    uint32_t id = csc__id(file);
    return (csc__fstate_t *)csc__htable_find(table(cache), (const char *)&id, sizeof id);
}

csc__fstate_t *csc__fstate_make(csc_cache_t *cache, struct csc_item *file)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs != NULL)
        return fs;
    fs = csc__malloc(&cache->alloc, sizeof *fs);
    if (fs == NULL)
        return NULL;
    memset(fs, 0, sizeof *fs);
    fs->id = csc__id(file);
    if (!csc__htable_add(table(cache), &fs->h, (const char *)&fs->id, sizeof fs->id)) {
        csc__free(&cache->alloc, fs, sizeof *fs);
        return NULL;
    }
    csc__hot(file)->flags |= CSC__F_XSTATE;
    return fs;
}

static void drop(csc_cache_t *cache, struct csc_item *file, csc__fstate_t *fs)
{
    csc__htable_remove(table(cache), &fs->h);
    csc__free(&cache->alloc, fs, sizeof *fs);
    csc__hot(file)->flags &= (uint8_t)~CSC__F_XSTATE;
}

void csc__fstate_settle(csc_cache_t *cache, struct csc_item *file)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs != NULL && fs->bits == 0 && fs->conflict == 0)
        drop(cache, file, fs);
}

bool csc__fstate_is(const csc_cache_t *cache, const struct csc_item *file, uint8_t bit)
{
    const csc__fstate_t *fs = csc__fstate_get(cache, file);
    return fs != NULL && (fs->bits & bit) != 0;
}

csc_hresult csc__fstate_make_sparse(csc_cache_t *cache, struct csc_item *file, uint64_t size)
{
    csc__fstate_t *fs = csc__fstate_make(cache, file);
    if (fs == NULL)
        return CSC_E_OUTOFMEMORY;
    fs->bits |= CSC__FS_SPARSE;
    fs->full_size = size;
    csc__tree_set_file_size(cache, file, 0); /* C10.8: 0 bytes until filled */
    return CSC_S_OK;
}

void csc__fstate_fill(csc_cache_t *cache, struct csc_item *file)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs == NULL || !(fs->bits & CSC__FS_SPARSE))
        return;
    fs->bits &= (uint8_t)~CSC__FS_SPARSE;
    uint64_t size = fs->full_size;
    fs->full_size = 0;
    csc__tree_set_file_size(cache, file, size);
    csc__fstate_settle(cache, file);
}

uint64_t csc__fstate_size(const csc_cache_t *cache, const struct csc_item *file)
{
    const csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs != NULL && (fs->bits & CSC__FS_SPARSE))
        return fs->full_size;
    return csc__hot(file)->size;
}

void csc__fstate_set_size(csc_cache_t *cache, struct csc_item *file, uint64_t size)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs != NULL && (fs->bits & CSC__FS_SPARSE))
        fs->full_size = size;
    else
        csc__tree_set_file_size(cache, file, size);
}

bool csc__fstate_touch_local(csc_cache_t *cache, struct csc_item *file)
{
    csc__fstate_t *fs = csc__fstate_make(cache, file);
    if (fs == NULL)
        return false;
    fs->bits |= CSC__FS_LOCAL_TIME;
    fs->local_change = cache->clock;
    return true;
}

/* The tree's hook: the file leaves the cache, its entry with it. */
static void file_leaving(csc_cache_t *cache, struct csc_item *file)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs != NULL)
        drop(cache, file, fs);
}

void csc__fstate_init(csc_cache_t *cache)
{
    cache->remote->fstates.alloc = &cache->alloc;
    cache->file_leaving = file_leaving;
}

void csc__fstate_free_all(csc_cache_t *cache)
{
    /* Each entry leaves the table before it is freed: clearing the table
     * after freeing them would read the freed first entry. */
    csc__htable_t *t = table(cache);
    csc__hentry_t *e;
    while ((e = csc__htable_first(t)) != NULL) {
        csc__htable_remove(t, e);
        csc__free(&cache->alloc, e, sizeof(csc__fstate_t));
    }
    csc__htable_clear(t);
}

void csc__fstate_rebind(csc_cache_t *cache)
{
    cache->remote->fstates.alloc = &cache->alloc;
}

size_t csc__fstate_count(const csc_cache_t *cache)
{
    return csc__htable_count(table(cache));
}

bool csc__fstate_check(const csc_cache_t *cache, char *why, size_t why_size)
{
    size_t marked = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(cache, id)) {
        const csc__hot_t *h = csc__hot_at(cache, id);
        if (h->type != CSC_ITEM_FILE || !(h->flags & CSC__F_XSTATE))
            continue;
        marked++;
        const csc__fstate_t *fs = csc__fstate_get(cache, csc__item_at(cache, id));
        const char *bad = fs == NULL ? "a file marked with round-2 state has no entry"
                          : (fs->bits == 0 && fs->conflict == 0)
                              ? "an empty round-2 state entry"
                          : ((fs->bits & CSC__FS_SPARSE) && h->size != 0)
                              ? "a sparse file holds bytes"
                          : ((fs->bits & CSC__FS_CREATED) && (fs->bits & CSC__FS_DELETED))
                              ? "a file both created and deleted offline"
                          : ((fs->bits & (CSC__FS_CREATED | CSC__FS_DELETED)) &&
                             !(h->flags & CSC__F_DIRTY))
                              ? "a file created or deleted offline that is not dirty"
                              : NULL;
        if (bad != NULL) {
            snprintf(why, why_size, "item %u: %s", (unsigned)id, bad);
            return false;
        }
    }
    if (marked != csc__fstate_count(cache)) {
        snprintf(why, why_size, "%zu round-2 state entries for %zu marked files",
                 csc__fstate_count(cache), marked);
        return false;
    }
    return true;
}

/* ---- the public getters (cscsim/remote.h) ------------------------------ */

/* Reads happen under a caller's guard or none: like every csc_item_*
 * getter, they read the cache the item belongs to. */
static const csc__fstate_t *of(const csc_item_t *item)
{
    return item != NULL ? csc__fstate_get(csc__cache_of(item), item) : NULL;
}

bool csc_item_is_sparse(const csc_item_t *item)
{
    const csc__fstate_t *fs = of(item);
    return fs != NULL && (fs->bits & CSC__FS_SPARSE) != 0;
}

bool csc_item_is_created_offline(const csc_item_t *item)
{
    const csc__fstate_t *fs = of(item);
    return fs != NULL && (fs->bits & CSC__FS_CREATED) != 0;
}

bool csc_item_is_deleted_offline(const csc_item_t *item)
{
    const csc__fstate_t *fs = of(item);
    return fs != NULL && (fs->bits & CSC__FS_DELETED) != 0;
}

csc_sync_state_t csc_item_conflict(const csc_item_t *item)
{
    const csc__fstate_t *fs = of(item);
    return fs != NULL ? (csc_sync_state_t)fs->conflict : CSC_SYNC_STATE_STABLE;
}

bool csc_item_local_change_time(const csc_item_t *item, uint64_t *time)
{
    const csc__fstate_t *fs = of(item);
    if (fs == NULL || !(fs->bits & CSC__FS_LOCAL_TIME))
        return false;
    if (time != NULL)
        *time = fs->local_change;
    return true;
}
