/*
 * tests/test_enum__items.c: EnumItems and EnumItemsEx-style enumeration
 * (contract C13.6, C16.4's flag rule). Without FLAT, a container's cached
 * children in walk order (the cache's: its servers); FLAT lists the subtree
 * flat, each container followed by its children; FLAT_FILESONLY the files
 * only; FLAT_FILESONLY without FLAT, other bits or no callback give
 * E_INVALIDARG; a file is not a container (E_NOINTERFACE); invalid and
 * uncached paths fail as everywhere; the callback may stop early and may
 * read the cache but not change it (C14.5).
 */
#include "support.h"

#include <string.h>

#define SH "\\\\s\\sh"

typedef struct got {
    char names[16][64];
    size_t n, stop_after;
    csc_cache_t *cache;
} got_t;

static bool collect(void *ud, csc_item_t *item)
{
    got_t *g = ud;
    assert_true(g->n < 16);
    csc_item_path(item, g->names[g->n], sizeof g->names[0]);
    g->n++;
    if (g->cache != NULL) { /* a read goes, a change is refused */
        csc_item_t *x = NULL;
        assert_int_equal(csc_cache_find(g->cache, SH, &x), CSC_S_OK);
        assert_int_equal(csc_cache_file(g->cache, SH "\\q", false, 0, NULL), CSC_E_BUSY);
    }
    return g->stop_after == 0 || g->n < g->stop_after;
}

static void expect(got_t *g, const char *const *want)
{
    size_t n = 0;
    while (want[n] != NULL)
        n++;
    csc_test_assert_strings(__FILE__, __LINE__, "enumerated items",
                            (const char *const[]){g->names[0], g->names[1], g->names[2],
                                                  g->names[3], g->names[4], g->names[5],
                                                  g->names[6], g->names[7]},
                            g->n, want);
    (void)n;
}

static csc_cache_t *tree(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\d\\b", 1);
    csc_test_file(cache, SH "\\d\\A", 1);
    csc_test_file(cache, SH "\\d\\sub\\c", 1);
    csc_test_file(cache, SH "\\z", 1);
    csc_test_dir(cache, "\\\\r\\x");
    return cache;
}

static void test_enum_children_and_flat(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    got_t g = {0};
    assert_int_equal(csc_enum_items(cache, NULL, 0, collect, &g), CSC_S_OK);
    expect(&g, (const char *[]){"\\\\r", "\\\\s", NULL});
    memset(&g, 0, sizeof g);
    assert_int_equal(csc_enum_items(cache, SH "\\d", 0, collect, &g), CSC_S_OK);
    expect(&g, (const char *[]){SH "\\d\\A", SH "\\d\\b", SH "\\d\\sub", NULL});
    memset(&g, 0, sizeof g);
    assert_int_equal(csc_enum_items(cache, SH, CSC_ENUM_FLAT, collect, &g), CSC_S_OK);
    expect(&g, (const char *[]){SH "\\d", SH "\\d\\A", SH "\\d\\b", SH "\\d\\sub",
                                SH "\\d\\sub\\c", SH "\\z", NULL});
    memset(&g, 0, sizeof g);
    assert_int_equal(csc_enum_items(cache, NULL, CSC_ENUM_FLAT | CSC_ENUM_FLAT_FILESONLY,
                                    collect, &g),
                     CSC_S_OK);
    expect(&g, (const char *[]){SH "\\d\\A", SH "\\d\\b", SH "\\d\\sub\\c", SH "\\z", NULL});
    memset(&g, 0, sizeof g);
    assert_int_equal(csc_enum_items(cache, "\\\\r\\x", CSC_ENUM_FLAT, collect, &g), CSC_S_OK);
    assert_int_equal(g.n, 0); /* an empty container */
    /* Stop early; reads and refused changes from the callback. */
    memset(&g, 0, sizeof g);
    g.stop_after = 2;
    g.cache = cache;
    assert_int_equal(csc_enum_items(cache, NULL, CSC_ENUM_FLAT, collect, &g), CSC_S_OK);
    expect(&g, (const char *[]){"\\\\r", "\\\\r\\x", NULL});
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

static void test_enum_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = tree();
    got_t g = {0};
    assert_int_equal(csc_enum_items(cache, NULL, CSC_ENUM_FLAT_FILESONLY, collect, &g),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_enum_items(cache, NULL, 4, collect, &g), CSC_E_INVALIDARG);
    assert_int_equal(csc_enum_items(cache, NULL, 0, NULL, NULL), CSC_E_INVALIDARG);
    assert_int_equal(csc_enum_items(cache, SH "\\z", 0, collect, &g), CSC_E_NOINTERFACE);
    assert_int_equal(csc_enum_items(cache, SH "\\nope", 0, collect, &g), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_enum_items(cache, "C:\\x", 0, collect, &g), CSC_E_INVALID_NAME);
    assert_int_equal(csc_enum_items(NULL, NULL, 0, collect, &g), CSC_E_POINTER);
    assert_int_equal(g.n, 0);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enum_children_and_flat),
        cmocka_unit_test(test_enum_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
