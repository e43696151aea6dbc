/*
 * tests/test_sync__pin_new_files.c: what Synchronize fetches (contract
 * C12.7, C15.13, C15.20) and how a Synchronize with a conflict handler is
 * recorded (cscsim/record.h). PinNewFiles with SyncIn fetches, full, the
 * uncached remote items below each container of the walk with an inherit
 * bit, pinned by C3.3 and for the PinFor* sources (pins only); a shallow
 * Pin's pending deep pin is taken by the next Synchronize with SyncIn,
 * which pins the subtree and fetches what the server has. A handler whose
 * answers are all the same is recorded as resolve=NAME, and the recording
 * replays to the same state.
 */
#include "sync_support.h"

#include "remote/fetch.h"

#include "cscsim/record.h"
#include "cscsim/scenario.h"

#include <stdio.h>
#include <stdlib.h>

#define SH "\\\\srv\\share"
#define D SH "\\d"

/* C12.7, C15.13 */
static void test_c12_7_pin_new_files(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, D "\\a.txt", 1);
    csc_test_file(cache, SH "\\plain\\p.txt", 1);
    csc_test_pin1_ok(cache, D, CSC_PIN_FLAG_FOR_USER, true);
    assert_int_equal(csc_remote_file(cache, D "\\b.txt", true, 5), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, D "\\s\\c.txt", true, 7), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\plain\\q.txt", true, 2), CSC_S_OK);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    /* Without SyncIn, nothing is fetched. */
    assert_int_equal(sync1(cache, SH, CSC_SYNC_FLAG_SYNC_OUT | CSC_SYNC_FLAG_PIN_NEW_FILES, &rec),
                     CSC_S_OK);
    assert_false(csc_test_cached(cache, D "\\b.txt"));
    assert_int_equal(sync1(cache, SH,
                           CSC_SYNC_FLAG_SYNC_IN | CSC_SYNC_FLAG_PIN_NEW_FILES |
                               CSC_SYNC_FLAG_PIN_FOR_ALL,
                           &rec),
                     CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(D), ITEM_OK(D "\\a.txt"),
                  ITEM_OK(D "\\b.txt"), ITEM_OK(D "\\s"), ITEM_OK(D "\\s\\c.txt"),
                  ITEM_OK(SH "\\plain"), ITEM_OK(SH "\\plain\\p.txt"), EV_END_OK);
    csc_item_t *b = csc_test_find(cache, D "\\b.txt");
    assert_false(csc_item_is_sparse(b));
    assert_int_equal(csc_item_pins(b), CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_COMPUTER);
    assert_int_equal(csc_test_inherit_of(cache, D "\\s"), CSC_PIN_SOURCE_USER); /* C15.13 */
    assert_false(csc_test_cached(cache, SH "\\plain\\q.txt"));
    assert_used(cache, 14, 1);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C15.20: the pending deep pin of a shallow Pin. */
static void test_c15_20_pending_deep_pin(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, D "\\a.txt", 1);
    csc_test_file(cache, D "\\s\\b.txt", 1);
    assert_int_equal(csc_remote_file(cache, D "\\n.txt", true, 3), CSC_S_OK);
    csc_test_pin1_ok(cache, D, CSC_PIN_FLAG_FOR_USER_POLICY, false);
    assert_int_equal(csc__pending_pin_count(cache), 1);
    assert_int_equal(sync1(cache, D, CSC_SYNC_FLAG_SYNC_OUT, NULL), CSC_S_OK);
    assert_int_equal(csc__pending_pin_count(cache), 1);
    assert_int_equal(csc_test_pins_of(cache, D "\\a.txt"), 0);
    /* Offline (server down): the mark waits. */
    assert_int_equal(csc_remote_set_network(cache, "\\\\srv", CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(sync1(cache, D, CSC_SYNC_FLAG_SYNC_IN, NULL), CSC_S_OK);
    assert_int_equal(csc__pending_pin_count(cache), 1);
    /* Up again: the service's Synchronize (C10.10) takes it. */
    assert_int_equal(csc_remote_set_network(cache, "\\\\srv", CSC_NETWORK_UP), CSC_S_OK);
    assert_int_equal(csc__pending_pin_count(cache), 0);
    assert_int_equal(csc_test_pins_of(cache, D "\\a.txt"), CSC_PIN_SOURCE_POLICY);
    assert_int_equal(csc_test_pins_of(cache, D "\\s\\b.txt"), CSC_PIN_SOURCE_POLICY);
    assert_int_equal(csc_test_inherit_of(cache, D "\\s"), CSC_PIN_SOURCE_POLICY);
    assert_int_equal(csc_test_pins_of(cache, D "\\n.txt"), CSC_PIN_SOURCE_POLICY);
    assert_false(csc_item_is_sparse(csc_test_find(cache, D "\\n.txt")));
    csc_cache_free(cache);
}

/* ---- recording ---------------------------------------------------------- */

static void setup_conflict(csc_cache_t *cache)
{
    csc_test_file(cache, D "\\a.txt", 10);
    csc_test_file(cache, D "\\b.txt", 10);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, D "\\a.txt"), 1), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, D "\\a.txt", true, 3), CSC_S_OK);
}

static void test_record_resolve(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_text_t t = {0};
    csc_record_options_t o = CSC_RECORD_OPTIONS_INIT;
    assert_int_equal(csc_cache_record_start(cache, csc_test_text_write, &t, &o), CSC_S_OK);
    setup_conflict(cache);
    handler_t h = {.answer = CSC_SYNC_RESOLVE_KEEPLOCAL};
    assert_int_equal(sync_h(cache, D, SYNC_INOUT | CSC_SYNC_CR_KEEP_REMOTE, &h, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_record_stop(cache), CSC_S_OK);
    assert_non_null(strstr(t.p, "flags=CrKeepRemote|SyncIn|SyncOut resolve=keep-local"));
    /* The recording replays to the same state. */
    csc_cache_t *again = csc_test_cache_new();
    csc_scenario_result_t res = {0};
    assert_int_equal(csc_scenario_run(again, t.p, t.len, NULL, &res), CSC_S_OK);
    assert_int_equal(res.failed, 0);
    csc_scenario_result_clear(&res);
    assert_int_equal(csc_test_remote(again, D "\\a.txt").version, 3);
    assert_false(dirty_of(again, D "\\a.txt"));
    free(t.p);
    csc_cache_free(again);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c12_7_pin_new_files),
        cmocka_unit_test(test_c15_20_pending_deep_pin),
        cmocka_unit_test(test_record_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
