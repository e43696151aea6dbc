/*
 * tests/test_evict__policies.c: when the cache evicts on its own, and the
 * total limit. C5.5: limits need an administrator (E_ACCESSDENIED otherwise,
 * limits unchanged), unlimited reported as 2^64-1; `manual` (the default)
 * never starts a pass; `automatic` runs a pass while unpinned used exceeds
 * the unpinned limit, `eager` evicts everything evictable, both after each
 * command that cached an item and after each method call (Pin, Unpin,
 * Synchronize, DeleteItems), even a rejected one; setting the limits or the
 * policy starts no pass. C5.7: caching that adds bytes past the total limit
 * makes room under automatic/eager by evicting LRU files (never the file
 * itself nor its ancestors, even an empty ancestor directory), else fails
 * with 0x80070070 and nothing changes; caching that adds no bytes never fails
 * for space. Every eviction is checked as the exact (path, size) sequence the
 * callback saw (C5.6), with the invariant recount after each operation.
 */
#include "support.h"

#include <stdio.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"
#define USER CSC_PIN_FLAG_FOR_USER
#define UNL CSC_SPACE_UNLIMITED

/* ---- helpers ------------------------------------------------------------ */

/* Caches a file (size given) and expects success; `out` is not asked for,
 * since under eager or automatic the item may be gone when the call returns. */
static void cache_file(csc_cache_t *cache, const char *path, uint64_t size)
{
    assert_int_equal(csc_cache_file(cache, path, true, size, NULL), CSC_S_OK);
    assert_cache_ok(cache);
}

static uint64_t size_of(csc_cache_t *cache, const char *path)
{
    return csc_item_size(csc_test_find(cache, path));
}

/* ---- C5.5 limits -------------------------------------------------------- */

/* C5.5: unlimited until set, reported as 2^64-1; SetDiskSpaceLimits needs an
 * administrator, else E_ACCESSDENIED and the limits stay as they were. */
static void test_c5_5_limits_need_admin(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    assert_space(cache, UNL, 0, UNL, 0);
    assert_true(CSC_SPACE_UNLIMITED == UINT64_MAX);

    /* The default caller is not an administrator. */
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 1000, 500), CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);
    assert_space(cache, UNL, 0, UNL, 0);

    assert_int_equal(csc_cache_set_caller(cache, "Bob", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 1000, 500), CSC_S_OK);
    assert_cache_ok(cache);
    assert_space(cache, 1000, 0, 500, 0);

    /* A user named "admin" who is not an administrator is refused. */
    assert_int_equal(csc_cache_set_caller(cache, "admin", false), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 1, 1), CSC_E_ACCESSDENIED);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, UNL, UNL), CSC_E_ACCESSDENIED);
    assert_space(cache, 1000, 0, 500, 0);

    assert_int_equal(csc_cache_set_caller(cache, "admin", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 0, 0), CSC_S_OK);
    assert_space(cache, 0, 0, 0, 0);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, UNL, UNL), CSC_S_OK);
    assert_space(cache, UNL, 0, UNL, 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* ---- C5.5 manual -------------------------------------------------------- */

/* C5.5: manual is the default and evicts only when asked, whatever the
 * limits and whatever call is made. */
static void test_c5_5_manual_never_on_its_own(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    assert_int_equal(csc_cache_policy(cache), CSC_EVICT_MANUAL);
    csc_test_set_limits(cache, UNL, 10);
    cache_file(cache, SH "\\a", 40);
    cache_file(cache, SH "\\b", 40);
    cache_file(cache, SH "\\d\\c", 20);
    assert_int_equal(csc_cache_dir(cache, SH "\\empty", NULL), CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_pin1_ok(cache, SH "\\a", USER, false);
    csc_test_unpin1_ok(cache, SH "\\a", USER, false);
    assert_int_equal(csc_unpin(cache, (const char *[]){SH}, 1, 0, true, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH}, 1, 0x6, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH "\\nope"}, 1, 0, NULL, NULL),
                     CSC_E_MORE_DATA);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 7);
    assert_space(cache, UNL, 100, 10, 100);

    /* Asked: it evicts. */
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\empty=0", SH "\\a=40", SH "\\b=40", SH "\\d\\c=20", SH "\\d=0",
                   SH "=0", SRV "=0");
    csc_cache_free(cache);
}

