/*
 * tests/test_delete__items.c: DeleteItems (csc_delete_items), the local
 * model of windows-reference §2/§3 as decided in cscsim/sync.h. A container
 * is deleted with its contents, walked post-order (contents before their
 * container); by default dirty files are kept (with S_OK, C15.18) and a
 * directory that could not be emptied stays with 0x80070091, the call then
 * returning 0x800700EA (ERROR_MORE_DATA), but for a single path naming a
 * file, which returns that file's last result (C15.18);
 * DelModified 0x4 deletes dirty files; NoPinned 0x2 keeps pinned items;
 * NoAutoCached 0x1 keeps unpinned files; an open file fails with 0x80070020;
 * an item the caller may not access (C9.1) with E_ACCESSDENIED unless Admin
 * 0x80000000 with an administrator caller; Admin without one is
 * E_ACCESSDENIED with no event; invalid / missing paths are items failing
 * with 0x8007007B / 0x80070002 (C4.3); unknown flags are E_INVALIDARG with
 * no event; cancellation keeps what was deleted (§2, C4.6). Counters are
 * recounted after each call (assert_cache_ok).
 */
#include "support.h"
#include "events.h"

#include <stdio.h>
#include <string.h>

#define SRV "\\\\s"
#define SH SRV "\\sh"
#define D SH "\\d"
#define USER CSC_PIN_FLAG_FOR_USER

#define E_DIR_NOT_EMPTY CSC_HR(0x80070091u)

/*
 * The tree of most tests (10 items):
 *   \\s\sh\d\a.txt (1), \\s\sh\d\B.txt (2), \\s\sh\d\sub\c.txt (3),
 *   \\s\sh\d\sub\deep\e.txt (4), \\s\sh\other.txt (5)
 * Post-order of \\s\sh\d (C2.3 order of children, a container after its
 * contents): a.txt, B.txt, sub\c.txt, sub\deep\e.txt, sub\deep, sub, d.
 */
static csc_cache_t *tree_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, D "\\sub\\deep\\e.txt", 4);
    csc_test_file(cache, SH "\\other.txt", 5);
    csc_test_file(cache, D "\\sub\\c.txt", 3);
    csc_test_file(cache, D "\\B.txt", 2);
    csc_test_file(cache, D "\\a.txt", 1);
    assert_int_equal(csc_cache_item_count(cache), 10);
    return cache;
}

static csc_hresult del(csc_cache_t *cache, const char *path, uint32_t flags,
                       csc_test_recorder_t *rec)
{
    csc_test_recorder_clear(rec);
    csc_hresult hr = csc_delete_items(cache, (const char *[]){path}, 1, flags, &rec->sink, NULL);
    assert_cache_ok(cache);
    return hr;
}

/* ---- containers with their contents, post-order ------------------------- */

/* §2 "containers recursively"; sync.h: post-order, a container after its
 * contents; S_OK when nothing failed; events carry display paths (C4.3); the
 * parent of the deleted path stays, even when left empty. */
