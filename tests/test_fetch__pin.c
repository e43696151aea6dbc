/*
 * tests/test_fetch__pin.c: Pin fetching remote items (C10.8, C15.1, C15.2,
 * C15.19) as the C API shows it, and the pending deep pin of a shallow Pin
 * (C15.20): fetched files sparse (C13.5 Sparse) with the original version
 * of the server, Fill, the merged walk's order with and without a sink,
 * the same state both ways, the pending marks set, cleared by Unpin and
 * by the container leaving the cache, kept by a deep Pin (C15.21) and by a
 * snapshot, and allocation failures (C8.1).
 */
#include "remote_support.h"

#include "remote/fetch.h"

#include <string.h>

#define SH "\\\\fs\\docs"
#define USER CSC_PIN_FLAG_FOR_USER
#define ALL CSC_PIN_FLAG_FOR_ALL

static csc_cache_t *with_remote(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\b.txt", 2);
    assert_int_equal(csc_remote_file(cache, SH "\\d\\a.txt", true, 10), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\d\\C.txt", true, 30), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\d\\sub\\x.txt", true, 40), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, SH "\\d\\a.txt", true, 11), CSC_S_OK);
    return cache;
}

/* C15.1: cached and remote items interleaved in walk order (C2.3). */
static void test_c15_1_merged_walk_order(void **state)
{
    (void)state;
    csc_cache_t *cache = with_remote();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(cache, SH "\\d", USER, true, &rec), CSC_S_OK);
    assert_events(&rec, "0:0x00000000:The operation completed successfully.:",
                  "2:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d",
                  "3:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d",
                  "2:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\a.txt",
                  "3:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\a.txt",
                  "2:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\b.txt",
                  "3:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\b.txt",
                  "2:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\C.txt",
                  "3:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\C.txt",
                  "2:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\sub",
                  "3:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\sub",
                  "2:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\sub\\x.txt",
                  "3:0x00000000:The operation completed successfully.:\\\\fs\\docs\\d\\sub\\x.txt",
                  "1:0x00000000:The operation completed successfully.:");
    csc_test_recorder_clear(&rec);
    /* C10.8, C13.5: sparse, the server's size, its version as original. */
    csc_item_t *a = csc_test_find(cache, SH "\\d\\a.txt");
    assert_true(csc_item_is_sparse(a));
    assert_int_equal(csc_item_size(a), 11);
    assert_int_equal(csc_test_original_version(cache, SH "\\d\\a.txt"), 2);
    assert_false(csc__remote_changed_on_server(cache, a));
    assert_false(csc_item_is_sparse(csc_test_find(cache, SH "\\d\\b.txt")));
    assert_used(cache, 2, 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* The walk without a sink reaches the same state as with one. */
static void test_c15_1_same_state_without_sink(void **state)
{
    (void)state;
    csc_cache_t *a = with_remote(), *b = with_remote();
    assert_int_equal(csc_test_pin1(a, SH, ALL, true, NULL), CSC_S_OK);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_test_pin1(b, SH, ALL, true, &rec), CSC_S_OK);
    csc_test_recorder_clear(&rec);
    char *da = csc_test_remote_dump(a), *db = csc_test_remote_dump(b);
    assert_string_equal(da, db);
    free(da);
    free(db);
    assert_int_equal(csc_item_pins(csc_test_find(a, SH "\\d\\sub\\x.txt")),
                     CSC_PIN_SOURCE_COMPUTER);
    csc_cache_free(a);
    csc_cache_free(b);
}

/* Nothing to fetch: the fast walk, and nothing new. */
static void test_c15_1_nothing_to_fetch(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\b.txt", 2);
    csc_test_file(cache, SH "\\d\\e\\f.txt", 3);
    size_t n = csc_cache_item_count(cache);
    csc_test_pin1_ok(cache, SH, USER, true);
    assert_int_equal(csc_cache_item_count(cache), n);
    csc_cache_free(cache);
}

/* A repeated deep Pin finds what changed since the last one: a new remote
 * item, an evicted fetched file (its record was there already), a file
 * renamed away from its remote path (C13.2, C15.15). */
