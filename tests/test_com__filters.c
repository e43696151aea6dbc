/*
 * tests/test_com__filters.c: the client's IOfflineFilesItemFilter objects
 * in FindItemEx and EnumItemsEx (C16.4): include and exclude filters per
 * kind (files, directories; servers and shares never filtered), the flags
 * and mask against the item's state bits (pinned, dirty, file or
 * directory, suspended, online or offline), the time filter against the
 * virtual clock with and without the time of day, the pattern filter with
 * `*` and `?` compared by simple case folding (C1.3), criteria a filter
 * does not implement (E_NOTIMPL), a filter's own failure and bad values,
 * the query flags checked first, the filters never held after the call,
 * and reference counts back to zero.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "com/com_sink.h"

/* ---- a filter object of the client's ---- */

typedef struct filter {
    IOfflineFilesItemFilter iface;
    long ref;
    int calls;
    HRESULT flags_hr, time_hr, pattern_hr; /* S_OK: the criterion is used */
    ULONGLONG flags, mask;
    FILETIME time;
    BOOL time_of_day;
    OFFLINEFILES_ITEM_TIME time_type;
    OFFLINEFILES_COMPARE compare;
    const WCHAR *pattern;
} filter_t;

static HRESULT STDMETHODCALLTYPE f_qi(IOfflineFilesItemFilter *i, REFIID riid, void **ppv)
{
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesItemFilter)) {
        *ppv = i;
        ((filter_t *)i)->ref++;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE f_addref(IOfflineFilesItemFilter *i)
{
    return (ULONG)++((filter_t *)i)->ref;
}
static ULONG STDMETHODCALLTYPE f_release(IOfflineFilesItemFilter *i)
{
    return (ULONG)--((filter_t *)i)->ref;
}
static HRESULT STDMETHODCALLTYPE f_flags(IOfflineFilesItemFilter *i, ULONGLONG *flags,
                                         ULONGLONG *mask)
{
    filter_t *f = (filter_t *)i;
    f->calls++;
    *flags = f->flags;
    *mask = f->mask;
    return f->flags_hr;
}
static HRESULT STDMETHODCALLTYPE f_time(IOfflineFilesItemFilter *i, FILETIME *t, BOOL *tod,
                                        OFFLINEFILES_ITEM_TIME *type, OFFLINEFILES_COMPARE *cmp)
{
    filter_t *f = (filter_t *)i;
    f->calls++;
    *t = f->time;
    *tod = f->time_of_day;
    *type = f->time_type;
    *cmp = f->compare;
    return f->time_hr;
}
static HRESULT STDMETHODCALLTYPE f_pattern(IOfflineFilesItemFilter *i, LPWSTR buf, ULONG cch)
{
    filter_t *f = (filter_t *)i;
    f->calls++;
    if (f->pattern_hr == S_OK) {
        size_t n = 0;
        while (f->pattern[n] != 0)
            n++;
        assert_true(n < cch);
        memcpy(buf, f->pattern, (n + 1) * sizeof(WCHAR));
    }
    return f->pattern_hr;
}
static const IOfflineFilesItemFilterVtbl filter_vtbl = {f_qi, f_addref, f_release,
                                                        f_flags, f_time, f_pattern};

static void filter_init(filter_t *f)
{
    memset(f, 0, sizeof *f);
    f->iface.lpVtbl = &filter_vtbl;
    f->ref = 1;
    f->flags_hr = f->time_hr = f->pattern_hr = E_NOTIMPL;
}
static void by_flags(filter_t *f, ULONGLONG flags, ULONGLONG mask)
{
    filter_init(f);
    f->flags_hr = S_OK;
    f->flags = flags;
    f->mask = mask;
}
static void by_pattern(filter_t *f, const WCHAR *pattern)
{
    filter_init(f);
    f->pattern_hr = S_OK;
    f->pattern = pattern;
}

/* ---- fixture ---- */

typedef struct fixture {
    csc_cache_t *cache;
    IOfflineFilesCache *pc;
    IOfflineFilesItemContainer *root;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    assert_int_equal(csc_cache_new(&f->cache, NULL), S_OK);
    const char *files[] = {"\\\\srv\\docs\\a.txt", "\\\\srv\\docs\\B.doc",
                           "\\\\srv\\docs\\sub\\c.txt", "\\\\srv\\docs\\sub\\deep\\d.TXT",
                           "\\\\srv\\docs\\\xCE\x91\xCE\x92\xCE\x93.txt", /* ΑΒΓ.txt */
                           "\\\\other\\s\\e.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        assert_int_equal(csc_cache_file(f->cache, files[i], true, 10, NULL), S_OK);
    assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesCache, NULL,
                                             &IID_IOfflineFilesItemContainer, (void **)&f->root),
                     S_OK);
    assert_int_equal(f->root->lpVtbl->QueryInterface(f->root, &IID_IOfflineFilesCache,
                                                     (void **)&f->pc),
                     S_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 1);
    assert_int_equal(f->root->lpVtbl->Release(f->root), 0);
    csc_cache_free(f->cache);
    free(f);
    return 0;
}

