/*
 * tests/test_sync__conflicts.c: files changed on both sides (contract
 * C12.5, C12.6, C15.10, C15.12, C15.19, C16.5). The sync states 12, 15, 36
 * and 9; the handler's arguments and answers (every resolution, an answer
 * outside 0-7 read as NONE, a new name for KEEPALLCHANGES); the CR field
 * without a handler; an unresolved conflict recorded (E_FAIL, OFFLINE with
 * ITEM_VERSION_CONFLICT) until resolved or the server changes the file;
 * KEEPALLCHANGES' `STEM (conflict N)EXT` copy as the next item of the walk.
 */
#include "sync_support.h"

#include <stdio.h>
#include <stdlib.h>

#define SH "\\\\srv\\share"
#define D SH "\\d"
#define A D "\\a.txt"
#define B D "\\b.txt"
#define A1 D "\\a (conflict 1).txt"
#define A2 D "\\a (conflict 2).txt"

/* A modified on both sides: local 10 bytes dirty (local change at 3), the
 * server's version 2 of 20 bytes (changed at 5). */
static csc_cache_t *both_sides(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 10);
    csc_test_file(cache, B, 10);
    csc_test_advance_to(cache, 3);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, A), 4), CSC_S_OK);
    set_local_time(cache, A, 3);
    csc_test_advance_to(cache, 5);
    assert_int_equal(csc_remote_write(cache, A, true, 20), CSC_S_OK);
    return cache;
}

/* C12.5, C12.6: no handler, no CR value: NONE, E_FAIL, recorded; the item
 * is OFFLINE with ITEM_VERSION_CONFLICT; nothing transferred. C15.12: a
 * server change clears the record; the next sync detects it anew. */
static void test_c12_6_unresolved_conflict(void **state)
{
    (void)state;
    csc_cache_t *cache = both_sides();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(sync1(cache, D, SYNC_INOUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_FAIL(A), ITEM_OK(B), EV_END_OK);
    assert_int_equal(conflict_of(cache, A),
                     CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER);
    assert_connect(cache, A, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT);
    assert_connect(cache, B, CSC_CONNECT_STATE_ONLINE, CSC_OFFLINE_REASON_NOT_APPLICABLE);
    assert_true(dirty_of(cache, A));
    assert_int_equal(csc_test_remote(cache, A).version, 2);
    /* C4.7: a single file returns its result. */
    assert_int_equal(sync1(cache, A, SYNC_INOUT, &rec), CSC_E_FAIL);
    /* C15.12 */
    assert_int_equal(csc_remote_write(cache, A, false, 0), CSC_S_OK);
    assert_int_equal(conflict_of(cache, A), CSC_SYNC_STATE_STABLE);
    assert_connect(cache, A, CSC_CONNECT_STATE_ONLINE, CSC_OFFLINE_REASON_NOT_APPLICABLE);
    assert_int_equal(sync1(cache, A, SYNC_INOUT, &rec), CSC_E_FAIL);
    assert_int_equal(conflict_of(cache, A),
                     CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER);
    /* Without SyncIn or SyncOut no conflict is detected (C12.5). */
    assert_int_equal(csc_remote_delete(cache, A), CSC_S_OK); /* clears it too */
    assert_int_equal(conflict_of(cache, A), CSC_SYNC_STATE_STABLE);
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_FILL_SPARSE, &rec), CSC_S_OK);
    assert_int_equal(conflict_of(cache, A), CSC_SYNC_STATE_STABLE);
    /* A resolution clears it: LOG records, then KEEPLOCAL resolves. */
    handler_t h = {.answer = CSC_SYNC_RESOLVE_LOG};
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, &rec), CSC_E_FAIL);
    assert_int_equal(conflict_of(cache, A),
                     CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_DELETED_ON_SERVER);
    h.answer = CSC_SYNC_RESOLVE_KEEPLOCAL;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, &rec), CSC_S_OK);
    assert_int_equal(conflict_of(cache, A), CSC_SYNC_STATE_STABLE);
    assert_false(dirty_of(cache, A));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C16.5: the handler sees the path, fStateKnown 0x3, the state and the
 * change details, between ItemBegin and ItemResult; it may only read. */
