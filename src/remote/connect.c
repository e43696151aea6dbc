/*
 * src/remote/connect.c: connectivity (contract C10.4-C10.10, C15.5-C15.7,
 * C16.9). It owns the records of servers (the network condition the
 * embedder sets, and how many times it became slow) and of shares, which are
 * the scopes (the forced mark of TransitionOffline, the slow override of
 * TransitionOnline, the caching mode a cached share remembers), and the
 * calls that read and change them: a path's connect state computed in the
 * order of C10.5 by two table lookups (the server's record, the share's
 * record and remote item; never a walk), TransitionOffline,
 * TransitionOnline and IsPathCacheable. Records live in their own keyed
 * table (hash.h), apart from the remote items, and outlive them.
 *
 * An item online by its scope reports the item reasons of C10.5
 * (ITEM_SUSPENDED, then ITEM_VERSION_CONFLICT; C15.8 for uncached paths);
 * applications' non-cached handles (apps.c) make TransitionOffline answer
 * OpenFiles TRUE or are closed by Force, and a server going down closes its
 * own (C10.9, C10.11, C15.6).
 *
 * When a scope comes online (TransitionOnline, its server's condition), the
 * service's synchronization runs (src/remote/sync.c, C10.10).
 */
#include <string.h>

#include "alloc.h"
#include "guard.h"
#include "record.h"
#include "fstate.h"
#include "remote.h"
#include "sync.h"

/* ---- records ----------------------------------------------------------- */

csc__scope_t *csc__scope_find(const csc_cache_t *cache, const char *key, size_t key_len)
{
    if (cache->remote == NULL)
        return NULL;
    return (csc__scope_t *)csc__htable_find(&cache->remote->scopes, key, key_len);
}

csc__scope_t *csc__scope_make(csc_cache_t *cache, const char *key, size_t key_len, bool is_share)
{
    size_t size = sizeof(csc__scope_t) + key_len + 1;
    csc__scope_t *s = csc__malloc(&cache->alloc, size);
    if (s == NULL)
        return NULL;
    memset(s, 0, sizeof *s);
    memcpy(s->key, key, key_len);
    s->key[key_len] = '\0';
    s->key_len = (uint32_t)key_len;
    s->alloc_size = (uint32_t)size;
    s->is_share = is_share;
    s->condition = CSC_NETWORK_UP;
    if (!csc__htable_add(&cache->remote->scopes, &s->h, s->key, key_len)) {
        csc__free(&cache->alloc, s, size);
        return NULL;
    }
    return s;
}

void csc__scope_unmake(csc_cache_t *cache, csc__scope_t *scope)
{
    csc__htable_remove(&cache->remote->scopes, &scope->h);
    csc__free(&cache->alloc, scope, scope->alloc_size);
}

csc_network_t csc__server_condition(const csc_cache_t *cache, const char *key, size_t len)
{
    const csc__scope_t *s = csc__scope_find(cache, key, len);
    return s != NULL ? (csc_network_t)s->condition : CSC_NETWORK_UP; /* C10.5: up by default */
}

void csc__connect_share_seen(csc_cache_t *cache, const csc__rnode_t *share)
{
    csc__scope_t *s = csc__scope_find(cache, share->key, share->key_len);
    if (s == NULL)
        return;
    size_t server_len = share->parent != NULL ? share->parent->key_len : 0;
    if (csc__server_condition(cache, share->key, server_len) == CSC_NETWORK_DOWN)
        return;
    s->mode = share->mode;
    s->has_mode = true;
}

/* ---- the state of C10.5 -------------------------------------------------- */

/* Key lengths of the server and share of a normalised path (share 0 for a
 * server path). */
static void scope_keys(const csc__path_buf_t *pb, size_t *server_len, size_t *share_len)
{
    *server_len = csc__rpath_key_prefix(pb, 1);
    *share_len = pb->ncomp >= 2 ? csc__rpath_key_prefix(pb, 2) : 0;
}

/*
 * C10.5, steps 1-4, for the scope (share) key[0..share_len) of the server
 * key[0..server_len). O(1): the server's record, the share's record and the
 * remote share, each one lookup.
 */
