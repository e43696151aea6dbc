/*
 * tests/fuzz/fuzz_path.c: the libFuzzer harness of the UNC path normaliser
 * (contract C1; src/path.c, src/casefold.c). It owns the properties every
 * input must satisfy, checked here and not only "no crash": the result is
 * S_OK or 0x8007007B; a valid result is a well-formed display path (C1.1,
 * C1.2 steps 3-7, C1.4) whose key is its case folding (C1.3); the public
 * csc_path_normalize agrees with the internal one and truncates like
 * snprintf; '/' and '\' are interchangeable (step 1), \\?\UNC\ stands for \\
 * (step 2), ASCII case changes only the display (C1.3), and "\x\.." added to
 * a path without a final separator names the same item (step 5). And
 * normalising the display path again: the result is exactly what C1.2 step 6
 * does to a display path (model_renormalise below), which is the display
 * itself, with the same key, precisely when the display is a fixed point of
 * step 6. Names are WTF-8 (C14.4): a lone surrogate is one unit of a name,
 * but an input holding a surrogate pair written as two 3-byte halves is
 * invalid wherever the pair stands, and no valid display holds one. Inputs
 * are copied into buffers of their exact size and the outputs get exactly
 * the documented room, so ASan sees any access past either.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cscsim/path.h"
#include "path.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the quadratic properties (several normalisations of variants) cheap. */
#define MAX_INPUT 8192u

typedef struct result {
    csc_hresult hr;
    char *display;
    size_t display_len;
    char *key;
    size_t key_len;
    uint32_t ncomp;
} result_t;

static const uint8_t *current_input;
static size_t current_size;

/* Prints the failed property with the input (escaped) and aborts. */
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_path: property failed: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\ninput: \"", stderr);
    for (size_t i = 0; i < current_size; i++) {
        unsigned char b = current_input[i];
        if (b >= 0x20 && b < 0x7F && b != '"')
            fputc(b, stderr);
        else
            fprintf(stderr, "\\x%02X", b);
    }
    fputs("\"\n", stderr);
    abort();
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n > 0 ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

/* csc__path_normalize on exactly in[0..len), with outputs of exactly the
 * documented capacities. */
static result_t normalise(const char *in, size_t len)
{
    result_t r = {0};
    char *copy = xmalloc(len);
    memcpy(copy, in, len);
    r.display = xmalloc(CSC__PATH_DISPLAY_CAP(len));
    r.key = xmalloc(CSC__PATH_KEY_CAP(len));
    r.hr = csc__path_normalize(copy, len, r.display, &r.display_len, r.key, &r.key_len,
                               &r.ncomp);
    free(copy);
    if (r.hr != CSC_S_OK && r.hr != CSC_E_INVALID_NAME)
        fail("result 0x%08X is neither S_OK nor 0x8007007B", (unsigned)r.hr);
    return r;
}

static void result_free(result_t *r)
{
    free(r->display);
    free(r->key);
}

static bool same(const result_t *a, const result_t *b)
{
    if (a->hr != b->hr)
        return false;
    if (a->hr != CSC_S_OK)
        return true;
    return a->display_len == b->display_len && a->key_len == b->key_len &&
           a->ncomp == b->ncomp && memcmp(a->display, b->display, a->display_len) == 0 &&
           memcmp(a->key, b->key, a->key_len) == 0;
}

static bool is_invalid_char(unsigned char b)
{
    return b < 0x20 || strchr("<>:\"|?*", b) != NULL;
}

/* C14.4: whether s[0..n) holds a high surrogate's three bytes (ED A0..AF
 * xx) immediately followed by a low one's (ED B0..BF xx). ED is always a
 * lead byte, so a decoder that gets that far reads exactly these two. */
static bool has_pair_in_halves(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 5 < n; i++)
        if (u[i] == 0xED && u[i + 1] >= 0xA0 && u[i + 1] <= 0xAF && u[i + 3] == 0xED &&
            u[i + 4] >= 0xB0 && u[i + 4] <= 0xBF)
            return true;
    return false;
}

