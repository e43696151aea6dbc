/*
 * tests/test_connect__state.c: network conditions and connect states
 * (contract C10.4, C10.5, C15.5, C15.19, C16.9). Each server is up until the
 * embedder says otherwise; a path's scope is its share (C10.4) and its state
 * is computed in the order of C10.5: server down or share missing on the
 * remote side (OFFLINE, CONNECTION_ERROR), forced (CONNECTION_FORCED), slow
 * without a TransitionOnline since it became slow (CONNECTION_SLOW), else
 * ONLINE (NOT_APPLICABLE). A server is ONLINE unless down (C16.9); an
 * uncached path is online unless its server is down or its scope offline
 * (C15.19). The values are Windows' OFFLINEFILES_CONNECT_STATE and
 * OFFLINEFILES_OFFLINE_REASON. `network` takes a server path only (C15.5):
 * a longer path gives E_INVALIDARG, an unknown server 0x80070002, setting
 * the condition a server has changes nothing (a slow override stays). Every
 * error leaves everything unchanged.
 */
#include "remote_support.h"

#include "remote/remote.h" /* the internal state of a cached item's key */

#include <stdio.h>
#include <stdlib.h>

#define SRV "\\\\fs1"
#define SH SRV "\\docs"
#define FILE1 SH "\\dir\\a.txt"

#define ON CSC_CONNECT_STATE_ONLINE
#define OFF CSC_CONNECT_STATE_OFFLINE
#define NA CSC_OFFLINE_REASON_NOT_APPLICABLE
#define ERR CSC_OFFLINE_REASON_CONNECTION_ERROR
#define FORCED CSC_OFFLINE_REASON_CONNECTION_FORCED
#define SLOW CSC_OFFLINE_REASON_CONNECTION_SLOW

static void test_windows_values(void **state)
{
    (void)state;
    assert_int_equal(CSC_CONNECT_STATE_UNKNOWN, 0);
    assert_int_equal(CSC_CONNECT_STATE_OFFLINE, 1);
    assert_int_equal(CSC_CONNECT_STATE_ONLINE, 2);
    assert_int_equal(CSC_CONNECT_STATE_TRANSPARENTLY_CACHED, 3);
    assert_int_equal(CSC_CONNECT_STATE_PARTLY_TRANSPARENTLY_CACHED, 4);
    assert_int_equal(CSC_OFFLINE_REASON_UNKNOWN, 0);
    assert_int_equal(CSC_OFFLINE_REASON_NOT_APPLICABLE, 1);
    assert_int_equal(CSC_OFFLINE_REASON_CONNECTION_FORCED, 2);
    assert_int_equal(CSC_OFFLINE_REASON_CONNECTION_SLOW, 3);
    assert_int_equal(CSC_OFFLINE_REASON_CONNECTION_ERROR, 4);
    assert_int_equal(CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT, 5);
    assert_int_equal(CSC_OFFLINE_REASON_ITEM_SUSPENDED, 6);
    assert_int_equal(CSC_E_BAD_NETPATH, (csc_hresult)0x80070035u);
}

/* C10.5 step 4, C10.2: a cache built by setup is online; up by default. */
static void test_c10_5_default_online(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    assert_connect(cache, SRV, ON, NA);
    assert_connect(cache, SH, ON, NA);
    assert_connect(cache, FILE1, ON, NA);
    assert_connect(cache, SH "\\not\\cached", ON, NA); /* C15.19 */
    csc_network_t c = CSC_NETWORK_DOWN;
    assert_int_equal(csc_remote_network(cache, SRV, &c), CSC_S_OK);
    assert_int_equal(c, CSC_NETWORK_UP);
    csc_cache_free(cache);
}

/* C10.5 step 1: the server down, or the share missing on the remote side. */
static void test_c10_5_connection_error(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    csc_test_dir(cache, "\\\\fs2\\s");
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_connect(cache, SRV, OFF, ERR); /* C16.9: a server down */
    assert_connect(cache, SH, OFF, ERR);
    assert_connect(cache, FILE1, OFF, ERR);
    assert_connect(cache, SH "\\uncached.txt", OFF, ERR);
    assert_connect(cache, "\\\\fs2\\s", ON, NA); /* another server */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA);
    /* The share gone from the server: its scope is offline; the server is
     * still online. */
    assert_int_equal(csc_remote_delete(cache, SH), CSC_S_OK);
    assert_connect(cache, SRV, ON, NA);
    assert_connect(cache, SH, OFF, ERR);
    assert_connect(cache, FILE1, OFF, ERR);
    /* A share nobody knows: not on the remote side either. */
    assert_connect(cache, "\\\\nowhere\\s\\f", OFF, ERR);
    /* A server path nobody knows is up by default (C10.5). */
    assert_connect(cache, "\\\\nowhere", ON, NA);
    /* The file alone gone keeps its scope online (connectivity is the
     * scope's, C10.4). */
    assert_int_equal(csc_remote_dir(cache, SH), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA);
    csc_cache_free(cache);
}

