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
#include "cscsim/snapshot.h"
#include "fstate.h"
#include "remote.h"
#include "snapshot.h"

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
    if (csc__hot(file)->flags & CSC__F_TWIN)
        csc__remote_file_record(cache, file); /* the twin keeps its size */
    fs->bits |= CSC__FS_SPARSE;
    fs->full_size = size;
    csc__tree_set_file_size(cache, file, 0); /* C10.8: 0 bytes until filled */
    return CSC_S_OK;
}

csc_hresult csc__fstate_reserve(csc_cache_t *cache, csc__fstate_spare_t *sp)
{
    sp->fs = sp->anchor = NULL;
    sp->fs = csc__malloc(&cache->alloc, sizeof *sp->fs);
    if (sp->fs == NULL)
        return CSC_E_OUTOFMEMORY;
    memset(sp->fs, 0, sizeof *sp->fs);
    if (csc__htable_count(table(cache)) != 0)
        return CSC_S_OK; /* commit adds without allocating */
    /* An empty table has no storage yet: an anchor under id 0 (never an
     * item's) makes it now, and leaves at commit. */
    sp->anchor = csc__malloc(&cache->alloc, sizeof *sp->anchor);
    if (sp->anchor != NULL) {
        memset(sp->anchor, 0, sizeof *sp->anchor);
        if (csc__htable_add(table(cache), &sp->anchor->h, (const char *)&sp->anchor->id,
                            sizeof sp->anchor->id))
            return CSC_S_OK;
        csc__free(&cache->alloc, sp->anchor, sizeof *sp->anchor);
        sp->anchor = NULL;
    }
    csc__free(&cache->alloc, sp->fs, sizeof *sp->fs);
    sp->fs = NULL;
    return CSC_E_OUTOFMEMORY;
}

void csc__fstate_commit_sparse(csc_cache_t *cache, csc__fstate_spare_t *sp,
                               struct csc_item *file, uint64_t size)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs == NULL) {
        fs = sp->fs;
        sp->fs = NULL;
        fs->id = csc__id(file);
        csc__htable_add_noalloc(table(cache), &fs->h, (const char *)&fs->id, sizeof fs->id);
        csc__hot(file)->flags |= CSC__F_XSTATE;
    }
    fs->bits |= CSC__FS_SPARSE;
    fs->full_size = size;
    csc__tree_set_file_size(cache, file, 0); /* C10.8: 0 bytes until filled */
    csc__fstate_cancel(cache, sp); /* what was not used */
}

void csc__fstate_cancel(csc_cache_t *cache, csc__fstate_spare_t *sp)
{
    if (sp->anchor != NULL) {
        csc__htable_remove(table(cache), &sp->anchor->h);
        csc__free(&cache->alloc, sp->anchor, sizeof *sp->anchor);
        sp->anchor = NULL;
    }
    if (sp->fs != NULL) {
        csc__free(&cache->alloc, sp->fs, sizeof *sp->fs);
        sp->fs = NULL;
    }
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
    if (fs != NULL && (fs->bits & CSC__FS_SPARSE)) {
        fs->full_size = size;
        return;
    }
    if ((csc__hot(file)->flags & CSC__F_TWIN) && csc__hot(file)->size != size)
        csc__remote_file_record(cache, file); /* an implicit twin keeps its size */
    csc__tree_set_file_size(cache, file, size);
}

void csc__fstate_synced(csc_cache_t *cache, struct csc_item *file)
{
    csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs == NULL)
        return;
    fs->bits &= (uint8_t)~(CSC__FS_CREATED | CSC__FS_DELETED);
    csc__fstate_settle(cache, file);
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
    csc__htable_free_all(table(cache), &cache->alloc, sizeof(csc__fstate_t), NULL);
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

/* ---- snapshots (section 5) ----------------------------------------------- */

#define SNAP_ENTRY 44u /* position u64, bits u8, conflict u8, reserved u16,
                        * full size u64, local change u64, conflict version u64,
                        * original version u64 */
#define FS_BITS                                                                        \
    (CSC__FS_SPARSE | CSC__FS_CREATED | CSC__FS_DELETED | CSC__FS_LOCAL_TIME | CSC__FS_ORIG)

