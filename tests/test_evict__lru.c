/*
 * tests/test_evict__lru.c: what an eviction pass removes, in which order, and
 * what the disk-space figures say around it. C5.4 least recently used first by
 * the virtual clock, with what touches an item (caching, caching again,
 * successful pin, open) and what does not (close, unpin, modify, sync, find,
 * a denied pin); ties in walk order (C2.3: component-wise by case-folded
 * name, so \\s\sh\b\a goes before \\s\sh\b!x although '!' < '\' as bytes);
 * `evict all` against `evict bytes=N` (stops once at least N bytes are freed;
 * N=0 evicts only evictable containers); containers that are or become
 * evictable go at once, size 0, right after the file that emptied them, up
 * to the server (C5.4, C2.2). C5.2/C5.3 pinned, dirty and open files are
 * never evicted and become evictable after unpin / sync / close; C5.6
 * evicted items are gone from every lookup. C5.5 used and unpinned-used after
 * every kind of change, with the invariant recount (assert_cache_ok) after
 * each operation.
 */
#include "support.h"

#include <stdio.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"
#define USER CSC_PIN_FLAG_FOR_USER
#define ALL CSC_PIN_FLAG_FOR_ALL

/* The eviction log of the current test, for diagnostics in evict(). */
static csc_test_evict_log_t *current_log;

static csc_cache_t *new_cache(csc_test_evict_log_t *log)
{
    current_log = log;
    return csc_test_evict_cache_new(log);
}

/* ---- helpers ------------------------------------------------------------ */

static void evict(csc_cache_t *cache, bool all, uint64_t bytes, uint64_t want_freed,
                  size_t want_count)
{
    uint64_t freed = 12345;
    size_t count = 12345;
    assert_int_equal(csc_cache_evict(cache, all, bytes, &freed, &count), CSC_S_OK);
    assert_cache_ok(cache);
    if (freed != want_freed || count != want_count) {
        print_error("evict(all=%d, bytes=%llu): freed %llu (want %llu), count %zu (want %zu); "
                    "evicted so far:\n",
                    all, (unsigned long long)bytes, (unsigned long long)freed,
                    (unsigned long long)want_freed, count, want_count);
        for (size_t i = 0; current_log != NULL && i < current_log->n; i++)
            print_error("  %s\n", current_log->entries[i]);
        fail();
    }
}

static void gone(csc_cache_t *cache, const char *path)
{
    csc_item_t *item = (csc_item_t *)&item;
    assert_int_equal(csc_cache_find(cache, path, &item), CSC_E_FILE_NOT_FOUND);
    assert_null(item);
}

static void resize(csc_cache_t *cache, const char *path, uint64_t size)
{
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_file(cache, path, true, size, &item), CSC_S_OK);
    assert_cache_ok(cache);
    assert_non_null(item);
    assert_int_equal(csc_item_size(item), size);
}

/* ---- C5.4 LRU order --------------------------------------------------- */

/* C5.4: files go least recently used first, by the clock value at which they
 * were last touched; a touch moves a file to the back; containers go (size 0)
 * right after the file that emptied them, up to the server. */
static void test_c5_4_lru_order_by_clock(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_item_t *a = csc_test_file(cache, SH "\\d1\\a", 10); /* t=0 */
    csc_test_advance_to(cache, 5);
    csc_item_t *b = csc_test_file(cache, SH "\\b", 20);
    csc_test_advance_to(cache, 10);
    csc_item_t *c = csc_test_file(cache, SH "\\d2\\c", 30);
    csc_test_advance_to(cache, 15);
    csc_item_t *e = csc_test_file(cache, SH "\\e", 40);
    csc_test_advance_to(cache, 20);
    assert_int_equal(csc_item_touch(cache, a), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_last_use(a), 20);
    assert_int_equal(csc_item_last_use(b), 5);
    assert_int_equal(csc_item_last_use(c), 10);
    assert_int_equal(csc_item_last_use(e), 15);
    assert_int_equal(csc_cache_item_count(cache), 8);
    assert_used_unlimited(cache, 100, 100);
    assert_none_evicted(&log);

    evict(cache, true, 0, 100, 8);
    assert_evicted(&log, SH "\\b=20", SH "\\d2\\c=30", SH "\\d2=0", SH "\\e=40", SH "\\d1\\a=10",
                   SH "\\d1=0", SH "=0", SRV "=0");
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_null(csc_cache_first_server(cache));
    assert_used_unlimited(cache, 0, 0);
    gone(cache, SH "\\d1\\a");
    gone(cache, SH "\\d1");
    gone(cache, SH);
    gone(cache, SRV);
    csc_cache_free(cache);
}

