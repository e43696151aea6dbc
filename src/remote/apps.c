/*
 * src/remote/apps.c: the applications that use files through the redirector
 * (contract C11, settled by C15.8, C15.9, C15.19; cscsim/apps.h): open,
 * close, write, create and delete by path, which change the remote side, the
 * cache or both. It owns the applications' non-cached handles (C11.1: a
 * table of the remote side keyed by folded file path, csc__nch_t) and their
 * closing by TransitionOffline with Force, a server going down and restart
 * (C10.9, C10.11, C15.6, C15.14: connect.c and feature.c call in here). An
 * application works "online" or "offline" by the item's connect state
 * (C10.5 with its item reasons, connect.c); a file changed on the client is
 * worked on in the cache whatever the connectivity (C15.8). Each call
 * validates and makes every allocation before it changes anything, so an
 * error leaves the cache and the remote side as they were.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "fault.h"
#include "evict.h"
#include "fstate.h"
#include "guard.h"
#include "path.h"
#include "record.h"
#include "remote.h"
#include "snapshot.h"
#include "tree.h"
#include "evict.h"

#include "cscsim/apps.h"
#include "cscsim/methods.h"
#include "cscsim/snapshot.h"

/* ---- non-cached handles (C11.1, C11.6) ------------------------------------- */

static csc__nch_t *nch_find(const csc_cache_t *cache, const char *key, size_t len)
{
    return (csc__nch_t *)csc__htable_find(&cache->remote->handles, key, len);
}

/* One more non-cached handle on key[0..len); false when out of memory. */
static bool nch_add(csc_cache_t *cache, const char *key, size_t len)
{
    csc__remote_t *r = cache->remote;
    csc__nch_t *e = nch_find(cache, key, len);
    if (e != NULL) {
        if (e->count == UINT32_MAX)
            return false;
        e->count++;
        r->handle_count++;
        return true;
    }
    e = csc__malloc(&cache->alloc, csc__nch_size(len));
    if (e == NULL)
        return false;
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, len);
    e->key[len] = '\0';
    e->key_len = (uint32_t)len;
    e->count = 1;
    if (!csc__htable_add(&r->handles, &e->h, e->key, len)) {
        csc__free(&cache->alloc, e, csc__nch_size(len));
        return false;
    }
    r->handle_count++;
    return true;
}

static void nch_drop(csc_cache_t *cache, csc__nch_t *e)
{
    cache->remote->handle_count -= e->count;
    csc__htable_remove(&cache->remote->handles, &e->h);
    csc__free(&cache->alloc, e, csc__nch_size(e->key_len));
}

static bool below(const csc__nch_t *e, const char *key, size_t len)
{
    return len == 0 ||
           (e->key_len > len && e->key[len] == '\\' && memcmp(e->key, key, len) == 0);
}

size_t csc__apps_handles_below(const csc_cache_t *cache, const char *key, size_t len)
{
    if (cache->remote == NULL || cache->remote->handle_count == 0)
        return 0;
    size_t n = 0;
    for (const csc__hentry_t *h = csc__htable_first(&cache->remote->handles); h != NULL;
         h = csc__htable_next(h)) {
        const csc__nch_t *e = (const csc__nch_t *)h;
        if (below(e, key, len))
            n += e->count;
    }
    return n;
}

void csc__apps_close_below(csc_cache_t *cache, const char *key, size_t len)
{
    if (cache->remote == NULL || cache->remote->handle_count == 0)
        return;
    csc__hentry_t *h = csc__htable_first(&cache->remote->handles);
    while (h != NULL) {
        csc__hentry_t *next = csc__htable_next(h);
        if (below((csc__nch_t *)h, key, len))
            nch_drop(cache, (csc__nch_t *)h);
        h = next;
    }
}

static size_t nch_bytes(const csc__hentry_t *e)
{
    return csc__nch_size(((const csc__nch_t *)e)->key_len);
}

