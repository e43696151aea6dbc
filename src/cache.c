/*
 * src/cache.c: the cache handle's life cycle (create, close; csc_cache_free
 * is in async.c, since it may have to cancel an operation), its options,
 * its current caller (C9.1) and its virtual clock (C5.4). csc_cache_busy and
 * csc_cache_close are declared in cscsim/async.h, which is included here so
 * their definitions see CSC_API (issue 12, point 3).
 */
#include <string.h>

#include "alloc.h"
#include "path.h"
#include "tree.h"

#include "cscsim/async.h"
#include "cscsim/cache.h"

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

    csc_hresult hr = csc__tree_new_root(cache);
    if (hr == CSC_S_OK)
        hr = csc_cache_set_caller(cache, opts->user != NULL ? opts->user : "user", opts->admin);
    if (hr != CSC_S_OK) {
        csc_cache_free(cache);
        return hr;
    }
    *out = cache;
    return CSC_S_OK;
}

void csc__cache_destroy(csc_cache_t *cache)
{
    csc__tree_free_all(cache);
    csc__free(&cache->alloc, cache->caller, cache->caller_len + 1);
    csc__free(&cache->alloc, cache->caller_key, cache->caller_key_len + 1);
    csc_allocator_t alloc = cache->alloc;
    csc__free(&alloc, cache, sizeof *cache);
}

csc_hresult csc_cache_close(csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_S_OK;
    if (csc__cache_busy(cache))
        return CSC_E_BUSY;
    csc__cache_destroy(cache);
    return CSC_S_OK;
}

bool csc_cache_busy(const csc_cache_t *cache)
{
    return cache != NULL && csc__cache_busy(cache);
}

csc_hresult csc_cache_set_caller(csc_cache_t *cache, const char *user, bool admin)
{
    if (cache == NULL || user == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache))
        return CSC_E_BUSY;
    size_t len = strlen(user);
    if (len == 0 || !csc__utf8_valid(user, len))
        return CSC_E_INVALIDARG; /* before any allocation */
    char *name = csc__strndup(&cache->alloc, user, len);
    char *key = csc__malloc(&cache->alloc, CSC__PATH_KEY_CAP(len));
    size_t key_len = 0;
    csc_hresult hr = CSC_S_OK;
    if (name == NULL || key == NULL)
        hr = CSC_E_OUTOFMEMORY;
    else if (!csc__fold_utf8(user, len, key, &key_len))
        hr = CSC_E_INVALIDARG;
    if (hr != CSC_S_OK) {
        csc__free(&cache->alloc, name, len + 1);
        csc__free(&cache->alloc, key, CSC__PATH_KEY_CAP(len));
        return hr;
    }
    /* The folded copy is kept at its allocated size to free it exactly. */
    csc__free(&cache->alloc, cache->caller, cache->caller_len + 1);
    csc__free(&cache->alloc, cache->caller_key, cache->caller_key_len + 1);
    cache->caller = name;
    cache->caller_len = len;
    cache->caller_key = key;
    cache->caller_key_len = CSC__PATH_KEY_CAP(len) - 1;
    cache->caller_folded_len = key_len;
    cache->admin = admin;
    return CSC_S_OK;
}

const char *csc_cache_caller(const csc_cache_t *cache, bool *admin)
{
    if (cache == NULL)
        return NULL;
    if (admin != NULL)
        *admin = cache->admin;
    return cache->caller;
}

uint64_t csc_cache_clock(const csc_cache_t *cache)
{
    return cache != NULL ? cache->clock : 0;
}

csc_hresult csc_cache_advance_clock(csc_cache_t *cache, uint64_t ticks)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache))
        return CSC_E_BUSY;
    if (ticks > UINT64_MAX - cache->clock)
        return CSC_E_INVALIDARG;
    cache->clock += ticks;
    return CSC_S_OK;
}

size_t csc_cache_item_count(const csc_cache_t *cache)
{
    return cache != NULL ? cache->item_count : 0;
}
