/*
 * tests/test_tree__structure.c: the cache tree through the public API.
 * C2.1 item types and their Windows values; C2.2 missing ancestors cached as
 * clean, unpinned containers (and csc_cache_dir's one- and two-component
 * paths); C2.3 children ordered by the bytes of their case-folded names;
 * C2.4 the failures of caching and their order, and caching an existing item
 * again; C1.3 case-insensitive, case-preserving names with Unicode simple
 * case folding; csc_item_path's truncation contract; parent links and the
 * item count. Every failure must leave the whole observable state as it was
 * (compared as a full dump of the cache, csc_test_dump).
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Helpers --------------------------------------------------------------- */

/* The display path of an item (malloc'd). */
static char *item_path(const csc_item_t *item)
{
    size_t n = csc_item_path(item, NULL, 0);
    char *p = malloc(n + 1);
    assert_non_null(p);
    assert_int_equal(csc_item_path(item, p, n + 1), n);
    assert_int_equal(strlen(p), n);
    return p;
}

static void assert_item_path(const csc_item_t *item, const char *expected)
{
    char *p = item_path(item);
    assert_string_equal(p, expected);
    free(p);
}

static void assert_dump_equal(const char *before, const char *after)
{
    if (strcmp(before, after) != 0) {
        print_error("state changed:\n--- before\n%s--- after\n%s", before, after);
        fail();
    }
}

/* Calls csc_cache_file (or csc_cache_dir when is_dir) and asserts it fails
 * with `expected` and changes nothing observable. */
static void assert_cache_fails(csc_cache_t *cache, bool is_dir, const char *path,
                               csc_hresult expected)
{
    char *before = csc_test_dump(cache);
    size_t count = csc_cache_item_count(cache);
    csc_item_t *out = NULL;
    csc_hresult hr = is_dir ? csc_cache_dir(cache, path, &out)
                            : csc_cache_file(cache, path, true, 99, &out);
    if (hr != expected) {
        print_error("%s '%s': expected 0x%08X, got 0x%08X\n", is_dir ? "dir" : "file", path,
                    (unsigned)expected, (unsigned)hr);
        fail();
    }
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), count);
    char *after = csc_test_dump(cache);
    assert_dump_equal(before, after);
    free(before);
    free(after);
    /* Without an out pointer, and without a size, too. */
    before = csc_test_dump(cache);
    hr = is_dir ? csc_cache_dir(cache, path, NULL) : csc_cache_file(cache, path, false, 0, NULL);
    assert_int_equal(hr, expected);
    assert_cache_ok(cache);
    after = csc_test_dump(cache);
    assert_dump_equal(before, after);
    free(before);
    free(after);
}

/* Asserts the names of the children of `parent` (or of the servers when
 * parent is NULL), in order, equal the NULL-terminated list. */
#define assert_children(cache, parent, ...) \
    assert_children_((cache), (parent), (const char *[]){__VA_ARGS__, NULL})
static void assert_children_(const csc_cache_t *cache, const csc_item_t *parent,
                             const char *const *expected)
{
    const csc_item_t *ch = parent != NULL ? csc_item_first_child(parent)
                                          : csc_cache_first_server(cache);
    size_t i = 0;
    bool ok = true;
    for (; ch != NULL; ch = csc_item_next_sibling(ch), i++) {
        if (expected[i] == NULL || strcmp(expected[i], csc_item_name(ch)) != 0)
            ok = false;
        if (parent != NULL)
            assert_ptr_equal(csc_item_parent(ch), parent);
    }
    if (!ok || expected[i] != NULL) {
        print_error("children out of order; expected:");
        for (size_t j = 0; expected[j] != NULL; j++)
            print_error(" '%s'", expected[j]);
        print_error("\ngot:");
        ch = parent != NULL ? csc_item_first_child(parent) : csc_cache_first_server(cache);
        for (; ch != NULL; ch = csc_item_next_sibling(ch))
            print_error(" '%s'", csc_item_name(ch));
        print_error("\n");
        fail();
    }
}

/* ---- C2.1 types ------------------------------------------------------------ */

/* C2.1: file 0, directory 1, share 2, server 3, and each level of a cached
 * path has its type. */
