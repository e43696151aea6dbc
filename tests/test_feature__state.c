/*
 * tests/test_feature__state.c: the feature state of Offline Files and the
 * cache's Location (contract C13.1, C15.3, C15.14, C15.19). Enabled and
 * Active are TRUE by default; Enable needs an administrator (E_ACCESSDENIED,
 * RebootRequired FALSE) and reports RebootRequired unless Active already
 * equals the request; Active follows Enabled only at restart; Start makes
 * Active TRUE when Available (= Enabled), else ERROR_NOT_SUPPORTED; while
 * Active is FALSE every method fails with 0x80070426 before validation,
 * changes nothing and is followed by no eviction pass, while setup commands
 * and the getters still work; restart closes every handle; Location is
 * C:\Windows\CSC until the embedder sets it.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include <cscsim/async.h>

#define SH "\\\\s\\sh"
#define NOT_ACTIVE CSC_HR(0x80070426u)
#define NOT_SUPPORTED CSC_HR(0x80070032u)

static void status(csc_cache_t *cache, bool active, bool enabled)
{
    bool a = !active, e = !enabled, av = !enabled;
    assert_int_equal(csc_feature_query_status(cache, &a, &e, &av), CSC_S_OK);
    assert_int_equal(a, active);
    assert_int_equal(e, enabled);
    assert_int_equal(av, enabled); /* Available = Enabled [decision] */
}

static void test_defaults_and_query(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    status(cache, true, true);
    /* C16.7: every output optional. */
    assert_int_equal(csc_feature_query_status(cache, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_feature_query_status(NULL, NULL, NULL, NULL), CSC_E_POINTER);
    char loc[64];
    assert_int_equal(csc_cache_location(cache, loc, sizeof loc), strlen("C:\\Windows\\CSC"));
    assert_string_equal(loc, "C:\\Windows\\CSC");
    csc_cache_free(cache);
}

static void test_enable_needs_admin(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\a", 1);
    char *before = csc_test_dump(cache);
    bool reboot = true;
    assert_int_equal(csc_feature_enable(cache, false, &reboot), CSC_E_ACCESSDENIED);
    assert_false(reboot); /* C15.19 */
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(before);
    free(after);
    status(cache, true, true);
    csc_cache_free(cache);
}

static void test_enable_reboot_and_restart(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    bool reboot = false;
    /* Enabling what is already active: no reboot. */
    assert_int_equal(csc_feature_enable(cache, true, &reboot), CSC_S_OK);
    assert_false(reboot);
    assert_int_equal(csc_feature_enable(cache, false, &reboot), CSC_S_OK);
    assert_true(reboot);
    status(cache, true, false); /* Active follows only at restart */
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    status(cache, false, false);
    /* Start while not Available. */
    assert_int_equal(csc_feature_start(cache), NOT_SUPPORTED);
    status(cache, false, false);
    /* Enable works while not active; RebootRequired since Active differs. */
    assert_int_equal(csc_feature_enable(cache, true, &reboot), CSC_S_OK);
    assert_true(reboot);
    status(cache, false, true);
    assert_int_equal(csc_feature_start(cache), CSC_S_OK);
    status(cache, true, true);
    assert_int_equal(csc_feature_start(cache), CSC_S_OK); /* already active */
    /* Disable, then enable again before restart: nothing to reboot. */
    assert_int_equal(csc_feature_enable(cache, false, &reboot), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, true, &reboot), CSC_S_OK);
    assert_false(reboot);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    status(cache, true, true);
    csc_cache_free(cache);
}

static int evictions;
static void on_evict(void *ud, const char *path, uint64_t size)
{
    (void)ud;
    (void)path;
    (void)size;
    evictions++;
}

static void on_done(csc_op_t *op, csc_hresult result)
{
    (void)op;
    (void)result;
    fail(); /* never started */
}

static bool enum_cb(void *ud, csc_item_t *item)
{
    (void)ud;
    (void)item;
    return true;
}

/* C13.1, C15.3, C15.14: every method refuses before validation (bad
 * arguments too), changes nothing, and no eviction pass follows. */
