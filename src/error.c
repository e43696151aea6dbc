/*
 * src/error.c: names and English texts of the codes the library returns, and
 * their WMI form. It owns the rules that turn an HRESULT into text (contract
 * C6.1), into a name and into a WMI return value (C4.8); the Win32 codes
 * themselves live in the generated table of error_table.h, searched by binary
 * search on code or on name. The few COM codes that are not HRESULT_FROM_WIN32
 * of a Win32 code are listed here. Nothing here allocates or changes: every
 * string returned is a static constant.
 */
#include "cscsim/error.h"

#include <string.h>

#include "error_table.h"

/* The COM codes with a name of their own; text NULL means "the Win32 text". */
typedef struct com_code {
    uint32_t hr;
    const char *name;
    const char *text;
} com_code_t;

static const com_code_t com_codes[] = {
    {0x00000000u, "S_OK", NULL},
    {0x00000001u, "S_FALSE", NULL},
    {0x80004001u, "E_NOTIMPL", "Not implemented"},
    {0x80004002u, "E_NOINTERFACE", "No such interface supported"},
    {0x80004003u, "E_POINTER", "Invalid pointer"},
    {0x80004005u, "E_FAIL", "Unspecified error"},
    {0x8000FFFFu, "E_UNEXPECTED", "Catastrophic failure"},
    {0x80070005u, "E_ACCESSDENIED", NULL},
    {0x8007000Eu, "E_OUTOFMEMORY", NULL},
    {0x80070057u, "E_INVALIDARG", NULL},
};

#define COM_CODE_COUNT (sizeof com_codes / sizeof com_codes[0])

static bool is_facility_win32(uint32_t hr)
{
    return (hr & 0xFFFF0000u) == 0x80070000u;
}

static const com_code_t *find_com_code(uint32_t hr)
{
    for (size_t i = 0; i < COM_CODE_COUNT; i++) {
        if (com_codes[i].hr == hr)
            return &com_codes[i];
    }
    return NULL;
}

static const csc__win32_error_t *find_win32_code(uint32_t code)
{
    size_t lo = 0, hi = csc__win32_error_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t c = csc__win32_errors[mid].code;
        if (c == code)
            return &csc__win32_errors[mid];
        if (c < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ASCII-only upper-casing: independent of the C locale, and the order the
 * generator sorted csc__win32_errors_by_name in. */
static unsigned char ascii_upper(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

static int ascii_casecmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    for (;; p++, q++) {
        unsigned char x = ascii_upper(*p), y = ascii_upper(*q);
        if (x != y || x == '\0')
            return (int)x - (int)y;
    }
}

static const csc__win32_error_t *find_win32_name(const char *name)
{
    size_t lo = 0, hi = csc__win32_error_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const csc__win32_error_t *e = &csc__win32_errors[csc__win32_errors_by_name[mid]];
        int cmp = ascii_casecmp(name, e->name);
        if (cmp == 0)
            return e;
        if (cmp > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *csc_win32_message(uint32_t code)
{
    const csc__win32_error_t *e = find_win32_code(code);
    return e != NULL ? e->text : NULL;
}

const char *csc_win32_name(uint32_t code)
{
    const csc__win32_error_t *e = find_win32_code(code);
    return e != NULL ? e->name : NULL;
}

/* Windows' own words for a message number it has no text for (Win32 317,
 * ERROR_MR_MID_NOT_FOUND), inserts as written: what FormatMessage gives
 * with FORMAT_MESSAGE_IGNORE_INSERTS after failing. */
#define UNKNOWN_TEXT_CODE 317u
#define UNKNOWN_NAME "UNKNOWN"

static const char *known_message(csc_hresult hr)
{
    uint32_t u = (uint32_t)hr;
    /* S_OK is ERROR_SUCCESS. S_FALSE has no text in the contract; Windows'
     * FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM, 1) reads it as Win32 code 1,
     * ERROR_INVALID_FUNCTION, "Incorrect function.", and so do we. */
    if (u == 0x00000000u || u == 0x00000001u)
        return csc_win32_message(u);
    if (is_facility_win32(u))
        return csc_win32_message(u & 0xFFFFu);
    const com_code_t *c = find_com_code(u);
    return c != NULL ? c->text : NULL;
}

bool csc_hresult_known(csc_hresult hr)
{
    return known_message(hr) != NULL;
}

const char *csc__hresult_text(csc_hresult hr)
{
    return known_message(hr);
}

const char *csc_hresult_message(csc_hresult hr)
{
    const char *text = known_message(hr);
    return text != NULL ? text : csc_win32_message(UNKNOWN_TEXT_CODE);
}

const char *csc_hresult_name(csc_hresult hr)
{
    uint32_t u = (uint32_t)hr;
    const com_code_t *c = find_com_code(u);
    const char *name = NULL;
    if (c != NULL)
        name = c->name;
    else if (is_facility_win32(u))
        name = csc_win32_name(u & 0xFFFFu);
    return name != NULL ? name : UNKNOWN_NAME;
}

bool csc_error_from_name(const char *name, uint32_t *value, bool *is_hresult)
{
    if (name == NULL || value == NULL || is_hresult == NULL)
        return false;
    for (size_t i = 0; i < COM_CODE_COUNT; i++) {
        if (ascii_casecmp(name, com_codes[i].name) == 0) {
            *value = com_codes[i].hr;
            *is_hresult = true;
            return true;
        }
    }
    const csc__win32_error_t *e = find_win32_name(name);
    if (e == NULL)
        return false;
    *value = e->code;
    *is_hresult = false;
    return true;
}

uint32_t csc_hresult_to_wmi(csc_hresult hr)
{
    uint32_t u = (uint32_t)hr;
    /* C4.8, literally: 0x8007xxxx becomes xxxx. The library never returns
     * 0x80070000 (HRESULT_FROM_WIN32(0) is 0), which would map to 0. */
    if (is_facility_win32(u))
        return u & 0xFFFFu;
    return u;
}
