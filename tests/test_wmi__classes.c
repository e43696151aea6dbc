/*
 * tests/test_wmi__classes.c: the classes of the WMI face (contract C13.5,
 * C13.6, C14.3, C14.4, C16.1, C16.6), through cscsim/wmi.h like any
 * client: the Win32_OfflineFilesCache singleton (Enabled, Active,
 * Location), Win32_OfflineFilesItem for each item type with its embedded
 * info objects (NULL where they do not apply) and values equal to the C
 * API's, lookup by key, the WQL subset of C16.6 and its errors, the flat
 * enumeration of every cached item, CIM DATETIME times, the UTF-16 entry
 * points (lossless, unpaired surrogates included), and the schema of
 * data/offlinefiles.mof matching the instances property for property.
 */
#include "wmi/wmi_test.h"

#include <stdio.h>

static void test_cache_singleton(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_wmi_object_t *o = NULL;
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesCache", NULL, &o), CSC_S_OK);
    assert_string_equal(csc_wmi_object_class(o), "Win32_OfflineFilesCache");
    assert_true(wt_bool(o, "Enabled"));
    assert_true(wt_bool(o, "Active"));
    assert_string_equal(wt_str(o, "Location"), "C:\\Windows\\CSC");
    assert_int_equal(csc_wmi_object_property_count(o), 3);
    csc_wmi_object_free(o);
    /* "@" is the singleton's key; names ignore case as WMI's do. */
    assert_int_equal(csc_wmi_get_instance(cache, "win32_offlinefilescache", "@", &o), CSC_S_OK);
    assert_true(wt_bool(o, "ACTIVE"));
    csc_wmi_object_free(o);
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesCache", "x", &o),
                     CSC_WBEM_E_NOT_FOUND);
    assert_null(o);
    /* The values are the C API's: Location set, Enabled FALSE, after a
     * restart Active FALSE (C13.1). */
    assert_int_equal(csc_cache_set_location(cache, "D:\\Offline"), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesCache", NULL, &o), CSC_S_OK);
    assert_false(wt_bool(o, "Enabled"));
    assert_false(wt_bool(o, "Active"));
    assert_string_equal(wt_str(o, "Location"), "D:\\Offline");
    const csc_wmi_value_t *v = NULL;
    assert_int_equal(csc_wmi_object_get(o, "Pinned", &v), CSC_WBEM_E_NOT_FOUND);
    assert_null(v);
    csc_wmi_object_free(o);
    /* While not active, items are not reachable (C13.1), the singleton is. */
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesItem", SH, &o),
                     CSC_E_SERVICE_NOT_ACTIVE);
    csc_wmi_objects_t *set = NULL;
    assert_int_equal(csc_wmi_enum_instances(cache, "Win32_OfflineFilesItem", &set),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_null(set);
    assert_int_equal(csc_wmi_exec_query(cache, "SELECT * FROM Win32_OfflineFilesCache WHERE "
                                               "Active = FALSE", &set), CSC_S_OK);
    assert_int_equal(csc_wmi_objects_count(set), 1);
    csc_wmi_objects_free(set);
    csc_cache_free(cache);
}

