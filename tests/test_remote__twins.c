/*
 * tests/test_remote__twins.c: round-1 setup and the remote side (contract
 * C10.2, C15.4, C15.19, C10.6). Caching with csc_cache_file / csc_cache_dir
 * creates each missing remote twin of the item and its ancestors (a file
 * with the same size, version 1) and the cached file records that version
 * as its original; giving an existing file a size sets the cached copy's
 * and the twin's, with a new version; no twin is made below a remote file or
 * over a remote item of another type; a cached share remembers the remote
 * share's mode (MANUAL when new). C15.4's adoption of the server's size
 * happens [decision] when the server has a version the cache has not taken,
 * so a cache built only with setup calls behaves as in round 1. A setup call
 * that fails (tree errors, disk full, refused allocations) changes neither
 * side.
 */
#include "remote_support.h"

#include "remote/remote.h" /* C10.3's internal predicate */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV "\\\\fs1"
#define SH SRV "\\docs"
#define FILE1 SH "\\dir\\a.txt"

/* C10.2: twins of the item and its ancestors; version 1, same size. */
static void test_c10_2_file_creates_twins(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_advance_to(cache, 2);
    csc_test_file(cache, "\\\\FS1\\Docs\\Dir\\A.txt", 12);
    csc_test_remote_t r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.type, CSC_ITEM_FILE);
    assert_int_equal(r.size, 12);
    assert_int_equal(r.version, 1);
    assert_int_equal(r.last_change, 2);
    assert_int_equal(csc_test_remote(cache, SH "\\dir").type, CSC_ITEM_DIRECTORY);
    assert_int_equal(csc_test_remote(cache, SH).type, CSC_ITEM_SHARE);
    assert_int_equal(csc_test_remote(cache, SRV).type, CSC_ITEM_SERVER);
    assert_int_equal(csc_test_original_version(cache, FILE1), 1); /* in sync with v1 */
    /* The twin takes the spelling of the call (C1.3). */
    char *d = csc_test_remote_dump(cache);
    assert_non_null(strstr(d, "name=A.txt"));
    assert_non_null(strstr(d, "name=Dir"));
    free(d);
    /* A file cached without a size: a twin of size 0. */
    assert_int_equal(csc_cache_file(cache, SH "\\b.txt", false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, SH "\\b.txt").size, 0);
    assert_int_equal(csc_test_remote(cache, SH "\\b.txt").version, 1);
    csc_cache_free(cache);
}

static void test_c10_2_dir_creates_twins(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_dir(cache, SRV);
    assert_int_equal(csc_test_remote(cache, SRV).type, CSC_ITEM_SERVER);
    assert_false(csc_test_remote_exists(cache, SH));
    csc_test_dir(cache, SH "\\x\\y");
    assert_int_equal(csc_test_remote(cache, SH).type, CSC_ITEM_SHARE);
    assert_int_equal(csc_test_remote(cache, SH "\\x\\y").type, CSC_ITEM_DIRECTORY);
    csc_caching_mode_t m;
    assert_int_equal(csc_remote_caching_mode(cache, SH, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_MANUAL); /* C10.6 */
    /* Only what is missing: an existing remote share keeps its mode. */
    assert_int_equal(csc_remote_set_caching_mode(cache, SRV "\\p", CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    csc_test_dir(cache, SRV "\\p\\q");
    assert_int_equal(csc_remote_caching_mode(cache, SRV "\\p", &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_AUTO_DOC);
    /* A remote item deleted comes back when the cached item is cached again. */
    assert_int_equal(csc_remote_delete(cache, SH "\\x"), CSC_S_OK);
    csc_test_dir(cache, SH "\\x\\y");
    assert_true(csc_test_remote_exists(cache, SH "\\x\\y"));
    csc_cache_free(cache);
}

/* C10.2, C15.4: a size given to an existing file sets both, new version. */
static void test_c15_4_size_sets_twin(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 12);
    csc_test_advance_to(cache, 5);
    csc_item_t *f = csc_test_file(cache, FILE1, 30);
    assert_int_equal(csc_item_size(f), 30);
    csc_test_remote_t r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.size, 30);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.last_change, 5);
    assert_int_equal(csc_test_original_version(cache, FILE1), 2);
    /* The same size again is a new version too (C15.4). */
    csc_test_file(cache, FILE1, 30);
    assert_int_equal(csc_test_remote(cache, FILE1).version, 3);
    /* Without a size, an in-sync file keeps its size; the twin is unchanged. */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, FILE1).version, 3);
    assert_int_equal(csc_test_remote(cache, FILE1).size, 30);
    assert_int_equal(csc_item_size(csc_test_find(cache, FILE1)), 30);
    free(before);
    csc_cache_free(cache);
}