/* C5.5: setting the limits or the policy does not start a pass, even when
 * unpinned used is over the new limit; the next method call does, even a
 * rejected one (Unpin naming no pin source: E_INVALIDARG, C4.1). */
static void test_c5_5_setting_starts_no_pass(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    cache_file(cache, SH "\\f1", 30);
    csc_test_advance_to(cache, 1);
    cache_file(cache, SH "\\f2", 30);
    csc_test_advance_to(cache, 2);
    cache_file(cache, SH "\\f3", 30);
    csc_test_dir(cache, SH "\\empty");
    csc_test_set_limits(cache, UNL, 40);
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    csc_test_set_limits(cache, UNL, 35);
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    csc_test_set_limits(cache, 10, 35); /* a total limit below used: no pass either */
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    csc_test_set_limits(cache, UNL, 35);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 6);
    assert_space(cache, UNL, 90, 35, 90);

    assert_int_equal(csc_unpin(cache, (const char *[]){SH}, 1, 0, true, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    /* A pass until unpinned used no longer exceeds 35: the empty directory
     * at once, then f1, f2 (90 -> 60 -> 30). */
    assert_evicted(&log, SH "\\empty=0", SH "\\f1=30", SH "\\f2=30");
    assert_space(cache, UNL, 30, 35, 30);
    assert_true(csc_test_cached(cache, SH "\\f3"));
    csc_cache_free(cache);
}

/* ---- C5.5 automatic ----------------------------------------------------- */

/* C5.5 automatic after commands that cache an item: a pass only when unpinned
 * used exceeds the unpinned limit, LRU first, until it no longer does. The
 * item just cached is not protected by C5.5: a file larger than the limit
 * goes too, and the caching still succeeds. */
static void test_c5_5_automatic_after_caching(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_set_limits(cache, UNL, 50);
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    cache_file(cache, SH "\\a", 20); /* t=0 */
    csc_test_advance_to(cache, 1);
    cache_file(cache, SH "\\b", 20);
    assert_none_evicted(&log);
    csc_test_advance_to(cache, 2);
    cache_file(cache, SH "\\c", 20); /* 60 > 50 */
    assert_evicted(&log, SH "\\a=20");
    assert_space(cache, UNL, 40, 50, 40);
    csc_test_advance_to(cache, 3);
    cache_file(cache, SH "\\n\\d", 5); /* 45 */
    assert_none_evicted(&log);

    /* Caching again with a larger size: b (touched at 4) 20 -> 40, 65 > 50:
     * c (t=2) goes, 45. */
    csc_test_advance_to(cache, 4);
    cache_file(cache, SH "\\b", 40);
    assert_evicted(&log, SH "\\c=20");
    assert_space(cache, UNL, 45, 50, 45);

    /* A directory is cached, nothing exceeds: it stays. */
    assert_int_equal(csc_cache_dir(cache, SH "\\emptydir", NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_true(csc_test_cached(cache, SH "\\emptydir"));

    /* 55 > 50: the empty directory at once, then d (t=3) and its directory. */
    csc_test_advance_to(cache, 5);
    cache_file(cache, SH "\\e", 10);
    assert_evicted(&log, SH "\\emptydir=0", SH "\\n\\d=5", SH "\\n=0");
    assert_space(cache, UNL, 50, 50, 50);

    /* Exactly at the limit is not over it. */
    cache_file(cache, SH "\\zero", 0);
    assert_none_evicted(&log);

    /* A file larger than the unpinned limit: LRU first, ties in walk order
     * (e, f, zero all at t=5), the file itself too, until unpinned used is
     * no longer over the limit (then zero stays). */
    cache_file(cache, SH "\\f", 100);
    assert_evicted(&log, SH "\\b=40", SH "\\e=10", SH "\\f=100");
    assert_false(csc_test_cached(cache, SH "\\f"));
    assert_true(csc_test_cached(cache, SH "\\zero"));
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_space(cache, UNL, 0, 50, 0);
    csc_cache_free(cache);
}

/* C5.5 automatic after each method call, successful or not: each step lowers
 * the unpinned limit by one file (no pass), then makes a call that changes
 * no unpinned bytes; exactly the LRU file goes each time. Pinned, dirty and
 * open files are never chosen (C5.3). */
static void test_c5_5_automatic_after_each_method(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    char path[64];
    for (int i = 1; i <= 9; i++) {
        csc_test_advance_to(cache, (uint64_t)i);
        snprintf(path, sizeof path, SH "\\f%d", i);
        cache_file(cache, path, 10);
    }
    cache_file(cache, SH "\\pinned", 1000);
    csc_test_pin1_ok(cache, SH "\\pinned", USER, false);
    cache_file(cache, SH "\\dirty", 7);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, SH "\\dirty"), 1), CSC_S_OK);
    cache_file(cache, SH "\\open", 3);
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, SH "\\open")), CSC_S_OK);
    assert_cache_ok(cache);
    /* dirty and open were cached at t=9, before any f's touch order matters:
     * they would be the LRU ties with f9 if they were evictable. */
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    assert_space(cache, UNL, 1100, UNL, 100);

    /* Pin, failing (not cached, C7.2). */
    csc_test_set_limits(cache, UNL, 95);
    assert_none_evicted(&log);
    assert_int_equal(csc_pin(cache, (const char *[]){SH "\\nope"}, 1, USER, false, NULL, NULL),
                     CSC_E_FILE_NOT_FOUND);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f1=10");

    /* Pin, succeeding on a pinned file (no unpinned bytes change). */
    csc_test_set_limits(cache, UNL, 85);
    csc_test_pin1_ok(cache, SH "\\pinned", USER, false);
    assert_evicted(&log, SH "\\f2=10");

    /* Unpin, succeeding on an unpinned file. */
    csc_test_set_limits(cache, UNL, 75);
    csc_test_unpin1_ok(cache, SH "\\f9", USER, false);
    assert_evicted(&log, SH "\\f3=10");

    /* Unpin, rejected: unknown flag bit (C4.1). */
    csc_test_set_limits(cache, UNL, 65);
    assert_int_equal(
        csc_unpin(cache, (const char *[]){SH "\\f9"}, 1, USER | 0x2u, false, NULL, NULL),
        CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f4=10");

    /* Pin, rejected: no path. */
    csc_test_set_limits(cache, UNL, 55);
    assert_int_equal(csc_pin(cache, (const char *[]){SH}, 0, USER, false, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f5=10");

    /* Synchronize of a clean file. */
    csc_test_set_limits(cache, UNL, 45);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\f9"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f6=10");

    /* Synchronize, rejected: unknown flag bit. */
    csc_test_set_limits(cache, UNL, 35);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH}, 1, 0x4000u, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f7=10");

    /* DeleteItems, rejected: unknown flag bit. */
    csc_test_set_limits(cache, UNL, 25);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH "\\f9"}, 1, 0x8u, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f8=10");
    assert_true(csc_test_cached(cache, SH "\\f9"));

    /* DeleteItems, rejected: Admin without an administrator caller. The
     * file left over limit is f9; dirty and open stay. */
    csc_test_set_limits(cache, UNL, 9);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH "\\f9"}, 1, CSC_DELETE_ADMIN,
                                      NULL, NULL),
                     CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\f9=10");
    assert_space(cache, UNL, 1010, 9, 10);

    /* Nothing evictable is left: a successful DeleteItems (the dirty file,
     * DelModified) leaves unpinned used over the limit; the pass ends with
     * nothing to evict. */
    csc_test_set_limits(cache, UNL, 0);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH "\\dirty"}, 1,
                                      CSC_DELETE_DEL_MODIFIED, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_space(cache, UNL, 1003, 0, 3);

    /* Closed, the open file is evictable; the next method call evicts it
     * (whether closing alone starts a pass is not asked here). */
    assert_int_equal(csc_item_close(cache, csc_test_find(cache, SH "\\open")), CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_pin1_ok(cache, SH "\\pinned", USER, false);
    assert_evicted(&log, SH "\\open=3");
    assert_space(cache, UNL, 1000, 0, 0);
    assert_int_equal(csc_cache_item_count(cache), 3);
    csc_cache_free(cache);
}