/* UTF-16 units of a WTF-8 string already known to be valid: a 4-byte
 * sequence is 2, any other 1 (a lone surrogate included, C14.4). */
static size_t units_of(const char *s, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if ((b & 0xC0u) != 0x80u)
            u += b >= 0xF0u ? 2 : 1;
    }
    return u;
}

static bool all_periods(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '.')
            return false;
    return n > 0;
}

/* A valid result: the shape of a display path and its key (C1.1-C1.4). */
static void check_valid_shape(const result_t *r, size_t in_len)
{
    if (r->display_len >= CSC__PATH_DISPLAY_CAP(in_len) ||
        r->key_len >= CSC__PATH_KEY_CAP(in_len))
        fail("lengths %zu/%zu exceed the documented capacities", r->display_len, r->key_len);
    if (r->display[r->display_len] != '\0' || strlen(r->display) != r->display_len ||
        r->key[r->key_len] != '\0' || strlen(r->key) != r->key_len)
        fail("display or key not NUL-terminated at its length");
    if (r->display_len < 3 || r->display[0] != '\\' || r->display[1] != '\\')
        fail("display \"%s\" does not start with \\\\ and a server", r->display);
    /* Components: non-empty, not "." or "..", no forbidden byte, at most 255
     * UTF-16 units; the whole at most 32,767 (C1.2 steps 3, 5, 7; C1.4). */
    uint32_t count = 0;
    size_t start = 2;
    for (size_t i = 2; i <= r->display_len; i++) {
        if (i < r->display_len && r->display[i] != '\\')
            continue;
        const char *c = r->display + start;
        size_t n = i - start;
        count++;
        if (n == 0)
            fail("display \"%s\" has an empty component", r->display);
        if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            fail("display \"%s\" keeps a \".\" or \"..\" component", r->display);
        for (size_t j = 0; j < n; j++)
            if (c[j] == '/' || is_invalid_char((unsigned char)c[j]))
                fail("display \"%s\" has a forbidden byte 0x%02X", r->display,
                     (unsigned char)c[j]);
        if (units_of(c, n) > CSC__NAME_MAX_UNITS)
            fail("display \"%s\" has a component over 255 UTF-16 units", r->display);
        start = i + 1;
    }
    if (count != r->ncomp)
        fail("ncomp %u but the display \"%s\" has %u components", (unsigned)r->ncomp,
             r->display, (unsigned)count);
    if (units_of(r->display, r->display_len) > CSC__PATH_MAX_UNITS)
        fail("display over 32,767 UTF-16 units");
    if (has_pair_in_halves(r->display, r->display_len))
        fail("display \"%s\" holds a surrogate pair in two halves (C14.4)", r->display);
    /* C1.3: the key is the display, case-folded (and so valid UTF-8). */
    char *folded = xmalloc(CSC__PATH_KEY_CAP(r->display_len));
    size_t flen;
    if (!csc__fold_utf8(r->display, r->display_len, folded, &flen))
        fail("display \"%s\" is not valid WTF-8", r->display);
    if (flen != r->key_len || memcmp(folded, r->key, flen) != 0)
        fail("key \"%s\" is not the folded display \"%s\"", r->key, folded);
    free(folded);
}

/*
 * C1.2 applied to a display path D: D starts with "\\", has no separator at
 * its end, and no component that is empty, ".", ".." or holds a forbidden
 * byte, so steps 1-5 and C1.4 change nothing and only step 6 acts: every
 * component that is not all periods loses one trailing period; the last
 * component, D not ending with a separator, also loses all its trailing
 * periods and spaces (the all-periods exception does not apply to it), and is
 * dropped when left empty; no component left means invalid (step 7). Writes
 * the expected display into out (room: d_len + 1) and returns false for
 * invalid.
 */
