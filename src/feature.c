/*
 * src/feature.c: the feature state of Offline Files and the cache's Location
 * (contract C13.1, C15.14, C15.19): Enabled (configured) and Active
 * (running), both TRUE by default; OfflineFilesEnable (administrators only,
 * RebootRequired unless Active already equals the request),
 * OfflineFilesStart (Active at once when Available, which is Enabled),
 * OfflineFilesQueryStatus(Ex), and the simulated restart, which closes every
 * handle, makes Active follow Enabled and applies RenameItem's log
 * (rename.c). While Active is FALSE every method refuses with
 * ERROR_SERVICE_NOT_ACTIVE through csc__active_check (tree.h); the calls
 * here are not refused, nor are setup commands and checks.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "record.h"
#include "evict.h"
#include "policy.h"
#include "tree.h"
#include "remote/remote.h"

#include "cscsim/methods.h"

#define DEFAULT_LOCATION "C:\\Windows\\CSC"

void csc__methods_free(csc_cache_t *cache)
{
    if (cache->location != NULL)
        csc__free(&cache->alloc, cache->location, strlen(cache->location) + 1);
    cache->location = NULL;
    csc__renames_clear(cache);
    csc__free(&cache->alloc, cache->renames, cache->rename_cap * sizeof *cache->renames);
    cache->renames = NULL;
    cache->rename_cap = 0;
    csc__admin_policy_free(cache);
}

csc_hresult csc_feature_enable(csc_cache_t *cache, bool enable, bool *reboot_required)
{
    if (reboot_required != NULL)
        *reboot_required = false; /* C15.19: a refused enable reports FALSE */
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    bool reboot = false;
    if (!cache->caller.admin) {
        hr = CSC_E_ACCESSDENIED; /* ERROR_ACCESS_DENIED (5) */
    } else {
        cache->feature_enabled = enable;
        reboot = cache->feature_active != enable;
    }
    if (reboot_required != NULL)
        *reboot_required = reboot;
    if (CSC__RECORDING(cache))
        csc__rec_command(cache, enable ? "enable on" : "enable off", NULL, NULL, NULL, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_feature_start(csc_cache_t *cache)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    if (cache->feature_enabled) /* Available = Enabled [decision] */
        cache->feature_active = true;
    else
        hr = CSC_E_NOT_SUPPORTED;
    if (CSC__RECORDING(cache))
        csc__rec_command(cache, "start", NULL, NULL, NULL, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_feature_query_status(const csc_cache_t *cache, bool *active, bool *enabled,
                                     bool *available)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc__enter(cache, CSC__READ);
    if (active != NULL)
        *active = cache->feature_active;
    if (enabled != NULL)
        *enabled = cache->feature_enabled;
    if (available != NULL)
        *available = cache->feature_enabled;
    csc__leave(cache);
    return CSC_S_OK;
}

/* C15.14: applications end with the machine, their non-cached handles too
 * (apps.c). */
static void close_every_handle(csc_cache_t *cache)
{
    csc__apps_close_below(cache, "", 0);
    csc_subtree_iter_t it;
    csc_cache_iter_init(&it, cache);
    csc_item_t *item;
    while ((item = csc_subtree_iter_next(&it)) != NULL) {
        csc__hot_t *h = csc__hot(item);
        if (h->type == CSC_ITEM_FILE && h->u.f.open_count != 0) {
            h->u.f.open_count = 0;
            h->flags &= (uint8_t)~CSC__F_OPEN;
            csc__evict_update(cache, item);
        }
    }
}

csc_hresult csc_cache_restart(csc_cache_t *cache)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    close_every_handle(cache);
    cache->feature_active = cache->feature_enabled;
    hr = csc__renames_apply(cache); /* C13.2, C15.15, C15.21 */
    if (CSC__RECORDING(cache))
        csc__rec_command(cache, "restart", NULL, NULL, NULL, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_cache_set_location(csc_cache_t *cache, const char *location)
{
    if (cache == NULL || location == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    size_t n = strlen(location);
    char *copy = csc__strndup(&cache->alloc, location, n);
    if (copy == NULL) {
        hr = CSC_E_OUTOFMEMORY;
    } else {
        if (cache->location != NULL)
            csc__free(&cache->alloc, cache->location, strlen(cache->location) + 1);
        cache->location = copy;
    }
    if (CSC__RECORDING(cache)) {
        if (strpbrk(location, "\"\n\r") != NULL) {
            csc__rec_not_expressible(cache, "csc_cache_set_location with a double quote or "
                                            "a line break");
        } else {
            size_t len = n + sizeof "location \"\"";
            char *line = csc__malloc(&cache->alloc, len);
            if (line != NULL) {
                snprintf(line, len, "location \"%s\"", location);
                csc__rec_command(cache, line, NULL, NULL, NULL, hr);
                csc__free(&cache->alloc, line, len);
            }
        }
    }
    csc__leave(cache);
    return hr;
}

size_t csc_cache_location(const csc_cache_t *cache, char *buf, size_t size)
{
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    const char *loc = cache->location != NULL ? cache->location : DEFAULT_LOCATION;
    size_t n = strlen(loc);
    if (buf != NULL && size > 0) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(buf, loc, k);
        buf[k] = '\0';
    }
    csc__leave(cache);
    return n;
}
