/*
 * tests/test_unpin__walk.c: which items an Unpin visits, in which order, and
 * what it reports. C4.4 deep and shallow items; C2.3 pre-order by case-folded
 * name; C4.3 paths in the order given, missing and invalid paths reported
 * with the path as given, other events with the normalised case-preserved
 * display path (C1.3 first spelling wins); C4.5 overlapping paths each in
 * full, a server item S_OK with no pin state (C3.1); C4.7 return values;
 * C4.10 unpin removes nothing and leaves evictable items; C3.5 partly pinned
 * before and after; C4.5 step 5 only the chosen sources are cleared.
 */
#include "support.h"
#include "events.h"

#include <stdio.h>
#include <string.h>

#define SRV "\\\\srv"
#define SH "\\\\srv\\share"

#define USER CSC_PIN_FLAG_FOR_USER
#define POLICY CSC_PIN_FLAG_FOR_USER_POLICY
#define ALL CSC_PIN_FLAG_FOR_ALL
#define REDIR CSC_PIN_FLAG_FOR_REDIR

static void pin_paths(csc_cache_t *cache, const char *const *paths, size_t n, uint32_t flags,
                      bool deep)
{
    assert_int_equal(csc_pin(cache, paths, n, flags, deep, NULL, NULL), CSC_S_OK);
    assert_cache_ok(cache);
}

/*
 * The tree used by most tests, cached in an order unlike the C2.3 order:
 *   \\srv\share\dir\sub\e.txt, \\srv\share\c, \\srv\share\B.txt,
 *   \\srv\share\a.txt, \\srv\share\dir\d.txt
 * C2.3 order under the share (folded names): a.txt, b.txt, c, dir.
 * Everything deep-pinned ForUser.
 */
static csc_cache_t *tree_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\dir\\sub\\e.txt", 5);
    csc_test_file(cache, SH "\\c", 3);
    csc_test_file(cache, SH "\\B.txt", 2);
    csc_test_file(cache, SH "\\a.txt", 1);
    csc_test_file(cache, SH "\\dir\\d.txt", 4);
    csc_test_pin1_ok(cache, SH, USER, true);
    return cache;
}

static const char *const tree_items[] = {
    SH, SH "\\a.txt", SH "\\B.txt", SH "\\c", SH "\\dir", SH "\\dir\\d.txt", SH "\\dir\\sub",
    SH "\\dir\\sub\\e.txt"};
#define TREE_N (sizeof tree_items / sizeof tree_items[0])

/* C4.4 deep + C2.3: the share and every descendant, pre-order, children by
 * case-folded name (a.txt before B.txt before c, files and dirs mixed). */
static void test_c4_4_c2_3_deep_preorder(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH};
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\a.txt"), ITEM_OK(SH "\\B.txt"),
                  ITEM_OK(SH "\\c"), ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\d.txt"),
                  ITEM_OK(SH "\\dir\\sub"), ITEM_OK(SH "\\dir\\sub\\e.txt"), EV_END_OK);
    for (size_t i = 0; i < TREE_N; i++) {
        assert_int_equal(csc_test_pins_of(cache, tree_items[i]), 0);
        assert_int_equal(csc_test_inherit_of(cache, tree_items[i]), 0);
    }
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C2.3: the order is the folded byte order, not the byte order of the names
 * as written nor the order of caching: '_' (0x5F) sorts before folded 'a'
 * (0x61) although it comes after 'A' (0x41) and 'Z' (0x5A) as written. */