/* C5.4: caching again, a successful pin (deep: every item pinned) and
 * opening touch; closing, unpinning, modifying, synchronizing, finding and a
 * denied pin do not. The pass order follows exactly. */
static void test_c5_4_what_touches(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_item_t *f[7] = {NULL};
    char path[64];
    for (int i = 1; i <= 5; i++) {
        csc_test_advance_to(cache, (uint64_t)i);
        snprintf(path, sizeof path, SH "\\f%d", i);
        f[i] = csc_test_file(cache, path, (uint64_t)i);
    }
    csc_test_advance_to(cache, 6);
    f[6] = csc_test_file(cache, SH "\\d\\f6", 6);

    /* t=10: open touches, close does not. */
    csc_test_advance_to(cache, 10);
    assert_int_equal(csc_item_open(cache, f[1]), CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_advance_to(cache, 12);
    assert_int_equal(csc_item_close(cache, f[1]), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_last_use(f[1]), 10);

    /* t=20: a successful pin touches, unpin does not. */
    csc_test_advance_to(cache, 20);
    csc_test_pin1_ok(cache, SH "\\f2", USER, false);
    assert_int_equal(csc_item_last_use(f[2]), 20);
    csc_test_advance_to(cache, 22);
    csc_test_unpin1_ok(cache, SH "\\f2", USER, false);
    assert_int_equal(csc_item_last_use(f[2]), 20);

    /* t=30: caching again (no size) touches and keeps the size (C2.4). */
    csc_test_advance_to(cache, 30);
    csc_item_t *again = NULL;
    assert_int_equal(csc_cache_file(cache, SH "\\F3", false, 0, &again), CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(again, f[3]);
    assert_int_equal(csc_item_size(f[3]), 3);
    assert_int_equal(csc_item_last_use(f[3]), 30);

    /* t=40: modify, sync, find, open-count-free close: no touch. */
    csc_test_advance_to(cache, 40);
    assert_int_equal(csc_item_modify(cache, f[4], 9), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\f4"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_close(cache, f[4]), CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(csc_test_find(cache, SH "\\f4"), f[4]);
    assert_int_equal(csc_item_last_use(f[4]), 4);

    /* t=50: a pin the caller may not make (C9.1, empty access list) does not
     * touch: only a successful pin does. */
    csc_test_advance_to(cache, 50);
    assert_int_equal(csc_item_set_access(cache, f[5], (const char *[]){"x"}, 0), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_pin(cache, (const char *[]){SH "\\f5"}, 1, USER, false, NULL, NULL),
                     CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);
    assert_false(csc_item_is_pinned(f[5]));
    assert_int_equal(csc_item_last_use(f[5]), 5);

    /* t=60: a deep pin of the directory touches the file below it. */
    csc_test_advance_to(cache, 60);
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    assert_int_equal(csc_item_last_use(f[6]), 60);
    csc_test_unpin1_ok(cache, SH "\\d", USER, true);
    csc_test_advance_to(cache, 70);
    assert_none_evicted(&log);

    evict(cache, true, 0, 21, 9);
    assert_evicted(&log, SH "\\f4=4", SH "\\f5=5", SH "\\f1=1", SH "\\f2=2", SH "\\f3=3",
                   SH "\\d\\f6=6", SH "\\d=0", SH "=0", SRV "=0");
    assert_int_equal(csc_cache_item_count(cache), 0);
    csc_cache_free(cache);
}

/* C5.4 ties in walk order (C2.3): same clock, cached in reverse order. Walk
 * order compares component by component on case-folded names, so
 *   \\A\... (folded "a") < \\s\...;  _x < a (0x5F < 0x61) < b < b!x < Zed
 * (folded "zed"), and the whole subtree \\s\sh\b\... goes before \\s\sh\b!x
 * although '!' (0x21) is below '\' (0x5C) as a byte. */
static void test_c5_4_ties_in_walk_order(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_test_file(cache, "\\\\t\\sh\\g", 7);
    csc_test_file(cache, SH "\\Zed", 4);
    csc_test_file(cache, SH "\\b!x", 1);
    csc_test_file(cache, SH "\\b\\a", 2);
    csc_test_file(cache, SH "\\a\\z", 3);
    csc_test_file(cache, SH "\\_x", 5);
    csc_test_file(cache, "\\\\A\\sh\\f", 6);
    assert_int_equal(csc_cache_item_count(cache), 15);

    /* One file per bytes=1 pass, each with its cascade. */
    evict(cache, false, 1, 6, 3);
    assert_evicted(&log, "\\\\A\\sh\\f=6", "\\\\A\\sh=0", "\\\\A=0");
    evict(cache, false, 1, 5, 1);
    assert_evicted(&log, SH "\\_x=5");
    evict(cache, false, 1, 3, 2);
    assert_evicted(&log, SH "\\a\\z=3", SH "\\a=0");
    evict(cache, false, 1, 2, 2);
    assert_evicted(&log, SH "\\b\\a=2", SH "\\b=0");
    evict(cache, false, 1, 1, 1);
    assert_evicted(&log, SH "\\b!x=1");
    evict(cache, true, 0, 11, 6);
    assert_evicted(&log, SH "\\Zed=4", SH "=0", SRV "=0", "\\\\t\\sh\\g=7", "\\\\t\\sh=0",
                   "\\\\t=0");
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_used_unlimited(cache, 0, 0);
    csc_cache_free(cache);
}

/* C5.4 ties: the same tree evicted with one `evict all` gives the same
 * sequence, and a touch breaks the tie. */
static void test_c5_4_ties_evict_all_and_touch(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_test_file(cache, SH "\\b!x", 1);
    csc_test_file(cache, SH "\\b\\a", 2);
    csc_item_t *z = csc_test_file(cache, SH "\\a\\z", 3);
    csc_test_file(cache, SH "\\_x", 5);
    csc_test_advance_to(cache, 1);
    assert_int_equal(csc_item_touch(cache, z), CSC_S_OK);
    assert_cache_ok(cache);
    evict(cache, true, 0, 11, 8);
    assert_evicted(&log, SH "\\_x=5", SH "\\b\\a=2", SH "\\b=0", SH "\\b!x=1", SH "\\a\\z=3",
                   SH "\\a=0", SH "=0", SRV "=0");
    csc_cache_free(cache);
}

/* ---- evict all / bytes=N ------------------------------------------------ */

/* C5.4: bytes=N stops once at least N bytes are freed; bytes=0 evicts only
 * the containers that are or become evictable; containers evictable at the
 * start of a pass go before any file, in walk order, each followed at once by
 * the parent it empties. */
static void test_c5_4_evict_bytes(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_test_file(cache, SH "\\d1\\f1", 10); /* t=0 */
    csc_test_advance_to(cache, 1);
    csc_test_file(cache, SH "\\f2", 20);
    csc_test_advance_to(cache, 2);
    csc_test_file(cache, SH "\\f3", 30);
    csc_test_advance_to(cache, 3);
    csc_test_file(cache, SH "\\f4", 40);
    csc_test_dir(cache, SH "\\empty");
    csc_test_dir(cache, SH "\\e1\\e2");
    csc_test_dir(cache, "\\\\u\\v");
    assert_int_equal(csc_cache_item_count(cache), 12);
    assert_used_unlimited(cache, 100, 100);

    /* N=0: containers only. */
    evict(cache, false, 0, 0, 5);
    assert_evicted(&log, SH "\\e1\\e2=0", SH "\\e1=0", SH "\\empty=0", "\\\\u\\v=0", "\\\\u=0");
    assert_int_equal(csc_cache_item_count(cache), 7);
    assert_used_unlimited(cache, 100, 100);
    gone(cache, SH "\\e1");
    gone(cache, "\\\\u");

    /* N=0 again: nothing left that is a container and evictable. */
    evict(cache, false, 0, 0, 0);
    assert_none_evicted(&log);

    /* N=25: f1 (10) is not enough, f2 (20) makes 30. */
    evict(cache, false, 25, 30, 3);
    assert_evicted(&log, SH "\\d1\\f1=10", SH "\\d1=0", SH "\\f2=20");
    assert_used_unlimited(cache, 70, 70);

    /* N=30: exactly 30 is enough. */
    evict(cache, false, 30, 30, 1);
    assert_evicted(&log, SH "\\f3=30");
    assert_used_unlimited(cache, 40, 40);

    /* N larger than everything: all that is evictable, then stop. */
    evict(cache, false, 1000, 40, 3);
    assert_evicted(&log, SH "\\f4=40", SH "=0", SRV "=0");
    assert_used_unlimited(cache, 0, 0);
    assert_int_equal(csc_cache_item_count(cache), 0);

    evict(cache, false, 5, 0, 0);
    evict(cache, true, 0, 0, 0);
    assert_none_evicted(&log);

    /* NULL outputs are allowed. */
    csc_test_file(cache, SH "\\n", 1);
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_evicted(&log, SH "\\n=1", SH "=0", SRV "=0");
    csc_cache_free(cache);
}

/* C5.4 `evict all` stops only when nothing is evictable; bytes=N with N above
 * what is evictable frees what it can, leaving the protected items. */
static void test_c5_4_evict_all_vs_bytes_with_protected(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_test_file(cache, SH "\\a", 1);
    csc_test_file(cache, SH "\\p", 100);
    csc_test_file(cache, SH "\\z", 2);
    csc_test_pin1_ok(cache, SH "\\p", USER, false);
    evict(cache, false, 50, 3, 2);
    assert_evicted(&log, SH "\\a=1", SH "\\z=2");
    evict(cache, true, 0, 0, 0);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_used_unlimited(cache, 100, 0);
    csc_cache_free(cache);
}

/* ---- C5.3 never pinned, dirty or open; evictable after ----------------- */

static void test_c5_3_pinned_dirty_open_never_evicted(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_item_t *pf = csc_test_file(cache, SH "\\p\\pf", 100);
    csc_item_t *mf = csc_test_file(cache, SH "\\m\\mf", 200);
    csc_item_t *of = csc_test_file(cache, SH "\\o\\of", 300);
    csc_item_t *pe = csc_test_dir(cache, SH "\\pe");
    csc_test_file(cache, SH "\\e\\ef", 1);
    csc_test_pin1_ok(cache, SH "\\p\\pf", USER | ALL, false);
    csc_test_pin1_ok(cache, SH "\\pe", USER, false);
    assert_int_equal(csc_item_modify(cache, mf, 5), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_open(cache, of), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, of), CSC_S_OK);
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 601, 501);
    assert_false(csc_item_is_evictable(pf));
    assert_false(csc_item_is_evictable(mf));
    assert_false(csc_item_is_evictable(of));
    assert_false(csc_item_is_evictable(pe));

    evict(cache, true, 0, 1, 2);
    assert_evicted(&log, SH "\\e\\ef=1", SH "\\e=0");
    evict(cache, false, 10000, 0, 0);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 9);

    /* Unpinning one of two sources leaves it pinned. */
    csc_test_unpin1_ok(cache, SH "\\p\\pf", USER, false);
    evict(cache, true, 0, 0, 0);
    assert_none_evicted(&log);
    csc_test_unpin1_ok(cache, SH "\\p\\pf", ALL, false);
    assert_true(csc_item_is_evictable(pf));
    assert_used_unlimited(cache, 600, 600);
    evict(cache, true, 0, 100, 2);
    assert_evicted(&log, SH "\\p\\pf=100", SH "\\p=0");
    assert_used_unlimited(cache, 500, 500);

    /* Modified again: still dirty; synchronized: evictable (C5.8). */
    assert_int_equal(csc_item_modify(cache, mf, 1), CSC_S_OK);
    assert_cache_ok(cache);
    evict(cache, true, 0, 0, 0);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\m"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_evictable(mf));
    evict(cache, true, 0, 200, 2);
    assert_evicted(&log, SH "\\m\\mf=200", SH "\\m=0");

    /* Open twice: one close is not enough. */
    assert_int_equal(csc_item_close(cache, of), CSC_S_OK);
    assert_cache_ok(cache);
    evict(cache, true, 0, 0, 0);
    assert_none_evicted(&log);
    assert_int_equal(csc_item_close(cache, of), CSC_S_OK);
    assert_cache_ok(cache);
    evict(cache, true, 0, 300, 2);
    assert_evicted(&log, SH "\\o\\of=300", SH "\\o=0");

    /* A pinned empty directory stays until unpinned. */
    evict(cache, true, 0, 0, 0);
    assert_none_evicted(&log);
    assert_int_equal(csc_cache_item_count(cache), 3);
    csc_test_unpin1_ok(cache, SH "\\pe", USER, false);
    evict(cache, true, 0, 0, 3);
    assert_evicted(&log, SH "\\pe=0", SH "=0", SRV "=0");
    assert_used_unlimited(cache, 0, 0);
    csc_cache_free(cache);
}

