/*
 * com/utf16.c: strings at the COM face (C14.4): UTF-16 from the client to
 * the library's WTF-8 and back without loss (an unpaired surrogate becomes
 * its three-byte form ED A0 80..ED BF BF and comes back as the same unit),
 * path arrays (a NULL pointer inside rgpszPaths is E_INVALIDARG, C16.7),
 * task memory (csc_com_free, CoTaskMemFree), and the read lock the
 * objects take to read a consistent snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "com_private.h"
#include "utf16.h"

void csc_com_free(void *p)
{
    free(p);
}

void CoTaskMemFree(void *p)
{
    free(p);
}

/* The conversions themselves are the faces' shared copy (utf16/utf16.c). */
HRESULT com_utf16_to_wtf8(LPCWSTR s, char **out)
{
    *out = csc_u16_to_wtf8((const uint16_t *)s);
    return *out != NULL ? S_OK : E_OUTOFMEMORY;
}

HRESULT com_wtf8_to_utf16(const char *s, LPWSTR *out)
{
    *out = (LPWSTR)csc_wtf8_to_u16(s);
    return *out != NULL ? S_OK : E_OUTOFMEMORY;
}

HRESULT com_convert_paths(LPCWSTR *paths, ULONG count, char ***out)
{
    *out = NULL;
    if (paths == NULL || count == 0)
        return S_OK; /* the C API answers E_INVALIDARG itself (C4.1) */
    for (ULONG i = 0; i < count; i++)
        if (paths[i] == NULL)
            return E_INVALIDARG; /* C16.7 */
    char **a = calloc(count, sizeof *a);
    if (a == NULL)
        return E_OUTOFMEMORY;
    for (ULONG i = 0; i < count; i++) {
        HRESULT hr = com_utf16_to_wtf8(paths[i], &a[i]);
        if (FAILED(hr)) {
            com_free_paths(a, i);
            return hr;
        }
    }
    *out = a;
    return S_OK;
}

void com_free_paths(char **paths, ULONG count)
{
    if (paths == NULL)
        return;
    for (ULONG i = 0; i < count; i++)
        free(paths[i]);
    free(paths);
}

bool com_read_lock(csc_cache_t *cache)
{
    return SUCCEEDED(csc_cache_lock(cache));
}

void com_read_unlock(csc_cache_t *cache, bool locked)
{
    if (locked)
        csc_cache_unlock(cache);
}