/* The paths an enumerator lists, one a line ("\\srv\docs\a.txt\n"...). */
static void listing(IEnumOfflineFilesItems *e, char *out, size_t size)
{
    out[0] = '\0';
    IOfflineFilesItem *item;
    while (e->lpVtbl->Next(e, 1, &item, NULL) == S_OK) {
        LPWSTR p;
        assert_int_equal(item->lpVtbl->GetPath(item, &p), S_OK);
        char line[300];
        sink_w(line, sizeof line, p);
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s\n", line);
        CoTaskMemFree(p);
        assert_int_equal(item->lpVtbl->Release(item), 1);
    }
    assert_int_equal(e->lpVtbl->Release(e), 0);
}

static void enum_flat(fixture_t *f, IOfflineFilesItemFilter *inc_file,
                      IOfflineFilesItemFilter *inc_dir, IOfflineFilesItemFilter *exc_file,
                      IOfflineFilesItemFilter *exc_dir, DWORD enum_flags, const char *want)
{
    IEnumOfflineFilesItems *e = NULL;
    assert_int_equal(f->root->lpVtbl->EnumItemsEx(f->root, inc_file, inc_dir, exc_file, exc_dir,
                                                  enum_flags, 0, &e),
                     S_OK);
    char got[2048];
    listing(e, got, sizeof got);
    assert_string_equal(got, want);
}

#define ALL_FLAT                                                                                \
    "\\\\other\n\\\\other\\s\n\\\\other\\s\\e.txt\n\\\\srv\n\\\\srv\\docs\n"                   \
    "\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n\\\\srv\\docs\\sub\n"                          \
    "\\\\srv\\docs\\sub\\c.txt\n\\\\srv\\docs\\sub\\deep\n\\\\srv\\docs\\sub\\deep\\d.TXT\n"    \
    "\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n"

static void test_no_filters(void **state)
{
    fixture_t *f = *state;
    enum_flat(f, NULL, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT, ALL_FLAT);
}