static void test_item_types(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    const char *pins[] = {SH "\\docs"};
    assert_int_equal(csc_pin(cache, pins, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), CSC_S_OK);

    csc_wmi_object_t *o = wt_item(cache, SRV); /* server: no info object applies */
    assert_string_equal(csc_wmi_object_class(o), "Win32_OfflineFilesItem");
    assert_string_equal(wt_str(o, "ItemPath"), SRV);
    assert_string_equal(wt_str(o, "ParentItemPath"), "");
    assert_string_equal(wt_str(o, "ItemName"), "srv");
    assert_int_equal(wt_u32(o, "ItemType"), 3);
    const char *none[] = {"FileSysInfo", "PinInfo", "ChangeInfo", "ConnectionInfo",
                          "SuspendInfo", "DirtyInfo"};
    for (size_t i = 0; i < 6; i++)
        wt_get(o, none[i], CSC_WMI_NULL);
    /* Through a NULL embedded object: a NULL value; a name its class lacks:
     * not found. */
    wt_get(o, "PinInfo.Pinned", CSC_WMI_NULL);
    const csc_wmi_value_t *v;
    assert_int_equal(csc_wmi_object_get(o, "PinInfo.Nope", &v), CSC_WBEM_E_NOT_FOUND);
    assert_false(wt_bool(o, "Encrypted"));
    assert_false(wt_bool(o, "Sparse"));
    csc_wmi_object_free(o);

    o = wt_item(cache, SH); /* share: no FileSysInfo, no DirtyInfo (C16.1) */
    assert_int_equal(wt_u32(o, "ItemType"), 2);
    assert_string_equal(wt_str(o, "ParentItemPath"), SRV);
    wt_get(o, "FileSysInfo", CSC_WMI_NULL);
    wt_get(o, "DirtyInfo", CSC_WMI_NULL);
    wt_get(o, "PinInfo", CSC_WMI_OBJECT);
    assert_false(wt_bool(o, "PinInfo.Pinned"));
    assert_int_equal(wt_u32(o, "ConnectionInfo.ConnectState"), CSC_CONNECT_STATE_ONLINE);
    assert_int_equal(wt_u32(o, "ConnectionInfo.OfflineReason"),
                     CSC_OFFLINE_REASON_NOT_APPLICABLE);
    csc_wmi_object_free(o);

    o = wt_item(cache, SH "\\DOCS"); /* any spelling names the item (C1) */
    assert_string_equal(wt_str(o, "ItemPath"), SH "\\docs");
    assert_int_equal(wt_u32(o, "ItemType"), 1);
    assert_int_equal(wt_u32(o, "FileSysInfo.LocalAttributes"), 0x10);
    wt_get(o, "DirtyInfo", CSC_WMI_NULL);
    assert_true(wt_bool(o, "PinInfo.Pinned"));
    assert_int_equal(wt_u32(o, "PinInfo.PinnedForUser"), 2); /* pinned, inherit */
    assert_int_equal(wt_u32(o, "PinInfo.PinnedForComputer"), 0);
    assert_false(wt_bool(o, "ChangeInfo.ModifiedData")); /* a directory */
    csc_wmi_object_free(o);

    o = wt_item(cache, SH "\\docs\\b.txt");
    assert_string_equal(wt_str(o, "ItemName"), "b.txt");
    assert_string_equal(wt_str(o, "ParentItemPath"), SH "\\docs");
    assert_int_equal(wt_u32(o, "ItemType"), 0);
    assert_int_equal(wt_u32(o, "FileSysInfo.LocalAttributes"), 0x20);
    assert_int_equal(wt_s64(o, "FileSysInfo.LocalSize"), 20);
    assert_int_equal(wt_s64(o, "FileSysInfo.OriginalSize"), 20);
    assert_int_equal(wt_u32(o, "FileSysInfo.RemoteAttributes"), 0);
    assert_int_equal(wt_s64(o, "FileSysInfo.RemoteSize"), 0);
    assert_int_equal(wt_u32(o, "PinInfo.PinnedForUser"), 1);
    assert_true(wt_bool(o, "ChangeInfo.Dirty")); /* C13.5 */
    assert_true(wt_bool(o, "ChangeInfo.ModifiedData"));
    assert_true(wt_bool(o, "ChangeInfo.ModifiedTime"));
    assert_false(wt_bool(o, "ChangeInfo.ModifiedAttributes"));
    assert_int_equal(wt_s64(o, "DirtyInfo.LocalDirtyByteCount"), 7);
    assert_int_equal(wt_s64(o, "DirtyInfo.RemoteDirtyByteCount"), 0);
    assert_false(wt_bool(o, "SuspendInfo.Suspended"));
    /* The properties in the MOF's order. */
    const char *order[] = {"ItemPath", "ParentItemPath", "ItemName", "ItemType",
                           "FileSysInfo", "PinInfo", "ChangeInfo", "ConnectionInfo",
                           "SuspendInfo", "Encrypted", "Sparse", "DirtyInfo"};
    assert_int_equal(csc_wmi_object_property_count(o), 12);
    for (size_t i = 0; i < 12; i++) {
        const char *name = NULL;
        assert_int_equal(csc_wmi_object_property_at(o, i, &name, NULL), CSC_S_OK);
        assert_string_equal(name, order[i]);
    }
    assert_int_equal(csc_wmi_object_property_at(o, 12, NULL, NULL), CSC_WBEM_E_NOT_FOUND);
    csc_wmi_object_free(o);

    /* Changes through the C API show in a new instance: an object is a
     * snapshot. */
    o = wt_item(cache, SH "\\a.txt");
    assert_int_equal(wt_u32(o, "ConnectionInfo.ConnectState"), CSC_CONNECT_STATE_ONLINE);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(cache, SH, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(wt_u32(o, "ConnectionInfo.ConnectState"), 2); /* the snapshot */
    csc_wmi_object_free(o);
    o = wt_item(cache, SH "\\a.txt");
    assert_int_equal(wt_u32(o, "ConnectionInfo.ConnectState"), CSC_CONNECT_STATE_OFFLINE);
    assert_int_equal(wt_u32(o, "ConnectionInfo.OfflineReason"),
                     CSC_OFFLINE_REASON_CONNECTION_FORCED);
    csc_wmi_object_free(o);
    csc_cache_free(cache);
}

static void test_lookup_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_wmi_object_t *o = (csc_wmi_object_t *)1;
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesItem", SH "\\zz", &o),
                     CSC_WBEM_E_NOT_FOUND);
    assert_null(o);
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesItem", "not a path", &o),
                     CSC_WBEM_E_NOT_FOUND);
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesItem", NULL, &o),
                     CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesPinInfo", SH, &o),
                     CSC_WBEM_E_NOT_FOUND); /* embedded only */
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_Nothing", SH, &o),
                     CSC_WBEM_E_INVALID_CLASS);
    assert_int_equal(csc_wmi_get_instance(NULL, "Win32_OfflineFilesItem", SH, &o),
                     CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_get_instance(cache, NULL, SH, &o), CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesItem", SH, NULL),
                     CSC_WBEM_E_INVALID_PARAMETER);
    assert_null(o);
    const csc_wmi_value_t *v = (const csc_wmi_value_t *)1;
    assert_int_equal(csc_wmi_object_get(NULL, "ItemPath", &v), CSC_WBEM_E_INVALID_PARAMETER);
    assert_null(v);
    assert_null(csc_wmi_object_class(NULL));
    assert_int_equal(csc_wmi_object_property_count(NULL), 0);
    csc_wmi_object_free(NULL);
    csc_wmi_objects_free(NULL);
    assert_int_equal(csc_wmi_objects_count(NULL), 0);
    assert_null(csc_wmi_objects_at(NULL, 0));
    csc_cache_free(cache);
}

