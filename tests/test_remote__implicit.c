/*
 * tests/test_remote__implicit.c: the implicit remote twins of
 * src/remote/remote.h (C10.2 at no cost). A file cached by setup in sync
 * with its server has no remote record until it would differ from its
 * cached copy: it keeps its twin when it leaves the cache (eviction,
 * DeleteItems: C5.6, C10.1) without allocating, a server change makes a
 * record (C10.1, C15.4), a remote delete removes it, alone or with its
 * directory; a snapshot load keeps the replaced files' twins. These tests read the storage (record counts) on purpose.
 */
#include "remote_support.h"

#include "remote/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SH "\\\\fs1\\docs"
#define DIR SH "\\dir"

static size_t records(const csc_cache_t *cache)
{
    return cache->remote->node_count;
}

static void cache_files(csc_cache_t *cache, size_t n)
{
    char path[64];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, DIR "\\f%03zu.txt", i);
        csc_test_file(cache, path, 10 + i);
    }
}

/* C10.2: the twins exist, as the cached files, with no record each. */
static void test_c10_2_setup_twins_have_no_record(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_advance_to(cache, 3);
    cache_files(cache, 50);
    assert_int_equal(records(cache), 3); /* server, share, directory */
    csc_test_remote_t r = csc_test_remote(cache, DIR "\\F007.TXT");
    assert_int_equal(r.type, CSC_ITEM_FILE);
    assert_int_equal(r.size, 17);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.last_change, 3);
    assert_int_equal(csc_test_original_version(cache, DIR "\\f007.txt"), 1);
    assert_false(csc__remote_changed_on_server(cache, csc_test_find(cache, DIR "\\f007.txt")));
    /* Another clock in the same directory: that file gets a record. */
    csc_test_advance_to(cache, 9);
    csc_test_file(cache, DIR "\\late.txt", 1);
    assert_int_equal(records(cache), 4);
    assert_int_equal(csc_test_remote(cache, DIR "\\late.txt").last_change, 9);
    assert_int_equal(csc_test_remote(cache, DIR "\\f001.txt").last_change, 3);
    csc_cache_free(cache);
}

/* C5.6, C10.1: evicted and deleted files stay on the server, as they were;
 * the eviction pass allocates nothing for it. */
static void test_c10_1_leaving_the_cache_keeps_the_twin(void **state)
{
    (void)state;
    csc_test_alloc_t st = {0};
    csc_cache_t *cache = csc_test_cache_new_alloc(&st);
    csc_test_advance_to(cache, 4);
    cache_files(cache, 300);
    /* Last uses in reverse name order: the pass evicts against C2.3 order. */
    for (size_t i = 300; i-- > 0;) {
        char path[64];
        snprintf(path, sizeof path, DIR "\\f%03zu.txt", i);
        assert_int_equal(csc_cache_advance_clock(cache, 1), CSC_S_OK);
        assert_int_equal(csc_item_touch(cache, csc_test_find(cache, path)), CSC_S_OK);
    }
    char *before = csc_test_remote_dump(cache);
    free(before);
    size_t allocs = st.count;
    uint64_t freed = 0;
    size_t count = 0;
    st.fail_at = st.count + 1; /* any allocation would fail the pass */
    assert_int_equal(csc_cache_evict(cache, true, 0, &freed, &count), CSC_S_OK);
    assert_false(st.failed);
    assert_int_equal(st.count, allocs);
    st.fail_at = 0;
    assert_int_equal(count, 303); /* the files, the directory, share and server */
    assert_int_equal(records(cache), 303);
    for (size_t i = 0; i < 300; i += 37) {
        char path[64];
        snprintf(path, sizeof path, DIR "\\f%03zu.txt", i);
        csc_test_remote_t r = csc_test_remote(cache, path);
        assert_int_equal(r.size, 10 + i);
        assert_int_equal(r.version, 1);
        assert_int_equal(r.last_change, 4);
    }
    /* A new remote file among them: the children are in C2.3 order again. */
    const char *dkey = "\\\\fs1\\docs\\dir";
    const csc__rnode_t *dir = csc__remote_find(cache, dkey, strlen(dkey));
    assert_non_null(dir);
    assert_true(dir->unsorted); /* appended by the pass, not yet sorted */
    assert_int_equal(csc_remote_file(cache, DIR "\\f150a.txt", true, 1), CSC_S_OK);
    assert_false(dir->unsorted);
    size_t kids = 0;
    for (const csc__rnode_t *c = dir->first_child; c != NULL; c = c->next_sibling, kids++)
        if (c->next_sibling != NULL)
            assert_true(strcmp(c->key, c->next_sibling->key) < 0);
    assert_int_equal(kids, 301);
    char *d = csc_test_remote_dump(cache); /* invariants, order, table */
    free(d);
    /* DeleteItems (C10.1: the server keeps them). */
    csc_test_file(cache, DIR "\\g.txt", 5);
    const char *paths[] = {DIR};
    assert_int_equal(csc_delete_items(cache, paths, 1, 0, NULL, NULL), CSC_S_OK);
    assert_false(csc_test_cached(cache, DIR "\\g.txt"));
    assert_int_equal(csc_test_remote(cache, DIR "\\g.txt").size, 5);
    /* Caching again: in sync with the record, nothing new. */
    size_t n = records(cache);
    csc_test_file(cache, DIR "\\f000.txt", 10);
    assert_int_equal(csc_test_remote(cache, DIR "\\f000.txt").version, 2); /* C15.4 */
    assert_int_equal(records(cache), n);
    csc_cache_free(cache);
}

