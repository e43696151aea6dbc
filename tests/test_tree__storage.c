/*
 * tests/test_tree__storage.c: item storage (issue 16's hot/cold layout)
 * through the public API. Items cached in any order, more than one slab of
 * them, are found again by any spelling, keep their display names (short,
 * long, differing from the folded form) and paths; an item handle stays
 * valid while its item is cached, also when other items leave and new ones
 * take their storage (item.h); a deep Unpin's inline path for files keeps
 * every counter a recount gives (C3.5 partly pinned, C5.5 disk space, C5.2
 * evictable), also next to open, dirty and doubly pinned files (C4.5 step
 * 4). The invariant checker runs after each change.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIRS 23
#define FILES 21000 /* more than two slabs of 8,192 items */

/* The display name of file i: short and lowercase (stored inline), with
 * capitals (a display name apart from the folded one), long, or not ASCII. */
static void file_name(char *buf, size_t size, size_t i)
{
    switch (i % 4) {
    case 0:
        snprintf(buf, size, "f%zu", i);
        break;
    case 1:
        snprintf(buf, size, "File%zu.TXT", i);
        break;
    case 2:
        snprintf(buf, size, "a rather long file name number %zu.txt", i);
        break;
    default:
        snprintf(buf, size, "\xC3\x84rger%zu", i); /* "Ärger": folds to "ärger" */
        break;
    }
}

static void file_path(char *buf, size_t size, size_t i)
{
    char name[80];
    file_name(name, sizeof name, i);
    snprintf(buf, size, "\\\\srv\\share\\Dir%zu\\%s", i % DIRS, name);
}

/* The same path in upper case where ASCII. */
static void upper_path(char *buf, size_t size, size_t i)
{
    file_path(buf, size, i);
    for (char *p = buf; *p != '\0'; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
}

/* A permutation of 0..n-1 (xorshift, fixed seed). */
static size_t *shuffled(size_t n)
{
    size_t *order = malloc(n * sizeof *order);
    assert_non_null(order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    for (size_t i = n; i > 1; i--) {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        size_t j = (size_t)(seed % i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    return order;
}

static void assert_names(const csc_item_t *item, size_t i)
{
    char want[128], got[128], name[80];
    file_path(want, sizeof want, i);
    assert_int_equal(csc_item_path(item, got, sizeof got), strlen(want));
    assert_string_equal(got, want);
    file_name(name, sizeof name, i);
    assert_string_equal(csc_item_name(item), name);
}

static void test_items_in_any_order_are_found_by_any_spelling(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    size_t *order = shuffled(FILES);
    csc_item_t **items = calloc(FILES, sizeof *items);
    assert_non_null(items);
    char path[128];
    for (size_t k = 0; k < FILES; k++) {
        size_t i = order[k];
        file_path(path, sizeof path, i);
        assert_int_equal(csc_cache_file(cache, path, true, i, &items[i]), CSC_S_OK);
        assert_non_null(items[i]);
    }
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), FILES + DIRS + 2);
    for (size_t i = 0; i < FILES; i++) {
        csc_item_t *found = NULL;
        upper_path(path, sizeof path, i);
        assert_int_equal(csc_cache_find(cache, path, &found), CSC_S_OK);
        assert_ptr_equal(found, items[i]);
        assert_names(items[i], i);
        assert_int_equal(csc_item_size(items[i]), i);
    }
    free(items);
    free(order);
    csc_cache_free(cache);
}

static void test_handles_stay_valid_while_storage_is_reused(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t **items = calloc(FILES, sizeof *items);
    assert_non_null(items);
    char path[128];
    for (size_t i = 0; i < FILES; i++) {
        file_path(path, sizeof path, i);
        assert_int_equal(csc_cache_file(cache, path, true, 1, &items[i]), CSC_S_OK);
    }
    /* Every other file leaves the cache. */
    for (size_t i = 0; i < FILES; i += 2) {
        file_path(path, sizeof path, i);
        const char *p[] = {path};
        assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), CSC_S_OK);
        items[i] = NULL;
    }
    assert_cache_ok(cache);
    /* New files take the freed storage; the remaining handles still name
     * their own items, and no new handle equals one of them. */
    csc_item_t **fresh = calloc(FILES, sizeof *fresh);
    assert_non_null(fresh);
    for (size_t i = 0; i < FILES; i += 2) {
        snprintf(path, sizeof path, "\\\\srv\\other\\N%zu\\new%zu", i % 7, i);
        assert_int_equal(csc_cache_file(cache, path, true, 2, &fresh[i]), CSC_S_OK);
    }
    assert_cache_ok(cache);
    for (size_t i = 1; i < FILES; i += 2) {
        assert_names(items[i], i);
        assert_int_equal(csc_item_type(items[i]), CSC_ITEM_FILE);
        assert_int_equal(csc_item_size(items[i]), 1);
    }
    for (size_t i = 0; i < FILES; i += 2) {
        char want[128];
        snprintf(want, sizeof want, "\\\\srv\\other\\N%zu\\new%zu", i % 7, i);
        assert_int_equal(csc_item_path(fresh[i], path, sizeof path), strlen(want));
        assert_string_equal(path, want);
    }
    /* A deep pin and unpin reach every item, old and new. */
    csc_test_pin1_ok(cache, "\\\\srv\\share", CSC_PIN_FLAG_FOR_USER, true);
    for (size_t i = 1; i < FILES; i += 2)
        assert_true(csc_item_is_pinned(items[i]));
    csc_test_unpin1_ok(cache, "\\\\srv\\share", CSC_PIN_FLAG_FOR_USER, true);
    for (size_t i = 1; i < FILES; i += 2) {
        assert_false(csc_item_is_pinned(items[i]));
        assert_true(csc_item_is_evictable(items[i]));
    }
    free(fresh);
    free(items);
    csc_cache_free(cache);
}