static bool model_renormalise(const char *d, size_t d_len, char *out, size_t *out_len)
{
    size_t o = 0, start = 2, last_start = 0;
    out[o++] = '\\';
    for (size_t i = 2; i <= d_len; i++) {
        if (i < d_len && d[i] != '\\')
            continue;
        size_t n = i - start;
        if (d[start + n - 1] == '.' && !all_periods(d + start, n))
            n--;
        last_start = o;
        out[o++] = '\\';
        memcpy(out + o, d + start, n);
        o += n;
        start = i + 1;
    }
    while (o > last_start + 1 && (out[o - 1] == '.' || out[o - 1] == ' '))
        o--;
    if (o == last_start + 1)
        o = last_start; /* the emptied last component is dropped */
    if (o == 1)
        return false;
    out[o] = '\0';
    *out_len = o;
    return true;
}

/*
 * Normalising the display path again. The contract's step 6 is not
 * idempotent (it trims one period per pass from a middle component, and the
 * display of a path written with a final separator may end in a period or a
 * space), so the property is exact rather than weakened: the second result
 * is what step 6 does to the display (model_renormalise), and it equals the
 * display, key included, exactly when the display is a fixed point of step
 * 6: no component but an all-periods one ends with '.', and the last ends in
 * neither '.' nor ' '. For those, normalising twice gives the same key.
 */
static void check_renormalise(const result_t *r)
{
    result_t again = normalise(r->display, r->display_len);
    char *want = xmalloc(r->display_len + 1);
    size_t want_len = 0;
    bool want_valid = model_renormalise(r->display, r->display_len, want, &want_len);
    if (!want_valid) {
        if (again.hr == CSC_S_OK)
            fail("display \"%s\" normalises to \"%s\", step 6 leaves no server", r->display,
                 again.display);
    } else {
        if (again.hr != CSC_S_OK)
            fail("display \"%s\" is invalid when normalised again", r->display);
        if (again.display_len != want_len || memcmp(again.display, want, want_len) != 0)
            fail("display \"%s\" normalises to \"%s\", step 6 gives \"%s\"", r->display,
                 again.display, want);
        check_valid_shape(&again, r->display_len);
    }
    bool fixed_point = want_valid && want_len == r->display_len;
    if (fixed_point != same(r, &again))
        fail("display \"%s\": fixed point of step 6 %s, but normalising it again gives %s",
             r->display, fixed_point ? "yes" : "no",
             again.hr != CSC_S_OK ? "(invalid)" : again.display);
    free(want);
    result_free(&again);
}

/* The public entry point agrees and truncates like snprintf (no NUL inside). */
static void check_public(const char *in, size_t len, const result_t *r)
{
    if (memchr(in, '\0', len) != NULL)
        return;
    char *path = xmalloc(len + 1);
    memcpy(path, in, len);
    path[len] = '\0';
    size_t cap = CSC__PATH_KEY_CAP(len);
    char *display = xmalloc(cap), *key = xmalloc(cap);
    size_t dlen = 99, klen = 99;
    csc_hresult hr = csc_path_normalize(path, display, cap, &dlen, key, cap, &klen);
    if (hr != r->hr)
        fail("csc_path_normalize gives 0x%08X, the internal one 0x%08X", (unsigned)hr,
             (unsigned)r->hr);
    if (hr == CSC_S_OK) {
        if (dlen != r->display_len || klen != r->key_len || strcmp(display, r->display) != 0 ||
            strcmp(key, r->key) != 0)
            fail("csc_path_normalize disagrees with the internal normaliser");
        /* Truncated to a small buffer: the prefix, NUL-terminated, full lengths. */
        char small_d[4], small_k[3];
        hr = csc_path_normalize(path, small_d, sizeof small_d, &dlen, small_k, sizeof small_k,
                                &klen);
        if (hr != CSC_S_OK || dlen != r->display_len || klen != r->key_len ||
            strncmp(small_d, r->display, sizeof small_d - 1) != 0 ||
            strlen(small_d) != (r->display_len < 3 ? r->display_len : 3) ||
            strncmp(small_k, r->key, sizeof small_k - 1) != 0 ||
            strlen(small_k) != (r->key_len < 2 ? r->key_len : 2))
            fail("csc_path_normalize truncates wrongly");
    } else if (dlen != 0 || klen != 0 || display[0] != '\0' || key[0] != '\0') {
        fail("csc_path_normalize leaves outputs set on failure");
    }
    free(display);
    free(key);
    free(path);
}

