/*
 * src/remote/sync.c: Synchronize (contract C12, C10.10, C15.3, C15.10-C15.12,
 * C15.19). It owns the call's validation (C12.1), its walk (C12.2: each
 * path's subtree in pre-order with C4.5's steps, events, cancellation and
 * RETRY, items leaving the cache under the walk, a KEEPALLCHANGES copy as
 * the item right after its original), the offline rules (C12.3, C15.11),
 * the transfers of files changed on one side (C12.4), conflicts and their
 * resolutions from a handler or the CR field (C12.5, C15.10), recorded
 * conflicts and their lifetime (C12.6, C15.12), and the service's
 * synchronization when a scope comes online (C10.10). A file in sync by
 * construction (an implicit twin, CSC__F_TWIN, without CSC__F_DIRTY or
 * CSC__F_XSTATE) needs nothing: a walk without sink, cancel token or fault
 * rule passes runs of them in one tight loop over the hot records.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "fault.h"
#include "evict.h"
#include "fetch.h"
#include "fstate.h"
#include "guard.h"
#include "record.h"
#include "remote.h"
#include "sync.h"
#include "tree.h"
#include "walk.h"

#include "cscsim/sync.h"

#define E_CSCSHARE_OFFLINE CSC_HRESULT_FROM_WIN32(1262u) /* 0x800704EE */
#define E_PATH_NOT_FOUND CSC_HRESULT_FROM_WIN32(3u)      /* 0x80070003 */

#if defined(__GNUC__)
#define SYNC_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define SYNC_LIKELY(x) (x)
#endif

/* A file whose hot record shows only this needs nothing (remote.h). */
#define CLEAN_MASK (CSC__F_DIRTY | CSC__F_XSTATE | CSC__F_TWIN)

/* A growing string that starts in storage of its own (no allocation for
 * paths of ordinary length: a call with every allocation refused still
 * synchronizes them, as Pin's walk does). */
#define BUF_INLINE 512u
typedef struct buf {
    char *p;
    size_t len, cap;
    bool heap;
    char inline_[BUF_INLINE];
} buf_t;

typedef struct sync {
    csc_cache_t *cache;
    csc__walk_ctl_t ctl; /* the sink (NULL: no events), the tokens */
    const csc_sync_options_t *options; /* NULL or with a handler */
    bool name_invalid; /* the last name_free's name was invalid (C1.4) */
    uint32_t flags;
    bool in, out, fill, skip_suspended, background, no_new_out;
    uint8_t cr; /* the CR field, 0-3 */
    bool fast;  /* no sink, no token, no fault rule: clean runs in one loop */
    bool out_of_memory;
    bool gone; /* the item being processed left the cache */
    uint32_t fault_op;
    bool fault_armed, fault_live;
    buf_t path;    /* display path of the current item */
    uint32_t path_id; /* whose path is in `path` */
    buf_t key;     /* folded path of the current item */
    buf_t tmp;     /* a copy's path */
    /* The last scope looked at (C12.3): share id and whether its server
     * cannot be reached. */
    uint32_t scope_id;
    bool scope_error;
    /* KEEPALLCHANGES copies made by this walk: processed right after their
     * original, skipped when the walk reaches them again. */
    uint32_t *done;
    size_t ndone, done_cap;
    uint32_t copy_id; /* the copy to process next, or CSC__NONE */
    /* C12.7, C15.20: PinNewFiles given (with SyncIn); the containers whose
     * pending deep pin this walk took (their subtrees fetch what the
     * server has); remote children that could not be fetched, given as
     * failing items after their container's events. */
    bool pin_new;
    uint16_t pin_for; /* the PinFor* sources of PinNewFiles (C15.13) */
    uint32_t *regions;
    size_t nregions, regions_cap;
    char **failed_paths;
    csc_hresult *failed_hrs;
    size_t nfailed, failed_cap;
} sync_t;

/* ---- buffers ------------------------------------------------------------ */

static void buf_init(buf_t *b)
{
    b->p = b->inline_;
    b->cap = BUF_INLINE;
    b->len = 0;
    b->heap = false;
    b->p[0] = '\0';
}

static bool reserve(sync_t *s, buf_t *b, size_t len)
{
    if (b->p == NULL)
        buf_init(b);
    if (len + 1 <= b->cap)
        return true;
    if (!csc__walk_path_reserve(s->cache, &b->p, &b->cap, b->len + 1, len, b->heap)) {
        s->out_of_memory = true;
        return false;
    }
    b->heap = true;
    return true;
}

static void buf_free(sync_t *s, buf_t *b)
{
    if (b->p != NULL && b->heap)
        csc__free(&s->cache->alloc, b->p, b->cap);
    b->p = NULL;
    b->cap = b->len = 0;
    b->heap = false;
}

static bool load_path(sync_t *s, const struct csc_item *item)
{
    uint32_t id = csc__id(item);
    if (s->path_id == id)
        return true;
    size_t len = csc__item_path_len(item);
    if (!reserve(s, &s->path, len))
        return false;
    csc_item_path(item, s->path.p, s->path.cap);
    s->path.len = len;
    s->path_id = id;
    return true;
}

/* A path of `item` into b that normalises (C1.2) to the item's names
 * exactly (a display path need not: `e.` as a directory would lose its
 * period): a name that step 6 would shorten gets one more period; with
 * `trailing` a final separator keeps the last name's periods and blanks.
 * What the remote side is given when a Synchronize makes files there. */
static bool load_exact(sync_t *s, buf_t *b, const struct csc_item *item, bool trailing)
{
    size_t len = 1 + (trailing ? 1u : 0u); /* "\" before the server's "" */
    for (const struct csc_item *it = item; it != NULL && csc__type(it) != CSC__ITEM_ROOT;
         it = csc__parent(it)) {
        const char *name = csc__name(it);
        size_t n = strlen(name);
        len += 1u + n + (csc__name_loses_period(name, n) ? 1u : 0u);
    }
    if (!reserve(s, b, len))
        return false;
    size_t pos = len;
    b->p[len] = '\0';
    if (trailing)
        b->p[--pos] = '\\';
    for (const struct csc_item *it = item; it != NULL && csc__type(it) != CSC__ITEM_ROOT;
         it = csc__parent(it)) {
        const char *name = csc__name(it);
        size_t n = strlen(name);
        if (csc__name_loses_period(name, n))
            b->p[--pos] = '.';
        pos -= n;
        memcpy(b->p + pos, name, n);
        b->p[--pos] = '\\';
    }
    b->p[0] = '\\';
    b->len = len;
    return true;
}

