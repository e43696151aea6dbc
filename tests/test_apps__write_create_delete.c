/*
 * tests/test_apps__write_create_delete.c: applications' write, create and
 * delete (contract C11.2, C11.4, C11.5, C15.8, C15.9, C15.19, C10.3, C13.5):
 * write-through online and offline writes, files created and deleted
 * offline with their states and local last change, the online and offline
 * cases of create and delete, a file changed on the client worked on in the
 * cache whatever the connectivity, and every error code with "nothing
 * changes".
 */
#include "remote_support.h"

#include "remote/fstate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV "\\\\fs1"
#define SH SRV "\\docs"
#define F1 SH "\\dir\\a.txt"
#define AUTO SRV "\\auto"

static void down(csc_cache_t *cache)
{
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
}

static void up(csc_cache_t *cache)
{
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
}

static uint64_t local_time(const csc_item_t *item)
{
    uint64_t t = 12345;
    assert_true(csc_item_local_change_time(item, &t));
    return t;
}

static void test_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    assert_int_equal(csc_app_write(NULL, F1, 1, false, 0), CSC_E_POINTER);
    assert_int_equal(csc_app_write(cache, NULL, 1, false, 0), CSC_E_POINTER);
    assert_int_equal(csc_app_create(NULL, F1, 0), CSC_E_POINTER);
    assert_int_equal(csc_app_create(cache, NULL, 0), CSC_E_POINTER);
    assert_int_equal(csc_app_delete(NULL, F1), CSC_E_POINTER);
    assert_int_equal(csc_app_delete(cache, NULL), CSC_E_POINTER);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_write(cache, "x", 1, false, 0), CSC_E_INVALID_NAME);
    assert_int_equal(csc_app_create(cache, "x", 0), CSC_E_INVALID_NAME);
    assert_int_equal(csc_app_delete(cache, "x"), CSC_E_INVALID_NAME);
    /* C15.8: directories (cached, remote, shares, servers) */
    assert_int_equal(csc_app_write(cache, SH "\\dir", 1, false, 0), CSC_E_INVALIDARG);
    assert_int_equal(csc_app_delete(cache, SH "\\dir"), CSC_E_INVALIDARG);
    assert_int_equal(csc_app_write(cache, SH, 1, false, 0), CSC_E_INVALIDARG);
    assert_int_equal(csc_app_delete(cache, SRV), CSC_E_INVALIDARG);
    /* C15.19: create with fewer than three components */
    assert_int_equal(csc_app_create(cache, SH, 0), CSC_E_INVALID_NAME);
    assert_int_equal(csc_app_create(cache, SRV, 0), CSC_E_INVALID_NAME);
    /* C15.9: create over a directory */
    assert_int_equal(csc_app_create(cache, SH "\\dir", 0), CSC_E_ALREADY_EXISTS);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C11.2 online: write-through to a clean cached copy; an uncached remote
 * file changes on the server only; a missing one: 0x80070002. */
static void test_write_online(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    csc_test_advance_to(cache, 4);
    assert_int_equal(csc_app_write(cache, F1, 3, true, 50), CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, F1);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.size, 50);
    assert_int_equal(r.last_change, 4);
    assert_int_equal(csc_item_size(f), 50);
    assert_false(csc_item_is_dirty(f));
    assert_int_equal(csc_item_dirty_bytes(f), 0);
    uint64_t v = 0;
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 2);
    assert_false(csc_item_changed_on_server(f));
    assert_false(csc_item_local_change_time(f, NULL)); /* online: no local change */
    /* without size=: unchanged */
    assert_int_equal(csc_app_write(cache, F1, 1, false, 0), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, F1).size, 50);
    assert_int_equal(csc_test_remote(cache, F1).version, 3);
    assert_int_equal(csc_item_size(f), 50);
    /* a clean copy changed on the server: takes the write's version */
    assert_int_equal(csc_remote_write(cache, F1, true, 7), CSC_S_OK);
    assert_int_equal(csc_app_write(cache, F1, 1, false, 0), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 7);
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 5);
    /* uncached */
    assert_int_equal(csc_remote_file(cache, SH "\\r.txt", true, 1), CSC_S_OK);
    assert_int_equal(csc_app_write(cache, SH "\\r.txt", 1, true, 9), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, SH "\\r.txt").size, 9);
    assert_int_equal(csc_test_remote(cache, SH "\\r.txt").version, 2);
    csc_item_t *none = (csc_item_t *)1;
    assert_int_equal(csc_cache_find(cache, SH "\\r.txt", &none), CSC_E_FILE_NOT_FOUND);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_write(cache, SH "\\none.txt", 1, false, 0), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    /* C15.8: write-through never fails for space */
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 10, 10), CSC_S_OK);
    assert_int_equal(csc_app_write(cache, F1, 1, true, 100), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 100);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C15.19: a write-through to a sparse cached copy leaves it sparse. */
