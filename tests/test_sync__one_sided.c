/*
 * tests/test_sync__one_sided.c: Synchronize of files changed on one side
 * only (contract C12.4, C12.1's "SyncIn implies FillSparse", C15.10,
 * C15.19). SyncOut sends a modified file (version +1), a file created
 * offline (created with its missing remote ancestors, unless
 * NoNewFilesOut) and a file deleted offline (removed there, and from the
 * cache); SyncIn takes a changed remote copy or drops a file gone from the
 * server; without the direction nothing changes and the item is S_OK.
 * FillSparse fills a sparse file in sync; taking bytes obeys C5.7.
 */
#include "sync_support.h"

#include <stdio.h>
#include <stdlib.h>

#define SH "\\\\srv\\share"
#define D SH "\\d"
#define A D "\\a.txt"
#define B D "\\b.txt"

static csc_cache_t *base(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 10);
    csc_test_file(cache, B, 10);
    return cache;
}

/* C12.4: a modified file goes out with SyncOut only. */
static void test_c12_4_modified_goes_out(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, A), 4), CSC_S_OK);
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_SYNC_IN, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), EV_END_OK);
    assert_true(dirty_of(cache, A));
    assert_int_equal(csc_test_remote(cache, A).version, 1);
    /* A flag set with none of FillSparse, SyncIn, SyncOut transfers nothing. */
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_PIN_NEW_FILES, &rec), CSC_S_OK);
    assert_true(dirty_of(cache, A));
    csc_test_advance_to(cache, 7);
    assert_int_equal(sync1(cache, D, CSC_SYNC_FLAG_SYNC_OUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(A), ITEM_OK(B), EV_END_OK);
    assert_false(dirty_of(cache, A));
    assert_int_equal(csc_item_dirty_bytes(csc_test_find(cache, A)), 0);
    csc_test_remote_t r = csc_test_remote(cache, A);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.size, 10);
    assert_int_equal(r.last_change, 7);
    assert_int_equal(csc_test_original_version(cache, A), 2);
    assert_int_equal(csc_test_remote(cache, B).version, 1); /* B was in sync */
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.4: a remote change comes in with SyncIn only; a file gone from the
 * server leaves the cache. */
static void test_c12_4_remote_change_comes_in(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_remote_write(cache, A, true, 30), CSC_S_OK);
    assert_int_equal(csc_remote_delete(cache, B), CSC_S_OK);
    assert_int_equal(sync1(cache, D, CSC_SYNC_FLAG_SYNC_OUT, &rec), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 10);
    assert_true(csc_test_cached(cache, B));
    assert_int_equal(sync1(cache, D, CSC_SYNC_FLAG_SYNC_IN, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(A), ITEM_OK(B), EV_END_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 30);
    assert_int_equal(csc_test_original_version(cache, A), 2);
    assert_false(csc_test_cached(cache, B));
    /* A single file path that left: its result (C4.7). */
    assert_int_equal(csc_remote_delete(cache, A), CSC_S_OK);
    assert_int_equal(sync1(cache, A, SYNC_INOUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), EV_END_OK);
    assert_false(csc_test_cached(cache, A));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.4, C15.10: a file created offline is created on the server with its
 * missing ancestors (version 1, in sync); NoNewFilesOut keeps it local. */
#define NEW D "\\new\\deeper\\n.txt"
static void test_c12_4_created_offline_goes_out(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    make_created_offline(cache, NEW, 6);
    assert_int_equal(csc_remote_delete(cache, D "\\new"), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, D "\\new"));
    assert_int_equal(sync1(cache, NEW, SYNC_INOUT | CSC_SYNC_FLAG_NO_NEW_FILES_OUT, &rec),
                     CSC_S_OK);
    assert_true(csc_item_is_created_offline(csc_test_find(cache, NEW)));
    assert_false(csc_test_remote_exists(cache, NEW));
    assert_int_equal(sync1(cache, NEW, SYNC_INOUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(NEW), EV_END_OK);
    assert_false(csc_item_is_created_offline(csc_test_find(cache, NEW)));
    assert_false(dirty_of(cache, NEW));
    csc_test_remote_t r = csc_test_remote(cache, NEW);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.size, 6);
    assert_int_equal(csc_test_remote(cache, D "\\new\\deeper").type, CSC_ITEM_DIRECTORY);
    assert_int_equal(csc_test_original_version(cache, NEW), 1);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.4, C15.10: a file deleted offline is removed on the server and
 * leaves the cache; deleted on both sides, it leaves with SyncIn or
 * SyncOut, and stays with neither. */
static void test_c12_4_deleted_offline(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    make_deleted_offline(cache, A);
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_SYNC_IN, &rec), CSC_S_OK);
    assert_true(csc_test_cached(cache, A));
    assert_int_equal(sync1(cache, D, CSC_SYNC_FLAG_SYNC_OUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(A), ITEM_OK(B), EV_END_OK);
    assert_false(csc_test_cached(cache, A));
    assert_false(csc_test_remote_exists(cache, A));
    make_deleted_offline(cache, B);
    assert_int_equal(csc_remote_delete(cache, B), CSC_S_OK);
    assert_int_equal(sync1(cache, B, CSC_SYNC_FLAG_FILL_SPARSE, &rec), CSC_S_OK);
    assert_true(csc_test_cached(cache, B));
    assert_int_equal(sync1(cache, B, CSC_SYNC_FLAG_SYNC_IN, &rec), CSC_S_OK);
    assert_false(csc_test_cached(cache, B));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.4, C12.1: FillSparse (or SyncIn) fills a sparse file in sync; not
 * SyncOut alone. C5.7 under manual: 0x80070070 and the file stays sparse. */
static void test_c12_4_fill_sparse(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    make_sparse(cache, A);
    make_sparse(cache, B);
    assert_used(cache, 0, 0);
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_SYNC_OUT, &rec), CSC_S_OK);
    assert_true(csc_item_is_sparse(csc_test_find(cache, A)));
    assert_int_equal(sync1(cache, A, CSC_SYNC_FLAG_FILL_SPARSE, &rec), CSC_S_OK);
    assert_false(csc_item_is_sparse(csc_test_find(cache, A)));
    assert_used(cache, 10, 10);
    csc_test_set_limits(cache, 15, CSC_SPACE_UNLIMITED);
    assert_int_equal(sync1(cache, B, CSC_SYNC_FLAG_SYNC_IN, &rec), CSC_E_DISK_FULL);
    assert_events(&rec, EV_BEGIN, IB(B), "3:0x80070070:" T_DISK_FULL ":" B, EV_END_OK);
    assert_true(csc_item_is_sparse(csc_test_find(cache, B)));
    csc_test_set_limits(cache, 20, CSC_SPACE_UNLIMITED);
    assert_int_equal(sync1(cache, B, CSC_SYNC_FLAG_SYNC_IN, &rec), CSC_S_OK);
    assert_false(csc_item_is_sparse(csc_test_find(cache, B)));
    assert_used(cache, 20, 20);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C12.4: a bigger remote copy that does not fit under manual: the item
 * fails with 0x80070070 and keeps its copy. */
