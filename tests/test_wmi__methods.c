/*
 * tests/test_wmi__methods.c: the 11 methods of Win32_OfflineFilesCache
 * through the WMI face (contract C4.8, C13, C14.3, C14.4, C16.6, C16.7),
 * as a client calls them by name: for each method a success that changes
 * the cache as the C API's call does, a documented error as its uint32
 * ReturnValue, missing (NULL) and bad arguments; the WMI call's own errors
 * (unknown class, method or parameter, a value of the wrong type: each
 * parameter of each MOF signature is checked) change nothing; progress as
 * OnProgress(0, n, "Reason:Result:ResultText:Path") with cancellation by
 * the receiver; the UTF-16 entry point; two threads on one cache.
 */
#include "wmi/wmi_test.h"

#include <pthread.h>
#include <stdio.h>

#define CACHE_CLASS "Win32_OfflineFilesCache"

/* Calls `method` and returns its ReturnValue; *out_bool (may be NULL)
 * receives its [out] boolean when it has one. */
static uint32_t call(csc_cache_t *cache, const char *method, const csc_wmi_arg_t *args,
                     size_t n, bool *out_bool)
{
    csc_wmi_object_t *out = NULL;
    assert_int_equal(csc_wmi_exec_method(cache, CACHE_CLASS, method, args, n, NULL, NULL, &out),
                     CSC_S_OK);
    assert_non_null(out);
    assert_string_equal(csc_wmi_object_class(out), "__PARAMETERS");
    uint32_t ret = wt_u32(out, "ReturnValue");
    if (out_bool != NULL) {
        assert_int_equal(csc_wmi_object_property_count(out), 2);
        const char *name = NULL;
        const csc_wmi_value_t *v = NULL;
        assert_int_equal(csc_wmi_object_property_at(out, 1, &name, &v), CSC_S_OK);
        assert_int_equal(v->type, CSC_WMI_BOOLEAN);
        *out_bool = v->u.boolean;
    } else {
        assert_int_equal(csc_wmi_object_property_count(out), 1);
    }
    csc_wmi_object_free(out);
    return ret;
}

#define ARGS(a) (a), sizeof(a) / sizeof((a)[0])

static bool cached(csc_cache_t *cache, const char *path)
{
    csc_item_t *item = NULL;
    return csc_cache_find(cache, path, &item) == CSC_S_OK;
}

static csc_item_t *item(csc_cache_t *cache, const char *path)
{
    csc_item_t *it = NULL;
    assert_int_equal(csc_cache_find(cache, path, &it), CSC_S_OK);
    return it;
}

/* ---- progress ---- */

typedef struct log {
    char lines[64][256];
    size_t n;
    uint32_t cancel_at; /* 0: never */
} log_t;

static bool receiver(void *ud, uint32_t upper, uint32_t current, const char *message)
{
    log_t *l = ud;
    assert_int_equal(upper, 0); /* C16.6 */
    assert_int_equal(current, l->n + 1);
    if (l->n < 64)
        snprintf(l->lines[l->n++], sizeof l->lines[0], "%s", message);
    return l->cancel_at == 0 || current != l->cancel_at;
}

static uint32_t call_progress(csc_cache_t *cache, const char *method, const csc_wmi_arg_t *args,
                              size_t n, log_t *l)
{
    csc_wmi_object_t *out = NULL;
    assert_int_equal(
        csc_wmi_exec_method(cache, CACHE_CLASS, method, args, n, receiver, l, &out), CSC_S_OK);
    uint32_t ret = wt_u32(out, "ReturnValue");
    csc_wmi_object_free(out);
    return ret;
}

#define OK_TEXT "The operation completed successfully."

/* ---- each method ---- */