static bool load_key(sync_t *s, buf_t *b, const struct csc_item *item)
{
    size_t len = csc__item_key_len(item);
    if (!reserve(s, b, len))
        return false;
    csc__item_key(item, b->p, len);
    b->p[len] = '\0';
    b->len = len;
    return true;
}

/* ---- the scope (C12.3, C15.11) -------------------------------------------- */

/* Whether the item's scope cannot be reached (OFFLINE, CONNECTION_ERROR).
 * Server items have no scope: false. */
static bool scope_error(sync_t *s, const struct csc_item *item)
{
    csc_cache_t *cache = s->cache;
    uint32_t id = csc__id(item);
    const csc__hot_t *h = csc__hot_at(cache, id);
    while (h->type != CSC_ITEM_SHARE) {
        if (h->type == CSC_ITEM_SERVER || h->type == CSC__ITEM_ROOT)
            return false;
        id = h->parent;
        h = csc__hot_at(cache, id);
    }
    if (id == s->scope_id)
        return s->scope_error;
    if (!load_key(s, &s->tmp, csc__item_at(cache, id)))
        return false; /* out of memory: the walk stops */
    csc_connect_state_t st;
    csc_offline_reason_t why;
    csc__connect_key_state(cache, s->tmp.p, s->tmp.len, &st, &why);
    s->scope_id = id;
    s->scope_error = st == CSC_CONNECT_STATE_OFFLINE && why == CSC_OFFLINE_REASON_CONNECTION_ERROR;
    return s->scope_error;
}

/* ---- changes to a cached file --------------------------------------------- */

/* The file is in sync: not dirty, no created/deleted mark, no conflict. */
static void make_clean(csc_cache_t *cache, struct csc_item *item)
{
    csc__hot_t *h = csc__hot(item);
    h->flags &= (uint8_t)~CSC__F_DIRTY;
    item->u.dirty_bytes = 0;
    csc__fstate_t *fs = csc__fstate_get(cache, item);
    if (fs != NULL) {
        fs->bits &= (uint8_t)~(CSC__FS_CREATED | CSC__FS_DELETED);
        fs->conflict = 0;
        fs->conflict_version = 0;
        csc__fstate_settle(cache, item);
    }
    csc__evict_update(cache, item);
}

/* The item leaves the cache (C12.4). An open file stays: its handles are
 * the applications' [decision]. */
static csc_hresult leave(sync_t *s, struct csc_item *item)
{
    if (csc__hot(item)->flags & CSC__F_OPEN)
        return CSC_E_SHARING_VIOLATION;
    csc__tree_remove_leaf(s->cache, item);
    s->gone = true;
    return CSC_S_OK;
}

/* The cached copy becomes the server's `rec` once room is made: its size
 * (filled if sparse), the version it was taken from, clean. */
static void adopt_remote(csc_cache_t *cache, struct csc_item *item, csc__rnode_t *rec)
{
    csc__fstate_t *fs = csc__fstate_get(cache, item);
    if (fs != NULL && (fs->bits & CSC__FS_SPARSE)) {
        fs->full_size = rec->size;
        csc__fstate_fill(cache, item);
    } else {
        csc__tree_set_file_size(cache, item, rec->size);
    }
    rec->orig = rec->version;
    make_clean(cache, item);
}

/* The cached copy takes the server's (C12.4, KEEPREMOTE): size and
 * version, filled if sparse, clean; C5.7 first (C15.10). */
static csc_hresult take_remote(sync_t *s, struct csc_item *item, csc__rnode_t *rec)
{
    csc_cache_t *cache = s->cache;
    uint64_t held = csc__hot(item)->size;
    uint64_t added = rec->size > held ? rec->size - held : 0;
    csc_hresult hr = csc__space_make_room(cache, added, item, csc__parent(item));
    if (hr != CSC_S_OK)
        return hr;
    adopt_remote(cache, item, rec);
    return CSC_S_OK;
}

/* The server takes the cached copy (C12.4 SyncOut, KEEPLOCAL): a deleted
 * file is removed there and leaves the cache; any other gets the local
 * size and a new version (or is created, version 1, with its missing
 * ancestors, C15.10), and the file is clean. */
static csc_hresult push_local(sync_t *s, struct csc_item *item)
{
    csc_cache_t *cache = s->cache;
    if (csc__fstate_is(cache, item, CSC__FS_DELETED)) {
        if (csc__hot(item)->flags & CSC__F_OPEN)
            return CSC_E_SHARING_VIOLATION;
        csc__remote_remove_at(cache, s->key.p, s->key.len);
        return leave(s, item);
    }
    uint64_t size = csc__fstate_size(cache, item);
    csc__rnode_t *rec = csc__remote_record_at(cache, s->key.p, s->key.len);
    if (rec != NULL && rec->type != CSC_ITEM_FILE)
        return CSC_E_ALREADY_EXISTS; /* C15.19: a remote directory of its name */
    if (rec == NULL) {
        if (!load_exact(s, &s->tmp, item, true))
            return CSC_E_OUTOFMEMORY;
        csc_hresult hr = csc__remote_sync_create(cache, s->tmp.p, size, &rec);
        if (hr != CSC_S_OK)
            return hr;
    } else {
        rec->version++;
    }
    rec->size = size;
    rec->last_change = cache->clock;
    rec->orig = rec->version;
    make_clean(cache, item);
    return CSC_S_OK;
}

/* ---- KEEPALLCHANGES (C12.5, C15.10) ----------------------------------------- */

/* Whether `name` (one component) makes a valid path in the directory
 * s->path[0..dir_len) that is free in the cache and on the server; the
 * path is left in s->tmp. */
