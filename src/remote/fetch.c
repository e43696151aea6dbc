/*
 * src/remote/fetch.c: remote items brought into the cache by Pin (C10.8,
 * C15.1, C15.2, C15.19), by Synchronize's PinNewFiles (C12.7, C15.13) and by
 * a pending deep pin (C15.20), and the side table of pending deep pins. See
 * fetch.h for the contract its callers rely on. A fetch goes through the
 * same steps as a setup caching (the remote side's prepare and commit
 * around the tree's caching, remote.h) so that the share's record remembers
 * its mode (C10.6) and the cached file records its original version
 * (C10.2); it adds the sparse state of fstate.h unless the file is filled.
 */
#include <string.h>

#include "alloc.h"
#include "evict.h"
#include "remote/fetch.h"
#include "remote/fstate.h"

#include "cscsim/pin.h"

/* ---- what can be fetched ------------------------------------------------- */

static size_t server_len_of(const char *key, size_t len)
{
    size_t n = 2;
    while (n < len && key[n] != '\\')
        n++;
    return n;
}

csc__fetch_scope_t csc__fetch_scope(const csc_cache_t *cache, const char *key, size_t share_len)
{
    csc_connect_state_t st;
    csc_offline_reason_t why;
    csc__connect_key_state(cache, key, share_len, &st, &why);
    if (st != CSC_CONNECT_STATE_ONLINE)
        return CSC__FETCH_OFFLINE;
    const csc__rnode_t *share = csc__remote_find(cache, key, share_len);
    if (share == NULL) /* online implies the share exists (C10.5 step 1) */
        return CSC__FETCH_OFFLINE;
    return share->mode == CSC_CACHING_MODE_NOCACHING ? CSC__FETCH_NOCACHING : CSC__FETCH_ALLOWED;
}

bool csc__fetch_share_nocaching(const csc_cache_t *cache, const char *key, size_t share_len)
{
    if (cache->remote == NULL)
        return false;
    const csc__rnode_t *share = csc__remote_find(cache, key, share_len);
    if (share != NULL &&
        csc__server_condition(cache, key, server_len_of(key, share_len)) != CSC_NETWORK_DOWN)
        return share->mode == CSC_CACHING_MODE_NOCACHING;
    const csc__scope_t *s = csc__scope_find(cache, key, share_len); /* C15.7 */
    return s != NULL && s->has_mode && s->mode == CSC_CACHING_MODE_NOCACHING;
}

csc__rnode_t *csc__fetch_rnode_of(const csc_cache_t *cache, const struct csc_item *item)
{
    if (cache->remote == NULL)
        return NULL;
    char stack[CSC__PATH_BUF_STACK];
    size_t len = csc__item_key_len(item);
    char *key = stack;
    if (len > sizeof stack) {
        key = csc__malloc(&cache->alloc, len);
        if (key == NULL)
            return NULL; /* [limit] treated as "no remote item" */
    }
    csc__item_key(item, key, len);
    csc__rnode_t *r = csc__remote_find(cache, key, len);
    if (key != stack)
        csc__free(&cache->alloc, key, len);
    return r;
}

const csc__rnode_t *csc__fetch_find(const csc_cache_t *cache, const char *key, size_t key_len)
{
    return csc__remote_find(cache, key, key_len);
}

csc__rnode_t *csc__fetch_first_child(csc__rnode_t *rnode)
{
    csc__remote_sort_children(rnode);
    return rnode->first_child;
}