static void test_c2_3_folded_byte_order(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\Zed", 0);
    csc_test_file(cache, SH "\\_u", 0);
    csc_test_file(cache, SH "\\Abc", 0);
    csc_test_file(cache, SH "\\abD", 0);
    csc_test_pin1_ok(cache, SH, USER, true);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH};
    assert_int_equal(csc_unpin(cache, p, 1, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\_u"), ITEM_OK(SH "\\Abc"),
                  ITEM_OK(SH "\\abD"), ITEM_OK(SH "\\Zed"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.4 shallow: the container and its immediate child FILES only; the
 * subdirectory and everything deeper are neither visited nor changed. */
static void test_c4_4_shallow_container(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH};
    assert_int_equal(csc_unpin(cache, p, 1, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(SH "\\a.txt"), ITEM_OK(SH "\\B.txt"),
                  ITEM_OK(SH "\\c"), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, SH), 0);
    assert_int_equal(csc_test_inherit_of(cache, SH), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\B.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\c"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir"), USER);
    assert_int_equal(csc_test_inherit_of(cache, SH "\\dir"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\d.txt"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub\\e.txt"), USER);
    csc_test_recorder_clear(&rec);

    /* Shallow on dir: dir and d.txt, not sub nor e.txt. */
    const char *d[] = {SH "\\dir"};
    assert_int_equal(csc_unpin(cache, d, 1, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\d.txt"), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub\\e.txt"), USER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.4 shallow on a container with no file child, and on a file. */
static void test_c4_4_shallow_edge_cases(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH "\\dir\\sub\\e.txt"};
    assert_int_equal(csc_unpin(cache, p, 1, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\dir\\sub\\e.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);

    /* A share whose only child is a directory: the share alone. */
    csc_test_dir(cache, "\\\\srv\\s2\\onlydir");
    csc_test_pin1_ok(cache, "\\\\srv\\s2", USER, true);
    const char *s2[] = {"\\\\srv\\s2"};
    assert_int_equal(csc_unpin(cache, s2, 1, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK("\\\\srv\\s2"), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, "\\\\srv\\s2\\onlydir"), USER);
    csc_test_recorder_clear(&rec);

    /* A server shallow: the server alone (shares are not files), S_OK. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SRV}, 1, USER, false, &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SRV), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, SH), USER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.3: paths in the order given; a missing path (0x80070002) and an
 * invalid one (0x8007007B) are one item each whose events carry the path as
 * given, verbatim; the call goes on; others show the display path. C4.7: more
 * than one path -> S_OK. */
static void test_c4_3_multiple_paths_missing_and_invalid(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH "\\c", "//srv/share/Missing.txt", "//srv/share/bad<name>/",
                       "//SRV/share/./dir/sub/../d.txt", SH "\\a.txt"};
    assert_int_equal(csc_unpin(cache, p, 5, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\c"), IB("//srv/share/Missing.txt"),
                  R_NF("//srv/share/Missing.txt"), IB("//srv/share/bad<name>/"),
                  R_BAD("//srv/share/bad<name>/"), ITEM_OK(SH "\\dir\\d.txt"),
                  ITEM_OK(SH "\\a.txt"), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, SH "\\c"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\d.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\B.txt"), USER);
    assert_int_equal(csc_cache_item_count(cache), 9);
    csc_test_recorder_clear(&rec);

    /* A missing path first, then an invalid path that is not UNC. */
    const char *q[] = {SH "\\nope\\x", "C:\\x", SH "\\B.txt"};
    assert_int_equal(csc_unpin(cache, q, 3, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(SH "\\nope\\x"), R_NF(SH "\\nope\\x"), IB("C:\\x"),
                  R_BAD("C:\\x"), ITEM_OK(SH "\\B.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.5: overlapping paths are each processed in full, also the same path
 * twice. */
static void test_c4_5_overlapping_paths(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SH "\\dir", SH, SH "\\DIR\\sub"};
    assert_int_equal(csc_unpin(cache, p, 3, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN,
                  ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\d.txt"), ITEM_OK(SH "\\dir\\sub"),
                  ITEM_OK(SH "\\dir\\sub\\e.txt"),
                  ITEM_OK(SH), ITEM_OK(SH "\\a.txt"), ITEM_OK(SH "\\B.txt"), ITEM_OK(SH "\\c"),
                  ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\d.txt"), ITEM_OK(SH "\\dir\\sub"),
                  ITEM_OK(SH "\\dir\\sub\\e.txt"),
                  ITEM_OK(SH "\\dir\\sub"), ITEM_OK(SH "\\dir\\sub\\e.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);

    const char *twice[] = {SH "\\a.txt", SH "\\A.TXT"};
    assert_int_equal(csc_unpin(cache, twice, 2, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\a.txt"), ITEM_OK(SH "\\a.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.4 deep on a server covers all its shares; another server is untouched.
 * C3.1/C4.5 step 5: the server item gets S_OK and never carries pins.
 * C3.5: the server is partly pinned before, not after. */
static void test_c4_4_server_deep_covers_all_shares(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SRV "\\share2\\y.txt", 1);
    csc_test_file(cache, SRV "\\share1\\x.txt", 1);
    csc_test_file(cache, "\\\\other\\s\\z.txt", 1);
    pin_paths(cache, (const char *[]){SRV "\\share1", SRV "\\share2", "\\\\other\\s"}, 3, USER,
              true);
    csc_item_t *srv = csc_test_find(cache, SRV);
    assert_int_equal(csc_item_pins(srv), 0);
    assert_int_equal(csc_item_inherit(srv), 0);
    assert_false(csc_item_is_pinned(srv));
    assert_true(csc_item_is_partly_pinned(srv));

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {SRV};
    assert_int_equal(csc_unpin(cache, p, 1, USER | ALL | POLICY | REDIR, true, &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SRV), ITEM_OK(SRV "\\share1"),
                  ITEM_OK(SRV "\\share1\\x.txt"), ITEM_OK(SRV "\\share2"),
                  ITEM_OK(SRV "\\share2\\y.txt"), EV_END_OK);
    assert_int_equal(csc_item_pins(srv), 0);
    assert_int_equal(csc_item_inherit(srv), 0);
    assert_false(csc_item_is_partly_pinned(srv));
    assert_int_equal(csc_test_pins_of(cache, SRV "\\share1\\x.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SRV "\\share2"), 0);
    assert_int_equal(csc_test_pins_of(cache, "\\\\other\\s\\z.txt"), USER);
    assert_true(csc_item_is_partly_pinned(csc_test_find(cache, "\\\\other")));
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C1.3 + C4.3: events carry the display path with the first spelling, even
 * when the call (and later cachings) spell it otherwise. */
static void test_c4_3_display_path_first_spelling(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *a = csc_test_file(cache, "\\\\SRV\\Share\\A.txt", 1);
    csc_item_t *again = csc_test_file(cache, "//srv/share/a.txt", 1);
    assert_ptr_equal(a, again);
    csc_test_file(cache, "//srv/SHARE/b.txt", 1);
    assert_ptr_equal(csc_test_find(cache, "//srv/share/a.txt"), a);
    char buf[64];
    csc_item_path(a, buf, sizeof buf);
    assert_string_equal(buf, "\\\\SRV\\Share\\A.txt");

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_pin(cache, (const char *[]){"//srv/share/a.txt"}, 1, USER, true,
                             &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK("\\\\SRV\\Share\\A.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);

    assert_int_equal(csc_unpin(cache, (const char *[]){"//srv/share/a.txt"}, 1, USER, true,
                               &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK("\\\\SRV\\Share\\A.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);

    assert_int_equal(csc_unpin(cache, (const char *[]){"\\\\?\\unc\\srv\\SHARE\\"}, 1, USER,
                               true, &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK("\\\\SRV\\Share"), ITEM_OK("\\\\SRV\\Share\\A.txt"),
                  ITEM_OK("\\\\SRV\\Share\\b.txt"), EV_END_OK);
    assert_int_equal(csc_item_pins(a), 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.7: a single file path returns its result; a single container path
 * returns S_OK even when it failed; a single missing or invalid path returns
 * its code; two paths return S_OK even when both failed. */
static void test_c4_7_return_values(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    const char *alice[] = {"alice"};
    assert_int_equal(csc_item_set_access(cache, csc_test_find(cache, SH "\\B.txt"), alice, 1),
                     CSC_S_OK);
    assert_int_equal(csc_item_set_access(cache, csc_test_find(cache, SH "\\dir"), alice, 1),
                     CSC_S_OK);
    assert_cache_ok(cache);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *bad_ctl[] = {"\\\\srv\\sh\x01" "re"};

    /* Single file, denied: its result. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\B.txt"}, 1, USER, true, &rec.sink,
                               NULL),
                     CSC_E_ACCESSDENIED);
    assert_events(&rec, EV_BEGIN, IB(SH "\\B.txt"), R_DENIED(SH "\\B.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH "\\B.txt"), USER);

    /* Single file, fine: S_OK. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\a.txt"}, 1, USER, false, NULL,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);

    /* Single container, denied (and its children too): S_OK. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, USER, true, &rec.sink,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(SH "\\dir"), R_DENIED(SH "\\dir"), IB(SH "\\dir\\d.txt"),
                  R_DENIED(SH "\\dir\\d.txt"), IB(SH "\\dir\\sub"), R_DENIED(SH "\\dir\\sub"),
                  IB(SH "\\dir\\sub\\e.txt"), R_DENIED(SH "\\dir\\sub\\e.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir"), USER);

    /* Single container, shallow, denied: S_OK. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, USER, false, NULL, NULL),
                     CSC_S_OK);

    /* Single missing path, single invalid path. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\x.txt"}, 1, USER, true, NULL,
                               NULL),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir\\nodir"}, 1, USER, false,
                               &rec.sink, NULL),
                     CSC_E_FILE_NOT_FOUND);
    assert_events(&rec, EV_BEGIN, IB(SH "\\dir\\nodir"), R_NF(SH "\\dir\\nodir"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_unpin(cache, bad_ctl,
                               1, USER, true, NULL, NULL),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_unpin(cache, (const char *[]){"\\\\srv\\.."}, 1, USER, true, NULL,
                               NULL),
                     CSC_E_INVALID_NAME);

    /* Two paths, both failing: S_OK. Two file paths, one denied: S_OK. */
    const char *two_missing[] = {SH "\\x.txt", SH "\\y.txt"};
    const char *two_denied[] = {SH "\\B.txt", SH "\\B.txt"};
    const char *denied_missing[] = {SH "\\B.txt", SH "\\zz"};
    assert_int_equal(csc_unpin(cache, two_missing, 2, USER, true, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_unpin(cache, two_denied, 2, USER, true, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_unpin(cache, denied_missing, 2, USER, true, NULL, NULL), CSC_S_OK);
    /* A server path, single: a container, S_OK. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SRV}, 1, USER, true, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_test_pins_of(cache, SH "\\B.txt"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\c"), 0);
    csc_cache_free(cache);
}

/* C4.10: unpin removes no item; an item left with no pin source and no
 * change is evictable (a file, an empty directory), a container with cached
 * children is not, and a file still pinned by another source is not. */
static void test_c4_10_unpin_never_removes(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_test_dir(cache, SH "\\empty");
    csc_test_pin1_ok(cache, SH "\\empty", USER, false);
    csc_test_pin1_ok(cache, SH "\\c", ALL, false);
    size_t before = csc_cache_item_count(cache);
    assert_int_equal(before, 10);
    for (size_t i = 0; i < TREE_N; i++)
        assert_false(csc_item_is_evictable(csc_test_find(cache, tree_items[i])));
    assert_false(csc_item_is_evictable(csc_test_find(cache, SH "\\empty")));

    assert_int_equal(csc_unpin(cache, (const char *[]){SRV}, 1, USER, true, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), before);
    for (size_t i = 0; i < TREE_N; i++)
        assert_non_null(csc_test_find(cache, tree_items[i]));
    assert_true(csc_item_is_evictable(csc_test_find(cache, SH "\\a.txt")));
    assert_true(csc_item_is_evictable(csc_test_find(cache, SH "\\B.txt")));
    assert_true(csc_item_is_evictable(csc_test_find(cache, SH "\\dir\\sub\\e.txt")));
    assert_true(csc_item_is_evictable(csc_test_find(cache, SH "\\empty")));
    assert_false(csc_item_is_evictable(csc_test_find(cache, SH "\\c")));
    assert_false(csc_item_is_evictable(csc_test_find(cache, SH "\\dir\\sub")));
    assert_false(csc_item_is_evictable(csc_test_find(cache, SH)));
    assert_false(csc_item_is_evictable(csc_test_find(cache, SRV)));
    csc_cache_free(cache);
}

/* C3.5: partly pinned ancestors before and after unpin. */
static void test_c3_5_partly_pinned(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\dir\\sub\\f.txt", 1);
    csc_test_file(cache, SH "\\g.txt", 1);
    csc_item_t *srv = csc_test_find(cache, SRV), *share = csc_test_find(cache, SH),
               *dir = csc_test_find(cache, SH "\\dir"),
               *sub = csc_test_find(cache, SH "\\dir\\sub");
    assert_false(csc_item_is_partly_pinned(share));

    csc_test_pin1_ok(cache, SH "\\dir\\sub\\f.txt", USER, false);
    csc_test_pin1_ok(cache, SH "\\dir\\sub\\f.txt", ALL, false);
    assert_true(csc_item_is_partly_pinned(srv));
    assert_true(csc_item_is_partly_pinned(share));
    assert_true(csc_item_is_partly_pinned(dir));
    assert_true(csc_item_is_partly_pinned(sub));

    /* Unpinning one of two sources leaves the file pinned. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, USER, true, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_true(csc_item_is_partly_pinned(srv));
    assert_true(csc_item_is_partly_pinned(sub));

    /* A pinned container is pinned, not partly pinned. */
    csc_test_pin1_ok(cache, SH "\\dir", REDIR, false);
    assert_false(csc_item_is_partly_pinned(dir));
    assert_true(csc_item_is_pinned(dir));
    assert_true(csc_item_is_partly_pinned(share));

    /* Shallow unpin of dir (files only below: none) leaves sub\f.txt. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, REDIR | ALL, false, NULL,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_pinned(dir));
    assert_true(csc_item_is_partly_pinned(dir));
    assert_true(csc_item_is_pinned(csc_test_find(cache, SH "\\dir\\sub\\f.txt")));

    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir\\sub\\F.TXT"}, 1, ALL, false,
                               NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_false(csc_item_is_partly_pinned(srv));
    assert_false(csc_item_is_partly_pinned(share));
    assert_false(csc_item_is_partly_pinned(dir));
    assert_false(csc_item_is_partly_pinned(sub));
    assert_false(csc_item_is_pinned(csc_test_find(cache, SH "\\dir\\sub\\f.txt")));
    csc_cache_free(cache);
}

/* C4.5 step 5: only the chosen sources' pinned and inherit bits are
 * cleared; the result is S_OK also when none of them was set. */
static void test_c4_5_selective_sources(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache(); /* ForUser everywhere */
    csc_test_pin1_ok(cache, SH, ALL | POLICY | REDIR, true);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, USER, true, &rec.sink,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\d.txt"),
                  ITEM_OK(SH "\\dir\\sub"), ITEM_OK(SH "\\dir\\sub\\e.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir"), ALL | POLICY | REDIR);
    assert_int_equal(csc_test_inherit_of(cache, SH "\\dir"), ALL | POLICY | REDIR);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub\\e.txt"), ALL | POLICY | REDIR);
    assert_int_equal(csc_test_inherit_of(cache, SH "\\dir\\sub\\e.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH), USER | ALL | POLICY | REDIR);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), USER | ALL | POLICY | REDIR);

    /* Again ForUser: nothing set any more, still S_OK for every item. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, USER, true, &rec.sink,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\d.txt"),
                  ITEM_OK(SH "\\dir\\sub"), ITEM_OK(SH "\\dir\\sub\\e.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);

    /* Two sources at once. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH}, 1, ALL | REDIR, true, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_test_pins_of(cache, SH), USER | POLICY);
    assert_int_equal(csc_test_inherit_of(cache, SH), USER | POLICY);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub"), POLICY);
    assert_int_equal(csc_test_inherit_of(cache, SH "\\dir\\sub"), POLICY);
    assert_int_equal(csc_test_pins_of(cache, SH "\\c"), USER | POLICY);
    assert_int_equal(csc_test_inherit_of(cache, SH "\\c"), 0);

    /* Shallow unpin of the policy source: share and its files only. */
    assert_int_equal(csc_unpin(cache, (const char *[]){SH}, 1, POLICY, false, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_test_pins_of(cache, SH), USER);
    assert_int_equal(csc_test_inherit_of(cache, SH), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\c"), USER);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir"), POLICY);
    csc_cache_free(cache);
}

/* C4.5 step 5 + C4.3: an unpin with no sink behaves like one with a sink
 * whose callbacks are all NULL (answers CONTINUE). */
static void test_c4_5_null_callbacks(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_progress_t empty = {0};
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\dir"}, 1, USER, true, &empty,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_test_pins_of(cache, SH "\\dir\\sub\\e.txt"), 0);
    assert_int_equal(csc_test_pins_of(cache, SH "\\a.txt"), USER);
    assert_int_equal(csc_unpin(cache, (const char *[]){SH "\\q"}, 1, USER, true, &empty, NULL),
                     CSC_E_FILE_NOT_FOUND);
    csc_cache_free(cache);
}

/* C4.3: the display path of a path's top item longer than any small initial
 * buffer (here > 400 bytes) is reported whole, for the top item and below it
 * (deep) - also to a sanitizer: the walk must not read past its buffers. */
static void test_c4_3_long_display_path(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    char top[600], file[640], ev[4][800];
    char d[201], e[201];
    memset(d, 'd', 200);
    d[200] = '\0';
    memset(e, 'E', 200);
    e[200] = '\0';
    snprintf(top, sizeof top, SH "\\%s\\%s", d, e);
    snprintf(file, sizeof file, "%s\\f.txt", top);
    assert_true(strlen(top) > 400);
    csc_test_file(cache, file, 1);
    csc_test_pin1_ok(cache, top, USER, true);
    snprintf(ev[0], sizeof ev[0], IB("%s"), top);
    snprintf(ev[1], sizeof ev[1], R_OK("%s"), top);
    snprintf(ev[2], sizeof ev[2], IB("%s"), file);
    snprintf(ev[3], sizeof ev[3], R_OK("%s"), file);

    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    const char *p[] = {top};
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ev[0], ev[1], ev[2], ev[3], EV_END_OK);
    csc_test_recorder_clear(&rec);

    /* The file alone, then the top again after a short path grew nothing. */
    const char *two[] = {SH, file};
    assert_int_equal(csc_unpin(cache, two, 2, USER, false, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ev[2], ev[3], EV_END_OK);
    csc_test_recorder_clear(&rec);
    assert_int_equal(csc_test_pins_of(cache, file), 0);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c4_4_c2_3_deep_preorder),
        cmocka_unit_test(test_c2_3_folded_byte_order),
        cmocka_unit_test(test_c4_4_shallow_container),
        cmocka_unit_test(test_c4_4_shallow_edge_cases),
        cmocka_unit_test(test_c4_3_multiple_paths_missing_and_invalid),
        cmocka_unit_test(test_c4_5_overlapping_paths),
        cmocka_unit_test(test_c4_4_server_deep_covers_all_shares),
        cmocka_unit_test(test_c4_3_display_path_first_spelling),
        cmocka_unit_test(test_c4_7_return_values),
        cmocka_unit_test(test_c4_10_unpin_never_removes),
        cmocka_unit_test(test_c3_5_partly_pinned),
        cmocka_unit_test(test_c4_5_selective_sources),
        cmocka_unit_test(test_c4_5_null_callbacks),
        cmocka_unit_test(test_c4_3_long_display_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