static void test_item_types_have_windows_values(void **state)
{
    (void)state;
    assert_int_equal(CSC_ITEM_FILE, 0);
    assert_int_equal(CSC_ITEM_DIRECTORY, 1);
    assert_int_equal(CSC_ITEM_SHARE, 2);
    assert_int_equal(CSC_ITEM_SERVER, 3);

    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *file = csc_test_file(cache, "\\\\srv\\share\\dir\\f.txt", 1);
    assert_int_equal(csc_item_type(file), CSC_ITEM_FILE);
    csc_item_t *dir = csc_item_parent(file);
    assert_int_equal(csc_item_type(dir), CSC_ITEM_DIRECTORY);
    csc_item_t *share = csc_item_parent(dir);
    assert_int_equal(csc_item_type(share), CSC_ITEM_SHARE);
    csc_item_t *server = csc_item_parent(share);
    assert_int_equal(csc_item_type(server), CSC_ITEM_SERVER);
    assert_null(csc_item_parent(server));
    assert_ptr_equal(csc_cache_first_server(cache), server);
    csc_cache_free(cache);
}

/* ---- C2.2 missing ancestors ---------------------------------------------- */

static void assert_clean_unpinned_container(const csc_item_t *item, csc_item_type_t type,
                                            uint64_t last_use)
{
    assert_int_equal(csc_item_type(item), type);
    assert_int_equal(csc_item_pins(item), 0);
    assert_int_equal(csc_item_inherit(item), 0);
    assert_false(csc_item_is_pinned(item));
    assert_false(csc_item_is_partly_pinned(item));
    assert_false(csc_item_is_dirty(item));
    assert_int_equal(csc_item_dirty_bytes(item), 0);
    assert_false(csc_item_is_open(item));
    assert_int_equal(csc_item_size(item), 0);
    assert_int_equal(csc_item_last_use(item), last_use);
    assert_false(csc_item_access(item, NULL));
}

/* C2.2: caching a file caches every missing server, share and directory as a
 * clean, unpinned container; only what is missing is created. C5.4: new items
 * get the clock as last use, existing ancestors are not touched. */