static void test_delete_container_post_order(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(del(cache, "//S/SH/D/", 0, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\B.txt"),
                  ITEM_OK(D "\\sub\\c.txt"), ITEM_OK(D "\\sub\\deep\\e.txt"),
                  ITEM_OK(D "\\sub\\deep"), ITEM_OK(D "\\sub"), ITEM_OK(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_false(csc_test_cached(cache, D));
    assert_false(csc_test_cached(cache, D "\\a.txt"));
    assert_false(csc_test_cached(cache, D "\\sub\\deep\\e.txt"));
    assert_true(csc_test_cached(cache, SH "\\other.txt"));
    assert_used(cache, 5, 5);

    /* A file: its parent stays, empty. */
    assert_int_equal(del(cache, SH "\\other.txt", 0, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\other.txt"), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 2);
    assert_true(csc_test_cached(cache, SH));
    assert_used(cache, 0, 0);

    /* The server: the share, then the server. */
    assert_int_equal(del(cache, "\\\\S", 0, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SRV), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_null(csc_cache_first_server(cache));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* The whole server at once, and no progress sink at all. */
static void test_delete_server_without_sink(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_file(cache, "\\\\t\\x\\y", 9);
    assert_int_equal(csc_delete_items(cache, (const char *[]){SRV}, 1, 0, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_false(csc_test_cached(cache, SRV));
    assert_true(csc_test_cached(cache, "\\\\t\\x\\y"));
    assert_used(cache, 9, 9);
    csc_cache_free(cache);
}

/* ---- dirty files ---------------------------------------------------------- */

/* §2/§7: items with unsynced changes are kept by default (S_OK, C15.18);
 * their directories stay with 0x80070091 and the call returns 0x800700EA.
 * DelModified deletes them. */
static void test_delete_dirty_kept_unless_del_modified(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_item_t *c = csc_test_find(cache, D "\\sub\\c.txt");
    assert_int_equal(csc_item_modify(cache, c, 3), CSC_S_OK);
    assert_cache_ok(cache);
    assert_string_equal(csc_hresult_message(E_DIR_NOT_EMPTY), T_NOTEMPTY);

    assert_int_equal(del(cache, D, 0, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\B.txt"),
                  ITEM_KEPT(D "\\sub\\c.txt"), ITEM_OK(D "\\sub\\deep\\e.txt"),
                  ITEM_OK(D "\\sub\\deep"), ITEM_NOTEMPTY(D "\\sub"), ITEM_NOTEMPTY(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 6);
    assert_ptr_equal(csc_test_find(cache, D "\\sub\\c.txt"), c);
    assert_true(csc_item_is_dirty(c));
    assert_int_equal(csc_item_dirty_bytes(c), 3);
    assert_used(cache, 8, 8);

    /* The dirty file alone: kept, S_OK, the call its result (C15.18). */
    assert_int_equal(del(cache, D "\\sub\\c.txt", 0, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_KEPT(D "\\sub\\c.txt"), EV_END_OK);
    assert_true(csc_test_cached(cache, D "\\sub\\c.txt"));

    /* Flags that do not concern it keep it too. */
    assert_int_equal(del(cache, D "\\sub\\c.txt", CSC_DELETE_NO_PINNED, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_KEPT(D "\\sub\\c.txt"), EV_END_OK);

    /* RETRY of a kept item processes it again (C4.5 step 6): it is still
     * there; kept items are no failure, so two of them give S_OK. */
    csc_test_recorder_clear(&rec);
    rec.retry_at = 1;
    assert_int_equal(csc_delete_items(cache, (const char *[]){D "\\sub\\c.txt", D "\\sub\\c.txt"},
                                      2, 0, &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_KEPT(D "\\sub\\c.txt"), ITEM_KEPT(D "\\sub\\c.txt"),
                  ITEM_KEPT(D "\\sub\\c.txt"), EV_END_OK);
    assert_true(csc_test_cached(cache, D "\\sub\\c.txt"));

    assert_int_equal(del(cache, D, CSC_DELETE_DEL_MODIFIED, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\sub\\c.txt"), ITEM_OK(D "\\sub"), ITEM_OK(D),
                  EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_used(cache, 5, 5);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- NoPinned, NoAutoCached ----------------------------------------------- */

/* §2: pinned items are deleted by default; NoPinned keeps them (S_OK),
 * here a pinned file and a pinned directory (shallow pin: its contents are
 * not pinned and go). */
static void test_delete_no_pinned(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_test_pin1_ok(cache, D "\\a.txt", USER, false);
    csc_test_pin1_ok(cache, D "\\sub", USER, false);
    assert_used(cache, 15, 14);

    assert_int_equal(del(cache, D, CSC_DELETE_NO_PINNED, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, ITEM_KEPT(D "\\a.txt"), ITEM_OK(D "\\B.txt"),
                  ITEM_OK(D "\\sub\\c.txt"), ITEM_OK(D "\\sub\\deep\\e.txt"),
                  ITEM_OK(D "\\sub\\deep"), ITEM_KEPT(D "\\sub"), ITEM_NOTEMPTY(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 6);
    assert_true(csc_test_cached(cache, D "\\sub"));
    assert_used(cache, 6, 5);

    /* Without the flag, pinned items are deleted. */
    assert_int_equal(del(cache, D, 0, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\sub"), ITEM_OK(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_used(cache, 5, 5);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* §2: automatically cached (unpinned) files are deleted by default;
 * NoAutoCached keeps them; pinned files and directories go. */
static void test_delete_no_auto_cached(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_test_pin1_ok(cache, D, USER, false);
    csc_test_pin1_ok(cache, D "\\a.txt", USER, false);
    csc_test_pin1_ok(cache, D "\\sub", USER, true);
    assert_used(cache, 15, 7);

    assert_int_equal(del(cache, D, CSC_DELETE_NO_AUTO_CACHED, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), ITEM_KEPT(D "\\B.txt"),
                  ITEM_OK(D "\\sub\\c.txt"), ITEM_OK(D "\\sub\\deep\\e.txt"),
                  ITEM_OK(D "\\sub\\deep"), ITEM_OK(D "\\sub"), ITEM_NOTEMPTY(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 5);
    assert_true(csc_test_cached(cache, D "\\B.txt"));
    assert_used(cache, 7, 7);

    /* Both keeping flags: the unpinned file is kept, S_OK. */
    assert_int_equal(
        del(cache, D "\\B.txt", CSC_DELETE_NO_AUTO_CACHED | CSC_DELETE_NO_PINNED, &rec),
        CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_KEPT(D "\\B.txt"), EV_END_OK);
    /* NoPinned alone does not keep it. */
    assert_int_equal(del(cache, D "\\B.txt", CSC_DELETE_NO_PINNED, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\B.txt"), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 4);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- open files ------------------------------------------------------------ */

static void close_item(void *ctx, const char *path)
{
    csc_cache_t *cache = ctx;
    assert_int_equal(csc_item_close(cache, csc_test_find(cache, path)), CSC_S_OK);
}

/* sync.h: an open file is not deleted: 0x80070020, even with DelModified. */
static void test_delete_open_file(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_item_t *a = csc_test_find(cache, D "\\a.txt");
    assert_int_equal(csc_item_open(cache, a), CSC_S_OK);
    assert_cache_ok(cache);

    assert_int_equal(del(cache, D, CSC_DELETE_DEL_MODIFIED, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, IB(D "\\a.txt"), R_SHARING(D "\\a.txt"), ITEM_OK(D "\\B.txt"),
                  ITEM_OK(D "\\sub\\c.txt"), ITEM_OK(D "\\sub\\deep\\e.txt"),
                  ITEM_OK(D "\\sub\\deep"), ITEM_OK(D "\\sub"), ITEM_NOTEMPTY(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 5);
    assert_ptr_equal(csc_test_find(cache, D "\\a.txt"), a);
    assert_true(csc_item_is_open(a));

    /* Alone: a single file path returns its result (C15.18). */
    assert_int_equal(del(cache, D "\\a.txt", 0, &rec), CSC_E_SHARING_VIOLATION);
    /* With another path: the failure makes 0x800700EA. */
    assert_int_equal(csc_delete_items(cache, (const char *[]){D "\\a.txt", D "\\a.txt"}, 2, 0,
                                      NULL, NULL),
                     CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, IB(D "\\a.txt"), R_SHARING(D "\\a.txt"), EV_END_OK);

    /* RETRY after closing it (C4.5 step 6): processed again, deleted. */
    csc_test_recorder_clear(&rec);
    rec.retry_at = 1;
    rec.on_retry = close_item;
    rec.on_retry_ctx = cache;
    csc_hresult hr = csc_delete_items(cache, (const char *[]){D "\\a.txt"}, 1, 0, &rec.sink,
                                      NULL);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(D "\\a.txt"), R_SHARING(D "\\a.txt"), ITEM_OK(D "\\a.txt"),
                  EV_END_OK);
    assert_false(csc_test_cached(cache, D "\\a.txt"));
    /* C15.18: the single file's last result, after the retry. */
    assert_int_equal(hr, CSC_S_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- access ---------------------------------------------------------------- */

/* C9.1 and sync.h: an item the caller may not access fails with
 * E_ACCESSDENIED; its nearest list decides; an administrator has no more
 * access without the Admin flag; Admin with an administrator caller ignores
 * the lists; Admin without one fails the whole call with no event. */
static void test_delete_access(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_test_file(cache, D "\\secret.txt", 6);
    csc_test_set_access(cache, D "\\secret.txt", (const char *[]){"alice"}, 1);
    csc_test_set_access(cache, D "\\sub", (const char *[]){"alice"}, 1);
    csc_test_set_access(cache, D "\\sub\\c.txt", (const char *[]){"USER"}, 1);
    csc_test_set_access(cache, D "\\sub\\deep", (const char *[]){"bob", "user"}, 2);

    assert_int_equal(del(cache, D, 0, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\B.txt"),
                  ITEM_DENIED(D "\\secret.txt"), ITEM_OK(D "\\sub\\c.txt"),
                  ITEM_OK(D "\\sub\\deep\\e.txt"), ITEM_OK(D "\\sub\\deep"), ITEM_DENIED(D "\\sub"),
                  ITEM_NOTEMPTY(D), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 6);
    assert_used(cache, 11, 11);

    /* Admin flag, caller not an administrator: E_ACCESSDENIED, no event. */
    assert_int_equal(del(cache, D, CSC_DELETE_ADMIN, &rec), CSC_E_ACCESSDENIED);
    assert_int_equal(rec.count, 0);
    assert_int_equal(csc_cache_item_count(cache), 6);

    /* An administrator without the flag: still denied. */
    assert_int_equal(csc_cache_set_caller(cache, "user", true), CSC_S_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_delete_items(cache, (const char *[]){D "\\secret.txt", D "\\sub"}, 2,
                                      0, &rec.sink, NULL),
                     CSC_E_MORE_DATA);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_DENIED(D "\\secret.txt"), ITEM_DENIED(D "\\sub"), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 6);

    /* With the flag: the lists are ignored. */
    assert_int_equal(del(cache, D, CSC_DELETE_ADMIN, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\secret.txt"), ITEM_OK(D "\\sub"), ITEM_OK(D),
                  EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 3);
    assert_used(cache, 5, 5);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- paths that fail -------------------------------------------------------- */

/* C4.3 as sync.h applies it: an invalid or uncached path is one item failing
 * with 0x8007007B / 0x80070002, reported with the path as given; the call
 * goes on and returns 0x800700EA, also for a single such path. Overlapping
 * paths: the second finds its item gone. */
static void test_delete_invalid_and_missing_paths(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_delete_items(cache,
                                      (const char *[]){"C:\\x", "//s/sh/Nope", SH "\\OTHER.TXT"},
                                      3, 0, &rec.sink, NULL),
                     CSC_E_MORE_DATA);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB("C:\\x"), R_BAD("C:\\x"), IB("//s/sh/Nope"),
                  R_NF("//s/sh/Nope"), ITEM_OK(SH "\\other.txt"), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 9);

    assert_int_equal(del(cache, SH "\\nope", 0, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, IB(SH "\\nope"), R_NF(SH "\\nope"), EV_END_OK);
    assert_int_equal(del(cache, SH "\\bad|name", 0, &rec), CSC_E_MORE_DATA);
    assert_events(&rec, EV_BEGIN, IB(SH "\\bad|name"), R_BAD(SH "\\bad|name"), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 9);

    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_delete_items(cache, (const char *[]){D "\\sub", D "\\sub\\c.txt"}, 2,
                                      0, &rec.sink, NULL),
                     CSC_E_MORE_DATA);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\sub\\c.txt"), ITEM_OK(D "\\sub\\deep\\e.txt"),
                  ITEM_OK(D "\\sub\\deep"), ITEM_OK(D "\\sub"), IB(D "\\sub\\c.txt"),
                  R_NF(D "\\sub\\c.txt"), EV_END_OK);
    assert_int_equal(csc_cache_item_count(cache), 5);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- validation -------------------------------------------------------------- */

/* sync.h: unknown flags, no path, a NULL path: E_INVALIDARG with no event
 * and nothing deleted. All known flags together are accepted. */
static void test_delete_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const uint32_t bad[] = {0x8u, 0x10u, 0x20u, 0x40000000u, 0x00010000u, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(del(cache, D, bad[i], &rec), CSC_E_INVALIDARG);
        assert_int_equal(rec.count, 0);
    }
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_delete_items(cache, (const char *[]){D}, 0, 0, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items(cache, (const char *[]){D, NULL}, 2, 0, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items(cache, NULL, 1, 0, &rec.sink, NULL), CSC_E_INVALIDARG);
    assert_int_equal(rec.count, 0);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), 10);

    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(del(cache, SH "\\other.txt", CSC_DELETE_FLAGS_VALID, &rec), CSC_S_OK);
    /* NoAutoCached keeps the unpinned file. */
    assert_events(&rec, EV_BEGIN, ITEM_KEPT(SH "\\other.txt"), EV_END_OK);
    assert_int_equal(del(cache, SH "\\other.txt", 0x80000006u, &rec), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\other.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- cancellation ---------------------------------------------------------- */

/* §2 "A cancelled ... DeleteItems keeps the items already processed" (C4.6):
 * abort at the third ItemBegin; a cancel token set before the call; abort in
 * Begin; abort from QueryAbort before the second item. */
static void test_delete_cancellation(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_at = 3;
    assert_int_equal(
        csc_delete_items(cache, (const char *[]){D}, 1, 0, &rec.sink, NULL), CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\a.txt"), ITEM_OK(D "\\B.txt"), IB(D "\\sub\\c.txt"),
                  EV_END_CANCELLED);
    assert_int_equal(csc_cache_item_count(cache), 8);
    assert_false(csc_test_cached(cache, D "\\a.txt"));
    assert_true(csc_test_cached(cache, D "\\sub\\c.txt"));
    assert_used(cache, 12, 12);

    csc_cancel_t *cancel = NULL;
    assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
    csc_cancel_request(cancel);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_delete_items(cache, (const char *[]){D}, 1, 0, &rec.sink, cancel),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    assert_int_equal(csc_cache_item_count(cache), 8);
    csc_cancel_free(cancel);

    csc_test_recorder_clear(&rec);
    rec.abort_in_begin = true;
    assert_int_equal(csc_delete_items(cache, (const char *[]){D}, 1, 0, &rec.sink, NULL),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    assert_int_equal(csc_cache_item_count(cache), 8);

    csc_test_recorder_clear(&rec);
    rec.query_abort_at = 2;
    assert_int_equal(csc_delete_items(cache, (const char *[]){D}, 1, 0, &rec.sink, NULL),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(D "\\sub\\c.txt"), EV_END_CANCELLED);
    assert_int_equal(csc_cache_item_count(cache), 7);
    assert_used(cache, 9, 9);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delete_container_post_order),
        cmocka_unit_test(test_delete_server_without_sink),
        cmocka_unit_test(test_delete_dirty_kept_unless_del_modified),
        cmocka_unit_test(test_delete_no_pinned),
        cmocka_unit_test(test_delete_no_auto_cached),
        cmocka_unit_test(test_delete_open_file),
        cmocka_unit_test(test_delete_access),
        cmocka_unit_test(test_delete_invalid_and_missing_paths),
        cmocka_unit_test(test_delete_validation),
        cmocka_unit_test(test_delete_cancellation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