void csc__apps_free(csc_cache_t *cache)
{
    csc__htable_free_all(&cache->remote->handles, &cache->alloc, 0, nch_bytes);
    cache->remote->handle_count = 0;
}

/* Snapshots (section 5, after the file states): handles u64, then each
 * path's count u32, key length u32 and folded key. */
size_t csc__apps_snap_bytes(const csc_cache_t *cache)
{
    size_t n = 8;
    for (const csc__hentry_t *h = csc__htable_first(&cache->remote->handles); h != NULL;
         h = csc__htable_next(h))
        n += 8 + ((const csc__nch_t *)h)->key_len;
    return n;
}

unsigned char *csc__apps_snap_write(const csc_cache_t *cache, unsigned char *p)
{
    p = csc__le_put(p, csc__htable_count(&cache->remote->handles), 8);
    for (const csc__hentry_t *h = csc__htable_first(&cache->remote->handles); h != NULL;
         h = csc__htable_next(h)) {
        const csc__nch_t *e = (const csc__nch_t *)h;
        p = csc__le_put(p, e->count, 4);
        p = csc__le_put(p, e->key_len, 4);
        memcpy(p, e->key, e->key_len);
        p += e->key_len;
    }
    return p;
}

csc_hresult csc__apps_snap_read(csc_cache_t *cache, const unsigned char **pp,
                                const unsigned char *end)
{
    const unsigned char *p = *pp;
    uint64_t n;
    if (!csc__le_count(&p, end, 8, &n))
        return CSC_E_FILE_CORRUPT;
    char buf[2 * 1024 + 8];
    for (uint64_t i = 0; i < n; i++) {
        if (end - p < 8)
            return CSC_E_FILE_CORRUPT;
        uint32_t count = (uint32_t)csc__le_get(p, 4);
        uint64_t len = csc__le_get(p + 4, 4);
        p += 8;
        if (count == 0 || len == 0 || len >= sizeof buf || len > (uint64_t)(end - p))
            return CSC_E_FILE_CORRUPT;
        memcpy(buf, p, (size_t)len);
        buf[len] = '\0';
        p += len;
        /* A folded file path: it normalises to itself, three components
         * at least, and is not there yet. */
        csc__path_buf_t pb;
        csc_hresult hr = csc__path_buf_normalize(&cache->alloc, buf, &pb);
        bool ok = hr == CSC_S_OK && pb.ncomp >= 3 && pb.key_len == len &&
                  memcmp(pb.key, buf, (size_t)len) == 0 &&
                  nch_find(cache, buf, (size_t)len) == NULL;
        csc__path_buf_release(&cache->alloc, &pb);
        if (hr == CSC_E_OUTOFMEMORY)
            return hr;
        if (!ok)
            return CSC_E_FILE_CORRUPT;
        if (!nch_add(cache, buf, (size_t)len))
            return CSC_E_OUTOFMEMORY;
        csc__nch_t *e = nch_find(cache, buf, (size_t)len);
        cache->remote->handle_count += count - 1u;
        e->count = count;
    }
    *pp = p;
    return CSC_S_OK;
}

/* ---- what a call knows about its path -------------------------------------- */

typedef struct app {
    csc__path_buf_t pb;
    struct csc_item *item; /* the cached item at the path, or NULL */
    bool online;           /* C15.8: the item's connect state is ONLINE */
    bool dirty;            /* changed on the client: worked on in the cache */
    bool has_remote;       /* the server has an item at the path */
    csc__rview_t rv;
    size_t share_len;
} app_t;

/* Normalises the path and looks everything up; nothing changes. */
static csc_hresult app_begin(csc_cache_t *cache, const char *path, app_t *a)
{
    memset(a, 0, sizeof *a);
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &a->pb);
    if (hr != CSC_S_OK)
        return hr;
    csc__htable_settle(&cache->remote->nodes); /* after materialising */
    a->item = csc__tree_find_key(cache, a->pb.key, a->pb.key_len);
    a->dirty = a->item != NULL && (csc__hot(a->item)->flags & CSC__F_DIRTY) != 0;
    csc_connect_state_t st;
    csc_offline_reason_t why;
    csc__connect_key_state(cache, a->pb.key, a->pb.key_len, &st, &why);
    a->online = st == CSC_CONNECT_STATE_ONLINE;
    a->has_remote = csc__remote_view(cache, a->pb.key, a->pb.key_len, &a->rv);
    a->share_len = a->pb.ncomp >= 2 ? csc__rpath_key_prefix(&a->pb, 2) : 0;
    return CSC_S_OK;
}

