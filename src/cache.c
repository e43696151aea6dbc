/*
 * src/cache.c: the cache handle's life cycle (create, close; csc_cache_free
 * is in async.c, since it may have to cancel an operation), its options,
 * its current caller (C9.1) and its virtual clock (C5.4), and the
 * embedder's ways of holding it across calls (csc_cache_lock, per-call
 * callers: C14.5). csc_cache_busy and csc_cache_close are declared in
 * cscsim/async.h, which is included here so their definitions see CSC_API
 * (issue 12, point 3). It also composes the cache's modules: the tree's
 * hooks (tree.h) point at eviction and access lists, which sit above it.
 */
#include <string.h>

#include "access.h"
#include "alloc.h"
#include "evict.h"
#include "fault.h"
#include "guard.h"
#include "path.h"
#include "record.h"
#include "tree.h"
#include "remote/remote.h"

#include "cscsim/async.h"
#include "cscsim/cache.h"

/* The modules above the tree, as the tree reaches them (tree.h): eviction
 * (C5.2-C5.7) and access lists (C9.1). */
const csc__tree_hooks_t csc__tree_hooks = {
    .refile = csc__evict_update_hot,
    .size_changed = csc__evict_size_changed,
    .reserve = csc__evict_reserve,
    .reorder = csc__evict_reorder,
    .release = csc__evict_free,
    .make_room = csc__space_make_room,
    .acl_free = csc__acl_free,
};