static bool name_free(sync_t *s, size_t dir_len, const char *name, size_t name_len,
                      uint32_t ncomp)
{
    if (name_len == 0 || memchr(name, '\\', name_len) != NULL ||
        memchr(name, '/', name_len) != NULL || memchr(name, '\0', name_len) != NULL)
        return false;
    /* s->path holds an exact path (load_exact); so is the copy's: one more
     * period where step 6 would take one, a final separator (C1.2). */
    bool extra = csc__name_loses_period(name, name_len);
    if (!reserve(s, &s->tmp, dir_len + 1 + name_len + 2))
        return false;
    memcpy(s->tmp.p, s->path.p, dir_len);
    s->tmp.p[dir_len] = '\\';
    memcpy(s->tmp.p + dir_len + 1, name, name_len);
    s->tmp.len = dir_len + 1 + name_len;
    if (extra)
        s->tmp.p[s->tmp.len++] = '.';
    s->tmp.p[s->tmp.len++] = '\\';
    s->tmp.p[s->tmp.len] = '\0';
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&s->cache->alloc, s->tmp.p, &pb);
    bool ok = hr == CSC_S_OK && pb.ncomp == ncomp &&
              csc__tree_find_key(s->cache, pb.key, pb.key_len) == NULL &&
              csc__remote_find(s->cache, pb.key, pb.key_len) == NULL;
    if (hr == CSC_E_OUTOFMEMORY)
        s->out_of_memory = true;
    s->name_invalid = hr == CSC_E_INVALID_NAME; /* too long (C1.4) */
    csc__path_buf_release(&s->cache->alloc, &pb);
    return ok;
}

static uint32_t path_components(const char *p, size_t len)
{
    uint32_t n = 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] == '\\')
            n++;
    return n + 1;
}

/*
 * The local copy is kept as a new file in the same directory (the
 * handler's name when valid and free, else `STEM (conflict N)EXT` with the
 * smallest free N), created on the server in sync; the original takes the
 * server's copy. One C5.7 check for both (C15.19).
 */
static csc_hresult keep_all(sync_t *s, struct csc_item *item, csc__rnode_t *rec,
                            const char *new_name)
{
    csc_cache_t *cache = s->cache;
    /* The directory as an exact path (C1.2: a display path may not name
     * it); s->path no longer caches the item's display path. */
    s->path_id = CSC__NONE;
    if (!load_exact(s, &s->path, item, false))
        return CSC_E_OUTOFMEMORY;
    const char *name = csc__name(item);
    size_t name_len = csc__name_len(item);
    size_t dir_len = s->path.len - name_len - (csc__name_loses_period(name, name_len) ? 1u : 0u) - 1;
    uint32_t ncomp = path_components(s->path.p, s->path.len);
    bool named = new_name != NULL && name_free(s, dir_len, new_name, strlen(new_name), ncomp);
    if (!named) {
        /* C15.10: the extension is the part from the last period, unless
         * that period begins the name. */
        size_t stem = name_len;
        for (size_t i = name_len; i-- > 1;)
            if (name[i] == '.') {
                stem = i;
                break;
            }
        char cand[64];
        for (unsigned long n = 1; !named; n++) {
            if (s->out_of_memory)
                return CSC_E_OUTOFMEMORY;
            int k = snprintf(cand, sizeof cand, " (conflict %lu)", n);
            size_t len = stem + (size_t)k + (name_len - stem);
            buf_t nb;
            nb.p = NULL;
            if (!reserve(s, &nb, len))
                return CSC_E_OUTOFMEMORY;
            memcpy(nb.p, name, stem);
            memcpy(nb.p + stem, cand, (size_t)k);
            memcpy(nb.p + stem + (size_t)k, name + stem, name_len - stem);
            nb.p[len] = '\0';
            named = name_free(s, dir_len, nb.p, len, ncomp);
            buf_free(s, &nb);
            /* [decision] A name past C1.4's limits stays invalid for every
             * larger N: the item fails with 0x8007007B, unchanged. */
            if (!named && s->name_invalid)
                return CSC_E_INVALID_NAME;
        }
    }
    if (s->out_of_memory)
        return CSC_E_OUTOFMEMORY;
    /* s->tmp holds the copy's path. */
    uint64_t local = csc__fstate_size(cache, item);
    uint64_t held = csc__hot(item)->size;
    uint64_t after = rec->size + local;
    uint64_t added = after > held ? after - held : 0;
    csc_hresult hr = csc__space_make_room(cache, added, item, csc__parent(item));
    if (hr != CSC_S_OK)
        return hr;
    csc__twin_t twin;
    hr = csc__remote_twin_prepare(cache, s->tmp.p, CSC_ITEM_FILE, true, local, &twin);
    if (hr != CSC_S_OK)
        return hr;
    struct csc_item *copy = NULL;
    /* Cached empty, then given its size: room was made above for both
     * copies at once (the original's bytes are not yet the server's), so
     * the tree must not check C5.7 again for the copy alone. */
    hr = csc__tree_cache(cache, s->tmp.p, CSC_ITEM_FILE, true, 0, &copy);
    if (hr != CSC_S_OK) {
        csc__remote_twin_discard(cache, &twin);
        return hr;
    }
    csc__tree_set_file_size(cache, copy, local);
    csc__remote_twin_commit(cache, &twin, copy);
    csc__item_at(cache, csc__id(copy))->last_use = cache->clock;
    /* The original takes the server's copy; room was made for both. */
    adopt_remote(cache, item, rec);
    s->copy_id = csc__id(copy);
    return CSC_S_OK;
}

/* ---- conflicts (C12.5, C15.10) --------------------------------------------- */