static void test_c16_5_handler_arguments(void **state)
{
    (void)state;
    csc_cache_t *cache = both_sides();
    handler_t h = {.answer = CSC_SYNC_RESOLVE_SKIP, .cache = cache};
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_int_equal(h.calls, 1);
    assert_string_equal(h.path, A);
    assert_int_equal(h.state_known, 0x3);
    assert_int_equal(h.state, 12);
    assert_int_equal(h.details, CSC_CHANGES_LOCAL_SIZE | CSC_CHANGES_LOCAL_TIME |
                                    CSC_CHANGES_REMOTE_SIZE | CSC_CHANGES_REMOTE_TIME);
    assert_int_equal(h.change_hr, CSC_E_BUSY);
    assert_false(csc_test_cached(cache, "\\\\h\\s\\x.txt"));
    /* SKIP: nothing changes, nothing recorded. */
    assert_true(dirty_of(cache, A));
    assert_int_equal(conflict_of(cache, A), CSC_SYNC_STATE_STABLE);
    /* An answer outside 0-7 counts as NONE. */
    h.cache = NULL;
    h.answer = (csc_sync_resolve_t)8;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_E_FAIL);
    assert_int_equal(conflict_of(cache, A), 12);
    csc_cache_free(cache);
}

/* C12.5: KEEPLOCAL and KEEPREMOTE, from the handler and from the CR field;
 * a handler's answer wins over the field. */
static void test_c12_5_keep_local_and_remote(void **state)
{
    (void)state;
    csc_cache_t *cache = both_sides();
    handler_t h = {.answer = CSC_SYNC_RESOLVE_KEEPLOCAL};
    assert_int_equal(sync_h(cache, A, SYNC_INOUT | CSC_SYNC_CR_KEEP_REMOTE, &h, NULL),
                     CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, A);
    assert_int_equal(r.version, 3);
    assert_int_equal(r.size, 10);
    assert_false(dirty_of(cache, A));
    assert_int_equal(csc_test_original_version(cache, A), 3);
    csc_cache_free(cache);

    cache = both_sides();
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_SYNC_OUT | CSC_SYNC_CR_KEEP_REMOTE, NULL),
                     CSC_S_OK); /* C15.10: whatever SyncIn/SyncOut say */
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 20);
    assert_int_equal(csc_item_dirty_bytes(csc_test_find(cache, A)), 0);
    assert_false(dirty_of(cache, A));
    assert_int_equal(csc_test_remote(cache, A).version, 2);
    assert_int_equal(csc_test_original_version(cache, A), 2);
    csc_cache_free(cache);

    cache = both_sides();
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_CR_KEEP_LOCAL, NULL), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, A).size, 10);
    csc_cache_free(cache);
}

/* C12.5, C15.10: KEEPLATEST: the later change wins, a tie keeps the remote
 * copy, the remote file gone is restored. */
static void test_c12_5_keep_latest(void **state)
{
    (void)state;
    csc_cache_t *cache = both_sides(); /* local 3 < remote 5 */
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_CR_KEEP_LATEST, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 20);
    assert_int_equal(csc_test_remote(cache, A).version, 2);
    csc_cache_free(cache);

    cache = both_sides();
    set_local_time(cache, A, 6); /* local later */
    handler_t h = {.answer = CSC_SYNC_RESOLVE_KEEPLATEST};
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, A).version, 3);
    assert_int_equal(csc_test_remote(cache, A).size, 10);
    csc_cache_free(cache);

    cache = both_sides();
    set_local_time(cache, A, 5); /* a tie */
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_CR_KEEP_LATEST, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 20);
    assert_int_equal(csc_test_remote(cache, A).version, 2);
    csc_cache_free(cache);

    cache = both_sides();
    assert_int_equal(csc_remote_delete(cache, A), CSC_S_OK); /* state 15 */
    assert_int_equal(sync1(cache, A, SYNC_INOUT | CSC_SYNC_CR_KEEP_LATEST, NULL), CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, A);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.size, 10);
    assert_false(dirty_of(cache, A));
    csc_cache_free(cache);
}