csc_hresult csc_cache_options_init(csc_cache_options_t *opts, unsigned int version)
{
    if (opts == NULL)
        return CSC_E_POINTER;
    if (version == 0 || version > CSC_CACHE_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;
    csc_cache_options_t init = CSC_CACHE_OPTIONS_INIT;
    *opts = init;
    opts->version = version;
    return CSC_S_OK;
}

csc_hresult csc_cache_new(csc_cache_t **out, const csc_cache_options_t *opts)
{
    csc_cache_options_t defaults = CSC_CACHE_OPTIONS_INIT;
    if (out == NULL)
        return CSC_E_POINTER;
    *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    if (opts->version == 0 || opts->version > CSC_CACHE_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;

    csc_allocator_t alloc = opts->allocator;
    csc__alloc_defaults(&alloc);
    csc_cache_t *cache = csc__malloc(&alloc, sizeof *cache);
    if (cache == NULL)
        return CSC_E_OUTOFMEMORY;
    memset(cache, 0, sizeof *cache);
    atomic_init(&cache->busy, false);
    cache->alloc = alloc;
    cache->index.alloc = &cache->alloc;
    cache->limit = CSC_SPACE_UNLIMITED;
    cache->unpinned_limit = CSC_SPACE_UNLIMITED;
    cache->policy = CSC_EVICT_MANUAL;
    cache->feature_enabled = true; /* C13.1: both TRUE by default */
    cache->feature_active = true;
    if (!csc__guard_init(&cache->guard)) {
        csc__free(&alloc, cache, sizeof *cache);
        return CSC_E_OUTOFMEMORY;
    }

    csc_hresult hr = csc__caller_make(&cache->alloc, opts->user != NULL ? opts->user : "user",
                                      opts->admin, &cache->caller);
    if (hr == CSC_S_OK)
        hr = csc__tree_new_root(cache, &csc__tree_hooks);
    if (hr == CSC_S_OK)
        hr = csc__remote_new(cache); /* C10.1 */
    if (hr != CSC_S_OK) {
        csc__cache_destroy(cache);
        return hr;
    }
    *out = cache;
    return CSC_S_OK;
}

void csc__cache_destroy(csc_cache_t *cache)
{
    if (CSC__RECORDING(cache))
        csc__rec_free(cache);
    csc__tree_free_all(cache);
    csc__remote_free(cache);
    csc__methods_free(cache);
    csc__fault_free(cache);
    csc__caller_free(&cache->alloc, &cache->caller);
    csc__guard_destroy(&cache->guard);
    csc_allocator_t alloc = cache->alloc;
    csc__free(&alloc, cache, sizeof *cache);
}

csc_hresult csc_cache_close(csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_S_OK;
    /* Not while an operation runs (C6.6), nor from inside a callback of a
     * running call or while this thread holds the cache, which would free
     * it under the call or the hold (C14.5). */
    if (csc__cache_busy(cache) || csc__holds(cache))
        return CSC_E_BUSY;
    csc__cache_destroy(cache);
    return CSC_S_OK;
}

bool csc_cache_busy(const csc_cache_t *cache)
{
    return cache != NULL && csc__cache_busy(cache);
}

/* ---- callers (C9.1) --------------------------------------------------- */

csc_hresult csc__caller_make(const csc_allocator_t *alloc, const char *user, bool admin,
                             csc__caller_t *out)
{
    size_t len = strlen(user);
    if (len == 0 || !csc__utf8_valid(user, len))
        return CSC_E_INVALIDARG; /* before any allocation */
    csc__caller_t c = {0};
    c.name = csc__strndup(alloc, user, len);
    c.name_len = len;
    c.key_cap = CSC__PATH_KEY_CAP(len);
    c.key = csc__malloc(alloc, c.key_cap);
    c.admin = admin;
    csc_hresult hr = CSC_S_OK;
    if (c.name == NULL || c.key == NULL)
        hr = CSC_E_OUTOFMEMORY;
    else if (!csc__fold_utf8(user, len, c.key, &c.key_len))
        hr = CSC_E_INVALIDARG;
    if (hr != CSC_S_OK) {
        csc__caller_free(alloc, &c);
        return hr;
    }
    *out = c;
    return CSC_S_OK;
}

void csc__caller_free(const csc_allocator_t *alloc, csc__caller_t *caller)
{
    csc__free(alloc, caller->name, caller->name_len + 1);
    csc__free(alloc, caller->key, caller->key_cap);
    caller->name = caller->key = NULL;
}

csc_hresult csc_cache_set_caller(csc_cache_t *cache, const char *user, bool admin)
{
    if (cache == NULL || user == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__caller_t c;
    hr = csc__caller_make(&cache->alloc, user, admin, &c);
    if (hr == CSC_S_OK) { /* on failure the caller is unchanged */
        csc__caller_free(&cache->alloc, &cache->caller);
        cache->caller = c;
    }
    if (CSC__RECORDING(cache))
        csc__rec_caller(cache, user, admin, hr);
    csc__leave(cache);
    return hr;
}

const char *csc_cache_caller(const csc_cache_t *cache, bool *admin)
{
    if (cache == NULL)
        return NULL;
    csc__enter(cache, CSC__READ);
    if (admin != NULL)
        *admin = cache->caller.admin;
    const char *name = cache->caller.name;
    csc__leave(cache);
    return name;
}

/* ---- the embedder's holds (C14.5) -------------------------------------- */

csc_hresult csc_cache_lock(csc_cache_t *cache)
{
    return csc__hold(cache);
}

csc_hresult csc_cache_unlock(csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    if (!csc__holds(cache))
        return CSC_E_NOT_OWNER;
    csc__unhold(cache);
    return CSC_S_OK;
}

csc_hresult csc_cache_call_as(csc_cache_t *cache, const char *user, bool admin,
                              csc_call_fn fn, void *user_data)
{
    if (cache == NULL || user == NULL || fn == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__hold(cache);
    if (hr != CSC_S_OK)
        return hr;
    csc__caller_t temporary;
    hr = csc__caller_make(&cache->alloc, user, admin, &temporary);
    if (hr == CSC_S_OK) {
        csc__caller_t saved = cache->caller;
        cache->caller = temporary;
        if (CSC__RECORDING(cache))
            csc__rec_call_as(cache, true);
        hr = fn(cache, user_data);
        /* Whatever fn did with the caller ends with fn. */
        csc__caller_free(&cache->alloc, &cache->caller);
        cache->caller = saved;
        if (CSC__RECORDING(cache))
            csc__rec_call_as(cache, false);
    }
    csc__unhold(cache);
    return hr;
}

/* ---- the virtual clock (C5.4) ------------------------------------------ */

uint64_t csc_cache_clock(const csc_cache_t *cache)
{
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    uint64_t clock = cache->clock;
    csc__leave(cache);
    return clock;
}

csc_hresult csc_cache_advance_clock(csc_cache_t *cache, uint64_t ticks)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    if (ticks > UINT64_MAX - cache->clock)
        hr = CSC_E_INVALIDARG;
    else
        cache->clock += ticks;
    if (CSC__RECORDING(cache))
        csc__rec_tick(cache, ticks, hr);
    csc__leave(cache);
    return hr;
}

size_t csc_cache_item_count(const csc_cache_t *cache)
{
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    size_t n = cache->item_count;
    csc__leave(cache);
    return n;
}
