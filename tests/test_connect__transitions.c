/*
 * tests/test_connect__transitions.c: TransitionOffline, TransitionOnline
 * and IsPathCacheable (contract C10.7, C10.9, C10.10, C15.5, C15.6, C15.7).
 * TransitionOffline(Path, Force, Flags) -> OpenFiles takes Path's scope
 * offline (CONNECTION_FORCED), also when it is already offline, and reports
 * OpenFiles FALSE (applications' non-cached handles do not exist yet);
 * TransitionOnline(Path, Flags) clears the mark and overrides a slow
 * condition, giving 0x80070035 when the server is down or the share gone,
 * the mark cleared all the same. Both validate in the order of C10.9: flags
 * outside Interactive|Console E_INVALIDARG, an invalid path 0x8007007B, a
 * server path E_INVALIDARG (C15.5), a share neither cached nor remote
 * 0x80070002. IsPathCacheable gives the share's mode as the server has it
 * while it is not down, else as the cached share remembers it (C15.7), with
 * Cacheable unless NOCACHING, and (FALSE, NONE) for a share known nowhere.
 * Errors and IsPathCacheable change nothing; refused allocations neither.
 */
#include "remote_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRV "\\\\fs1"
#define SH SRV "\\docs"
#define FILE1 SH "\\dir\\a.txt"

#define ON CSC_CONNECT_STATE_ONLINE
#define OFF CSC_CONNECT_STATE_OFFLINE
#define NA CSC_OFFLINE_REASON_NOT_APPLICABLE
#define ERR CSC_OFFLINE_REASON_CONNECTION_ERROR
#define FORCED CSC_OFFLINE_REASON_CONNECTION_FORCED
#define SLOW CSC_OFFLINE_REASON_CONNECTION_SLOW

/* C10.9: the scope goes offline; the whole scope, not just the item. */
static void test_c10_9_offline_takes_the_scope(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    csc_test_file(cache, SH "\\b.txt", 1);
    csc_test_dir(cache, SRV "\\other");
    bool open_files = true;
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_false(open_files);
    assert_connect(cache, FILE1, OFF, FORCED);
    assert_connect(cache, SH, OFF, FORCED);
    assert_connect(cache, SH "\\b.txt", OFF, FORCED);
    assert_connect(cache, SH "\\uncached", OFF, FORCED);
    assert_connect(cache, SRV "\\other", ON, NA);
    assert_connect(cache, SRV, ON, NA);
    /* Again, with Force and both flags: S_OK, FALSE, nothing more. */
    char *before = csc_test_remote_dump(cache);
    open_files = true;
    assert_int_equal(csc_transition_offline(cache, SH, true,
                                            CSC_TRANSITION_FLAG_INTERACTIVE |
                                                CSC_TRANSITION_FLAG_CONSOLE,
                                            &open_files),
                     CSC_S_OK);
    assert_false(open_files);
    assert_unchanged(cache, before);
    /* Nothing in the cache changed: the mark is the scope's. */
    assert_int_equal(csc_cache_item_count(cache), 6);
    csc_cache_free(cache);
}

/* C10.9, C15.6: a scope already offline is marked forced as well. */
static void test_c15_6_already_offline_marked_forced(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_false(open_files);
    assert_connect(cache, FILE1, OFF, ERR);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED); /* still offline, by the mark */
    /* A slow scope, taken offline, is forced (step 2 before step 3). */
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, SLOW);
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED);
    csc_cache_free(cache);
}

/* C10.10: TransitionOnline clears the mark; BAD_NETPATH when the server is
 * down or the share gone, the mark cleared all the same. */
static void test_c10_10_online(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    bool open_files;
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_transition_online(cache, SH "\\dir", 0), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA);
    /* Online already: S_OK, nothing changes. */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_transition_online(cache, FILE1, CSC_TRANSITION_FLAG_INTERACTIVE),
                     CSC_S_OK);
    assert_unchanged(cache, before);
    /* Server down: 0x80070035, and the mark is cleared. */
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_E_BAD_NETPATH);
    assert_connect(cache, FILE1, OFF, ERR);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA); /* the mark was cleared */
    /* Share gone: the same. */
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_remote_delete(cache, SH), CSC_S_OK);
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_E_BAD_NETPATH);
    assert_int_equal(csc_remote_dir(cache, SH), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA);
    csc_cache_free(cache);
}

