/*
 * tests/test_com__connection.c: the COM face's methods over the remote side
 * (C10, C16.3) against the same calls through the C API:
 * IOfflineFilesCache::IsPathCacheable (C10.7); items'
 * IOfflineFilesConnectionInfo (GetConnectState with its offline reasons,
 * C10.5, ITEM_SUSPENDED included; TransitionOnline and TransitionOffline,
 * C10.9, C10.10; SetConnectState's rules, C16.3), the connect state read
 * with OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE as part of the snapshot and
 * on demand otherwise (C16.2); IOfflineFilesShareInfo (the share item, its
 * caching mode, no DFS); IOfflineFilesFileSysInfo (attributes, sizes and
 * times per copy, C13.5); DirtyInfo's remote count and ChangeInfo (C13.5);
 * which item types have which of these (C16.1, C16.9); every documented
 * error, NULL and bad arguments with NULL or reset outputs, the feature not
 * active (C13.1), re-entry from a progress callback (C14.5), reference
 * counts back to zero, and two threads on one cache object.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "com/com_fixture.h"
#include "com/com_sink.h"

static int setup(void **state)
{
    static const com_file_t files[] = {
        {"\\\\srv\\docs\\a.txt", 100},
        {"\\\\srv\\docs\\sub\\b.txt", 20},
        {"\\\\other\\s\\c.txt", 3},
    };
    return com_fixture_setup(state, files, sizeof files / sizeof files[0]);
}

static IOfflineFilesConnectionInfo *conn_of(IOfflineFilesItem *item)
{
    IOfflineFilesConnectionInfo *c = NULL;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesConnectionInfo,
                                                  (void **)&c),
                     S_OK);
    return c;
}

/* The item's state through COM, checked against csc_connect_state. */
static void expect_state(fixture_t *f, IOfflineFilesConnectionInfo *c, const char *path,
                         OFFLINEFILES_CONNECT_STATE want, OFFLINEFILES_OFFLINE_REASON why)
{
    OFFLINEFILES_CONNECT_STATE s = 99;
    OFFLINEFILES_OFFLINE_REASON r = 99;
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, &r), S_OK);
    assert_int_equal(s, want);
    assert_int_equal(r, why);
    csc_connect_state_t cs;
    csc_offline_reason_t cr;
    assert_int_equal(csc_connect_state(f->cache, path, &cs, &cr), S_OK);
    if (why != OFFLINEFILES_OFFLINE_REASON_ITEM_SUSPENDED) { /* the scope's own state */
        assert_int_equal((int)cs, (int)want);
        assert_int_equal((int)cr, (int)why);
    }
}

/* ---- IsPathCacheable (C10.7) ---- */

static void test_is_path_cacheable(void **state)
{
    fixture_t *f = *state;
    BOOL c = 7;
    OFFLINEFILES_CACHING_MODE m = 7;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv\\docs\\a.txt", &c, &m), S_OK);
    assert_true(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_MANUAL); /* a new remote share */
    /* Not cached, below a known share: the share's mode. */
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\SRV\\Docs\\new\\x", &c, &m), S_OK);
    assert_true(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_MANUAL);
    assert_int_equal(csc_remote_set_caching_mode(f->cache, "\\\\srv\\docs",
                                                 CSC_CACHING_MODE_AUTO_DOC),
                     S_OK);
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv\\docs", &c, &m), S_OK);
    assert_true(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_AUTO_DOC);
    assert_int_equal(csc_remote_set_caching_mode(f->cache, "\\\\srv\\docs",
                                                 CSC_CACHING_MODE_NOCACHING),
                     S_OK);
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv\\docs\\a.txt", &c, &m), S_OK);
    assert_false(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_NOCACHING);
    /* A share known nowhere, a server path: FALSE, NONE. */
    c = TRUE;
    m = 7;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\nobody\\x\\y", &c, &m), S_OK);
    assert_false(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_NONE);
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv", &c, &m), S_OK);
    assert_false(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_NONE);
    /* Errors, each with outputs FALSE and NONE. */
    c = TRUE;
    m = 7;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"C:\\x", &c, &m), CSC_E_INVALID_NAME);
    assert_false(c);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_NONE);
    c = TRUE;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, NULL, &c, &m), E_POINTER);
    assert_false(c);
    m = 7;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv\\docs", NULL, &m), E_POINTER);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_NONE);
    c = TRUE;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv\\docs", &c, NULL), E_POINTER);
    assert_false(c);
    assert_int_equal(csc_cache_item_count(f->cache), 8); /* nothing changed */
}