static void test_methods_refused_while_not_active(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    csc_test_file(cache, SH "\\d\\a", 10);
    csc_test_file(cache, SH "\\d\\b", 20);
    assert_int_equal(csc_cache_set_evict_callback(cache, on_evict, NULL), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    /* Eager eviction would empty the cache after any pass. */
    assert_int_equal(csc_cache_set_policy(cache, CSC_EVICT_EAGER), CSC_S_OK);
    assert_int_equal(evictions, 0);
    char *before = csc_test_dump(cache);
    const char *p[] = {SH "\\d"};
    evictions = 0;
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_pin(cache, NULL, 0, 0xFFFFFFFFu, true, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_unpin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL),
                     NOT_ACTIVE);
    assert_int_equal(csc_synchronize(cache, p, 1, 0, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", p, 1, 0, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_delete_items_for_user(cache, NULL, NULL, 0, 7, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 5, 5), NOT_ACTIVE);
    assert_int_equal(csc_rename_item_ex(cache, SH "\\d", SH "\\e", false), NOT_ACTIVE);
    assert_int_equal(csc_rename_item(cache, SH "\\d", SH "\\e", false), NOT_ACTIVE);
    assert_int_equal(csc_suspend_root(cache, SH "\\d", true), NOT_ACTIVE);
    assert_int_equal(csc_suspend_root(cache, NULL, true), NOT_ACTIVE);
    assert_int_equal(csc_encrypt(cache, true, 0, NULL, NULL), NOT_ACTIVE);
    assert_int_equal(csc_encrypt(cache, true, 0xFFFFFFFFu, NULL, NULL), NOT_ACTIVE);
    bool enc = true, partial = true;
    assert_int_equal(csc_get_encryption_status(cache, &enc, &partial), NOT_ACTIVE);
    assert_int_equal(csc_enum_items(cache, NULL, 0, enum_cb, NULL), NOT_ACTIVE);
    assert_int_equal(csc_enum_items(cache, NULL, 99, NULL, NULL), NOT_ACTIVE);
    uint32_t ret = csc_wmi_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);
    assert_int_equal(ret, csc_hresult_to_wmi(NOT_ACTIVE));
    /* The connectivity methods too (C10.7, C10.9, C10.10), before their
     * flags are validated. */
    bool open_files = true, cacheable = true;
    csc_caching_mode_t mode = CSC_CACHING_MODE_MANUAL;
    assert_int_equal(csc_transition_offline(cache, SH, true, 0, &open_files), NOT_ACTIVE);
    assert_int_equal(csc_transition_offline(cache, SH, false, 0xFFu, &open_files), NOT_ACTIVE);
    assert_false(open_files);
    assert_int_equal(csc_transition_online(cache, SH, 0xFFu), NOT_ACTIVE);
    assert_int_equal(csc_is_path_cacheable(cache, SH, &cacheable, &mode), NOT_ACTIVE);
    assert_false(cacheable);
    assert_int_equal(mode, CSC_CACHING_MODE_NONE);
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_op_t op = {0};
    assert_int_equal(csc_pin_async(&op, &loop, cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL,
                                   NULL, on_done),
                     NOT_ACTIVE);
    uv_loop_close(&loop);
    assert_int_equal(evictions, 0); /* C15.3: no pass after such a refusal */
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    free(after);
    free(before);

    /* C15.14: setup commands, application commands and checks still work
     * (caching runs its pass as ever). */
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(cache, SH "\\d\\a", &item), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, item), CSC_S_OK);
    assert_true(csc_item_is_open(item));
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, 30);
    csc_connect_state_t cs = CSC_CONNECT_STATE_UNKNOWN;
    csc_offline_reason_t why = CSC_OFFLINE_REASON_UNKNOWN;
    assert_int_equal(csc_connect_state(cache, SH "\\d\\a", &cs, &why), CSC_S_OK);
    assert_int_equal(cs, CSC_CONNECT_STATE_ONLINE); /* a check (ConnectionInfo) */
    assert_int_equal(why, CSC_OFFLINE_REASON_NOT_APPLICABLE);
    csc_cache_encryption_state(cache, &enc, &partial);
    assert_false(enc);
    assert_false(partial);
    assert_int_equal(csc_cache_file(cache, SH "\\c", true, 1, NULL), CSC_S_OK);
    assert_true(evictions > 0); /* the caching's pass (eager) */
    /* Restart closes every handle (C15.14) whatever Active becomes. */
    assert_int_equal(csc_feature_enable(cache, true, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_item_open_count(item), 0);
    assert_false(csc_item_is_open(item));
    assert_cache_ok(cache);
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), CSC_S_OK);
    csc_cache_free(cache);
}

static void test_location(void **state)
{
    (void)state;
    csc_test_alloc_t st = {0};
    csc_cache_t *cache = csc_test_cache_new_alloc(&st);
    assert_int_equal(csc_cache_set_location(cache, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_set_location(NULL, "x"), CSC_E_POINTER);
    assert_int_equal(csc_cache_set_location(cache, "D:\\Offline"), CSC_S_OK);
    char buf[8];
    assert_int_equal(csc_cache_location(cache, buf, sizeof buf), 10);
    assert_string_equal(buf, "D:\\Offl"); /* truncated, NUL-terminated */
    assert_int_equal(csc_cache_location(cache, NULL, 0), 10);
    /* C8.1: out of memory keeps the old value. */
    st.fail_at = st.count + 1;
    assert_int_equal(csc_cache_set_location(cache, "E:\\x"), CSC_E_OUTOFMEMORY);
    st.fail_at = 0;
    char big[32];
    csc_cache_location(cache, big, sizeof big);
    assert_string_equal(big, "D:\\Offline");
    assert_int_equal(csc_cache_set_location(cache, ""), CSC_S_OK);
    assert_int_equal(csc_cache_location(cache, big, sizeof big), 0);
    assert_string_equal(big, "");
    /* Location works while not active: the embedder's setting. */
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_cache_set_location(cache, "F:\\y"), CSC_S_OK);
    csc_cache_free(cache);
}

/* A change from inside a callback is refused (C14.5) like every change. */
static void reenter(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)ev;
    (void)abort;
    csc_cache_t *cache = ud;
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_E_BUSY);
    assert_int_equal(csc_feature_start(cache), CSC_E_BUSY);
    assert_int_equal(csc_cache_restart(cache), CSC_E_BUSY);
    assert_int_equal(csc_cache_set_location(cache, "x"), CSC_E_BUSY);
    assert_int_equal(csc_feature_query_status(cache, NULL, NULL, NULL), CSC_S_OK);
}

static void test_reentry(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    csc_test_file(cache, SH "\\a", 1);
    csc_progress_t pr = CSC_PROGRESS_INIT;
    pr.user_data = cache;
    pr.begin = reenter;
    const char *p[] = {SH};
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, &pr, NULL), CSC_S_OK);
    status(cache, true, true);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_query),
        cmocka_unit_test(test_enable_needs_admin),
        cmocka_unit_test(test_enable_reboot_and_restart),
        cmocka_unit_test(test_methods_refused_while_not_active),
        cmocka_unit_test(test_location),
        cmocka_unit_test(test_reentry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