static csc_sync_resolve_t ask(sync_t *s, struct csc_item *item, csc_sync_state_t state,
                              uint32_t details, const char **new_name)
{
    *new_name = NULL;
    const csc_sync_options_t *o = s->options;
    if (o != NULL && o->resolve_conflict != NULL) {
        if (!load_path(s, item))
            return CSC_SYNC_RESOLVE_NONE;
        csc_conflict_t c = {s->path.p, s->path.len, CSC_SYNC_STATE_LOCAL_KNOWN |
                            CSC_SYNC_STATE_REMOTE_KNOWN, state, details};
        csc_sync_resolve_t r = o->resolve_conflict(o->user_data, &c, new_name);
        if ((unsigned)r > CSC_SYNC_RESOLVE_ABORT)
            r = CSC_SYNC_RESOLVE_NONE; /* C16.5 */
        if (r != CSC_SYNC_RESOLVE_KEEPALLCHANGES)
            *new_name = NULL;
        return r;
    }
    static const csc_sync_resolve_t by_cr[4] = {
        CSC_SYNC_RESOLVE_NONE, CSC_SYNC_RESOLVE_KEEPLOCAL, CSC_SYNC_RESOLVE_KEEPREMOTE,
        CSC_SYNC_RESOLVE_KEEPLATEST};
    return by_cr[s->cr];
}

static csc_hresult conflict(sync_t *s, struct csc_item *item, csc__rnode_t *rec, bool rgone)
{
    csc_cache_t *cache = s->cache;
    csc__fstate_t *fs = csc__fstate_get(cache, item);
    bool created = fs != NULL && (fs->bits & CSC__FS_CREATED);
    bool deleted = fs != NULL && (fs->bits & CSC__FS_DELETED);
    csc_sync_state_t state = created ? CSC_SYNC_STATE_FILE_CREATED_ON_CLIENT_FILE_ON_SERVER
                             : deleted ? CSC_SYNC_STATE_DELETED_ON_CLIENT_FILE_CHANGED_ON_SERVER
                             : rgone   ? CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_DELETED_ON_SERVER
                                       : CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER;
    /* fChangeDetails [decision]: a change on a side always changed its
     * time; sizes when both copies exist and their sizes differ. */
    uint32_t details = 0;
    if (!deleted)
        details |= CSC_CHANGES_LOCAL_TIME;
    if (!rgone)
        details |= CSC_CHANGES_REMOTE_TIME;
    if (!deleted && !rgone && rec->size != csc__fstate_size(cache, item))
        details |= CSC_CHANGES_LOCAL_SIZE | CSC_CHANGES_REMOTE_SIZE;
    const char *asked_name;
    csc_sync_resolve_t r = ask(s, item, state, details, &asked_name);
    if (s->out_of_memory)
        return CSC_E_OUTOFMEMORY;
    /* The handler may only read: the item is still there (C14.5). */
    char *new_name = NULL;
    size_t new_cap = 0;
    if (asked_name != NULL) {
        new_cap = strlen(asked_name) + 1;
        new_name = csc__malloc(&cache->alloc, new_cap);
        if (new_name == NULL)
            return CSC_E_OUTOFMEMORY;
        memcpy(new_name, asked_name, new_cap);
    }
    if (r == CSC_SYNC_RESOLVE_KEEPLATEST) {
        /* The later change wins; a tie keeps the remote copy; the remote
         * file gone: the file is restored on the server (C15.10). */
        fs = csc__fstate_get(cache, item);
        uint64_t local = fs != NULL && (fs->bits & CSC__FS_LOCAL_TIME) ? fs->local_change : 0;
        r = rgone || local > rec->last_change ? CSC_SYNC_RESOLVE_KEEPLOCAL
                                              : CSC_SYNC_RESOLVE_KEEPREMOTE;
    }
    if (r == CSC_SYNC_RESOLVE_KEEPALLCHANGES &&
        state != CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER &&
        state != CSC_SYNC_STATE_FILE_CREATED_ON_CLIENT_FILE_ON_SERVER)
        r = CSC_SYNC_RESOLVE_NONE; /* C12.5, C15.10: not for 15 and 36 */
    csc_hresult hr;
    switch (r) {
    case CSC_SYNC_RESOLVE_KEEPLOCAL:
        hr = push_local(s, item);
        break;
    case CSC_SYNC_RESOLVE_KEEPREMOTE:
        hr = rgone ? leave(s, item) : take_remote(s, item, rec);
        break;
    case CSC_SYNC_RESOLVE_KEEPALLCHANGES:
        hr = keep_all(s, item, rec, new_name);
        break;
    case CSC_SYNC_RESOLVE_SKIP:
        hr = CSC_S_OK;
        break;
    case CSC_SYNC_RESOLVE_ABORT: /* C15.10: the item's result, then cancelled */
        s->ctl.cancelled = true;
        hr = CSC_E_CANCELLED;
        break;
    default: /* NONE, LOG: an unresolved conflict (C12.6) */
        fs = csc__fstate_make(cache, item);
        if (fs == NULL) {
            hr = CSC_E_OUTOFMEMORY;
            break;
        }
        fs->conflict = (uint8_t)state;
        fs->conflict_version = rgone ? 0 : rec->version;
        hr = CSC_E_FAIL;
        break;
    }
    if (new_name != NULL)
        csc__free(&cache->alloc, new_name, new_cap);
    return hr;
}

/* ---- one item --------------------------------------------------------------- */