/* The C API's flat enumeration, as paths. */
typedef struct paths {
    char list[32][64];
    size_t n;
} paths_t;

static bool add_path(void *ud, csc_item_t *item)
{
    paths_t *p = ud;
    csc_item_path(item, p->list[p->n++], 64);
    return p->n < 32;
}

static void test_enumeration_flat(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    assert_int_equal(csc_cache_file(cache, "\\\\other\\s2\\x\\y\\z.txt", false, 0, NULL),
                     CSC_S_OK);
    paths_t want = {.n = 0};
    assert_int_equal(csc_enum_items(cache, NULL, CSC_ENUM_FLAT, add_path, &want), CSC_S_OK);
    csc_wmi_objects_t *set = NULL;
    assert_int_equal(csc_wmi_enum_instances(cache, "Win32_OfflineFilesItem", &set), CSC_S_OK);
    /* C13.6: every cached item, servers included, in the flat order. */
    assert_int_equal(csc_wmi_objects_count(set), csc_cache_item_count(cache));
    assert_int_equal(csc_wmi_objects_count(set), want.n);
    for (size_t i = 0; i < want.n; i++)
        assert_string_equal(wt_str(csc_wmi_objects_at(set, i), "ItemPath"), want.list[i]);
    assert_null(csc_wmi_objects_at(set, want.n));
    csc_wmi_objects_free(set);
    /* The singleton class enumerates its one instance; an embedded class
     * none. */
    assert_int_equal(csc_wmi_enum_instances(cache, "Win32_OfflineFilesCache", &set), CSC_S_OK);
    assert_int_equal(csc_wmi_objects_count(set), 1);
    csc_wmi_objects_free(set);
    assert_int_equal(csc_wmi_enum_instances(cache, "Win32_OfflineFilesDirtyInfo", &set),
                     CSC_S_OK);
    assert_int_equal(csc_wmi_objects_count(set), 0);
    csc_wmi_objects_free(set);
    assert_int_equal(csc_wmi_enum_instances(cache, "Nope", &set), CSC_WBEM_E_INVALID_CLASS);
    assert_null(set);
    csc_cache_free(cache);
}

