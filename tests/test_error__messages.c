/*
 * tests/test_error__messages.c: the error model against its sources. Every
 * row of data/win32-error-codes.tsv (read at run time from $CSC_TEST_DATA,
 * independently of the generator) must come back byte for byte from
 * csc_win32_message, csc_win32_name, csc_hresult_message and
 * csc_error_from_name, and the library must know no other Win32 code. Also
 * checked: the texts of windows-reference.md section 9, the COM texts and
 * names of contract C6.1, csc_hresult_to_wmi (C4.8), name lookup, and the
 * order of the generated table that the binary searches rely on.
 */
#include "support.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error_table.h"

#define TSV_NAME "win32-error-codes.tsv"

typedef struct tsv_row {
    char *name;
    uint32_t code;
    char *text;
    size_t line;
} tsv_row_t;

typedef struct tsv {
    tsv_row_t *rows;
    size_t count;
} tsv_t;

/* ---- Reading the TSV ----------------------------------------------------- */

static void tsv_free(tsv_t *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->count; i++) {
        free(t->rows[i].name);
        free(t->rows[i].text);
    }
    free(t->rows);
    free(t);
}

/* Parses "N (0xHEX)"; false unless both are present, agree and fit. */
static bool parse_code(const char *s, uint32_t *out)
{
    if (*s < '0' || *s > '9')
        return false;
    char *end;
    errno = 0;
    unsigned long long dec = strtoull(s, &end, 10);
    if (errno != 0 || strncmp(end, " (0x", 4) != 0)
        return false;
    const char *h = end + 4;
    if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f') || (*h >= 'A' && *h <= 'F')))
        return false;
    unsigned long long hex = strtoull(h, &end, 16);
    if (errno != 0 || strcmp(end, ")") != 0 || dec != hex || dec > 0xFFFFFFFFull)
        return false;
    *out = (uint32_t)dec;
    return true;
}