/* C10.9, C15.5: validation, in order; each error changes nothing. */
static void test_c10_9_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    assert_int_equal(csc_remote_dir(cache, "\\\\remote\\only"), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0x4, &open_files),
                     CSC_E_INVALIDARG);
    assert_false(open_files);
    /* Flags before the path. */
    assert_int_equal(csc_transition_offline(cache, "C:\\x", false, 0x80000000u, &open_files),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_transition_offline(cache, "C:\\x", false, 0, &open_files),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_transition_offline(cache, SRV, false, 0, &open_files),
                     CSC_E_INVALIDARG); /* C15.5: a server has no scope */
    assert_int_equal(csc_transition_offline(cache, SRV "\\nope\\x", false, 0, &open_files),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_transition_offline(cache, "\\\\nowhere\\s", true, 0, &open_files),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, NULL), CSC_E_POINTER);
    assert_int_equal(csc_transition_offline(cache, NULL, false, 0, &open_files), CSC_E_POINTER);
    assert_int_equal(csc_transition_offline(NULL, FILE1, false, 0, &open_files), CSC_E_POINTER);

    assert_int_equal(csc_transition_online(cache, FILE1, 0x4), CSC_E_INVALIDARG);
    assert_int_equal(csc_transition_online(cache, "C:\\x", 0x8), CSC_E_INVALIDARG);
    assert_int_equal(csc_transition_online(cache, "\\\\fs1\\d\"x", 0), CSC_E_INVALID_NAME);
    assert_int_equal(csc_transition_online(cache, "\\\\FS1\\", 0), CSC_E_INVALIDARG);
    assert_int_equal(csc_transition_online(cache, SRV "\\nope", 0), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_transition_online(cache, NULL, 0), CSC_E_POINTER);
    assert_int_equal(csc_transition_online(NULL, FILE1, 0), CSC_E_POINTER);
    assert_unchanged(cache, before);

    /* A share on the remote side only, and one cached only, are scopes. */
    assert_int_equal(csc_transition_offline(cache, "\\\\remote\\only\\x", false, 0, &open_files),
                     CSC_S_OK);
    assert_connect(cache, "\\\\remote\\only", OFF, FORCED);
    assert_int_equal(csc_remote_delete(cache, SH), CSC_S_OK);
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, ERR);
    csc_cache_free(cache);
}

/* C10.7: IsPathCacheable by the remote share's mode. */
static void test_c10_7_cacheable_modes(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    bool ok = true;
    csc_caching_mode_t m = CSC_CACHING_MODE_AUTO_DOC;
    /* A share known nowhere, and a server path: FALSE, NONE. */
    assert_int_equal(csc_is_path_cacheable(cache, SH "\\x", &ok, &m), CSC_S_OK);
    assert_false(ok);
    assert_int_equal(m, CSC_CACHING_MODE_NONE);
    assert_int_equal(csc_remote_dir(cache, SH), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, SRV, &ok, &m), CSC_S_OK);
    assert_false(ok);
    assert_int_equal(m, CSC_CACHING_MODE_NONE);
    /* A remote share: its mode, cacheable unless NOCACHING; the path need
     * not exist below the share nor be cached. */
    const struct {
        csc_caching_mode_t mode;
        bool cacheable;
    } cases[] = {{CSC_CACHING_MODE_MANUAL, true},
                 {CSC_CACHING_MODE_NOCACHING, false},
                 {CSC_CACHING_MODE_AUTO_DOC, true},
                 {CSC_CACHING_MODE_AUTO_PROGANDDOC, true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(csc_remote_set_caching_mode(cache, SH, cases[i].mode), CSC_S_OK);
        char *before = csc_test_remote_dump(cache);
        assert_int_equal(csc_is_path_cacheable(cache, SH "\\any\\thing.txt", &ok, &m), CSC_S_OK);
        assert_int_equal(m, cases[i].mode);
        assert_true(ok == cases[i].cacheable);
        assert_unchanged(cache, before); /* nothing changes */
    }
    /* The connect state does not matter while the server is not down. */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, SH, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_AUTO_PROGANDDOC);
    /* Down, not cached: known nowhere. */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, SH, &ok, &m), CSC_S_OK);
    assert_false(ok);
    assert_int_equal(m, CSC_CACHING_MODE_NONE);
    csc_cache_free(cache);
}

/* C10.6, C15.7: the mode a cached share remembers, used while its server
 * is down or when the share is gone from an up server. */
static void test_c15_7_remembered_mode(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    bool ok;
    csc_caching_mode_t m;
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_AUTO_DOC), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_AUTO_DOC);
    assert_true(ok);
    /* Changed on the server while it is down: not seen. */
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_NOCACHING),
                     CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_AUTO_DOC);
    /* Up again: seen, and remembered. */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_NOCACHING);
    assert_false(ok);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_NOCACHING);
    /* Gone from an up server: the remembered mode (C15.7). */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(cache, SH, CSC_CACHING_MODE_AUTO_PROGANDDOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_delete(cache, SH), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_AUTO_PROGANDDOC);
    assert_true(ok);
    /* Re-created on the server (MANUAL, C10.6): seen. */
    assert_int_equal(csc_remote_dir(cache, SH), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_int_equal(m, CSC_CACHING_MODE_MANUAL);
    /* The share no longer cached: known nowhere while the server is down. */
    uint64_t freed;
    size_t count;
    assert_int_equal(csc_cache_evict(cache, true, 0, &freed, &count), CSC_S_OK);
    assert_false(csc_test_cached(cache, SH));
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, &m), CSC_S_OK);
    assert_false(ok);
    assert_int_equal(m, CSC_CACHING_MODE_NONE);
    csc_cache_free(cache);
}