static void app_end(csc_cache_t *cache, app_t *a)
{
    csc__path_buf_release(&cache->alloc, &a->pb);
}

/* Whether the call works on the cached copy (offline, or changed on the
 * client: C11, C15.8). */
static bool local(const app_t *a)
{
    return !a->online || a->dirty;
}

/* C15.8: open, write and delete of a container give E_INVALIDARG: a cached
 * container, a server or share path, or (online, not cached) a remote
 * container. */
static bool names_container(const app_t *a)
{
    if (a->pb.ncomp < 3)
        return true;
    if (a->item != NULL)
        return csc__type(a->item) != CSC_ITEM_FILE;
    return a->online && a->has_remote && a->rv.type != CSC_ITEM_FILE;
}

static bool remote_file(const app_t *a)
{
    return a->has_remote && a->rv.type == CSC_ITEM_FILE;
}

/* The remote share's caching mode (the scope is online: it exists). */
static csc_caching_mode_t share_mode(const csc_cache_t *cache, const app_t *a)
{
    const csc__rnode_t *s = csc__remote_find(cache, a->pb.key, a->share_len);
    return s != NULL ? (csc_caching_mode_t)s->mode : CSC_CACHING_MODE_NONE;
}

static bool auto_caching(csc_caching_mode_t m)
{
    return m == CSC_CACHING_MODE_AUTO_DOC || m == CSC_CACHING_MODE_AUTO_PROGANDDOC;
}

/* A handle on the cached copy; touches it (C5.4, C11.1). */
static csc_hresult open_cached(csc_cache_t *cache, struct csc_item *item)
{
    csc__hot_t *h = csc__hot(item);
    if (h->u.f.open_count == UINT32_MAX)
        return CSC_E_INVALIDARG; /* as csc_item_open */
    h->u.f.open_count++;
    h->flags |= CSC__F_OPEN;
    item->last_use = cache->clock;
    csc__evict_update(cache, item);
    return CSC_S_OK;
}

/* C1.2 step 6: the normalised display path names the path's components,
 * but normalising it again need not (a last name `x..` would lose its
 * periods, a directory `e.` its period): a path that normalises to them
 * exactly (one more period where step 6 takes one, a final separator),
 * malloc'd with *cap bytes, for the tree; NULL when out of memory. */
static char *exact_display(csc_cache_t *cache, const csc__path_buf_t *pb, size_t *cap)
{
    *cap = CSC__PATH_EXACT_CAP(pb->display_len);
    char *p = csc__malloc(&cache->alloc, *cap);
    if (p != NULL)
        csc__path_exact(pb->display, pb->display_len, CSC__EXACT_END_ALWAYS, p);
    return p;
}

/*
 * Caches the file at the path (online, the server has it: a record), full
 * and in sync with the server's version, with its missing ancestors (C2.2,
 * C3.3 pins on arrival, C5.7 room made or 0x80070070); a share cached anew
 * remembers the server's mode (C10.6, C15.7).
 */