/* C5.2: a pinned-by-inheritance file (C3.3) and a dirty pinned file; a file
 * dirty, pinned and open needs all three cleared. */
static void test_c5_2_all_conditions_must_clear(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_test_dir(cache, SH "\\d");
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    csc_item_t *f = csc_test_file(cache, SH "\\d\\f", 8); /* arrives pinned */
    assert_true(csc_item_is_pinned(f));
    assert_int_equal(csc_item_modify(cache, f, 3), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 8, 0);

    csc_test_unpin1_ok(cache, SH, USER, true);
    assert_used_unlimited(cache, 8, 8);
    evict(cache, true, 0, 0, 0);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\d\\f"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    evict(cache, true, 0, 0, 0);
    assert_none_evicted(&log);
    assert_int_equal(csc_item_close(cache, f), CSC_S_OK);
    assert_cache_ok(cache);
    evict(cache, true, 0, 8, 4);
    assert_evicted(&log, SH "\\d\\f=8", SH "\\d=0", SH "=0", SRV "=0");
    csc_cache_free(cache);
}

/* ---- C5.6 gone from every lookup ---------------------------------------- */

static void test_c5_6_evicted_items_gone(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    csc_test_file(cache, SH "\\Foo.txt", 4);
    csc_test_file(cache, SH "\\keep\\k", 1);
    csc_test_pin1_ok(cache, SH "\\keep\\k", USER, false);
    assert_int_equal(csc_cache_item_count(cache), 5);
    evict(cache, true, 0, 4, 1);
    assert_evicted(&log, SH "\\Foo.txt=4");
    assert_int_equal(csc_cache_item_count(cache), 4);

    /* Any spelling: not found. */
    gone(cache, SH "\\Foo.txt");
    gone(cache, "//S/SH/FOO.TXT");
    /* Unpin of the evicted path: not found (C4.3, C4.7). (Pin would fetch
     * it back from its server, C5.6, C10.8: tests/test_fetch__pin.c.) */
    assert_int_equal(
        csc_unpin(cache, (const char *[]){SH "\\foo.txt"}, 1, USER, false, NULL, NULL),
        CSC_E_FILE_NOT_FOUND);
    assert_cache_ok(cache);
    /* The share no longer lists it. */
    csc_item_t *sh = csc_test_find(cache, SH);
    assert_string_equal(csc_item_name(csc_item_first_child(sh)), "keep");
    assert_null(csc_item_next_sibling(csc_item_first_child(sh)));

    /* Cached again, it is a new item: the new spelling (C1.3), clean, unpinned,
     * the size given and the current clock. */
    csc_test_advance_to(cache, 9);
    csc_item_t *again = csc_test_file(cache, SH "\\FOO.TXT", 2);
    char buf[64];
    csc_item_path(again, buf, sizeof buf);
    assert_string_equal(buf, SH "\\FOO.TXT");
    assert_int_equal(csc_item_last_use(again), 9);
    assert_false(csc_item_is_pinned(again));
    assert_int_equal(csc_item_size(again), 2);
    assert_int_equal(csc_cache_item_count(cache), 5);
    assert_used_unlimited(cache, 3, 2);
    csc_cache_free(cache);
}

