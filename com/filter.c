/*
 * com/filter.c: the client's IOfflineFilesItemFilter objects of FindItemEx
 * and EnumItemsEx (C16.4). A filter's criteria are read once per call,
 * before the cache is held (GetFilterFlags, GetTimeFilter,
 * GetPatternFilter; E_NOTIMPL leaves a criterion out), then each file or
 * directory is tested: the flags and mask against the item's state bits
 * (OFFLINEFILES_ITEM_FILTER_FLAG_*), the time against the item's
 * FileSysInfo time of the type asked (the virtual clock, C5.4), the
 * pattern against the item's name with `*` and `?`, case-insensitively by
 * Unicode simple case folding (C1.3, csc_casefold). An item passes a filter
 * when every criterion it has holds. Servers and shares are not filtered.
 */
#include <stdlib.h>
#include <string.h>

#include "com_private.h"

#define F(x) OFFLINEFILES_ITEM_FILTER_FLAG_##x

static HRESULT read_one(com_filter_t *f, IOfflineFilesItemFilter *obj)
{
    memset(f, 0, sizeof *f);
    if (obj == NULL)
        return S_OK;
    f->given = true;
    HRESULT hr = obj->lpVtbl->GetFilterFlags(obj, &f->flags, &f->mask);
    if (hr == S_OK)
        f->has_flags = true;
    else if (hr != E_NOTIMPL)
        return FAILED(hr) ? hr : E_UNEXPECTED;
    hr = obj->lpVtbl->GetTimeFilter(obj, &f->time, &f->time_of_day, &f->time_type, &f->compare);
    if (hr == S_OK) {
        if ((unsigned)f->time_type > OFFLINEFILES_ITEM_TIME_LASTWRITE ||
            (unsigned)f->compare > OFFLINEFILES_COMPARE_GTE)
            return E_INVALIDARG;
        f->has_time = true;
    } else if (hr != E_NOTIMPL) {
        return FAILED(hr) ? hr : E_UNEXPECTED;
    }
    hr = obj->lpVtbl->GetPatternFilter(obj, f->pattern, COM_PATTERN_CAP);
    if (hr == S_OK) {
        f->pattern[COM_PATTERN_CAP - 1] = 0; /* a client that filled it all */
        f->has_pattern = true;
    } else if (hr != E_NOTIMPL) {
        return FAILED(hr) ? hr : E_UNEXPECTED;
    }
    return S_OK;
}

HRESULT com_filters_read(com_filters_t *fs, IOfflineFilesItemFilter *inc_file,
                         IOfflineFilesItemFilter *inc_dir, IOfflineFilesItemFilter *exc_file,
                         IOfflineFilesItemFilter *exc_dir)
{
    HRESULT hr = read_one(&fs->inc_file, inc_file);
    if (SUCCEEDED(hr))
        hr = read_one(&fs->inc_dir, inc_dir);
    if (SUCCEEDED(hr))
        hr = read_one(&fs->exc_file, exc_file);
    if (SUCCEEDED(hr))
        hr = read_one(&fs->exc_dir, exc_dir);
    return hr;
}

/* ---- the item's side ---- */

typedef struct subject {
    csc_cache_t *cache;
    const csc_item_t *item;
    com_snapshot_t snap;
    bool have_state;   /* snap read */
    bool have_conn;    /* conn read (or failed: neither online nor offline) */
    char *path;        /* for the connect state */
} subject_t;

static const com_snapshot_t *snap(subject_t *s)
{
    if (!s->have_state) {
        size_t len = csc_item_path(s->item, NULL, 0);
        s->path = malloc(len + 1);
        if (s->path != NULL)
            csc_item_path(s->item, s->path, len + 1);
        com_snapshot_read(s->cache, s->item, s->path != NULL ? s->path : "", 0, &s->snap);
        s->have_state = true;
    }
    return &s->snap;
}

/* The OFFLINEFILES_ITEM_FILTER_FLAG_* bits that hold for the item; the
 * connect state is read only when `mask` looks at it. Reserved bits
 * (access, PINNED_OTHERS, GHOST) never hold. */
static ULONGLONG state_bits(subject_t *s, ULONGLONG mask)
{
    const com_snapshot_t *n = snap(s);
    ULONGLONG b = 0;
    bool file = csc_item_type(s->item) == CSC_ITEM_FILE;
    if (n->dirty)
        b |= F(DIRTY);
    if (n->dirty && !n->created_offline && !n->deleted_offline)
        b |= F(MODIFIED) | F(MODIFIED_DATA); /* C13.5: modified offline */
    if (n->created_offline)
        b |= F(CREATED);
    if (n->deleted_offline)
        b |= F(DELETED);
    if (n->sparse)
        b |= F(SPARSE);
    b |= file ? F(FILE) : F(DIRECTORY);
    if (n->pins & CSC_PIN_SOURCE_USER)
        b |= F(PINNED_USER);
    if (n->pins & CSC_PIN_SOURCE_COMPUTER)
        b |= F(PINNED_COMPUTER);
    if (n->pins != 0)
        b |= F(PINNED);
    if (n->suspended)
        b |= F(SUSPENDED);
    if ((mask & (F(ONLINE) | F(OFFLINE))) != 0 && !s->have_conn) {
        s->have_conn = true;
        if (s->path != NULL)
            s->snap.has_conn = SUCCEEDED(
                com_connect_state(s->cache, s->path, &s->snap.conn, &s->snap.reason));
    }
    if (s->snap.has_conn && s->snap.conn == CSC_CONNECT_STATE_ONLINE)
        b |= F(ONLINE);
    if (s->snap.has_conn && s->snap.conn == CSC_CONNECT_STATE_OFFLINE)
        b |= F(OFFLINE);
    return b;
}

