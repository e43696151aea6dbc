/*
 * tests/test_sync__offline.c: Synchronize's validation and connectivity
 * (contract C12.1, C12.2, C12.3, C15.11, C10.10, C15.3). The CR field
 * holds 0-3; an options struct newer than the library is refused; a scope
 * whose server cannot be reached fails each item with 0x800704EE (server
 * items S_OK) before Background's back-off; forced and slow scopes are
 * synchronized anyway and stay offline; SkipSuspendedDirs skips suspended
 * trees without events; a scope coming online (TransitionOnline, its
 * server's condition) gets the service's Synchronize, without handler or
 * events, then the eviction pass.
 */
#include "sync_support.h"

#include "cscsim/methods.h"
#include "cscsim/space.h"

#include <stdio.h>
#include <stdlib.h>

#define SRV "\\\\srv"
#define SH SRV "\\share"
#define D SH "\\d"
#define A D "\\a.txt"
#define B D "\\b.txt"

static csc_cache_t *base(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 10);
    csc_test_file(cache, B, 10);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, A), 2), CSC_S_OK);
    return cache;
}

/* C12.1: before any event, E_INVALIDARG for a CR value above 3, unknown
 * bits, options or a sink newer than the library; nothing changes. */
static void test_c12_1_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    for (uint32_t cr = 4; cr < 16; cr++) {
        assert_int_equal(sync1(cache, A, SYNC_INOUT | (cr << 28), &rec), CSC_E_INVALIDARG);
        assert_int_equal(rec.count, 0);
    }
    for (uint32_t cr = 0; cr < 4; cr++) /* valid; nothing to transfer without In/Out */
        assert_int_equal(sync1(cache, B, cr << 28, &rec), CSC_S_OK);
    csc_sync_options_t o = CSC_SYNC_OPTIONS_INIT;
    o.version = CSC_SYNC_OPTIONS_VERSION + 1;
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_synchronize_ex(cache, (const char *[]){A}, 1, SYNC_INOUT, &o, &rec.sink,
                                        NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(rec.count, 0);
    o.version = 0; /* read as 1 */
    assert_int_equal(csc_synchronize_ex(cache, (const char *[]){A}, 1, SYNC_INOUT, &o, NULL, NULL),
                     CSC_S_OK);
    assert_false(dirty_of(cache, A));
    assert_int_equal(csc_synchronize_ex(NULL, (const char *[]){A}, 1, 0, NULL, NULL, NULL),
                     CSC_E_POINTER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.3, C15.11: server down: every item of the scope fails with
 * 0x800704EE and is unchanged; the server item itself gets S_OK. */
static void test_c12_3_unreachable(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(sync1(cache, SRV, SYNC_INOUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SRV), ITEM_OFFLINE(SH), ITEM_OFFLINE(D),
                  ITEM_OFFLINE(A), ITEM_OFFLINE(B), EV_END_OK);
    assert_true(dirty_of(cache, A));
    assert_int_equal(sync1(cache, A, SYNC_INOUT, NULL), CSC_HRESULT_FROM_WIN32(1262u));
    /* C15.11: the offline check comes before Background. */
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, A)), CSC_S_OK);
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_FLAG_BACKGROUND, NULL),
                     CSC_HRESULT_FROM_WIN32(1262u));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.2: Background backs off from an open file; without it the open file
 * is synchronized. */
static void test_c12_2_background(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, A)), CSC_S_OK);
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_FLAG_BACKGROUND, NULL),
                     CSC_E_SHARING_VIOLATION);
    assert_true(dirty_of(cache, A));
    assert_int_equal(sync1(cache, A, SYNC_INOUT, NULL), CSC_S_OK);
    assert_false(dirty_of(cache, A));
    csc_cache_free(cache);
}

/* C12.3: forced and slow scopes are synchronized all the same and stay
 * offline. */
