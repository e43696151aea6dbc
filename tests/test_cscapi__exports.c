/*
 * tests/test_cscapi__exports.c: libcscapi, Windows' cscapi.dll exports over
 * the cache the embedder binds (contract C13.1, C14.2, C16.7), linked like
 * any client (cscsim/cscapi.h, libcscapi). Each function: success, not
 * bound (ERROR_SERVICE_DOES_NOT_EXIST, 1060 [decision]), NULL outputs
 * (optional, C16.7); OfflineFilesEnable by a caller who is not an
 * administrator gives ERROR_ACCESS_DENIED (5) and changes nothing;
 * OfflineFilesStart while not available gives ERROR_NOT_SUPPORTED (50);
 * the binding is one process-wide pointer any thread may use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include <cscsim.h>
#include <cscsim/cscapi.h>

#define NOT_BOUND 1060u

static csc_cache_t *admin_cache(void)
{
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "admin", true), CSC_S_OK);
    assert_null(csc_cscapi_bind(cache));
    assert_ptr_equal(csc_cscapi_bound(), cache);
    return cache;
}

static void unbind_free(csc_cache_t *cache)
{
    assert_ptr_equal(csc_cscapi_bind(NULL), cache);
    csc_cache_free(cache);
}

static void status_is(BOOL active, BOOL enabled)
{
    BOOL a = !active, e = !enabled, av = !enabled;
    assert_int_equal(OfflineFilesQueryStatusEx(&a, &e, &av), 0);
    assert_int_equal(a, active);
    assert_int_equal(e, enabled);
    assert_int_equal(av, enabled); /* Available = Enabled (C13.1) */
    a = !active;
    e = !enabled;
    assert_int_equal(OfflineFilesQueryStatus(&a, &e), 0);
    assert_int_equal(a, active);
    assert_int_equal(e, enabled);
}

static void test_not_bound(void **state)
{
    (void)state;
    assert_null(csc_cscapi_bound());
    BOOL reboot = 7, a = 7, e = 7, av = 7;
    assert_int_equal(OfflineFilesEnable(1, &reboot), NOT_BOUND);
    assert_int_equal(reboot, 0); /* an output is set even when refused */
    assert_int_equal(OfflineFilesQueryStatus(&a, &e), NOT_BOUND);
    assert_int_equal(OfflineFilesQueryStatusEx(&a, &e, &av), NOT_BOUND);
    assert_int_equal(a, 7); /* untouched */
    assert_int_equal(OfflineFilesStart(), NOT_BOUND);
    assert_int_equal(OfflineFilesEnable(1, NULL), NOT_BOUND);
}

static void test_query_status(void **state)
{
    (void)state;
    csc_cache_t *cache = admin_cache();
    status_is(1, 1);
    /* C16.7: every output optional, all NULL succeeds. */
    assert_int_equal(OfflineFilesQueryStatus(NULL, NULL), 0);
    assert_int_equal(OfflineFilesQueryStatusEx(NULL, NULL, NULL), 0);
    BOOL e = 0;
    assert_int_equal(OfflineFilesQueryStatusEx(NULL, &e, NULL), 0);
    assert_int_equal(e, 1);
    unbind_free(cache);
}

static void test_enable(void **state)
{
    (void)state;
    csc_cache_t *cache = admin_cache();
    BOOL reboot = 1;
    /* Active already TRUE: no restart needed. */
    assert_int_equal(OfflineFilesEnable(1, &reboot), 0);
    assert_int_equal(reboot, 0);
    assert_int_equal(OfflineFilesEnable(0, &reboot), 0);
    assert_int_equal(reboot, 1); /* Active stays TRUE until restart */
    status_is(1, 0);
    assert_int_equal(OfflineFilesEnable(1, NULL), 0); /* the output is optional */
    status_is(1, 1);
    /* The answer is the C API's: the same state through it. */
    bool active = false, enabled = false;
    assert_int_equal(csc_feature_query_status(cache, &active, &enabled, NULL), CSC_S_OK);
    assert_true(active && enabled);
    unbind_free(cache);
}