/* ---- C5.5 figures after every kind of change ---------------------------- */

static void test_c5_5_disk_space_figures(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    assert_used_unlimited(cache, 0, 0);

    csc_test_file(cache, SH "\\a", 100);
    assert_used_unlimited(cache, 100, 100);
    csc_test_file(cache, SH "\\d\\b", 50);
    assert_used_unlimited(cache, 150, 150);
    resize(cache, SH "\\a", 300); /* grow */
    assert_used_unlimited(cache, 350, 350);
    resize(cache, SH "\\a", 20); /* shrink */
    assert_used_unlimited(cache, 70, 70);
    assert_int_equal(csc_cache_file(cache, SH "\\a", false, 0, NULL), CSC_S_OK); /* no size */
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 70, 70);
    csc_item_t *z = NULL;
    assert_int_equal(csc_cache_file(cache, SH "\\z", false, 0, &z), CSC_S_OK); /* new, no size */
    assert_cache_ok(cache);
    assert_int_equal(csc_item_size(z), 0);
    assert_used_unlimited(cache, 70, 70);
    csc_test_dir(cache, SH "\\emptydir"); /* containers have no bytes */
    assert_used_unlimited(cache, 70, 70);

    csc_test_pin1_ok(cache, SH "\\a", USER, false);
    assert_used_unlimited(cache, 70, 50);
    resize(cache, SH "\\a", 40); /* grow pinned */
    assert_used_unlimited(cache, 90, 50);
    resize(cache, SH "\\a", 10); /* shrink pinned */
    assert_used_unlimited(cache, 60, 50);
    csc_test_pin1_ok(cache, SH "\\d", USER, true);
    assert_used_unlimited(cache, 60, 0);
    csc_test_file(cache, SH "\\d\\c", 8); /* arrives pinned (C3.3) */
    assert_used_unlimited(cache, 68, 0);
    csc_test_pin1_ok(cache, SH "\\d", USER, false); /* pinned again: no change */
    assert_used_unlimited(cache, 68, 0);

    csc_item_t *b = csc_test_find(cache, SH "\\d\\b");
    assert_int_equal(csc_item_modify(cache, b, 7), CSC_S_OK); /* modify: no change */
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 68, 0);
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\d"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK); /* sync: no change */
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 68, 0);

    csc_test_unpin1_ok(cache, SH "\\d", USER, true);
    assert_used_unlimited(cache, 68, 58);
    csc_test_pin1_ok(cache, SH "\\a", ALL, false);
    csc_test_unpin1_ok(cache, SH "\\a", USER, false); /* still pinned ForAll */
    assert_used_unlimited(cache, 68, 58);
    csc_test_unpin1_ok(cache, SH "\\a", ALL, false);
    assert_used_unlimited(cache, 68, 68);

    /* evict bytes=1: the empty directory goes first (containers that are
     * evictable go at once), then one file; all at clock 0, so walk order:
     * \a first. */
    evict(cache, false, 1, 10, 2);
    assert_evicted(&log, SH "\\emptydir=0", SH "\\a=10");
    assert_used_unlimited(cache, 58, 58);

    /* delete a pinned file and an unpinned file. */
    csc_test_pin1_ok(cache, SH "\\d\\c", USER, false);
    assert_used_unlimited(cache, 58, 50);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH "\\d\\c"}, 1, 0, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 50, 50);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SH "\\d"}, 1, 0, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_used_unlimited(cache, 0, 0);
    gone(cache, SH "\\d\\b");

    evict(cache, true, 0, 0, 3);
    assert_evicted(&log, SH "\\z=0", SH "=0", SRV "=0");
    assert_used_unlimited(cache, 0, 0);
    assert_none_evicted(&log);
    csc_cache_free(cache);
}

