/*
 * tests/test_apps__open.c: applications' open and close (contract C11.1,
 * C11.6, C15.6, C15.8, C15.19) and the connectivity that hangs on their
 * non-cached handles (C10.9, C10.11, C15.14): online opens of cached files
 * (refresh of a clean file changed on the server, filling a sparse one),
 * auto-caching on AUTO_DOC and AUTO_PROGANDDOC shares (C3.3 pins on
 * arrival, C5.7 disk space, the eviction pass after), non-cached handles on
 * MANUAL and NOCACHING shares, offline opens (sparse 0x800710FE, deleted
 * offline and uncached 0x80070002), suspended and conflicting items as
 * offline, TransitionOffline's OpenFiles and Force, a server going down,
 * restart; validation and "nothing changes" on every error.
 */
#include "remote_support.h"

#include "remote/fstate.h"
#include "remote/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV "\\\\fs1"
#define SH SRV "\\docs"
#define F1 SH "\\dir\\a.txt"
#define AUTO SRV "\\auto"

static uint32_t nch(const csc_cache_t *cache, const char *path)
{
    uint32_t n = 99;
    assert_int_equal(csc_app_noncached_handles(cache, path, &n), CSC_S_OK);
    return n;
}

static csc_hresult offline(csc_cache_t *cache, const char *path, bool force, bool *open_files)
{
    return csc_transition_offline(cache, path, force, 0, open_files);
}

/* Validation: E_POINTER, 0x8007007B, E_INVALIDARG for containers; nothing
 * changes. */
static void test_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    assert_int_equal(csc_app_open(NULL, F1), CSC_E_POINTER);
    assert_int_equal(csc_app_open(cache, NULL), CSC_E_POINTER);
    assert_int_equal(csc_app_close(NULL, F1), CSC_E_POINTER);
    assert_int_equal(csc_app_close(cache, NULL), CSC_E_POINTER);
    assert_int_equal(csc_app_noncached_handles(cache, F1, NULL), CSC_E_POINTER);
    uint32_t n = 7;
    assert_int_equal(csc_app_noncached_handles(NULL, F1, &n), CSC_E_POINTER);
    assert_int_equal(n, 0);
    assert_int_equal(csc_app_noncached_handles(cache, "nope", &n), CSC_E_INVALID_NAME);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, "not a path"), CSC_E_INVALID_NAME);
    assert_int_equal(csc_app_open(cache, SH "\\dir"), CSC_E_INVALIDARG); /* C15.8 */
    assert_int_equal(csc_app_open(cache, SH), CSC_E_INVALIDARG);
    assert_int_equal(csc_app_open(cache, SRV), CSC_E_INVALIDARG);
    csc_remote_dir(cache, SH "\\remote-only");
    free(before);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, SH "\\remote-only"), CSC_E_INVALIDARG);
    assert_int_equal(csc_app_open(cache, SH "\\none.txt"), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_app_close(cache, SH "\\dir"), CSC_E_INVALIDARG);
    assert_int_equal(csc_app_close(cache, SH "\\none.txt"), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_app_close(cache, "bad"), CSC_E_INVALID_NAME);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C11.1 online, C10.2: a setup-cached file is in sync; open gives a handle
 * on it and touches it (C5.4); close closes it. */
static void test_open_cached_in_sync(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    csc_test_advance_to(cache, 7);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 1);
    assert_int_equal(csc_item_last_use(f), 7);
    assert_int_equal(nch(cache, F1), 0);
    assert_int_equal(csc_app_open(cache, "\\\\FS1\\DOCS\\dir\\A.TXT"), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 2);
    assert_int_equal(csc_app_close(cache, F1), CSC_S_OK);
    assert_int_equal(csc_app_close(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 0);
    assert_false(csc_item_is_open(f));
    /* round 1: closing a cached file with no handle changes nothing */
    assert_int_equal(csc_app_close(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.1: a clean cached file changed on the server is refreshed first; the
 * remote file gone: 0x80070002, nothing changes. */
static void test_refresh_and_gone(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    assert_int_equal(csc_remote_write(cache, F1, true, 40), CSC_S_OK);
    assert_true(csc_item_changed_on_server(f));
    assert_int_equal(csc_item_remote_dirty_bytes(f), 40); /* C13.5 */
    uint64_t v = 0;
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 1);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 40);
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 2);
    assert_false(csc_item_changed_on_server(f));
    assert_int_equal(csc_item_remote_dirty_bytes(f), 0);
    assert_false(csc_item_is_dirty(f));
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, 40);
    /* gone from the server: the original version stays (C13.5) */
    assert_int_equal(csc_remote_delete(cache, F1), CSC_S_OK);
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 2);
    assert_true(csc_item_changed_on_server(f));
    assert_int_equal(csc_item_remote_dirty_bytes(f), 0);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, F1), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C11.1, C15.8: a refresh that does not fit under the total limit fails
 * with 0x80070070 and changes nothing (manual policy). */