static void test_caching_file_caches_missing_ancestors(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_null(csc_cache_first_server(cache));
    assert_int_equal(csc_cache_advance_clock(cache, 3), CSC_S_OK);

    csc_item_t *file = NULL;
    assert_int_equal(csc_cache_file(cache, "\\\\srv\\share\\a\\b\\f.txt", true, 42, &file),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_non_null(file);
    assert_int_equal(csc_cache_item_count(cache), 5);
    assert_int_equal(csc_item_size(file), 42);
    assert_int_equal(csc_item_last_use(file), 3);
    assert_false(csc_item_is_dirty(file));
    assert_int_equal(csc_item_pins(file), 0);

    csc_item_t *b = csc_test_find(cache, "\\\\srv\\share\\a\\b");
    csc_item_t *a = csc_test_find(cache, "\\\\srv\\share\\a");
    csc_item_t *share = csc_test_find(cache, "\\\\srv\\share");
    csc_item_t *server = csc_test_find(cache, "\\\\srv");
    assert_ptr_equal(csc_item_parent(file), b);
    assert_ptr_equal(csc_item_parent(b), a);
    assert_ptr_equal(csc_item_parent(a), share);
    assert_ptr_equal(csc_item_parent(share), server);
    assert_clean_unpinned_container(b, CSC_ITEM_DIRECTORY, 3);
    assert_clean_unpinned_container(a, CSC_ITEM_DIRECTORY, 3);
    assert_clean_unpinned_container(share, CSC_ITEM_SHARE, 3);
    assert_clean_unpinned_container(server, CSC_ITEM_SERVER, 3);
    /* Each container holds exactly the one child on the path. */
    assert_ptr_equal(csc_item_first_child(server), share);
    assert_null(csc_item_next_sibling(share));
    assert_ptr_equal(csc_item_first_child(b), file);
    assert_null(csc_item_first_child(file));

    /* A second file below the existing share: only a\c is missing. */
    assert_int_equal(csc_cache_advance_clock(cache, 4), CSC_S_OK);
    csc_item_t *g = csc_test_file(cache, "\\\\srv\\share\\a\\c\\g.txt", 0);
    assert_int_equal(csc_cache_item_count(cache), 7);
    csc_item_t *c = csc_item_parent(g);
    assert_clean_unpinned_container(c, CSC_ITEM_DIRECTORY, 7);
    assert_ptr_equal(csc_item_parent(c), a);
    assert_int_equal(csc_item_last_use(g), 7);
    /* Existing ancestors keep their last use (C5.4: nothing else touches). */
    assert_int_equal(csc_item_last_use(a), 3);
    assert_int_equal(csc_item_last_use(share), 3);
    assert_int_equal(csc_item_last_use(server), 3);
    assert_int_equal(csc_item_last_use(file), 3);
    csc_cache_free(cache);
}

/* C2.2 / item.h: csc_cache_dir with one component caches a server, with two a
 * share, with more a directory; its missing ancestors come along. */
static void test_cache_dir_component_count_selects_type(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *server = csc_test_dir(cache, "\\\\alpha");
    assert_int_equal(csc_item_type(server), CSC_ITEM_SERVER);
    assert_null(csc_item_parent(server));
    assert_int_equal(csc_cache_item_count(cache), 1);
    assert_true(csc_item_is_evictable(server)); /* an empty container (C5.2) */

    csc_item_t *share = csc_test_dir(cache, "\\\\alpha\\data");
    assert_int_equal(csc_item_type(share), CSC_ITEM_SHARE);
    assert_ptr_equal(csc_item_parent(share), server);
    assert_int_equal(csc_cache_item_count(cache), 2);

    csc_item_t *dir = csc_test_dir(cache, "\\\\alpha\\data\\docs");
    assert_int_equal(csc_item_type(dir), CSC_ITEM_DIRECTORY);
    assert_ptr_equal(csc_item_parent(dir), share);
    assert_int_equal(csc_cache_item_count(cache), 3);

    /* A share whose server is missing: the server comes along. */
    csc_item_t *share2 = csc_test_dir(cache, "\\\\beta\\pub");
    assert_int_equal(csc_item_type(share2), CSC_ITEM_SHARE);
    csc_item_t *server2 = csc_item_parent(share2);
    assert_non_null(server2);
    assert_int_equal(csc_item_type(server2), CSC_ITEM_SERVER);
    assert_string_equal(csc_item_name(server2), "beta");
    assert_int_equal(csc_cache_item_count(cache), 5);

    /* A deep directory: every level below the share is a directory. */
    csc_item_t *deep = csc_test_dir(cache, "\\\\gamma\\s\\x\\y\\z");
    assert_int_equal(csc_cache_item_count(cache), 10);
    for (csc_item_t *it = deep; csc_item_parent(csc_item_parent(it)) != NULL;
         it = csc_item_parent(it))
        assert_int_equal(csc_item_type(it), CSC_ITEM_DIRECTORY);
    assert_int_equal(csc_item_type(csc_test_find(cache, "\\\\gamma\\s")), CSC_ITEM_SHARE);
    assert_children(cache, NULL, "alpha", "beta", "gamma");
    csc_cache_free(cache);
}

/* ---- C2.3 order ------------------------------------------------------------ */

/* C2.3: children are ordered by the bytes of their case-folded UTF-8 names,
 * whatever the insertion order and the item types. Folding is visible in the
 * order: '_' (0x5F) sorts before "A" (folded 'a', 0x61) and "Z" (folded
 * 'z'), though unfolded 'A' and 'Z' are below '_'; a shorter name sorts
 * before a longer one it prefixes; non-ASCII (lead bytes >= 0xC3) after
 * ASCII. */
static void test_children_ordered_by_folded_bytes(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *share = csc_test_dir(cache, "\\\\srv\\share");
    csc_test_file(cache, "\\\\srv\\share\\b", 1);
    csc_test_dir(cache, "\\\\srv\\share\\A");
    csc_test_file(cache, "\\\\srv\\share\\c", 1);
    csc_test_file(cache, "\\\\srv\\share\\\xC3\xA4", 1); /* "ä" */
    csc_test_dir(cache, "\\\\srv\\share\\_");
    csc_test_file(cache, "\\\\srv\\share\\Z", 1);
    csc_test_file(cache, "\\\\srv\\share\\ab", 1);
    csc_test_file(cache, "\\\\srv\\share\\\xC3\x84" "2", 1); /* "Ä2" */
    csc_test_dir(cache, "\\\\srv\\share\\B1");
    assert_children(cache, share, "_", "A", "ab", "b", "B1", "c", "Z", "\xC3\xA4",
                    "\xC3\x84" "2");

    /* Greek and Cyrillic: "Ω" (CE A9) folds to "ω" (CF 89), after "α"
     * (CE B1); "Я" (D0 AF) folds to "я" (D1 8F), after "б" (D0 B1). Byte
     * order of the unfolded names would be the reverse for both pairs. */
    csc_item_t *g = csc_test_dir(cache, "\\\\srv\\share\\g");
    csc_test_file(cache, "\\\\srv\\share\\g\\\xD0\xAF", 1);     /* Я */
    csc_test_file(cache, "\\\\srv\\share\\g\\\xCE\xA9", 1);     /* Ω */
    csc_test_file(cache, "\\\\srv\\share\\g\\\xD0\xB1", 1);     /* б */
    csc_test_file(cache, "\\\\srv\\share\\g\\\xCE\xB1", 1);     /* α */
    assert_children(cache, g, "\xCE\xB1", "\xCE\xA9", "\xD0\xB1", "\xD0\xAF");

    /* Servers are ordered the same way. */
    csc_test_dir(cache, "\\\\zeta");
    csc_test_dir(cache, "\\\\Alpha");
    csc_test_dir(cache, "\\\\beta");
    csc_test_dir(cache, "\\\\_x");
    assert_children(cache, NULL, "_x", "Alpha", "beta", "srv", "zeta");

    /* The whole walk is pre-order in that order (C2.3). */
    const char *expected[] = {
        "\\\\_x", "\\\\Alpha", "\\\\beta", "\\\\srv", "\\\\srv\\share", "\\\\srv\\share\\_",
        "\\\\srv\\share\\A", "\\\\srv\\share\\ab", "\\\\srv\\share\\b", "\\\\srv\\share\\B1",
        "\\\\srv\\share\\c", "\\\\srv\\share\\g", "\\\\srv\\share\\g\\\xCE\xB1",
        "\\\\srv\\share\\g\\\xCE\xA9", "\\\\srv\\share\\g\\\xD0\xB1",
        "\\\\srv\\share\\g\\\xD0\xAF", "\\\\srv\\share\\Z", "\\\\srv\\share\\\xC3\xA4",
        "\\\\srv\\share\\\xC3\x84" "2", "\\\\zeta", NULL};
    size_t i = 0;
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it), i++) {
        assert_non_null(expected[i]);
        assert_item_path(it, expected[i]);
    }
    assert_null(expected[i]);
    assert_int_equal(csc_cache_item_count(cache), i);
    csc_cache_free(cache);
}