static csc_hresult apply_file(sync_t *s, struct csc_item *item)
{
    csc_cache_t *cache = s->cache;
    csc__hot_t *h = csc__hot(item);
    bool offline = scope_error(s, item); /* C12.3; before Background (C15.11) */
    if (s->out_of_memory)
        return CSC_E_OUTOFMEMORY;
    if (offline)
        return E_CSCSHARE_OFFLINE;
    if (s->background && (h->flags & CSC__F_OPEN))
        return CSC_E_SHARING_VIOLATION; /* C12.2 as C4.5 step 4 */
    if ((h->flags & CLEAN_MASK) == CSC__F_TWIN)
        return CSC_S_OK; /* in sync by construction */
    csc__fstate_t *fs = csc__fstate_get(cache, item);
    bool dirty = (h->flags & CSC__F_DIRTY) != 0;
    bool created = fs != NULL && (fs->bits & CSC__FS_CREATED);
    bool deleted = fs != NULL && (fs->bits & CSC__FS_DELETED);
    bool sparse = fs != NULL && (fs->bits & CSC__FS_SPARSE);

    /* The server's side (C10.3). */
    csc__rnode_t *rec = NULL;
    bool server_changed = false, rgone = false;
    if (!(h->flags & CSC__F_TWIN)) {
        if (!load_key(s, &s->key, item))
            return CSC_E_OUTOFMEMORY;
        rec = csc__remote_find(cache, s->key.p, s->key.len);
        bool rfile = rec != NULL && rec->type == CSC_ITEM_FILE;
        if (created) {
            /* C10.3: changed only when the server now has a file of that
             * name; a directory there fails SyncOut (C15.19). */
            server_changed = rfile;
            if (!rfile)
                rec = NULL;
        } else if (!rfile) {
            server_changed = rgone = true;
            rec = NULL;
        } else {
            server_changed = rec->version != rec->orig;
        }
    } else if (dirty) {
        if (!load_key(s, &s->key, item))
            return CSC_E_OUTOFMEMORY;
    }

    if (!dirty && !server_changed) { /* C12.4: neither side */
        if (sparse && s->fill) {
            uint64_t size = csc__fstate_size(cache, item);
            csc_hresult hr = csc__space_make_room(cache, size, item, csc__parent(item));
            if (hr != CSC_S_OK)
                return hr;
            csc__fstate_fill(cache, item);
        }
        return CSC_S_OK;
    }
    if (dirty && !server_changed) { /* changed on the client only */
        if (!s->out)
            return CSC_S_OK;
        if (created && s->no_new_out)
            return CSC_S_OK;
        if (created) { /* C15.10: with its missing remote ancestors */
            if (!load_exact(s, &s->tmp, item, true))
                return CSC_E_OUTOFMEMORY;
            csc__rnode_t *made;
            csc_hresult hr =
                csc__remote_sync_create(cache, s->tmp.p, csc__fstate_size(cache, item), &made);
            if (hr != CSC_S_OK)
                return hr;
            made->last_change = cache->clock;
            made->orig = made->version;
            make_clean(cache, item);
            return CSC_S_OK;
        }
        return push_local(s, item);
    }
    if (!dirty) { /* changed on the server only */
        if (!s->in)
            return CSC_S_OK;
        return rgone ? leave(s, item) : take_remote(s, item, rec);
    }
    /* Changed on both sides. */
    if (!s->in && !s->out)
        return CSC_S_OK;
    if (deleted && rgone) /* C12.4, C15.10 */
        return leave(s, item);
    return conflict(s, item, rec, rgone);
}

/* ---- fetching below a container (C12.7, C15.20) ------------------------- */