static int load_tsv(void **state)
{
    const char *dir = getenv("CSC_TEST_DATA");
    if (dir == NULL || *dir == '\0') {
        print_error("CSC_TEST_DATA is not set: it must name the data/ directory\n");
        return -1;
    }
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, TSV_NAME) >= sizeof path) {
        print_error("CSC_TEST_DATA is too long\n");
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        print_error("cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }

    tsv_t *t = calloc(1, sizeof *t);
    size_t cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    size_t lineno = 0;
    bool ok = t != NULL;
    while (ok && (len = getline(&line, &line_cap, f)) != -1) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if ((size_t)len != strlen(line)) {
            print_error("%s:%zu: NUL byte\n", path, lineno);
            ok = false;
            break;
        }
        char *tab1 = strchr(line, '\t');
        char *tab2 = tab1 != NULL ? strchr(tab1 + 1, '\t') : NULL;
        if (tab2 == NULL || strchr(tab2 + 1, '\t') != NULL || tab1 == line) {
            print_error("%s:%zu: not NAME<TAB>CODE<TAB>TEXT\n", path, lineno);
            ok = false;
            break;
        }
        *tab1 = '\0';
        *tab2 = '\0';
        tsv_row_t row = {NULL, 0, NULL, lineno};
        if (!parse_code(tab1 + 1, &row.code)) {
            print_error("%s:%zu: malformed code \"%s\"\n", path, lineno, tab1 + 1);
            ok = false;
            break;
        }
        if (t->count == cap) {
            size_t ncap = cap != 0 ? 2 * cap : 1024;
            tsv_row_t *n = realloc(t->rows, ncap * sizeof *n);
            if (n == NULL) {
                ok = false;
                break;
            }
            t->rows = n;
            cap = ncap;
        }
        row.name = strdup(line);
        row.text = strdup(tab2 + 1);
        t->rows[t->count++] = row; /* freed by tsv_free even if one is NULL */
        if (row.name == NULL || row.text == NULL)
            ok = false;
    }
    if (ok && ferror(f)) {
        print_error("cannot read %s\n", path);
        ok = false;
    }
    free(line);
    fclose(f);
    if (ok && t->count == 0) {
        print_error("%s has no rows\n", path);
        ok = false;
    }
    if (!ok) {
        tsv_free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int free_tsv(void **state)
{
    tsv_free(*state);
    *state = NULL;
    return 0;
}

/* ---- Helpers --------------------------------------------------------------- */

static void check_str(const char *got, const char *want, const char *what, const tsv_row_t *row)
{
    if (got != NULL && strcmp(got, want) == 0)
        return;
    print_error("line %zu (%s, %lu): %s\n", row->line, row->name, (unsigned long)row->code, what);
    assert_non_null(got);
    assert_string_equal(got, want);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static unsigned char up(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

static unsigned char low(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static int upcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    while (*p != '\0' && up(*p) == up(*q)) {
        p++;
        q++;
    }
    return (int)up(*p) - (int)up(*q);
}

/* Looks `name` up and asserts it gives (value, is_hresult). */
static void assert_name(const char *name, uint32_t value, bool is_hresult)
{
    uint32_t v = 0xDEADBEEFu;
    bool h = !is_hresult;
    if (!csc_error_from_name(name, &v, &h))
        fail_msg("csc_error_from_name(\"%s\") failed", name);
    assert_int_equal(v, value);
    assert_int_equal(h, is_hresult);
}

/* ---- Every row ------------------------------------------------------------- */

static void test_every_row_matches_the_library(void **state)
{
    const tsv_t *t = *state;
    char buf[256];
    for (size_t i = 0; i < t->count; i++) {
        const tsv_row_t *r = &t->rows[i];
        check_str(csc_win32_message(r->code), r->text, "csc_win32_message", r);
        check_str(csc_win32_name(r->code), r->name, "csc_win32_name", r);
        if (r->code <= 0xFFFFu) {
            csc_hresult hr = CSC_HRESULT_FROM_WIN32(r->code);
            check_str(csc_hresult_message(hr), r->text, "csc_hresult_message", r);
            /* The COM-named codes are checked in test_com_texts_and_names. */
            if (r->code != 0 && r->code != 5 && r->code != 14 && r->code != 87)
                check_str(csc_hresult_name(hr), r->name, "csc_hresult_name", r);
            assert_int_equal(csc_hresult_to_wmi(hr), r->code);
        }

        /* The name, as written, lower-cased and in alternating case. */
        size_t n = strlen(r->name);
        assert_true(n < sizeof buf);
        assert_name(r->name, r->code, false);
        for (size_t k = 0; k <= n; k++)
            buf[k] = (char)low((unsigned char)r->name[k]);
        assert_name(buf, r->code, false);
        for (size_t k = 0; k <= n; k++)
            buf[k] = (char)(k % 2 ? low((unsigned char)r->name[k]) : up((unsigned char)r->name[k]));
        assert_name(buf, r->code, false);
    }
}

static void test_library_has_exactly_the_rows(void **state)
{
    const tsv_t *t = *state;
    assert_true(t->count >= 2000); /* a truncated read would shrink it */

    /* The TSV itself has distinct codes. */
    uint32_t *codes = malloc(t->count * sizeof *codes);
    assert_non_null(codes);
    size_t beyond = 0; /* rows above the scanned range */
    for (size_t i = 0; i < t->count; i++) {
        codes[i] = t->rows[i].code;
        if (codes[i] > 0x3FFFFu)
            beyond++;
    }
    qsort(codes, t->count, sizeof *codes, cmp_u32);
    for (size_t i = 1; i < t->count; i++) {
        if (codes[i] == codes[i - 1])
            fail_msg("code %lu appears twice in the TSV", (unsigned long)codes[i]);
    }
    free(codes);

    /* Every code the library knows in 0..0x3FFFF (the TSV stops below 0x4000). */
    size_t found = 0;
    for (uint32_t c = 0; c <= 0x3FFFFu; c++) {
        const char *msg = csc_win32_message(c);
        const char *name = csc_win32_name(c);
        assert_true((msg == NULL) == (name == NULL));
        if (msg != NULL)
            found++;
    }
    assert_int_equal(found + beyond, t->count);
    assert_int_equal(csc__win32_error_count, t->count);
}

/* The binary searches need these orders; a wrong order loses codes or names. */
static void test_generated_table_is_ordered(void **state)
{
    (void)state;
    size_t n = csc__win32_error_count;
    assert_true(n > 0);
    for (size_t i = 1; i < n; i++)
        assert_true(csc__win32_errors[i - 1].code < csc__win32_errors[i].code);

    bool *seen = calloc(n, sizeof *seen);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        size_t k = csc__win32_errors_by_name[i];
        assert_true(k < n);
        assert_false(seen[k]);
        seen[k] = true;
        if (i > 0) {
            const char *prev = csc__win32_errors[csc__win32_errors_by_name[i - 1]].name;
            assert_true(upcmp(prev, csc__win32_errors[k].name) < 0);
        }
    }
    free(seen);
}

static void assert_no_line_break(const char *s)
{
    assert_non_null(s);
    size_t n = strlen(s);
    assert_true(n > 0);
    if (s[n - 1] == '\n' || s[n - 1] == '\r' || strchr(s, '\n') != NULL || strchr(s, '\r') != NULL)
        fail_msg("text with a line break: \"%s\"", s);
}

static void test_texts_have_no_line_break(void **state)
{
    const tsv_t *t = *state;
    for (size_t i = 0; i < t->count; i++)
        assert_no_line_break(csc_win32_message(t->rows[i].code));
    const uint32_t com[] = {0x00000000u, 0x00000001u, 0x80004001u, 0x80004002u, 0x80004003u,
                            0x80004005u, 0x8000FFFFu, 0x80070005u, 0x8007000Eu, 0x80070057u};
    for (size_t i = 0; i < sizeof com / sizeof com[0]; i++)
        assert_no_line_break(csc_hresult_message(CSC_HR(com[i])));
}

/* ---- The texts the contract relies on (windows-reference.md section 9) ---- */

static const struct {
    const char *name;
    uint32_t code;
    const char *text;
} contract_texts[] = {
    {"ERROR_SUCCESS", 0, "The operation completed successfully."},
    {"ERROR_INVALID_FUNCTION", 1, "Incorrect function."},
    {"ERROR_FILE_NOT_FOUND", 2, "The system cannot find the file specified."},
    {"ERROR_PATH_NOT_FOUND", 3, "The system cannot find the path specified."},
    {"ERROR_ACCESS_DENIED", 5, "Access is denied."},
    {"ERROR_NOT_ENOUGH_MEMORY", 8, "Not enough memory resources are available to process this command."},
    {"ERROR_OUTOFMEMORY", 14, "Not enough storage is available to complete this operation."},
    {"ERROR_SHARING_VIOLATION", 32,
     "The process cannot access the file because it is being used by another process."},
    {"ERROR_NOT_SUPPORTED", 50, "The request is not supported."},
    {"ERROR_BAD_NETPATH", 53, "The network path was not found."},
    {"ERROR_NETNAME_DELETED", 64, "The specified network name is no longer available."},
    {"ERROR_BAD_NET_NAME", 67, "The network name cannot be found."},
    {"ERROR_FILE_EXISTS", 80, "The file exists."},
    {"ERROR_INVALID_PARAMETER", 87, "The parameter is incorrect."},
    {"ERROR_DISK_FULL", 112, "There is not enough space on the disk."},
    {"ERROR_INVALID_NAME", 123, "The filename, directory name, or volume label syntax is incorrect."},
    {"ERROR_DIR_NOT_EMPTY", 145, "The directory is not empty."},
    {"ERROR_BAD_PATHNAME", 161, "The specified path is invalid."},
    {"ERROR_BUSY", 170, "The requested resource is in use."},
    {"ERROR_ALREADY_EXISTS", 183, "Cannot create a file when that file already exists."},
    {"ERROR_MORE_DATA", 234, "More data is available."},
    {"ERROR_NO_MORE_ITEMS", 259, "No more data is available."},
    {"ERROR_INVALID_FLAGS", 1004, "Invalid flags."},
    {"ERROR_SERVICE_NOT_ACTIVE", 1062, "The service has not been started."},
    {"ERROR_NOT_FOUND", 1168, "Element not found."},
    {"ERROR_CANCELLED", 1223, "The operation was canceled by the user."},
    {"ERROR_REQUEST_ABORTED", 1235, "The request was aborted."},
    {"ERROR_CSCSHARE_OFFLINE", 1262, "The share is currently offline or does not exist."},
    {"ERROR_PRIVILEGE_NOT_HELD", 1314, "A required privilege is not held by the client."},
    {"ERROR_NOT_CONNECTED", 2250, "This network connection does not exist."},
    {"ERROR_FILE_OFFLINE", 4350, "This file is currently not available for use on this computer."},
};

static void test_contract_texts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof contract_texts / sizeof contract_texts[0]; i++) {
        uint32_t code = contract_texts[i].code;
        assert_string_equal(csc_win32_message(code), contract_texts[i].text);
        assert_string_equal(csc_win32_name(code), contract_texts[i].name);
        assert_string_equal(csc_hresult_message(CSC_HRESULT_FROM_WIN32(code)), contract_texts[i].text);
        assert_name(contract_texts[i].name, code, false);
    }
    /* The progress example of C6.2. */
    assert_string_equal(csc_hresult_message(CSC_HR(0x80070002u)),
                        "The system cannot find the file specified.");
    assert_string_equal(csc_hresult_message(CSC_E_CANCELLED), "The operation was canceled by the user.");
}

/* The header's constants name the codes they claim to. */
static void test_header_constants(void **state)
{
    (void)state;
    assert_string_equal(csc_win32_name(CSC_ERROR_SUCCESS), "ERROR_SUCCESS");
    assert_string_equal(csc_win32_name(CSC_ERROR_FILE_NOT_FOUND), "ERROR_FILE_NOT_FOUND");
    assert_string_equal(csc_win32_name(CSC_ERROR_ACCESS_DENIED), "ERROR_ACCESS_DENIED");
    assert_string_equal(csc_win32_name(CSC_ERROR_OUTOFMEMORY), "ERROR_OUTOFMEMORY");
    assert_string_equal(csc_win32_name(CSC_ERROR_SHARING_VIOLATION), "ERROR_SHARING_VIOLATION");
    assert_string_equal(csc_win32_name(CSC_ERROR_INVALID_PARAMETER), "ERROR_INVALID_PARAMETER");
    assert_string_equal(csc_win32_name(CSC_ERROR_DISK_FULL), "ERROR_DISK_FULL");
    assert_string_equal(csc_win32_name(CSC_ERROR_INVALID_NAME), "ERROR_INVALID_NAME");
    assert_string_equal(csc_win32_name(CSC_ERROR_BUSY), "ERROR_BUSY");
    assert_string_equal(csc_win32_name(CSC_ERROR_ALREADY_EXISTS), "ERROR_ALREADY_EXISTS");
    assert_string_equal(csc_win32_name(CSC_ERROR_MORE_DATA), "ERROR_MORE_DATA");
    assert_string_equal(csc_win32_name(CSC_ERROR_DIRECTORY), "ERROR_DIRECTORY");
    assert_string_equal(csc_win32_name(CSC_ERROR_CANCELLED), "ERROR_CANCELLED");

    assert_string_equal(csc_hresult_name(CSC_E_FILE_NOT_FOUND), "ERROR_FILE_NOT_FOUND");
    assert_string_equal(csc_hresult_name(CSC_E_SHARING_VIOLATION), "ERROR_SHARING_VIOLATION");
    assert_string_equal(csc_hresult_name(CSC_E_DISK_FULL), "ERROR_DISK_FULL");
    assert_string_equal(csc_hresult_name(CSC_E_INVALID_NAME), "ERROR_INVALID_NAME");
    assert_string_equal(csc_hresult_name(CSC_E_BUSY), "ERROR_BUSY");
    assert_string_equal(csc_hresult_name(CSC_E_ALREADY_EXISTS), "ERROR_ALREADY_EXISTS");
    assert_string_equal(csc_hresult_name(CSC_E_MORE_DATA), "ERROR_MORE_DATA");
    assert_string_equal(csc_hresult_name(CSC_E_DIRECTORY), "ERROR_DIRECTORY");
    assert_string_equal(csc_hresult_name(CSC_E_CANCELLED), "ERROR_CANCELLED");

    assert_int_equal((uint32_t)CSC_HRESULT_FROM_WIN32(0u), 0u);
    assert_int_equal((uint32_t)CSC_HRESULT_FROM_WIN32(1223u), 0x800704C7u);
    assert_true(CSC_FAILED(CSC_E_CANCELLED));
    assert_true(CSC_SUCCEEDED(CSC_S_FALSE));
}

/* ---- COM codes (C6.1) -------------------------------------------------------- */

static void test_com_texts_and_names(void **state)
{
    (void)state;
    assert_string_equal(csc_hresult_message(CSC_E_POINTER), "Invalid pointer");
    assert_string_equal(csc_hresult_message(CSC_E_FAIL), "Unspecified error");
    assert_string_equal(csc_hresult_message(CSC_E_NOTIMPL), "Not implemented");
    assert_string_equal(csc_hresult_message(CSC_E_NOINTERFACE), "No such interface supported");
    assert_string_equal(csc_hresult_message(CSC_E_UNEXPECTED), "Catastrophic failure");
    /* S_OK and facility Win32 take the Win32 text; S_FALSE that of code 1. */
    assert_string_equal(csc_hresult_message(CSC_S_OK), "The operation completed successfully.");
    assert_string_equal(csc_hresult_message(CSC_S_FALSE), "Incorrect function.");
    assert_string_equal(csc_hresult_message(CSC_E_ACCESSDENIED), "Access is denied.");
    assert_string_equal(csc_hresult_message(CSC_E_INVALIDARG), "The parameter is incorrect.");
    assert_string_equal(csc_hresult_message(CSC_E_OUTOFMEMORY),
                        "Not enough storage is available to complete this operation.");
    assert_ptr_equal(csc_hresult_message(CSC_E_OUTOFMEMORY), csc_win32_message(CSC_ERROR_OUTOFMEMORY));

    assert_string_equal(csc_hresult_name(CSC_S_OK), "S_OK");
    assert_string_equal(csc_hresult_name(CSC_S_FALSE), "S_FALSE");
    assert_string_equal(csc_hresult_name(CSC_E_INVALIDARG), "E_INVALIDARG");
    assert_string_equal(csc_hresult_name(CSC_E_ACCESSDENIED), "E_ACCESSDENIED");
    assert_string_equal(csc_hresult_name(CSC_E_OUTOFMEMORY), "E_OUTOFMEMORY");
    assert_string_equal(csc_hresult_name(CSC_E_POINTER), "E_POINTER");
    assert_string_equal(csc_hresult_name(CSC_E_FAIL), "E_FAIL");
    assert_string_equal(csc_hresult_name(CSC_E_NOTIMPL), "E_NOTIMPL");
    assert_string_equal(csc_hresult_name(CSC_E_NOINTERFACE), "E_NOINTERFACE");
    assert_string_equal(csc_hresult_name(CSC_E_UNEXPECTED), "E_UNEXPECTED");
    /* Values from winerror.h, not only from our own header. */
    assert_string_equal(csc_hresult_name(CSC_HR(0x80070057u)), "E_INVALIDARG");
    assert_string_equal(csc_hresult_name(CSC_HR(0x80004003u)), "E_POINTER");
    assert_string_equal(csc_hresult_name(CSC_HR(0x8000FFFFu)), "E_UNEXPECTED");
    /* Win32 code 8 is ERROR_NOT_ENOUGH_MEMORY, not E_OUTOFMEMORY. */
    assert_string_equal(csc_hresult_name(CSC_HR(0x80070008u)), "ERROR_NOT_ENOUGH_MEMORY");
}

static void test_unknown_codes(void **state)
{
    (void)state;
    /* Codes absent from the TSV. */
    const uint32_t win32[] = {0xFFFFu, 0x10000u, 0x80070002u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof win32 / sizeof win32[0]; i++) {
        assert_null(csc_win32_message(win32[i]));
        assert_null(csc_win32_name(win32[i]));
    }
    /* Not S_OK/S_FALSE, not facility Win32, not a listed COM code. */
    const uint32_t hrs[] = {0x00000002u,  /* a positive success code */
                            0x00070002u,  /* facility 7 without the failure bit */
                            0x80040154u,  /* REGDB_E_CLASSNOTREG */
                            0x80004004u,  /* E_ABORT: no contract text */
                            0x80080002u,  /* facility 8 */
                            0xC0070002u,  /* not 0x8007xxxx */
                            0x8007FFFFu}; /* facility Win32, unknown code */
    /* Never NULL (issue 12): Windows' text for a message number it cannot
     * find, and a generic name; csc_hresult_known tells them apart. */
    for (size_t i = 0; i < sizeof hrs / sizeof hrs[0]; i++) {
        assert_false(csc_hresult_known(CSC_HR(hrs[i])));
        assert_string_equal(csc_hresult_message(CSC_HR(hrs[i])),
                            "The system cannot find message text for message number 0x%1 in "
                            "the message file for %2.");
        assert_string_equal(csc_hresult_name(CSC_HR(hrs[i])), "UNKNOWN");
        /* The WMI event form keeps an empty text for them (C6.2). */
        csc_event_t ev = {CSC_EVENT_ITEM_RESULT, CSC_HR(hrs[i]), "\\\\s\\h", 6};
        char buf[128];
        csc_event_format_wmi(&ev, buf, sizeof buf);
        char want[64];
        snprintf(want, sizeof want, "3:0x%08X::\\\\s\\h", (unsigned)hrs[i]);
        assert_string_equal(buf, want);
    }
    assert_true(csc_hresult_known(CSC_S_OK));
    assert_true(csc_hresult_known(CSC_E_POINTER));
    assert_true(csc_hresult_known(CSC_E_BUSY));
}

/* ---- WMI return values (C4.8) ------------------------------------------------ */

static void test_hresult_to_wmi(void **state)
{
    (void)state;
    assert_int_equal(csc_hresult_to_wmi(CSC_S_OK), 0u);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0x80070002u)), 2u);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0x800704C7u)), 1223u);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0x80004003u)), 0x80004003u);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0x80070057u)), 87u);
    assert_int_equal(csc_hresult_to_wmi(CSC_S_FALSE), 1u);
    assert_int_equal(csc_hresult_to_wmi(CSC_E_FAIL), 0x80004005u);
    assert_int_equal(csc_hresult_to_wmi(CSC_E_UNEXPECTED), 0x8000FFFFu);
    assert_int_equal(csc_hresult_to_wmi(CSC_E_OUTOFMEMORY), 14u);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0x8007FFFFu)), 0xFFFFu);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0xC0070002u)), 0xC0070002u);
    assert_int_equal(csc_hresult_to_wmi(CSC_HR(0x00070002u)), 0x00070002u);
}