static void test_c12_4_disk_full_keeps_copy(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_set_limits(cache, 25, CSC_SPACE_UNLIMITED);
    assert_int_equal(csc_remote_write(cache, A, true, 16), CSC_S_OK);
    assert_int_equal(sync1(cache, A, SYNC_INOUT, NULL), CSC_E_DISK_FULL);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 10);
    assert_int_equal(csc_test_original_version(cache, A), 1);
    assert_int_equal(csc_remote_write(cache, A, true, 15), CSC_S_OK);
    assert_int_equal(sync1(cache, A, SYNC_INOUT, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, A)), 15);
    csc_cache_free(cache);
}

/* C15.19: SyncOut of a file created offline blocked by a remote file where
 * an ancestor directory must go (0x80070003), or by a remote directory of
 * the file's name (0x800700B7); nothing changes. */
static void test_c15_19_sync_out_blocked(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    const char *n = D "\\x\\n.txt";
    make_created_offline(cache, n, 3);
    assert_int_equal(csc_remote_delete(cache, D "\\x"), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, D "\\x", true, 1), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(sync1(cache, n, SYNC_INOUT, NULL), CSC_HRESULT_FROM_WIN32(3u));
    assert_unchanged(cache, before);
    assert_true(csc_item_is_created_offline(csc_test_find(cache, n)));
    assert_int_equal(csc_remote_delete(cache, D "\\x"), CSC_S_OK);
    assert_int_equal(csc_remote_dir(cache, n), CSC_S_OK);
    before = csc_test_remote_dump(cache);
    assert_int_equal(sync1(cache, n, SYNC_INOUT, NULL), CSC_E_ALREADY_EXISTS);
    assert_unchanged(cache, before);
    assert_true(dirty_of(cache, n));
    csc_cache_free(cache);
}

/* C12.2: RETRY of an item that left the cache continues; an ABORT stops. */
static void test_c12_2_retry_and_abort(void **state)
{
    (void)state;
    csc_cache_t *cache = base();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_remote_delete(cache, A), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, B), 2), CSC_S_OK);
    rec.retry_at = 2; /* A's result: it left, so RETRY continues */
    assert_int_equal(sync1(cache, D, SYNC_INOUT, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(A), ITEM_OK(B), EV_END_OK);
    assert_false(dirty_of(cache, B));
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, B), 2), CSC_S_OK);
    csc_test_recorder_clear(&rec);
    csc_test_recorder_init(&rec);
    rec.abort_at = 2; /* B's ItemBegin (A has left) */
    assert_int_equal(sync1(cache, D, SYNC_INOUT, &rec), CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), IB(B), EV_END_CANCELLED);
    assert_true(dirty_of(cache, B));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c12_4_modified_goes_out),
        cmocka_unit_test(test_c12_4_remote_change_comes_in),
        cmocka_unit_test(test_c12_4_created_offline_goes_out),
        cmocka_unit_test(test_c12_4_deleted_offline),
        cmocka_unit_test(test_c12_4_fill_sparse),
        cmocka_unit_test(test_c12_4_disk_full_keeps_copy),
        cmocka_unit_test(test_c15_19_sync_out_blocked),
        cmocka_unit_test(test_c12_2_retry_and_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
