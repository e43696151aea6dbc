/*
 * tests/test_remote__namespace.c: the remote namespace (contract C10.1,
 * C10.6, C15.4, C15.5) through cscsim/remote.h. A remote directory call
 * creates the item with its missing ancestors (a server, a MANUAL share);
 * a remote file has a size, version 1 at creation and +1 at every change,
 * and a last-change time read from the virtual clock (C5.4); an existing
 * remote file given again gets a new version and keeps its size unless one
 * is given (C15.4); a write changes version, size and time; a delete removes
 * the subtree; caching modes are the values of C10.6 and only a share has
 * one. Paths are named as the cache's (C1.2, C1.3). Every error is asserted
 * with its code and leaves everything unchanged (C4.1's discipline, a full
 * dump compared), under refused allocations too (C8.1); the setters are
 * changes and the readers queries for the cache's guard (C14.5).
 */
#include "remote_support.h"

#include "remote/remote.h" /* the corruption test reaches the remote items */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV "\\\\fs1"
#define SH SRV "\\docs"
#define FILE1 SH "\\dir\\a.txt"

/* C10.1: a directory with its missing ancestors; types by depth. */
static void test_c10_1_dir_creates_ancestors(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_advance_to(cache, 7);
    assert_int_equal(csc_remote_dir(cache, SH "\\dir\\sub"), CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, SRV);
    assert_int_equal(r.type, CSC_ITEM_SERVER);
    r = csc_test_remote(cache, SH);
    assert_int_equal(r.type, CSC_ITEM_SHARE);
    r = csc_test_remote(cache, SH "\\dir");
    assert_int_equal(r.type, CSC_ITEM_DIRECTORY);
    r = csc_test_remote(cache, SH "\\dir\\sub");
    assert_int_equal(r.type, CSC_ITEM_DIRECTORY);
    /* Containers: size 0, version 0, their creation time (remote.h). */
    assert_int_equal(r.size, 0);
    assert_int_equal(r.version, 0);
    assert_int_equal(r.last_change, 7);
    /* C10.6: a new remote share is MANUAL. */
    csc_caching_mode_t mode;
    assert_int_equal(csc_remote_caching_mode(cache, SH, &mode), CSC_S_OK);
    assert_int_equal(mode, CSC_CACHING_MODE_MANUAL);
    /* The remote side is not the cache: nothing was cached. */
    assert_int_equal(csc_cache_item_count(cache), 0);
    /* An existing directory again: S_OK, nothing changes. */
    char *before = csc_test_remote_dump(cache);
    csc_test_advance_to(cache, 9);
    free(before);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_dir(cache, SH "\\DIR\\Sub"), CSC_S_OK);
    assert_int_equal(csc_remote_dir(cache, SRV), CSC_S_OK);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C10.1, C15.4: files, versions and last-change times. */
static void test_c10_1_file_size_version_time(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_advance_to(cache, 3);
    assert_int_equal(csc_remote_file(cache, FILE1, true, 100), CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.type, CSC_ITEM_FILE);
    assert_int_equal(r.size, 100);
    assert_int_equal(r.version, 1); /* C10.1: 1 when created */
    assert_int_equal(r.last_change, 3);
    assert_true(csc_test_remote_exists(cache, SH "\\dir"));
    /* Without a size a new file has size 0. */
    assert_int_equal(csc_remote_file(cache, SH "\\b.txt", false, 0), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, SH "\\b.txt").size, 0);
    /* C15.4: an existing remote file without size keeps it, new version. */
    csc_test_advance_to(cache, 5);
    assert_int_equal(csc_remote_file(cache, FILE1, false, 0), CSC_S_OK);
    r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.size, 100);
    assert_int_equal(r.version, 2);
    assert_int_equal(r.last_change, 5);
    /* With a size: the size and a new version (C15.4, language). */
    csc_test_advance_to(cache, 6);
    assert_int_equal(csc_remote_file(cache, FILE1, true, 40), CSC_S_OK);
    r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.size, 40);
    assert_int_equal(r.version, 3);
    assert_int_equal(r.last_change, 6);
    /* The remote side caches nothing (C10.1: the embedder builds it). */
    assert_int_equal(csc_cache_item_count(cache), 0);
    csc_cache_free(cache);
}

