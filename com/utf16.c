/*
 * com/utf16.c: strings at the COM face (C14.4): UTF-16 from the client to
 * the library's WTF-8 and back without loss (an unpaired surrogate becomes
 * its three-byte form ED A0 80..ED BF BF and comes back as the same unit),
 * path arrays (a NULL pointer inside rgpszPaths is E_INVALIDARG, C16.7),
 * task memory (csc_com_alloc, csc_com_free and their Windows names), and
 * the read lock the objects take to read a consistent snapshot.
 */
#include <stdlib.h>
#include <string.h>

#include "com_private.h"

void csc_com_free(void *p)
{
    free(p);
}

void CoTaskMemFree(void *p)
{
    free(p);
}

static bool is_high(uint32_t u)
{
    return u >= 0xD800 && u <= 0xDBFF;
}

static bool is_low(uint32_t u)
{
    return u >= 0xDC00 && u <= 0xDFFF;
}

HRESULT com_utf16_to_wtf8(LPCWSTR s, char **out)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    /* At most 3 bytes per unit (a pair: 4 bytes for 2 units). */
    char *buf = malloc(n * 3 + 1);
    if (buf == NULL)
        return E_OUTOFMEMORY;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)s[i];
        if (is_high(c) && i + 1 < n && is_low((uint32_t)s[i + 1])) {
            c = 0x10000u + ((c - 0xD800u) << 10) + ((uint32_t)s[i + 1] - 0xDC00u);
            i++;
        }
        if (c < 0x80) {
            buf[o++] = (char)c;
        } else if (c < 0x800) {
            buf[o++] = (char)(0xC0 | (c >> 6));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            /* Unpaired surrogates take this form too (WTF-8). */
            buf[o++] = (char)(0xE0 | (c >> 12));
            buf[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            buf[o++] = (char)(0xF0 | (c >> 18));
            buf[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            buf[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            buf[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    buf[o] = '\0';
    *out = buf;
    return S_OK;
}

/* Decodes one WTF-8 sequence at s; returns its length, 0 when malformed. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4)
        return 0;
    uint32_t c = s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF)
        return 0;
    *cp = c;
    return len;
}

HRESULT com_wtf8_to_utf16(const char *s, LPWSTR *out)
{
    size_t n = strlen(s);
    /* At most one unit per byte. */
    LPWSTR buf = malloc((n + 1) * sizeof(WCHAR));
    if (buf == NULL)
        return E_OUTOFMEMORY;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p != 0) {
        uint32_t c;
        size_t len = decode(p, &c);
        if (len == 0) {
            /* The library gives only WTF-8; anything else is shown as U+FFFD. */
            c = 0xFFFD;
            len = 1;
        }
        if (c >= 0x10000) {
            c -= 0x10000;
            buf[o++] = (WCHAR)(0xD800 + (c >> 10));
            buf[o++] = (WCHAR)(0xDC00 + (c & 0x3FF));
        } else {
            buf[o++] = (WCHAR)c;
        }
        p += len;
    }
    buf[o] = 0;
    *out = buf;
    return S_OK;
}

HRESULT com_convert_paths(LPCWSTR *paths, ULONG count, char ***out)
{
    *out = NULL;
    if (paths == NULL || count == 0)
        return S_OK; /* the C API answers E_INVALIDARG itself (C4.1) */
    char **a = calloc(count, sizeof *a);
    if (a == NULL)
        return E_OUTOFMEMORY;
    for (ULONG i = 0; i < count; i++) {
        /* A NULL pointer stays NULL: the C API gives E_INVALIDARG for it
         * (C4.1, C16.7), after its own earlier refusals (C13.1). */
        HRESULT hr = paths[i] == NULL ? S_OK : com_utf16_to_wtf8(paths[i], &a[i]);
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

void *csc_com_alloc(size_t size)
{
    return malloc(size == 0 ? 1 : size);
}

void *CoTaskMemAlloc(size_t size)
{
    return csc_com_alloc(size);
}