static bool push_id(sync_t *s, uint32_t **v, size_t *n, size_t *cap, uint32_t id)
{
    if (*n == *cap) {
        size_t c = *cap != 0 ? *cap * 2 : 8;
        uint32_t *p = csc__malloc(&s->cache->alloc, c * sizeof *p);
        if (p == NULL) {
            s->out_of_memory = true;
            return false;
        }
        if (*v != NULL) {
            memcpy(p, *v, *n * sizeof *p);
            csc__free(&s->cache->alloc, *v, *cap * sizeof *p);
        }
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = id;
    return true;
}

/* Whether the container is in (or is) a subtree whose pending deep pin this
 * walk took. */
static bool in_region(const sync_t *s, uint32_t id)
{
    if (s->nregions == 0)
        return false;
    const csc_cache_t *cache = s->cache;
    for (;;) {
        for (size_t i = 0; i < s->nregions; i++)
            if (s->regions[i] == id)
                return true;
        const csc__hot_t *h = csc__hot_at(cache, id);
        if (h->type != CSC_ITEM_DIRECTORY)
            return false;
        id = h->parent;
    }
}

/* C15.20: the cached subtree is pinned for `src` as a deep Pin pins it
 * (C3.3: pins, and inherit bits on containers; touched, C5.4). */
static void deep_pin_subtree(sync_t *s, struct csc_item *top, uint16_t src)
{
    csc_cache_t *cache = s->cache;
    uint32_t top_id = csc__id(top);
    for (uint32_t id = top_id; id != CSC__NONE; id = csc__tree_next_in(cache, id, top_id, true)) {
        struct csc_item *it = csc__item_at(cache, id);
        uint16_t inherit = csc__inherit(it);
        if (csc__type(it) != CSC_ITEM_FILE)
            inherit |= src;
        csc__tree_set_pins(cache, it, (uint16_t)(csc__pins(it) | src), inherit);
        it->last_use = cache->clock;
        csc__evict_update(cache, it);
    }
}

/* A remote child that could not be fetched: a failing item given after the
 * container's own events [decision]. */
static void note_failed(sync_t *s, const struct csc_item *container, const csc__rnode_t *r,
                        csc_hresult hr)
{
    if (s->ctl.progress == NULL)
        return;
    if (s->nfailed == s->failed_cap) {
        size_t c = s->failed_cap != 0 ? s->failed_cap * 2 : 4;
        char **p = csc__malloc(&s->cache->alloc, c * sizeof *p);
        csc_hresult *q = csc__malloc(&s->cache->alloc, c * sizeof *q);
        if (p == NULL || q == NULL) {
            if (p != NULL)
                csc__free(&s->cache->alloc, p, c * sizeof *p);
            if (q != NULL)
                csc__free(&s->cache->alloc, q, c * sizeof *q);
            s->out_of_memory = true;
            return;
        }
        if (s->failed_paths != NULL) {
            memcpy(p, s->failed_paths, s->nfailed * sizeof *p);
            memcpy(q, s->failed_hrs, s->nfailed * sizeof *q);
            csc__free(&s->cache->alloc, s->failed_paths, s->failed_cap * sizeof *p);
            csc__free(&s->cache->alloc, s->failed_hrs, s->failed_cap * sizeof *q);
        }
        s->failed_paths = p;
        s->failed_hrs = q;
        s->failed_cap = c;
    }
    size_t plen = csc__item_path_len(container);
    const char *name = csc__rnode_name(r);
    size_t nlen = strlen(name);
    char *path = csc__malloc(&s->cache->alloc, plen + 1 + nlen + 1);
    if (path == NULL) {
        s->out_of_memory = true;
        return;
    }
    csc_item_path(container, path, plen + 1);
    path[plen] = '\\';
    memcpy(path + plen + 1, name, nlen + 1);
    s->failed_paths[s->nfailed] = path;
    s->failed_hrs[s->nfailed++] = hr;
}

/*
 * C12.7, C15.20: with SyncIn, a container whose pending deep pin is taken
 * here (its subtree pinned, then fetched), or below one taken, or with
 * PinNewFiles and an inherit bit, gets its uncached remote children cached
 * (full: SyncIn fills), pinned by C3.3 (and PinNewFiles' PinFor* pins,
 * C15.13); the walk then meets them in walk order. Only in a scope that is
 * online and not NOCACHING (C10.8) [decision: a pending deep pin waits for
 * such a Synchronize].
 */
static void fetch_below(sync_t *s, struct csc_item *container)
{
    csc_cache_t *cache = s->cache;
    if (!load_key(s, &s->tmp, container))
        return;
    size_t share_len = 2;
    int seps = 0;
    while (share_len < s->tmp.len && !(s->tmp.p[share_len] == '\\' && ++seps == 2))
        share_len++;
    if (csc__fetch_scope(cache, s->tmp.p, share_len) != CSC__FETCH_ALLOWED)
        return;
    uint32_t id = csc__id(container);
    uint16_t src = 0;
    if (csc__pending_pin_get(cache, container) != 0 &&
        csc__pending_pin_take(cache, container, &src)) {
        if (!push_id(s, &s->regions, &s->nregions, &s->regions_cap, id))
            return;
        deep_pin_subtree(s, container, src);
    }
    bool region = in_region(s, id);
    bool pnf = s->pin_new && csc__hot(container)->inherit != 0;
    if (!region && !pnf)
        return;
    uint16_t extra = pnf ? s->pin_for : 0;
    csc__fetch_iter_t it;
    csc__fetch_iter_init(cache, container, &it);
    const csc__rnode_t *r;
    while ((r = csc__fetch_iter_next(&it)) != NULL) {
        struct csc_item *got;
        csc_hresult hr = csc__fetch_one(cache, container, r, true, extra, &got);
        if (hr == CSC_E_OUTOFMEMORY) {
            s->out_of_memory = true;
            return;
        }
        if (hr != CSC_S_OK)
            note_failed(s, container, r, hr);
        if (s->out_of_memory)
            return;
    }
}

static csc_hresult apply(sync_t *s, struct csc_item *item)
{
    csc_hresult fhr;
    if (s->fault_live && csc__fault_item(s->cache, s->fault_op, item, &fhr))
        return fhr;
    const csc__hot_t *h = csc__hot(item);
    if (h->type == CSC_ITEM_FILE)
        return apply_file(s, item);
    if (h->type == CSC_ITEM_SERVER)
        return CSC_S_OK; /* C15.11 */
    bool offline = scope_error(s, item);
    if (s->out_of_memory)
        return CSC_E_OUTOFMEMORY;
    if (offline)
        return E_CSCSHARE_OFFLINE;
    if (s->in && (s->pin_new || s->nregions != 0 || csc__pending_pin_count(s->cache) != 0)) {
        fetch_below(s, item);
        if (s->out_of_memory)
            return CSC_E_OUTOFMEMORY;
    }
    return CSC_S_OK; /* C12.2: containers transfer nothing */
}

/* ---- the walk (C12.2) -------------------------------------------------------- */

static bool is_done(const sync_t *s, uint32_t id)
{
    for (size_t i = 0; i < s->ndone; i++)
        if (s->done[i] == id)
            return true;
    return false;
}

static bool note_done(sync_t *s, uint32_t id)
{
    if (s->ndone == s->done_cap) {
        size_t cap = s->done_cap != 0 ? s->done_cap * 2 : 8;
        uint32_t *p = csc__malloc(&s->cache->alloc, cap * sizeof *p);
        if (p == NULL)
            return false;
        if (s->done != NULL) {
            memcpy(p, s->done, s->ndone * sizeof *p);
            csc__free(&s->cache->alloc, s->done, s->done_cap * sizeof *p);
        }
        s->done = p;
        s->done_cap = cap;
    }
    s->done[s->ndone++] = id;
    return true;
}

/*
 * C4.5's steps for one item: a cached `item`, or (NULL) a path that failed
 * with `failed_hr`, named as given. Stores the item's last result in
 * *result. false when the walk must stop. A KEEPALLCHANGES copy made here
 * follows as the next item.
 */
static bool process(sync_t *s, struct csc_item *item, const char *given, csc_hresult failed_hr,
                    csc_hresult *result)
{
    uint32_t pending_copy = CSC__NONE;
    for (;;) {
        if (!csc__walk_go_on(&s->ctl))
            return false;
        const char *path = given;
        size_t path_len = given != NULL ? strlen(given) : 0;
        if (item != NULL && s->ctl.progress != NULL) {
            if (!load_path(s, item))
                return false;
            path = s->path.p;
            path_len = s->path.len;
        }
        if (!csc__walk_item_begin(&s->ctl, path, path_len))
            return false;
        s->gone = false;
        s->copy_id = CSC__NONE;
        csc_hresult hr = item != NULL ? apply(s, item) : failed_hr;
        if (s->out_of_memory)
            return false;
        if (s->copy_id != CSC__NONE)
            pending_copy = s->copy_id;
        *result = hr;
        if (csc__walk_wants_result(&s->ctl) && item != NULL && !s->gone) {
            /* the path may be needed again */
            if (!load_path(s, item))
                return false;
            path = s->path.p;
            path_len = s->path.len;
        }
        csc_op_response_t r = csc__walk_item_result(&s->ctl, hr, path, path_len);
        if (s->gone)
            s->path_id = CSC__NONE; /* its id may be handed out again */
        if (s->ctl.cancelled)
            return false;
        /* An item that left has nothing left to retry: RETRY continues. */
        if (r == CSC_OP_RETRY && !s->gone)
            continue;
        break;
    }
    if (s->nfailed != 0) { /* remote children that could not be fetched, in order */
        size_t n = s->nfailed;
        bool go = true;
        s->nfailed = 0;
        for (size_t k = 0; k < n; k++) {
            char *path = s->failed_paths[k];
            csc_hresult ignored;
            if (go)
                go = process(s, NULL, path, s->failed_hrs[k], &ignored);
            csc__free(&s->cache->alloc, path, strlen(path) + 1);
        }
        if (!go)
            return false;
    }
    if (pending_copy != CSC__NONE) { /* C12.5: the copy is the next item */
        uint32_t copy = pending_copy;
        if (!note_done(s, copy)) {
            s->out_of_memory = true;
            return false;
        }
        csc_hresult ignored;
        return process(s, csc__item_at(s->cache, copy), NULL, 0, &ignored);
    }
    return true;
}

static inline csc__hot_t *hot_next(const csc_cache_t *cache, csc__hot_t *h, uint32_t id,
                                   uint32_t next)
{
    if (SYNC_LIKELY(next == id + 1u && (next & (CSC__SLAB_ITEMS - 1u)) != 0))
        return h + 1;
    return csc__hot_at(cache, next);
}

/* C13.3: the item is a suspension root or below one (files never are
 * roots; their bit of that value is CSC__F_XSTATE). */
static bool suspended(const csc_cache_t *cache, uint32_t id)
{
    const csc__hot_t *h = csc__hot_at(cache, id);
    if (h->type == CSC_ITEM_FILE) {
        id = h->parent;
        h = csc__hot_at(cache, id);
    }
    while (h->type == CSC_ITEM_SHARE || h->type == CSC_ITEM_DIRECTORY) {
        if (h->flags & CSC__F_SUSPEND_ROOT)
            return true;
        h = csc__hot_at(cache, h->parent);
    }
    return false;
}

static void walk_path(sync_t *s, struct csc_item *top, csc_hresult *result)
{
    csc_cache_t *cache = s->cache;
    s->fault_live = s->fault_armed && csc__fault_path_live(cache, s->fault_op, top);
    s->fast = s->ctl.progress == NULL && !s->ctl.has_cancel && !s->fault_live;
    uint32_t top_id = csc__id(top);
    /* C12.2: with SkipSuspendedDirs, suspended items get no events. */
    if (s->skip_suspended && suspended(cache, top_id))
        return;
    bool top_file = csc__hot(top)->type == CSC_ITEM_FILE;
    if (!process(s, top, NULL, 0, result) || top_file)
        return;
    uint32_t id = csc__tree_next_in(cache, top_id, top_id, true);
    while (id != CSC__NONE) {
        csc__hot_t *h = csc__hot_at(cache, id);
        if (s->fast) { /* a run of files in sync by construction */
            while (h->type == CSC_ITEM_FILE && (h->flags & CLEAN_MASK) == CSC__F_TWIN &&
                   h->next_sibling != CSC__NONE) {
                uint32_t n = h->next_sibling;
                h = hot_next(cache, h, id, n);
                id = n;
            }
            if (h->type == CSC_ITEM_FILE && (h->flags & CLEAN_MASK) == CSC__F_TWIN) {
                id = csc__tree_next_in(cache, id, top_id, false);
                continue;
            }
        }
        bool file = h->type == CSC_ITEM_FILE;
        if ((s->ndone != 0 && is_done(s, id)) ||
            (!file && s->skip_suspended && (h->flags & CSC__F_SUSPEND_ROOT))) {
            id = csc__tree_next_in(cache, id, top_id, false);
            continue;
        }
        /* A file may leave under the walk: its successor first. */
        uint32_t next = file ? csc__tree_next_in(cache, id, top_id, false) : CSC__NONE;
        csc_hresult ignored;
        if (!process(s, csc__item_at(cache, id), NULL, 0, &ignored))
            return;
        id = file ? next : csc__tree_next_in(cache, id, top_id, true);
    }
}

/* ---- the call ----------------------------------------------------------------- */

csc_hresult csc__sync_validate(const char *const *paths, size_t count, uint32_t flags,
                               const csc_sync_options_t *options, const csc_progress_t *progress)
{
    if (count == 0 || paths == NULL)
        return CSC_E_INVALIDARG;
    for (size_t i = 0; i < count; i++)
        if (paths[i] == NULL)
            return CSC_E_INVALIDARG;
    if ((flags & ~CSC_SYNC_FLAGS_VALID) != 0 || (flags >> 28) > 3u)
        return CSC_E_INVALIDARG; /* C12.1 */
    if (options != NULL && options->version > CSC_SYNC_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;
    if (progress != NULL && progress->version > CSC_PROGRESS_VERSION)
        return CSC_E_INVALIDARG;
    return CSC_S_OK;
}

static void sync_init(sync_t *s, csc_cache_t *cache, uint32_t flags,
                      const csc_sync_options_t *options, const csc_progress_t *progress,
                      csc_cancel_t *cancel, csc_cancel_t *cancel2, bool ignore_answers)
{
    memset(s, 0, sizeof *s);
    s->cache = cache;
    csc__walk_ctl_init(&s->ctl, progress, cancel, cancel2, ignore_answers);
    s->options = options != NULL && options->resolve_conflict != NULL ? options : NULL;
    s->flags = flags;
    s->in = (flags & CSC_SYNC_FLAG_SYNC_IN) != 0;
    s->out = (flags & CSC_SYNC_FLAG_SYNC_OUT) != 0;
    s->fill = (flags & (CSC_SYNC_FLAG_FILL_SPARSE | CSC_SYNC_FLAG_SYNC_IN)) != 0; /* C12.1 */
    s->skip_suspended = (flags & CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS) != 0;
    s->background = (flags & CSC_SYNC_FLAG_BACKGROUND) != 0;
    s->no_new_out = (flags & CSC_SYNC_FLAG_NO_NEW_FILES_OUT) != 0;
    s->cr = (uint8_t)(flags >> 28);
    s->fault_op = CSC_FAULT_OP_SYNCHRONIZE;
    s->fault_armed = csc__fault_armed(cache->faults, s->fault_op);
    s->path_id = CSC__NONE;
    s->scope_id = CSC__NONE;
    s->pin_new = (flags & CSC_SYNC_FLAG_PIN_NEW_FILES) != 0 && s->in; /* C12.7 */
    s->pin_for = (uint16_t)(flags & CSC_PIN_SOURCES_ALL);
}

static void sync_free(sync_t *s)
{
    buf_free(s, &s->path);
    buf_free(s, &s->key);
    buf_free(s, &s->tmp);
    if (s->done != NULL)
        csc__free(&s->cache->alloc, s->done, s->done_cap * sizeof *s->done);
    if (s->regions != NULL)
        csc__free(&s->cache->alloc, s->regions, s->regions_cap * sizeof *s->regions);
    for (size_t i = 0; i < s->nfailed; i++)
        csc__free(&s->cache->alloc, s->failed_paths[i], strlen(s->failed_paths[i]) + 1);
    if (s->failed_paths != NULL) {
        csc__free(&s->cache->alloc, s->failed_paths, s->failed_cap * sizeof *s->failed_paths);
        csc__free(&s->cache->alloc, s->failed_hrs, s->failed_cap * sizeof *s->failed_hrs);
    }
}

csc_hresult csc__sync_run(csc_cache_t *cache, const char *const *paths, size_t count,
                          uint32_t flags, const csc_sync_options_t *options,
                          const csc_progress_t *progress, csc_cancel_t *cancel,
                          csc_cancel_t *cancel2, bool ignore_answers)
{
    sync_t s;
    sync_init(&s, cache, flags, options, progress, cancel, cancel2, ignore_answers);
    if (cache->faults != NULL) { /* a fault of the whole call: before any event */
        csc_hresult fhr = csc__fault_call(cache, s.fault_op, paths, count);
        if (fhr != CSC_S_OK)
            return fhr;
    }
    /* C4.7: does the single path name a file, or is it invalid or uncached? */
    bool single_result = false;
    struct csc_item *item = NULL;
    csc_hresult hr = CSC_S_OK;
    if (count == 1) {
        hr = csc__tree_find(cache, paths[0], &item);
        if (hr == CSC_E_OUTOFMEMORY)
            return hr; /* C8.1: nothing happened yet, no event */
        single_result = CSC_FAILED(hr) || csc__type(item) == CSC_ITEM_FILE;
    }
    csc__walk_begin_event(&s.ctl);
    csc_hresult last = CSC_S_OK;
    for (size_t i = 0; i < count && !s.ctl.cancelled && !s.out_of_memory; i++) {
        if (count != 1)
            hr = csc__tree_find(cache, paths[i], &item);
        if (hr == CSC_E_OUTOFMEMORY) {
            s.out_of_memory = true;
            break;
        }
        if (CSC_FAILED(hr)) /* C12.2: an invalid or uncached path, one failing item */
            process(&s, NULL, paths[i], hr, &last);
        else
            walk_path(&s, item, &last);
    }
    csc_hresult end = csc__walk_end_event(&s.ctl, s.out_of_memory);
    sync_free(&s);
    if (end != CSC_S_OK)
        return end;
    return single_result ? last : CSC_S_OK;
}

csc_hresult csc__sync_call(csc_cache_t *cache, const char *const *paths, size_t count,
                           uint32_t flags, const csc_sync_options_t *options,
                           const csc_progress_t *progress, csc_cancel_t *cancel)
{
    /* C13.1: refused before validation while the feature is not active,
     * and no eviction pass follows (C15.3). */
    csc_hresult hr = csc__active_check(cache);
    if (hr != CSC_S_OK)
        return hr;
    hr = csc__sync_validate(paths, count, flags, options, progress);
    if (hr == CSC_S_OK)
        hr = csc__sync_run(cache, paths, count, flags, options, progress, cancel, NULL,
                           (flags & CSC_SYNC_FLAG_ASYNC_PROGRESS) != 0);
    csc__policy_after(cache); /* C15.3: even after a rejected call */
    return hr;
}

csc_hresult csc_synchronize_ex(csc_cache_t *cache, const char *const *paths, size_t count,
                               uint32_t flags, const csc_sync_options_t *options,
                               const csc_progress_t *progress, csc_cancel_t *cancel)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        if (CSC__RECORDING(cache))
            hr = csc__rec_sync(cache, paths, count, flags, options, progress, cancel);
        else
            hr = csc__sync_call(cache, paths, count, flags, options, progress, cancel);
        csc__leave(cache);
    }
    return hr;
}