/* ---- C2.4 failures ------------------------------------------------------- */

static csc_cache_t *failure_fixture(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, "\\\\srv\\share\\f.txt", 5);
    csc_test_file(cache, "\\\\srv\\share\\dir\\g.txt", 6);
    assert_int_equal(csc_cache_advance_clock(cache, 10), CSC_S_OK);
    return cache;
}

/* C2.4: a file needs server, share and name; fewer components is 0x8007007B,
 * also when the server or share exists (the component rule comes before any
 * type comparison). */
static void test_file_with_fewer_than_three_components_fails(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_cache_fails(cache, false, "\\\\srv", CSC_E_INVALID_NAME);
    assert_cache_fails(cache, false, "\\\\srv\\share", CSC_E_INVALID_NAME);
    assert_cache_fails(cache, false, "\\\\srv\\share\\", CSC_E_INVALID_NAME);
    assert_cache_fails(cache, false, "\\\\srv\\share\\sub\\..", CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_item_count(cache), 0);

    csc_test_dir(cache, "\\\\srv\\share");
    assert_cache_fails(cache, false, "\\\\srv", CSC_E_INVALID_NAME);
    assert_cache_fails(cache, false, "\\\\SRV\\SHARE", CSC_E_INVALID_NAME);
    csc_cache_free(cache);
}