static void test_c10_7_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    char *before = csc_test_remote_dump(cache);
    bool ok = true;
    csc_caching_mode_t m = CSC_CACHING_MODE_MANUAL;
    assert_int_equal(csc_is_path_cacheable(cache, "\\\\fs1\\x>y", &ok, &m), CSC_E_INVALID_NAME);
    assert_false(ok);
    assert_int_equal(m, CSC_CACHING_MODE_NONE);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, NULL, &m), CSC_E_POINTER);
    assert_int_equal(csc_is_path_cacheable(cache, FILE1, &ok, NULL), CSC_E_POINTER);
    assert_int_equal(csc_is_path_cacheable(cache, NULL, &ok, &m), CSC_E_POINTER);
    assert_int_equal(csc_is_path_cacheable(NULL, FILE1, &ok, &m), CSC_E_POINTER);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C14.5: the transitions are changes, refused inside a callback of a
 * running call; the readers are queries and go ahead. */
static csc_cache_t *g_cache;
static csc_hresult g_offline, g_online, g_network, g_state, g_cacheable;

static void on_evict(void *ud, const char *path, uint64_t size)
{
    (void)ud;
    (void)path;
    (void)size;
    bool open_files, ok;
    csc_connect_state_t s;
    csc_caching_mode_t m;
    g_offline = csc_transition_offline(g_cache, FILE1, false, 0, &open_files);
    g_online = csc_transition_online(g_cache, FILE1, 0);
    g_network = csc_remote_set_network(g_cache, SRV, CSC_NETWORK_DOWN);
    g_state = csc_connect_state(g_cache, FILE1, &s, NULL);
    g_cacheable = csc_is_path_cacheable(g_cache, FILE1, &ok, &m);
}

static void test_c14_5_guard(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    g_cache = cache;
    csc_test_file(cache, FILE1, 1);
    csc_test_file(cache, SH "\\gone.txt", 1);
    assert_int_equal(csc_cache_set_evict_callback(cache, on_evict, NULL), CSC_S_OK);
    g_offline = g_online = g_network = g_state = g_cacheable = CSC_E_FAIL;
    uint64_t freed;
    size_t count;
    assert_int_equal(csc_cache_evict(cache, false, 1, &freed, &count), CSC_S_OK);
    assert_true(count >= 1); /* the callback ran */
    assert_int_equal(g_offline, CSC_E_BUSY);
    assert_int_equal(g_online, CSC_E_BUSY);
    assert_int_equal(g_network, CSC_E_BUSY);
    assert_int_equal(g_state, CSC_S_OK);
    assert_int_equal(g_cacheable, CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA); /* nothing changed */
    csc_cache_free(cache);
}

/* C8.1: refused allocations (a record to make, a long path) change nothing. */
static void setup_cached(csc_cache_t *cache)
{
    csc_test_file(cache, FILE1, 1);
    assert_int_equal(csc_remote_dir(cache, "\\\\fs2\\s"), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, "\\\\fs2", CSC_NETWORK_SLOW), CSC_S_OK);
}

static csc_hresult op_offline(csc_cache_t *cache)
{
    bool open_files;
    return csc_transition_offline(cache, "\\\\fs2\\s\\x", false, 0, &open_files);
}

static csc_hresult op_online_slow(csc_cache_t *cache)
{
    return csc_transition_online(cache, "\\\\fs2\\s", 0);
}

static char g_long[2500];

static csc_hresult op_cacheable_long(csc_cache_t *cache)
{
    bool ok;
    csc_caching_mode_t m;
    return csc_is_path_cacheable(cache, g_long, &ok, &m);
}

static csc_hresult op_offline_existing_record(csc_cache_t *cache)
{
    bool open_files;
    return csc_transition_offline(cache, FILE1, false, 0, &open_files);
}

static void test_c8_1_allocation_failures(void **state)
{
    (void)state;
    assert_true(oom_sweep(setup_cached, op_offline, CSC_S_OK) >= 1);
    assert_true(oom_sweep(setup_cached, op_online_slow, CSC_S_OK) >= 1);
    size_t n = (size_t)snprintf(g_long, sizeof g_long, "%s", SH);
    while (n + 12 < sizeof g_long)
        n += (size_t)snprintf(g_long + n, sizeof g_long - n, "\\component");
    assert_true(oom_sweep(setup_cached, op_cacheable_long, CSC_S_OK) >= 1);
    /* The share cached has its record already: no memory needed. */
    assert_int_equal(oom_sweep(setup_cached, op_offline_existing_record, CSC_S_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c10_9_offline_takes_the_scope),
        cmocka_unit_test(test_c15_6_already_offline_marked_forced),
        cmocka_unit_test(test_c10_10_online),
        cmocka_unit_test(test_c10_9_validation),
        cmocka_unit_test(test_c10_7_cacheable_modes),
        cmocka_unit_test(test_c15_7_remembered_mode),
        cmocka_unit_test(test_c10_7_validation),
        cmocka_unit_test(test_c14_5_guard),
        cmocka_unit_test(test_c8_1_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