/* C10.5 step 3: slow, and TransitionOnline's override until slow again. */
static void test_c10_5_slow_and_override(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    csc_test_dir(cache, SRV "\\other");
    assert_int_equal(csc_remote_set_network(cache, "\\\\FS1\\", CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, SRV, ON, NA); /* C10.5: a server is online unless down */
    assert_connect(cache, FILE1, OFF, SLOW);
    assert_connect(cache, SRV "\\other", OFF, SLOW);
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_S_OK);
    assert_connect(cache, SH, ON, NA);
    assert_connect(cache, FILE1, ON, NA);
    assert_connect(cache, SRV "\\other", OFF, SLOW); /* only that scope */
    /* C15.5: setting slow again changes nothing: the override stays. */
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_unchanged(cache, before);
    assert_connect(cache, FILE1, ON, NA);
    /* Up, then slow again: the condition "last became slow" after the
     * override, which lapses. */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, SLOW);
    /* A TransitionOnline while up does not carry over to a later slow. */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, SLOW);
    /* Down while overridden: an error first (step 1). */
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, ERR);
    csc_network_t c;
    assert_int_equal(csc_remote_network(cache, SRV, &c), CSC_S_OK);
    assert_int_equal(c, CSC_NETWORK_DOWN);
    csc_cache_free(cache);
}

/* C10.5: the order of the steps when several hold. */
static void test_c10_5_order(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(cache, SH, false, 0, &open_files), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED); /* 2 before 3 */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, ERR); /* 1 before 2 */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED); /* the mark stays (C10.5: a scope's
                                                * state changes only by the server) */
    assert_int_equal(csc_remote_delete(cache, SH), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, ERR);
    /* The mark is the scope's, not the remote share's [decision, README]. */
    assert_int_equal(csc_remote_dir(cache, SH), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED);
    csc_cache_free(cache);
}

/* C10.4: the state is the scope's, for any path in a scope of many items,
 * cached or not (connect.c reads it by two lookups, never a walk; timings
 * are not asserted here). */
static void test_c10_5_no_walk(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    char path[64];
    for (int i = 0; i < 2000; i++) {
        snprintf(path, sizeof path, SH "\\d%d\\f%d.txt", i % 40, i);
        csc_test_file(cache, path, 1);
    }
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, SH "\\d7\\f7.txt", OFF, SLOW);
    assert_connect(cache, SH "\\d7\\deeper\\not\\cached", OFF, SLOW);
    csc_cache_free(cache);
}

/* The internal form C11 and C12 will use: a cached item's key gives the
 * same state as its path. */
static void test_c10_5_internal_key_state(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *f = csc_test_file(cache, "\\\\FS1\\Docs\\Dir\\A.txt", 1);
    csc_item_t *srv = csc_test_find(cache, SRV);
    csc_connect_state_t s;
    csc_offline_reason_t r;
    char fkey[64], skey[64];
    size_t fkey_len = csc__item_key_len(f), skey_len = csc__item_key_len(srv);
    assert_true(fkey_len <= sizeof fkey && skey_len <= sizeof skey);
    csc__item_key(f, fkey, fkey_len);
    csc__item_key(srv, skey, skey_len);
    assert_memory_equal(fkey, "\\\\fs1\\docs\\dir\\a.txt", fkey_len);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    csc__connect_key_state(cache, fkey, fkey_len, &s, &r);
    assert_int_equal(s, OFF);
    assert_int_equal(r, SLOW);
    csc__connect_key_state(cache, skey, skey_len, &s, &r);
    assert_int_equal(s, ON);
    assert_int_equal(r, NA);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    csc__connect_key_state(cache, skey, skey_len, &s, &r);
    assert_int_equal(s, OFF);
    assert_int_equal(r, ERR);
    csc_cache_free(cache);
}

/* C10.5, last paragraph (C13.3, C15.8): an item online by its scope is
 * OFFLINE with ITEM_SUSPENDED in a suspended tree, an uncached path below a
 * suspension root too; the scope's own reasons come first; release ends it. */