/* C10.1: a change on the server: version +1, size when given, time now. */
static void test_c10_1_write(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, FILE1, true, 10), CSC_S_OK);
    csc_test_advance_to(cache, 4);
    assert_int_equal(csc_remote_write(cache, FILE1, false, 0), CSC_S_OK);
    csc_test_remote_t r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.size, 10); /* default unchanged */
    assert_int_equal(r.version, 2);
    assert_int_equal(r.last_change, 4);
    csc_test_advance_to(cache, 8);
    assert_int_equal(csc_remote_write(cache, "//FS1/Docs/Dir/A.TXT", true, 77), CSC_S_OK);
    r = csc_test_remote(cache, FILE1);
    assert_int_equal(r.size, 77);
    assert_int_equal(r.version, 3);
    assert_int_equal(r.last_change, 8);

    /* Errors leave everything unchanged. */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_write(cache, SH "\\nothere.txt", true, 1), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_write(cache, SH "\\dir", true, 1), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_write(cache, SH, false, 0), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_write(cache, "\\\\fs1\\docs\\a<b", true, 1), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_write(cache, "C:\\x", true, 1), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_write(cache, NULL, true, 1), CSC_E_POINTER);
    assert_int_equal(csc_remote_write(NULL, FILE1, true, 1), CSC_E_POINTER);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C10.1 (language `remote delete`): the item and everything below it. */
static void test_c10_1_delete_subtree(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, FILE1, true, 10), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\dir\\sub\\b.txt", true, 5), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\c.txt", true, 5), CSC_S_OK);
    assert_int_equal(csc_remote_delete(cache, SH "\\DIR"), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, SH "\\dir"));
    assert_false(csc_test_remote_exists(cache, FILE1));
    assert_false(csc_test_remote_exists(cache, SH "\\dir\\sub"));
    assert_false(csc_test_remote_exists(cache, SH "\\dir\\sub\\b.txt"));
    assert_true(csc_test_remote_exists(cache, SH "\\c.txt"));
    char *d = csc_test_remote_dump(cache);
    assert_non_null(strstr(d, "remote items=3\n"));
    free(d);
    /* A file re-created after a delete starts again at version 1. */
    assert_int_equal(csc_remote_file(cache, FILE1, false, 0), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, FILE1).version, 1);
    /* A whole server. */
    assert_int_equal(csc_remote_delete(cache, SRV), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, SRV));
    assert_false(csc_test_remote_exists(cache, SH "\\c.txt"));
    d = csc_test_remote_dump(cache);
    assert_non_null(strstr(d, "remote items=0\n"));
    free(d);

    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_delete(cache, SRV), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_delete(cache, "\\\\fs1\\..\\x"), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_delete(cache, NULL), CSC_E_POINTER);
    assert_int_equal(csc_remote_delete(NULL, SRV), CSC_E_POINTER);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C10.6, C15.5: caching modes; a share path only; created when missing. */