static uint64_t ft64(FILETIME t)
{
    return ((uint64_t)t.dwHighDateTime << 32) | t.dwLowDateTime;
}

static bool time_holds(subject_t *s, const com_filter_t *f)
{
    FILETIME t[4];
    com_snapshot_times(snap(s), OFFLINEFILES_ITEM_COPY_LOCAL, t);
    /* OFFLINEFILES_ITEM_TIME: creation, last access, last write. */
    uint64_t v = ft64(f->time_type == OFFLINEFILES_ITEM_TIME_CREATION ? t[0]
                      : f->time_type == OFFLINEFILES_ITEM_TIME_LASTACCESS ? t[3]
                                                                          : t[1]);
    uint64_t w = ft64(f->time);
    if (!f->time_of_day) { /* the date alone */
        v /= 864000000000ull;
        w /= 864000000000ull;
    }
    switch (f->compare) {
    case OFFLINEFILES_COMPARE_EQ: return v == w;
    case OFFLINEFILES_COMPARE_NEQ: return v != w;
    case OFFLINEFILES_COMPARE_LT: return v < w;
    case OFFLINEFILES_COMPARE_GT: return v > w;
    case OFFLINEFILES_COMPARE_LTE: return v <= w;
    default: return v >= w;
    }
}

/* The next code point of a UTF-16 string (an unpaired surrogate is one). */
static uint32_t next_cp(const WCHAR **p)
{
    uint32_t c = **p;
    (*p)++;
    if (c >= 0xD800 && c <= 0xDBFF && **p >= 0xDC00 && **p <= 0xDFFF) {
        c = 0x10000u + ((c - 0xD800u) << 10) + ((uint32_t)**p - 0xDC00u);
        (*p)++;
    }
    return c;
}

/* `*` any run, `?` one character; the rest compares folded (C1.3). The
 * classic single-backtrack glob: linear in practice, no recursion. */
static bool pattern_matches(const WCHAR *pat, const WCHAR *name)
{
    const WCHAR *star = NULL, *resume = NULL;
    while (*name != 0) {
        const WCHAR *p = pat, *n = name;
        uint32_t pc = *p != 0 ? next_cp(&p) : 0;
        if (pc == '*') {
            star = pat = p;
            resume = name;
            continue;
        }
        uint32_t nc = next_cp(&n);
        if (pc != 0 && (pc == '?' || csc_casefold(pc) == csc_casefold(nc))) {
            pat = p;
            name = n;
            continue;
        }
        if (star == NULL)
            return false;
        pat = star;
        next_cp(&resume);
        name = resume;
    }
    while (*pat == '*')
        pat++;
    return *pat == 0;
}

static bool pattern_holds(subject_t *s, const com_filter_t *f)
{
    LPWSTR name;
    if (FAILED(com_wtf8_to_utf16(csc_item_name(s->item), &name)))
        return false;
    bool ok = pattern_matches(f->pattern, name);
    csc_com_free(name);
    return ok;
}

static bool passes(subject_t *s, const com_filter_t *f)
{
    if (f->has_flags && (state_bits(s, f->mask) & f->mask) != (f->flags & f->mask))
        return false;
    if (f->has_time && !time_holds(s, f))
        return false;
    return !f->has_pattern || pattern_holds(s, f);
}

bool com_filters_keep(const com_filters_t *fs, csc_cache_t *cache, const csc_item_t *item)
{
    if (fs == NULL)
        return true;
    const com_filter_t *inc, *exc;
    switch (csc_item_type(item)) {
    case CSC_ITEM_FILE:
        inc = &fs->inc_file;
        exc = &fs->exc_file;
        break;
    case CSC_ITEM_DIRECTORY:
        inc = &fs->inc_dir;
        exc = &fs->exc_dir;
        break;
    default:
        return true; /* servers and shares are not filtered [decision] */
    }
    if (!inc->given && !exc->given)
        return true;
    subject_t s = {cache, item, {0}, false, false, NULL};
    bool keep = (!inc->given || passes(&s, inc)) && (!exc->given || !passes(&s, exc));
    free(s.path);
    return keep;
}
