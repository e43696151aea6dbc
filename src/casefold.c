/*
 * src/casefold.c: the Unicode that path keys need (contract C1.3, C1.4,
 * C14.4). This file owns strict WTF-8 decoding (UTF-8 plus unpaired
 * surrogates written as three bytes, C14.4; no overlong forms, no surrogate
 * pair written as two halves, nothing above U+10FFFF, no truncated
 * sequences), the Unicode simple case
 * folding of one code point (an ASCII fast path, then a binary search in the
 * generated table src/casefold_table.h, CaseFolding.txt statuses C and S;
 * public as csc_casefold for the faces), and
 * the folding of a whole UTF-8 string into the key under which names compare.
 * No Unicode normalisation (NFC/NFD) is applied. Nothing here allocates or
 * keeps state.
 */
#include "path.h"

#include "cscsim/path.h"

#include "casefold_table.h"

uint32_t csc__casefold(uint32_t cp)
{
    if (cp < 0x80u) {
        return cp - 'A' < 26u ? cp + ('a' - 'A') : cp;
    }
    size_t lo = 0;
    size_t hi = CSC__CASEFOLD_TABLE_LEN;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (csc__casefold_table[mid].from < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < CSC__CASEFOLD_TABLE_LEN && csc__casefold_table[lo].from == cp) {
        return csc__casefold_table[lo].to;
    }
    return cp;
}

uint32_t csc_casefold(uint32_t cp)
{
    return csc__casefold(cp);
}

static bool is_continuation(unsigned char b)
{
    return (b & 0xC0u) == 0x80u;
}

/*
 * The well-formed sequences of Unicode table 3-7, plus the surrogates of
 * WTF-8 (C14.4): the second byte's range depends on the lead byte, which
 * rules out overlong forms (E0 80..9F, F0 80..8F) and values above U+10FFFF
 * (F4 90..BF). ED A0..BF, a surrogate U+D800-DFFF, is accepted as one UTF-16
 * unit of a name, as Windows allows, except where it is the high half of a
 * pair written as two 3-byte sequences (ED A0..AF xx ED B0..BF xx): that pair
 * has exactly one spelling, the 4-byte sequence, so the two halves are
 * invalid like any other overlong form. The check looks ahead within
 * s[0..len), so callers pass everything that follows, not one sequence. A
 * low surrogate followed by a high one is two unpaired surrogates: valid.
 */
size_t csc__utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0) {
        return 0;
    }
    unsigned char b0 = s[0];
    if (b0 < 0x80u) {
        *cp = b0;
        return 1;
    }
    size_t n;
    unsigned char lo = 0x80u;
    unsigned char hi = 0xBFu;
    uint32_t value;
    if (b0 >= 0xC2u && b0 <= 0xDFu) {
        n = 2;
        value = b0 & 0x1Fu;
    } else if (b0 >= 0xE0u && b0 <= 0xEFu) {
        n = 3;
        value = b0 & 0x0Fu;
        if (b0 == 0xE0u) {
            lo = 0xA0u; /* below: overlong */
        } else if (b0 == 0xEDu && len >= 6 && s[1] >= 0xA0u && s[1] <= 0xAFu &&
                   s[3] == 0xEDu && s[4] >= 0xB0u && s[4] <= 0xBFu) {
            return 0; /* C14.4: a high then a low surrogate is a pair in halves */
        }
    } else if (b0 >= 0xF0u && b0 <= 0xF4u) {
        n = 4;
        value = b0 & 0x07u;
        if (b0 == 0xF0u) {
            lo = 0x90u; /* below: overlong */
        } else if (b0 == 0xF4u) {
            hi = 0x8Fu; /* above: beyond U+10FFFF */
        }
    } else {
        return 0; /* a continuation byte, C0/C1 (overlong), or F5-FF */
    }
    if (len < n || s[1] < lo || s[1] > hi) {
        return 0;
    }
    value = (value << 6) | (s[1] & 0x3Fu);
    for (size_t i = 2; i < n; i++) {
        if (!is_continuation(s[i])) {
            return 0;
        }
        value = (value << 6) | (s[i] & 0x3Fu);
    }
    *cp = value;
    return n;
}

/* Writes the UTF-8 form of a valid code point; returns its length. */
static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80u) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (char)(0xC0u | (cp >> 6));
        out[1] = (char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (char)(0xE0u | (cp >> 12));
        out[1] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (char)(0xF0u | (cp >> 18));
    out[1] = (char)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (char)(0x80u | (cp & 0x3Fu));
    return 4;
}

/*
 * A folded code point takes at most 3/2 the bytes of the original (checked by
 * tools/gen_casefold.pl), so `out` never needs more than 3/2 in_len + 1 bytes,
 * well inside CSC__PATH_KEY_CAP(in_len). On failure `out` holds a prefix.
 */
bool csc__fold_utf8(const char *in, size_t in_len, char *out, size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0;
    size_t o = 0;
    while (i < in_len) {
        unsigned char b = s[i];
        if (b < 0x80u) {
            out[o++] = (char)((unsigned)(b - 'A') < 26u ? b + ('a' - 'A') : b);
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = csc__utf8_decode(s + i, in_len - i, &cp);
        if (n == 0) {
            out[o] = '\0';
            *out_len = o;
            return false;
        }
        /* A surrogate is in no entry of the table: it folds to itself and
         * is written back as its three bytes (C14.4). */
        o += utf8_encode(csc__casefold(cp), out + o);
        i += n;
    }
    out[o] = '\0';
    *out_len = o;
    return true;
}

bool csc__utf8_valid(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = u[i] < 0x80u ? 1 : csc__utf8_decode(u + i, len - i, &cp);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}