static void test_c10_6_caching_modes(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    const csc_caching_mode_t modes[] = {CSC_CACHING_MODE_NOCACHING, CSC_CACHING_MODE_MANUAL,
                                        CSC_CACHING_MODE_AUTO_DOC,
                                        CSC_CACHING_MODE_AUTO_PROGANDDOC};
    assert_int_equal(CSC_CACHING_MODE_NONE, 0);
    assert_int_equal(CSC_CACHING_MODE_NOCACHING, 1);
    assert_int_equal(CSC_CACHING_MODE_MANUAL, 2);
    assert_int_equal(CSC_CACHING_MODE_AUTO_DOC, 3);
    assert_int_equal(CSC_CACHING_MODE_AUTO_PROGANDDOC, 4);
    /* Creates the share (and its server) when missing. */
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_AUTO_DOC), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, SRV).type, CSC_ITEM_SERVER);
    assert_int_equal(csc_test_remote(cache, SH).type, CSC_ITEM_SHARE);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        csc_caching_mode_t got = CSC_CACHING_MODE_NONE;
        assert_int_equal(csc_remote_set_caching_mode(cache, "\\\\FS1\\DOCS\\", modes[i]),
                         CSC_S_OK);
        assert_int_equal(csc_remote_caching_mode(cache, SH, &got), CSC_S_OK);
        assert_int_equal(got, modes[i]);
    }
    assert_int_equal(csc_remote_dir(cache, SH "\\d"), CSC_S_OK);

    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_NONE),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, (csc_caching_mode_t)5),
                     CSC_E_INVALIDARG);
    /* The mode is checked before the path. */
    assert_int_equal(csc_remote_set_caching_mode(cache, "C:\\x", (csc_caching_mode_t)5),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_caching_mode(cache, SH "\\d", CSC_CACHING_MODE_MANUAL),
                     CSC_E_INVALIDARG); /* C15.5: a longer path */
    assert_int_equal(csc_remote_set_caching_mode(cache, SRV, CSC_CACHING_MODE_MANUAL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_caching_mode(cache, "\\\\fs1\\do|cs", CSC_CACHING_MODE_MANUAL),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_set_caching_mode(cache, NULL, CSC_CACHING_MODE_MANUAL),
                     CSC_E_POINTER);
    assert_int_equal(csc_remote_set_caching_mode(NULL, SH, CSC_CACHING_MODE_MANUAL),
                     CSC_E_POINTER);
    assert_unchanged(cache, before);

    /* Reading: a share path only; one the server lacks. */
    csc_caching_mode_t m = CSC_CACHING_MODE_AUTO_DOC;
    assert_int_equal(csc_remote_caching_mode(cache, SH "\\d", &m), CSC_E_INVALIDARG);
    assert_int_equal(m, CSC_CACHING_MODE_NONE);
    assert_int_equal(csc_remote_caching_mode(cache, SRV, &m), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_caching_mode(cache, SRV "\\other", &m), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_caching_mode(cache, SH "\\nothere\\x", &m), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_caching_mode(cache, "\\x", &m), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_caching_mode(cache, SH, NULL), CSC_E_POINTER);
    assert_int_equal(csc_remote_caching_mode(NULL, SH, &m), CSC_E_POINTER);
    assert_int_equal(csc_remote_caching_mode(cache, NULL, &m), CSC_E_POINTER);
    csc_cache_free(cache);
}

/* Errors of creation: another type, below a file, invalid names (C1.4,
 * as C2.4), NULLs; each leaves everything as it was. */
static void test_c10_1_creation_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, FILE1, true, 10), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_dir(cache, FILE1), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_remote_file(cache, SH "\\dir", true, 1), CSC_E_ALREADY_EXISTS);
    assert_int_equal(csc_remote_file(cache, FILE1 "\\x", true, 1), CSC_E_DIRECTORY);
    assert_int_equal(csc_remote_dir(cache, FILE1 "\\x\\y"), CSC_E_DIRECTORY);
    assert_int_equal(csc_remote_file(cache, SH, true, 1), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_file(cache, SRV, false, 0), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_file(cache, "\\\\fs1\\docs\\a*b", false, 0),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_dir(cache, ""), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_dir(cache, "\\\\.\\x"), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_dir(cache, "\\\\fs1\\..\\x"), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_dir(cache, NULL), CSC_E_POINTER);
    assert_int_equal(csc_remote_dir(NULL, SH), CSC_E_POINTER);
    assert_int_equal(csc_remote_file(cache, NULL, false, 0), CSC_E_POINTER);
    assert_int_equal(csc_remote_file(NULL, FILE1, false, 0), CSC_E_POINTER);
    assert_unchanged(cache, before);

    /* Reading: absent items, invalid paths, NULLs; outputs optional. */
    csc_item_type_t t = CSC_ITEM_NONE;
    uint64_t size = 9;
    assert_int_equal(csc_remote_item(cache, SH "\\nope", &t, &size, NULL, NULL),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_item(cache, "\\\\fs1\\docs\\a?", &t, NULL, NULL, NULL),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_item(cache, NULL, &t, NULL, NULL, NULL), CSC_E_POINTER);
    assert_int_equal(csc_remote_item(NULL, FILE1, &t, NULL, NULL, NULL), CSC_E_POINTER);
    assert_int_equal(csc_remote_item(cache, FILE1, NULL, NULL, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_remote_item(cache, FILE1, NULL, &size, NULL, NULL), CSC_S_OK);
    assert_int_equal(size, 10);
    csc_cache_free(cache);
}

/* C1.2, C1.3: keys are normalised, case-folded paths; the first spelling
 * is kept (C1.3); children are ordered by folded name (C2.3). */
