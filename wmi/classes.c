/*
 * wmi/classes.c: the classes of the WMI face and their instances (C13.5,
 * C13.6, C16.1, C16.6): the class tables (the schema of
 * data/offlinefiles.mof), the Win32_OfflineFilesCache singleton, an
 * instance of Win32_OfflineFilesItem with its embedded info objects built
 * from the item getters of the public API (an info object that does not
 * apply to the item's type is NULL), lookup by key, and the WQL subset of
 * C16.6 over a flat enumeration of every cached item.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wmi_private.h"

#include "cscsim/async.h" /* csc_cache_busy */

const char WMI_CLASS_CACHE[] = "Win32_OfflineFilesCache";

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DT CSC_WMI_STRING /* DATETIME: a CIM DATETIME string */

static const wmi_prop_def_t cache_props[] = {
    {"Enabled", CSC_WMI_BOOLEAN, NULL},
    {"Active", CSC_WMI_BOOLEAN, NULL},
    {"Location", CSC_WMI_STRING, NULL},
};

static const wmi_prop_def_t item_props[] = {
    {"ItemPath", CSC_WMI_STRING, NULL},
    {"ParentItemPath", CSC_WMI_STRING, NULL},
    {"ItemName", CSC_WMI_STRING, NULL},
    {"ItemType", CSC_WMI_UINT32, NULL},
    {"FileSysInfo", CSC_WMI_OBJECT, "Win32_OfflineFilesFileSysInfo"},
    {"PinInfo", CSC_WMI_OBJECT, "Win32_OfflineFilesPinInfo"},
    {"ChangeInfo", CSC_WMI_OBJECT, "Win32_OfflineFilesChangeInfo"},
    {"ConnectionInfo", CSC_WMI_OBJECT, "Win32_OfflineFilesConnectionInfo"},
    {"SuspendInfo", CSC_WMI_OBJECT, "Win32_OfflineFilesSuspendInfo"},
    {"Encrypted", CSC_WMI_BOOLEAN, NULL},
    {"Sparse", CSC_WMI_BOOLEAN, NULL},
    {"DirtyInfo", CSC_WMI_OBJECT, "Win32_OfflineFilesDirtyInfo"},
};

static const wmi_prop_def_t filesys_props[] = {
    {"LocalAttributes", CSC_WMI_UINT32, NULL},     {"LocalSize", CSC_WMI_SINT64, NULL},
    {"LocalCreationTime", DT, NULL},               {"LocalLastWriteTime", DT, NULL},
    {"LocalChangeTime", DT, NULL},                 {"LocalLastAccessTime", DT, NULL},
    {"OriginalAttributes", CSC_WMI_UINT32, NULL},  {"OriginalSize", CSC_WMI_SINT64, NULL},
    {"OriginalCreationTime", DT, NULL},            {"OriginalLastWriteTime", DT, NULL},
    {"OriginalChangeTime", DT, NULL},              {"OriginalLastAccessTime", DT, NULL},
    {"RemoteAttributes", CSC_WMI_UINT32, NULL},    {"RemoteSize", CSC_WMI_SINT64, NULL},
    {"RemoteCreationTime", DT, NULL},              {"RemoteLastWriteTime", DT, NULL},
    {"RemoteChangeTime", DT, NULL},                {"RemoteLastAccessTime", DT, NULL},
};

static const wmi_prop_def_t pin_props[] = {
    {"Pinned", CSC_WMI_BOOLEAN, NULL},
    {"PinnedForUser", CSC_WMI_UINT32, NULL},
    {"PinnedForUserByPolicy", CSC_WMI_UINT32, NULL},
    {"PinnedForComputer", CSC_WMI_UINT32, NULL},
    {"PinnedForFolderRedirection", CSC_WMI_UINT32, NULL},
};

static const wmi_prop_def_t change_props[] = {
    {"Dirty", CSC_WMI_BOOLEAN, NULL},        {"DeletedOffline", CSC_WMI_BOOLEAN, NULL},
    {"CreatedOffline", CSC_WMI_BOOLEAN, NULL}, {"ModifiedData", CSC_WMI_BOOLEAN, NULL},
    {"ModifiedAttributes", CSC_WMI_BOOLEAN, NULL}, {"ModifiedTime", CSC_WMI_BOOLEAN, NULL},
};