static void test_c10_5_item_suspended(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    csc_test_file(cache, SH "\\other\\b.txt", 1);
    assert_int_equal(csc_suspend_root(cache, SH "\\dir", true), CSC_S_OK);
    assert_connect(cache, SH "\\dir", OFF, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_connect(cache, FILE1, OFF, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_connect(cache, SH "\\dir\\x\\uncached.txt", OFF, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_connect(cache, SH "\\other\\b.txt", ON, NA);
    assert_connect(cache, SH, ON, NA);
    assert_connect(cache, SH "\\uncached", ON, NA);
    /* The scope's reasons come first (C10.5: "online by its scope"). */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_SLOW), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, SLOW);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(cache, FILE1, false, 0, &open_files), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, FORCED);
    assert_int_equal(csc_transition_online(cache, FILE1, 0), CSC_S_OK);
    assert_connect(cache, FILE1, OFF, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    /* The whole share suspended; then released from the share down. */
    assert_int_equal(csc_suspend_root(cache, SH, true), CSC_S_OK);
    assert_connect(cache, SH "\\other\\b.txt", OFF, CSC_OFFLINE_REASON_ITEM_SUSPENDED);
    assert_connect(cache, SRV, ON, NA); /* a server is never suspended */
    assert_int_equal(csc_suspend_root(cache, SH, false), CSC_S_OK);
    assert_connect(cache, FILE1, ON, NA);
    assert_connect(cache, SH "\\dir\\x\\uncached.txt", ON, NA);
    csc_cache_free(cache);
}

/* C15.5: validation of `network`; errors change nothing. */
static void test_c15_5_network_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    assert_int_equal(csc_remote_dir(cache, "\\\\remoteonly"), CSC_S_OK);
    char *before = csc_test_remote_dump(cache);
    assert_int_equal(csc_remote_set_network(cache, SH, CSC_NETWORK_DOWN), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_network(cache, FILE1, CSC_NETWORK_DOWN), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_network(cache, "\\\\nowhere", CSC_NETWORK_DOWN),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_set_network(cache, "\\fs1", CSC_NETWORK_DOWN),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_set_network(cache, "\\\\f<s", CSC_NETWORK_DOWN),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_set_network(cache, SRV, (csc_network_t)3), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_network(cache, "bad", (csc_network_t)-1), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_set_network(cache, NULL, CSC_NETWORK_DOWN), CSC_E_POINTER);
    assert_int_equal(csc_remote_set_network(NULL, SRV, CSC_NETWORK_DOWN), CSC_E_POINTER);
    /* Up on an up server: nothing at all (no record made). */
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_UP), CSC_S_OK);
    assert_unchanged(cache, before);

    csc_network_t c = CSC_NETWORK_SLOW;
    assert_int_equal(csc_remote_network(cache, "\\\\nowhere", &c), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_network(cache, SH, &c), CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_network(cache, "x", &c), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_network(cache, SRV, NULL), CSC_E_POINTER);
    assert_int_equal(csc_remote_network(NULL, SRV, &c), CSC_E_POINTER);
    assert_int_equal(csc_remote_network(cache, NULL, &c), CSC_E_POINTER);

    /* A server cached but not remote, and one remote but not cached. */
    assert_int_equal(csc_remote_delete(cache, SRV), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN), CSC_S_OK);
    assert_int_equal(csc_remote_network(cache, SRV, &c), CSC_S_OK);
    assert_int_equal(c, CSC_NETWORK_DOWN);
    assert_int_equal(csc_remote_set_network(cache, "\\\\REMOTEONLY", CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(csc_remote_network(cache, "\\\\remoteonly", &c), CSC_S_OK);
    assert_int_equal(c, CSC_NETWORK_SLOW);
    csc_cache_free(cache);
}

/* csc_connect_state's own validation. */
static void test_connect_state_validation(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, FILE1, 1);
    char *before = csc_test_remote_dump(cache);
    csc_connect_state_t s = ON;
    csc_offline_reason_t r = NA;
    assert_int_equal(csc_connect_state(cache, "\\\\fs1\\a:b", &s, &r), CSC_E_INVALID_NAME);
    assert_int_equal(s, CSC_CONNECT_STATE_UNKNOWN);
    assert_int_equal(r, CSC_OFFLINE_REASON_UNKNOWN);
    assert_int_equal(csc_connect_state(cache, FILE1, NULL, &r), CSC_E_POINTER);
    assert_int_equal(csc_connect_state(NULL, FILE1, &s, &r), CSC_E_POINTER);
    assert_int_equal(csc_connect_state(cache, NULL, &s, &r), CSC_E_POINTER);
    assert_int_equal(csc_connect_state(cache, FILE1, &s, NULL), CSC_S_OK); /* reason optional */
    assert_int_equal(s, ON);
    assert_unchanged(cache, before);
    csc_cache_free(cache);
}

/* C8.1: a condition that needs a record; refused allocations change nothing. */
static void setup_cached(csc_cache_t *cache)
{
    csc_test_file(cache, FILE1, 1);
}

static csc_hresult op_down(csc_cache_t *cache)
{
    return csc_remote_set_network(cache, SRV, CSC_NETWORK_DOWN);
}

static void test_c8_1_network_allocation(void **state)
{
    (void)state;
    assert_true(oom_sweep(setup_cached, op_down, CSC_S_OK) >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_values),
        cmocka_unit_test(test_c10_5_default_online),
        cmocka_unit_test(test_c10_5_connection_error),
        cmocka_unit_test(test_c10_5_slow_and_override),
        cmocka_unit_test(test_c10_5_order),
        cmocka_unit_test(test_c10_5_no_walk),
        cmocka_unit_test(test_c10_5_internal_key_state),
        cmocka_unit_test(test_c10_5_item_suspended),
        cmocka_unit_test(test_c15_5_network_validation),
        cmocka_unit_test(test_connect_state_validation),
        cmocka_unit_test(test_c8_1_network_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