/* ---- Lookup by name ---------------------------------------------------------- */

static void test_error_from_name(void **state)
{
    (void)state;
    assert_name("ERROR_CANCELLED", 1223u, false);
    assert_name("error_cancelled", 1223u, false);
    assert_name("Error_Cancelled", 1223u, false);
    assert_name("eRROR_fILE_nOT_fOUND", 2u, false);
    assert_name("error_success", 0u, false);
    assert_name("wait_timeout", 258u, false);
    assert_name("ERROR_OUTOFMEMORY", 14u, false);

    assert_name("S_OK", 0x00000000u, true);
    assert_name("s_false", 0x00000001u, true);
    assert_name("E_INVALIDARG", 0x80070057u, true);
    assert_name("e_AccessDenied", 0x80070005u, true);
    assert_name("E_OutOfMemory", 0x8007000Eu, true);
    assert_name("E_POINTER", 0x80004003u, true);
    assert_name("e_fail", 0x80004005u, true);
    assert_name("E_NOTIMPL", 0x80004001u, true);
    assert_name("E_NoInterface", 0x80004002u, true);
    assert_name("E_UNEXPECTED", 0x8000FFFFu, true);
}

static void assert_unknown_name(const char *name)
{
    uint32_t v = 0x12345678u;
    bool h = true;
    if (csc_error_from_name(name, &v, &h))
        fail_msg("csc_error_from_name(\"%s\") succeeded", name);
    assert_int_equal(v, 0x12345678u);
    assert_true(h);
}