static void test_c1_keys_as_the_cache(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, "//FS1/Docs/./x/../Straße.TXT", true, 3), CSC_S_OK);
    assert_int_equal(csc_test_remote(cache, "\\\\fs1\\DOCS\\STRASSE.txt\\..\\straße.txt").size,
                     3);
    assert_false(csc_test_remote_exists(cache, "\\\\fs1\\docs\\strasse.txt")); /* simple folding */
    assert_int_equal(csc_remote_file(cache, "\\\\?\\UNC\\fs1\\docs\\ΣΊΣΥΦΟΣ", false, 0),
                     CSC_S_OK);
    assert_true(csc_test_remote_exists(cache, "\\\\FS1\\docs\\σίσυφος"));
    assert_int_equal(csc_remote_file(cache, SH "\\B.txt", false, 0), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\a.txt", false, 0), CSC_S_OK);
    assert_false(csc_test_remote_exists(cache, SH "\\x"));
    char *d = csc_test_remote_dump(cache);
    const char *a = strstr(d, "name=a.txt"), *b = strstr(d, "name=B.txt"),
               *s = strstr(d, "name=Straße.TXT");
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(s);
    assert_true(a < b && b < s); /* a.txt, b.txt, straße.txt (C2.3) */
    assert_non_null(strstr(d, "name=Docs ")); /* first spelling (C1.3) */
    free(d);
    csc_cache_free(cache);
}

/* csc_cache_check covers the remote side: each corruption is reported. */
static void test_check_reports_remote_corruption(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, SH "\\b.txt", true, 1), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\c.txt", true, 1), CSC_S_OK);
    char why[256];
    assert_int_equal(csc_cache_check(cache, why, sizeof why), CSC_S_OK);
    csc__rnode_t *share = csc__remote_find(cache, "\\\\fs1\\docs", 10);
    assert_non_null(share);
    csc__rnode_t *b = share->first_child;
    assert_string_equal(csc__rnode_name(b), "b.txt");

    b->version = 0; /* a file's version starts at 1 */
    assert_int_equal(csc_cache_check(cache, why, sizeof why), CSC_E_UNEXPECTED);
    assert_non_null(strstr(why, "version"));
    b->version = 1;
    share->mode = 0; /* a share has a mode of C10.6 */
    assert_int_equal(csc_cache_check(cache, why, sizeof why), CSC_E_UNEXPECTED);
    assert_non_null(strstr(why, "caching mode"));
    share->mode = CSC_CACHING_MODE_MANUAL;
    /* Children out of order (C2.3). */
    csc__rnode_t *c = b->next_sibling;
    share->first_child = c;
    share->last_child = b;
    c->prev_sibling = NULL;
    c->next_sibling = b;
    b->prev_sibling = c;
    b->next_sibling = NULL;
    assert_int_equal(csc_cache_check(cache, why, sizeof why), CSC_E_UNEXPECTED);
    assert_non_null(strstr(why, "order"));
    share->first_child = b;
    share->last_child = c;
    b->prev_sibling = NULL;
    b->next_sibling = c;
    c->prev_sibling = b;
    c->next_sibling = NULL;
    cache->remote->node_count++;
    assert_int_equal(csc_cache_check(cache, why, sizeof why), CSC_E_UNEXPECTED);
    assert_non_null(strstr(why, "count"));
    cache->remote->node_count--;
    assert_int_equal(csc_cache_check(cache, why, sizeof why), CSC_S_OK);
    csc_cache_free(cache);
}

/* ---- C14.5: the guard ------------------------------------------------------ */

static csc_cache_t *g_cache;
static csc_hresult g_change, g_query;

static void on_evict(void *ud, const char *path, uint64_t size)
{
    (void)ud;
    (void)path;
    (void)size;
    g_change = csc_remote_dir(g_cache, SH "\\new");
    csc_item_type_t t;
    g_query = csc_remote_item(g_cache, FILE1, &t, NULL, NULL, NULL);
}

static void test_c14_5_changes_refused_inside_a_callback(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    g_cache = cache;
    csc_test_file(cache, FILE1, 4);
    assert_int_equal(csc_cache_set_evict_callback(cache, on_evict, NULL), CSC_S_OK);
    g_change = g_query = CSC_E_FAIL;
    uint64_t freed = 0;
    size_t count = 0;
    assert_int_equal(csc_cache_evict(cache, true, 0, &freed, &count), CSC_S_OK);
    assert_int_equal(g_change, CSC_E_BUSY); /* a change from inside a callback */
    assert_int_equal(g_query, CSC_S_OK);    /* a read goes ahead */
    assert_false(csc_test_remote_exists(cache, SH "\\new"));
    csc_cache_free(cache);
}