/* C2.4, C1.4: an invalid path fails with 0x8007007B before anything else,
 * even when, read naively, it lies below a file or names an existing item. */
static void test_invalid_path_fails_first(void **state)
{
    (void)state;
    csc_cache_t *cache = failure_fixture();
    const char *invalid[] = {
        "",
        "C:\\x\\y\\z",
        "\\srv\\share\\f.txt",
        "\\\\srv\\sh|are\\new.txt",
        "\\\\srv\\share\\f.txt\\a<b",          /* below a file, but invalid */
        "\\\\srv\\share\\dir\\g.txt\\x\\q?",   /* below a file, but invalid */
        "\\\\srv\\share\\di*r",                /* "dir" exists as a directory */
        "\\\\srv\\share\\..\\..\\x",           /* ".." removing the share */
        "\\\\srv\\share\\\xC3\x28",            /* invalid UTF-8 */
        "\\\\.\\srv\\share\\x",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        assert_cache_fails(cache, false, invalid[i], CSC_E_INVALID_NAME);
        assert_cache_fails(cache, true, invalid[i], CSC_E_INVALID_NAME);
    }
    csc_cache_free(cache);
}

/* C2.4: a valid path below a cached file fails with 0x8007010B for files and
 * directories, at any depth and in any spelling. A path written below a file
 * that normalises to something else is judged by what it normalises to. */