int csc__fetch_cmp(const struct csc_item *item, const csc__rnode_t *r)
{
    size_t la = csc__fname_len(item), lb = r->key_len - r->name_off;
    int c = memcmp(csc__fname(item), r->key + r->name_off, la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : (la > lb ? 1 : 0);
}

void csc__fetch_iter_init(csc_cache_t *cache, struct csc_item *container, csc__fetch_iter_t *it)
{
    it->cache = cache;
    it->parent = csc__id(container);
    csc__rnode_t *r = csc__is_container(container) ? csc__fetch_rnode_of(cache, container) : NULL;
    it->next = r != NULL ? csc__fetch_first_child(r) : NULL;
}

const csc__rnode_t *csc__fetch_iter_next(csc__fetch_iter_t *it)
{
    while (it->next != NULL) {
        const csc__rnode_t *r = it->next;
        it->next = r->next_sibling;
        if (csc__index_find(&it->cache->index, it->parent, r->key + r->name_off,
                            r->key_len - r->name_off) == NULL)
            return r;
    }
    return NULL;
}

/* ---- fetching ------------------------------------------------------------ */

/* Whether the server's name loses a trailing period to normalisation. */
static bool loses_period(const csc__rnode_t *n)
{
    return csc__name_loses_period(csc__rnode_name(n), n->name_len);
}

/* A path of `r` into buf (cap bytes) that normalises (C1.2) to the
 * server's names exactly: a name that step 6 would shorten gets one more
 * period, and a trailing separator keeps the last name's periods and
 * blanks. Its length, or the length needed when it does not fit. */
static size_t display_path(const csc__rnode_t *r, char *buf, size_t cap)
{
    size_t len = 2; /* the leading "\\" of "\\\\server", the trailing one */
    for (const csc__rnode_t *n = r; n != NULL && n->type != CSC__RNODE_ROOT; n = n->parent)
        len += 1u + n->name_len + (loses_period(n) ? 1u : 0u);
    if (len + 1 > cap)
        return len;
    size_t pos = len - 1;
    buf[len - 1] = '\\';
    buf[len] = '\0';
    for (const csc__rnode_t *n = r; n != NULL && n->type != CSC__RNODE_ROOT; n = n->parent) {
        if (loses_period(n))
            buf[--pos] = '.';
        pos -= n->name_len;
        memcpy(buf + pos, csc__rnode_name(n), n->name_len);
        buf[--pos] = '\\';
    }
    buf[0] = '\\';
    return len;
}

csc_hresult csc__fetch_one(csc_cache_t *cache, struct csc_item *parent, const csc__rnode_t *r,
                           bool fill, uint16_t extra_pins, struct csc_item **out)
{
    (void)parent; /* a hint: the tree finds the cached ancestors by path */
    *out = NULL;
    char stack[CSC__PATH_BUF_STACK];
    char *path = stack;
    size_t cap = sizeof stack;
    size_t len = display_path(r, path, cap);
    if (len + 1 > cap) {
        cap = len + 1;
        path = csc__malloc(&cache->alloc, cap);
        if (path == NULL)
            return CSC_E_OUTOFMEMORY;
        display_path(r, path, cap);
    }
    bool file = r->type == CSC_ITEM_FILE;
    bool sparse = file && !fill;
    csc_item_type_t type = file ? CSC_ITEM_FILE : CSC_ITEM_DIRECTORY;
    csc__twin_t tw;
    csc__fstate_spare_t spare = {NULL, NULL};
    struct csc_item *item = NULL;
    /* Every allocation before the tree changes, which is the last step
     * that may fail (C8.1: the tree's caching is all or nothing). */
    csc_hresult hr = sparse ? csc__fstate_reserve(cache, &spare) : CSC_S_OK;
    if (hr == CSC_S_OK)
        hr = csc__remote_twin_prepare(cache, path, type, false, 0, &tw);
    else
        memset(&tw, 0, sizeof tw);
    if (hr == CSC_S_OK) {
        /* C5.7 for a filled file inside the tree's caching; a sparse one
         * adds no bytes and never fails for space. */
        hr = csc__tree_cache(cache, path, type, file, sparse ? 0 : r->size, &item);
        if (hr == CSC_S_OK) {
            if (sparse)
                csc__fstate_commit_sparse(cache, &spare, item, r->size); /* C10.8 */
            csc__remote_twin_commit(cache, &tw, item); /* orig = version (C10.2) */
        } else {
            csc__remote_twin_discard(cache, &tw);
        }
    }
    csc__fstate_cancel(cache, &spare);
    if (path != stack)
        csc__free(&cache->alloc, path, cap);
    if (hr != CSC_S_OK)
        return hr;
    uint8_t extra = (uint8_t)((extra_pins & CSC_PIN_FLAGS_SOURCES) >> CSC__PIN_SHIFT);
    csc__hot_t *h = csc__hot(item);
    if (extra != 0 && h->type != CSC_ITEM_SERVER) /* C15.13: pins, no inherit bits */
        csc__tree_set_pins_hot(cache, csc__id(item), h, h->pins | extra, h->inherit);
    item->last_use = cache->clock; /* C5.4 */
    csc__evict_update(cache, item);
    *out = item;
    return CSC_S_OK;
}

csc_hresult csc__fetch_fill(csc_cache_t *cache, struct csc_item *file)
{
    const csc__fstate_t *fs = csc__fstate_get(cache, file);
    if (fs == NULL || !(fs->bits & CSC__FS_SPARSE))
        return CSC_S_OK;
    if (fs->full_size > 0) {
        csc_hresult hr = csc__space_make_room(cache, fs->full_size, file, csc__parent(file));
        if (hr != CSC_S_OK)
            return hr; /* C5.7: 0x80070070, nothing changed */
    }
    csc__fstate_fill(cache, file);
    return CSC_S_OK;
}

/* ---- pending deep pins (C15.20) ------------------------------------------ */

typedef struct pending {
    csc__hentry_t h; /* keyed by id (4 bytes) */
    uint32_t id;
    uint16_t sources; /* CSC_PIN_SOURCE_* bits */
} pending_t;

static csc__htable_t *ptable(const csc_cache_t *cache)
{
    return &cache->remote->pending;
}

static pending_t *pending_find(const csc_cache_t *cache, uint32_t id)
{
    if (cache->remote == NULL || csc__htable_count(ptable(cache)) == 0)
        return NULL;
    return (pending_t *)csc__htable_find(ptable(cache), (const char *)&id, sizeof id);
}

static void pending_drop(csc_cache_t *cache, pending_t *p)
{
    csc__htable_remove(ptable(cache), &p->h);
    csc__free(&cache->alloc, p, sizeof *p);
}

csc_hresult csc__pending_pin_add(csc_cache_t *cache, struct csc_item *container, uint16_t sources)
{
    sources &= CSC_PIN_FLAGS_SOURCES;
    uint8_t type = csc__type(container);
    if (sources == 0 || cache->remote == NULL ||
        (type != CSC_ITEM_SHARE && type != CSC_ITEM_DIRECTORY))
        return CSC_S_OK;
    uint32_t id = csc__id(container);
    pending_t *p = pending_find(cache, id);
    if (p != NULL) {
        p->sources |= sources;
        return CSC_S_OK;
    }
    p = csc__malloc(&cache->alloc, sizeof *p);
    if (p == NULL)
        return CSC_E_OUTOFMEMORY;
    memset(p, 0, sizeof *p);
    p->id = id;
    p->sources = sources;
    if (!csc__htable_add(ptable(cache), &p->h, (const char *)&p->id, sizeof p->id)) {
        csc__free(&cache->alloc, p, sizeof *p);
        return CSC_E_OUTOFMEMORY;
    }
    return CSC_S_OK;
}

void csc__pending_pin_clear(csc_cache_t *cache, struct csc_item *container, uint16_t sources)
{
    pending_t *p = pending_find(cache, csc__id(container));
    if (p == NULL)
        return;
    p->sources &= (uint16_t)~sources;
    if (p->sources == 0)
        pending_drop(cache, p);
}

uint16_t csc__pending_pin_get(const csc_cache_t *cache, const struct csc_item *container)
{
    const pending_t *p = pending_find(cache, csc__id(container));
    return p != NULL ? p->sources : 0;
}

bool csc__pending_pin_take(csc_cache_t *cache, struct csc_item *container, uint16_t *sources)
{
    pending_t *p = pending_find(cache, csc__id(container));
    *sources = 0;
    if (p == NULL)
        return false;
    *sources = p->sources;
    pending_drop(cache, p);
    return true;
}

size_t csc__pending_pin_count(const csc_cache_t *cache)
{
    return cache->remote != NULL ? csc__htable_count(ptable(cache)) : 0;
}

/* The tree's hook: a container leaves the cache, its mark with it. */
static void container_leaving(csc_cache_t *cache, struct csc_item *item)
{
    pending_t *p = pending_find(cache, csc__id(item));
    if (p != NULL)
        pending_drop(cache, p);
}

void csc__pending_init(csc_cache_t *cache)
{
    cache->remote->pending.alloc = &cache->alloc;
    cache->container_leaving = container_leaving;
}

void csc__pending_free_all(csc_cache_t *cache)
{
    csc__htable_free_all(ptable(cache), &cache->alloc, sizeof(pending_t), NULL);
}

void csc__pending_rebind(csc_cache_t *cache)
{
    cache->remote->pending.alloc = &cache->alloc;
}
