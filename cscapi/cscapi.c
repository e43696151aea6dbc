/*
 * cscapi/cscapi.c: the cscapi face (C13.1, C14.2, C16.7): Windows' four
 * cscapi.dll exports over the cache the embedder binds, each a translation
 * of one call of cscsim/methods.h, its HRESULT turned into the Win32 code
 * (0x8007xxxx gives xxxx, as csc_hresult_to_wmi). The binding is the one
 * piece of state: an atomic pointer, since Windows' signatures carry no
 * context.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "cscsim/cscapi.h"
#include "cscsim/methods.h"

/* ERROR_SERVICE_DOES_NOT_EXIST: no cache bound, as a machine without the
 * Offline Files service answers [decision]. */
#define CSCAPI_NOT_BOUND 1060u

static _Atomic(csc_cache_t *) bound;

csc_cache_t *csc_cscapi_bind(csc_cache_t *cache)
{
    return atomic_exchange(&bound, cache);
}

csc_cache_t *csc_cscapi_bound(void)
{
    return atomic_load(&bound);
}

static DWORD win32(csc_hresult hr)
{
    return csc_hresult_to_wmi(hr);
}

DWORD OfflineFilesEnable(BOOL bEnable, BOOL *pbRebootRequired)
{
    csc_cache_t *cache = atomic_load(&bound);
    if (pbRebootRequired != NULL)
        *pbRebootRequired = 0;
    if (cache == NULL)
        return CSCAPI_NOT_BOUND;
    bool reboot = false;
    csc_hresult hr = csc_feature_enable(cache, bEnable != 0, &reboot);
    if (pbRebootRequired != NULL)
        *pbRebootRequired = CSC_SUCCEEDED(hr) && reboot;
    return win32(hr);
}

DWORD OfflineFilesQueryStatusEx(BOOL *pbActive, BOOL *pbEnabled, BOOL *pbAvailable)
{
    csc_cache_t *cache = atomic_load(&bound);
    if (cache == NULL)
        return CSCAPI_NOT_BOUND;
    bool active = false, enabled = false, available = false;
    csc_hresult hr = csc_feature_query_status(cache, &active, &enabled, &available);
    if (CSC_FAILED(hr))
        return win32(hr); /* the outputs are left as the caller had them */
    if (pbActive != NULL)
        *pbActive = active;
    if (pbEnabled != NULL)
        *pbEnabled = enabled;
    if (pbAvailable != NULL)
        *pbAvailable = available;
    return 0;
}

DWORD OfflineFilesQueryStatus(BOOL *pbActive, BOOL *pbEnabled)
{
    return OfflineFilesQueryStatusEx(pbActive, pbEnabled, NULL);
}

DWORD OfflineFilesStart(void)
{
    csc_cache_t *cache = atomic_load(&bound);
    if (cache == NULL)
        return CSCAPI_NOT_BOUND;
    return win32(csc_feature_start(cache));
}
