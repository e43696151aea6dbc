/*
 * tests/test_fetch__one.c: the internal fetch API of src/remote/fetch.h,
 * which Pin (C10.8, C15.1) and Synchronize (C12.7, C15.20) build on: the
 * iterator over a cached container's uncached remote children in C2.3
 * order, caching one remote item (type and size from the server, the
 * server's spelling, original version = remote version, sparse unless
 * filled, C5.7 for a fill, C3.3 pins on arrival and PinFor* pins without
 * inherit bits), filling a sparse file, and the pending deep pin table
 * (cleared when its container leaves the cache).
 */
#include "remote_support.h"

#include "remote/fetch.h"
#include "remote/fstate.h"

#include <string.h>

#define SH "\\\\fs1\\docs"

static const csc__rnode_t *rfind(const csc_cache_t *cache, const char *key)
{
    return csc__fetch_find(cache, key, strlen(key));
}

static csc_cache_t *setup(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_dir(cache, SH "\\dir");
    csc_test_file(cache, SH "\\dir\\b.txt", 5);
    assert_int_equal(csc_remote_file(cache, SH "\\dir\\A.txt", true, 30), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\dir\\c.TXT", true, 7), CSC_S_OK);
    assert_int_equal(csc_remote_dir(cache, SH "\\dir\\Sub\\deep"), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, SH "\\dir\\c.TXT", true, 8), CSC_S_OK);
    return cache;
}

/* The iterator: uncached remote children only, in folded-name order. */
static void test_iter_gives_uncached_in_order(void **state)
{
    (void)state;
    csc_cache_t *cache = setup();
    csc__fetch_iter_t it;
    csc__fetch_iter_init(cache, csc_test_find(cache, SH "\\dir"), &it);
    const char *want[] = {"A.txt", "c.TXT", "Sub"};
    for (size_t i = 0; i < 3; i++) {
        const csc__rnode_t *r = csc__fetch_iter_next(&it);
        assert_non_null(r);
        assert_string_equal(csc__rnode_name(r), want[i]);
    }
    assert_null(csc__fetch_iter_next(&it));
    /* A file has no remote children. */
    csc__fetch_iter_init(cache, csc_test_find(cache, SH "\\dir\\b.txt"), &it);
    assert_null(csc__fetch_iter_next(&it));
    csc_cache_free(cache);
}

/* C10.8: a fetched file is sparse (0 bytes held, its size kept), in sync
 * with the remote version, spelled as the server spells it. */