static csc_hresult cache_from_server(csc_cache_t *cache, app_t *a, csc__rnode_t *rfile,
                                     struct csc_item **out)
{
    csc__scope_t *scope = csc__scope_find(cache, a->pb.key, a->share_len), *made = NULL;
    if (scope == NULL) {
        scope = made = csc__scope_make(cache, a->pb.key, a->share_len, true);
        if (scope == NULL)
            return CSC_E_OUTOFMEMORY;
    }
    size_t cap;
    char *exact = exact_display(cache, &a->pb, &cap);
    csc_hresult hr = exact == NULL ? CSC_E_OUTOFMEMORY
                                   : csc__tree_cache(cache, exact, CSC_ITEM_FILE, true,
                                                     rfile->size, out);
    if (exact != NULL)
        csc__free(&cache->alloc, exact, cap);
    if (hr != CSC_S_OK) {
        if (made != NULL)
            csc__scope_unmake(cache, made);
        return hr;
    }
    rfile->orig = rfile->version; /* C11.1: original = remote version */
    const csc__rnode_t *share = csc__remote_find(cache, a->pb.key, a->share_len);
    if (share != NULL) { /* its server is up (online): seen now (C15.7) */
        scope->mode = share->mode;
        scope->has_mode = true;
    }
    return CSC_S_OK;
}

/* ---- open (C11.1, C15.8, C15.19) --------------------------------------------- */

static csc_hresult open_locked(csc_cache_t *cache, app_t *a, bool *cached)
{
    if (names_container(a))
        return CSC_E_INVALIDARG;
    struct csc_item *item = a->item;
    if (local(a)) {
        if (item == NULL || csc__fstate_is(cache, item, CSC__FS_DELETED))
            return CSC_E_FILE_NOT_FOUND;
        if (csc__fstate_is(cache, item, CSC__FS_SPARSE))
            return CSC_E_FILE_OFFLINE; /* C11.1, C15.19: a dirty sparse file too */
        csc_hresult hr = csc__fault_one(cache, CSC_FAULT_OP_OPEN, item);
        return hr != CSC_S_OK ? hr : open_cached(cache, item);
    }
    if (!remote_file(a))
        return CSC_E_FILE_NOT_FOUND;
    if (item != NULL) { /* clean: refresh when changed on the server, fill */
        csc_hresult hr = csc__fault_one(cache, CSC_FAULT_OP_OPEN, item);
        if (hr != CSC_S_OK)
            return hr;
        if (csc__hot(item)->u.f.open_count == UINT32_MAX)
            return CSC_E_INVALIDARG;
        bool refresh = csc__remote_changed_on_server(cache, item);
        bool sparse = csc__fstate_is(cache, item, CSC__FS_SPARSE);
        uint64_t want = refresh ? a->rv.size : csc__fstate_size(cache, item);
        uint64_t held = csc__hot(item)->size; /* 0 when sparse */
        if (refresh || sparse) {
            if (want > held) { /* C5.7, C15.8 */
                hr = csc__space_make_room(cache, want - held, item, csc__parent(item));
                if (hr != CSC_S_OK)
                    return hr;
            }
            if (refresh) { /* not an implicit twin: the view's record */
                csc__rnode_t *n = a->rv.node;
                csc__fstate_set_size(cache, item, n->size);
                n->orig = n->version;
            }
            csc__fstate_fill(cache, item);
        }
        return open_cached(cache, item);
    }
    if (auto_caching(share_mode(cache, a))) { /* C11.1: cached automatically */
        struct csc_item *made;
        csc_hresult hr = cache_from_server(cache, a, a->rv.node, &made);
        if (hr != CSC_S_OK)
            return hr;
        *cached = true;
        return open_cached(cache, made);
    }
    /* MANUAL or NOCACHING: a non-cached handle of the scope (C11.1) */
    return nch_add(cache, a->pb.key, a->pb.key_len) ? CSC_S_OK : CSC_E_OUTOFMEMORY;
}

/* ---- close (C11.6, C15.8) ------------------------------------------------------ */