static void test_write_through_sparse(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    assert_int_equal(csc__fstate_make_sparse(cache, f, 5), CSC_S_OK);
    assert_int_equal(csc_app_write(cache, F1, 1, true, 20), CSC_S_OK);
    assert_true(csc_item_is_sparse(f));
    assert_int_equal(csc_item_size(f), 20);
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, 0);
    /* offline: 0x800710FE, nothing changes */
    down(cache);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_write(cache, F1, 1, false, 0), CSC_E_FILE_OFFLINE);
    assert_unchanged(cache, before);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.2 offline, C15.9: dirty, dirty bytes grow, size, local last change;
 * then, online again, the dirty file is still worked on in the cache
 * (C15.8). */
static void test_write_offline(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    down(cache);
    csc_test_advance_to(cache, 6);
    assert_int_equal(csc_app_write(cache, F1, 4, true, 8), CSC_S_OK);
    assert_true(csc_item_is_dirty(f));
    assert_int_equal(csc_item_dirty_bytes(f), 4);
    assert_int_equal(csc_item_size(f), 8);
    assert_int_equal(local_time(f), 6);
    assert_int_equal(csc_app_write(cache, F1, 2, false, 0), CSC_S_OK);
    assert_int_equal(csc_item_dirty_bytes(f), 6);
    assert_int_equal(csc_item_size(f), 8);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_write(cache, SH "\\nope.txt", 1, false, 0), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    up(cache); /* C10.10: the service's Synchronize sends the change out */
    assert_false(csc_item_is_dirty(f));
    assert_int_equal(csc_test_remote(cache, F1).version, 2);
    assert_int_equal(csc_test_remote(cache, F1).size, 8);
    assert_int_equal(csc_item_modify(cache, f, 6), CSC_S_OK); /* dirty again, online */
    csc_test_advance_to(cache, 9);
    assert_int_equal(csc_app_write(cache, F1, 1, true, 3), CSC_S_OK);
    assert_int_equal(csc_item_dirty_bytes(f), 7);
    assert_int_equal(csc_item_size(f), 3);
    assert_int_equal(local_time(f), 9);
    assert_int_equal(csc_test_remote(cache, F1).version, 2); /* the server untouched */
    assert_int_equal(csc_test_remote(cache, F1).size, 8);
    /* C15.8: offline writes never fail for space */
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 4, 4), CSC_S_OK);
    assert_int_equal(csc_app_write(cache, F1, 1, true, 1000), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 1000);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C15.9: modify (round 1) sets the local last change too. */