/* C12.5, C15.10: the other states and what resolutions do with them. */
static void test_c12_5_states(void **state)
{
    (void)state;
    handler_t h = {.answer = CSC_SYNC_RESOLVE_NONE};
    /* 15: modified locally, gone from the server; KEEPREMOTE drops it. */
    csc_cache_t *cache = both_sides();
    assert_int_equal(csc_remote_delete(cache, A), CSC_S_OK);
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_E_FAIL);
    assert_int_equal(h.state, 15);
    assert_int_equal(h.details, CSC_CHANGES_LOCAL_TIME);
    h.answer = CSC_SYNC_RESOLVE_KEEPALLCHANGES; /* acts as NONE for 15 */
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_E_FAIL);
    assert_false(csc_test_cached(cache, A1));
    h.answer = CSC_SYNC_RESOLVE_KEEPREMOTE;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_false(csc_test_cached(cache, A));
    csc_cache_free(cache);

    /* 36: deleted locally, modified on the server; KEEPLOCAL removes it
     * there; KEEPREMOTE restores the server's copy. */
    cache = both_sides();
    csc__fstate_t *fs = fstate_of(cache, A);
    fs->bits |= CSC__FS_DELETED;
    h.answer = CSC_SYNC_RESOLVE_KEEPALLCHANGES;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_E_FAIL);
    assert_int_equal(h.state, 36);
    assert_int_equal(conflict_of(cache, A), 36);
    h.answer = CSC_SYNC_RESOLVE_KEEPLOCAL;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_false(csc_test_cached(cache, A));
    assert_false(csc_test_remote_exists(cache, A));
    csc_cache_free(cache);
    cache = both_sides();
    fstate_of(cache, A)->bits |= CSC__FS_DELETED;
    h.answer = CSC_SYNC_RESOLVE_KEEPREMOTE;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_false(csc_item_is_deleted_offline(csc_test_find(cache, A)));
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 20);
    csc_cache_free(cache);

    /* 9: created locally while the server got a file of that name. */
    cache = both_sides();
    const char *n = D "\\n.txt";
    make_created_offline(cache, n, 4);
    assert_int_equal(csc_remote_file(cache, n, true, 9), CSC_S_OK);
    h.answer = CSC_SYNC_RESOLVE_NONE;
    assert_int_equal(sync_h(cache, n, SYNC_INOUT, &h, NULL), CSC_E_FAIL);
    assert_int_equal(h.state, 9);
    h.answer = CSC_SYNC_RESOLVE_KEEPLOCAL;
    assert_int_equal(sync_h(cache, n, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, n).version, 2);
    assert_int_equal(csc_test_remote(cache, n).size, 4);
    assert_false(csc_item_is_created_offline(csc_test_find(cache, n)));
    csc_cache_free(cache);
}

/* C12.5, C15.10: KEEPALLCHANGES keeps the local copy as `STEM (conflict
 * N)EXT`, N the smallest free on both sides, created on the server in
 * sync, the next item of the walk; the original takes the server's copy. */
