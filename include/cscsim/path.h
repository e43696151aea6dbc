/*
 * cscsim/path.h: UNC path normalisation as the cache applies it (contract
 * C1): separators, the \\?\UNC\ prefix, ".", "..", trailing periods and
 * spaces, validity, and the case-folded key under which paths compare
 * (Unicode simple case folding, C1.3). Exposed so a client can see exactly
 * which item a spelling names.
 */
#ifndef CSCSIM_PATH_H
#define CSCSIM_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Normalises `path` (NUL-terminated UTF-8, or WTF-8: an unpaired surrogate
 * written as its three bytes ED A0 80 .. ED BF BF is valid and kept, C14.4;
 * a surrogate pair written as two such halves is not). On success writes the
 * normalised, case-preserved path into `display` and its case-folded form
 * into `key` (either may be NULL), each NUL-terminated and truncated to its
 * size, and returns S_OK; *display_len / *key_len (may be NULL) receive the
 * full lengths in bytes without NUL (the limits of C1.4 are in UTF-16
 * units). Returns 0x8007007B for an invalid path (C1.4),
 * E_POINTER for a NULL path, E_OUTOFMEMORY.
 */
CSC_API csc_hresult csc_path_normalize(const char *path, char *display, size_t display_size,
                                       size_t *display_len, char *key, size_t key_size,
                                       size_t *key_len);

/*
 * The Unicode simple case folding of one code point, as names compare
 * (C1.3: CaseFolding.txt statuses C and S; an unpaired surrogate folds to
 * itself, C14.4). For a face that matches names itself (the COM face's
 * pattern filters, C16.4).
 */
CSC_API uint32_t csc_casefold(uint32_t cp);

#ifdef __cplusplus
}
#endif

#endif