static void test_refresh_disk_full(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 10, 10), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, F1, true, 11), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, F1), CSC_E_DISK_FULL);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C11.1, C10.8: a sparse cached file is filled by an online open (C5.7);
 * offline it fails with 0x800710FE, and so does a dirty sparse one online
 * (C15.19). */
static void test_sparse(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 30);
    assert_int_equal(csc__fstate_make_sparse(cache, f, 30), CSC_S_OK);
    assert_true(csc_item_is_sparse(f));
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, 0);
    bool of = true;
    assert_int_equal(offline(cache, SH, false, &of), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, F1), CSC_E_FILE_OFFLINE);
    assert_unchanged(cache, before);
    assert_int_equal(csc_transition_online(cache, SH, 0), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    assert_false(csc_item_is_sparse(f));
    assert_int_equal(csc_item_size(f), 30);
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.used, 30);
    assert_int_equal(csc_item_open_count(f), 1);
    /* a dirty sparse file (only modify makes one) */
    csc_item_t *g = csc_test_file(cache, SH "\\g.txt", 8);
    assert_int_equal(csc__fstate_make_sparse(cache, g, 8), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, g, 1), CSC_S_OK);
    before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, SH "\\g.txt"), CSC_E_FILE_OFFLINE);
    assert_unchanged(cache, before);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.1: auto-caching on AUTO_DOC and AUTO_PROGANDDOC shares: full, clean,
 * original = the remote version, with its ancestors; a share cached anew
 * remembers the mode (C10.6). */
static void test_auto_caching(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_set_caching_mode(cache, AUTO, CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, AUTO "\\d\\x.doc", true, 12), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, AUTO "\\d\\x.doc", false, 0), CSC_S_OK); /* v2 */
    csc_test_advance_to(cache, 3);
    assert_int_equal(csc_app_open(cache, AUTO "\\d\\x.doc"), CSC_S_OK);
    csc_item_t *x = csc_test_find(cache, AUTO "\\d\\x.doc");
    assert_int_equal(csc_item_size(x), 12);
    assert_false(csc_item_is_dirty(x));
    assert_false(csc_item_is_sparse(x));
    assert_false(csc_item_is_pinned(x));
    assert_int_equal(csc_item_open_count(x), 1);
    assert_int_equal(csc_item_last_use(x), 3);
    uint64_t v = 0;
    assert_true(csc_item_original_version(x, &v));
    assert_int_equal(v, 2);
    assert_false(csc_item_changed_on_server(x));
    assert_int_equal(nch(cache, AUTO "\\d\\x.doc"), 0);
    /* programs too; the server down keeps the remembered mode (C10.6) */
    assert_int_equal(csc_remote_set_caching_mode(cache, AUTO, CSC_CACHING_MODE_AUTO_PROGANDDOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, AUTO "\\y.exe", true, 2), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, AUTO "\\y.exe"), CSC_S_OK);
    assert_int_equal(csc_item_size(csc_test_find(cache, AUTO "\\y.exe")), 2);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    bool cacheable = false;
    csc_caching_mode_t mode = CSC_CACHING_MODE_NONE;
    assert_int_equal(csc_is_path_cacheable(cache, AUTO, &cacheable, &mode), CSC_S_OK);
    assert_int_equal(mode, CSC_CACHING_MODE_AUTO_PROGANDDOC);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.1, C3.3: an auto-cached file below an inherit bit is pinned on
 * arrival; C5.7: one that does not fit fails with 0x80070070 and nothing
 * changes; C5.5, C15.3: the eager policy's pass follows (an open file
 * stays). */
