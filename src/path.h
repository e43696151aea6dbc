/*
 * src/path.h (internal): the UNC path normaliser of contract C1 and the
 * case folding of C1.3. Owned by path.c and casefold.c. Nothing here
 * allocates: callers pass buffers sized by the CSC__PATH_*_CAP macros.
 */
#ifndef CSC_SRC_PATH_H
#define CSC_SRC_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"

/* Room a caller must give for an input of `in_len` bytes (NUL included). */
#define CSC__PATH_DISPLAY_CAP(in_len) ((in_len) + 3u)
#define CSC__PATH_KEY_CAP(in_len) (2u * (in_len) + 8u)

/* Limits of C1.4, in UTF-16 code units: a code point above U+FFFF (4 bytes)
 * counts 2, anything else 1, an unpaired surrogate included (C14.4). */
#define CSC__PATH_MAX_UNITS 32767u
#define CSC__NAME_MAX_UNITS 255u

/*
 * Normalises `in` (`in_len` bytes of WTF-8, C14.4, no NUL needed) per
 * C1.2-C1.4.
 * On success returns S_OK and writes:
 *   display: the normalised path, "\\server[\share[\name...]]", the case as
 *            written, NUL-terminated; *display_len its length;
 *   key:     the same path case-folded (C1.3), NUL-terminated; *key_len.
 *            Folding never changes a '\\', so the i-th separator of key and
 *            display delimit the same component;
 *   *ncomp:  the number of components (1 server, 2 share, 3+ below).
 * Returns CSC_E_INVALID_NAME (0x8007007B) for an invalid path; the outputs are
 * then unspecified. `display` needs CSC__PATH_DISPLAY_CAP(in_len) bytes and
 * `key` CSC__PATH_KEY_CAP(in_len).
 */
csc_hresult csc__path_normalize(const char *in, size_t in_len, char *display,
                                size_t *display_len, char *key, size_t *key_len,
                                uint32_t *ncomp);

/*
 * Unicode simple case folding (CaseFolding.txt statuses C and S) of one code
 * point; a code point without a folding is returned unchanged.
 */
uint32_t csc__casefold(uint32_t cp);

/*
 * Case-folds `in` (`in_len` bytes of WTF-8) into `out`, which needs
 * CSC__PATH_KEY_CAP(in_len) bytes; NUL-terminates it and stores the length
 * in *out_len. An unpaired surrogate folds to itself (C14.4). Returns false
 * for bytes that are neither UTF-8 nor WTF-8 (overlong forms, a surrogate
 * pair written as two 3-byte halves, values above U+10FFFF, truncated
 * sequences).
 */
bool csc__fold_utf8(const char *in, size_t in_len, char *out, size_t *out_len);

/*
 * Decodes one WTF-8 code point from s[0..len) (C14.4): UTF-8, or a surrogate
 * U+D800-DFFF as its three bytes ED A0 80 .. ED BF BF. Returns its length in
 * bytes (1-4) and stores it in *cp, or 0 for an invalid sequence. A high
 * surrogate immediately followed, within s[0..len), by a low one is invalid
 * (the pair's only spelling is its 4-byte sequence), so pass the whole rest
 * of the string, not one sequence.
 */
size_t csc__utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* Whether s[0..len) is valid WTF-8 (as csc__fold_utf8 judges it, C14.4), so
 * that a caller can refuse a bad name before it allocates anything. User
 * names (C9.1) are checked with it too: they accept what paths accept. */
bool csc__utf8_valid(const char *s, size_t len);

/* A path normalised into buffers of its own: on the stack when they fit,
 * else one allocation (tree.c's lookups and caching, the remote side). */
#define CSC__PATH_BUF_STACK 1024u
typedef struct csc__path_buf {
    char stack[CSC__PATH_BUF_STACK];
    char *heap;
    size_t heap_size;
    char *display, *key;
    size_t display_len, key_len;
    uint32_t ncomp;
} csc__path_buf_t;

/* Normalises `path` (C1.2) into `pb`: S_OK, 0x8007007B or E_OUTOFMEMORY;
 * always call csc__path_buf_release afterwards. */
csc_hresult csc__path_buf_normalize(const csc_allocator_t *a, const char *path,
                                    csc__path_buf_t *pb);
void csc__path_buf_release(const csc_allocator_t *a, csc__path_buf_t *pb);

/* C1.2 step 6: whether normalisation takes a period from this name (it
 * ends with one and is not made of periods only). */
static inline bool csc__name_loses_period(const char *name, size_t len)
{
    if (len == 0 || name[len - 1] != '.')
        return false;
    for (size_t k = 0; k < len; k++)
        if (name[k] != '.')
            return true;
    return false;
}

/* How csc__path_exact ends a path. */
typedef enum csc__exact_end {
    CSC__EXACT_END_NONE,    /* no final separator */
    CSC__EXACT_END_NEEDED,  /* one when the last name ends in a period or a blank */
    CSC__EXACT_END_ALWAYS   /* one always */
} csc__exact_end_t;

/* Bytes csc__path_exact needs for a display path of `len` bytes. */
#define CSC__PATH_EXACT_CAP(len) (2u * (len) + 3u)

/*
 * A normalised display path d[0..len) ("\\server\share\...") can name
 * other items when normalised again: step 6 takes a period from `e.` and
 * the periods and blanks from the end of the last name. This writes into
 * `out` (CSC__PATH_EXACT_CAP(len) bytes) a path that normalises (C1.2) to
 * exactly d's names: a name step 6 would shorten gets one more period, and
 * `end` says when a final separator (which keeps the last name whole)
 * closes it. Returns the length written (out is NUL-terminated). One
 * mechanism for every place that hands a display path back to a path
 * argument: the recorder, the scenario dump, the applications.
 */
size_t csc__path_exact(const char *d, size_t len, csc__exact_end_t end, char *out);

#endif