/* C13.1: while the feature is not active, methods fail before validation. */
static void test_feature_not_active(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesConnectionInfo *c = conn_of(file);
    assert_int_equal(csc_cache_set_caller(f->cache, "root", true), S_OK);
    assert_int_equal(csc_feature_enable(f->cache, false, NULL), S_OK);
    assert_int_equal(csc_cache_restart(f->cache), S_OK);
    BOOL b = TRUE;
    OFFLINEFILES_CACHING_MODE m = 7;
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"\\\\srv\\docs", &b, &m),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_false(b);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_NONE);
    assert_int_equal(f->pc->lpVtbl->IsPathCacheable(f->pc, u"bad", &b, &m),
                     CSC_E_SERVICE_NOT_ACTIVE);
    OFFLINEFILES_CONNECT_STATE s = 9;
    OFFLINEFILES_OFFLINE_REASON r = 9;
    /* csc_connect_state is an item getter, which works while the feature
     * is not active (C15.14): GetConnectState gives what it gives. */
    csc_connect_state_t cs;
    csc_offline_reason_t cr;
    HRESULT want = csc_connect_state(f->cache, "\\\\srv\\docs\\a.txt", &cs, &cr);
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, &r), want);
    assert_int_equal((int)s, (int)cs);
    assert_int_equal((int)r, (int)cr);
    assert_int_equal(c->lpVtbl->TransitionOnline(c, NULL, 0), CSC_E_SERVICE_NOT_ACTIVE);
    b = TRUE;
    assert_int_equal(c->lpVtbl->TransitionOffline(c, NULL, 0, FALSE, &b),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_false(b);
    assert_int_equal(c->lpVtbl->SetConnectState(c, NULL, 0, OFFLINEFILES_CONNECT_STATE_OFFLINE),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_int_equal(csc_feature_enable(f->cache, true, NULL), S_OK);
    assert_int_equal(csc_cache_restart(f->cache), S_OK);
    expect_state(f, c, "\\\\srv\\docs\\a.txt", OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(file->lpVtbl->Release(file), 0);
}

/* ---- ConnectionInfo (C10.5, C16.3) ---- */

static void test_connect_state_reasons(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *share = com_find(f, u"\\\\srv\\docs", 0);
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\sub\\b.txt", 0);
    IOfflineFilesItem *server = com_find(f, u"\\\\srv", 0);
    IOfflineFilesConnectionInfo *cs = conn_of(share), *cf = conn_of(file);
    const char *fp = "\\\\srv\\docs\\sub\\b.txt";
    /* C16.9: not for a server. */
    IOfflineFilesConnectionInfo *none = (IOfflineFilesConnectionInfo *)1;
    assert_int_equal(server->lpVtbl->QueryInterface(server, &IID_IOfflineFilesConnectionInfo,
                                                    (void **)&none),
                     E_NOINTERFACE);
    assert_null(none);
    expect_state(f, cf, fp, OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* Queried on demand: the same object follows the server's condition. */
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_DOWN), S_OK);
    expect_state(f, cf, fp, OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_ERROR);
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_SLOW), S_OK);
    expect_state(f, cs, "\\\\srv\\docs", OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_SLOW);
    /* TransitionOnline overrides slow (C10.10) for the whole scope. */
    assert_int_equal(cs->lpVtbl->TransitionOnline(cs, NULL, 0), S_OK);
    expect_state(f, cf, fp, OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* TransitionOffline through the file acts on its scope (C10.9). */
    BOOL open = TRUE;
    assert_int_equal(cf->lpVtbl->TransitionOffline(cf, NULL, 0, FALSE, &open), S_OK);
    assert_false(open);
    expect_state(f, cs, "\\\\srv\\docs", OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_FORCED);
    /* Again, with Force: S_OK, OpenFiles FALSE (C15.6). */
    open = TRUE;
    assert_int_equal(cs->lpVtbl->TransitionOffline(cs, NULL, 0x3, TRUE, &open), S_OK);
    assert_false(open);
    assert_int_equal(cs->lpVtbl->TransitionOnline(cs, NULL, 0x1), S_OK);
    expect_state(f, cf, fp, OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* C10.5: an item online by its scope but suspended (C13.3). */
    assert_int_equal(csc_suspend_root(f->cache, "\\\\srv\\docs\\sub", true), S_OK);
    expect_state(f, cf, fp, OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_ITEM_SUSPENDED);
    expect_state(f, cs, "\\\\srv\\docs", OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* The scope's reasons come first. */
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_DOWN), S_OK);
    expect_state(f, cf, fp, OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_ERROR);
    /* TransitionOnline with the server down: ERROR_BAD_NETPATH (C10.10). */
    assert_int_equal(cs->lpVtbl->TransitionOnline(cs, NULL, 0), CSC_E_BAD_NETPATH);
    assert_int_equal(cs->lpVtbl->Release(cs), 1);
    assert_int_equal(cf->lpVtbl->Release(cf), 1);
    assert_int_equal(share->lpVtbl->Release(share), 0);
    assert_int_equal(file->lpVtbl->Release(file), 0);
    assert_int_equal(server->lpVtbl->Release(server), 0);
}

