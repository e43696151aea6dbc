/*
 * src/path.c: UNC path normalisation (contract C1.1, C1.2, C1.4) and the
 * case-folded key under which paths compare (C1.3). This file owns the rules
 * that turn a spelling into the one path that names a cache item: separators,
 * the \\?\UNC\ prefix, empty components, invalid characters and UTF-8 (WTF-8
 * since C14.4: unpaired surrogates are valid), "." and "..", trailing
 * periods and spaces, and the length limits in UTF-16 units. The internal
 * csc__path_normalize sits on the lookup hot path: it makes one pass over the
 * input, writes the display path and its key directly into the caller's
 * buffers, treats ".." by scanning back to the previous separator, and never
 * allocates. The public csc_path_normalize wraps it with buffers of its own.
 */
#include "path.h"

#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "cscsim/path.h"

static bool is_separator(unsigned char b)
{
    return b == '\\' || b == '/';
}

/*
 * C1.4: control characters 0x00-0x1F and < > : " | ? * may not appear in a
 * component. One bit per ASCII byte: bits 0-63 in the low word, 64-127 in the
 * high word.
 */
#define CSC__BIT(c) ((uint64_t)1 << ((c) & 63))
static const uint64_t invalid_low = 0xFFFFFFFFu | CSC__BIT('"') | CSC__BIT('*') | CSC__BIT(':') |
                                    CSC__BIT('<') | CSC__BIT('>') | CSC__BIT('?');
static const uint64_t invalid_high = CSC__BIT('|');

static bool is_invalid_ascii(unsigned char b)
{
    return b < 64 ? (invalid_low >> b) & 1u : (invalid_high >> (b - 64)) & 1u;
}

/* UTF-16 code units of the WTF-8 bytes s[from..to): 4-byte sequences count
 * 2, every other sequence 1, a 3-byte surrogate included (C1.4, C14.4). */
static size_t utf16_units(const char *s, size_t from, size_t to)
{
    size_t units = 0;
    for (size_t i = from; i < to; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b & 0xC0u) != 0x80u) {
            units += b >= 0xF0u ? 2 : 1;
        }
    }
    return units;
}

/* Position of the separator that opens the last component of s[0..end). */
static size_t last_separator(const char *s, size_t end)
{
    while (s[--end] != '\\') {
    }
    return end;
}

/*
 * The display path is built as "\" followed by "\component" for each
 * component on the stack, so "\\server\share" is "\" "\server" "\share", and
 * the key in parallel. Each component is appended as written while it is
 * checked (C1.2 step 4), then dropped (".") or used to pop (".."), or kept
 * after losing one trailing period (step 6). The display never gets longer
 * than the input read so far (each component in it is preceded by at least
 * one separator in the input), hence CSC__PATH_DISPLAY_CAP; the key is at most
 * 3/2 of the display (see casefold.c). C1.4's lengths apply to the normalised
 * path, so they are tracked as components come and go and checked at the end:
 * `units` counts the display's UTF-16 units and `overlong` the components on
 * the stack longer than CSC__NAME_MAX_UNITS.
 *
 * Decisions where the contract is silent:
 * - More than two leading separators ("\\\server") are "\\" followed by empty
 *   components, which step 3 drops: "\\\server" is "\\server". The same holds
 *   after the \\?\UNC\ prefix ("\\?\UNC\\server" is "\\server").
 * - Step 6's rule for the last component applies once, to the last component
 *   left by step 5; when that component is left empty it is dropped and the
 *   new last component is not trimmed again (as Win32, which trims the path
 *   string once): "\\srv\share\a \ " is "\\srv\share\a ".
 * - A share left empty by step 6 is dropped like any component, leaving the
 *   server alone: "\\srv\..." is "\\srv". A server left empty leaves no
 *   component, which is invalid.
 */