csc_hresult csc_synchronize(csc_cache_t *cache, const char *const *paths, size_t count,
                            uint32_t flags, const csc_progress_t *progress, csc_cancel_t *cancel)
{
    return csc_synchronize_ex(cache, paths, count, flags, NULL, progress, cancel);
}

/* ---- the service (C10.10) and conflicts' lifetime (C15.12) --------------------- */

void csc__sync_service(csc_cache_t *cache, struct csc_item *scope)
{
    if (!cache->feature_active || scope == NULL)
        return;
    /* [decision] The service's synchronization is not an explicit one:
     * suspended trees are left alone (C12.2: only "an explicit Synchronize
     * processes them"), as with SkipSuspendedDirs. */
    sync_t s;
    sync_init(&s, cache,
              CSC_SYNC_FLAG_SYNC_IN | CSC_SYNC_FLAG_SYNC_OUT | CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS,
              NULL, NULL, NULL, NULL, true);
    csc_hresult ignored;
    walk_path(&s, scope, &ignored);
    sync_free(&s);
    csc__policy_after(cache);
}

void csc__sync_server_changed(csc_cache_t *cache, const char *key, size_t key_len)
{
    if (csc__fstate_count(cache) == 0)
        return;
    struct csc_item *top = csc__tree_find_key(cache, key, key_len);
    if (top == NULL)
        return;
    uint32_t top_id = csc__id(top);
    for (uint32_t id = top_id; id != CSC__NONE; id = csc__tree_next_in(cache, id, top_id, true)) {
        struct csc_item *it = csc__item_at(cache, id);
        csc__fstate_t *fs = csc__fstate_get(cache, it);
        if (fs != NULL && fs->conflict != 0) {
            fs->conflict = 0;
            fs->conflict_version = 0;
            csc__fstate_settle(cache, it);
        }
    }
}