static void test_enable_not_admin(void **state)
{
    (void)state;
    csc_cache_t *cache = admin_cache();
    assert_int_equal(csc_cache_set_caller(cache, "bob", false), CSC_S_OK);
    BOOL reboot = 1;
    assert_int_equal(OfflineFilesEnable(0, &reboot), 5); /* ERROR_ACCESS_DENIED */
    assert_int_equal(reboot, 0);
    assert_int_equal(OfflineFilesEnable(0, NULL), 5);
    status_is(1, 1); /* nothing changed */
    unbind_free(cache);
}

static void test_start(void **state)
{
    (void)state;
    csc_cache_t *cache = admin_cache();
    assert_int_equal(OfflineFilesStart(), 0); /* already active: still fine */
    /* Disable and restart: inactive, not available; Start is refused. */
    assert_int_equal(OfflineFilesEnable(0, NULL), 0);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    status_is(0, 0);
    assert_int_equal(OfflineFilesStart(), 50); /* ERROR_NOT_SUPPORTED */
    status_is(0, 0);
    /* Enabled again (available): Start makes it active at once. */
    BOOL reboot = 0;
    assert_int_equal(OfflineFilesEnable(1, &reboot), 0);
    assert_int_equal(reboot, 1);
    status_is(0, 1);
    assert_int_equal(OfflineFilesStart(), 0);
    status_is(1, 1);
    unbind_free(cache);
}

static void test_rebind(void **state)
{
    (void)state;
    csc_cache_t *one = admin_cache();
    csc_cache_t *two = NULL;
    assert_int_equal(csc_cache_new(&two, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(two, "admin", true), CSC_S_OK);
    assert_int_equal(OfflineFilesEnable(0, NULL), 0); /* on one */
    assert_ptr_equal(csc_cscapi_bind(two), one);
    status_is(1, 1); /* two's state: its own */
    assert_ptr_equal(csc_cscapi_bind(one), two);
    status_is(1, 0);
    csc_cache_free(two);
    unbind_free(one);
}

static DWORD inside_enable, inside_query;

static void begin_cb(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)ud;
    (void)ev;
    (void)abort;
    inside_enable = OfflineFilesEnable(0, NULL); /* a change: refused (C14.5) */
    BOOL a = 0;
    inside_query = OfflineFilesQueryStatus(&a, NULL); /* a read: fine */
}

static void test_inside_a_callback(void **state)
{
    (void)state;
    csc_cache_t *cache = admin_cache();
    assert_int_equal(csc_cache_file(cache, "\\\\s\\sh\\a", true, 1, NULL), CSC_S_OK);
    csc_progress_t p = CSC_PROGRESS_INIT;
    p.begin = begin_cb;
    const char *paths[] = {"\\\\s\\sh"};
    assert_int_equal(csc_pin(cache, paths, 1, CSC_PIN_FLAG_FOR_USER, false, &p, NULL), CSC_S_OK);
    assert_int_equal(inside_enable, 170); /* ERROR_BUSY */
    assert_int_equal(inside_query, 0);
    status_is(1, 1);
    unbind_free(cache);
}

static void *enable_loop(void *arg)
{
    BOOL value = (BOOL)(intptr_t)arg;
    for (int i = 0; i < 200; i++) {
        BOOL a, e;
        if (OfflineFilesEnable(value, NULL) != 0 || OfflineFilesQueryStatus(&a, &e) != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    (void)state;
    csc_cache_t *cache = admin_cache();
    pthread_t t1, t2;
    assert_int_equal(pthread_create(&t1, NULL, enable_loop, (void *)(intptr_t)1), 0);
    assert_int_equal(pthread_create(&t2, NULL, enable_loop, (void *)(intptr_t)0), 0);
    void *r1, *r2;
    pthread_join(t1, &r1);
    pthread_join(t2, &r2);
    assert_null(r1);
    assert_null(r2);
    assert_int_equal(csc_cache_check(cache, NULL, 0), CSC_S_OK);
    unbind_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_bound),
        cmocka_unit_test(test_query_status),
        cmocka_unit_test(test_enable),
        cmocka_unit_test(test_enable_not_admin),
        cmocka_unit_test(test_start),
        cmocka_unit_test(test_rebind),
        cmocka_unit_test(test_inside_a_callback),
        cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