/* Without a callback, eviction still happens (C5.6: reporting is optional
 * for the embedder), and the callback can be removed again. */
static void test_c5_6_no_callback(void **state)
{
    (void)state;
    csc_test_evict_log_t log;
    csc_cache_t *cache = new_cache(&log);
    assert_int_equal(csc_cache_set_evict_callback(cache, NULL, NULL), CSC_S_OK);
    csc_test_file(cache, SH "\\a", 3);
    evict(cache, true, 0, 3, 3);
    assert_int_equal(log.n, 0);
    assert_int_equal(csc_cache_item_count(cache), 0);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c5_4_lru_order_by_clock),
        cmocka_unit_test(test_c5_4_what_touches),
        cmocka_unit_test(test_c5_4_ties_in_walk_order),
        cmocka_unit_test(test_c5_4_ties_evict_all_and_touch),
        cmocka_unit_test(test_c5_4_evict_bytes),
        cmocka_unit_test(test_c5_4_evict_all_vs_bytes_with_protected),
        cmocka_unit_test(test_c5_3_pinned_dirty_open_never_evicted),
        cmocka_unit_test(test_c5_2_all_conditions_must_clear),
        cmocka_unit_test(test_c5_6_evicted_items_gone),
        cmocka_unit_test(test_c5_5_disk_space_figures),
        cmocka_unit_test(test_c5_6_no_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
