/*
 * src/space.c: disk space (C5.5) and eviction (C5.3-C5.7). The used and
 * unpinned-used figures are kept incrementally by tree.c; this file owns the
 * limits, the policy, the eviction callback and eviction passes.
 */
#include "record.h"
#include "tree.h"

#include "cscsim/space.h"

csc_hresult csc_cache_get_disk_space(const csc_cache_t *cache, csc_disk_space_t *out)
{
    if (cache == NULL || out == NULL)
        return CSC_E_POINTER;
    /* C6.6: while an operation runs, its walk owns the counters. */
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    out->volume_total = CSC_SPACE_UNLIMITED;
    out->limit = cache->limit;
    out->used = csc__bytes_saturated(cache->used);
    out->unpinned_limit = cache->unpinned_limit;
    out->unpinned_used = csc__bytes_saturated(cache->unpinned_used);
    csc__leave(cache);
    return CSC_S_OK;
}

static csc_hresult cache_set_disk_space_limits_locked(csc_cache_t *cache, uint64_t limit,
                                                      uint64_t unpinned_limit)
{
    csc_hresult hr = csc__active_check(cache); /* C15.14: like every method */
    if (hr != CSC_S_OK)
        return hr;
    if (!cache->caller.admin) /* C5.5 */
        return CSC_E_ACCESSDENIED;
    cache->limit = limit;
    cache->unpinned_limit = unpinned_limit;
    return CSC_S_OK;
}

csc_hresult csc_cache_set_disk_space_limits(csc_cache_t *cache, uint64_t limit,
                                            uint64_t unpinned_limit)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = cache_set_disk_space_limits_locked(cache, limit, unpinned_limit);
        if (CSC__RECORDING(cache))
            csc__rec_limits(cache, limit, unpinned_limit, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult cache_set_policy_locked(csc_cache_t *cache, csc_evict_policy_t policy)
{
    if (policy != CSC_EVICT_MANUAL && policy != CSC_EVICT_AUTOMATIC && policy != CSC_EVICT_EAGER)
        return CSC_E_INVALIDARG;
    cache->policy = (int)policy;
    return CSC_S_OK;
}

csc_hresult csc_cache_set_policy(csc_cache_t *cache, csc_evict_policy_t policy)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = cache_set_policy_locked(cache, policy);
        if (CSC__RECORDING(cache))
            csc__rec_policy(cache, (int)policy, hr);
        csc__leave(cache);
    }
    return hr;
}

csc_evict_policy_t csc_cache_policy(const csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_EVICT_MANUAL;
    csc__enter(cache, CSC__READ);
    csc_evict_policy_t policy = (csc_evict_policy_t)cache->policy;
    csc__leave(cache);
    return policy;
}

csc_hresult csc_cache_set_evict_callback(csc_cache_t *cache, csc_evict_cb cb, void *user_data)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    cache->evict_cb = cb;
    cache->evict_user_data = user_data;
    if (CSC__RECORDING(cache))
        csc__rec_evict_callback(cache);
    csc__leave(cache);
    return CSC_S_OK;
}

void csc_cache_evict_callback(const csc_cache_t *cache, csc_evict_cb *cb, void **user_data)
{
    if (cb != NULL)
        *cb = cache != NULL ? cache->evict_cb : NULL;
    if (user_data != NULL)
        *user_data = cache != NULL ? cache->evict_user_data : NULL;
}