static void test_modify_sets_local_change(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    assert_false(csc_item_local_change_time(f, NULL));
    csc_test_advance_to(cache, 3);
    assert_int_equal(csc_item_modify(cache, f, 2), CSC_S_OK);
    assert_int_equal(local_time(f), 3);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.4 online: made on the server (version 1); cached on AUTO shares and
 * below an inherit bit (not on NOCACHING); errors 0x80070003, 0x800700B7. */
static void test_create_online(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    csc_test_advance_to(cache, 2);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\new.txt", 6), CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, SH "\\dir\\new.txt");
    assert_int_equal(r.version, 1);
    assert_int_equal(r.size, 6);
    assert_int_equal(r.last_change, 2);
    csc_item_t *none = (csc_item_t *)1;
    assert_int_equal(csc_cache_find(cache, SH "\\dir\\new.txt", &none), CSC_E_FILE_NOT_FOUND);
    /* AUTO: cached in sync */
    assert_int_equal(csc_remote_set_caching_mode(cache, AUTO, CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_app_create(cache, AUTO "\\n.doc", 3), CSC_S_OK);
    csc_item_t *n = csc_test_find(cache, AUTO "\\n.doc");
    assert_int_equal(csc_item_size(n), 3);
    assert_false(csc_item_is_dirty(n));
    uint64_t v = 0;
    assert_true(csc_item_original_version(n, &v));
    assert_int_equal(v, 1);
    /* an inherit bit on the cached parent: cached and pinned (C3.3) */
    const char *p[] = {SH "\\dir"};
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\pinned.txt", 1), CSC_S_OK);
    assert_int_equal(csc_item_pins(csc_test_find(cache, SH "\\dir\\pinned.txt")),
                     CSC_PIN_SOURCE_USER);
    /* NOCACHING: not cached, inherit bit or not */
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_NOCACHING),
                     CSC_S_OK);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\nc.txt", 1), CSC_S_OK);
    assert_int_equal(csc_cache_find(cache, SH "\\dir\\nc.txt", &none), CSC_E_FILE_NOT_FOUND);
    assert_true(csc_test_remote_exists(cache, SH "\\dir\\nc.txt"));
    /* errors */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_create(cache, SH "\\missing\\x.txt", 1), CSC_E_PATH_NOT_FOUND);
    assert_int_equal(csc_app_create(cache, F1 "\\x.txt", 1), CSC_E_PATH_NOT_FOUND); /* C15.9 */
    assert_int_equal(csc_app_create(cache, F1, 1), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\nc.txt", 1), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_remote_dir(cache, SH "\\rd"), CSC_S_OK);
    free(before);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_create(cache, SH "\\rd", 1), CSC_E_ALREADY_EXISTS);
    assert_unchanged(cache, before);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C15.19: a clean cached copy of an older file takes the new remote file;
 * C5.7 on AUTO caching: 0x80070070 and nothing changes (no remote file). */
static void test_create_over_old_copy_and_space(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    assert_int_equal(csc_remote_delete(cache, F1), CSC_S_OK);
    assert_int_equal(csc_app_create(cache, F1, 9), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 9);
    uint64_t v = 0;
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 1);
    assert_false(csc_item_changed_on_server(f));
    assert_int_equal(csc_remote_set_caching_mode(cache, AUTO, CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 10, 10), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_create(cache, AUTO "\\big.doc", 2), CSC_E_DISK_FULL);
    assert_unchanged(cache, before);
    assert_false(csc_test_remote_exists(cache, AUTO "\\big.doc"));
    csc_cache_free(cache);
}

/* C11.4 offline: created offline (dirty, N dirty bytes, no original, no
 * twin, local change); C10.3: changed on the server only when the server
 * has a file of that name; C13.5 remote dirty bytes. */
