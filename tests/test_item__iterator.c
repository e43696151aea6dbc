/*
 * tests/test_item__iterator.c: the subtree iterator of cscsim/item.h
 * (issue 12 point 8): pre-order in C2.3 order, the root first, never leaving
 * the subtree; the whole cache with csc_cache_iter_init; skipping an item's
 * descendants; NULL and empty cases. Its order is checked against the
 * support library's own pre-order step (csc_test_next_preorder).
 */
#include "support.h"

#include <string.h>

#define SRV "\\\\srv"
#define SH SRV "\\share"

static csc_cache_t *tree_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\b\\y.txt", 1);
    csc_test_file(cache, SH "\\a\\x.txt", 1);
    csc_test_file(cache, SH "\\a\\deep\\z.txt", 1);
    csc_test_file(cache, SH "\\c.txt", 1);
    csc_test_file(cache, "\\\\other\\s\\f.txt", 1);
    csc_test_dir(cache, "\\\\aaa");
    return cache;
}

static size_t collect(csc_subtree_iter_t *it, const char **names, size_t max)
{
    size_t n = 0;
    for (csc_item_t *i; (i = csc_subtree_iter_next(it)) != NULL;) {
        assert_true(n < max);
        names[n++] = csc_item_name(i);
    }
    return n;
}

static void test_whole_cache_matches_preorder(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_subtree_iter_t it;
    csc_cache_iter_init(&it, cache);
    csc_item_t *want = csc_cache_first_server(cache);
    size_t n = 0;
    for (csc_item_t *got; (got = csc_subtree_iter_next(&it)) != NULL; n++) {
        assert_ptr_equal(got, want);
        want = csc_test_next_preorder(want);
    }
    assert_null(want);
    assert_int_equal(n, csc_cache_item_count(cache));
    assert_null(csc_subtree_iter_next(&it)); /* stays at the end */
    csc_cache_free(cache);
}

static void test_subtree_stays_inside(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_subtree_iter_t it;
    csc_subtree_iter_init(&it, csc_test_find(cache, SH "\\a"));
    const char *names[16];
    size_t n = collect(&it, names, 16);
    const char *want[] = {"a", "deep", "z.txt", "x.txt"};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], want[i]);
    /* A file alone; a server alone. */
    csc_subtree_iter_init(&it, csc_test_find(cache, SH "\\c.txt"));
    assert_int_equal(collect(&it, names, 16), 1);
    csc_subtree_iter_init(&it, csc_test_find(cache, "\\\\aaa"));
    assert_int_equal(collect(&it, names, 16), 1);
    csc_cache_free(cache);
}

static void test_skip_children(void **state)
{
    (void)state;
    csc_cache_t *cache = tree_cache();
    csc_subtree_iter_t it;
    csc_subtree_iter_init(&it, csc_test_find(cache, SH));
    const char *names[16];
    size_t n = 0;
    for (csc_item_t *i; (i = csc_subtree_iter_next(&it)) != NULL;) {
        names[n++] = csc_item_name(i);
        if (strcmp(csc_item_name(i), "a") == 0)
            csc_subtree_iter_skip_children(&it);
    }
    const char *want[] = {"share", "a", "b", "y.txt", "c.txt"};
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], want[i]);
    csc_cache_free(cache);
}

static void test_null_and_empty(void **state)
{
    (void)state;
    csc_subtree_iter_t it;
    csc_subtree_iter_init(&it, NULL);
    assert_null(csc_subtree_iter_next(&it));
    assert_null(csc_subtree_iter_next(NULL));
    csc_subtree_iter_init(NULL, NULL);
    csc_cache_iter_init(NULL, NULL);
    csc_subtree_iter_skip_children(NULL);
    csc_cache_iter_init(&it, NULL);
    assert_null(csc_subtree_iter_next(&it));
    csc_cache_t *cache = csc_test_cache_new();
    csc_cache_iter_init(&it, cache);
    assert_null(csc_subtree_iter_next(&it));
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_cache_matches_preorder),
        cmocka_unit_test(test_subtree_stays_inside),
        cmocka_unit_test(test_skip_children),
        cmocka_unit_test(test_null_and_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