/* C16.2: with OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE the state is part of
 * the snapshot until Refresh; without it, it is read at each call. */
static void test_connect_state_snapshot(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *snap =
        com_find(f, u"\\\\srv\\docs\\a.txt", OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE);
    IOfflineFilesConnectionInfo *c = conn_of(snap);
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_DOWN), S_OK);
    OFFLINEFILES_CONNECT_STATE s;
    OFFLINEFILES_OFFLINE_REASON r;
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, &r), S_OK);
    assert_int_equal(s, OFFLINEFILES_CONNECT_STATE_ONLINE); /* the snapshot's */
    assert_int_equal(snap->lpVtbl->Refresh(snap, 0), S_OK); /* now on demand */
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, &r), S_OK);
    assert_int_equal(s, OFFLINEFILES_CONNECT_STATE_OFFLINE);
    assert_int_equal(r, OFFLINEFILES_OFFLINE_REASON_CONNECTION_ERROR);
    assert_int_equal(snap->lpVtbl->Refresh(snap, OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE), S_OK);
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_UP), S_OK);
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, &r), S_OK);
    assert_int_equal(s, OFFLINEFILES_CONNECT_STATE_OFFLINE); /* the snapshot's */
    /* A transition made through the object makes it read the state again. */
    assert_int_equal(c->lpVtbl->TransitionOnline(c, NULL, 0), S_OK);
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, &r), S_OK);
    assert_int_equal(s, OFFLINEFILES_CONNECT_STATE_ONLINE);
    assert_int_equal(r, OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* Enumerated items take the query flags too. */
    IOfflineFilesItem *share = com_find(f, u"\\\\srv\\docs", 0);
    IOfflineFilesItemContainer *ct;
    assert_int_equal(share->lpVtbl->QueryInterface(share, &IID_IOfflineFilesItemContainer,
                                                   (void **)&ct),
                     S_OK);
    IEnumOfflineFilesItems *e;
    assert_int_equal(ct->lpVtbl->EnumItems(ct, OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE, &e), S_OK);
    IOfflineFilesItem *first;
    assert_int_equal(e->lpVtbl->Next(e, 1, &first, NULL), S_OK);
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_DOWN), S_OK);
    IOfflineFilesConnectionInfo *fc = conn_of(first);
    assert_int_equal(fc->lpVtbl->GetConnectState(fc, &s, &r), S_OK);
    assert_int_equal(s, OFFLINEFILES_CONNECT_STATE_ONLINE);
    assert_int_equal(fc->lpVtbl->Release(fc), 2);
    assert_int_equal(first->lpVtbl->Release(first), 1);
    assert_int_equal(e->lpVtbl->Release(e), 0);
    assert_int_equal(ct->lpVtbl->Release(ct), 1);
    assert_int_equal(share->lpVtbl->Release(share), 0);
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(snap->lpVtbl->Release(snap), 0);
}