/* Pattern filters: `*`, `?`, simple case folding (C1.3) beyond ASCII. */
static void test_pattern_filters(void **state)
{
    fixture_t *f = *state;
    filter_t inc;
    by_pattern(&inc, u"*.txt");
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\other\\s\\e.txt\n\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\sub\\c.txt\n"
              "\\\\srv\\docs\\sub\\deep\\d.TXT\n\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    assert_int_equal(inc.calls, 3); /* read once per call */
    assert_int_equal(inc.ref, 1);   /* not held after the call */
    by_pattern(&inc, u"\u03b1\u03b2?.T*"); /* αβ?.T* */
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    by_pattern(&inc, u"?.*");
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\other\\s\\e.txt\n\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n"
              "\\\\srv\\docs\\sub\\c.txt\n\\\\srv\\docs\\sub\\deep\\d.TXT\n");
    by_pattern(&inc, u"b*c");
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\B.doc\n");
    /* An exclude filter for directories: "sub" and "deep" go, their files
     * stay (each item is judged alone); servers and shares are not
     * filtered. */
    filter_t exc;
    by_pattern(&exc, u"*");
    enum_flat(f, NULL, NULL, NULL, &exc.iface, OFFLINEFILES_ENUM_FLAT,
              "\\\\other\n\\\\other\\s\n\\\\other\\s\\e.txt\n\\\\srv\n\\\\srv\\docs\n"
              "\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n\\\\srv\\docs\\sub\\c.txt\n"
              "\\\\srv\\docs\\sub\\deep\\d.TXT\n\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    /* Include and exclude together; not flat: the share's children. */
    by_pattern(&inc, u"*.t?t");
    by_pattern(&exc, u"a*");
    IOfflineFilesItem *share = NULL;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs", 0, &share), S_OK);
    IOfflineFilesItemContainer *c;
    assert_int_equal(share->lpVtbl->QueryInterface(share, &IID_IOfflineFilesItemContainer,
                                                   (void **)&c),
                     S_OK);
    IEnumOfflineFilesItems *e;
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, &inc.iface, NULL, &exc.iface, NULL, 0, 0, &e), S_OK);
    char got[1024];
    listing(e, got, sizeof got);
    assert_string_equal(got, "\\\\srv\\docs\\sub\n\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(share->lpVtbl->Release(share), 0);
}

/* Flags and mask against the state bits. */
static void test_flag_filters(void **state)
{
    fixture_t *f = *state;
    LPCWSTR pin[] = {u"\\\\srv\\docs\\sub"};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, pin, 1, TRUE, FALSE, 0x80, NULL), S_OK);
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 3), S_OK);
    filter_t inc;
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_PINNED, OFFLINEFILES_ITEM_FILTER_FLAG_PINNED);
    enum_flat(f, &inc.iface, &inc.iface, NULL, NULL, OFFLINEFILES_ENUM_FLAT,
              "\\\\other\n\\\\other\\s\n\\\\srv\n\\\\srv\\docs\n\\\\srv\\docs\\sub\n"
              "\\\\srv\\docs\\sub\\c.txt\n\\\\srv\\docs\\sub\\deep\n"
              "\\\\srv\\docs\\sub\\deep\\d.TXT\n");
    /* Pinned for the computer but not for the user. */
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_PINNED_COMPUTER,
             OFFLINEFILES_ITEM_FILTER_FLAG_PINNED_COMPUTER | OFFLINEFILES_ITEM_FILTER_FLAG_PINNED_USER);
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\sub\\c.txt\n\\\\srv\\docs\\sub\\deep\\d.TXT\n");
    /* Dirty (modified offline: DIRTY, MODIFIED, MODIFIED_DATA). */
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_DIRTY | OFFLINEFILES_ITEM_FILTER_FLAG_MODIFIED_DATA,
             OFFLINEFILES_ITEM_FILTER_FLAG_DIRTY | OFFLINEFILES_ITEM_FILTER_FLAG_MODIFIED_DATA |
                 OFFLINEFILES_ITEM_FILTER_FLAG_CREATED);
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\a.txt\n");
    /* Excluding by a kind bit: DIRECTORY excludes every directory. */
    filter_t exc;
    by_flags(&exc, OFFLINEFILES_ITEM_FILTER_FLAG_DIRECTORY, OFFLINEFILES_ITEM_FILTER_FLAG_DIRECTORY);
    enum_flat(f, NULL, NULL, NULL, &exc.iface, OFFLINEFILES_ENUM_FLAT,
              "\\\\other\n\\\\other\\s\n\\\\other\\s\\e.txt\n\\\\srv\n\\\\srv\\docs\n"
              "\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n\\\\srv\\docs\\sub\\c.txt\n"
              "\\\\srv\\docs\\sub\\deep\\d.TXT\n\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    /* Suspended, offline and online. */
    assert_int_equal(csc_suspend_root(f->cache, "\\\\srv\\docs\\sub\\deep", true), S_OK);
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_SUSPENDED, OFFLINEFILES_ITEM_FILTER_FLAG_SUSPENDED);
    enum_flat(f, &inc.iface, &inc.iface, NULL, NULL, OFFLINEFILES_ENUM_FLAT,
              "\\\\other\n\\\\other\\s\n\\\\srv\n\\\\srv\\docs\n\\\\srv\\docs\\sub\\deep\n"
              "\\\\srv\\docs\\sub\\deep\\d.TXT\n");
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\other", CSC_NETWORK_DOWN), S_OK);
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_OFFLINE, OFFLINEFILES_ITEM_FILTER_FLAG_OFFLINE);
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\other\\s\\e.txt\n\\\\srv\\docs\\sub\\deep\\d.TXT\n");
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_ONLINE, OFFLINEFILES_ITEM_FILTER_FLAG_ONLINE);
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n\\\\srv\\docs\\sub\\c.txt\n"
              "\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    /* Reserved bits never hold; a zero mask passes everything. */
    by_flags(&inc, OFFLINEFILES_ITEM_FILTER_FLAG_GHOST, OFFLINEFILES_ITEM_FILTER_FLAG_GHOST);
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "");
    by_flags(&inc, ~0ull, 0);
    enum_flat(f, NULL, NULL, &inc.iface, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "");
}