static void test_c12_3_offline_by_choice(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    bool open_files;
    assert_int_equal(csc_transition_offline(cache, SH, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(sync1(cache, A, SYNC_INOUT, NULL), CSC_S_OK);
    assert_false(dirty_of(cache, A));
    assert_int_equal(csc_test_remote(cache, A).version, 2);
    assert_connect(cache, A, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_CONNECTION_FORCED);
    csc_cache_free(cache);

    cache = base();
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(sync1(cache, D, SYNC_INOUT, NULL), CSC_S_OK);
    assert_false(dirty_of(cache, A));
    assert_connect(cache, A, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_CONNECTION_SLOW);
    csc_cache_free(cache);
}

/* C12.2: with SkipSuspendedDirs a suspended tree gets no events and is not
 * synchronized; without it, an explicit Synchronize processes it. */
static void test_c12_2_skip_suspended(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_suspend_root(cache, D, true), CSC_S_OK);
    assert_int_equal(sync1(cache, SH, SYNC_INOUT | CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS, &rec),
                     CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), EV_END_OK);
    assert_true(dirty_of(cache, A));
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS, &rec),
                     CSC_S_OK);
    assert_events(&rec, EV_BEGIN, EV_END_OK);
    assert_true(dirty_of(cache, A));
    assert_int_equal(sync1(cache, SH, SYNC_INOUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(D), ITEM_OK(A), ITEM_OK(B), EV_END_OK);
    assert_false(dirty_of(cache, A));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C10.10: TransitionOnline of an offline scope synchronizes it (no
 * handler: a conflict stays unresolved), then the eviction pass. */
static void test_c10_10_transition_online_syncs(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    bool open_files;
    assert_int_equal(csc_transition_offline(cache, SH, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, B), 1), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, B, true, 3), CSC_S_OK);
    csc_test_file(cache, SH "\\e\\gone.txt", 5);
    assert_int_equal(csc_remote_delete(cache, SH "\\e\\gone.txt"), CSC_S_OK);
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    assert_true(csc_test_cached(cache, SH "\\e")); /* the file keeps it */
    assert_int_equal(csc_transition_online(cache, SH, 0), CSC_S_OK);
    assert_false(csc_test_cached(cache, A)); /* pushed, clean, then evicted (eager) */
    assert_int_equal(csc_test_remote(cache, A).version, 2);
    assert_true(dirty_of(cache, B));
    assert_int_equal(conflict_of(cache, B), 12);
    assert_false(csc_test_cached(cache, SH "\\e")); /* gone, then its empty parent */
    /* Online already: nothing runs. */
    assert_int_equal(csc_remote_write(cache, B, false, 0), CSC_S_OK);
    assert_int_equal(csc_transition_online(cache, SH, 0), CSC_S_OK);
    assert_int_equal(conflict_of(cache, B), CSC_SYNC_STATE_STABLE);
    csc_cache_free(cache);
}

/* C10.10: a server coming back up (or its slow condition ending)
 * synchronizes each of its scopes that becomes online; not a forced one;
 * nothing while the feature is not active (C13.1). */
static void test_c10_10_server_back(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_file(cache, SRV "\\other\\c.txt", 4);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, SRV "\\other\\c.txt"), 1),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    bool open_files;
    assert_int_equal(csc_transition_offline(cache, SRV "\\other", false, 0, &open_files),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_false(dirty_of(cache, A));
    assert_true(dirty_of(cache, SRV "\\other\\c.txt")); /* forced: still offline */
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, A), 1), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_true(dirty_of(cache, A));
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_false(dirty_of(cache, A));
    csc_cache_free(cache);
}

/* C10.10, C12.2 [decision]: the service's Synchronize is not explicit: it
 * leaves suspended trees alone. */
static void test_c10_10_service_skips_suspended(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_file(cache, SH "\\s\\c.txt", 3);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, SH "\\s\\c.txt"), 1), CSC_S_OK);
    assert_int_equal(csc_suspend_root(cache, SH "\\s", true), CSC_S_OK);
    bool open_files;
    assert_int_equal(csc_transition_offline(cache, SH, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_transition_online(cache, SH, 0), CSC_S_OK);
    assert_false(dirty_of(cache, A));
    assert_true(dirty_of(cache, SH "\\s\\c.txt"));
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c12_1_validation),
        cmocka_unit_test(test_c12_3_unreachable),
        cmocka_unit_test(test_c12_2_background),
        cmocka_unit_test(test_c12_3_offline_by_choice),
        cmocka_unit_test(test_c12_2_skip_suspended),
        cmocka_unit_test(test_c10_10_transition_online_syncs),
        cmocka_unit_test(test_c10_10_server_back),
        cmocka_unit_test(test_c10_10_service_skips_suspended),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