static void test_transition_errors(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesConnectionInfo *c = conn_of(file);
    BOOL open = TRUE;
    /* Flags beyond Interactive | Console (C10.9): E_INVALIDARG, no change. */
    assert_int_equal(c->lpVtbl->TransitionOffline(c, NULL, 0x4, FALSE, &open), E_INVALIDARG);
    assert_false(open);
    assert_int_equal(c->lpVtbl->TransitionOnline(c, NULL, 0x10), E_INVALIDARG);
    assert_int_equal(c->lpVtbl->SetConnectState(c, NULL, 0x8, OFFLINEFILES_CONNECT_STATE_OFFLINE),
                     E_INVALIDARG);
    expect_state(f, c, "\\\\srv\\docs\\a.txt", OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* NULL outputs. */
    assert_int_equal(c->lpVtbl->TransitionOffline(c, NULL, 0, FALSE, NULL), E_POINTER);
    expect_state(f, c, "\\\\srv\\docs\\a.txt", OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    OFFLINEFILES_CONNECT_STATE s = 9;
    OFFLINEFILES_OFFLINE_REASON r = 9;
    assert_int_equal(c->lpVtbl->GetConnectState(c, NULL, &r), E_POINTER);
    assert_int_equal(r, OFFLINEFILES_OFFLINE_REASON_UNKNOWN);
    assert_int_equal(c->lpVtbl->GetConnectState(c, &s, NULL), E_POINTER);
    assert_int_equal(s, OFFLINEFILES_CONNECT_STATE_UNKNOWN);
    /* The share gone from the server: offline with CONNECTION_ERROR, and
     * TransitionOnline gives ERROR_BAD_NETPATH (C10.5, C10.10). */
    assert_int_equal(csc_remote_delete(f->cache, "\\\\srv\\docs"), S_OK);
    expect_state(f, c, "\\\\srv\\docs\\a.txt", OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_ERROR);
    assert_int_equal(c->lpVtbl->TransitionOnline(c, NULL, 0), CSC_E_BAD_NETPATH);
    assert_int_equal(c->lpVtbl->SetConnectState(c, NULL, 0, OFFLINEFILES_CONNECT_STATE_ONLINE),
                     CSC_E_BAD_NETPATH);
    /* Offline still works: the scope is cached (C10.9). */
    open = TRUE;
    assert_int_equal(c->lpVtbl->TransitionOffline(c, NULL, 0, FALSE, &open), S_OK);
    assert_false(open);
    /* The item gone from the cache: its path names no scope any more only
     * when neither cached nor remote (0x80070002). */
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(file->lpVtbl->Release(file), 0);
    IOfflineFilesItem *other = com_find(f, u"\\\\other\\s\\c.txt", 0);
    c = conn_of(other);
    LPCWSTR all[] = {u"\\\\other"};
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, all, 1, 0, FALSE, NULL), S_OK);
    assert_int_equal(csc_remote_delete(f->cache, "\\\\other"), S_OK);
    assert_int_equal(c->lpVtbl->TransitionOnline(c, NULL, 0), CSC_E_FILE_NOT_FOUND);
    open = TRUE;
    assert_int_equal(c->lpVtbl->TransitionOffline(c, NULL, 0, TRUE, &open), CSC_E_FILE_NOT_FOUND);
    assert_false(open);
    assert_int_equal(other->lpVtbl->Refresh(other, 0), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(other->lpVtbl->Release(other), 0);
}

/* C16.3: SetConnectState. */
static void test_set_connect_state(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *dir = com_find(f, u"\\\\srv\\docs\\sub", 0);
    IOfflineFilesConnectionInfo *c = conn_of(dir);
    const char *p = "\\\\srv\\docs\\sub";
    assert_int_equal(c->lpVtbl->SetConnectState(c, NULL, 0, OFFLINEFILES_CONNECT_STATE_OFFLINE),
                     S_OK);
    expect_state(f, c, p, OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_FORCED);
    /* Other states: E_INVALIDARG, nothing changes. */
    OFFLINEFILES_CONNECT_STATE bad[] = {OFFLINEFILES_CONNECT_STATE_UNKNOWN,
                                        OFFLINEFILES_CONNECT_STATE_TRANSPARENTLY_CACHED,
                                        OFFLINEFILES_CONNECT_STATE_PARTLY_TRANSPARENTLY_CACHED,
                                        (OFFLINEFILES_CONNECT_STATE)77};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(c->lpVtbl->SetConnectState(c, NULL, 0, bad[i]), E_INVALIDARG);
    expect_state(f, c, p, OFFLINEFILES_CONNECT_STATE_OFFLINE,
                 OFFLINEFILES_OFFLINE_REASON_CONNECTION_FORCED);
    assert_int_equal(c->lpVtbl->SetConnectState(c, NULL, 0x1, OFFLINEFILES_CONNECT_STATE_ONLINE),
                     S_OK);
    expect_state(f, c, p, OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    /* The other scope never moved. */
    csc_connect_state_t cs;
    assert_int_equal(csc_connect_state(f->cache, "\\\\other\\s", &cs, NULL), S_OK);
    assert_int_equal(cs, CSC_CONNECT_STATE_ONLINE);
    assert_int_equal(c->lpVtbl->Release(c), 1);
    assert_int_equal(dir->lpVtbl->Release(dir), 0);
}

/* ---- ShareInfo (C16.3) ---- */

static void test_share_info(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *server = com_find(f, u"\\\\srv", 0);
    IOfflineFilesShareInfo *si = (IOfflineFilesShareInfo *)1;
    assert_int_equal(server->lpVtbl->QueryInterface(server, &IID_IOfflineFilesShareInfo,
                                                    (void **)&si),
                     E_NOINTERFACE);
    assert_null(si);
    assert_int_equal(server->lpVtbl->Release(server), 0);
    LPCWSTR paths[] = {u"\\\\srv\\docs", u"\\\\srv\\docs\\sub", u"\\\\srv\\docs\\sub\\b.txt"};
    for (int i = 0; i < 3; i++) {
        IOfflineFilesItem *item = com_find(f, paths[i], 0);
        assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesShareInfo,
                                                      (void **)&si),
                         S_OK);
        IOfflineFilesShareItem *share = NULL;
        assert_int_equal(si->lpVtbl->GetShareItem(si, &share), S_OK);
        OFFLINEFILES_ITEM_TYPE type;
        assert_int_equal(share->lpVtbl->GetItemType(share, &type), S_OK);
        assert_int_equal(type, OFFLINEFILES_ITEM_TYPE_SHARE);
        LPWSTR path;
        assert_int_equal(share->lpVtbl->GetPath(share, &path), S_OK);
        assert_memory_equal(path, u"\\\\srv\\docs", sizeof(u"\\\\srv\\docs"));
        CoTaskMemFree(path);
        IOfflineFilesShareItem *again = NULL;
        assert_int_equal(share->lpVtbl->QueryInterface(share, &IID_IOfflineFilesShareItem,
                                                       (void **)&again),
                         S_OK);
        assert_ptr_equal(again, share);
        assert_int_equal(again->lpVtbl->Release(again), 1);
        assert_int_equal(share->lpVtbl->Release(share), 0);
        OFFLINEFILES_CACHING_MODE m = 9;
        assert_int_equal(si->lpVtbl->GetShareCachingMode(si, &m), S_OK);
        assert_int_equal(m, OFFLINEFILES_CACHING_MODE_MANUAL);
        BOOL dfs = TRUE;
        assert_int_equal(si->lpVtbl->IsShareDfsJunction(si, &dfs), S_OK);
        assert_false(dfs);
        assert_int_equal(si->lpVtbl->GetShareItem(si, NULL), E_POINTER);
        assert_int_equal(si->lpVtbl->GetShareCachingMode(si, NULL), E_POINTER);
        assert_int_equal(si->lpVtbl->IsShareDfsJunction(si, NULL), E_POINTER);
        assert_int_equal(si->lpVtbl->Release(si), 1);
        assert_int_equal(item->lpVtbl->Release(item), 0);
    }
    /* The mode is the server's, read when asked (C10.6). */
    IOfflineFilesItem *file = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    assert_int_equal(file->lpVtbl->QueryInterface(file, &IID_IOfflineFilesShareInfo, (void **)&si),
                     S_OK);
    assert_int_equal(csc_remote_set_caching_mode(f->cache, "\\\\srv\\docs",
                                                 CSC_CACHING_MODE_AUTO_PROGANDDOC),
                     S_OK);
    OFFLINEFILES_CACHING_MODE m;
    assert_int_equal(si->lpVtbl->GetShareCachingMode(si, &m), S_OK);
    assert_int_equal(m, OFFLINEFILES_CACHING_MODE_AUTO_PROGANDDOC);
    /* The share gone from the cache: GetShareItem 0x80070002, NULL. */
    LPCWSTR share_path[] = {u"\\\\srv\\docs"};
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, share_path, 1, 0, FALSE, NULL), S_OK);
    IOfflineFilesShareItem *gone = (IOfflineFilesShareItem *)1;
    assert_int_equal(si->lpVtbl->GetShareItem(si, &gone), CSC_E_FILE_NOT_FOUND);
    assert_null(gone);
    assert_int_equal(si->lpVtbl->Release(si), 1);
    assert_int_equal(file->lpVtbl->Release(file), 0);
}