static void test_create_offline(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    down(cache);
    csc_test_advance_to(cache, 5);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\off.txt", 7), CSC_S_OK);
    csc_item_t *c = csc_test_find(cache, SH "\\dir\\off.txt");
    assert_true(csc_item_is_created_offline(c));
    assert_true(csc_item_is_dirty(c));
    assert_int_equal(csc_item_dirty_bytes(c), 7);
    assert_int_equal(csc_item_size(c), 7);
    assert_false(csc_item_original_version(c, NULL));
    assert_int_equal(local_time(c), 5);
    assert_false(csc_test_remote_exists(cache, SH "\\dir\\off.txt"));
    assert_false(csc_item_changed_on_server(c));
    assert_int_equal(csc_item_remote_dirty_bytes(c), 0);
    assert_int_equal(csc_remote_file(cache, SH "\\dir\\off.txt", true, 33), CSC_S_OK);
    assert_true(csc_item_changed_on_server(c)); /* C10.3 */
    assert_int_equal(csc_item_remote_dirty_bytes(c), 33);
    assert_false(csc_item_original_version(c, NULL));
    /* C15.19: `file` never adopts a remote copy for a file created offline */
    assert_int_equal(csc_cache_file(cache, SH "\\dir\\off.txt", false, 0, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(c), 7);
    assert_true(csc_item_is_created_offline(c));
    assert_int_equal(csc_cache_file(cache, SH "\\dir\\off.txt", true, 2, NULL), CSC_S_OK);
    assert_int_equal(csc_item_size(c), 2);
    assert_int_equal(csc_test_remote(cache, SH "\\dir\\off.txt").size, 33);
    assert_int_equal(csc_test_remote(cache, SH "\\dir\\off.txt").version, 1);
    assert_int_equal(csc_item_dirty_bytes(c), 7);
    assert_true(csc_item_is_dirty(c));
    /* errors offline */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_create(cache, SH "\\nodir\\x.txt", 1), CSC_E_PATH_NOT_FOUND);
    assert_int_equal(csc_app_create(cache, F1 "\\x", 1), CSC_E_PATH_NOT_FOUND);
    assert_int_equal(csc_app_create(cache, F1, 1), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\off.txt", 1), CSC_E_ALREADY_EXISTS);
    assert_unchanged(cache, before);
    /* C15.19: online again, a dirty file of that name still blocks */
    up(cache);
    assert_int_equal(csc_remote_delete(cache, SH "\\dir\\off.txt"), CSC_S_OK);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\off.txt", 1), CSC_E_ALREADY_EXISTS);
    assert_unchanged(cache, before);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.5 online: both copies removed; 0x80070002 without a remote file. */
static void test_delete_online(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    assert_int_equal(csc_app_delete(cache, F1), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, F1));
    csc_item_t *none = (csc_item_t *)1;
    assert_int_equal(csc_cache_find(cache, F1, &none), CSC_E_FILE_NOT_FOUND);
    csc_test_find(cache, SH "\\dir"); /* the directory stays */
    assert_int_equal(csc_remote_file(cache, SH "\\r.txt", false, 0), CSC_S_OK);
    assert_int_equal(csc_app_delete(cache, SH "\\r.txt"), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, SH "\\r.txt"));
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_delete(cache, SH "\\r.txt"), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    /* a clean cached copy whose server file is gone */
    csc_test_file(cache, SH "\\g.txt", 1);
    assert_int_equal(csc_remote_delete(cache, SH "\\g.txt"), CSC_S_OK);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_delete(cache, SH "\\g.txt"), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.5 offline, C15.9: deleted offline keeps pins and bytes, opens and a
 * second delete fail; created offline is simply removed; uncached
 * 0x80070002; a dirty file online is deleted offline (C15.8). */
static void test_delete_offline(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    const char *p[] = {F1};
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL), CSC_S_OK);
    down(cache);
    csc_test_advance_to(cache, 8);
    assert_int_equal(csc_app_delete(cache, F1), CSC_S_OK);
    assert_true(csc_item_is_deleted_offline(f));
    assert_true(csc_item_is_dirty(f));
    assert_true(csc_item_is_pinned(f));
    assert_int_equal(local_time(f), 8);
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, 5);
    assert_true(csc_test_remote_exists(cache, F1)); /* the server keeps it */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_delete(cache, F1), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_app_open(cache, F1), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_app_write(cache, F1, 1, false, 0), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_app_create(cache, F1, 1), CSC_E_ALREADY_EXISTS); /* C15.9 */
    assert_int_equal(csc_app_delete(cache, SH "\\none.txt"), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    /* created offline, then deleted: gone */
    assert_int_equal(csc_app_create(cache, SH "\\dir\\tmp.txt", 2), CSC_S_OK);
    assert_int_equal(csc_app_delete(cache, SH "\\dir\\tmp.txt"), CSC_S_OK);
    csc_item_t *none = (csc_item_t *)1;
    assert_int_equal(csc_cache_find(cache, SH "\\dir\\tmp.txt", &none), CSC_E_FILE_NOT_FOUND);
    /* online, a dirty (modified) file: deleted offline all the same */
    up(cache);
    csc_item_t *m = csc_test_file(cache, SH "\\m.txt", 1);
    assert_int_equal(csc_item_modify(cache, m, 1), CSC_S_OK);
    assert_int_equal(csc_app_delete(cache, SH "\\m.txt"), CSC_S_OK);
    assert_true(csc_item_is_deleted_offline(m));
    assert_true(csc_test_remote_exists(cache, SH "\\m.txt"));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* Round 1's local synchronization (C5.8) makes files clean: no longer
 * created or deleted offline, the invariants hold. */
static void test_local_sync_cleans_states(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    down(cache);
    assert_int_equal(csc_app_create(cache, SH "\\dir\\c.txt", 2), CSC_S_OK);
    assert_int_equal(csc_app_delete(cache, F1), CSC_S_OK);
    up(cache);
    const char *p[] = {SH};
    assert_int_equal(csc_synchronize(cache, p, 1, 0x6u, NULL, NULL), CSC_S_OK);
    csc_item_t *c = csc_test_find(cache, SH "\\dir\\c.txt");
    assert_false(csc_item_is_created_offline(c));
    assert_false(csc_item_is_dirty(c));
    assert_false(csc_item_is_deleted_offline(f));
    assert_cache_ok(cache);
    assert_int_equal(csc_app_delete(cache, F1), CSC_S_OK); /* online again */
    /* clean now, online, and the server has no such file (C11.2) */
    assert_int_equal(csc_app_write(cache, SH "\\dir\\c.txt", 1, false, 0),
                     CSC_E_FILE_NOT_FOUND);
    csc_cache_free(cache);
}

/* C8.1: refused allocations change nothing. */
static void setup_files(csc_cache_t *cache)
{
    csc_cache_file(cache, F1, true, 5, NULL);
    csc_cache_file(cache, SH "\\seed.txt", true, 1, NULL);
    csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN);
}