static void scope_state(const csc_cache_t *cache, const char *key, size_t server_len,
                        size_t share_len, csc_connect_state_t *state,
                        csc_offline_reason_t *reason)
{
    const csc__scope_t *server = csc__scope_find(cache, key, server_len);
    const csc__scope_t *share = csc__scope_find(cache, key, share_len);
    csc_network_t cond = server != NULL ? (csc_network_t)server->condition : CSC_NETWORK_UP;
    *state = CSC_CONNECT_STATE_OFFLINE;
    if (cond == CSC_NETWORK_DOWN || csc__remote_find(cache, key, share_len) == NULL)
        *reason = CSC_OFFLINE_REASON_CONNECTION_ERROR; /* 1 */
    else if (share != NULL && share->forced)
        *reason = CSC_OFFLINE_REASON_CONNECTION_FORCED; /* 2 */
    else if (cond == CSC_NETWORK_SLOW &&
             !(share != NULL && share->has_override && share->override_epoch == server->slow_epoch))
        *reason = CSC_OFFLINE_REASON_CONNECTION_SLOW; /* 3 */
    else {
        *state = CSC_CONNECT_STATE_ONLINE; /* 4 */
        *reason = CSC_OFFLINE_REASON_NOT_APPLICABLE;
    }
}

/*
 * C10.5, last paragraph: an item online by its scope reports OFFLINE with
 * ITEM_SUSPENDED (6) when it is in a suspended tree (C13.3), then with
 * ITEM_VERSION_CONFLICT (5) when it has an unresolved conflict (C12.6). A
 * path not cached is in a suspended tree when its closest cached ancestor is
 * (C15.8: a suspension root above it). One index lookup per component.
 */
static void item_state(const csc_cache_t *cache, const char *key, size_t key_len,
                       csc_connect_state_t *state, csc_offline_reason_t *reason)
{
    const struct csc_item *it = cache->root;
    size_t pos = 2;
    bool whole = false;
    while (pos <= key_len) {
        size_t end = pos;
        while (end < key_len && key[end] != '\\')
            end++;
        const struct csc_item *c =
            csc__index_find(&cache->index, csc__id(it), key + pos, end - pos);
        if (c == NULL)
            break;
        it = c;
        whole = end == key_len;
        pos = end + 1;
    }
    if (it == cache->root)
        return;
    if (csc__suspended(it)) {
        *state = CSC_CONNECT_STATE_OFFLINE;
        *reason = CSC_OFFLINE_REASON_ITEM_SUSPENDED;
    } else if (whole && csc__type(it) == CSC_ITEM_FILE) {
        const csc__fstate_t *fs = csc__fstate_get(cache, it);
        if (fs != NULL && fs->conflict != 0) {
            *state = CSC_CONNECT_STATE_OFFLINE;
            *reason = CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT;
        }
    }
}

void csc__connect_key_state(const csc_cache_t *cache, const char *key, size_t key_len,
                            csc_connect_state_t *state, csc_offline_reason_t *reason)
{
    /* The server is the first component, the share the first two. */
    size_t server_len = 2;
    while (server_len < key_len && key[server_len] != '\\')
        server_len++;
    size_t share_len = 0;
    if (server_len < key_len) {
        share_len = server_len + 1;
        while (share_len < key_len && key[share_len] != '\\')
            share_len++;
    }
    if (share_len == 0) { /* a server: online unless down (C10.5, C16.9) */
        bool down = csc__server_condition(cache, key, server_len) == CSC_NETWORK_DOWN;
        *state = down ? CSC_CONNECT_STATE_OFFLINE : CSC_CONNECT_STATE_ONLINE;
        *reason = down ? CSC_OFFLINE_REASON_CONNECTION_ERROR : CSC_OFFLINE_REASON_NOT_APPLICABLE;
        return;
    }
    scope_state(cache, key, server_len, share_len, state, reason);
    if (*state == CSC_CONNECT_STATE_ONLINE)
        item_state(cache, key, key_len, state, reason);
}

/* The connect state of a cached share of the server whose key is `len`
 * bytes (offline_shares, service_after): its key is loaded into *k, of
 * *kcap bytes, grown as needed. false when out of memory. */
static bool share_state(csc_cache_t *cache, const struct csc_item *share, size_t len, char **k,
                        size_t *kcap, csc_connect_state_t *st)
{
    size_t klen = csc__item_key_len(share);
    if (klen + 1 > *kcap) {
        if (*k != NULL)
            csc__free(&cache->alloc, *k, *kcap);
        *kcap = klen + 1;
        *k = csc__malloc(&cache->alloc, *kcap);
        if (*k == NULL)
            return false;
    }
    csc__item_key(share, *k, klen);
    csc_offline_reason_t why;
    scope_state(cache, *k, len, klen, st, &why);
    return true;
}

/* C10.10: the cached shares of the server key[0..len) that are not online
 * now, by id, for service_after (NULL and 0 when none or out of memory:
 * the service's sync is then skipped). */