/* Time filters: the item's last access (its last use, C5.4) and last write
 * (its server's last change) against the filter's FILETIME. */
static void test_time_filters(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(csc_cache_advance_clock(f->cache, 86400 * 3 + 60), S_OK);
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_touch(f->cache, a), S_OK);
    filter_t inc;
    filter_init(&inc);
    inc.time_hr = S_OK;
    uint64_t day3 = 125911584000000000ull + (86400ull * 3) * 10000000ull;
    inc.time.dwLowDateTime = (DWORD)day3;
    inc.time.dwHighDateTime = (DWORD)(day3 >> 32);
    inc.time_type = OFFLINEFILES_ITEM_TIME_LASTACCESS;
    inc.compare = OFFLINEFILES_COMPARE_GT;
    inc.time_of_day = TRUE;
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\a.txt\n");
    /* The date alone: day 3 is not after day 3. */
    inc.time_of_day = FALSE;
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "");
    inc.compare = OFFLINEFILES_COMPARE_EQ;
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\srv\\docs\\a.txt\n");
    /* Last write: every file was written on day 0. */
    inc.time_type = OFFLINEFILES_ITEM_TIME_LASTWRITE;
    inc.compare = OFFLINEFILES_COMPARE_LT;
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\other\\s\\e.txt\n\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n"
              "\\\\srv\\docs\\sub\\c.txt\n\\\\srv\\docs\\sub\\deep\\d.TXT\n"
              "\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    inc.compare = OFFLINEFILES_COMPARE_GTE;
    inc.time_type = OFFLINEFILES_ITEM_TIME_CREATION;
    enum_flat(f, &inc.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "");
    /* Bad values from the filter: E_INVALIDARG. */
    IEnumOfflineFilesItems *e = (IEnumOfflineFilesItems *)1;
    inc.compare = (OFFLINEFILES_COMPARE)6;
    assert_int_equal(f->root->lpVtbl->EnumItemsEx(f->root, &inc.iface, NULL, NULL, NULL, 0, 0, &e),
                     E_INVALIDARG);
    assert_null(e);
    inc.compare = OFFLINEFILES_COMPARE_EQ;
    inc.time_type = (OFFLINEFILES_ITEM_TIME)3;
    IOfflineFilesItem *item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\a.txt", &inc.iface, NULL,
                                               NULL, NULL, 0, &item),
                     E_INVALIDARG);
    assert_null(item);
}