/* ---- C5.5 eager --------------------------------------------------------- */

/* C5.5 eager: after each command that cached an item and each method call,
 * everything evictable goes (LRU, ties in walk order; containers at once).
 * A freshly cached unpinned file in a new directory is gone right after
 * csc_cache_file, which itself succeeds; items pinned on arrival (C3.3)
 * stay. Setting the policy starts no pass. */
static void test_c5_5_eager(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_dir(cache, SH "\\keep");
    csc_test_pin1_ok(cache, SH "\\keep", USER, true);
    cache_file(cache, SH "\\old", 5); /* t=0, manual: stays */
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    assert_none_evicted(&log);
    assert_true(csc_test_cached(cache, SH "\\old"));

    csc_test_advance_to(cache, 1);
    assert_int_equal(csc_cache_file(cache, SH "\\new\\f", true, 10, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\old=5", SH "\\new\\f=10", SH "\\new=0");
    assert_false(csc_test_cached(cache, SH "\\new\\f"));
    assert_false(csc_test_cached(cache, SH "\\new"));
    assert_int_equal(csc_cache_item_count(cache), 3);

    /* Pinned on arrival below the deep-pinned directory: stays. */
    cache_file(cache, SH "\\keep\\g", 7);
    assert_int_equal(csc_cache_dir(cache, SH "\\keep\\sub", NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_true(csc_test_cached(cache, SH "\\keep\\g"));

    /* A directory cached unpinned: gone at once. */
    assert_int_equal(csc_cache_dir(cache, SH "\\emptyd", NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\emptyd=0");

    /* Unpin: the unpinned file goes right after. */
    csc_test_unpin1_ok(cache, SH "\\keep\\g", USER, false);
    assert_evicted(&log, SH "\\keep\\g=7");

    /* Dirty: unpin leaves it; Synchronize makes it evictable, and it goes. */
    cache_file(cache, SH "\\keep\\h", 4);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, SH "\\keep\\h"), 2), CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_unpin1_ok(cache, SH "\\keep\\h", USER, false);
    assert_none_evicted(&log);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\keep\\h"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\keep\\h=4");

    /* Open: stays through a method call. */
    cache_file(cache, SH "\\keep\\o", 1);
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, SH "\\keep\\o")), CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_unpin1_ok(cache, SH "\\keep\\o", USER, false);
    assert_none_evicted(&log);
    assert_true(csc_test_cached(cache, SH "\\keep\\o"));

    /* Made evictable under manual, then eager again: no pass until a call;
     * a rejected DeleteItems (unknown flags) is such a call. */
    csc_test_set_policy(cache, CSC_EVICT_MANUAL);
    csc_test_unpin1_ok(cache, SH "\\keep\\sub", USER, false);
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    assert_none_evicted(&log);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH}, 1, 0x10u, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\keep\\sub=0");

    /* A failing Pin is a method call too. */
    csc_test_set_policy(cache, CSC_EVICT_MANUAL);
    cache_file(cache, SH "\\x", 3);
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    assert_none_evicted(&log);
    assert_int_equal(csc_pin(cache, (const char *[]){SH "\\nope"}, 1, USER, true, NULL, NULL),
                     CSC_E_FILE_NOT_FOUND);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\x=3");

    /* Closing and unpinning the rest: everything goes, up to the server. */
    assert_int_equal(csc_item_close(cache, csc_test_find(cache, SH "\\keep\\o")), CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_unpin1_ok(cache, SH "\\keep", USER, true);
    assert_evicted(&log, SH "\\keep\\o=1", SH "\\keep=0", SH "=0", SRV "=0");
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_space(cache, UNL, 0, UNL, 0);
    csc_cache_free(cache);
}

/* C5.5 eager, seen from the caller's pointer: the pass after the call may
 * evict the item just cached; *out is then NULL, never dangling. A file that
 * arrives pinned (below a deep pin) stays and *out is that file. */
static void test_c5_5_eager_out_pointer(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_dir(cache, SH "\\keep");
    csc_test_pin1_ok(cache, SH "\\keep", USER, true);
    csc_test_set_policy(cache, CSC_EVICT_EAGER);

    csc_item_t *out = (csc_item_t *)&log; /* any non-NULL value */
    assert_int_equal(csc_cache_file(cache, SH "\\gone", true, 3, &out), CSC_S_OK);
    assert_cache_ok(cache);
    assert_null(out);
    assert_evicted(&log, SH "\\gone=3");

    out = (csc_item_t *)&log;
    assert_int_equal(csc_cache_dir(cache, SH "\\gone_dir", &out), CSC_S_OK);
    assert_cache_ok(cache);
    assert_null(out);
    assert_evicted(&log, SH "\\gone_dir=0");

    out = NULL;
    assert_int_equal(csc_cache_file(cache, SH "\\keep\\stays", true, 4, &out), CSC_S_OK);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_non_null(out);
    assert_ptr_equal(out, csc_test_find(cache, SH "\\keep\\stays"));
    assert_int_equal(csc_item_size(out), 4);
    csc_cache_free(cache);
}

/* C5.5, C5.7: sizes go up to 2^64 - 1, so the used figures are kept wider
 * than 64 bits and reported saturated; they come back exactly as files go.
 * Under a total limit, an addition that would pass 2^64 - 1 is measured
 * exactly too: it fails with 0x80070070 unless eviction can make room. */
static void test_c5_5_counters_past_2_64(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    const uint64_t max = UINT64_MAX;
    cache_file(cache, SH "\\a", 1000);
    cache_file(cache, SH "\\huge", max);
    assert_space(cache, UNL, max, UNL, max); /* 2^64 + 999: saturated */
    csc_test_pin1_ok(cache, SH "\\a", USER, false);
    assert_space(cache, UNL, max, UNL, max);
    uint64_t freed = 0;
    size_t count = 0;
    assert_int_equal(csc_cache_evict(cache, false, 1, &freed, &count), CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\huge=18446744073709551615");
    assert_int_equal(freed, max);
    assert_int_equal(count, 1);
    assert_space(cache, UNL, 1000, UNL, 0); /* exact again, not wrapped */

    /* A limit just below 2^64 - 1: 1000 used + (limit) added exceeds it. */
    csc_test_set_limits(cache, max - 1, UNL);
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    assert_int_equal(csc_cache_file(cache, SH "\\b", true, max - 1, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_false(csc_test_cached(cache, SH "\\b"));
    assert_space(cache, max - 1, 1000, UNL, 0);
    /* Unpinned, a can go: room is made and the file fits exactly. */
    csc_test_unpin1_ok(cache, SH "\\a", USER, false);
    cache_file(cache, SH "\\b", max - 1);
    assert_evicted(&log, SH "\\a=1000");
    assert_space(cache, max - 1, max - 1, UNL, max - 1);
    csc_cache_free(cache);
}

/* ---- C5.7 the total limit ----------------------------------------------- */

/* C5.7 automatic: a new file past the total limit evicts LRU files until it
 * fits; growing a file likewise, never the file itself (here the LRU one);
 * exactly at the limit fits without eviction. */
static void test_c5_7_automatic_makes_room(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_set_limits(cache, 100, UNL);
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    cache_file(cache, SH "\\a", 30); /* t=0 */
    csc_test_advance_to(cache, 1);
    cache_file(cache, SH "\\b", 30);
    csc_test_advance_to(cache, 2);
    cache_file(cache, SH "\\c", 30);
    assert_none_evicted(&log);
    assert_space(cache, 100, 90, UNL, 90);

    csc_test_advance_to(cache, 3);
    cache_file(cache, SH "\\d", 30); /* 120 > 100: 20 to free */
    assert_evicted(&log, SH "\\a=30");
    assert_int_equal(size_of(cache, SH "\\d"), 30);
    assert_space(cache, 100, 90, UNL, 90);

    /* b is the LRU file (t=1) but it is the one growing: c goes. */
    csc_test_advance_to(cache, 4);
    cache_file(cache, SH "\\b", 60);
    assert_evicted(&log, SH "\\c=30");
    assert_int_equal(size_of(cache, SH "\\b"), 60);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\b")), 4);
    assert_space(cache, 100, 90, UNL, 90);

    /* Exactly at the limit: no eviction. */
    cache_file(cache, SH "\\e", 10);
    assert_none_evicted(&log);
    assert_space(cache, 100, 100, UNL, 100);
    assert_int_equal(csc_cache_item_count(cache), 5);
    csc_cache_free(cache);
}

/* C5.7: the ancestors of the new file are never evicted, even an empty
 * directory that would otherwise go at once; other empty containers go
 * (C5.4, during the pass). */
static void test_c5_7_never_the_ancestors(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_set_limits(cache, 100, UNL);
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    csc_test_dir(cache, SH "\\e1\\e2");
    csc_test_dir(cache, SH "\\zz");
    cache_file(cache, SH "\\x", 50); /* t=0 */
    csc_test_advance_to(cache, 1);
    cache_file(cache, SH "\\y", 50);
    assert_none_evicted(&log);

    csc_test_advance_to(cache, 2);
    cache_file(cache, SH "\\e1\\e2\\e3\\n", 40);
    assert_evicted(&log, SH "\\zz=0", SH "\\x=50");
    assert_true(csc_test_cached(cache, SH "\\e1\\e2"));
    assert_true(csc_test_cached(cache, SH "\\e1\\e2\\e3\\n"));
    assert_true(csc_test_cached(cache, SH "\\y"));
    assert_space(cache, 100, 90, UNL, 90);

    /* Directly in the empty directory, in another server. */
    csc_test_dir(cache, "\\\\t\\sh\\empty");
    csc_test_advance_to(cache, 3);
    cache_file(cache, "\\\\t\\sh\\empty\\m", 20); /* 110: y (t=1) goes */
    assert_evicted(&log, SH "\\y=50");
    assert_true(csc_test_cached(cache, "\\\\t\\sh\\empty\\m"));
    assert_space(cache, 100, 60, UNL, 60);
    csc_cache_free(cache);
}

/* C5.7: when evicting every other evictable file cannot make room, caching
 * fails with 0x80070070 and nothing changes (no eviction, no new item, the
 * figures and the file's size and last use as they were); the file being
 * grown does not count as room. Making room exactly is enough. */
static void test_c5_7_cannot_make_room(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_set_limits(cache, 100, UNL);
    csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    csc_test_dir(cache, SH "\\pin");
    csc_test_pin1_ok(cache, SH "\\pin", USER, true);
    cache_file(cache, SH "\\pin\\p", 60); /* pinned on arrival */
    cache_file(cache, SH "\\a", 20);      /* t=0 */
    csc_test_advance_to(cache, 1);
    cache_file(cache, SH "\\b", 10);
    csc_test_dir(cache, SH "\\empty");
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 7);
    assert_space(cache, 100, 90, UNL, 30);
    csc_test_advance_to(cache, 5);

    /* 90 + 41: 31 to free, 30 evictable. */
    csc_item_t *out = (csc_item_t *)&out;
    assert_int_equal(csc_cache_file(cache, SH "\\new\\n", true, 41, &out), CSC_E_DISK_FULL);
    assert_null(out);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_false(csc_test_cached(cache, SH "\\new"));
    assert_int_equal(csc_cache_item_count(cache), 7);
    assert_space(cache, 100, 90, UNL, 30);

    /* Growing a by 40: 30 to free, but only b (10) is another file. */
    assert_int_equal(csc_cache_file(cache, SH "\\a", true, 60, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_int_equal(size_of(cache, SH "\\a"), 20);
    assert_int_equal(csc_item_last_use(csc_test_find(cache, SH "\\a")), 0);
    assert_space(cache, 100, 90, UNL, 30);

    /* Larger than the limit itself. */
    assert_int_equal(csc_cache_file(cache, SH "\\huge", true, 101, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 7);

    /* 90 + 40: 30 to free, 30 evictable: everything else evictable goes. */
    cache_file(cache, SH "\\new\\n", 40);
    assert_evicted(&log, SH "\\empty=0", SH "\\a=20", SH "\\b=10");
    assert_space(cache, 100, 100, UNL, 40);
    assert_int_equal(csc_cache_item_count(cache), 6);
    csc_cache_free(cache);
}

/* C5.7 manual: past the limit always fails with 0x80070070, even when
 * evicting would make room; nothing changes. */
static void test_c5_7_manual_fails(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_set_limits(cache, 100, UNL);
    cache_file(cache, SH "\\a", 50);
    cache_file(cache, SH "\\b", 40);
    assert_int_equal(csc_cache_file(cache, SH "\\d\\c", true, 20, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_false(csc_test_cached(cache, SH "\\d"));
    assert_int_equal(csc_cache_item_count(cache), 4);
    assert_space(cache, 100, 90, UNL, 90);
    assert_int_equal(csc_cache_file(cache, SH "\\a", true, 61, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_int_equal(size_of(cache, SH "\\a"), 50);

    cache_file(cache, SH "\\d\\c", 10); /* exactly 100 */
    assert_none_evicted(&log);
    assert_space(cache, 100, 100, UNL, 100);
    assert_int_equal(csc_cache_file(cache, SH "\\a", true, 51, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_int_equal(size_of(cache, SH "\\a"), 50);
    csc_cache_free(cache);
}

/* C5.7: caching that adds no bytes never fails for space, even with used
 * already over a limit lowered below it: the same size, a smaller one, an
 * existing file without size, a new file of size 0 or without size, a
 * directory. One byte more fails. */
static void test_c5_7_no_bytes_never_fails(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    cache_file(cache, SH "\\a", 50);
    cache_file(cache, SH "\\b", 40);
    csc_test_set_limits(cache, 10, UNL); /* below used: no pass, nothing fails yet */
    assert_space(cache, 10, 90, UNL, 90);

    for (int round = 0; round < 2; round++) {
        /* round 0 manual, round 1 automatic */
        cache_file(cache, SH "\\a", 50);
        assert_int_equal(csc_cache_file(cache, SH "\\a", false, 0, NULL), CSC_S_OK);
        assert_cache_ok(cache);
        assert_int_equal(size_of(cache, SH "\\a"), 50);
        cache_file(cache, SH "\\b", round == 0 ? 30 : 20); /* smaller */
        char p[64];
        snprintf(p, sizeof p, SH "\\zero%d", round);
        cache_file(cache, p, 0);
        snprintf(p, sizeof p, SH "\\nosize%d", round);
        assert_int_equal(csc_cache_file(cache, p, false, 0, NULL), CSC_S_OK);
        assert_cache_ok(cache);
        snprintf(p, sizeof p, SH "\\dir%d\\sub", round);
        assert_int_equal(csc_cache_dir(cache, p, NULL), CSC_S_OK);
        assert_cache_ok(cache);
        assert_none_evicted(&log);
        csc_test_set_policy(cache, CSC_EVICT_AUTOMATIC);
    }
    assert_space(cache, 10, 70, UNL, 70);
    assert_int_equal(csc_cache_item_count(cache), 12);

    /* One byte more, under manual: fails. */
    csc_test_set_policy(cache, CSC_EVICT_MANUAL);
    assert_int_equal(csc_cache_file(cache, SH "\\a", true, 51, NULL), CSC_E_DISK_FULL);
    assert_int_equal(csc_cache_file(cache, SH "\\one", true, 1, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_space(cache, 10, 70, UNL, 70);
    assert_int_equal(csc_cache_item_count(cache), 12);
    assert_none_evicted(&log);
    csc_cache_free(cache);
}

/* C5.7 eager: room is made LRU first for a file pinned on arrival, then the
 * eager pass takes the rest; with nothing evictable left, 0x80070070 and
 * nothing changes. */
static void test_c5_7_eager(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_test_dir(cache, SH "\\keep");
    csc_test_pin1_ok(cache, SH "\\keep", USER, true);
    cache_file(cache, SH "\\keep\\p", 30);
    cache_file(cache, SH "\\a", 30); /* t=0 */
    csc_test_advance_to(cache, 1);
    cache_file(cache, SH "\\b", 30);
    csc_test_set_limits(cache, 100, UNL);
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    assert_none_evicted(&log);
    assert_space(cache, 100, 90, UNL, 60);

    csc_test_advance_to(cache, 2);
    cache_file(cache, SH "\\keep\\n", 20);
    assert_evicted(&log, SH "\\a=30", SH "\\b=30");
    assert_true(csc_test_cached(cache, SH "\\keep\\n"));
    assert_space(cache, 100, 50, UNL, 0);

    size_t before = csc_cache_item_count(cache);
    assert_int_equal(csc_cache_file(cache, SH "\\keep\\big", true, 60, NULL), CSC_E_DISK_FULL);
    assert_cache_ok(cache);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), before);
    assert_space(cache, 100, 50, UNL, 0);

    cache_file(cache, SH "\\keep\\n", 70); /* grows to exactly 100 */
    assert_none_evicted(&log);
    assert_space(cache, 100, 100, UNL, 0);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c5_5_limits_need_admin),
        cmocka_unit_test(test_c5_5_manual_never_on_its_own),
        cmocka_unit_test(test_c5_5_setting_starts_no_pass),
        cmocka_unit_test(test_c5_5_automatic_after_caching),
        cmocka_unit_test(test_c5_5_automatic_after_each_method),
        cmocka_unit_test(test_c5_5_eager),
        cmocka_unit_test(test_c5_5_eager_out_pointer),
        cmocka_unit_test(test_c5_5_counters_past_2_64),
        cmocka_unit_test(test_c5_7_automatic_makes_room),
        cmocka_unit_test(test_c5_7_never_the_ancestors),
        cmocka_unit_test(test_c5_7_cannot_make_room),
        cmocka_unit_test(test_c5_7_manual_fails),
        cmocka_unit_test(test_c5_7_no_bytes_never_fails),
        cmocka_unit_test(test_c5_7_eager),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