static size_t count_of(csc_cache_t *cache, const char *query)
{
    csc_wmi_objects_t *set = NULL;
    assert_int_equal(csc_wmi_exec_query(cache, query, &set), CSC_S_OK);
    size_t n = csc_wmi_objects_count(set);
    csc_wmi_objects_free(set);
    return n;
}

static void test_queries(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    const char *pins[] = {SH "\\a.txt"};
    assert_int_equal(csc_pin(cache, pins, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL), CSC_S_OK);
    /* srv, share, a.txt, docs, b.txt */
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem"), 5);
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0"), 2);
    assert_int_equal(count_of(cache, "  select  *  from  WIN32_OFFLINEFILESITEM  where "
                                     "itemtype=1  "), 1);
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0 "
                                     "AND ItemName = 'A.TXT'"), 1); /* strings ignore case */
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemPath = "
                                     "'\\\\\\\\srv\\\\share\\\\docs'"), 1); /* escapes */
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE "
                                     "ParentItemPath = \"\""), 1); /* the server */
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE Encrypted = "
                                     "FALSE AND Sparse = false AND ItemType = 3"), 1);
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0x2"),
                     1);
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 7"), 0);
    assert_int_equal(count_of(cache, "SELECT * FROM Win32_OfflineFilesCache WHERE Active = TRUE "
                                     "AND Location = 'c:\\\\windows\\\\csc'"), 1);

    static const struct {
        const char *q;
        csc_hresult hr;
    } bad[] = {
        {"", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT ItemPath FROM Win32_OfflineFilesItem", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * Win32_OfflineFilesItem", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0 OR ItemType = 1",
         CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType > 0", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType <> 0", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE Nope = 0", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE PinInfo = 0", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemName = 'x", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0 junk", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 12abc", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType IS NULL", CSC_WBEM_E_INVALID_QUERY},
        {"SELECT * FROM Win32_Process", CSC_WBEM_E_INVALID_CLASS},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 'x'", CSC_WBEM_E_TYPE_MISMATCH},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = -1", CSC_WBEM_E_TYPE_MISMATCH},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 4294967296",
         CSC_WBEM_E_TYPE_MISMATCH},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE Encrypted = 1", CSC_WBEM_E_TYPE_MISMATCH},
        {"SELECT * FROM Win32_OfflineFilesItem WHERE ItemName = TRUE", CSC_WBEM_E_TYPE_MISMATCH},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        csc_wmi_objects_t *set = (csc_wmi_objects_t *)1;
        csc_hresult hr = csc_wmi_exec_query(cache, bad[i].q, &set);
        if (hr != bad[i].hr)
            fail_msg("\"%s\": 0x%08X, expected 0x%08X", bad[i].q, (unsigned)hr,
                     (unsigned)bad[i].hr);
        assert_null(set);
    }
    csc_wmi_objects_t *set = NULL;
    assert_int_equal(csc_wmi_exec_query(NULL, "SELECT * FROM Win32_OfflineFilesItem", &set),
                     CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_exec_query(cache, NULL, &set), CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_exec_query(cache, "SELECT * FROM Win32_OfflineFilesItem", NULL),
                     CSC_WBEM_E_INVALID_PARAMETER);
    csc_cache_free(cache);
}

