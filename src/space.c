/*
 * src/space.c: disk space (C5.5) and eviction (C5.3-C5.7). The used and
 * unpinned-used figures are kept incrementally by tree.c; this file owns the
 * limits, the policy, the eviction callback and eviction passes.
 */
#include "tree.h"

csc_hresult csc_cache_get_disk_space(const csc_cache_t *cache, csc_disk_space_t *out)
{
    if (cache == NULL || out == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache)) /* C6.6: the running walk owns the counters */
        return CSC_E_BUSY;
    out->volume_total = CSC_SPACE_UNLIMITED;
    out->limit = cache->limit;
    out->used = csc__bytes_saturated(cache->used);
    out->unpinned_limit = cache->unpinned_limit;
    out->unpinned_used = csc__bytes_saturated(cache->unpinned_used);
    return CSC_S_OK;
}

csc_hresult csc_cache_set_disk_space_limits(csc_cache_t *cache, uint64_t limit,
                                            uint64_t unpinned_limit)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache))
        return CSC_E_BUSY;
    if (!cache->admin) /* C5.5 */
        return CSC_E_ACCESSDENIED;
    cache->limit = limit;
    cache->unpinned_limit = unpinned_limit;
    return CSC_S_OK;
}

csc_hresult csc_cache_set_policy(csc_cache_t *cache, csc_evict_policy_t policy)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache))
        return CSC_E_BUSY;
    if (policy != CSC_EVICT_MANUAL && policy != CSC_EVICT_AUTOMATIC && policy != CSC_EVICT_EAGER)
        return CSC_E_INVALIDARG;
    cache->policy = (int)policy;
    return CSC_S_OK;
}

csc_evict_policy_t csc_cache_policy(const csc_cache_t *cache)
{
    return cache != NULL ? (csc_evict_policy_t)cache->policy : CSC_EVICT_MANUAL;
}

csc_hresult csc_cache_set_evict_callback(csc_cache_t *cache, csc_evict_cb cb, void *user_data)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache)) /* C6.6 */
        return CSC_E_BUSY;
    cache->evict_cb = cb;
    cache->evict_user_data = user_data;
    return CSC_S_OK;
}

void csc_cache_evict_callback(const csc_cache_t *cache, csc_evict_cb *cb, void **user_data)
{
    if (cb != NULL)
        *cb = cache != NULL ? cache->evict_cb : NULL;
    if (user_data != NULL)
        *user_data = cache != NULL ? cache->evict_user_data : NULL;
}