/* ---- FileSysInfo, DirtyInfo, ChangeInfo (C13.5) ---- */

static uint64_t ft(FILETIME t)
{
    return ((uint64_t)t.dwHighDateTime << 32) | t.dwLowDateTime;
}

#define FT_2000 125911584000000000ull

static void test_file_sys_info(void **state)
{
    fixture_t *f = *state;
    /* Which items have it (C16.1): directories and files. */
    LPCWSTR paths[] = {u"\\\\srv", u"\\\\srv\\docs", u"\\\\srv\\docs\\sub",
                       u"\\\\srv\\docs\\a.txt"};
    for (int i = 0; i < 4; i++) {
        IOfflineFilesItem *item = com_find(f, paths[i], 0);
        IOfflineFilesFileSysInfo *fs = (IOfflineFilesFileSysInfo *)1;
        HRESULT hr = item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesFileSysInfo, (void **)&fs);
        if (i < 2) {
            assert_int_equal(hr, E_NOINTERFACE);
            assert_null(fs);
        } else {
            assert_int_equal(hr, S_OK);
            DWORD a = 7;
            assert_int_equal(fs->lpVtbl->GetAttributes(fs, OFFLINEFILES_ITEM_COPY_LOCAL, &a), S_OK);
            assert_int_equal(a, i == 2 ? 0x10 : 0x20);
            assert_int_equal(fs->lpVtbl->GetAttributes(fs, OFFLINEFILES_ITEM_COPY_ORIGINAL, &a),
                             S_OK);
            assert_int_equal(a, i == 2 ? 0x10 : 0x20);
            assert_int_equal(fs->lpVtbl->GetAttributes(fs, OFFLINEFILES_ITEM_COPY_REMOTE, &a), S_OK);
            assert_int_equal(a, 0);
            a = 7;
            assert_int_equal(fs->lpVtbl->GetAttributes(fs, (OFFLINEFILES_ITEM_COPY)3, &a),
                             E_INVALIDARG);
            assert_int_equal(a, 0);
            assert_int_equal(fs->lpVtbl->GetAttributes(fs, OFFLINEFILES_ITEM_COPY_LOCAL, NULL),
                             E_POINTER);
            LARGE_INTEGER sz;
            assert_int_equal(fs->lpVtbl->GetFileSize(fs, OFFLINEFILES_ITEM_COPY_LOCAL, &sz), S_OK);
            assert_int_equal(sz.QuadPart, i == 2 ? 0 : 100);
            assert_int_equal(fs->lpVtbl->Release(fs), 1);
        }
        assert_int_equal(item->lpVtbl->Release(item), 0);
    }
}