static void test_pin_unpin(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    const char *share[] = {SH};
    csc_wmi_arg_t pin[] = {{"Paths", v_paths(share, 1)}, {"Flags", v_u32(0x20)},
                           {"Deep", v_bool(true)}};
    assert_int_equal(call(cache, "Pin", ARGS(pin), NULL), 0);
    assert_true(csc_item_is_pinned(item(cache, SH "\\docs\\b.txt")));
    /* Unpin, names in any case, Flags 0x1820 (ForUser | Interactive |
     * Console, as scripts pass them). */
    csc_wmi_arg_t unpin[] = {{"paths", v_paths(share, 1)}, {"FLAGS", v_u32(0x1820)},
                             {"deep", v_bool(true)}};
    assert_int_equal(call(cache, "unpin", ARGS(unpin), NULL), 0);
    assert_false(csc_item_is_pinned(item(cache, SH "\\docs\\b.txt")));
    /* Documented errors: no pin source (C4.1) 87; one uncached file: that
     * item's result, 2 (C4.7). */
    csc_wmi_arg_t nosrc[] = {{"Paths", v_paths(share, 1)}, {"Flags", v_u32(0)}};
    assert_int_equal(call(cache, "Unpin", ARGS(nosrc), NULL), 87);
    const char *missing[] = {SH "\\zz.txt"};
    csc_wmi_arg_t miss[] = {{"Paths", v_paths(missing, 1)}, {"Flags", v_u32(0x20)}};
    assert_int_equal(call(cache, "Pin", ARGS(miss), NULL), 2);
    /* Missing Paths (NULL, as WMI passes it): no path, 87; an empty array
     * likewise. */
    csc_wmi_arg_t flags_only[] = {{"Flags", v_u32(0x20)}};
    assert_int_equal(call(cache, "Pin", ARGS(flags_only), NULL), 87);
    csc_wmi_arg_t empty[] = {{"Paths", v_paths(share, 0)}, {"Flags", v_u32(0x20)}};
    assert_int_equal(call(cache, "Pin", ARGS(empty), NULL), 87);
    /* A NULL string inside Paths is an empty path (C14.4, C16.7): that item
     * fails with 0x8007007B, the rest is done. */
    const char *with_null[] = {NULL, SH "\\a.txt"};
    csc_wmi_arg_t wn[] = {{"Paths", v_paths(with_null, 2)}, {"Flags", v_u32(0x20)},
                          {"Deep", v_null()}};
    log_t l = {.n = 0};
    assert_int_equal(call_progress(cache, "Pin", ARGS(wn), &l), 0);
    assert_true(csc_item_is_pinned(item(cache, SH "\\a.txt")));
    assert_int_equal(l.n, 6);
    assert_string_equal(l.lines[0], "0:0x00000000:" OK_TEXT ":");
    assert_string_equal(l.lines[1], "2:0x00000000:" OK_TEXT ":");
    assert_string_equal(l.lines[2], "3:0x8007007B:The filename, directory name, or volume label "
                                    "syntax is incorrect.:");
    assert_string_equal(l.lines[4], "3:0x00000000:" OK_TEXT ":" SH "\\a.txt");
    assert_string_equal(l.lines[5], "1:0x00000000:" OK_TEXT ":");
    csc_cache_free(cache);
}

static void test_cancel_from_receiver(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    const char *share[] = {SH};
    csc_wmi_arg_t pin[] = {{"Paths", v_paths(share, 1)}, {"Flags", v_u32(0x20)},
                           {"Deep", v_bool(true)}};
    /* Cancelled at Begin: no item is processed (C4.5 step 1). */
    log_t l = {.n = 0, .cancel_at = 1};
    assert_int_equal(call_progress(cache, "Pin", ARGS(pin), &l), 1223);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.lines[1], "1:0x800704C7:The operation was canceled by the user.:");
    assert_false(csc_item_is_pinned(item(cache, SH)));
    /* Cancelled at the share's ItemResult: the share is pinned, the rest
     * not (nothing rolled back). */
    l = (log_t){.n = 0, .cancel_at = 3};
    assert_int_equal(call_progress(cache, "Pin", ARGS(pin), &l), 1223);
    assert_true(csc_item_is_pinned(item(cache, SH)));
    assert_false(csc_item_is_pinned(item(cache, SH "\\a.txt")));
    /* The same for Synchronize, DeleteItems and Encrypt, which format
     * their events in the face. */
    csc_wmi_arg_t sync[] = {{"Paths", v_paths(share, 1)}, {"Flags", v_u32(0x4)}};
    l = (log_t){.n = 0, .cancel_at = 1};
    assert_int_equal(call_progress(cache, "Synchronize", ARGS(sync), &l), 1223);
    assert_true(csc_item_is_dirty(item(cache, SH "\\docs\\b.txt")));
    csc_wmi_arg_t del[] = {{"Paths", v_paths(share, 1)}, {"Flags", v_u32(0)}};
    l = (log_t){.n = 0, .cancel_at = 1};
    assert_int_equal(call_progress(cache, "DeleteItems", ARGS(del), &l), 1223);
    assert_true(cached(cache, SH "\\a.txt"));
    csc_wmi_arg_t enc[] = {{"Encrypt", v_bool(true)}, {"Flags", v_u32(0)}};
    l = (log_t){.n = 0, .cancel_at = 2}; /* at the first file's ItemBegin */
    assert_int_equal(call_progress(cache, "Encrypt", ARGS(enc), &l), 1223);
    csc_cache_free(cache);
}