static void test_auto_caching_pins_space_and_pass(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_set_caching_mode(cache, AUTO, CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, AUTO "\\p\\in.doc", true, 4), CSC_S_OK);
    csc_test_dir(cache, AUTO "\\p");
    const char *paths[] = {AUTO "\\p"};
    assert_int_equal(csc_pin(cache, paths, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_app_open(cache, AUTO "\\p\\in.doc"), CSC_S_OK);
    assert_int_equal(csc_item_pins(csc_test_find(cache, AUTO "\\p\\in.doc")), CSC_PIN_SOURCE_USER);
    /* C5.7 */
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, 10, 10), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, AUTO "\\big.doc", true, 7), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, AUTO "\\big.doc"), CSC_E_DISK_FULL);
    assert_unchanged(cache, before);
    /* C15.3: the eager pass after an open that cached a file */
    csc_test_file(cache, SH "\\old.txt", 1);
    assert_int_equal(csc_cache_set_policy(cache, CSC_EVICT_EAGER), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, AUTO "\\small.doc", true, 1), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, AUTO "\\small.doc"), CSC_S_OK);
    csc_item_t *gone = (csc_item_t *)1;
    assert_int_equal(csc_cache_find(cache, SH "\\old.txt", &gone), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_item_open_count(csc_test_find(cache, AUTO "\\small.doc")), 1);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.1: MANUAL and NOCACHING shares: a non-cached handle, nothing cached;
 * close closes it; C15.8 the cached copy's handle first. */