/* ---- C8.1: refused allocations change nothing ------------------------------ */

static void setup_share(csc_cache_t *cache)
{
    assert_int_equal(csc_remote_dir(cache, SH), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\z.txt", true, 1), CSC_S_OK);
}

/* Remote items come from a slab (src/remote/remote.h): small ones rarely
 * allocate, items over 512 bytes always do. Names of 150 bytes make every
 * item of these paths such an item from the fourth component on. */
#define LONG150 \
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz" \
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr"

static csc_hresult op_deep_dir(csc_cache_t *cache)
{
    return csc_remote_dir(cache, "\\\\other\\" LONG150 "\\" LONG150 "\\" LONG150
                                 "\\" LONG150 "\\" LONG150);
}

static csc_hresult op_file(csc_cache_t *cache)
{
    return csc_remote_file(cache, SH "\\" LONG150 "\\" LONG150 "\\y.txt", true, 5);
}

/* The next small item needs a new slab chunk. */
static void setup_full_slab(csc_cache_t *cache)
{
    setup_share(cache);
    csc_test_fill_slab(cache, SH "\\m\\f%05u.txt");
}

static csc_hresult op_needs_chunk(csc_cache_t *cache)
{
    return csc_remote_file(cache, SH "\\m\\x9999.txt", true, 1);
}

static csc_hresult op_mode_new_share(csc_cache_t *cache)
{
    return csc_remote_set_caching_mode(cache, "\\\\new\\s", CSC_CACHING_MODE_AUTO_DOC);
}

static char g_long[3000];

static csc_hresult op_long_path(csc_cache_t *cache)
{
    return csc_remote_file(cache, g_long, true, 2);
}

static csc_hresult op_long_read(csc_cache_t *cache)
{
    return csc_remote_item(cache, g_long, NULL, NULL, NULL, NULL);
}

static csc_hresult op_existing(csc_cache_t *cache)
{
    return csc_remote_file(cache, SH "\\z.txt", true, 9);
}

static csc_hresult op_delete(csc_cache_t *cache)
{
    return csc_remote_delete(cache, SH);
}

static void test_c8_1_allocation_failures(void **state)
{
    (void)state;
    assert_true(oom_sweep(setup_share, op_deep_dir, CSC_S_OK) >= 1);
    assert_true(oom_sweep(setup_share, op_file, CSC_S_OK) >= 1);
    assert_true(oom_sweep(NULL, op_mode_new_share, CSC_S_OK) >= 1); /* the first table */
    assert_true(oom_sweep(setup_full_slab, op_needs_chunk, CSC_S_OK) >= 1);
    /* A path longer than the normaliser's stack buffer allocates. */
    size_t n = (size_t)snprintf(g_long, sizeof g_long, "%s", SH);
    while (n + 12 < sizeof g_long)
        n += (size_t)snprintf(g_long + n, sizeof g_long - n, "\\component");
    assert_true(oom_sweep(setup_share, op_long_path, CSC_S_OK) >= 1);
    assert_true(oom_sweep(setup_share, op_long_read, CSC_E_FILE_NOT_FOUND) >= 1);
    /* Changing an existing file or deleting needs no memory. */
    assert_int_equal(oom_sweep(setup_share, op_existing, CSC_S_OK), 0);
    assert_int_equal(oom_sweep(setup_share, op_delete, CSC_S_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c10_1_dir_creates_ancestors),
        cmocka_unit_test(test_c10_1_file_size_version_time),
        cmocka_unit_test(test_c10_1_write),
        cmocka_unit_test(test_c10_1_delete_subtree),
        cmocka_unit_test(test_c10_6_caching_modes),
        cmocka_unit_test(test_c10_1_creation_errors),
        cmocka_unit_test(test_c1_keys_as_the_cache),
        cmocka_unit_test(test_check_reports_remote_corruption),
        cmocka_unit_test(test_c14_5_changes_refused_inside_a_callback),
        cmocka_unit_test(test_c8_1_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