static bool is_sep(char c)
{
    return c == '\\' || c == '/';
}

/* C1.2 step 1: with every separator written as `to`, the same result. */
static void check_separators(const char *in, size_t len, const result_t *r, char to)
{
    char *v = xmalloc(len);
    for (size_t i = 0; i < len; i++)
        v[i] = is_sep(in[i]) ? to : in[i];
    result_t o = normalise(v, len);
    if (!same(r, &o))
        fail("writing every separator as '%c' changes the result", to);
    result_free(&o);
    free(v);
}

/* C1.3: inverting the case of ASCII letters changes the display's letters
 * alike and nothing else (bytes >= 0x80 are left alone). */
static void check_ascii_case(const char *in, size_t len, const result_t *r)
{
    char *v = xmalloc(len);
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        v[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    result_t o = normalise(v, len);
    if (o.hr != r->hr)
        fail("inverting the ASCII case changes validity");
    if (o.hr == CSC_S_OK) {
        if (o.key_len != r->key_len || memcmp(o.key, r->key, o.key_len) != 0 ||
            o.ncomp != r->ncomp || o.display_len != r->display_len)
            fail("inverting the ASCII case changes the key");
        for (size_t i = 0; i < o.display_len; i++) {
            char c = r->display[i];
            char want = c >= 'a' && c <= 'z'   ? (char)(c - 32)
                        : c >= 'A' && c <= 'Z' ? (char)(c + 32)
                                               : c;
            if (o.display[i] != want)
                fail("inverting the ASCII case does not just invert the display's case");
        }
    }
    result_free(&o);
    free(v);
}

/* C1.2 step 2: "\\?\UNC\" + rest is "\\" + rest, when "\\" + rest is not
 * itself a prefixed path ("\\?\", "\\.\"), which the extra prefix would turn
 * into components "?" (invalid) or "." (dropped). */
static void check_unc_prefix(const char *in, size_t len, const result_t *r)
{
    if (len < 2 || !is_sep(in[0]) || !is_sep(in[1]))
        return;
    if (len >= 4 && (in[2] == '?' || in[2] == '.') && is_sep(in[3]))
        return;
    static const char prefix[] = "\\\\?\\unC\\";
    size_t plen = sizeof prefix - 1;
    char *v = xmalloc(len - 2 + plen);
    memcpy(v, prefix, plen);
    memcpy(v + plen, in + 2, len - 2);
    result_t o = normalise(v, len - 2 + plen);
    if (!same(r, &o))
        fail("\\\\?\\UNC\\ in place of \\\\ changes the result");
    result_free(&o);
    free(v);
}

/* C1.2 step 5: "\x\.." after a path that does not end with a separator adds
 * a component and removes it (step 6 then trims the same last component).
 * Needs a share for ".." to stand on; an invalid path stays invalid. */
static void check_dotdot(const char *in, size_t len, const result_t *r)
{
    if (len == 0 || is_sep(in[len - 1]))
        return;
    if (r->hr == CSC_S_OK && r->ncomp < 2)
        return;
    char *v = xmalloc(len + 5);
    memcpy(v, in, len);
    memcpy(v + len, "\\x\\..", 5);
    result_t o = normalise(v, len + 5);
    if (!same(r, &o))
        fail("appending \\x\\.. changes the result");
    result_free(&o);
    free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT)
        return 0;
    current_input = data;
    current_size = size;
    const char *in = (const char *)data;
    result_t r = normalise(in, size);
    if (r.hr == CSC_S_OK && has_pair_in_halves(in, size))
        fail("a surrogate pair in two halves is accepted (C14.4)");
    if (r.hr == CSC_S_OK) {
        check_valid_shape(&r, size);
        check_renormalise(&r);
    }
    check_public(in, size, &r);
    check_separators(in, size, &r, '\\');
    check_separators(in, size, &r, '/');
    check_ascii_case(in, size, &r);
    check_unc_prefix(in, size, &r);
    check_dotdot(in, size, &r);
    result_free(&r);
    return 0;
}