static void test_sizes_and_times(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(csc_cache_advance_clock(f->cache, 100), S_OK);
    assert_int_equal(csc_cache_file(f->cache, "\\\\srv\\docs\\t.txt", true, 40, NULL), S_OK);
    assert_int_equal(csc_cache_advance_clock(f->cache, 20), S_OK);
    csc_item_t *t;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\t.txt", &t), S_OK);
    assert_int_equal(csc_item_open(f->cache, t), S_OK); /* touches it (C5.4) */
    assert_int_equal(csc_item_close(f->cache, t), S_OK);
    IOfflineFilesItem *item = com_find(f, u"\\\\srv\\docs\\t.txt", 0);
    IOfflineFilesFileSysInfo *fs;
    IOfflineFilesDirtyInfo *di;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesFileSysInfo, (void **)&fs),
                     S_OK);
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesDirtyInfo, (void **)&di),
                     S_OK);
    FILETIME c, w, ch, a;
    assert_int_equal(fs->lpVtbl->GetTimes(fs, OFFLINEFILES_ITEM_COPY_LOCAL, &c, &w, &ch, &a), S_OK);
    assert_true(ft(w) == FT_2000 + 100 * 10000000ull); /* the server's last change */
    assert_true(ft(c) == ft(w) && ft(ch) == ft(w));
    assert_true(ft(a) == FT_2000 + 120 * 10000000ull); /* the last use */
    assert_int_equal(fs->lpVtbl->GetTimes(fs, OFFLINEFILES_ITEM_COPY_ORIGINAL, &c, &w, &ch, &a),
                     S_OK);
    assert_true(ft(w) == FT_2000 + 100 * 10000000ull && ft(a) == 0);
    assert_int_equal(fs->lpVtbl->GetTimes(fs, OFFLINEFILES_ITEM_COPY_REMOTE, &c, &w, &ch, &a), S_OK);
    assert_true(ft(c) == 0 && ft(w) == 0 && ft(ch) == 0 && ft(a) == 0);
    a.dwLowDateTime = 5;
    assert_int_equal(fs->lpVtbl->GetTimes(fs, (OFFLINEFILES_ITEM_COPY)9, &c, &w, &ch, &a),
                     E_INVALIDARG);
    assert_true(ft(a) == 0);
    assert_int_equal(fs->lpVtbl->GetTimes(fs, OFFLINEFILES_ITEM_COPY_LOCAL, &c, &w, &ch, NULL),
                     E_POINTER);
    assert_int_equal(fs->lpVtbl->GetTimes(fs, OFFLINEFILES_ITEM_COPY_LOCAL, NULL, &w, &ch, &a),
                     E_POINTER);
    LARGE_INTEGER sz;
    assert_int_equal(fs->lpVtbl->GetFileSize(fs, OFFLINEFILES_ITEM_COPY_ORIGINAL, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 40);
    assert_int_equal(fs->lpVtbl->GetFileSize(fs, OFFLINEFILES_ITEM_COPY_REMOTE, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 0);
    assert_int_equal(fs->lpVtbl->GetFileSize(fs, (OFFLINEFILES_ITEM_COPY)3, &sz), E_INVALIDARG);
    assert_int_equal(fs->lpVtbl->GetFileSize(fs, OFFLINEFILES_ITEM_COPY_LOCAL, NULL), E_POINTER);
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 0);
    /* Changed on the server (C10.3): the snapshot keeps the old view until
     * Refresh; then RemoteDirtyByteCount is the server's size, and the
     * original's size and times are no longer known from the twin. */
    assert_int_equal(csc_cache_advance_clock(f->cache, 5), S_OK);
    assert_int_equal(csc_remote_write(f->cache, "\\\\srv\\docs\\t.txt", true, 75), S_OK);
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 0);
    assert_int_equal(item->lpVtbl->Refresh(item, 0), S_OK);
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 75);
    assert_int_equal(fs->lpVtbl->GetFileSize(fs, OFFLINEFILES_ITEM_COPY_LOCAL, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 40);
    assert_int_equal(fs->lpVtbl->GetFileSize(fs, OFFLINEFILES_ITEM_COPY_ORIGINAL, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 40);
    assert_int_equal(fs->lpVtbl->GetTimes(fs, OFFLINEFILES_ITEM_COPY_LOCAL, &c, &w, &ch, &a), S_OK);
    assert_true(ft(w) == 0 && ft(a) == FT_2000 + 120 * 10000000ull);
    /* The remote file gone: changed on the server, but no remote bytes. */
    assert_int_equal(csc_remote_delete(f->cache, "\\\\srv\\docs\\t.txt"), S_OK);
    assert_int_equal(item->lpVtbl->Refresh(item, 0), S_OK);
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, &sz), S_OK);
    assert_int_equal(sz.QuadPart, 0);
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, NULL), E_POINTER);
    assert_int_equal(di->lpVtbl->Release(di), 2);
    assert_int_equal(fs->lpVtbl->Release(fs), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

static void test_change_info(void **state)
{
    /* The flags of a file modified offline and its local dirty count are
     * test_com__items' test_dirty_and_change_info; here, the remote side. */
    fixture_t *f = *state;
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 7), S_OK);
    IOfflineFilesItem *item = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    IOfflineFilesChangeInfo *ci;
    IOfflineFilesDirtyInfo *di;
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesChangeInfo, (void **)&ci),
                     S_OK);
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesDirtyInfo, (void **)&di),
                     S_OK);
    assert_int_equal(ci->lpVtbl->IsLocallyModifiedTime(ci, NULL), E_POINTER);
    LARGE_INTEGER n;
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, &n), S_OK);
    assert_int_equal(n.QuadPart, 0); /* not changed on the server */
    /* Changed on both sides. */
    assert_int_equal(csc_remote_write(f->cache, "\\\\srv\\docs\\a.txt", true, 130), S_OK);
    assert_int_equal(item->lpVtbl->Refresh(item, 0), S_OK);
    assert_int_equal(di->lpVtbl->RemoteDirtyByteCount(di, &n), S_OK);
    assert_int_equal(n.QuadPart, 130);
    assert_int_equal(di->lpVtbl->LocalDirtyByteCount(di, &n), S_OK);
    assert_int_equal(n.QuadPart, 7);
    BOOL b;
    assert_int_equal(ci->lpVtbl->IsDirty(ci, &b), S_OK);
    assert_true(b);
    assert_int_equal(ci->lpVtbl->Release(ci), 2);
    assert_int_equal(di->lpVtbl->Release(di), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

/* ---- re-entrancy (C14.5): reads work inside a callback, changes are busy ---- */

typedef struct reentry {
    IOfflineFilesCache *pc;
    IOfflineFilesConnectionInfo *conn;
    HRESULT get, cacheable, offline, online, set;
    OFFLINEFILES_CONNECT_STATE state;
    BOOL open;
} reentry_t;

static void reentry_hook(sink_t *s, LPCWSTR path)
{
    (void)path;
    reentry_t *r = s->hook_data;
    OFFLINEFILES_OFFLINE_REASON why;
    r->get = r->conn->lpVtbl->GetConnectState(r->conn, &r->state, &why);
    BOOL c;
    OFFLINEFILES_CACHING_MODE m;
    r->cacheable = r->pc->lpVtbl->IsPathCacheable(r->pc, u"\\\\srv\\docs", &c, &m);
    r->open = TRUE;
    r->offline = r->conn->lpVtbl->TransitionOffline(r->conn, NULL, 0, TRUE, &r->open);
    r->online = r->conn->lpVtbl->TransitionOnline(r->conn, NULL, 0);
    r->set = r->conn->lpVtbl->SetConnectState(r->conn, NULL, 0, OFFLINEFILES_CONNECT_STATE_OFFLINE);
}

static void test_reentry(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *item = com_find(f, u"\\\\srv\\docs\\a.txt", 0);
    reentry_t r = {f->pc, conn_of(item), 0, 0, 0, 0, 0, 0, FALSE};
    sink_t s;
    sink_init(&s);
    s.hook = reentry_hook;
    s.hook_data = &r;
    LPCWSTR paths[] = {u"\\\\srv\\docs\\a.txt"};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, FALSE, FALSE, 0x20, &s.sync_iface),
                     S_OK);
    assert_int_equal(r.get, S_OK);
    assert_int_equal(r.state, OFFLINEFILES_CONNECT_STATE_ONLINE);
    assert_int_equal(r.cacheable, S_OK);
    assert_int_equal(r.offline, CSC_E_BUSY);
    assert_false(r.open);
    assert_int_equal(r.online, CSC_E_BUSY);
    assert_int_equal(r.set, CSC_E_BUSY);
    expect_state(f, r.conn, "\\\\srv\\docs\\a.txt", OFFLINEFILES_CONNECT_STATE_ONLINE,
                 OFFLINEFILES_OFFLINE_REASON_NOT_APPLICABLE);
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_int_equal(r.conn->lpVtbl->Release(r.conn), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
}