/* C15.4 [decision]: without a size, the cached copy takes the server's
 * size and version when the server has a version the cache has not taken. */
static void test_c15_4_adopts_a_changed_server_file(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    /* A file the server had before it was cached. */
    assert_int_equal(csc_remote_file(cache, FILE1, true, 70), CSC_S_OK);
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, FILE1)), 70);
    assert_int_equal(csc_test_original_version(cache, FILE1), 1);
    assert_used_unlimited(cache, 70, 70);
    /* Changed on the server; the next `file` takes the new copy. */
    assert_int_equal(csc_remote_write(cache, FILE1, true, 90), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, FILE1)), 70);
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, FILE1)), 90);
    assert_int_equal(csc_test_original_version(cache, FILE1), 2);
    assert_int_equal(csc_test_remote(cache, FILE1).version, 2); /* the twin is unchanged */
    assert_used_unlimited(cache, 90, 90);
    /* C15.19: a dirty file adopts the size but stays dirty. */
    csc_item_t *f = csc_test_find(cache, FILE1);
    assert_int_equal(csc_item_modify(cache, f, 3), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, FILE1, true, 11), CSC_S_OK);
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 11);
    assert_true(csc_item_is_dirty(f));
    assert_int_equal(csc_test_original_version(cache, FILE1), 3);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C10.2 [decision]: round-1 setup keeps its meaning: a file re-cached after
 * leaving the cache, without a size, is new with size 0 as in round 1 (the
 * twin the setup made is not a server change). */
static void test_c10_2_round1_recache_after_eviction(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 12);
    uint64_t freed = 0;
    size_t count = 0;
    assert_int_equal(csc_cache_evict(cache, true, 0, &freed, &count), CSC_S_OK);
    assert_false(csc_test_cached(cache, FILE1));
    assert_true(csc_test_remote_exists(cache, FILE1)); /* the server keeps it */
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, FILE1)), 0);
    assert_int_equal(csc_test_remote(cache, FILE1).size, 12);
    csc_cache_free(cache);
}

/* C15.19: no twin below a remote file or over an item of another type. */
static void test_c15_19_no_twin_over_another_type(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, SH "\\a", true, 5), CSC_S_OK);
    assert_int_equal(csc_remote_dir(cache, SH "\\d"), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    csc_test_dir(cache, SH "\\a");               /* a cached directory, a remote file */
    csc_test_file(cache, SH "\\a\\b\\c.txt", 3);  /* below the remote file */
    csc_test_file(cache, SH "\\d", 4);            /* a cached file, a remote directory */
    assert_int_equal(csc_item_size(csc_test_find(cache, SH "\\d")), 4);
    /* The remote side is as it was, but for the share's connectivity record,
     * which the cached share made. */
    char *after = csc_test_remote_dump(cache);
    const char *rb = strstr(before, "remote items="), *ra = strstr(after, "remote items=");
    assert_non_null(rb);
    assert_non_null(ra);
    const char *sb = strstr(rb, "\nS "), *sa = strstr(ra, "\nS ");
    assert_null(sb);
    assert_non_null(sa);
    assert_int_equal((size_t)(sa - ra), strlen(rb) - 1); /* the items' lines are identical */
    assert_memory_equal(ra, rb, (size_t)(sa - ra));
    free(before);
    free(after);
    assert_int_equal(csc_test_remote(cache, SH "\\a").type, CSC_ITEM_FILE);
    assert_int_equal(csc_test_original_version(cache, SH "\\d"), 0);
    csc_cache_free(cache);
}

/* C10.6, C15.19: a share cached remembers the remote share's mode. */
static void test_c10_6_cached_share_remembers_mode(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_AUTO_PROGANDDOC),
                     CSC_S_OK);
    csc_test_file(cache, FILE1, 1);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    bool ok = true;
    csc_caching_mode_t m = CSC_CACHING_MODE_NONE;
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_AUTO_PROGANDDOC);
    assert_true(ok);
    /* A share cached while its server is down, the server lacking it:
     * MANUAL, the twin's (C15.19). */
    csc_test_dir(cache, SRV "\\other");
    assert_int_equal(csc_is_path_cacheable(cache, SRV "\\other", &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_MANUAL);
    csc_cache_free(cache);
}

/* C10.3: changed on the server when the twin's version differs from the
 * original version or the twin is gone; a setup cache is in sync. */