static const wmi_prop_def_t connection_props[] = {
    {"ConnectState", CSC_WMI_UINT32, NULL},
    {"OfflineReason", CSC_WMI_UINT32, NULL},
};

static const wmi_prop_def_t suspend_props[] = {
    {"Suspended", CSC_WMI_BOOLEAN, NULL},
    {"SuspendedRoot", CSC_WMI_BOOLEAN, NULL},
};

static const wmi_prop_def_t dirty_props[] = {
    {"LocalDirtyByteCount", CSC_WMI_SINT64, NULL},
    {"RemoteDirtyByteCount", CSC_WMI_SINT64, NULL},
};

static const wmi_class_def_t classes[] = {
    {WMI_CLASS_CACHE, cache_props, N(cache_props), true, true},
    {"Win32_OfflineFilesItem", item_props, N(item_props), false, true},
    {"Win32_OfflineFilesFileSysInfo", filesys_props, N(filesys_props), false, false},
    {"Win32_OfflineFilesPinInfo", pin_props, N(pin_props), false, false},
    {"Win32_OfflineFilesChangeInfo", change_props, N(change_props), false, false},
    {"Win32_OfflineFilesConnectionInfo", connection_props, N(connection_props), false, false},
    {"Win32_OfflineFilesSuspendInfo", suspend_props, N(suspend_props), false, false},
    {"Win32_OfflineFilesDirtyInfo", dirty_props, N(dirty_props), false, false},
};

const wmi_class_def_t *wmi_class_find(const char *name)
{
    for (size_t i = 0; name != NULL && i < N(classes); i++)
        if (wmi_name_eq(classes[i].name, name))
            return &classes[i];
    return NULL;
}

/* ---- values ---------------------------------------------------------------- */

/* The virtual clock as a CIM DATETIME, counted in seconds from 2000-01-01
 * 00:00:00 UTC (C16.6): "yyyymmddHHMMSS.mmmmmm+000". */
static void datetime(uint64_t seconds, char buf[40])
{
    uint64_t max_days = 2920000; /* past 9999-12-31 */
    uint64_t days = seconds / 86400;
    if (days > max_days)
        days = max_days;
    uint64_t rem = seconds % 86400;
    /* Howard Hinnant's civil_from_days, from 1970-01-01 (2000-01-01 is day
     * 10957). */
    int64_t z = (int64_t)days + 10957 + 719468;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y > 9999)
        y = 9999;
    snprintf(buf, 40, "%04u%02u%02u%02u%02u%02u.000000+000", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)(rem / 3600) % 100u,
             (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
}