static void test_c15_1_repeated_pins_see_changes(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\a.txt", 1);
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    csc_test_pin1_ok(cache, SH "\\d", USER, true); /* nothing to fetch, twice */
    assert_int_equal(csc_remote_file(cache, SH "\\d\\new.txt", true, 5), CSC_S_OK);
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    assert_true(csc_test_cached(cache, SH "\\d\\new.txt"));
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    /* Evicted (its record stays as it was): fetched again. */
    csc_test_unpin1_ok(cache, SH "\\d\\new.txt", USER, false);
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, NULL), CSC_S_OK);
    assert_false(csc_test_cached(cache, SH "\\d\\new.txt"));
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    assert_true(csc_test_cached(cache, SH "\\d\\new.txt"));
    /* Renamed away: the server's file at the old path comes back. */
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    assert_int_equal(
        csc_rename_item_ex(cache, SH "\\d\\new.txt", SH "\\d\\moved.txt", false), CSC_S_OK);
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    assert_true(csc_test_cached(cache, SH "\\d\\new.txt"));
    assert_true(csc_test_cached(cache, SH "\\d\\moved.txt"));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C15.2: Fill on a cached sparse file online fills it; C5.7 when it does
 * not fit: 0x80070070, not pinned. */
static void test_c15_2_fill(void **state)
{
    (void)state;
    csc_cache_t *cache = with_remote();
    csc_test_pin1_ok(cache, SH "\\d\\C.txt", USER, false);
    csc_item_t *c = csc_test_find(cache, SH "\\d\\C.txt");
    assert_true(csc_item_is_sparse(c));
    csc_test_set_limits(cache, 20, CSC_SPACE_UNLIMITED);
    assert_int_equal(csc_test_pin1(cache, SH "\\d\\C.txt", USER | ALL | CSC_PIN_FLAG_FILL, false,
                                   NULL),
                     CSC_E_DISK_FULL);
    assert_int_equal(csc_item_pins(c), CSC_PIN_SOURCE_USER);
    assert_true(csc_item_is_sparse(c));
    csc_test_set_limits(cache, CSC_SPACE_UNLIMITED, CSC_SPACE_UNLIMITED);
    csc_test_pin1_ok(cache, SH "\\d\\C.txt", ALL | CSC_PIN_FLAG_FILL, false);
    assert_false(csc_item_is_sparse(c));
    assert_int_equal(csc_item_size(c), 30);
    assert_used(cache, 32, 2);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C15.20: a shallow Pin of a container keeps a pending deep pin for its
 * sources; Unpin of the container for them clears it; a deep Pin does not
 * (C15.21); the container leaving the cache takes it away. */
static void test_c15_20_pending_marks(void **state)
{
    (void)state;
    csc_cache_t *cache = with_remote();
    csc_item_t *d = csc_test_find(cache, SH "\\d");
    csc_test_pin1_ok(cache, SH "\\d", USER | ALL, false);
    assert_int_equal(csc__pending_pin_get(cache, d), CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_COMPUTER);
    /* C3.4: the container alone: nothing fetched, no inherit bit. */
    assert_false(csc_test_cached(cache, SH "\\d\\a.txt"));
    assert_int_equal(csc_item_inherit(d), 0);
    /* A file gets none; a shallow Unpin of the parent does not reach d. */
    csc_test_pin1_ok(cache, SH "\\d\\b.txt", USER, false);
    csc_test_unpin1_ok(cache, SH, USER, false);
    assert_int_equal(csc__pending_pin_get(cache, d), CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_COMPUTER);
    assert_int_equal(csc__pending_pin_count(cache), 1);
    csc_test_unpin1_ok(cache, SH "\\d", USER, false);
    assert_int_equal(csc__pending_pin_get(cache, d), CSC_PIN_SOURCE_COMPUTER);
    csc_test_pin1_ok(cache, SH "\\d", ALL, true);
    assert_int_equal(csc__pending_pin_get(cache, d), CSC_PIN_SOURCE_COMPUTER);
    /* A deep Unpin reaches the container: cleared. */
    csc_test_unpin1_ok(cache, SH, ALL, true);
    assert_int_equal(csc__pending_pin_count(cache), 0);
    /* A shallow Pin of an uncached directory fetches it and marks it. */
    assert_int_equal(csc_remote_file(cache, SH "\\other\\z.txt", true, 1), CSC_S_OK);
    csc_test_pin1_ok(cache, SH "\\other", USER, false);
    csc_item_t *sub = csc_test_find(cache, SH "\\other");
    assert_non_null(sub);
    assert_int_equal(csc__pending_pin_get(cache, sub), CSC_PIN_SOURCE_USER);
    assert_false(csc_test_cached(cache, SH "\\other\\z.txt"));
    /* A server has no pin state: no mark. */
    csc_test_pin1_ok(cache, "\\\\fs", USER, false);
    assert_int_equal(csc__pending_pin_count(cache), 1);
    /* Unpin of the container for its sources clears it. */
    csc_test_unpin1_ok(cache, SH "\\other", USER, false);
    assert_int_equal(csc__pending_pin_count(cache), 0);
    /* Another source's Unpin keeps it. */
    csc_test_pin1_ok(cache, SH "\\other", USER, false);
    csc_test_unpin1_ok(cache, SH "\\other", ALL, false);
    assert_int_equal(csc__pending_pin_count(cache), 1);
    const char *p[] = {SH "\\other"};
    /* DeleteItems of the container (NoPinned not given): gone, mark gone. */
    assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), CSC_S_OK);
    assert_false(csc_test_cached(cache, SH "\\other"));
    assert_int_equal(csc__pending_pin_count(cache), 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* Snapshots keep sparse files and pending marks (section 5). */
static void test_snapshot_keeps_sparse_and_pending(void **state)
{
    (void)state;
    csc_cache_t *cache = with_remote();
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    csc_test_pin1_ok(cache, SH "\\d\\sub", ALL, false);
    void *data;
    size_t size;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    csc_cache_t *copy = csc_test_cache_new();
    assert_int_equal(csc_cache_load_buffer(copy, data, size), CSC_S_OK);
    char *da = csc_test_remote_dump(cache), *db = csc_test_remote_dump(copy);
    assert_string_equal(da, db);
    free(da);
    free(db);
    assert_true(csc_item_is_sparse(csc_test_find(copy, SH "\\d\\a.txt")));
    assert_int_equal(csc_item_size(csc_test_find(copy, SH "\\d\\a.txt")), 11);
    assert_int_equal(csc__pending_pin_get(copy, csc_test_find(copy, SH "\\d\\sub")),
                     CSC_PIN_SOURCE_COMPUTER);
    assert_used(copy, 2, 0);
    void *again;
    size_t again_size;
    assert_int_equal(csc_cache_save_buffer(copy, &again, &again_size), CSC_S_OK);
    assert_int_equal(again_size, size);
    assert_memory_equal(again, data, size);
    csc_snapshot_free(again);
    csc_snapshot_free(data);
    csc_cache_free(copy);
    csc_cache_free(cache);
}

/* C8.1: a single uncached file: out of memory changes nothing. */
static void oom_setup(csc_cache_t *cache)
{
    csc_test_dir(cache, SH "\\d");
    csc_remote_file(cache, SH "\\d\\x\\new.txt", true, 5);
}

static csc_hresult pin_new(csc_cache_t *cache)
{
    const char *p[] = {SH "\\d\\x\\new.txt"};
    return csc_pin(cache, p, 1, USER, false, NULL, NULL);
}

static csc_hresult pin_new_dir_shallow(csc_cache_t *cache)
{
    const char *p[] = {SH "\\d\\x"};
    return csc_pin(cache, p, 1, USER, false, NULL, NULL);
}

static void test_c8_1_out_of_memory(void **state)
{
    (void)state;
    assert_true(oom_sweep(oom_setup, pin_new, CSC_S_OK) > 0);
}

/* The shallow Pin of an uncached directory: the fetch and the mark. A
 * failure of the mark after the fetch leaves the fetched directory (the
 * walk stops on that item: C8.1 as the walks read it), so the sweep runs
 * on a cached directory. */
static void oom_setup_cached(csc_cache_t *cache)
{
    csc_test_dir(cache, SH "\\d\\x");
}

static void test_c15_20_mark_out_of_memory(void **state)
{
    (void)state;
    assert_true(oom_sweep(oom_setup_cached, pin_new_dir_shallow, CSC_S_OK) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c15_1_merged_walk_order),
        cmocka_unit_test(test_c15_1_same_state_without_sink),
        cmocka_unit_test(test_c15_1_nothing_to_fetch),
        cmocka_unit_test(test_c15_1_repeated_pins_see_changes),
        cmocka_unit_test(test_c15_2_fill),
        cmocka_unit_test(test_c15_20_pending_marks),
        cmocka_unit_test(test_snapshot_keeps_sparse_and_pending),
        cmocka_unit_test(test_c8_1_out_of_memory),
        cmocka_unit_test(test_c15_20_mark_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