static void test_c10_3_changed_on_server(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, FILE1, 5);
    csc_item_t *g = csc_test_file(cache, SH "\\g.txt", 5);
    assert_false(csc__remote_changed_on_server(cache, f));
    assert_false(csc__remote_changed_on_server(cache, g));
    csc_test_file(cache, FILE1, 6); /* both sides get the size: still in sync */
    assert_false(csc__remote_changed_on_server(cache, f));
    assert_int_equal(csc_remote_write(cache, FILE1, false, 0), CSC_S_OK);
    assert_true(csc__remote_changed_on_server(cache, f));
    assert_false(csc__remote_changed_on_server(cache, g));
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_S_OK); /* C15.4 */
    assert_false(csc__remote_changed_on_server(cache, f));
    assert_int_equal(csc_remote_delete(cache, SH "\\g.txt"), CSC_S_OK);
    assert_true(csc__remote_changed_on_server(cache, g));
    assert_int_equal(csc_remote_dir(cache, SH "\\g.txt"), CSC_S_OK); /* not a file */
    assert_true(csc__remote_changed_on_server(cache, g));
    csc_cache_free(cache);
}

/* Failed setup calls change neither side. */
static void test_c10_2_failed_setup_changes_nothing(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 10);
    csc_test_set_limits(cache, 100, CSC_SPACE_UNLIMITED);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_cache_file(cache, FILE1 "\\x", false, 0, NULL), CSC_E_DIRECTORY);
    assert_int_equal(csc_cache_dir(cache, FILE1, NULL), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_cache_file(cache, SH "\\dir", false, 0, NULL), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_cache_file(cache, SRV "\\new\\big", true, 1000, NULL), CSC_E_DISK_FULL);
    assert_int_equal(csc_cache_file(cache, FILE1, true, 1000, NULL), CSC_E_DISK_FULL);
    assert_int_equal(csc_cache_file(cache, SH, false, 0, NULL), CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_dir(cache, "\\\\fs1\\a|b", NULL), CSC_E_INVALID_NAME);
    assert_unchanged(cache, before);
    /* C15.4 adoption that does not fit (C5.7): nothing changes either. */
    assert_int_equal(csc_remote_write(cache, FILE1, true, 5000), CSC_S_OK);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_cache_file(cache, FILE1, false, 0, NULL), CSC_E_DISK_FULL);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C8.1: refused allocations in setup calls leave both sides as they were. */
static void setup_some(csc_cache_t *cache)
{
    csc_test_file(cache, SH "\\z.txt", 1);
    assert_int_equal(csc_remote_file(cache, SRV "\\r\\f.txt", true, 3), CSC_S_OK);
}

static csc_hresult op_new_file(csc_cache_t *cache)
{
    return csc_cache_file(cache, "\\\\new\\s\\d\\f.txt", true, 8, NULL);
}

static csc_hresult op_new_dir(csc_cache_t *cache)
{
    return csc_cache_dir(cache, SRV "\\newshare\\d1\\d2", NULL); /* a new share: its record */
}

static csc_hresult op_existing_remote(csc_cache_t *cache)
{
    return csc_cache_file(cache, SRV "\\r\\f.txt", false, 0, NULL);
}

static csc_hresult op_recache(csc_cache_t *cache)
{
    return csc_cache_file(cache, SH "\\z.txt", true, 4, NULL);
}

static void test_c8_1_setup_allocation_failures(void **state)
{
    (void)state;
    assert_true(oom_sweep(setup_some, op_new_file, CSC_S_OK) >= 1);
    assert_true(oom_sweep(setup_some, op_new_dir, CSC_S_OK) >= 1);
    assert_true(oom_sweep(setup_some, op_existing_remote, CSC_S_OK) >= 1);
    /* An item cached with its twins needs no memory to change. */
    assert_int_equal(oom_sweep(setup_some, op_recache, CSC_S_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c10_2_file_creates_twins),
        cmocka_unit_test(test_c10_2_dir_creates_twins),
        cmocka_unit_test(test_c15_4_size_sets_twin),
        cmocka_unit_test(test_c15_4_adopts_a_changed_server_file),
        cmocka_unit_test(test_c10_2_round1_recache_after_eviction),
        cmocka_unit_test(test_c15_19_no_twin_over_another_type),
        cmocka_unit_test(test_c10_6_cached_share_remembers_mode),
        cmocka_unit_test(test_c10_3_changed_on_server),
        cmocka_unit_test(test_c10_2_failed_setup_changes_nothing),
        cmocka_unit_test(test_c8_1_setup_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