static csc_hresult close_locked(csc_cache_t *cache, app_t *a)
{
    struct csc_item *item = a->item;
    if (item != NULL && csc__type(item) != CSC_ITEM_FILE)
        return CSC_E_INVALIDARG; /* as csc_item_close */
    if (item != NULL) {
        csc_hresult hr = csc__fault_one(cache, CSC_FAULT_OP_CLOSE, item);
        if (hr != CSC_S_OK)
            return hr;
        csc__hot_t *h = csc__hot(item);
        if (h->u.f.open_count > 0) { /* the cached copy's handle first */
            if (--h->u.f.open_count == 0)
                h->flags &= (uint8_t)~CSC__F_OPEN;
            csc__evict_update(cache, item);
            return CSC_S_OK;
        }
    }
    csc__nch_t *e = nch_find(cache, a->pb.key, a->pb.key_len);
    if (e != NULL) {
        cache->remote->handle_count--;
        if (--e->count == 0)
            nch_drop(cache, e);
        return CSC_S_OK;
    }
    return item != NULL ? CSC_S_OK : CSC_E_FILE_NOT_FOUND;
}

/* ---- write (C11.2, C15.8, C15.19) ------------------------------------------------ */

static csc_hresult write_locked(csc_cache_t *cache, app_t *a, uint64_t bytes, bool has_size,
                                uint64_t size)
{
    if (names_container(a))
        return CSC_E_INVALIDARG;
    struct csc_item *item = a->item;
    if (local(a)) { /* an offline change, in the cache */
        if (item == NULL || csc__fstate_is(cache, item, CSC__FS_DELETED))
            return CSC_E_FILE_NOT_FOUND;
        if (csc__fstate_is(cache, item, CSC__FS_SPARSE))
            return CSC_E_FILE_OFFLINE;
        if (!csc__fstate_touch_local(cache, item)) /* C15.9 (the only allocation) */
            return CSC_E_OUTOFMEMORY;
        csc__hot(item)->flags |= CSC__F_DIRTY;
        uint64_t *d = &item->u.dirty_bytes;
        *d = bytes > UINT64_MAX - *d ? UINT64_MAX : *d + bytes;
        if (has_size) /* never fails for space (C15.8) */
            csc__fstate_set_size(cache, item, size);
        csc__evict_update(cache, item);
        return CSC_S_OK;
    }
    if (!remote_file(a))
        return CSC_E_FILE_NOT_FOUND;
    csc__rnode_t *n = a->rv.node != NULL ? a->rv.node : csc__remote_file_record(cache, item);
    if (has_size)
        n->size = size;
    n->version++; /* C10.1: a change on the server */
    n->last_change = cache->clock;
    if (item != NULL) { /* clean: write-through, in sync (a sparse copy stays sparse) */
        csc__fstate_set_size(cache, item, n->size);
        n->orig = n->version;
        csc__evict_update(cache, item);
    }
    return CSC_S_OK;
}

/* ---- create (C11.4, C15.9, C15.19) ------------------------------------------------ */

static csc_hresult create_online(csc_cache_t *cache, app_t *a, uint64_t size, bool *cached)
{
    if (a->has_remote)
        return CSC_E_ALREADY_EXISTS; /* a file or a directory of that name */
    struct csc_item *item = a->item; /* a clean copy of an older file, or NULL */
    size_t plen = csc__rpath_key_prefix(&a->pb, a->pb.ncomp - 1);
    const struct csc_item *parent = csc__tree_find_key(cache, a->pb.key, plen);
    csc_caching_mode_t mode = share_mode(cache, a);
    bool cache_it = item != NULL || auto_caching(mode) ||
                    (parent != NULL && csc__hot(parent)->inherit != 0 &&
                     mode != CSC_CACHING_MODE_NOCACHING);
    const csc__rnode_t *rparent = csc__remote_find(cache, a->pb.key, plen);
    if (rparent == NULL ||
        (rparent->type != CSC_ITEM_SHARE && rparent->type != CSC_ITEM_DIRECTORY))
        return CSC_E_PATH_NOT_FOUND; /* before any room is made (C11.4, C15.9) */
    if (item != NULL) { /* C15.19: it takes the new file; room first (C5.7) */
        uint64_t held = csc__hot(item)->size;
        if (size > held) {
            csc_hresult hr = csc__space_make_room(cache, size - held, item, csc__parent(item));
            if (hr != CSC_S_OK)
                return hr;
        }
    }
    csc__rnode_t *n;
    csc_hresult hr = csc__remote_create_file(cache, &a->pb, size, &n);
    if (hr != CSC_S_OK || !cache_it)
        return hr;
    if (item != NULL) {
        csc__fstate_set_size(cache, item, size);
        csc__fstate_fill(cache, item);
        n->orig = n->version;
        csc__evict_update(cache, item);
        return CSC_S_OK;
    }
    struct csc_item *made;
    hr = cache_from_server(cache, a, n, &made);
    if (hr != CSC_S_OK) {
        csc__rview_t v = {.node = n, .type = CSC_ITEM_FILE};
        csc__remote_remove_file(cache, &v); /* nothing changed */
        return hr;
    }
    *cached = true;
    return CSC_S_OK;
}