/* C10.1, C15.4: server changes to an implicit twin. */
static void test_c10_1_server_changes(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    cache_files(cache, 5);
    csc_item_t *f1 = csc_test_find(cache, DIR "\\f001.txt");
    assert_int_equal(csc_remote_write(cache, DIR "\\f001.txt", true, 99), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, DIR "\\f001.txt").version, 2);
    assert_int_equal(csc_test_remote(cache, DIR "\\f001.txt").size, 99);
    assert_int_equal(csc_item_size(f1), 11); /* the cached copy is not touched */
    assert_true(csc__remote_changed_on_server(cache, f1));
    assert_int_equal(csc_remote_file(cache, DIR "\\f002.txt", true, 7), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, DIR "\\f002.txt").version, 2);
    assert_int_equal(csc_remote_dir(cache, DIR "\\f003.txt"), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_remote_file(cache, DIR "\\f003.txt\\x", true, 7), CSC_E_DIRECTORY);
    /* Delete one, then the directory with the rest. */
    assert_int_equal(csc_remote_delete(cache, DIR "\\f003.txt"), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, DIR "\\f003.txt"));
    assert_true(csc__remote_changed_on_server(cache, csc_test_find(cache, DIR "\\f003.txt")));
    assert_true(csc_test_remote_exists(cache, DIR "\\f004.txt"));
    assert_int_equal(csc_remote_delete(cache, DIR), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, DIR "\\f004.txt"));
    assert_false(csc_test_remote_exists(cache, DIR "\\f000.txt"));
    assert_true(csc_test_cached(cache, DIR "\\f004.txt"));
    /* Evicting them now leaves nothing on the server. */
    uint64_t freed = 0;
    size_t count = 0;
    assert_int_equal(csc_cache_evict(cache, true, 0, &freed, &count), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, DIR "\\f004.txt"));
    char *d = csc_test_remote_dump(cache);
    free(d);
    csc_cache_free(cache);
}

/* A snapshot load replaces the cached files (loaded ones were not cached
 * by setup, so they have no twin of their own): the server keeps the old
 * files' twins, as after any other removal (C10.1). */
static void test_c10_1_snapshot_load_keeps_the_twins(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    cache_files(cache, 3);
    void *data = NULL;
    size_t size = 0;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    assert_int_equal(records(cache), 3);
    assert_int_equal(csc_cache_load_buffer(cache, data, size), CSC_S_OK);
    csc_snapshot_free(data);
    assert_int_equal(records(cache), 6);
    assert_true(csc_test_cached(cache, DIR "\\f002.txt"));
    assert_int_equal(csc_test_remote(cache, DIR "\\f002.txt").size, 12);
    assert_int_equal(csc_test_remote(cache, DIR "\\f002.txt").version, 1);
    char *d = csc_test_remote_dump(cache);
    free(d);
    csc_cache_free(cache);
}

/* RenameItemEx renames in the cache only (C13.2): the server keeps the
 * files at their old paths. */
static void test_c13_2_rename_keeps_the_server_paths(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    cache_files(cache, 3);
    assert_int_equal(csc_rename_item_ex(cache, DIR, SH "\\moved", false), CSC_S_OK);
    assert_true(csc_test_cached(cache, SH "\\moved\\f001.txt"));
    assert_int_equal(csc_test_remote(cache, DIR "\\f001.txt").size, 11);
    assert_false(csc_test_remote_exists(cache, SH "\\moved\\f001.txt"));
    char *d = csc_test_remote_dump(cache);
    free(d);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c10_2_setup_twins_have_no_record),
        cmocka_unit_test(test_c10_1_leaving_the_cache_keeps_the_twin),
        cmocka_unit_test(test_c10_1_server_changes),
        cmocka_unit_test(test_c10_1_snapshot_load_keeps_the_twins),
        cmocka_unit_test(test_c13_2_rename_keeps_the_server_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