static uint32_t *offline_shares(csc_cache_t *cache, const char *key, size_t len, size_t *n)
{
    *n = 0;
    const struct csc_item *server = csc__tree_find_key(cache, key, len);
    if (server == NULL || !cache->feature_active)
        return NULL;
    size_t count = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(server)); id != CSC__NONE;
         id = csc__hot_at(cache, id)->next_sibling)
        count++;
    if (count == 0)
        return NULL;
    uint32_t *ids = csc__malloc(&cache->alloc, count * sizeof *ids);
    if (ids == NULL)
        return NULL;
    char *k = NULL;
    size_t kcap = 0;
    for (uint32_t id = csc__hot_first_child(csc__hot(server)); id != CSC__NONE;
         id = csc__hot_at(cache, id)->next_sibling) {
        csc_connect_state_t st;
        if (!share_state(cache, csc__item_at(cache, id), len, &k, &kcap, &st))
            break;
        if (st != CSC_CONNECT_STATE_ONLINE)
            ids[(*n)++] = id;
    }
    if (k != NULL)
        csc__free(&cache->alloc, k, kcap);
    if (*n == 0) {
        csc__free(&cache->alloc, ids, count * sizeof *ids);
        return NULL;
    }
    return ids;
}

/* C10.10: each share of `ids` that is online now gets the service's
 * Synchronize; frees `ids`. */
static void service_after(csc_cache_t *cache, size_t len, uint32_t *ids, size_t n)
{
    if (ids == NULL)
        return;
    char *k = NULL;
    size_t kcap = 0;
    for (size_t i = 0; i < n; i++) {
        struct csc_item *share = csc__item_at(cache, ids[i]);
        csc_connect_state_t st;
        if (!share_state(cache, share, len, &k, &kcap, &st))
            break;
        if (st == CSC_CONNECT_STATE_ONLINE)
            csc__sync_service(cache, share);
    }
    if (k != NULL)
        csc__free(&cache->alloc, k, kcap);
    csc__free(&cache->alloc, ids, n * sizeof *ids);
}

csc_hresult csc_connect_state(const csc_cache_t *cache, const char *path,
                              csc_connect_state_t *state, csc_offline_reason_t *reason)
{
    if (state == NULL)
        return CSC_E_POINTER;
    *state = CSC_CONNECT_STATE_UNKNOWN;
    if (reason != NULL)
        *reason = CSC_OFFLINE_REASON_UNKNOWN;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    /* An item's state (ConnectionInfo, C13.5), read like the other getters
     * while the feature is not active: checks still work (C15.14). */
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr == CSC_S_OK) {
        csc_offline_reason_t r;
        csc__connect_key_state(cache, pb.key, pb.key_len, state, &r);
        if (reason != NULL)
            *reason = r;
    }
    csc__path_buf_release(&cache->alloc, &pb);
    csc__leave(cache);
    return hr;
}

/* ---- network conditions (C10.5, C15.5) ------------------------------------ */

/* Normalises a server path: E_INVALIDARG for a longer one (C15.5, C15.19),
 * 0x80070002 for a server neither cached nor remote. */
static csc_hresult server_path(const csc_cache_t *cache, const char *server, csc__path_buf_t *pb)
{
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, server, pb);
    if (hr != CSC_S_OK)
        return hr;
    if (pb->ncomp != 1)
        return CSC_E_INVALIDARG;
    if (csc__tree_find_key(cache, pb->key, pb->key_len) == NULL &&
        csc__remote_find(cache, pb->key, pb->key_len) == NULL)
        return CSC_E_FILE_NOT_FOUND;
    return CSC_S_OK;
}

/* C15.7: the server came back from down, so each of its remote shares that
 * has a record is seen again. O(shares of the server). */
static void server_seen(csc_cache_t *cache, const char *key, size_t len)
{
    const csc__rnode_t *server = csc__remote_find(cache, key, len);
    for (const csc__rnode_t *s = server != NULL ? server->first_child : NULL; s != NULL;
         s = s->next_sibling)
        csc__connect_share_seen(cache, s);
}