static csc_hresult create_offline(csc_cache_t *cache, app_t *a, uint64_t size, bool *cached)
{
    if (a->item != NULL)
        return CSC_E_ALREADY_EXISTS;
    size_t plen = csc__rpath_key_prefix(&a->pb, a->pb.ncomp - 1);
    const struct csc_item *parent = csc__tree_find_key(cache, a->pb.key, plen);
    if (parent == NULL || csc__type(parent) == CSC_ITEM_FILE)
        return CSC_E_PATH_NOT_FOUND; /* C11.4, C15.9 */
    struct csc_item *item;
    size_t cap;
    char *exact = exact_display(cache, &a->pb, &cap);
    csc_hresult hr = exact == NULL ? CSC_E_OUTOFMEMORY
                                   : csc__tree_cache(cache, exact, CSC_ITEM_FILE, true, size, &item);
    if (exact != NULL)
        csc__free(&cache->alloc, exact, cap);
    if (hr != CSC_S_OK)
        return hr;
    csc__fstate_t *fs = csc__fstate_make(cache, item);
    if (fs == NULL) {
        csc__tree_remove_leaf(cache, item);
        return CSC_E_OUTOFMEMORY;
    }
    fs->bits |= CSC__FS_CREATED | CSC__FS_LOCAL_TIME; /* C11.4, C15.9 */
    fs->local_change = cache->clock;
    csc__hot(item)->flags |= CSC__F_DIRTY;
    item->u.dirty_bytes = size;
    csc__evict_update(cache, item);
    if (a->rv.node != NULL && a->rv.node->type == CSC_ITEM_FILE)
        a->rv.node->orig = 0; /* no original (C10.2): an earlier copy's is stale */
    *cached = true;
    return CSC_S_OK;
}

static csc_hresult create_locked(csc_cache_t *cache, app_t *a, uint64_t size, bool *cached)
{
    if (a->pb.ncomp < 3)
        return CSC_E_INVALID_NAME; /* C15.19 */
    if (a->item != NULL &&
        (csc__type(a->item) != CSC_ITEM_FILE || a->dirty)) /* C15.9, C15.19 */
        return CSC_E_ALREADY_EXISTS;
    return a->online ? create_online(cache, a, size, cached)
                     : create_offline(cache, a, size, cached);
}

/* ---- delete (C11.5, C15.8, C15.9) ----------------------------------------------------- */

static csc_hresult delete_locked(csc_cache_t *cache, app_t *a)
{
    if (names_container(a))
        return CSC_E_INVALIDARG;
    struct csc_item *item = a->item;
    if (local(a)) {
        if (item == NULL || csc__fstate_is(cache, item, CSC__FS_DELETED))
            return CSC_E_FILE_NOT_FOUND; /* C11.5, C15.9 */
        if (csc__fstate_is(cache, item, CSC__FS_CREATED)) {
            csc__tree_remove_leaf(cache, item); /* simply removed */
            return CSC_S_OK;
        }
        if (!csc__fstate_touch_local(cache, item))
            return CSC_E_OUTOFMEMORY;
        csc__fstate_get(cache, item)->bits |= CSC__FS_DELETED;
        csc__hot(item)->flags |= CSC__F_DIRTY; /* keeps its pins and bytes */
        csc__evict_update(cache, item);
        return CSC_S_OK;
    }
    if (!remote_file(a))
        return CSC_E_FILE_NOT_FOUND;
    csc__remote_remove_file(cache, &a->rv); /* clears an implicit twin first */
    if (item != NULL)
        csc__tree_remove_leaf(cache, item);
    return CSC_S_OK;
}