static void test_noncached_handles(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, SH "\\n.txt", true, 3), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, SH "\\N.TXT"), CSC_S_OK);
    assert_int_equal(nch(cache, SH "\\n.txt"), 2);
    csc_item_t *none = (csc_item_t *)1;
    assert_int_equal(csc_cache_find(cache, SH "\\n.txt", &none), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_set_caching_mode(cache, SRV "\\nc", CSC_CACHING_MODE_NOCACHING),
                     CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SRV "\\nc\\z", false, 0), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, SRV "\\nc\\z"), CSC_S_OK);
    assert_int_equal(nch(cache, SRV "\\nc\\z"), 1);
    assert_int_equal(csc_cache_find(cache, SRV "\\nc\\z", &none), CSC_E_FILE_NOT_FOUND);
    /* C15.6: fetched later (here by setup), it stays non-cached; close
     * takes the cached copy's handle first. */
    csc_item_t *n = csc_test_file(cache, SH "\\n.txt", 3);
    assert_int_equal(csc_app_open(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(csc_item_open_count(n), 1);
    assert_int_equal(nch(cache, SH "\\n.txt"), 2);
    assert_int_equal(csc_app_close(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(csc_item_open_count(n), 0);
    assert_int_equal(nch(cache, SH "\\n.txt"), 2);
    assert_int_equal(csc_app_close(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(nch(cache, SH "\\n.txt"), 1);
    assert_int_equal(csc_app_close(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(nch(cache, SH "\\n.txt"), 0);
    assert_int_equal(csc_app_close(cache, SRV "\\nc\\z"), CSC_S_OK);
    assert_int_equal(csc_app_close(cache, SRV "\\nc\\z"), CSC_E_FILE_NOT_FOUND);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C11.1 offline: a cached file opens; an uncached one 0x80070002; a file
 * deleted offline 0x80070002. */
static void test_offline_opens(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    csc_test_file(cache, SH "\\del.txt", 5);
    assert_int_equal(csc_remote_file(cache, SH "\\remote.txt", true, 1), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 1);
    assert_int_equal(csc_app_delete(cache, SH "\\del.txt"), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_app_open(cache, SH "\\remote.txt"), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_app_open(cache, SH "\\del.txt"), CSC_E_FILE_NOT_FOUND);
    assert_unchanged(cache, before);
    /* C11.6: handles on cached files are never closed by connectivity */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 1);
    csc_cache_free(cache);
}

/* C15.8, C10.5: a suspended item and an item in conflict behave as offline;
 * an uncached file below a suspension root too. */
static void test_suspended_and_conflict_are_offline(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    assert_int_equal(csc_remote_write(cache, F1, true, 9), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SH "\\dir\\u.txt", true, 1), CSC_S_OK);
    assert_int_equal(csc_suspend_root(cache, SH "\\dir", true), CSC_S_OK);
    assert_connect(cache, F1, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_connect(cache, SH "\\dir\\u.txt", CSC_CONNECT_STATE_OFFLINE,
                   CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_connect(cache, SH, CSC_CONNECT_STATE_ONLINE, CSC_OFFLINE_REASON_NOT_APPLICABLE);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK); /* offline: no refresh */
    assert_int_equal(csc_item_size(f), 5);
    assert_int_equal(csc_app_open(cache, SH "\\dir\\u.txt"), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_suspend_root(cache, SH "\\dir", false), CSC_S_OK);
    /* a conflict (C12.6): ITEM_VERSION_CONFLICT, offline for applications */
    csc__fstate_t *fs = csc__fstate_make(cache, f);
    assert_non_null(fs);
    fs->conflict = CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER;
    assert_connect(cache, F1, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 5); /* not refreshed */
    /* suspended wins over conflict (C10.5's order) */
    assert_int_equal(csc_suspend_root(cache, SH, true), CSC_S_OK);
    assert_connect(cache, F1, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_int_equal(csc_suspend_root(cache, SH, false), CSC_S_OK);
    fs->conflict = 0;
    csc__fstate_settle(cache, f);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK); /* online: refreshed */
    assert_int_equal(csc_item_size(f), 9);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C10.9, C15.6: non-cached handles make TransitionOffline answer OpenFiles
 * TRUE without Force (nothing changes); Force closes them; a scope already
 * offline: FALSE, marked forced, and Force still closes. */
static void test_transition_offline_open_files(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, F1, 5);
    assert_int_equal(csc_remote_file(cache, SH "\\n.txt", true, 3), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, SRV "\\other\\o.txt", true, 3), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, SRV "\\other\\o.txt"), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK); /* a cached handle: no matter */
    bool of = false;
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(offline(cache, F1, false, &of), CSC_S_OK);
    assert_true(of);
    assert_unchanged(cache, before);
    assert_connect(cache, SH, CSC_CONNECT_STATE_ONLINE, CSC_OFFLINE_REASON_NOT_APPLICABLE);
    assert_int_equal(offline(cache, SH, true, &of), CSC_S_OK);
    assert_false(of);
    assert_int_equal(nch(cache, SH "\\n.txt"), 0);
    assert_int_equal(nch(cache, SRV "\\other\\o.txt"), 1); /* another scope */
    assert_int_equal(csc_item_open_count(csc_test_find(cache, F1)), 1);
    assert_connect(cache, SH, CSC_CONNECT_STATE_OFFLINE, CSC_OFFLINE_REASON_CONNECTION_FORCED);
    /* C15.6: already offline (slow): FALSE, forced; Force closes */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, SRV "\\other", CSC_CONNECT_STATE_OFFLINE,
                   CSC_OFFLINE_REASON_CONNECTION_SLOW);
    assert_int_equal(offline(cache, SRV "\\other", false, &of), CSC_S_OK);
    assert_false(of);
    assert_int_equal(nch(cache, SRV "\\other\\o.txt"), 1);
    assert_connect(cache, SRV "\\other", CSC_CONNECT_STATE_OFFLINE,
                   CSC_OFFLINE_REASON_CONNECTION_FORCED);
    assert_int_equal(offline(cache, SRV "\\other", true, &of), CSC_S_OK);
    assert_false(of);
    assert_int_equal(nch(cache, SRV "\\other\\o.txt"), 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C10.11: a server going down closes its non-cached handles, no other
 * server's; slow and up close nothing. C15.14: restart closes them all. */
static void test_server_down_and_restart(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_remote_file(cache, SH "\\n.txt", true, 3), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, "\\\\fs2\\s\\m.txt", true, 3), CSC_S_OK);
    assert_int_equal(csc_remote_file(cache, "\\\\fs10\\s\\k.txt", true, 3), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, SH "\\n.txt"), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, "\\\\fs2\\s\\m.txt"), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, "\\\\fs10\\s\\k.txt"), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(nch(cache, SH "\\n.txt"), 1);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(nch(cache, SH "\\n.txt"), 0);
    assert_int_equal(nch(cache, "\\\\fs2\\s\\m.txt"), 1);
    assert_int_equal(nch(cache, "\\\\fs10\\s\\k.txt"), 1); /* a longer name, not below */
    csc_item_t *f = csc_test_file(cache, "\\\\fs2\\s\\c.txt", 1);
    assert_int_equal(csc_app_open(cache, "\\\\fs2\\s\\c.txt"), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(nch(cache, "\\\\fs2\\s\\m.txt"), 0);
    assert_int_equal(nch(cache, "\\\\fs10\\s\\k.txt"), 0);
    assert_int_equal(csc_item_open_count(f), 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C14.5: open is a change (refused inside a callback); close is allowed
 * there. C15.14: applications work while the feature is not active. */
static csc_hresult in_callback;
static csc_hresult close_in_callback;
static void evicted(void *user_data, const char *path, uint64_t size)
{
    (void)size;
    csc_cache_t *cache = user_data;
    if (strstr(path, "victim") == NULL)
        return; /* the first eviction only */
    in_callback = csc_app_open(cache, F1);
    close_in_callback = csc_app_close(cache, F1);
}

static void test_guard_and_inactive(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, F1, 5);
    assert_int_equal(csc_item_modify(cache, f, 1), CSC_S_OK); /* never evicted */
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    csc_test_file(cache, SH "\\victim.txt", 1);
    assert_int_equal(csc_cache_set_evict_callback(cache, evicted, cache), CSC_S_OK);
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, NULL), CSC_S_OK);
    assert_int_equal(in_callback, CSC_E_BUSY);
    assert_int_equal(close_in_callback, CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 0);
    assert_int_equal(csc_cache_set_evict_callback(cache, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "root", true), CSC_S_OK);
    bool reboot = false;
    assert_int_equal(csc_feature_enable(cache, false, &reboot), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_app_open(cache, F1), CSC_S_OK);
    assert_int_equal(csc_item_open_count(f), 1);
    csc_cache_free(cache);
}

/* Paths longer than the stack buffers (C1: up to 32767 characters): the
 * refresh, the original version and the remote dirty bytes still read the
 * remote twin. */
static void test_long_path(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    char path[2048];
    int n = snprintf(path, sizeof path, "%s", SH);
    for (int i = 0; i < 6; i++) {
        path[n++] = '\\';
        memset(path + n, 'a' + i, 200);
        n += 200;
    }
    snprintf(path + n, sizeof path - (size_t)n, "\\f.txt");
    csc_item_t *f = csc_test_file(cache, path, 3);
    assert_int_equal(csc_remote_write(cache, path, true, 8), CSC_S_OK);
    assert_true(csc_item_changed_on_server(f));
    assert_int_equal(csc_item_remote_dirty_bytes(f), 8);
    assert_int_equal(csc_app_open(cache, path), CSC_S_OK);
    assert_int_equal(csc_item_size(f), 8);
    uint64_t v = 0;
    assert_true(csc_item_original_version(f, &v));
    assert_int_equal(v, 2);
    assert_false(csc_item_changed_on_server(f));
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* C8.1: refused allocations change nothing (a non-cached handle, an
 * auto-caching). */
static void setup_noncached(csc_cache_t *cache)
{
    /* something cached first: the index's and heaps' first allocations,
     * which stay, are not the call's */
    csc_cache_file(cache, SH "\\seed.txt", true, 1, NULL);
    csc_remote_file(cache, SH "\\n.txt", true, 3);
    csc_remote_set_caching_mode(cache, AUTO, CSC_CACHING_MODE_AUTO_DOC);
    csc_remote_file(cache, AUTO "\\d\\x.doc", true, 3);
}

static csc_hresult op_open_noncached(csc_cache_t *cache)
{
    return csc_app_open(cache, SH "\\n.txt");
}

static csc_hresult op_open_auto(csc_cache_t *cache)
{
    return csc_app_open(cache, AUTO "\\d\\x.doc");
}

static void setup_tree(csc_cache_t *cache)
{
    csc_cache_file(cache, SH "\\d\\a.txt", true, 1, NULL);
    csc_cache_file(cache, SH "\\d\\e\\b.txt", true, 1, NULL);
    csc_remote_write(cache, SH "\\d\\e\\b.txt", false, 0);
    csc_app_open(cache, SH "\\d\\e\\b.txt");
}

static csc_hresult op_remote_delete(csc_cache_t *cache)
{
    return csc_remote_delete(cache, SH "\\d");
}

static void test_out_of_memory(void **state)
{
    (void)state;
    assert_true(oom_sweep(setup_tree, op_remote_delete, CSC_S_OK) > 0); /* C13.5's originals */
    assert_true(oom_sweep(setup_noncached, op_open_noncached, CSC_S_OK) > 0);
    assert_true(oom_sweep(setup_noncached, op_open_auto, CSC_S_OK) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_open_cached_in_sync),
        cmocka_unit_test(test_refresh_and_gone),
        cmocka_unit_test(test_refresh_disk_full),
        cmocka_unit_test(test_sparse),
        cmocka_unit_test(test_auto_caching),
        cmocka_unit_test(test_auto_caching_pins_space_and_pass),
        cmocka_unit_test(test_noncached_handles),
        cmocka_unit_test(test_offline_opens),
        cmocka_unit_test(test_suspended_and_conflict_are_offline),
        cmocka_unit_test(test_transition_offline_open_files),
        cmocka_unit_test(test_server_down_and_restart),
        cmocka_unit_test(test_guard_and_inactive),
        cmocka_unit_test(test_long_path),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