static void test_error_from_name_rejects(void **state)
{
    (void)state;
    assert_unknown_name("");
    assert_unknown_name("ERROR_");
    assert_unknown_name("ERROR_CANCELLE");
    assert_unknown_name("ERROR_CANCELLEDX");
    assert_unknown_name(" ERROR_CANCELLED");
    assert_unknown_name("ERROR_CANCELLED ");
    assert_unknown_name("ERROR-CANCELLED");
    assert_unknown_name("E_ABORT");
    assert_unknown_name("S_O");
    assert_unknown_name("S_OKAY");
    assert_unknown_name("0x80070002");
    assert_unknown_name("1223");
    assert_unknown_name("\xc3\x89RROR_CANCELLED");
    assert_unknown_name("~~~~");
    assert_unknown_name("AAAA");

    uint32_t v = 7u;
    bool h = false;
    assert_false(csc_error_from_name(NULL, &v, &h));
    assert_false(csc_error_from_name("ERROR_CANCELLED", NULL, &h));
    assert_false(csc_error_from_name("ERROR_CANCELLED", &v, NULL));
    assert_false(csc_error_from_name("S_OK", &v, NULL));
    assert_int_equal(v, 7u);
    assert_false(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_matches_the_library),
        cmocka_unit_test(test_library_has_exactly_the_rows),
        cmocka_unit_test(test_generated_table_is_ordered),
        cmocka_unit_test(test_texts_have_no_line_break),
        cmocka_unit_test(test_contract_texts),
        cmocka_unit_test(test_header_constants),
        cmocka_unit_test(test_com_texts_and_names),
        cmocka_unit_test(test_unknown_codes),
        cmocka_unit_test(test_hresult_to_wmi),
        cmocka_unit_test(test_error_from_name),
        cmocka_unit_test(test_error_from_name_rejects),
    };
    return cmocka_run_group_tests(tests, load_tsv, free_tsv);
}