csc_hresult csc_remote_set_network(csc_cache_t *cache, const char *server, csc_network_t condition)
{
    if (cache == NULL || server == NULL)
        return CSC_E_POINTER;
    if (condition != CSC_NETWORK_UP && condition != CSC_NETWORK_DOWN &&
        condition != CSC_NETWORK_SLOW)
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    hr = server_path(cache, server, &pb);
    if (hr == CSC_S_OK) {
        csc__scope_t *s = csc__scope_find(cache, pb.key, pb.key_len);
        csc_network_t old = s != NULL ? (csc_network_t)s->condition : CSC_NETWORK_UP;
        if (old != condition && s == NULL) {
            s = csc__scope_make(cache, pb.key, pb.key_len, false);
            if (s == NULL)
                hr = CSC_E_OUTOFMEMORY;
        }
        if (hr == CSC_S_OK && old != condition) { /* the same condition changes nothing */
            size_t n_off = 0;
            uint32_t *off = condition == CSC_NETWORK_DOWN
                                ? NULL
                                : offline_shares(cache, pb.key, pb.key_len, &n_off);
            s->condition = (uint8_t)condition;
            if (condition == CSC_NETWORK_SLOW)
                s->slow_epoch++; /* earlier TransitionOnline overrides lapse (C10.5) */
            if (old == CSC_NETWORK_DOWN)
                server_seen(cache, pb.key, pb.key_len);
            if (condition == CSC_NETWORK_DOWN) /* C10.11, C11.6 */
                csc__apps_close_below(cache, pb.key, pb.key_len);
            /* C10.10: each scope of the server that this change brings
             * online gets the service's Synchronize(scope, SyncIn|SyncOut)
             * and the eviction pass of C5.5. */
            service_after(cache, pb.key_len, off, n_off);
        }
    }
    csc__path_buf_release(&cache->alloc, &pb);
    if (CSC__RECORDING(cache))
        csc__rec_network(cache, server, (int)condition, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_remote_network(const csc_cache_t *cache, const char *server,
                               csc_network_t *condition)
{
    if (condition == NULL)
        return CSC_E_POINTER;
    *condition = CSC_NETWORK_UP;
    if (cache == NULL || server == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    hr = server_path(cache, server, &pb);
    if (hr == CSC_S_OK)
        *condition = csc__server_condition(cache, pb.key, pb.key_len);
    csc__path_buf_release(&cache->alloc, &pb);
    csc__leave(cache);
    return hr;
}

/* ---- TransitionOffline / TransitionOnline (C10.9, C10.10) ----------------- */

/*
 * The validation C10.9 gives both transitions, after the flags: the path's
 * share key; 0x8007007B, E_INVALIDARG for a server path (C15.5), 0x80070002
 * for a share neither cached nor on the remote side.
 */
static csc_hresult transition_scope(const csc_cache_t *cache, const char *path, csc__path_buf_t *pb,
                                    size_t *server_len, size_t *share_len)
{
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, pb);
    if (hr != CSC_S_OK)
        return hr;
    if (pb->ncomp < 2)
        return CSC_E_INVALIDARG;
    scope_keys(pb, server_len, share_len);
    if (csc__tree_find_key(cache, pb->key, *share_len) == NULL &&
        csc__remote_find(cache, pb->key, *share_len) == NULL)
        return CSC_E_FILE_NOT_FOUND;
    return CSC_S_OK;
}

#define TRANSITION_FLAGS (CSC_TRANSITION_FLAG_INTERACTIVE | CSC_TRANSITION_FLAG_CONSOLE)

/*
 * Enters the guard for a transition (C14.5, C6.6), then refuses, before
 * validation, while the feature is not active (C13.1), then flags other
 * than Interactive and Console (C10.9, C10.10). On S_OK the caller leaves.
 */
static csc_hresult transition_enter(csc_cache_t *cache, uint32_t flags)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = csc__active_check(cache);
    if (hr == CSC_S_OK && (flags & ~TRANSITION_FLAGS) != 0)
        hr = CSC_E_INVALIDARG;
    if (hr != CSC_S_OK)
        csc__leave(cache);
    return hr;
}

csc_hresult csc_transition_offline(csc_cache_t *cache, const char *path, bool force,
                                   uint32_t flags, bool *open_files)
{
    if (open_files == NULL)
        return CSC_E_POINTER;
    *open_files = false;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = transition_enter(cache, flags);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    size_t server_len, share_len;
    hr = transition_scope(cache, path, &pb, &server_len, &share_len);
    if (hr == CSC_S_OK) {
        /* C10.9, C15.6: applications' non-cached handles of an online
         * scope without Force: nothing changes, OpenFiles TRUE. Otherwise
         * Force closes them (C11.6), also in a scope already offline. */
        csc_connect_state_t st;
        csc_offline_reason_t why;
        scope_state(cache, pb.key, server_len, share_len, &st, &why);
        bool handles = csc__apps_handles_below(cache, pb.key, share_len) != 0;
        if (handles && !force && st == CSC_CONNECT_STATE_ONLINE) {
            *open_files = true;
        } else {
            csc__scope_t *s = csc__scope_find(cache, pb.key, share_len);
            if (s == NULL) {
                s = csc__scope_make(cache, pb.key, share_len, true);
                if (s == NULL)
                    hr = CSC_E_OUTOFMEMORY;
            }
            if (hr == CSC_S_OK) {
                if (force)
                    csc__apps_close_below(cache, pb.key, share_len);
                s->forced = true; /* C10.9: already offline: marked forced as well */
            }
        }
    }
    csc__path_buf_release(&cache->alloc, &pb);
    if (CSC__RECORDING(cache))
        csc__rec_transition(cache, true, path, force, flags, *open_files, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_transition_online(csc_cache_t *cache, const char *path, uint32_t flags)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = transition_enter(cache, flags);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    size_t server_len, share_len;
    hr = transition_scope(cache, path, &pb, &server_len, &share_len);
    if (hr == CSC_S_OK) {
        csc_connect_state_t before, after;
        csc_offline_reason_t why;
        scope_state(cache, pb.key, server_len, share_len, &before, &why);
        const csc__scope_t *server = csc__scope_find(cache, pb.key, server_len);
        bool slow = server != NULL && server->condition == CSC_NETWORK_SLOW;
        csc__scope_t *s = csc__scope_find(cache, pb.key, share_len);
        if (s == NULL && slow) { /* the override must be remembered */
            s = csc__scope_make(cache, pb.key, share_len, true);
            if (s == NULL)
                hr = CSC_E_OUTOFMEMORY;
        }
        if (hr == CSC_S_OK && s != NULL) {
            s->forced = false;
            /* C10.5 step 3: overrides the slow condition until the server
             * next becomes slow. While it is not slow nothing needs
             * remembering: the next slow starts a new epoch anyway. */
            s->has_override = slow;
            s->override_epoch = slow ? server->slow_epoch : 0;
        }
        if (hr == CSC_S_OK) {
            scope_state(cache, pb.key, server_len, share_len, &after, &why);
            if (after != CSC_CONNECT_STATE_ONLINE)
                hr = CSC_E_BAD_NETPATH; /* server down or share gone; the mark stays cleared */
            /* C10.10: when the scope became online here, the service runs
             * Synchronize(scope, SyncIn|SyncOut) with no handler and no
             * events, then the eviction pass of C5.5; not while the feature
             * is not active (C13.1, csc__sync_service). */
            if (hr == CSC_S_OK && before != CSC_CONNECT_STATE_ONLINE)
                csc__sync_service(cache, csc__tree_find_key(cache, pb.key, share_len));
        }
    }
    csc__path_buf_release(&cache->alloc, &pb);
    if (CSC__RECORDING(cache))
        csc__rec_transition(cache, false, path, false, flags, false, hr);
    csc__leave(cache);
    return hr;
}

/* ---- IsPathCacheable (C10.7, C15.7) -------------------------------------- */

csc_hresult csc_is_path_cacheable(const csc_cache_t *cache, const char *path, bool *cacheable,
                                  csc_caching_mode_t *mode)
{
    if (cacheable == NULL || mode == NULL)
        return CSC_E_POINTER;
    *cacheable = false;
    *mode = CSC_CACHING_MODE_NONE;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    hr = csc__active_check(cache); /* C13.1: a method of the cache */
    if (hr != CSC_S_OK) {
        csc__leave(cache);
        return hr;
    }
    csc__path_buf_t pb;
    hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr == CSC_S_OK && pb.ncomp >= 2) { /* a server path has no share: FALSE, NONE */
        size_t server_len, share_len;
        scope_keys(&pb, &server_len, &share_len);
        csc_caching_mode_t m = CSC_CACHING_MODE_NONE;
        const csc__rnode_t *share = csc__remote_find(cache, pb.key, share_len);
        if (share != NULL &&
            csc__server_condition(cache, pb.key, server_len) != CSC_NETWORK_DOWN) {
            m = (csc_caching_mode_t)share->mode;
        } else if (csc__tree_find_key(cache, pb.key, share_len) != NULL) {
            /* C10.6, C15.7: as the cached share item remembers it. */
            const csc__scope_t *s = csc__scope_find(cache, pb.key, share_len);
            if (s != NULL && s->has_mode)
                m = (csc_caching_mode_t)s->mode;
        }
        *mode = m;
        *cacheable = m != CSC_CACHING_MODE_NONE && m != CSC_CACHING_MODE_NOCACHING;
    }
    csc__path_buf_release(&cache->alloc, &pb);
    csc__leave(cache);
    return hr;
}