static void test_datetime(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_item_t *a = NULL;
    assert_int_equal(csc_cache_find(cache, SH "\\a.txt", &a), CSC_S_OK);
    /* 2000 is a leap year: 366 days later is 2001-01-01; then 01:01:01
     * (C16.6: seconds from 2000-01-01 00:00:00 UTC). */
    assert_int_equal(csc_cache_advance_clock(cache, 366u * 86400u + 3661u), CSC_S_OK);
    assert_int_equal(csc_item_touch(cache, a), CSC_S_OK);
    csc_wmi_object_t *o = wt_item(cache, SH "\\a.txt");
    assert_string_equal(wt_str(o, "FileSysInfo.LocalLastWriteTime"), "20010101010101.000000+000");
    assert_string_equal(wt_str(o, "FileSysInfo.RemoteLastWriteTime"),
                        "20000101000000.000000+000"); /* reserved: 0 */
    csc_wmi_object_free(o);
    /* 59 days after 2001-01-01 is 2001-03-01 (no Feb 29 in 2001). */
    assert_int_equal(csc_cache_advance_clock(cache, 59u * 86400u), CSC_S_OK);
    assert_int_equal(csc_item_touch(cache, a), CSC_S_OK);
    o = wt_item(cache, SH "\\a.txt");
    assert_string_equal(wt_str(o, "FileSysInfo.LocalChangeTime"), "20010301010101.000000+000");
    csc_wmi_object_free(o);
    csc_cache_free(cache);
}

static void test_utf16(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    /* A name with an unpaired surrogate (C14.4), as WTF-8. */
    assert_int_equal(csc_cache_file(cache, SH "\\\xED\xB0\x80z.txt", true, 3, NULL), CSC_S_OK);
    const csc_wmi_wchar_t key[] = {'\\', '\\', 's', 'r', 'v', '\\', 's', 'h', 'a', 'r', 'e',
                                   '\\', 0xDC00, 'z', '.', 't', 'x', 't', 0};
    csc_wmi_object_t *o = NULL;
    assert_int_equal(csc_wmi_get_instance_w(cache, u"Win32_OfflineFilesItem", key, &o), CSC_S_OK);
    const csc_wmi_value_t *v = NULL;
    assert_int_equal(csc_wmi_object_get_w(o, u"ItemName", &v), CSC_S_OK);
    assert_int_equal(v->type, CSC_WMI_STRING);
    assert_string_equal(v->u.string, "\xED\xB0\x80z.txt");
    csc_wmi_wchar_t *w = csc_wmi_to_utf16(v->u.string);
    const csc_wmi_wchar_t want[] = {0xDC00, 'z', '.', 't', 'x', 't', 0};
    assert_memory_equal(w, want, sizeof want);
    csc_wmi_free(w);
    csc_wmi_object_free(o);
    /* A valid pair (U+1F600) and the query entry point. */
    assert_int_equal(csc_cache_file(cache, SH "\\\xF0\x9F\x98\x80.txt", true, 3, NULL), CSC_S_OK);
    csc_wmi_objects_t *set = NULL;
    assert_int_equal(csc_wmi_exec_query_w(cache, u"SELECT * FROM Win32_OfflineFilesItem WHERE "
                                                 u"ItemName = '\U0001F600.txt'", &set),
                     CSC_S_OK);
    assert_int_equal(csc_wmi_objects_count(set), 1);
    w = csc_wmi_to_utf16(wt_str(csc_wmi_objects_at(set, 0), "ItemName"));
    const csc_wmi_wchar_t pair[] = {0xD83D, 0xDE00, '.', 't', 'x', 't', 0};
    assert_memory_equal(w, pair, sizeof pair);
    csc_wmi_free(w);
    csc_wmi_objects_free(set);
    assert_null(csc_wmi_to_utf16(NULL));
    assert_int_equal(csc_wmi_get_instance_w(cache, NULL, key, &o), CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_get_instance_w(cache, u"Nope", key, &o), CSC_WBEM_E_INVALID_CLASS);
    csc_cache_free(cache);
}

/* ---- data/offlinefiles.mof against the instances ---- */

typedef struct mof_prop {
    char cls[64], name[64], type[16];
} mof_prop_t;

/* The properties of the MOF's classes, in order (a small reader for the
 * file's own layout: "class X", then "[...] type Name;" lines). */