csc_hresult csc__path_normalize(const char *in, size_t in_len, char *display,
                                size_t *display_len, char *key, size_t *key_len,
                                uint32_t *ncomp)
{
    const unsigned char *s = (const unsigned char *)in;

    /* C1.2 steps 1-2 and C1.4 "not UNC": the path starts with two separators;
     * \\?\UNC\ (UNC in any case) stands for \\; any other \\?\ or \\.\ is not
     * UNC. */
    if (in_len < 2 || !is_separator(s[0]) || !is_separator(s[1])) {
        return CSC_E_INVALID_NAME;
    }
    size_t pos = 2;
    if (in_len >= 4 && (s[2] == '?' || s[2] == '.') && is_separator(s[3])) {
        if (s[2] == '?' && in_len >= 8 && (s[4] | 0x20u) == 'u' && (s[5] | 0x20u) == 'n' &&
            (s[6] | 0x20u) == 'c' && is_separator(s[7])) {
            pos = 8;
        } else {
            return CSC_E_INVALID_NAME;
        }
    }
    bool ends_with_separator = is_separator(s[in_len - 1]);

    size_t d = 0;         /* display length */
    size_t k = 0;         /* key length */
    size_t count = 0;     /* components on the stack */
    size_t units = 1;     /* UTF-16 units of the display */
    size_t overlong = 0;  /* components on the stack over CSC__NAME_MAX_UNITS */
    display[d++] = '\\';
    key[k++] = '\\';

    while (pos < in_len) {
        /* Step 3: repeated and trailing separators make empty components. */
        if (is_separator(s[pos])) {
            pos++;
            continue;
        }
        size_t comp_d = d; /* where this component's separator goes */
        size_t comp_k = k;
        display[d++] = '\\';
        key[k++] = '\\';
        size_t comp_units = 0;
        bool ascii = true;
        bool periods_only = true;
        /* Step 4 and C1.4: check each byte as written while copying it.
         * Non-ASCII is WTF-8 (C14.4): the decoder sees the rest of the
         * input, so that a surrogate pair in two halves is refused. */
        while (pos < in_len) {
            unsigned char b = s[pos];
            if (b < 0x80u) {
                if (is_separator(b)) {
                    break;
                }
                if (is_invalid_ascii(b)) {
                    return CSC_E_INVALID_NAME;
                }
                display[d++] = (char)b;
                key[k++] = (char)((unsigned)(b - 'A') < 26u ? b + ('a' - 'A') : b);
                periods_only = periods_only && b == '.';
                comp_units++;
                pos++;
            } else {
                uint32_t cp;
                size_t n = csc__utf8_decode(s + pos, in_len - pos, &cp);
                if (n == 0) {
                    return CSC_E_INVALID_NAME;
                }
                memcpy(display + d, s + pos, n);
                d += n;
                pos += n;
                comp_units += n == 4 ? 2 : 1; /* a lone surrogate: 1 */
                ascii = false;
                periods_only = false;
            }
        }
        size_t len = d - comp_d - 1;
        const char *name = display + comp_d + 1;

        /* Step 5: "." is dropped; ".." pops, but never the share or server. */
        if (len == 1 && name[0] == '.') {
            d = comp_d;
            k = comp_k;
            continue;
        }
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            if (count <= 2) {
                return CSC_E_INVALID_NAME;
            }
            size_t sep = last_separator(display, comp_d);
            size_t popped_units = utf16_units(display, sep + 1, comp_d);
            units -= popped_units + 1;
            overlong -= popped_units > CSC__NAME_MAX_UNITS;
            count--;
            d = sep;
            k = last_separator(key, comp_k);
            continue;
        }

        /* C1.3: the key of a component with non-ASCII letters is folded
         * from its display bytes (the ASCII bytes were lowered above). */
        if (!ascii) {
            size_t folded;
            if (!csc__fold_utf8(name, len, key + comp_k + 1, &folded)) {
                return CSC_E_INVALID_NAME; /* cannot happen: checked above */
            }
            k = comp_k + 1 + folded;
        }

        /* Step 6: one trailing period goes, unless the name is all periods. */
        if (name[len - 1] == '.' && !periods_only) {
            d--;
            k--;
            comp_units--;
        }
        count++;
        units += comp_units + 1;
        overlong += comp_units > CSC__NAME_MAX_UNITS;
    }

    /* Step 6: without a separator at the end as written, the last remaining
     * component loses all trailing periods and spaces (no all-periods
     * exception); left empty, it is dropped. Period and space fold to
     * themselves, so the key loses the same bytes. */
    if (!ends_with_separator && count > 0) {
        size_t trimmed = 0;
        while (display[d - 1 - trimmed] == '.' || display[d - 1 - trimmed] == ' ') {
            trimmed++; /* stops at the component's separator at the latest */
        }
        if (trimmed > 0) {
            size_t sep = last_separator(display, d);
            size_t before = utf16_units(display, sep + 1, d);
            size_t after = before - trimmed;
            d -= trimmed;
            k -= trimmed;
            units -= trimmed;
            overlong -= before > CSC__NAME_MAX_UNITS;
            if (after == 0) {
                count--;
                units--;
                d--; /* the separator */
                k--;
            } else {
                overlong += after > CSC__NAME_MAX_UNITS;
            }
        }
    }

    /* Step 7: a server must remain. Server and share are never empty, "."
     * or "..": steps 3 and 6 drop empty components, step 5 consumes "." and
     * "..", and step 6 cannot produce them (it keeps all-period names whole
     * and only trims names with something else in them). */
    if (count == 0) {
        return CSC_E_INVALID_NAME;
    }
    /* C1.4: lengths of the normalised path, in UTF-16 units. */
    if (overlong > 0 || units > CSC__PATH_MAX_UNITS) {
        return CSC_E_INVALID_NAME;
    }

    display[d] = '\0';
    key[k] = '\0';
    *display_len = d;
    *key_len = k;
    *ncomp = (uint32_t)count; /* at most CSC__PATH_MAX_UNITS / 2 */
    return CSC_S_OK;
}