static void test_synchronize(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    const char *b[] = {SH "\\docs\\b.txt"};
    csc_wmi_arg_t sync[] = {{"Paths", v_paths(b, 1)}, {"Flags", v_u32(0x6)}};
    log_t l = {.n = 0};
    assert_int_equal(call_progress(cache, "Synchronize", ARGS(sync), &l), 0);
    assert_false(csc_item_is_dirty(item(cache, SH "\\docs\\b.txt")));
    assert_true(l.n >= 4);
    assert_string_equal(l.lines[0], "0:0x00000000:" OK_TEXT ":");
    assert_string_equal(l.lines[1], "2:0x00000000:" OK_TEXT ":" SH "\\docs\\b.txt");
    assert_string_equal(l.lines[l.n - 1], "1:0x00000000:" OK_TEXT ":");
    csc_wmi_arg_t none[] = {{"Flags", v_u32(0x2)}};
    assert_int_equal(call(cache, "Synchronize", ARGS(none), NULL), 87); /* no path */
    const char *missing[] = {SH "\\zz.txt"};
    csc_wmi_arg_t miss[] = {{"Paths", v_paths(missing, 1)}, {"Flags", v_u32(0x2)}};
    assert_int_equal(call(cache, "Synchronize", ARGS(miss), NULL), 2);
    /* A NULL string inside Paths: an empty path, not a refused call. */
    const char *with_null[] = {NULL};
    csc_wmi_arg_t wn[] = {{"Paths", v_paths(with_null, 1)}, {"Flags", v_u32(0x2)}};
    assert_int_equal(call(cache, "Synchronize", ARGS(wn), NULL), 123);
    csc_cache_free(cache);
}

static void test_delete_items(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    const char *a[] = {SH "\\a.txt"};
    csc_wmi_arg_t del[] = {{"Paths", v_paths(a, 1)}, {"Flags", v_u32(0)}};
    assert_int_equal(call(cache, "DeleteItems", ARGS(del), NULL), 0);
    assert_false(cached(cache, SH "\\a.txt"));
    csc_wmi_arg_t bad[] = {{"Paths", v_paths(a, 1)}, {"Flags", v_u32(0x8)}};
    assert_int_equal(call(cache, "DeleteItems", ARGS(bad), NULL), 87);
    /* A dirty file is kept without DelModified; a NULL path fails as an
     * empty one: ERROR_MORE_DATA (C15.18). */
    const char *two[] = {NULL, SH "\\docs\\b.txt"};
    csc_wmi_arg_t keep[] = {{"Paths", v_paths(two, 2)}, {"Flags", v_null()}};
    assert_int_equal(call(cache, "DeleteItems", ARGS(keep), NULL), 234);
    assert_true(cached(cache, SH "\\docs\\b.txt"));
    /* Admin needs an administrator (E_ACCESSDENIED as 0x80070005 -> 5). */
    assert_int_equal(csc_cache_set_caller(cache, "bob", false), CSC_S_OK);
    const char *b[] = {SH "\\docs\\b.txt"};
    csc_wmi_arg_t admin[] = {{"Paths", v_paths(b, 1)}, {"Flags", v_u32(0x80000004u)}};
    assert_int_equal(call(cache, "DeleteItems", ARGS(admin), NULL), 5);
    assert_true(cached(cache, SH "\\docs\\b.txt"));
    csc_cache_free(cache);
}

