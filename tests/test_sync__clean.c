/*
 * tests/test_sync__clean.c: Synchronize as the local model (C5.8). For each
 * path the item and everything below it become clean (dirty no, dirty bytes
 * 0, C5.1), in pre-order (C2.3) with Pin/Unpin's events (C4.2, C4.5,
 * C6.1/C6.2); an invalid or uncached path fails for that path (0x8007007B,
 * 0x80070002, C4.3); there is no access check; the return value follows C4.7
 * (a single file, invalid or uncached path: its result; else S_OK;
 * 0x800704C7 when cancelled, C4.6 nothing rolled back); validation as
 * sync.h (E_INVALIDARG, no event). Synchronizing touches nothing (C5.4),
 * changes no pin, and a dirty unpinned file becomes evictable (C5.2).
 */
#include "support.h"
#include "events.h"

#include <stdio.h>
#include <string.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"
#define D SH "\\d"
#define USER CSC_PIN_FLAG_FOR_USER

/*
 * \\s\sh\d\a.txt (dirty 5), \\s\sh\d\c.txt (clean), \\s\sh\d\sub\b.txt
 * (dirty 7, then 2 more), \\s\sh\x.txt (dirty 9). Pre-order of \\s\sh\d:
 * d, a.txt, c.txt, sub, sub\b.txt.
 */
static csc_cache_t *tree_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *b = csc_test_file(cache, D "\\sub\\b.txt", 30);
    csc_test_file(cache, D "\\c.txt", 20);
    csc_item_t *a = csc_test_file(cache, D "\\a.txt", 10);
    csc_item_t *x = csc_test_file(cache, SH "\\x.txt", 40);
    assert_int_equal(csc_item_modify(cache, a, 5), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, b, 7), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, b, 2), CSC_S_OK); /* C5.1 each change adds */
    assert_int_equal(csc_item_modify(cache, x, 9), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_dirty_bytes(b), 9);
    return cache;
}

static void assert_dirty(csc_cache_t *cache, const char *path, bool dirty, uint64_t bytes)
{
    csc_item_t *item = csc_test_find(cache, path);
    if (csc_item_is_dirty(item) != dirty || csc_item_dirty_bytes(item) != bytes) {
        print_error("%s: dirty %d bytes %llu, want %d %llu\n", path, csc_item_is_dirty(item),
                    (unsigned long long)csc_item_dirty_bytes(item), dirty,
                    (unsigned long long)bytes);
        fail();
    }
}

static csc_hresult sync_paths(csc_cache_t *cache, const char *const *paths, size_t n,
                              uint32_t flags, csc_test_recorder_t *rec)
{
    csc_test_recorder_clear(rec);
    csc_hresult hr = csc_synchronize(cache, paths, n, flags, &rec->sink, NULL);
    assert_cache_ok(cache);
    return hr;
}

static csc_hresult sync1(csc_cache_t *cache, const char *path, csc_test_recorder_t *rec)
{
    return sync_paths(cache, (const char *[]){path}, 1, 0x6, rec);
}

/* C5.8: the item and everything below become clean, pre-order, exact
 * events; other items are untouched; the container path returns S_OK. */