static void test_path_below_file_fails_with_error_directory(void **state)
{
    (void)state;
    csc_cache_t *cache = failure_fixture();
    assert_cache_fails(cache, false, "\\\\srv\\share\\f.txt\\x", CSC_E_DIRECTORY);
    assert_cache_fails(cache, true, "\\\\srv\\share\\f.txt\\x", CSC_E_DIRECTORY);
    assert_cache_fails(cache, false, "\\\\SRV\\Share\\F.TXT\\x\\y\\z.txt", CSC_E_DIRECTORY);
    assert_cache_fails(cache, true, "//srv/share/dir/G.txt/sub", CSC_E_DIRECTORY);

    /* "f.txt\." is f.txt itself: an existing item of another type for a
     * directory, the same item for a file. */
    assert_cache_fails(cache, true, "\\\\srv\\share\\f.txt\\.", CSC_E_ALREADY_EXISTS);
    csc_item_t *f = NULL;
    assert_int_equal(csc_cache_file(cache, "\\\\srv\\share\\f.txt\\.", false, 0, &f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(f, csc_test_find(cache, "\\\\srv\\share\\f.txt"));

    /* "f.txt\..\h.txt" is a sibling of f.txt, not below it. */
    csc_item_t *h = NULL;
    assert_int_equal(csc_cache_file(cache, "\\\\srv\\share\\f.txt\\..\\h.txt", true, 1, &h),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_non_null(h);
    assert_item_path(h, "\\\\srv\\share\\h.txt");
    csc_cache_free(cache);
}

/* C2.4: an existing item of another type fails with 0x800700B7: a directory
 * over a file, a file over a directory (in any spelling). A directory path of
 * two components is a share and one of one component a server, so
 * csc_cache_dir over an existing share or server is the same type and
 * succeeds, returning that item. */
static void test_existing_item_of_other_type_fails(void **state)
{
    (void)state;
    csc_cache_t *cache = failure_fixture();
    assert_cache_fails(cache, true, "\\\\srv\\share\\f.txt", CSC_E_ALREADY_EXISTS);
    assert_cache_fails(cache, true, "\\\\srv\\share\\dir\\G.TXT", CSC_E_ALREADY_EXISTS);
    assert_cache_fails(cache, false, "\\\\srv\\share\\dir", CSC_E_ALREADY_EXISTS);
    assert_cache_fails(cache, false, "\\\\Srv\\SHARE\\DIR\\", CSC_E_ALREADY_EXISTS);

    csc_item_t *share = csc_test_find(cache, "\\\\srv\\share");
    csc_item_t *server = csc_test_find(cache, "\\\\srv");
    size_t count = csc_cache_item_count(cache);
    csc_item_t *out = NULL;
    assert_int_equal(csc_cache_dir(cache, "\\\\srv\\share", &out), CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(out, share);
    assert_int_equal(csc_item_type(out), CSC_ITEM_SHARE);
    assert_int_equal(csc_cache_dir(cache, "\\\\SRV", &out), CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(out, server);
    assert_int_equal(csc_cache_item_count(cache), count);
    csc_cache_free(cache);
}

/* C2.4, C5.4: caching an existing item again with the same type succeeds,
 * returns the same item, sets the size when one is given, keeps it when not,
 * and touches the item (last use = clock) but not its ancestors. */
static void test_caching_existing_item_again_sets_size_and_touches(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = NULL;
    /* A new file without a size has size 0. */
    assert_int_equal(csc_cache_file(cache, "\\\\srv\\share\\d\\f.txt", false, 0, &f), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_size(f), 0);
    assert_int_equal(csc_item_last_use(f), 0);
    size_t count = csc_cache_item_count(cache);

    assert_int_equal(csc_cache_advance_clock(cache, 5), CSC_S_OK);
    csc_item_t *again = NULL;
    assert_int_equal(csc_cache_file(cache, "\\\\srv\\share\\d\\f.txt", true, 1234, &again),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(again, f);
    assert_int_equal(csc_item_size(f), 1234);
    assert_int_equal(csc_item_last_use(f), 5);
    assert_int_equal(csc_cache_item_count(cache), count);

    assert_int_equal(csc_cache_advance_clock(cache, 2), CSC_S_OK);
    assert_int_equal(csc_cache_file(cache, "\\\\SRV\\share\\D\\F.txt", false, 0, &again),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(again, f);
    assert_int_equal(csc_item_size(f), 1234); /* kept */
    assert_int_equal(csc_item_last_use(f), 7);

    /* A size of 0 given explicitly is set. */
    assert_int_equal(csc_cache_file(cache, "\\\\srv\\share\\d\\f.txt", true, 0, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_size(f), 0);

    /* Ancestors were not touched by caching f again. */
    csc_item_t *d = csc_item_parent(f);
    assert_int_equal(csc_item_last_use(d), 0);
    assert_int_equal(csc_item_last_use(csc_item_parent(d)), 0);

    /* A directory (and a share, a server) cached again is touched too. */
    assert_int_equal(csc_cache_advance_clock(cache, 1), CSC_S_OK);
    assert_int_equal(csc_cache_dir(cache, "\\\\srv\\share\\d", &again), CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(again, d);
    assert_int_equal(csc_item_last_use(d), 8);
    assert_int_equal(csc_item_last_use(csc_item_parent(d)), 0);
    assert_int_equal(csc_cache_dir(cache, "\\\\srv", &again), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_type(again), CSC_ITEM_SERVER);
    assert_int_equal(csc_item_last_use(again), 8);
    assert_int_equal(csc_item_last_use(f), 7);
    assert_int_equal(csc_cache_item_count(cache), count);
    csc_cache_free(cache);
}

/* ---- C1.3 names ------------------------------------------------------------ */

/* C1.3: names compare case-insensitively; each component keeps the spelling
 * with which it was first cached, also when a later path spells it
 * differently and adds new components below it. */
static void test_names_case_insensitive_and_case_preserving(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\SrvOne\\ShareTwo\\DirThree\\File.TXT", 1);
    assert_int_equal(csc_cache_item_count(cache), 4);
    assert_item_path(f, "\\\\SrvOne\\ShareTwo\\DirThree\\File.TXT");
    assert_string_equal(csc_item_name(f), "File.TXT");

    /* Another spelling finds and re-caches the same item. */
    csc_item_t *again = NULL;
    assert_int_equal(csc_cache_file(cache, "\\\\SRVONE\\sharetwo\\dIrThReE\\file.txt", false, 0,
                                    &again),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_ptr_equal(again, f);
    assert_int_equal(csc_cache_item_count(cache), 4);
    assert_item_path(f, "\\\\SrvOne\\ShareTwo\\DirThree\\File.TXT");
    assert_ptr_equal(csc_test_find(cache, "\\\\srvone\\SHARETWO\\dirthree\\FILE.txt"), f);

    /* A new file below a differently spelled parent: ancestors show their
     * first spelling, the new component its own. */
    csc_item_t *n = csc_test_file(cache, "\\\\srvone\\SHARETWO\\dirthree\\NewOne.Doc", 1);
    assert_int_equal(csc_cache_item_count(cache), 5);
    assert_item_path(n, "\\\\SrvOne\\ShareTwo\\DirThree\\NewOne.Doc");
    assert_ptr_equal(csc_item_parent(n), csc_item_parent(f));
    csc_item_t *d = csc_test_dir(cache, "\\\\SRVONE\\sharetwo\\NEWDIR\\Sub");
    assert_item_path(d, "\\\\SrvOne\\ShareTwo\\NEWDIR\\Sub");
    assert_string_equal(csc_item_name(csc_item_parent(d)), "NEWDIR");
    assert_string_equal(csc_item_name(csc_test_find(cache, "\\\\srvone")), "SrvOne");
    assert_string_equal(csc_item_name(csc_test_find(cache, "\\\\srvone\\sharetwo")),
                        "ShareTwo");
    /* A mixed-case directory cached as a directory first keeps its case. */
    assert_int_equal(csc_cache_dir(cache, "\\\\srvone\\sharetwo\\newdir", NULL), CSC_S_OK);
    assert_string_equal(csc_item_name(csc_item_parent(d)), "NEWDIR");
    assert_int_equal(csc_cache_item_count(cache), 7);
    csc_cache_free(cache);
}

typedef struct spelling_pair {
    const char *first, *second;
    bool same;
    const char *why;
} spelling_pair_t;

/* C1.3: Unicode simple case folding (statuses C and S), at least for Latin,
 * Greek and Cyrillic, and neither full folding nor normalisation. */
static void test_unicode_simple_case_folding(void **state)
{
    (void)state;
    static const spelling_pair_t pairs[] = {
        {"\xC3\x89" "COLE", "\xC3\xA9" "cole", true, "Latin-1: ÉCOLE = école"},
        {"\xC3\x85" "NGSTR\xC3\x96M", "\xC3\xA5" "ngstr\xC3\xB6m", true, "ÅNGSTRÖM = ångström"},
        {"\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1",
         true, "Greek: ΣΟΦΙΑ = σοφια"},
        {"\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3", "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82", true,
         "Greek final sigma: ΟΔΟΣ = οδος (ς folds to σ, status C)"},
        {"\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2",
         "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", true, "Cyrillic: ПРИВЕТ = привет"},
        {"\xD0\x81" "LKA", "\xD1\x91" "lka", true, "Cyrillic Ё = ё"},
        {"STRA\xE1\xBA\x9E" "E", "stra\xC3\x9F" "e", true, "ẞ folds to ß (status S)"},
        {"\xE2\x84\xAA" "elvin", "kelvin", true, "KELVIN SIGN folds to k (status C)"},
        {"stra\xC3\x9F" "e", "strasse", false, "ß is not ss (no full folding)"},
        {"caf\xC3\xA9", "cafe\xCC\x81", false, "é (NFC) is not e + U+0301 (no normalisation)"},
        {"\xC4\xB0" "stanbul", "istanbul", false, "İ has only F and T foldings"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        csc_cache_t *cache = csc_test_cache_new();
        char p1[128], p2[128];
        snprintf(p1, sizeof p1, "\\\\srv\\share\\%s", pairs[i].first);
        snprintf(p2, sizeof p2, "\\\\srv\\share\\%s", pairs[i].second);
        csc_item_t *a = csc_test_file(cache, p1, 1);
        csc_item_t *found = NULL;
        csc_hresult hr = csc_cache_find(cache, p2, &found);
        csc_item_t *b = NULL;
        assert_int_equal(csc_cache_file(cache, p2, false, 0, &b), CSC_S_OK);
        assert_cache_ok(cache);
        bool same = a == b;
        if (same != pairs[i].same || (hr == CSC_S_OK) != pairs[i].same ||
            (pairs[i].same && found != a) ||
            csc_cache_item_count(cache) != (pairs[i].same ? 3u : 4u)) {
            print_error("%s: expected %s items, got find 0x%08X, %zu items\n", pairs[i].why,
                        pairs[i].same ? "the same" : "different", (unsigned)hr,
                        csc_cache_item_count(cache));
            fail();
        }
        if (!pairs[i].same)
            assert_int_equal(hr, CSC_E_FILE_NOT_FOUND);
        /* Case preserving: the first spelling stays. */
        assert_string_equal(csc_item_name(a), pairs[i].first);
        assert_item_path(a, p1);
        csc_cache_free(cache);
    }
}

/* ---- csc_item_path, links, count ------------------------------------------- */

/* item.h: csc_item_path returns the full length without NUL whatever the
 * buffer; the output is NUL-terminated and truncated when size <= length;
 * size 0 writes nothing. */
static void test_item_path_truncation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\Srv\\Share\\x.txt", 1);
    const char *full = "\\\\Srv\\Share\\x.txt";
    size_t len = strlen(full);
    char buf[64];

    assert_int_equal(csc_item_path(f, NULL, 0), len);
    memset(buf, 'Q', sizeof buf);
    assert_int_equal(csc_item_path(f, buf, 0), len);
    assert_int_equal(buf[0], 'Q'); /* size 0: nothing written */

    for (size_t size = 1; size <= len + 2; size++) {
        memset(buf, 'Q', sizeof buf);
        assert_int_equal(csc_item_path(f, buf, size), len);
        size_t written = size - 1 < len ? size - 1 : len;
        assert_memory_equal(buf, full, written);
        assert_int_equal(buf[written], '\0');
        for (size_t j = size; j < sizeof buf; j++)
            assert_int_equal(buf[j], 'Q'); /* nothing beyond size */
    }

    /* A server's path. */
    csc_item_t *server = csc_item_parent(csc_item_parent(f));
    assert_int_equal(csc_item_path(server, buf, sizeof buf), 5);
    assert_string_equal(buf, "\\\\Srv");
    assert_int_equal(csc_item_path(server, buf, 3), 5);
    assert_string_equal(buf, "\\\\");
    csc_cache_free(cache);
}

/* item.h: links and the item count: a server has no parent; servers, shares
 * and everything else count as items. */
static void test_links_and_item_count(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_null(csc_cache_first_server(cache));
    assert_int_equal(csc_cache_item_count(cache), 0);
    csc_item_t *s = csc_test_dir(cache, "\\\\one");
    assert_null(csc_item_parent(s));
    assert_null(csc_item_first_child(s));
    assert_null(csc_item_next_sibling(s));
    assert_int_equal(csc_cache_item_count(cache), 1);
    csc_test_file(cache, "\\\\two\\s\\f", 1);
    assert_int_equal(csc_cache_item_count(cache), 4);
    csc_item_t *two = csc_test_find(cache, "\\\\two");
    assert_null(csc_item_parent(two));
    assert_ptr_equal(csc_item_next_sibling(s), two);
    assert_null(csc_item_next_sibling(two));
    csc_test_file(cache, "\\\\two\\s\\g", 1);
    csc_test_dir(cache, "\\\\two\\t");
    assert_int_equal(csc_cache_item_count(cache), 6);
    /* The count equals a walk. */
    size_t n = 0;
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it))
        n++;
    assert_int_equal(n, 6);
    /* Failed caching and finding change nothing. */
    csc_item_t *out = NULL;
    assert_int_equal(csc_cache_find(cache, "\\\\two\\s\\missing", &out), CSC_E_FILE_NOT_FOUND);
    assert_null(out);
    assert_int_equal(csc_cache_find(cache, "\\\\two\\s\\bad|name", &out), CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_item_count(cache), 6);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_item_types_have_windows_values),
        cmocka_unit_test(test_caching_file_caches_missing_ancestors),
        cmocka_unit_test(test_cache_dir_component_count_selects_type),
        cmocka_unit_test(test_children_ordered_by_folded_bytes),
        cmocka_unit_test(test_file_with_fewer_than_three_components_fails),
        cmocka_unit_test(test_invalid_path_fails_first),
        cmocka_unit_test(test_path_below_file_fails_with_error_directory),
        cmocka_unit_test(test_existing_item_of_other_type_fails),
        cmocka_unit_test(test_caching_existing_item_again_sets_size_and_touches),
        cmocka_unit_test(test_names_case_insensitive_and_case_preserving),
        cmocka_unit_test(test_unicode_simple_case_folding),
        cmocka_unit_test(test_item_path_truncation),
        cmocka_unit_test(test_links_and_item_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