static void test_enable(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    bool reboot = true;
    csc_wmi_arg_t on[] = {{"Enable", v_bool(true)}};
    assert_int_equal(call(cache, "Enable", ARGS(on), &reboot), 0);
    assert_false(reboot); /* already active */
    /* Enable missing: NULL, a FALSE boolean (C14.3). */
    assert_int_equal(call(cache, "Enable", NULL, 0, &reboot), 0);
    assert_true(reboot);
    bool active = false, enabled = true;
    assert_int_equal(csc_feature_query_status(cache, &active, &enabled, NULL), CSC_S_OK);
    assert_true(active);
    assert_false(enabled);
    /* Not an administrator: 5, RebootRequired FALSE (C15.19). */
    assert_int_equal(csc_cache_set_caller(cache, "bob", false), CSC_S_OK);
    reboot = true;
    assert_int_equal(call(cache, "Enable", ARGS(on), &reboot), 5);
    assert_false(reboot);
    assert_int_equal(csc_feature_query_status(cache, NULL, &enabled, NULL), CSC_S_OK);
    assert_false(enabled);
    /* Inactive (after a restart): every other method answers 1062
     * (ERROR_SERVICE_NOT_ACTIVE), Enable still works. */
    assert_int_equal(csc_cache_set_caller(cache, "user", true), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    const char *share[] = {SH};
    csc_wmi_arg_t pin[] = {{"Paths", v_paths(share, 1)}, {"Flags", v_u32(0x20)}};
    assert_int_equal(call(cache, "Pin", ARGS(pin), NULL), 1062);
    csc_wmi_arg_t susp[] = {{"Path", v_str(SH)}, {"Suspend", v_bool(true)}};
    assert_int_equal(call(cache, "SuspendRoot", ARGS(susp), NULL), 1062);
    assert_int_equal(call(cache, "Enable", ARGS(on), &reboot), 0);
    assert_true(reboot);
    csc_cache_free(cache);
}

static void test_encrypt(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_wmi_arg_t enc[] = {{"Encrypt", v_bool(true)}, {"Flags", v_u32(0x400)}};
    log_t l = {.n = 0};
    assert_int_equal(call_progress(cache, "Encrypt", ARGS(enc), &l), 0);
    assert_true(csc_item_is_encrypted(item(cache, SH "\\a.txt")));
    assert_true(csc_item_is_encrypted(item(cache, SH "\\docs\\b.txt")));
    assert_int_equal(l.n, 6); /* files only (C15.16) */
    assert_string_equal(l.lines[1], "2:0x00000000:" OK_TEXT ":" SH "\\a.txt");
    csc_wmi_arg_t bad[] = {{"Encrypt", v_bool(false)}, {"Flags", v_u32(0x1)}};
    assert_int_equal(call(cache, "Encrypt", ARGS(bad), NULL), 87);
    assert_true(csc_item_is_encrypted(item(cache, SH "\\a.txt")));
    /* An open file keeps its state and fails with 0x80070020; the call
     * returns S_OK (per-item results reach only the progress). */
    assert_int_equal(csc_item_open(cache, item(cache, SH "\\a.txt")), CSC_S_OK);
    csc_wmi_arg_t dec[] = {{"Encrypt", v_null()}, {"Flags", v_null()}};
    l = (log_t){.n = 0};
    assert_int_equal(call_progress(cache, "Encrypt", ARGS(dec), &l), 0);
    assert_true(csc_item_is_encrypted(item(cache, SH "\\a.txt")));
    assert_false(csc_item_is_encrypted(item(cache, SH "\\docs\\b.txt")));
    assert_string_equal(l.lines[2], "3:0x80070020:The process cannot access the file because it "
                                    "is being used by another process.:" SH "\\a.txt");
    csc_cache_free(cache);
}

static void test_rename(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_wmi_arg_t ex[] = {{"OriginalPath", v_str(SH "\\a.txt")},
                          {"NewPath", v_str(SH "\\c.txt")},
                          {"ReplaceIfExists", v_bool(false)}};
    assert_int_equal(call(cache, "RenameItemEx", ARGS(ex), NULL), 0);
    assert_false(cached(cache, SH "\\a.txt"));
    assert_true(cached(cache, SH "\\c.txt"));
    /* Original not cached: 2; missing (NULL) strings: empty, invalid: 123. */
    assert_int_equal(call(cache, "RenameItemEx", ARGS(ex), NULL), 2);
    assert_int_equal(call(cache, "RenameItemEx", NULL, 0, NULL), 123);
    csc_wmi_arg_t exists[] = {{"OriginalPath", v_str(SH "\\c.txt")},
                              {"NewPath", v_str(SH "\\docs")}};
    assert_int_equal(call(cache, "RenameItemEx", ARGS(exists), NULL), 183); /* cached */
    csc_wmi_arg_t depth[] = {{"OriginalPath", v_str(SH "\\c.txt")},
                             {"NewPath", v_str(SRV "\\other")}};
    assert_int_equal(call(cache, "RenameItemEx", ARGS(depth), NULL), 87); /* another depth */
    /* RenameItem: logged for the restart; an administrator only. */
    csc_wmi_arg_t later[] = {{"OriginalPath", v_str(SH "\\c.txt")},
                             {"NewPath", v_str(SH "\\d.txt")}};
    assert_int_equal(call(cache, "RenameItem", ARGS(later), NULL), 0);
    assert_int_equal(csc_cache_pending_renames(cache), 1);
    assert_true(cached(cache, SH "\\c.txt"));
    assert_int_equal(csc_cache_set_caller(cache, "bob", false), CSC_S_OK);
    assert_int_equal(call(cache, "RenameItem", ARGS(later), NULL), 5);
    assert_int_equal(csc_cache_pending_renames(cache), 1);
    csc_cache_free(cache);
}

static void test_suspend_root(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_wmi_arg_t on[] = {{"Path", v_str(SH "\\docs")}, {"Suspend", v_bool(true)}};
    assert_int_equal(call(cache, "SuspendRoot", ARGS(on), NULL), 0);
    assert_true(csc_item_is_suspended_root(item(cache, SH "\\docs")));
    assert_true(csc_item_is_suspended(item(cache, SH "\\docs\\b.txt")));
    csc_wmi_arg_t file[] = {{"Path", v_str(SH "\\a.txt")}, {"Suspend", v_bool(true)}};
    assert_int_equal(call(cache, "SuspendRoot", ARGS(file), NULL), 87);
    csc_wmi_arg_t server[] = {{"Path", v_str(SRV)}, {"Suspend", v_bool(true)}};
    assert_int_equal(call(cache, "SuspendRoot", ARGS(server), NULL), 50);
    csc_wmi_arg_t nopath[] = {{"Suspend", v_bool(true)}};
    assert_int_equal(call(cache, "SuspendRoot", ARGS(nopath), NULL), 123);
    /* Suspend missing: FALSE, releases every root at or below. */
    csc_wmi_arg_t off[] = {{"Path", v_str(SH)}};
    assert_int_equal(call(cache, "SuspendRoot", ARGS(off), NULL), 0);
    assert_false(csc_item_is_suspended(item(cache, SH "\\docs\\b.txt")));
    csc_cache_free(cache);
}

static void test_transitions(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    bool open_files = true;
    csc_wmi_arg_t off[] = {{"Path", v_str(SH "\\docs")}, {"Force", v_bool(false)},
                           {"Flags", v_u32(0)}};
    assert_int_equal(call(cache, "TransitionOffline", ARGS(off), &open_files), 0);
    assert_false(open_files);
    csc_connect_state_t st;
    assert_int_equal(csc_connect_state(cache, SH "\\a.txt", &st, NULL), CSC_S_OK);
    assert_int_equal(st, CSC_CONNECT_STATE_OFFLINE); /* the whole scope */
    csc_wmi_arg_t server[] = {{"Path", v_str(SRV)}};
    assert_int_equal(call(cache, "TransitionOffline", ARGS(server), &open_files), 87);
    assert_int_equal(call(cache, "TransitionOffline", NULL, 0, &open_files), 123);
    csc_wmi_arg_t badflags[] = {{"Path", v_str(SH)}, {"Flags", v_u32(0x4)}};
    assert_int_equal(call(cache, "TransitionOnline", ARGS(badflags), NULL), 87);
    csc_wmi_arg_t on[] = {{"Path", v_str(SH)}, {"Flags", v_u32(1)}};
    assert_int_equal(call(cache, "TransitionOnline", ARGS(on), NULL), 0);
    assert_int_equal(csc_connect_state(cache, SH "\\a.txt", &st, NULL), CSC_S_OK);
    assert_int_equal(st, CSC_CONNECT_STATE_ONLINE);
    csc_wmi_arg_t gone[] = {{"Path", v_str("\\\\nobody\\none")}};
    assert_int_equal(call(cache, "TransitionOnline", ARGS(gone), NULL), 2);
    csc_cache_free(cache);
}

/* ---- the WMI call's own errors (C14.3) ---- */

typedef struct sig {
    const char *method;
    const char *params[4];
    csc_wmi_type_t types[4];
    size_t n;
} sig_t;

/* The [in] parameters of windows-reference §2's MOF signatures. */
static const sig_t sigs[] = {
    {"DeleteItems", {"Paths", "Flags"}, {CSC_WMI_STRING_ARRAY, CSC_WMI_UINT32}, 2},
    {"Enable", {"Enable"}, {CSC_WMI_BOOLEAN}, 1},
    {"Encrypt", {"Encrypt", "Flags"}, {CSC_WMI_BOOLEAN, CSC_WMI_UINT32}, 2},
    {"Pin", {"Paths", "Flags", "Deep"}, {CSC_WMI_STRING_ARRAY, CSC_WMI_UINT32, CSC_WMI_BOOLEAN}, 3},
    {"RenameItem", {"OriginalPath", "NewPath", "ReplaceIfExists"},
     {CSC_WMI_STRING, CSC_WMI_STRING, CSC_WMI_BOOLEAN}, 3},
    {"RenameItemEx", {"OriginalPath", "NewPath", "ReplaceIfExists"},
     {CSC_WMI_STRING, CSC_WMI_STRING, CSC_WMI_BOOLEAN}, 3},
    {"SuspendRoot", {"Path", "Suspend"}, {CSC_WMI_STRING, CSC_WMI_BOOLEAN}, 2},
    {"Synchronize", {"Paths", "Flags"}, {CSC_WMI_STRING_ARRAY, CSC_WMI_UINT32}, 2},
    {"TransitionOffline", {"Path", "Force", "Flags"},
     {CSC_WMI_STRING, CSC_WMI_BOOLEAN, CSC_WMI_UINT32}, 3},
    {"TransitionOnline", {"Path", "Flags"}, {CSC_WMI_STRING, CSC_WMI_UINT32}, 2},
    {"Unpin", {"Paths", "Flags", "Deep"}, {CSC_WMI_STRING_ARRAY, CSC_WMI_UINT32, CSC_WMI_BOOLEAN},
     3},
};

static csc_hresult exec(csc_cache_t *cache, const char *cls, const char *method,
                        const csc_wmi_arg_t *args, size_t n)
{
    csc_wmi_object_t *out = (csc_wmi_object_t *)1;
    csc_hresult hr = csc_wmi_exec_method(cache, cls, method, args, n, NULL, NULL, &out);
    if (hr != CSC_S_OK)
        assert_null(out);
    else
        csc_wmi_object_free(out);
    return hr;
}

static void test_wbem_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    csc_wmi_objects_t *set = NULL;
    assert_int_equal(csc_wmi_enum_instances(cache, "Win32_OfflineFilesCache", &set), CSC_S_OK);
    const csc_wmi_object_t *an_object = csc_wmi_objects_at(set, 0);
    const char *p[] = {SH};
    /* One value of each type. */
    csc_wmi_value_t each[6] = {v_bool(true), v_u32(0x20), v_s64(1), v_str(SH), v_paths(p, 1),
                               {CSC_WMI_OBJECT, {.object = an_object}}};
    char *before = wt_dump(cache);
    for (size_t s = 0; s < sizeof sigs / sizeof sigs[0]; s++) {
        const sig_t *g = &sigs[s];
        for (size_t k = 0; k < g->n; k++) {
            for (size_t t = 0; t < 6; t++) {
                if (each[t].type == g->types[k])
                    continue;
                csc_wmi_arg_t a = {g->params[k], each[t]};
                csc_hresult hr = exec(cache, CACHE_CLASS, g->method, &a, 1);
                if (hr != CSC_WBEM_E_TYPE_MISMATCH)
                    fail_msg("%s(%s as type %d): 0x%08X", g->method, g->params[k],
                             (int)each[t].type, (unsigned)hr);
            }
        }
        csc_wmi_arg_t unknown = {"Recursive", v_bool(true)};
        assert_int_equal(exec(cache, CACHE_CLASS, g->method, &unknown, 1),
                         CSC_WBEM_E_INVALID_PARAMETER);
        csc_wmi_arg_t twice[2] = {{g->params[0], v_null()}, {g->params[0], v_null()}};
        assert_int_equal(exec(cache, CACHE_CLASS, g->method, twice, 2),
                         CSC_WBEM_E_INVALID_PARAMETER);
    }
    /* [out] parameters are not inputs; a NULL name; a NULL array with a
     * count. */
    csc_wmi_arg_t outp = {"RebootRequired", v_bool(true)};
    assert_int_equal(exec(cache, CACHE_CLASS, "Enable", &outp, 1), CSC_WBEM_E_INVALID_PARAMETER);
    csc_wmi_arg_t noname = {NULL, v_bool(true)};
    assert_int_equal(exec(cache, CACHE_CLASS, "Enable", &noname, 1), CSC_WBEM_E_INVALID_PARAMETER);
    csc_wmi_arg_t badarr = {"Paths", v_paths(NULL, 2)};
    assert_int_equal(exec(cache, CACHE_CLASS, "Pin", &badarr, 1), CSC_WBEM_E_INVALID_PARAMETER);
    csc_wmi_arg_t badtype = {"Paths", {(csc_wmi_type_t)42, {.boolean = false}}};
    assert_int_equal(exec(cache, CACHE_CLASS, "Pin", &badtype, 1), CSC_WBEM_E_INVALID_PARAMETER);
    /* Classes and methods. */
    assert_int_equal(exec(cache, "Win32_Nope", "Pin", NULL, 0), CSC_WBEM_E_INVALID_CLASS);
    assert_int_equal(exec(cache, "Win32_OfflineFilesItem", "Pin", NULL, 0),
                     CSC_WBEM_E_INVALID_METHOD);
    assert_int_equal(exec(cache, "Win32_OfflineFilesPinInfo", "Pin", NULL, 0),
                     CSC_WBEM_E_INVALID_METHOD);
    assert_int_equal(exec(cache, CACHE_CLASS, "Defragment", NULL, 0), CSC_WBEM_E_INVALID_METHOD);
    assert_int_equal(exec(cache, CACHE_CLASS "=@x", "Pin", NULL, 0), CSC_WBEM_E_INVALID_CLASS);
    assert_int_equal(exec(NULL, CACHE_CLASS, "Pin", NULL, 0), CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(exec(cache, NULL, "Pin", NULL, 0), CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(exec(cache, CACHE_CLASS, NULL, NULL, 0), CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(exec(cache, CACHE_CLASS, "Pin", NULL, 1), CSC_WBEM_E_INVALID_PARAMETER);
    wt_same(cache, before); /* none of it changed anything */
    /* The object path names the singleton; out may be NULL (the method
     * runs all the same). */
    csc_wmi_arg_t pin[] = {{"Paths", v_paths(p, 1)}, {"Flags", v_u32(0x20)}};
    assert_int_equal(csc_wmi_exec_method(cache, CACHE_CLASS "=@", "Pin", ARGS(pin), NULL, NULL,
                                         NULL),
                     CSC_S_OK);
    assert_true(csc_item_is_pinned(item(cache, SH)));
    csc_wmi_objects_free(set);
    csc_cache_free(cache);
}

/* ---- UTF-16 (C14.4) ---- */

typedef struct wlog {
    size_t n;
    csc_wmi_wchar_t last_item[256];
} wlog_t;

static bool wreceiver(void *ud, uint32_t upper, uint32_t current, const csc_wmi_wchar_t *m)
{
    (void)upper;
    wlog_t *l = ud;
    l->n = current;
    if (m[0] == '3') { /* keep the last ItemResult */
        size_t i = 0;
        for (; m[i] != 0 && i < 255; i++)
            l->last_item[i] = m[i];
        l->last_item[i] = 0;
    }
    return true;
}

static void test_utf16(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    assert_int_equal(csc_cache_file(cache, SH "\\\xED\xA0\x80.txt", true, 1, NULL), CSC_S_OK);
    const csc_wmi_wchar_t name[] = {'\\', '\\', 's', 'r', 'v', '\\', 's', 'h', 'a', 'r', 'e', '\\',
                                    0xD800, '.', 't', 'x', 't', 0};
    const csc_wmi_wchar_t *paths[] = {NULL, name};
    csc_wmi_arg_w_t args[] = {
        {u"Paths", {CSC_WMI_STRING_ARRAY, {.strings = {paths, 2}}}},
        {u"Flags", {CSC_WMI_UINT32, {.uint32 = 0x20}}},
    };
    wlog_t l = {0};
    csc_wmi_object_t *out = NULL;
    assert_int_equal(csc_wmi_exec_method_w(cache, u"Win32_OfflineFilesCache", u"Pin", ARGS(args),
                                           wreceiver, &l, &out),
                     CSC_S_OK);
    assert_int_equal(wt_u32(out, "ReturnValue"), 0);
    csc_wmi_object_free(out);
    assert_true(csc_item_is_pinned(item(cache, SH "\\\xED\xA0\x80.txt")));
    assert_int_equal(l.n, 6);
    /* "3:0x00000000:<text>:\\srv\share\<U+D800>.txt": the unit came back. */
    size_t len = 0;
    while (l.last_item[len] != 0)
        len++;
    assert_true(len > 5);
    assert_int_equal(l.last_item[len - 5], 0xD800);
    /* Errors through the _w entry point. */
    assert_int_equal(csc_wmi_exec_method_w(cache, u"Win32_OfflineFilesCache", u"Nope", NULL, 0,
                                           NULL, NULL, &out),
                     CSC_WBEM_E_INVALID_METHOD);
    assert_int_equal(csc_wmi_exec_method_w(cache, NULL, u"Pin", NULL, 0, NULL, NULL, &out),
                     CSC_WBEM_E_INVALID_PARAMETER);
    assert_int_equal(csc_wmi_exec_method_w(cache, u"Win32_OfflineFilesCache", u"Pin", NULL, 2,
                                           NULL, NULL, &out),
                     CSC_WBEM_E_INVALID_PARAMETER);
    csc_cache_free(cache);
}

/* ---- re-entry (C14.5): a receiver may read, not change ---- */

typedef struct reentry {
    csc_cache_t *cache;
    int reads, changes;
    uint32_t change_ret;
} reentry_t;

static bool reentrant(void *ud, uint32_t upper, uint32_t current, const char *message)
{
    (void)upper;
    (void)message;
    reentry_t *r = ud;
    if (current != 1)
        return true;
    csc_wmi_object_t *o = NULL;
    if (csc_wmi_get_instance(r->cache, "Win32_OfflineFilesItem", SH "\\a.txt", &o) == CSC_S_OK)
        r->reads++;
    csc_wmi_object_free(o);
    csc_wmi_objects_t *set = NULL;
    if (csc_wmi_enum_instances(r->cache, "Win32_OfflineFilesItem", &set) == CSC_S_OK &&
        csc_wmi_objects_count(set) == 5)
        r->reads++;
    csc_wmi_objects_free(set);
    const char *p[] = {SH "\\a.txt"};
    csc_wmi_arg_t args[] = {{"Paths", v_paths(p, 1)}, {"Flags", v_u32(0x20)}};
    csc_wmi_object_t *out = NULL;
    if (csc_wmi_exec_method(r->cache, CACHE_CLASS, "Pin", args, 2, NULL, NULL, &out) == CSC_S_OK)
        r->changes++;
    r->change_ret = wt_u32(out, "ReturnValue");
    csc_wmi_object_free(out);
    return true;
}

static void test_reentry(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    reentry_t r = {cache, 0, 0, 0};
    const char *docs[] = {SH "\\docs"};
    csc_wmi_arg_t args[] = {{"Paths", v_paths(docs, 1)}, {"Flags", v_u32(0x20)}};
    csc_wmi_object_t *out = NULL;
    assert_int_equal(csc_wmi_exec_method(cache, CACHE_CLASS, "Pin", ARGS(args), reentrant, &r,
                                         &out),
                     CSC_S_OK);
    assert_int_equal(wt_u32(out, "ReturnValue"), 0);
    csc_wmi_object_free(out);
    assert_int_equal(r.reads, 2);   /* reads work inside the call */
    assert_int_equal(r.changes, 1); /* the nested method ran ... */
    assert_int_equal(r.change_ret, 170); /* ... and was refused: ERROR_BUSY */
    assert_false(csc_item_is_pinned(item(cache, SH "\\a.txt")));
    assert_true(csc_item_is_pinned(item(cache, SH "\\docs")));
    csc_cache_free(cache);
}

/* ---- two threads on one cache (C14.5) ---- */

typedef struct worker {
    csc_cache_t *cache;
    const char *path;
    int failures;
} worker_t;

static void *work(void *arg)
{
    worker_t *w = arg;
    const char *p[] = {w->path};
    csc_wmi_arg_t args[] = {{"Paths", v_paths(p, 1)}, {"Flags", v_u32(0x20)},
                            {"Deep", v_bool(true)}};
    for (int i = 0; i < 100; i++) {
        csc_wmi_object_t *out = NULL;
        const char *m = i % 2 == 0 ? "Pin" : "Unpin";
        if (csc_wmi_exec_method(w->cache, CACHE_CLASS, m, args, 3, NULL, NULL, &out) != CSC_S_OK)
            w->failures++;
        const csc_wmi_value_t *v = NULL;
        if (out == NULL || csc_wmi_object_get(out, "ReturnValue", &v) != CSC_S_OK ||
            v->u.uint32 != 0)
            w->failures++;
        csc_wmi_object_free(out);
        csc_wmi_objects_t *set = NULL;
        if (csc_wmi_exec_query(w->cache, "SELECT * FROM Win32_OfflineFilesItem WHERE ItemType = 0",
                               &set) != CSC_S_OK ||
            csc_wmi_objects_count(set) != 2)
            w->failures++;
        csc_wmi_objects_free(set);
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    (void)state;
    csc_cache_t *cache = wt_cache();
    worker_t w1 = {cache, SH "\\a.txt", 0}, w2 = {cache, SH "\\docs", 0};
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, work, &w1), 0);
    assert_int_equal(pthread_create(&t2, NULL, work, &w2), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    assert_int_equal(w1.failures, 0);
    assert_int_equal(w2.failures, 0);
    /* 100 calls each, the last an Unpin: nothing pinned. */
    assert_false(csc_item_is_pinned(item(cache, SH "\\a.txt")));
    assert_false(csc_item_is_pinned(item(cache, SH "\\docs\\b.txt")));
    assert_int_equal(csc_cache_check(cache, NULL, 0), CSC_S_OK);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pin_unpin),      cmocka_unit_test(test_cancel_from_receiver),
        cmocka_unit_test(test_synchronize),    cmocka_unit_test(test_delete_items),
        cmocka_unit_test(test_enable),         cmocka_unit_test(test_encrypt),
        cmocka_unit_test(test_rename),         cmocka_unit_test(test_suspend_root),
        cmocka_unit_test(test_transitions),    cmocka_unit_test(test_wbem_errors),
        cmocka_unit_test(test_utf16),          cmocka_unit_test(test_reentry),
        cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