static int64_t s64(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* The item's display path, malloc'd; NULL when out of memory. */
static char *item_path(const csc_item_t *item)
{
    char small[256];
    size_t n = csc_item_path(item, small, sizeof small);
    char *p = malloc(n + 1);
    if (p == NULL)
        return NULL;
    if (n < sizeof small)
        memcpy(p, small, n + 1);
    else
        csc_item_path(item, p, n + 1);
    return p;
}

/* ---- instances --------------------------------------------------------------- */

static csc_wmi_object_t *cache_instance(csc_cache_t *cache)
{
    csc_wmi_object_t *o = wmi_obj_new(WMI_CLASS_CACHE, N(cache_props));
    if (o == NULL)
        return NULL;
    bool active = false, enabled = false;
    (void)csc_feature_query_status(cache, &active, &enabled, NULL);
    char small[256];
    size_t n = csc_cache_location(cache, small, sizeof small);
    char *loc = n < sizeof small ? small : malloc(n + 1);
    if (loc == NULL) {
        csc_wmi_object_free(o);
        return NULL;
    }
    if (loc != small)
        csc_cache_location(cache, loc, n + 1);
    wmi_obj_bool(o, "Enabled", enabled);
    wmi_obj_bool(o, "Active", active);
    wmi_obj_str(o, "Location", loc);
    if (loc != small)
        free(loc);
    return wmi_obj_done(o);
}

static csc_wmi_object_t *filesys_info(const csc_item_t *item)
{
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesFileSysInfo", N(filesys_props));
    if (o == NULL)
        return NULL;
    char when[40], written[40], zero[40];
    /* C13.5: the local and original sizes and times are the cache's, on the
     * virtual clock: a file's last write and change are its local last
     * change (C15.9) when it has one, every other time the item's last use;
     * the remote fields are reserved and report 0. */
    uint64_t changed = 0;
    datetime(csc_item_last_use(item), when);
    datetime(csc_item_local_change_time(item, &changed) ? changed : csc_item_last_use(item),
             written);
    datetime(0, zero);
    uint32_t attrs = csc_item_attributes(item);
    int64_t size = s64(csc_item_size(item));
    static const char *const local_times[] = {"LocalCreationTime", "LocalLastWriteTime",
                                              "LocalChangeTime", "LocalLastAccessTime"};
    static const char *const orig_times[] = {"OriginalCreationTime", "OriginalLastWriteTime",
                                             "OriginalChangeTime", "OriginalLastAccessTime"};
    static const char *const remote_times[] = {"RemoteCreationTime", "RemoteLastWriteTime",
                                               "RemoteChangeTime", "RemoteLastAccessTime"};
    wmi_obj_u32(o, "LocalAttributes", attrs);
    wmi_obj_s64(o, "LocalSize", size);
    for (size_t i = 0; i < 4; i++)
        wmi_obj_str(o, local_times[i], i == 1 || i == 2 ? written : when);
    wmi_obj_u32(o, "OriginalAttributes", attrs);
    wmi_obj_s64(o, "OriginalSize", size);
    for (size_t i = 0; i < 4; i++)
        wmi_obj_str(o, orig_times[i], when);
    wmi_obj_u32(o, "RemoteAttributes", 0);
    wmi_obj_s64(o, "RemoteSize", 0);
    for (size_t i = 0; i < 4; i++)
        wmi_obj_str(o, remote_times[i], zero);
    return wmi_obj_done(o);
}

static csc_wmi_object_t *pin_info(const csc_item_t *item)
{
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesPinInfo", N(pin_props));
    if (o == NULL)
        return NULL;
    wmi_obj_bool(o, "Pinned", csc_item_is_pinned(item));
    wmi_obj_u32(o, "PinnedForUser", (uint32_t)csc_item_pin_wmi(item, CSC_PIN_SOURCE_USER));
    wmi_obj_u32(o, "PinnedForUserByPolicy",
                (uint32_t)csc_item_pin_wmi(item, CSC_PIN_SOURCE_POLICY));
    wmi_obj_u32(o, "PinnedForComputer", (uint32_t)csc_item_pin_wmi(item, CSC_PIN_SOURCE_COMPUTER));
    wmi_obj_u32(o, "PinnedForFolderRedirection",
                (uint32_t)csc_item_pin_wmi(item, CSC_PIN_SOURCE_REDIRECT));
    return wmi_obj_done(o);
}

static csc_wmi_object_t *change_info(const csc_item_t *item)
{
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesChangeInfo", N(change_props));
    if (o == NULL)
        return NULL;
    bool dirty = csc_item_is_dirty(item);
    bool file_changed = dirty && csc_item_type(item) == CSC_ITEM_FILE;
    wmi_obj_bool(o, "Dirty", dirty);
    wmi_obj_bool(o, "DeletedOffline", csc_item_is_deleted_offline(item)); /* C11.5 */
    wmi_obj_bool(o, "CreatedOffline", csc_item_is_created_offline(item)); /* C11.4 */
    wmi_obj_bool(o, "ModifiedData", file_changed); /* C13.5 */
    wmi_obj_bool(o, "ModifiedAttributes", false);
    wmi_obj_bool(o, "ModifiedTime", file_changed);
    return wmi_obj_done(o);
}

static csc_wmi_object_t *connection_info(const csc_cache_t *cache, const char *path)
{
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesConnectionInfo", N(connection_props));
    if (o == NULL)
        return NULL;
    csc_connect_state_t state = CSC_CONNECT_STATE_UNKNOWN;
    csc_offline_reason_t reason = CSC_OFFLINE_REASON_UNKNOWN;
    if (CSC_FAILED(csc_connect_state(cache, path, &state, &reason))) {
        state = CSC_CONNECT_STATE_UNKNOWN;
        reason = CSC_OFFLINE_REASON_UNKNOWN;
    }
    wmi_obj_u32(o, "ConnectState", (uint32_t)state);
    wmi_obj_u32(o, "OfflineReason", (uint32_t)reason);
    return wmi_obj_done(o);
}

static csc_wmi_object_t *suspend_info(const csc_item_t *item)
{
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesSuspendInfo", N(suspend_props));
    if (o == NULL)
        return NULL;
    wmi_obj_bool(o, "Suspended", csc_item_is_suspended(item));
    wmi_obj_bool(o, "SuspendedRoot", csc_item_is_suspended_root(item));
    return wmi_obj_done(o);
}

static csc_wmi_object_t *dirty_info(const csc_item_t *item)
{
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesDirtyInfo", N(dirty_props));
    if (o == NULL)
        return NULL;
    wmi_obj_s64(o, "LocalDirtyByteCount", s64(csc_item_dirty_bytes(item)));
    /* The remote file's size when changed on the server (C13.5): the public
     * API does not say yet whether the twin changed; 0 until it does. */
    wmi_obj_s64(o, "RemoteDirtyByteCount", 0);
    return wmi_obj_done(o);
}

/* Win32_OfflineFilesItem for a cached item; read while the cache is held
 * (or inside a call's callback), so the item cannot leave meanwhile. */
static csc_wmi_object_t *item_instance(const csc_cache_t *cache, const csc_item_t *item)
{
    char *path = item_path(item);
    if (path == NULL)
        return NULL;
    const csc_item_t *parent = csc_item_parent(item);
    char *parent_path = parent != NULL ? item_path(parent) : NULL;
    csc_wmi_object_t *o = wmi_obj_new("Win32_OfflineFilesItem", N(item_props));
    if (o == NULL || (parent != NULL && parent_path == NULL)) {
        csc_wmi_object_free(o);
        free(path);
        free(parent_path);
        return NULL;
    }
    csc_item_type_t type = csc_item_type(item);
    bool below_server = type != CSC_ITEM_SERVER; /* C16.1 */
    bool fs = type == CSC_ITEM_FILE || type == CSC_ITEM_DIRECTORY;
    wmi_obj_str(o, "ItemPath", path);
    wmi_obj_str(o, "ParentItemPath", parent_path != NULL ? parent_path : "");
    wmi_obj_str(o, "ItemName", csc_item_name(item));
    wmi_obj_u32(o, "ItemType", (uint32_t)type);
    if (fs)
        wmi_obj_obj(o, "FileSysInfo", filesys_info(item));
    else
        wmi_obj_null(o, "FileSysInfo");
    if (below_server) {
        wmi_obj_obj(o, "PinInfo", pin_info(item));
        wmi_obj_obj(o, "ChangeInfo", change_info(item));
        wmi_obj_obj(o, "ConnectionInfo", connection_info(cache, path));
        wmi_obj_obj(o, "SuspendInfo", suspend_info(item));
    } else {
        wmi_obj_null(o, "PinInfo");
        wmi_obj_null(o, "ChangeInfo");
        wmi_obj_null(o, "ConnectionInfo");
        wmi_obj_null(o, "SuspendInfo");
    }
    wmi_obj_bool(o, "Encrypted", csc_item_is_encrypted(item));
    wmi_obj_bool(o, "Sparse", csc_item_is_sparse(item)); /* C10.8 */
    if (type == CSC_ITEM_FILE)
        wmi_obj_obj(o, "DirtyInfo", dirty_info(item));
    else
        wmi_obj_null(o, "DirtyInfo");
    free(path);
    free(parent_path);
    return wmi_obj_done(o);
}

/* Holds the cache for a consistent read. From inside a callback of a
 * running call on this thread the hold is refused (C14.5) but reading is
 * safe there: go on without it. *held says whether to unlock. */
static csc_hresult hold(csc_cache_t *cache, bool *held)
{
    *held = false;
    csc_hresult hr = csc_cache_lock(cache);
    if (hr == CSC_S_OK) {
        *held = true;
        return CSC_S_OK;
    }
    if (hr == CSC_E_BUSY && !csc_cache_busy(cache))
        return CSC_S_OK;
    return hr;
}

static void release(csc_cache_t *cache, bool held)
{
    if (held)
        csc_cache_unlock(cache);
}

static bool feature_active(const csc_cache_t *cache)
{
    bool active = false;
    (void)csc_feature_query_status(cache, &active, NULL, NULL);
    return active;
}

csc_hresult csc_wmi_get_instance(csc_cache_t *cache, const char *class_name, const char *key,
                                 csc_wmi_object_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (cache == NULL || class_name == NULL || out == NULL)
        return CSC_WBEM_E_INVALID_PARAMETER;
    const wmi_class_def_t *c = wmi_class_find(class_name);
    if (c == NULL)
        return CSC_WBEM_E_INVALID_CLASS;
    if (!c->instances)
        return CSC_WBEM_E_NOT_FOUND;
    bool held;
    csc_hresult hr = hold(cache, &held);
    if (hr != CSC_S_OK)
        return hr;
    csc_wmi_object_t *o = NULL;
    if (c->has_methods) { /* the singleton: key "@" or none */
        if (key != NULL && strcmp(key, "@") != 0)
            hr = CSC_WBEM_E_NOT_FOUND;
        else if ((o = cache_instance(cache)) == NULL)
            hr = WMI_E_OUT_OF_MEMORY;
    } else if (key == NULL) {
        hr = CSC_WBEM_E_INVALID_PARAMETER;
    } else if (!feature_active(cache)) {
        hr = CSC_E_SERVICE_NOT_ACTIVE; /* C13.1: FindItem is a method */
    } else {
        csc_item_t *item = NULL;
        if (CSC_FAILED(csc_cache_find(cache, key, &item)))
            hr = CSC_WBEM_E_NOT_FOUND;
        else if ((o = item_instance(cache, item)) == NULL)
            hr = WMI_E_OUT_OF_MEMORY;
    }
    release(cache, held);
    *out = o;
    return hr;
}

/* ---- queries (C16.6) ----------------------------------------------------------- */

typedef struct cond {
    const wmi_prop_def_t *prop;
    csc_wmi_type_t type; /* of the literal: BOOLEAN, SINT64 (a number), STRING */
    int64_t number;
    bool boolean;
    char *string;
} cond_t;

typedef struct query {
    const wmi_class_def_t *cls;
    cond_t conds[16];
    size_t nconds;
} query_t;

typedef struct lexer {
    const char *p;
} lexer_t;

static void skip_space(lexer_t *lx)
{
    while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')
        lx->p++;
}

static bool is_ident_char(char c, bool first)
{
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (!first && c >= '0' && c <= '9');
}

/* An identifier into buf (NUL-terminated); false when none or too long. */
static bool ident(lexer_t *lx, char *buf, size_t size)
{
    skip_space(lx);
    size_t n = 0;
    if (!is_ident_char(*lx->p, true))
        return false;
    while (is_ident_char(lx->p[n], false))
        n++;
    if (n >= size)
        return false;
    memcpy(buf, lx->p, n);
    buf[n] = '\0';
    lx->p += n;
    return true;
}

static bool keyword(lexer_t *lx, const char *kw)
{
    lexer_t save = *lx;
    char buf[16];
    if (ident(lx, buf, sizeof buf) && wmi_name_eq(buf, kw))
        return true;
    *lx = save;
    return false;
}

static bool punct(lexer_t *lx, char c)
{
    skip_space(lx);
    if (*lx->p != c)
        return false;
    lx->p++;
    return true;
}

/* A literal: a quoted string, a number, TRUE or FALSE. */
static csc_hresult literal(lexer_t *lx, cond_t *c)
{
    skip_space(lx);
    char q = *lx->p;
    if (q == '\'' || q == '"') {
        const char *s = lx->p + 1;
        size_t n = 0;
        for (const char *t = s; *t != q; t++) {
            if (*t == '\0')
                return CSC_WBEM_E_INVALID_QUERY;
            if (*t == '\\') {
                t++;
                if (*t == '\0')
                    return CSC_WBEM_E_INVALID_QUERY;
            }
            n++;
        }
        char *str = malloc(n + 1);
        if (str == NULL)
            return WMI_E_OUT_OF_MEMORY;
        size_t o = 0;
        const char *t = s;
        for (; *t != q; t++) {
            if (*t == '\\')
                t++;
            str[o++] = *t;
        }
        str[o] = '\0';
        lx->p = t + 1;
        c->type = CSC_WMI_STRING;
        c->string = str;
        return CSC_S_OK;
    }
    bool t = keyword(lx, "TRUE");
    if (t || keyword(lx, "FALSE")) {
        c->type = CSC_WMI_BOOLEAN;
        c->boolean = t;
        return CSC_S_OK;
    }
    bool neg = *lx->p == '-';
    const char *d = lx->p + (neg ? 1 : 0);
    if (*d < '0' || *d > '9')
        return CSC_WBEM_E_INVALID_QUERY;
    char *end = NULL;
    unsigned long long v = strtoull(d, &end, 0);
    if (is_ident_char(*end, false) || v > (unsigned long long)INT64_MAX)
        return CSC_WBEM_E_INVALID_QUERY;
    lx->p = end;
    c->type = CSC_WMI_SINT64;
    c->number = neg ? -(int64_t)v : (int64_t)v;
    return CSC_S_OK;
}

static void query_clear(query_t *q)
{
    for (size_t i = 0; i < q->nconds; i++)
        free(q->conds[i].string);
    q->nconds = 0;
}

static csc_hresult parse(const char *text, query_t *q)
{
    lexer_t lx = {text};
    char name[64];
    memset(q, 0, sizeof *q);
    if (!keyword(&lx, "SELECT") || !punct(&lx, '*') || !keyword(&lx, "FROM") ||
        !ident(&lx, name, sizeof name))
        return CSC_WBEM_E_INVALID_QUERY;
    q->cls = wmi_class_find(name);
    if (q->cls == NULL)
        return CSC_WBEM_E_INVALID_CLASS;
    skip_space(&lx);
    if (*lx.p == '\0')
        return CSC_S_OK;
    if (!keyword(&lx, "WHERE"))
        return CSC_WBEM_E_INVALID_QUERY;
    csc_hresult hr = CSC_S_OK;
    do {
        if (q->nconds == sizeof q->conds / sizeof q->conds[0] || !ident(&lx, name, sizeof name)) {
            hr = CSC_WBEM_E_INVALID_QUERY;
            break;
        }
        cond_t *c = &q->conds[q->nconds];
        memset(c, 0, sizeof *c);
        for (size_t i = 0; i < q->cls->nprops; i++)
            if (q->cls->props[i].embedded == NULL && wmi_name_eq(q->cls->props[i].name, name))
                c->prop = &q->cls->props[i];
        if (c->prop == NULL || !punct(&lx, '=')) { /* scalar properties only */
            hr = CSC_WBEM_E_INVALID_QUERY;
            break;
        }
        hr = literal(&lx, c);
        if (hr != CSC_S_OK)
            break;
        q->nconds++;
        bool fits = (c->prop->type == CSC_WMI_STRING && c->type == CSC_WMI_STRING) ||
                    (c->prop->type == CSC_WMI_BOOLEAN && c->type == CSC_WMI_BOOLEAN) ||
                    (c->prop->type == CSC_WMI_SINT64 && c->type == CSC_WMI_SINT64) ||
                    (c->prop->type == CSC_WMI_UINT32 && c->type == CSC_WMI_SINT64 &&
                     c->number >= 0 && c->number <= (int64_t)UINT32_MAX);
        if (!fits) {
            hr = CSC_WBEM_E_TYPE_MISMATCH;
            break;
        }
    } while (keyword(&lx, "AND"));
    skip_space(&lx);
    if (hr == CSC_S_OK && *lx.p != '\0')
        hr = CSC_WBEM_E_INVALID_QUERY;
    if (hr != CSC_S_OK)
        query_clear(q);
    return hr;
}

static bool matches(const query_t *q, const csc_wmi_object_t *o)
{
    for (size_t i = 0; i < q->nconds; i++) {
        const cond_t *c = &q->conds[i];
        const csc_wmi_value_t *v = NULL;
        if (csc_wmi_object_get(o, c->prop->name, &v) != CSC_S_OK)
            return false;
        switch (v->type) {
        case CSC_WMI_STRING:
            if (!wmi_name_eq(v->u.string, c->string))
                return false;
            break;
        case CSC_WMI_BOOLEAN:
            if (v->u.boolean != c->boolean)
                return false;
            break;
        case CSC_WMI_UINT32:
            if ((int64_t)v->u.uint32 != c->number)
                return false;
            break;
        case CSC_WMI_SINT64:
            if (v->u.sint64 != c->number)
                return false;
            break;
        default: /* NULL equals nothing */
            return false;
        }
    }
    return true;
}

typedef struct collect {
    const csc_cache_t *cache;
    const query_t *q;
    csc_wmi_objects_t *set;
    bool oom;
} collect_t;

static bool collect_item(void *ud, csc_item_t *item)
{
    collect_t *c = ud;
    csc_wmi_object_t *o = item_instance(c->cache, item);
    if (o == NULL) {
        c->oom = true;
        return false;
    }
    if (!matches(c->q, o)) {
        csc_wmi_object_free(o);
        return true;
    }
    if (!wmi_set_add(c->set, o)) {
        c->oom = true;
        return false;
    }
    return true;
}

csc_hresult csc_wmi_exec_query(csc_cache_t *cache, const char *query, csc_wmi_objects_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (cache == NULL || query == NULL || out == NULL)
        return CSC_WBEM_E_INVALID_PARAMETER;
    query_t q;
    csc_hresult hr = parse(query, &q);
    if (hr != CSC_S_OK)
        return hr;
    csc_wmi_objects_t *set = wmi_set_new();
    if (set == NULL) {
        query_clear(&q);
        return WMI_E_OUT_OF_MEMORY;
    }
    bool held = false;
    if (q.cls->has_methods) {
        hr = hold(cache, &held);
        if (hr == CSC_S_OK) {
            csc_wmi_object_t *o = cache_instance(cache);
            if (o == NULL)
                hr = WMI_E_OUT_OF_MEMORY;
            else if (!matches(&q, o))
                csc_wmi_object_free(o);
            else if (!wmi_set_add(set, o))
                hr = WMI_E_OUT_OF_MEMORY;
        }
        release(cache, held);
    } else if (q.cls->instances) {
        /* C13.6: every cached item, flat; the library's enumeration is a
         * method (it fails while the feature is not active, C13.1). */
        collect_t c = {cache, &q, set, false};
        hr = csc_enum_items(cache, NULL, CSC_ENUM_FLAT, collect_item, &c);
        if (hr == CSC_S_OK && c.oom)
            hr = WMI_E_OUT_OF_MEMORY;
    } /* the embedded info classes have no instances of their own */
    query_clear(&q);
    if (hr != CSC_S_OK) {
        csc_wmi_objects_free(set);
        return hr;
    }
    *out = set;
    return CSC_S_OK;
}

csc_hresult csc_wmi_enum_instances(csc_cache_t *cache, const char *class_name,
                                   csc_wmi_objects_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (cache == NULL || class_name == NULL || out == NULL)
        return CSC_WBEM_E_INVALID_PARAMETER;
    const wmi_class_def_t *c = wmi_class_find(class_name);
    if (c == NULL)
        return CSC_WBEM_E_INVALID_CLASS;
    char text[96];
    snprintf(text, sizeof text, "SELECT * FROM %s", c->name);
    return csc_wmi_exec_query(cache, text, out);
}