/* A deep Unpin over files in every state the inline path must hand on. */
static void test_deep_unpin_keeps_every_counter(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    enum { N = 3000 };
    csc_item_t *items[N];
    char path[128];
    for (size_t i = 0; i < N; i++) {
        snprintf(path, sizeof path, "\\\\srv\\share\\d%zu\\f%05zu", i / 1000, i);
        assert_int_equal(csc_cache_file(cache, path, true, 10 + i, &items[i]), CSC_S_OK);
    }
    /* Directory d2 and file 2999 stay pinned by a second source. */
    csc_test_pin1_ok(cache, "\\\\srv\\share", CSC_PIN_FLAG_FOR_USER, true);
    csc_test_pin1_ok(cache, "\\\\srv\\share\\d1\\f01500", CSC_PIN_FLAG_FOR_ALL, false);
    csc_test_pin1_ok(cache, "\\\\srv\\share\\d2\\f02999", CSC_PIN_FLAG_FOR_ALL, false);
    for (size_t i = 0; i < N; i += 97)
        assert_int_equal(csc_item_open(cache, items[i]), CSC_S_OK);
    for (size_t i = 5; i < N; i += 89)
        assert_int_equal(csc_item_modify(cache, items[i], 7), CSC_S_OK);
    assert_cache_ok(cache);

    csc_test_unpin1_ok(cache, "\\\\srv\\share", CSC_PIN_FLAG_FOR_USER, true);
    assert_cache_ok(cache);
    uint64_t unpinned = 0, used = 0;
    for (size_t i = 0; i < N; i++) {
        bool still = i == 1500 || i == 2999;
        assert_int_equal(csc_item_is_pinned(items[i]), still);
        assert_int_equal(csc_item_sharing_violations(items[i]), i % 97 == 0 ? 1u : 0u);
        bool open = i % 97 == 0, dirty = i % 89 == 5;
        assert_int_equal(csc_item_is_evictable(items[i]), !still && !open && !dirty);
        used += 10 + i;
        if (!still)
            unpinned += 10 + i;
    }
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, used);
    assert_int_equal(ds.unpinned_used, unpinned);
    csc_item_t *d0 = NULL, *d1 = NULL;
    assert_int_equal(csc_cache_find(cache, "\\\\srv\\share\\d0", &d0), CSC_S_OK);
    assert_int_equal(csc_cache_find(cache, "\\\\srv\\share\\d1", &d1), CSC_S_OK);
    assert_false(csc_item_is_partly_pinned(d0));
    assert_true(csc_item_is_partly_pinned(d1)); /* C3.5: f01500 is still pinned */

    /* Background: open files back off (C4.5 step 4) and stay pinned. */
    csc_test_pin1_ok(cache, "\\\\srv\\share", CSC_PIN_FLAG_FOR_USER, true);
    assert_int_equal(csc_test_unpin1(cache, "\\\\srv\\share",
                                     CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_BACKGROUND, true, NULL),
                     CSC_S_OK);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(csc_item_is_pinned(items[i]), i % 97 == 0 || i == 1500 || i == 2999);
    assert_true(csc_item_is_partly_pinned(d0));
    for (size_t i = 0; i < N; i += 97)
        assert_int_equal(csc_item_close(cache, items[i]), CSC_S_OK);
    assert_cache_ok(cache);

    /* Evicting everything evictable empties what the unpin made evictable. */
    size_t evicted = 0;
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, &evicted), CSC_S_OK);
    assert_true(evicted > 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items_in_any_order_are_found_by_any_spelling),
        cmocka_unit_test(test_handles_stay_valid_while_storage_is_reused),
        cmocka_unit_test(test_deep_unpin_keeps_every_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