/* FindItemEx: an item the filters do not keep is not found. */
static void test_find_item_ex(void **state)
{
    fixture_t *f = *state;
    filter_t txt, dirs;
    by_pattern(&txt, u"*.TXT");
    by_pattern(&dirs, u"nothing");
    IOfflineFilesItem *item = NULL;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\a.txt", &txt.iface,
                                               &dirs.iface, NULL, NULL, 0, &item),
                     S_OK);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\B.doc", &txt.iface, NULL,
                                               NULL, NULL, 0, &item),
                     CSC_E_FILE_NOT_FOUND);
    assert_null(item);
    /* The directory filter judges directories. */
    item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\sub", &txt.iface,
                                               &dirs.iface, NULL, NULL, 0, &item),
                     CSC_E_FILE_NOT_FOUND);
    assert_null(item);
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\sub", NULL, NULL, NULL,
                                               &dirs.iface, 0, &item),
                     S_OK);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    /* Shares and servers are never filtered. */
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs", &txt.iface, &dirs.iface,
                                               &txt.iface, &dirs.iface, 0, &item),
                     S_OK);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    /* Exclude. */
    item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\a.txt", NULL, NULL,
                                               &txt.iface, NULL, 0, &item),
                     CSC_E_FILE_NOT_FOUND);
    assert_null(item);
    /* Path errors come after the filters are read. */
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\zz", &txt.iface, NULL,
                                               NULL, NULL, 0, &item),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"srv", &txt.iface, NULL, NULL, NULL, 0,
                                               &item),
                     CSC_E_INVALID_NAME);
    assert_int_equal(txt.ref, 1);
    assert_int_equal(dirs.ref, 1);
}

/* A filter's failure, a filter with no criteria, and the query flags
 * checked before any filter is asked. */
static void test_filter_errors(void **state)
{
    fixture_t *f = *state;
    filter_t bad;
    filter_init(&bad);
    bad.flags_hr = E_FAIL;
    IEnumOfflineFilesItems *e = (IEnumOfflineFilesItems *)1;
    assert_int_equal(f->root->lpVtbl->EnumItemsEx(f->root, NULL, NULL, &bad.iface, NULL,
                                                  OFFLINEFILES_ENUM_FLAT, 0, &e),
                     E_FAIL);
    assert_null(e);
    filter_init(&bad);
    bad.pattern_hr = E_OUTOFMEMORY;
    IOfflineFilesItem *item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\a.txt", &bad.iface, NULL,
                                               NULL, NULL, 0, &item),
                     E_OUTOFMEMORY);
    assert_null(item);
    /* A success code other than S_OK is no answer: E_UNEXPECTED. */
    filter_init(&bad);
    bad.time_hr = S_FALSE;
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\a.txt", &bad.iface, NULL,
                                               NULL, NULL, 0, &item),
                     E_UNEXPECTED);
    /* No criteria: every item passes it (included all, excluded all). */
    filter_t none;
    filter_init(&none);
    enum_flat(f, &none.iface, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "\\\\other\\s\\e.txt\n\\\\srv\\docs\\a.txt\n\\\\srv\\docs\\B.doc\n"
              "\\\\srv\\docs\\sub\\c.txt\n\\\\srv\\docs\\sub\\deep\\d.TXT\n"
              "\\\\srv\\docs\\\\u0391\\u0392\\u0393.txt\n");
    enum_flat(f, NULL, NULL, &none.iface, NULL, OFFLINEFILES_ENUM_FLAT | OFFLINEFILES_ENUM_FLAT_FILESONLY,
              "");
    assert_int_equal(none.calls, 6);
    /* Query flags and enum flags first: the filter is not asked. */
    assert_int_equal(f->root->lpVtbl->EnumItemsEx(f->root, &none.iface, NULL, NULL, NULL, 0,
                                                  OFFLINEFILES_ITEM_QUERY_ADMIN, &e),
                     E_ACCESSDENIED);
    assert_int_equal(f->root->lpVtbl->EnumItemsEx(f->root, &none.iface, NULL, NULL, NULL,
                                                  OFFLINEFILES_ENUM_FLAT_FILESONLY, 0, &e),
                     E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs\\a.txt", &none.iface, NULL,
                                               NULL, NULL, 0x40, &item),
                     E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, NULL, &none.iface, NULL, NULL, NULL, 0,
                                               &item),
                     E_POINTER);
    assert_int_equal(f->root->lpVtbl->EnumItemsEx(f->root, &none.iface, NULL, NULL, NULL, 0, 0,
                                                  NULL),
                     E_POINTER);
    assert_int_equal(none.calls, 6);
    assert_int_equal(none.ref, 1);
    assert_int_equal(csc_cache_item_count(f->cache), 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pattern_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flag_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_item_ex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filter_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