static size_t read_mof(mof_prop_t *props, size_t max)
{
    FILE *f = fopen(CSC_TEST_MOF, "r");
    assert_non_null(f);
    char line[256], cls[64] = "";
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char name[64], type[16];
        if (sscanf(line, "class %63s", cls) == 1)
            continue;
        const char *p = line;
        while (*p == ' ')
            p++;
        if (*p == '[') {
            p = strchr(p, ']');
            if (p == NULL)
                continue;
            p++;
        } else if (strncmp(p, "uint32 ", 7) == 0 && strchr(p, '(') != NULL) {
            continue; /* a method */
        }
        if (sscanf(p, " %15s %63[A-Za-z_];", type, name) == 2 && strchr(p, '(') == NULL &&
            strchr(p, ')') == NULL &&
            strchr(p, ';') != NULL && cls[0] != '\0') {
            assert_true(n < max);
            snprintf(props[n].cls, sizeof props[n].cls, "%s", cls);
            snprintf(props[n].name, sizeof props[n].name, "%s", name);
            snprintf(props[n].type, sizeof props[n].type, "%s", type);
            n++;
        }
    }
    fclose(f);
    return n;
}

static csc_wmi_type_t cim_type(const char *t)
{
    if (strcmp(t, "boolean") == 0)
        return CSC_WMI_BOOLEAN;
    if (strcmp(t, "uint32") == 0)
        return CSC_WMI_UINT32;
    if (strcmp(t, "sint64") == 0)
        return CSC_WMI_SINT64;
    if (strcmp(t, "string") == 0 || strcmp(t, "datetime") == 0)
        return CSC_WMI_STRING;
    if (strcmp(t, "object") == 0)
        return CSC_WMI_OBJECT;
    fail_msg("unknown CIM type %s", t);
    return CSC_WMI_NULL;
}

/* The object of class `cls` inside (or equal to) `o`. */
static const csc_wmi_object_t *find_class(const csc_wmi_object_t *o, const char *cls)
{
    if (strcmp(csc_wmi_object_class(o), cls) == 0)
        return o;
    for (size_t i = 0; i < csc_wmi_object_property_count(o); i++) {
        const csc_wmi_value_t *v;
        csc_wmi_object_property_at(o, i, NULL, &v);
        if (v->type == CSC_WMI_OBJECT && strcmp(csc_wmi_object_class(v->u.object), cls) == 0)
            return v->u.object;
    }
    return NULL;
}

static void test_mof_matches(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    mof_prop_t props[128];
    size_t n = read_mof(props, 128);
    assert_true(n >= 3 + 12 + 18 + 5 + 6 + 2 + 2 + 2);
    csc_wmi_object_t *file = wt_item(cache, SH "\\a.txt"); /* every info object applies */
    csc_wmi_object_t *cobj = NULL;
    assert_int_equal(csc_wmi_get_instance(cache, "Win32_OfflineFilesCache", NULL, &cobj), CSC_S_OK);
    size_t classes = 0;
    for (size_t i = 0; i < n;) {
        const csc_wmi_object_t *o = find_class(cobj, props[i].cls);
        if (o == NULL)
            o = find_class(file, props[i].cls);
        if (o == NULL)
            fail_msg("class %s of the MOF has no instance in the face", props[i].cls);
        size_t k = 0;
        for (; i < n && strcmp(props[i].cls, csc_wmi_object_class(o)) == 0; i++, k++) {
            const char *name;
            const csc_wmi_value_t *v;
            assert_int_equal(csc_wmi_object_property_at(o, k, &name, &v), CSC_S_OK);
            assert_string_equal(name, props[i].name);
            assert_int_equal(v->type, cim_type(props[i].type));
        }
        assert_int_equal(k, csc_wmi_object_property_count(o)); /* no more, no less */
        classes++;
    }
    assert_int_equal(classes, 8);
    csc_wmi_object_free(file);
    csc_wmi_object_free(cobj);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_singleton),  cmocka_unit_test(test_item_types),
        cmocka_unit_test(test_lookup_errors),    cmocka_unit_test(test_enumeration_flat),
        cmocka_unit_test(test_queries),          cmocka_unit_test(test_datetime),
        cmocka_unit_test(test_utf16),            cmocka_unit_test(test_mof_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