/* ---- the calls ----------------------------------------------------------------- */

typedef enum app_verb { APP_OPEN, APP_CLOSE, APP_WRITE, APP_CREATE, APP_DELETE } app_verb_t;

/*
 * One application call (C11): the arguments, the guard (Close as an
 * application's, the others as writers), the path's lookup, the verb's
 * work, C5.5 after a file was cached (C15.3) and the recorder's line.
 * `bytes` and `has_size` are Write's; `size` is Write's or Create's.
 */
static csc_hresult app_call(csc_cache_t *cache, const char *path, app_verb_t verb,
                            uint64_t bytes, bool has_size, uint64_t size)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, verb == APP_CLOSE ? CSC__APP : CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    app_t a;
    bool cached = false;
    hr = app_begin(cache, path, &a);
    if (hr == CSC_S_OK) {
        switch (verb) {
        case APP_OPEN: hr = open_locked(cache, &a, &cached); break;
        case APP_CLOSE: hr = close_locked(cache, &a); break;
        case APP_WRITE: hr = write_locked(cache, &a, bytes, has_size, size); break;
        case APP_CREATE: hr = create_locked(cache, &a, size, &cached); break;
        case APP_DELETE: hr = delete_locked(cache, &a); break;
        }
    }
    app_end(cache, &a);
    if (cached)
        csc__policy_after(cache); /* C5.5, C15.3 */
    if (CSC__RECORDING(cache)) {
        static const char *const verbs[] = {"open", "close", "write", "create", "delete"};
        char tail[64] = "";
        if (verb == APP_WRITE) {
            int k = snprintf(tail, sizeof tail, "bytes=%llu", (unsigned long long)bytes);
            if (has_size && k > 0)
                snprintf(tail + k, sizeof tail - (size_t)k, " size=%llu",
                         (unsigned long long)size);
        } else if (verb == APP_CREATE) {
            snprintf(tail, sizeof tail, "size=%llu", (unsigned long long)size);
        }
        csc__rec_app(cache, verbs[verb], path, tail[0] != '\0' ? tail : NULL, hr);
    }
    csc__leave(cache);
    return hr;
}

csc_hresult csc_app_open(csc_cache_t *cache, const char *path)
{
    return app_call(cache, path, APP_OPEN, 0, false, 0);
}

csc_hresult csc_app_close(csc_cache_t *cache, const char *path)
{
    return app_call(cache, path, APP_CLOSE, 0, false, 0);
}

csc_hresult csc_app_write(csc_cache_t *cache, const char *path, uint64_t bytes, bool has_size,
                          uint64_t size)
{
    return app_call(cache, path, APP_WRITE, bytes, has_size, size);
}

csc_hresult csc_app_create(csc_cache_t *cache, const char *path, uint64_t size)
{
    return app_call(cache, path, APP_CREATE, 0, true, size);
}

csc_hresult csc_app_delete(csc_cache_t *cache, const char *path)
{
    return app_call(cache, path, APP_DELETE, 0, false, 0);
}

/* ---- reading the handles ------------------------------------------------------------ */

csc_hresult csc_app_noncached_handles(const csc_cache_t *cache, const char *path,
                                      uint32_t *count)
{
    if (count == NULL)
        return CSC_E_POINTER;
    *count = 0;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr == CSC_S_OK) {
        const csc__nch_t *e = nch_find(cache, pb.key, pb.key_len);
        *count = e != NULL ? e->count : 0;
    }
    csc__path_buf_release(&cache->alloc, &pb);
    csc__leave(cache);
    return hr;
}