/* Copies `len` bytes and a NUL into out[size], truncating as snprintf does. */
static void copy_truncated(char *out, size_t size, const char *src, size_t len)
{
    if (out == NULL || size == 0) {
        return;
    }
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(out, src, n);
    out[n] = '\0';
}

csc_hresult csc_path_normalize(const char *path, char *display, size_t display_size,
                               size_t *display_len, char *key, size_t key_size,
                               size_t *key_len)
{
    /* Whatever the outcome, the outputs are defined: empty on failure. */
    copy_truncated(display, display_size, "", 0);
    copy_truncated(key, key_size, "", 0);
    if (display_len != NULL) {
        *display_len = 0;
    }
    if (key_len != NULL) {
        *key_len = 0;
    }
    if (path == NULL) {
        return CSC_E_POINTER;
    }
    size_t in_len = strlen(path);
    if (in_len > (SIZE_MAX - 8u) / 2u) {
        return CSC_E_OUTOFMEMORY;
    }
    char *full_display = malloc(CSC__PATH_DISPLAY_CAP(in_len));
    char *full_key = malloc(CSC__PATH_KEY_CAP(in_len));
    if (full_display == NULL || full_key == NULL) {
        free(full_display);
        free(full_key);
        return CSC_E_OUTOFMEMORY;
    }
    size_t dlen;
    size_t klen;
    uint32_t ncomp;
    csc_hresult hr =
        csc__path_normalize(path, in_len, full_display, &dlen, full_key, &klen, &ncomp);
    if (hr == CSC_S_OK) {
        copy_truncated(display, display_size, full_display, dlen);
        copy_truncated(key, key_size, full_key, klen);
        if (display_len != NULL) {
            *display_len = dlen;
        }
        if (key_len != NULL) {
            *key_len = klen;
        }
    }
    free(full_display);
    free(full_key);
    return hr;
}

csc_hresult csc__path_buf_normalize(const csc_allocator_t *a, const char *path,
                                    csc__path_buf_t *pb)
{
    size_t in_len = strlen(path);
    size_t dcap = CSC__PATH_DISPLAY_CAP(in_len), kcap = CSC__PATH_KEY_CAP(in_len);
    pb->heap = NULL;
    pb->heap_size = 0;
    if (dcap + kcap <= sizeof pb->stack) {
        pb->display = pb->stack;
    } else {
        pb->heap_size = dcap + kcap;
        pb->heap = csc__malloc(a, pb->heap_size);
        if (pb->heap == NULL)
            return CSC_E_OUTOFMEMORY;
        pb->display = pb->heap;
    }
    pb->key = pb->display + dcap;
    return csc__path_normalize(path, in_len, pb->display, &pb->display_len, pb->key,
                               &pb->key_len, &pb->ncomp);
}

void csc__path_buf_release(const csc_allocator_t *a, csc__path_buf_t *pb)
{
    csc__free(a, pb->heap, pb->heap_size);
    pb->heap = NULL;
}

size_t csc__path_exact(const char *d, size_t len, csc__exact_end_t end, char *out)
{
    size_t o = 0, i = 0;
    while (i < len && d[i] == '\\')
        out[o++] = d[i++];
    char last = '\0';
    while (i < len) {
        size_t j = i;
        while (j < len && d[j] != '\\')
            j++;
        memcpy(out + o, d + i, j - i);
        o += j - i;
        last = j > i ? d[j - 1] : '\0';
        if (csc__name_loses_period(d + i, j - i))
            out[o++] = '.';
        if (j < len)
            out[o++] = '\\';
        i = j + 1;
    }
    if (end == CSC__EXACT_END_ALWAYS || (end == CSC__EXACT_END_NEEDED && (last == '.' || last == ' ')))
        out[o++] = '\\';
    out[o] = '\0';
    return o;
}