static csc_hresult op_write_offline(csc_cache_t *cache)
{
    return csc_app_write(cache, F1, 1, false, 0);
}

static csc_hresult op_create_offline(csc_cache_t *cache)
{
    return csc_app_create(cache, SH "\\dir\\new.txt", 1);
}

static csc_hresult op_delete_offline(csc_cache_t *cache)
{
    return csc_app_delete(cache, F1);
}

static void setup_online(csc_cache_t *cache)
{
    csc_cache_file(cache, F1, true, 5, NULL);
}

static csc_hresult op_create_online(csc_cache_t *cache)
{
    return csc_app_create(cache, SH "\\dir\\fresh\\..\\new.txt", 1);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    assert_true(oom_sweep(setup_files, op_write_offline, CSC_S_OK) > 0);
    oom_sweep(setup_files, op_create_offline, CSC_S_OK);
    assert_true(oom_sweep(setup_files, op_delete_offline, CSC_S_OK) > 0);
    oom_sweep(setup_online, op_create_online, CSC_S_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_write_online),
        cmocka_unit_test(test_write_through_sparse),
        cmocka_unit_test(test_write_offline),
        cmocka_unit_test(test_modify_sets_local_change),
        cmocka_unit_test(test_create_online),
        cmocka_unit_test(test_create_over_old_copy_and_space),
        cmocka_unit_test(test_create_offline),
        cmocka_unit_test(test_delete_online),
        cmocka_unit_test(test_delete_offline),
        cmocka_unit_test(test_local_sync_cleans_states),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