bool csc__fstate_snap_needed(const csc_cache_t *cache)
{
    return cache->remote != NULL &&
           (csc__fstate_count(cache) != 0 || cache->remote->handle_count != 0);
}

size_t csc__fstate_snap_bytes(const csc_cache_t *cache)
{
    return 8 + csc__fstate_count(cache) * SNAP_ENTRY + csc__apps_snap_bytes(cache);
}

unsigned char *csc__fstate_snap_write(const csc_cache_t *cache, unsigned char *p)
{
    p = csc__le_put(p, csc__fstate_count(cache), 8);
    uint64_t pos = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(cache->root)); id != CSC__NONE;
         id = csc__tree_preorder_next(cache, id)) {
        pos++;
        const csc__hot_t *h = csc__hot_at(cache, id);
        if (h->type != CSC_ITEM_FILE || !(h->flags & CSC__F_XSTATE))
            continue;
        const csc__fstate_t *fs = csc__fstate_get(cache, csc__item_at(cache, id));
        p = csc__le_put(p, pos, 8);
        *p++ = fs->bits;
        *p++ = fs->conflict;
        p = csc__le_put(p, 0, 2);
        p = csc__le_put(p, fs->full_size, 8);
        p = csc__le_put(p, fs->local_change, 8);
        p = csc__le_put(p, fs->conflict_version, 8);
        p = csc__le_put(p, fs->orig, 8);
    }
    return csc__apps_snap_write(cache, p);
}

csc_hresult csc__fstate_snap_read(csc_cache_t *cache, const unsigned char **pp,
                                  const unsigned char *end)
{
    const unsigned char *p = *pp;
    uint64_t count;
    if (!csc__le_count(&p, end, SNAP_ENTRY, &count))
        return CSC_E_FILE_CORRUPT;
    uint64_t pos = 0;
    uint32_t id = csc__hot_first_child(csc__hot(cache->root));
    for (uint64_t i = 0; i < count; i++, p += SNAP_ENTRY) {
        uint64_t want = csc__le_get(p, 8);
        uint8_t bits = p[8], conflict = p[9];
        uint64_t full = csc__le_get(p + 12, 8), local = csc__le_get(p + 20, 8);
        uint64_t cver = csc__le_get(p + 28, 8);
        uint64_t orig = csc__le_get(p + 36, 8);
        if (want <= pos || csc__le_get(p + 10, 2) != 0 || (bits & ~FS_BITS) != 0 ||
            (bits == 0 && conflict == 0) || conflict >= 54 ||
            (!(bits & CSC__FS_SPARSE) && full != 0) ||
            (!(bits & CSC__FS_LOCAL_TIME) && local != 0) || (conflict == 0 && cver != 0) ||
            ((bits & CSC__FS_ORIG) ? orig == 0 : orig != 0))
            return CSC_E_FILE_CORRUPT;
        while (id != CSC__NONE && ++pos < want)
            id = csc__tree_preorder_next(cache, id);
        if (id == CSC__NONE)
            return CSC_E_FILE_CORRUPT; /* beyond the last item */
        struct csc_item *file = csc__item_at(cache, id);
        const csc__hot_t *h = csc__hot(file);
        bool dirty = (h->flags & CSC__F_DIRTY) != 0;
        if (h->type != CSC_ITEM_FILE || ((bits & CSC__FS_SPARSE) && h->size != 0) ||
            ((bits & CSC__FS_CREATED) && (bits & CSC__FS_DELETED)) ||
            ((bits & (CSC__FS_CREATED | CSC__FS_DELETED)) && !dirty))
            return CSC_E_FILE_CORRUPT;
        csc__fstate_t *fs = csc__fstate_make(cache, file);
        if (fs == NULL)
            return CSC_E_OUTOFMEMORY;
        fs->bits = bits;
        fs->conflict = conflict;
        fs->full_size = full;
        fs->local_change = local;
        fs->conflict_version = cver;
        fs->orig = orig;
        id = csc__tree_preorder_next(cache, id);
    }
    *pp = p;
    return csc__apps_snap_read(cache, pp, end);
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
