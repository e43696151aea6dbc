/*
 * src/error_table.h (internal): the table of Win32 error codes, names and
 * English texts. The definitions are generated at build time from
 * data/win32-error-codes.tsv by tools/gen_error_table.py (error_table.c in the
 * build directory); error.c reads it, and test_error__messages checks its
 * order. Everything here is constant.
 */
#ifndef CSC_SRC_ERROR_TABLE_H
#define CSC_SRC_ERROR_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* One row of the TSV. `text` has no trailing line break. */
typedef struct csc__win32_error {
    uint32_t code;    /* the Win32 code, e.g. 2 */
    const char *name; /* "ERROR_FILE_NOT_FOUND" */
    const char *text; /* "The system cannot find the file specified." */
} csc__win32_error_t;

/* Every row, sorted by strictly increasing code. */
extern const csc__win32_error_t csc__win32_errors[];
/* The number of entries of csc__win32_errors (and csc__win32_errors_by_name). */
extern const size_t csc__win32_error_count;

/*
 * Indices into csc__win32_errors, sorted by name compared byte by byte after
 * ASCII upper-casing ('a'-'z' to 'A'-'Z', nothing else); no two names are
 * equal under that comparison. For a binary search by name.
 */
extern const uint16_t csc__win32_errors_by_name[];

/* error.c: an HRESULT's text as csc_hresult_message gives it, or NULL when
 * the library knows none (the WMI event form then has an empty text). */
#include "cscsim/error.h"
const char *csc__hresult_text(csc_hresult hr);

#endif