static void test_c5_8_subtree_becomes_clean(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(sync1(cache, "//S/SH/D", &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\c.txt"),
                  ITEM_OK(D "\\sub"), ITEM_OK(D "\\sub\\b.txt"), EV_END_OK);
    assert_dirty(cache, D "\\a.txt", false, 0);
    assert_dirty(cache, D "\\c.txt", false, 0);
    assert_dirty(cache, D "\\sub\\b.txt", false, 0);
    assert_dirty(cache, SH "\\x.txt", true, 9);
    assert_int_equal(csc_cache_item_count(cache), 8);

    /* Modified again: the count starts from 0. */
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, D "\\a.txt"), 4), CSC_S_OK);
    assert_cache_ok(cache);
    assert_dirty(cache, D "\\a.txt", true, 4);

    /* The server: everything. */
    assert_int_equal(sync1(cache, SRV, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SRV), ITEM_OK(SH), ITEM_OK(D), ITEM_OK(D "\\a.txt"),
                  ITEM_OK(D "\\c.txt"), ITEM_OK(D "\\sub"), ITEM_OK(D "\\sub\\b.txt"),
                  ITEM_OK(SH "\\x.txt"), EV_END_OK);
    assert_dirty(cache, D "\\a.txt", false, 0);
    assert_dirty(cache, SH "\\x.txt", false, 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.7 via C5.8: one file path returns its result; an invalid or uncached
 * single path fails with its code (events carry the path as given, C4.3);
 * several paths return S_OK whatever failed; paths are processed in the
 * order given and overlapping ones each in full (C4.5). */
static void test_c5_8_paths_and_return_values(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);

    assert_int_equal(sync1(cache, SH "\\X.TXT", &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\x.txt"), EV_END_OK);
    assert_dirty(cache, SH "\\x.txt", false, 0);

    assert_int_equal(sync1(cache, "C:\\x", &rec), CSC_E_INVALID_NAME);
    assert_events(&rec, EV_BEGIN, IB("C:\\x"), R_BAD("C:\\x"), EV_END_OK);
    assert_int_equal(sync1(cache, "//s/sh/nope", &rec), CSC_E_FILE_NOT_FOUND);
    assert_events(&rec, EV_BEGIN, IB("//s/sh/nope"), R_NF("//s/sh/nope"), EV_END_OK);

    assert_int_equal(sync_paths(cache,
                                (const char *[]){SH "\\nope", D "\\sub\\b.txt", "\\\\s\\x?",
                                                 D "\\sub"},
                                4, 0x6, &rec),
                     CSC_S_OK);
    assert_events(&rec, EV_BEGIN, IB(SH "\\nope"), R_NF(SH "\\nope"), ITEM_OK(D "\\sub\\b.txt"),
                  IB("\\\\s\\x?"), R_BAD("\\\\s\\x?"), ITEM_OK(D "\\sub"),
                  ITEM_OK(D "\\sub\\b.txt"), EV_END_OK);
    assert_dirty(cache, D "\\sub\\b.txt", false, 0);
    assert_dirty(cache, D "\\a.txt", true, 5);
    assert_int_equal(csc_cache_item_count(cache), 8);

    /* Without a sink. */
    assert_int_equal(csc_synchronize(cache, (const char *[]){D "\\a.txt"}, 1, 0x6, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_dirty(cache, D "\\a.txt", false, 0);
    assert_int_equal(csc_synchronize(cache, (const char *[]){D "\\zz"}, 1, 0x6, NULL, NULL),
                     CSC_E_FILE_NOT_FOUND);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C5.8: no access check: an item the caller may not access is cleaned. The
 * same item is denied to Pin (C9.1), so the list does deny. */
static void test_c5_8_no_access_check(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_item_t *d = csc_test_find(cache, D);
    assert_int_equal(csc_item_set_access(cache, d, (const char *[]){"alice"}, 1), CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_cache_caller_has_access(cache, csc_test_find(cache, D "\\a.txt")));
    assert_int_equal(csc_pin(cache, (const char *[]){D "\\a.txt"}, 1, USER, false, NULL, NULL),
                     CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);

    assert_int_equal(sync1(cache, D "\\a.txt", &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), EV_END_OK);
    assert_dirty(cache, D "\\a.txt", false, 0);
    assert_int_equal(sync1(cache, D, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\c.txt"),
                  ITEM_OK(D "\\sub"), ITEM_OK(D "\\sub\\b.txt"), EV_END_OK);
    assert_dirty(cache, D "\\sub\\b.txt", false, 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.6/C4.7 via C5.8: cancelled, 0x800704C7; what was cleaned stays clean,
 * the rest stays dirty. Abort at the third ItemBegin, and a cancel token. */
static void test_c5_8_cancellation(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_at = 3;
    assert_int_equal(csc_synchronize(cache, (const char *[]){D}, 1, 0x6, &rec.sink, NULL),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D), ITEM_OK(D "\\a.txt"), IB(D "\\c.txt"),
                  EV_END_CANCELLED);
    assert_dirty(cache, D "\\a.txt", false, 0);
    assert_dirty(cache, D "\\sub\\b.txt", true, 9);

    csc_cancel_t *cancel = NULL;
    assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
    csc_cancel_request(cancel);
    csc_test_recorder_clear(&rec);
    /* Even a single file path returns the cancellation code (C4.7). */
    assert_int_equal(
        csc_synchronize(cache, (const char *[]){SH "\\x.txt"}, 1, 0x6, &rec.sink, cancel),
        CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    assert_dirty(cache, SH "\\x.txt", true, 9);
    csc_cancel_free(cancel);

    /* RETRY processes the item again (C4.5 step 6). */
    csc_test_recorder_clear(&rec);
    rec.retry_at = 1;
    assert_int_equal(csc_synchronize(cache, (const char *[]){SH "\\x.txt"}, 1, 0x6, &rec.sink,
                                     NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\x.txt"), ITEM_OK(SH "\\x.txt"), EV_END_OK);
    assert_dirty(cache, SH "\\x.txt", false, 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* sync.h: no path, a NULL path or unknown flag bits: E_INVALIDARG, no event,
 * nothing cleaned. Known flag bits (SyncIn, SyncOut, a CR value, ...) are
 * accepted. */
static void test_c5_8_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const uint32_t bad[] = {0x00004000u, 0x00008000u, 0x00040000u, 0x08000000u, 0xFFFFFFFFu,
                            0x40000006u, 0xF0000000u}; /* C12.1: CR values 4-15 */
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sync_paths(cache, (const char *[]){D}, 1, bad[i], &rec),
                         CSC_E_INVALIDARG);
        assert_int_equal(rec.count, 0);
    }
    assert_int_equal(sync_paths(cache, (const char *[]){D}, 0, 0x6, &rec), CSC_E_INVALIDARG);
    assert_int_equal(sync_paths(cache, (const char *[]){D, NULL}, 2, 0x6, &rec), CSC_E_INVALIDARG);
    assert_int_equal(sync_paths(cache, NULL, 1, 0x6, &rec), CSC_E_INVALIDARG);
    assert_int_equal(rec.count, 0);
    assert_dirty(cache, D "\\a.txt", true, 5);

    assert_int_equal(sync_paths(cache, (const char *[]){D "\\a.txt"}, 1, 0x30000006u, &rec),
                     CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), EV_END_OK);
    assert_dirty(cache, D "\\a.txt", false, 0);
    assert_int_equal(sync_paths(cache, (const char *[]){SH "\\x.txt"}, 1,
                                CSC_SYNC_FLAGS_VALID & ~0xC0000000u, &rec), /* CR 3: C12.1 */
                     CSC_S_OK);
    assert_dirty(cache, SH "\\x.txt", false, 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C5.2/C5.8: a dirty unpinned file becomes evictable once synchronized; a
 * pinned one becomes clean but stays pinned and not evictable. Sync touches
 * nothing (C5.4) and leaves open counts and sizes alone; the disk-space
 * figures do not move. */
static void test_c5_8_evictable_after_sync(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_item_t *x = csc_test_find(cache, SH "\\x.txt");
    csc_item_t *a = csc_test_find(cache, D "\\a.txt");
    assert_int_equal(csc_pin(cache, (const char *[]){D "\\a.txt"}, 1, USER, false, NULL, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, D "\\c.txt")), CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_evictable(x));
    assert_int_equal(csc_cache_advance_clock(cache, 50), CSC_S_OK);
    csc_disk_space_t before, after;
    assert_int_equal(csc_cache_get_disk_space(cache, &before), CSC_S_OK);

    assert_int_equal(sync1(cache, SH, &rec), CSC_S_OK);
    assert_true(csc_item_is_evictable(x));
    assert_false(csc_item_is_dirty(a));
    assert_true(csc_item_is_pinned(a));
    assert_false(csc_item_is_evictable(a));
    assert_int_equal(csc_item_last_use(x), 0);
    assert_int_equal(csc_item_last_use(a), 0);
    assert_int_equal(csc_item_open_count(csc_test_find(cache, D "\\c.txt")), 1);
    assert_int_equal(csc_item_size(x), 40);
    assert_int_equal(csc_cache_get_disk_space(cache, &after), CSC_S_OK);
    assert_memory_equal(&before, &after, sizeof before);

    /* The eviction pass now takes x (and b), not a (pinned) nor c (open). */
    uint64_t freed = 0;
    size_t count = 0;
    assert_int_equal(csc_cache_evict(cache, true, 0, &freed, &count), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(freed, 70);
    assert_int_equal(count, 3); /* b.txt, sub, x.txt */
    csc_item_t *gone = NULL;
    assert_int_equal(csc_cache_find(cache, SH "\\x.txt", &gone), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_cache_find(cache, D "\\sub", &gone), CSC_E_FILE_NOT_FOUND);
    assert_true(csc_item_is_pinned(csc_test_find(cache, D "\\a.txt")));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c5_8_subtree_becomes_clean),
        cmocka_unit_test(test_c5_8_paths_and_return_values),
        cmocka_unit_test(test_c5_8_no_access_check),
        cmocka_unit_test(test_c5_8_cancellation),
        cmocka_unit_test(test_c5_8_validation),
        cmocka_unit_test(test_c5_8_evictable_after_sync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