static void test_c12_5_keep_all_changes(void **state)
{
    (void)state;
    csc_cache_t *cache = both_sides();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_remote_file(cache, A1, true, 1), CSC_S_OK); /* N=1 taken remotely */
    handler_t h = {.answer = CSC_SYNC_RESOLVE_KEEPALLCHANGES};
    assert_int_equal(sync_h(cache, D, SYNC_INOUT, &h, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(A), ITEM_OK(A2), ITEM_OK(B), EV_END_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 20);
    assert_false(dirty_of(cache, A));
    assert_int_equal(csc_item_size(csc_test_find(cache, A2)), 10);
    assert_false(dirty_of(cache, A2));
    csc_test_remote_t r = csc_test_remote(cache, A2);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.size, 10);
    assert_false(csc_test_cached(cache, A1));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);

    /* The handler's new name when valid and free; else the fallback. */
    cache = both_sides();
    h.new_name = "mine.txt";
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_true(csc_test_cached(cache, D "\\mine.txt"));
    assert_int_equal(csc_test_remote(cache, D "\\mine.txt").size, 10);
    csc_cache_free(cache);
    cache = both_sides();
    h.new_name = "sub\\x.txt";
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_true(csc_test_cached(cache, A1));
    csc_cache_free(cache);
    cache = both_sides();
    h.new_name = "B.TXT"; /* taken (case-insensitively) */
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_true(csc_test_cached(cache, A1));
    assert_int_equal(csc_item_size(csc_test_find(cache, B)), 10);
    csc_cache_free(cache);

    /* The extension: from the last period, unless it begins the name. */
    const char *names[][2] = {{D "\\.profile", D "\\.profile (conflict 1)"},
                              {D "\\noext", D "\\noext (conflict 1)"},
                              {D "\\x.tar.gz", D "\\x.tar (conflict 1).gz"}};
    for (size_t i = 0; i < 3; i++) {
        cache = csc_test_cache_new();
        csc_test_file(cache, names[i][0], 3);
        assert_int_equal(csc_item_modify(cache, csc_test_find(cache, names[i][0]), 1), CSC_S_OK);
        assert_int_equal(csc_remote_write(cache, names[i][0], true, 5), CSC_S_OK);
        h.new_name = NULL;
        assert_int_equal(sync_h(cache, names[i][0], SYNC_INOUT, &h, NULL), CSC_S_OK);
        assert_true(csc_test_cached(cache, names[i][1]));
        csc_cache_free(cache);
    }

    /* C15.19: one C5.7 check for both copies. */
    cache = both_sides();
    csc_test_set_limits(cache, 39, CSC_SPACE_UNLIMITED); /* 10 (B) + 20 + 10 > 39 */
    h.new_name = NULL;
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_E_DISK_FULL);
    assert_true(dirty_of(cache, A));
    assert_false(csc_test_cached(cache, A1));
    csc_test_set_limits(cache, 40, CSC_SPACE_UNLIMITED);
    assert_int_equal(sync_h(cache, A, SYNC_INOUT, &h, NULL), CSC_S_OK);
    assert_true(csc_test_cached(cache, A1));
    csc_cache_free(cache);
}

/* C12.5, C15.10: ABORT gives the item 0x800704C7 and cancels the call. */
static void test_c15_10_abort(void **state)
{
    (void)state;
    csc_cache_t *cache = both_sides();
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, B), 1), CSC_S_OK);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    handler_t h = {.answer = CSC_SYNC_RESOLVE_ABORT};
    assert_int_equal(sync_h(cache, D, SYNC_INOUT, &h, &rec), CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), IB(A), R_CANCELLED(A), EV_END_CANCELLED);
    assert_true(dirty_of(cache, B)); /* not reached */
    assert_int_equal(conflict_of(cache, A), CSC_SYNC_STATE_STABLE);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c12_6_unresolved_conflict),
        cmocka_unit_test(test_c16_5_handler_arguments),
        cmocka_unit_test(test_c12_5_keep_local_and_remote),
        cmocka_unit_test(test_c12_5_keep_latest),
        cmocka_unit_test(test_c12_5_states),
        cmocka_unit_test(test_c12_5_keep_all_changes),
        cmocka_unit_test(test_c15_10_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