static void test_fetch_file_sparse(void **state)
{
    (void)state;
    csc_cache_t *cache = setup();
    csc_test_advance_to(cache, 4);
    csc_item_t *dir = csc_test_find(cache, SH "\\dir");
    const csc__rnode_t *r = rfind(cache, "\\\\fs1\\docs\\dir\\c.txt");
    assert_non_null(r);
    csc_item_t *item = NULL;
    assert_int_equal(csc__fetch_one(cache, dir, r, false, 0, &item), CSC_S_OK);
    assert_non_null(item);
    assert_string_equal(csc_item_name(item), "c.TXT");
    assert_true(csc_item_is_sparse(item));
    assert_int_equal(csc_item_size(item), 8);
    assert_int_equal(csc_item_last_use(item), 4);
    assert_int_equal(csc_test_original_version(cache, SH "\\dir\\c.txt"), 2);
    assert_used_unlimited(cache, 5, 5); /* the sparse file holds nothing */
    assert_false(csc_item_is_pinned(item));
    assert_cache_ok(cache);
    /* Filling it holds its size. */
    assert_int_equal(csc__fetch_fill(cache, item), CSC_S_OK);
    assert_false(csc_item_is_sparse(item));
    assert_used_unlimited(cache, 13, 13);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C5.7, C15.2: a fill that does not fit fails and changes nothing; a
 * sparse fetch never fails for space. */
static void test_fetch_fill_disk_full(void **state)
{
    (void)state;
    csc_cache_t *cache = setup();
    csc_test_set_limits(cache, 20, CSC_SPACE_UNLIMITED);
    const csc__rnode_t *r = rfind(cache, "\\\\fs1\\docs\\dir\\a.txt");
    assert_non_null(r);
    char *before = csc_test_remote_dump(cache);
    csc_item_t *item = NULL;
    assert_int_equal(csc__fetch_one(cache, NULL, r, true, 0, &item), CSC_E_DISK_FULL);
    assert_null(item);
    assert_unchanged(cache, before);
    assert_int_equal(csc__fetch_one(cache, NULL, r, false, 0, &item), CSC_S_OK);
    assert_true(csc_item_is_sparse(item));
    assert_int_equal(csc__fetch_fill(cache, item), CSC_E_DISK_FULL);
    assert_true(csc_item_is_sparse(item));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C2.2: missing ancestors come silently; C3.3 pins on arrival; PinFor*
 * sources are pins without inherit bits (C15.13). */
static void test_fetch_ancestors_and_pins(void **state)
{
    (void)state;
    csc_cache_t *cache = setup();
    csc_test_pin1_ok(cache, SH "\\dir", CSC_PIN_FLAG_FOR_ALL, true);
    const csc__rnode_t *r = rfind(cache, "\\\\fs1\\docs\\dir\\sub\\deep");
    assert_non_null(r);
    csc_item_t *item = NULL;
    assert_int_equal(csc__fetch_one(cache, NULL, r, false, CSC_PIN_FLAG_FOR_USER, &item),
                     CSC_S_OK);
    assert_int_equal(csc_item_type(item), CSC_ITEM_DIRECTORY);
    csc_item_t *sub = csc_test_find(cache, SH "\\DIR\\SUB");
    assert_non_null(sub);
    assert_string_equal(csc_item_name(sub), "Sub");
    assert_int_equal(csc_item_pins(sub), CSC_PIN_SOURCE_COMPUTER);
    assert_int_equal(csc_item_inherit(sub), CSC_PIN_SOURCE_COMPUTER);
    assert_int_equal(csc_item_pins(item), CSC_PIN_SOURCE_COMPUTER | CSC_PIN_SOURCE_USER);
    assert_int_equal(csc_item_inherit(item), CSC_PIN_SOURCE_COMPUTER);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* Out of memory at any allocation: nothing changed (C8.1). */
static csc_hresult fetch_deep(csc_cache_t *cache)
{
    const csc__rnode_t *r = rfind(cache, "\\\\fs1\\docs\\dir\\sub\\deep");
    csc_item_t *item;
    return csc__fetch_one(cache, NULL, r, false, 0, &item);
}

static csc_hresult fetch_file(csc_cache_t *cache)
{
    const csc__rnode_t *r = rfind(cache, "\\\\fs1\\docs\\dir\\a.txt");
    csc_item_t *item;
    return csc__fetch_one(cache, NULL, r, false, 0, &item);
}

static void oom_setup(csc_cache_t *cache)
{
    csc_test_dir(cache, SH "\\dir");
    csc_remote_file(cache, SH "\\dir\\A.txt", true, 30);
    csc_remote_dir(cache, SH "\\dir\\Sub\\deep");
}

static void test_fetch_out_of_memory(void **state)
{
    (void)state;
    assert_true(oom_sweep(oom_setup, fetch_deep, CSC_S_OK) > 0);
    assert_true(oom_sweep(oom_setup, fetch_file, CSC_S_OK) > 0);
}

/* C15.20: the pending deep pin table; it leaves with its container. */
static void test_pending_table(void **state)
{
    (void)state;
    csc_cache_t *cache = setup();
    csc_item_t *dir = csc_test_find(cache, SH "\\dir");
    assert_int_equal(csc__pending_pin_add(cache, dir, CSC_PIN_SOURCE_USER), CSC_S_OK);
    assert_int_equal(csc__pending_pin_add(cache, dir, CSC_PIN_SOURCE_COMPUTER), CSC_S_OK);
    assert_int_equal(csc__pending_pin_get(cache, dir),
                     CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_COMPUTER);
    csc__pending_pin_clear(cache, dir, CSC_PIN_SOURCE_USER);
    assert_int_equal(csc__pending_pin_get(cache, dir), CSC_PIN_SOURCE_COMPUTER);
    uint16_t src = 0;
    assert_true(csc__pending_pin_take(cache, dir, &src));
    assert_int_equal(src, CSC_PIN_SOURCE_COMPUTER);
    assert_false(csc__pending_pin_take(cache, dir, &src));
    assert_int_equal(src, 0);
    /* Files get none. */
    assert_int_equal(csc__pending_pin_add(cache, csc_test_find(cache, SH "\\dir\\b.txt"),
                                          CSC_PIN_SOURCE_USER),
                     CSC_S_OK);
    assert_int_equal(csc__pending_pin_count(cache), 0);
    /* The container leaves the cache: its mark goes. */
    assert_int_equal(csc__pending_pin_add(cache, dir, CSC_PIN_SOURCE_USER), CSC_S_OK);
    const char *p[] = {SH "\\dir"};
    assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), CSC_S_OK); /* b.txt, dir */
    assert_false(csc_test_cached(cache, SH "\\dir"));
    assert_int_equal(csc__pending_pin_count(cache), 0);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iter_gives_uncached_in_order),
        cmocka_unit_test(test_fetch_file_sparse),
        cmocka_unit_test(test_fetch_fill_disk_full),
        cmocka_unit_test(test_fetch_ancestors_and_pins),
        cmocka_unit_test(test_fetch_out_of_memory),
        cmocka_unit_test(test_pending_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