/* ---- two threads on one cache object ---- */

typedef struct worker {
    fixture_t *f;
    int failures;
} worker_t;

static void *toggler(void *arg)
{
    worker_t *w = arg;
    IOfflineFilesItem *item = NULL;
    if (w->f->pc->lpVtbl->FindItem(w->f->pc, u"\\\\srv\\docs\\a.txt", 0, &item) != S_OK) {
        w->failures++;
        return NULL;
    }
    IOfflineFilesConnectionInfo *c = NULL;
    item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesConnectionInfo, (void **)&c);
    for (int i = 0; i < 300; i++) {
        BOOL open = TRUE;
        if (c->lpVtbl->TransitionOffline(c, NULL, 0, i % 2, &open) != S_OK || open)
            w->failures++;
        if (c->lpVtbl->SetConnectState(c, NULL, 0, OFFLINEFILES_CONNECT_STATE_ONLINE) != S_OK)
            w->failures++;
    }
    c->lpVtbl->Release(c);
    if (item->lpVtbl->Release(item) != 0)
        w->failures++;
    return NULL;
}

static void *reader(void *arg)
{
    worker_t *w = arg;
    for (int i = 0; i < 300; i++) {
        IOfflineFilesItem *item = NULL;
        if (w->f->pc->lpVtbl->FindItem(w->f->pc, u"\\\\srv\\docs\\sub\\b.txt", 0, &item) != S_OK) {
            w->failures++;
            continue;
        }
        IOfflineFilesConnectionInfo *c = NULL;
        IOfflineFilesShareInfo *si = NULL;
        item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesConnectionInfo, (void **)&c);
        item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesShareInfo, (void **)&si);
        OFFLINEFILES_CONNECT_STATE s;
        OFFLINEFILES_OFFLINE_REASON r;
        if (c->lpVtbl->GetConnectState(c, &s, &r) != S_OK ||
            !((s == OFFLINEFILES_CONNECT_STATE_ONLINE && r == 1) ||
              (s == OFFLINEFILES_CONNECT_STATE_OFFLINE && r == 2)))
            w->failures++;
        BOOL cacheable;
        OFFLINEFILES_CACHING_MODE m;
        if (w->f->pc->lpVtbl->IsPathCacheable(w->f->pc, u"\\\\srv\\docs\\x", &cacheable, &m) != S_OK ||
            !cacheable || m != OFFLINEFILES_CACHING_MODE_MANUAL)
            w->failures++;
        if (si->lpVtbl->GetShareCachingMode(si, &m) != S_OK || m != OFFLINEFILES_CACHING_MODE_MANUAL)
            w->failures++;
        si->lpVtbl->Release(si);
        c->lpVtbl->Release(c);
        if (item->lpVtbl->Release(item) != 0)
            w->failures++;
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    fixture_t *f = *state;
    worker_t w[2] = {{f, 0}, {f, 0}};
    pthread_t t[2];
    assert_int_equal(pthread_create(&t[0], NULL, toggler, &w[0]), 0);
    assert_int_equal(pthread_create(&t[1], NULL, reader, &w[1]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(w[0].failures, 0);
    assert_int_equal(w[1].failures, 0);
    csc_connect_state_t s;
    assert_int_equal(csc_connect_state(f->cache, "\\\\srv\\docs", &s, NULL), S_OK);
    assert_int_equal(s, CSC_CONNECT_STATE_ONLINE);
    assert_int_equal(f->pc->lpVtbl->AddRef(f->pc), 2);
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_is_path_cacheable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feature_not_active, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_state_reasons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connect_state_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transition_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_connect_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_share_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_sys_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sizes_and_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reentry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
