/*
 * tests/test_com__cache.c: the COM face's cache object (C14.1, C16): the
 * creation function and its errors, QueryInterface and reference counts,
 * every implemented IOfflineFilesCache method against the same call through
 * the C API (Pin, Unpin, Synchronize, DeleteItems, FindItem, FindItemEx,
 * GetDiskSpaceInformation, SetDiskSpaceLimits, GetLocation, RenameItem(Ex),
 * Encrypt, GetEncryptionStatus, DeleteItemsForUser, the settings methods,
 * ProcessAdminPinPolicy, the
 * cache's IOfflineFilesItemContainer), the client's progress object held
 * for the call and its answers honoured (C4.5), NULL and bad arguments
 * (C16.7), UTF-16 with unpaired surrogates (C14.4), re-entrancy (C14.5),
 * bAsync on the embedder's loop (C6.5: Pin, Unpin, DeleteItems,
 * DeleteItemsForUser, Encrypt) and two threads on one cache object.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include <cscsim/async.h>

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

static bool pinned(csc_cache_t *cache, const char *path)
{
    csc_item_t *item;
    assert_int_equal(csc_cache_find(cache, path, &item), S_OK);
    return csc_item_is_pinned(item);
}

/* ---- creation ---- */

static void test_create_instance_errors(void **state)
{
    fixture_t *f = *state;
    void *p = (void *)1;
    IUnknown *outer = (IUnknown *)f->pc;
    assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesCache, NULL,
                                             &IID_IOfflineFilesCache, NULL),
                     E_POINTER);
    assert_int_equal(csc_com_create_instance(NULL, &CLSID_OfflineFilesCache, NULL,
                                             &IID_IOfflineFilesCache, &p),
                     E_POINTER);
    assert_null(p);
    p = (void *)1;
    assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesCache, outer,
                                             &IID_IOfflineFilesCache, &p),
                     CLASS_E_NOAGGREGATION);
    assert_int_equal((uint32_t)CLASS_E_NOAGGREGATION, 0x80040110u);
    assert_null(p);
    p = (void *)1;
    assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesSetting, NULL,
                                             &IID_IOfflineFilesCache, &p),
                     REGDB_E_CLASSNOTREG);
    assert_int_equal((uint32_t)REGDB_E_CLASSNOTREG, 0x80040154u);
    assert_null(p);
    p = (void *)1;
    assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesCache, NULL,
                                             &IID_IOfflineFilesItem, &p),
                     E_NOINTERFACE);
    assert_null(p);
}

static void test_create_instance_interfaces(void **state)
{
    fixture_t *f = *state;
    const GUID *iids[] = {&IID_IUnknown, &IID_IOfflineFilesCache, &IID_IOfflineFilesCache2,
                          &IID_IOfflineFilesItemContainer};
    for (size_t i = 0; i < 4; i++) {
        IUnknown *u = NULL;
        assert_int_equal(csc_com_create_instance(f->cache, &CLSID_OfflineFilesCache, NULL,
                                                 iids[i], (void **)&u),
                         S_OK);
        assert_non_null(u);
        assert_int_equal(u->lpVtbl->Release(u), 0);
    }
}

static void test_guid_values(void **state)
{
    (void)state;
    /* Windows' values (windows-api-facts.md section 3). */
    assert_int_equal(CLSID_OfflineFilesCache.Data1, 0x48C6BE7Cu);
    assert_int_equal(CLSID_OfflineFilesCache.Data4[7], 0xF3);
    assert_int_equal(IID_IOfflineFilesCache.Data1, 0x855D6203u);
    assert_int_equal(IID_IOfflineFilesCache.Data2, 0x7914);
    assert_int_equal(IID_IOfflineFilesCache.Data4[0], 0x8D);
    assert_int_equal(IID_IOfflineFilesCache2.Data1, 0x8C075039u);
    assert_int_equal(IID_IOfflineFilesSyncProgress.Data1, 0x6931F49Au);
    assert_int_equal(IID_IUnknown.Data4[0], 0xC0);
    assert_int_equal(IID_IUnknown.Data4[7], 0x46);
    /* Vtable slots (windows-api-facts.md): IsPathCacheable is slot 19,
     * RenameItemEx 20, Pin 6, SyncItemResult 7. */
    assert_int_equal(offsetof(IOfflineFilesCache2Vtbl, IsPathCacheable) / sizeof(void *), 19);
    assert_int_equal(offsetof(IOfflineFilesCache2Vtbl, RenameItemEx) / sizeof(void *), 20);
    assert_int_equal(offsetof(IOfflineFilesCacheVtbl, Pin) / sizeof(void *), 6);
    assert_int_equal(offsetof(IOfflineFilesSyncProgressVtbl, SyncItemResult) / sizeof(void *), 7);
    assert_int_equal(offsetof(IOfflineFilesFileItemVtbl, IsEncrypted) / sizeof(void *), 9);
    assert_int_equal(offsetof(IOfflineFilesPinInfo2Vtbl, IsPartlyPinned) / sizeof(void *), 8);
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(sizeof(ULONG), 4);
}

/* ---- QueryInterface and reference counts ---- */

static void test_query_interface_rules(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesCache *pc = f->pc;
    IUnknown *u1 = NULL, *u2 = NULL;
    IOfflineFilesItemContainer *cont = NULL;
    IOfflineFilesCache2 *pc2 = NULL;
    assert_int_equal(pc->lpVtbl->QueryInterface(pc, &IID_IUnknown, (void **)&u1), S_OK);
    assert_int_equal(pc->lpVtbl->QueryInterface(pc, &IID_IOfflineFilesItemContainer,
                                                (void **)&cont),
                     S_OK);
    /* Identity: IUnknown from any interface is the same pointer. */
    assert_int_equal(cont->lpVtbl->QueryInterface(cont, &IID_IUnknown, (void **)&u2), S_OK);
    assert_ptr_equal(u1, u2);
    assert_int_equal(cont->lpVtbl->QueryInterface(cont, &IID_IOfflineFilesCache2, (void **)&pc2),
                     S_OK);
    assert_ptr_equal((void *)pc2, (void *)pc);
    void *p = (void *)1;
    assert_int_equal(pc->lpVtbl->QueryInterface(pc, &IID_IOfflineFilesItem, &p), E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(pc->lpVtbl->QueryInterface(pc, &IID_IOfflineFilesPinInfo, &p), E_NOINTERFACE);
    assert_int_equal(pc->lpVtbl->QueryInterface(pc, &IID_IUnknown, NULL), E_POINTER);
    /* Counts: 1 (fixture) + 4 above. */
    assert_int_equal(pc->lpVtbl->AddRef(pc), 6);
    assert_int_equal(pc->lpVtbl->Release(pc), 5);
    assert_int_equal(u1->lpVtbl->Release(u1), 4);
    assert_int_equal(u2->lpVtbl->Release(u2), 3);
    assert_int_equal(cont->lpVtbl->Release(cont), 2);
    assert_int_equal(pc2->lpVtbl->Release(pc2), 1);
}

/* ---- Pin and Unpin ---- */

static void test_pin_unpin_with_progress(void **state)
{
    fixture_t *f = *state;
    sink_t s;
    sink_init(&s);
    LPCWSTR paths[] = {u"\\\\srv\\docs\\sub"};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, TRUE, FALSE,
                                        OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, &s.sync_iface),
                     S_OK);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\sub\n"
                               "ItemResult \\\\srv\\docs\\sub 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "End 0x00000000\n");
    /* The sink is held for the call and released after End (C14.1). */
    assert_int_equal(s.ref_at_begin, 2);
    assert_int_equal(s.ref_at_end, 2);
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_true(pinned(f->cache, "\\\\srv\\docs\\sub\\b.txt"));

    sink_init(&s);
    assert_int_equal(f->pc->lpVtbl->Unpin(f->pc, NULL, paths, 1, TRUE, FALSE,
                                          OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, &s.sync_iface),
                     S_OK);
    assert_false(pinned(f->cache, "\\\\srv\\docs\\sub\\b.txt"));
    assert_int_equal(atomic_load(&s.ref), 1);
    /* Without a progress object. */
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, FALSE, FALSE,
                                        OFFLINEFILES_PIN_CONTROL_FLAG_FORALL, NULL),
                     S_OK);
    assert_true(pinned(f->cache, "\\\\srv\\docs\\sub"));
}

static void test_pin_single_file_result(void **state)
{
    fixture_t *f = *state;
    /* C4.7: one path naming a file (or not cached) gives that item's result,
     * the same as through the C API. */
    LPCWSTR missing[] = {u"\\\\srv\\docs\\none.txt"};
    const char *missing8[] = {"\\\\srv\\docs\\none.txt"};
    HRESULT com = f->pc->lpVtbl->Pin(f->pc, NULL, missing, 1, FALSE, FALSE,
                                     OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, NULL);
    assert_int_equal(com, csc_pin(f->cache, missing8, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL));
    assert_int_equal(com, CSC_E_FILE_NOT_FOUND);
    LPCWSTR bad[] = {u"not a unc path"};
    assert_int_equal(f->pc->lpVtbl->Unpin(f->pc, NULL, bad, 1, FALSE, FALSE,
                                          OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, NULL),
                     CSC_E_INVALID_NAME);
}

static void test_pin_bad_arguments(void **state)
{
    fixture_t *f = *state;
    sink_t s;
    sink_init(&s);
    LPCWSTR with_null[] = {u"\\\\srv\\docs\\a.txt", NULL};
    LPCWSTR one[] = {u"\\\\srv\\docs\\a.txt"};
    IOfflineFilesCache *pc = f->pc;
    /* C16.7: a NULL pointer inside rgpszPaths is E_INVALIDARG, no event. */
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, with_null, 2, FALSE, FALSE, 0x20, &s.sync_iface),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->Unpin(pc, NULL, with_null, 2, FALSE, FALSE, 0x20, &s.sync_iface),
                     E_INVALIDARG);
    /* C4.1: no path, a NULL array, unknown flags, no pin source. */
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, one, 0, FALSE, FALSE, 0x20, &s.sync_iface),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, NULL, 1, FALSE, FALSE, 0x20, &s.sync_iface),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, one, 1, FALSE, FALSE, 0x20 | 0x2, &s.sync_iface),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->Unpin(pc, NULL, one, 1, FALSE, FALSE, 0x1, &s.sync_iface),
                     E_INVALIDARG);
    /* bAsync: not yet (C6.5). */
    assert_int_equal(pc->lpVtbl->Pin(pc, NULL, one, 1, FALSE, TRUE, 0x20, &s.sync_iface),
                     E_NOTIMPL);
    assert_string_equal(s.log, "");
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_false(pinned(f->cache, "\\\\srv\\docs\\a.txt"));
}

static void test_progress_answers(void **state)
{
    fixture_t *f = *state;
    LPCWSTR share[] = {u"\\\\srv\\docs"};
    sink_t s;
    /* Abort at Begin: cancelled before the first item. */
    sink_init(&s);
    s.abort_at_begin = TRUE;
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, share, 1, TRUE, FALSE, 0x20, &s.sync_iface),
                     CSC_E_CANCELLED);
    assert_string_equal(s.log, "Begin\nEnd 0x800704C7\n");
    assert_false(pinned(f->cache, "\\\\srv\\docs"));
    /* ABORT from SyncItemBegin of a.txt stops the walk there. */
    sink_init(&s);
    s.answer_path = "a.txt";
    s.answer_begin = OFFLINEFILES_OP_ABORT;
    s.answers_left = 1;
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, share, 1, TRUE, FALSE, 0x20, &s.sync_iface),
                     CSC_E_CANCELLED);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\n"
                               "ItemResult \\\\srv\\docs 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "End 0x800704C7\n");
    assert_false(pinned(f->cache, "\\\\srv\\docs\\a.txt"));
    /* RETRY from SyncItemResult processes the item again, once. */
    sink_init(&s);
    s.answer_path = "b.txt";
    s.answer_result = OFFLINEFILES_OP_RETRY;
    s.answers_left = 1;
    LPCWSTR b[] = {u"\\\\srv\\docs\\sub\\b.txt"};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, b, 1, FALSE, FALSE, 0x20, &s.sync_iface),
                     S_OK);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
}

/* bAsync = TRUE on the embedder's loop (C6.5, csc_com_set_loop). */
static void test_async_pin_on_loop(void **state)
{
    fixture_t *f = *state;
    LPCWSTR paths[] = {u"\\\\srv\\docs\\sub"};
    sink_t s;
    sink_init(&s);
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, TRUE, TRUE, 0x20, &s.sync_iface),
                     E_NOTIMPL); /* no loop given yet */
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(csc_com_set_loop(f->pc, &loop), S_OK);
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, TRUE, TRUE, 0x20, &s.sync_iface),
                     S_OK);
    /* Started: events wait for the loop; the sink and the object are held. */
    assert_string_equal(s.log, "");
    assert_int_equal(atomic_load(&s.ref), 2);
    assert_int_equal(f->pc->lpVtbl->AddRef(f->pc), 3);
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 2);
    /* While it runs, reads are refused as busy (C6.6). */
    IOfflineFilesItem *busy_item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, paths[0], 0, &busy_item), CSC_E_BUSY);
    assert_null(busy_item);
    IOfflineFilesItemContainer *cont;
    IEnumOfflineFilesItems *e = (IEnumOfflineFilesItems *)1;
    assert_int_equal(f->pc->lpVtbl->QueryInterface(f->pc, &IID_IOfflineFilesItemContainer,
                                                   (void **)&cont),
                     S_OK);
    assert_int_equal(cont->lpVtbl->EnumItems(cont, 0, &e), CSC_E_BUSY);
    assert_null(e);
    assert_int_equal(cont->lpVtbl->Release(cont), 2);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\sub\n"
                               "ItemResult \\\\srv\\docs\\sub 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_true(pinned(f->cache, "\\\\srv\\docs\\sub\\b.txt"));
    /* An asynchronous Unpin refused at once leaves nothing held. */
    LPCWSTR with_null[] = {NULL};
    assert_int_equal(f->pc->lpVtbl->Unpin(f->pc, NULL, with_null, 1, TRUE, TRUE, 0x20,
                                          &s.sync_iface),
                     E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->Unpin(f->pc, NULL, paths, 1, TRUE, TRUE, 0x1, &s.sync_iface),
                     E_INVALIDARG);
    assert_int_equal(atomic_load(&s.ref), 1);
    /* Synchronize without a progress object: E_INVALIDARG (C16.5). */
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, paths, 1, TRUE, 0, NULL, NULL,
                                                NULL),
                     E_INVALIDARG);
    assert_int_equal(csc_com_set_loop(NULL, &loop), E_POINTER);
    IOfflineFilesItem *item;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, paths[0], 0, &item), S_OK);
    assert_int_equal(csc_com_set_loop((IOfflineFilesCache *)item, &loop), E_INVALIDARG);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    assert_int_equal(csc_com_set_loop(f->pc, NULL), S_OK);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(f->pc->lpVtbl->AddRef(f->pc), 2);
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 1);
}

/* bAsync = TRUE for DeleteItems, DeleteItemsForUser and Encrypt (C6.5):
 * started at once, the progress object and the cache object held until
 * End has been delivered on the loop, every other call refused meanwhile
 * (C6.6), the same events and effects as the synchronous calls; a call
 * refused at once holds nothing. */
static void test_async_delete_and_encrypt_on_loop(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesCache *pc = f->pc;
    LPCWSTR sub[] = {u"\\\\srv\\docs\\sub"};
    LPCWSTR a[] = {u"\\\\srv\\docs\\a.txt"};
    LPCWSTR with_null[] = {NULL};
    sink_t s, other;
    sink_init(&s);
    sink_init(&other);
    /* No loop given: E_NOTIMPL, nothing held. */
    assert_int_equal(pc->lpVtbl->DeleteItems(pc, sub, 1, 0, TRUE, &s.simple_iface), E_NOTIMPL);
    assert_int_equal(pc->lpVtbl->Encrypt(pc, NULL, TRUE, 0, TRUE, &s.sync_iface), E_NOTIMPL);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", a, 1, 0, TRUE, &s.simple_iface),
                     E_NOTIMPL);
    assert_int_equal(atomic_load(&s.ref), 1);
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(csc_com_set_loop(pc, &loop), S_OK);

    /* DeleteItems. */
    assert_int_equal(pc->lpVtbl->DeleteItems(pc, sub, 1, 0, TRUE, &s.simple_iface), S_OK);
    assert_string_equal(s.log, "");
    assert_int_equal(atomic_load(&s.ref), 2);
    assert_int_equal(pc->lpVtbl->AddRef(pc), 3);
    assert_int_equal(pc->lpVtbl->Release(pc), 2);
    /* C6.6: refused while it runs, synchronous or not; nothing held. */
    assert_int_equal(pc->lpVtbl->DeleteItems(pc, a, 1, 0, FALSE, &other.simple_iface), CSC_E_BUSY);
    assert_int_equal(pc->lpVtbl->Encrypt(pc, NULL, TRUE, 0, TRUE, &other.sync_iface), CSC_E_BUSY);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", a, 1, 0, TRUE,
                                                    &other.simple_iface),
                     CSC_E_BUSY);
    assert_string_equal(other.log, "");
    assert_int_equal(atomic_load(&other.ref), 1);
    assert_int_equal(pc->lpVtbl->AddRef(pc), 3);
    assert_int_equal(pc->lpVtbl->Release(pc), 2);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\n"
                               "ItemResult \\\\srv\\docs\\sub 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_int_equal(pc->lpVtbl->AddRef(pc), 2);
    assert_int_equal(pc->lpVtbl->Release(pc), 1);
    csc_item_t *item;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\sub", &item),
                     CSC_E_FILE_NOT_FOUND);

    /* Encrypt, with the sync progress object. */
    sink_init(&s);
    assert_int_equal(pc->lpVtbl->Encrypt(pc, NULL, TRUE, 0, TRUE, &s.sync_iface), S_OK);
    assert_int_equal(atomic_load(&s.ref), 2);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\other\\s\\c.txt\n"
                               "ItemResult \\\\other\\s\\c.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    BOOL enc = FALSE, partial = TRUE;
    assert_int_equal(pc->lpVtbl->GetEncryptionStatus(pc, &enc, &partial), S_OK);
    assert_true(enc);
    assert_false(partial);
    /* Refused at once (C15.16): nothing held, no event. */
    sink_init(&s);
    assert_int_equal(pc->lpVtbl->Encrypt(pc, NULL, FALSE, 0x1, TRUE, &s.sync_iface),
                     E_INVALIDARG);
    assert_string_equal(s.log, "");
    assert_int_equal(atomic_load(&s.ref), 1);

    /* DeleteItemsForUser: refused at once unless an administrator (C13.7). */
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", a, 1, 0, TRUE, &s.simple_iface),
                     E_ACCESSDENIED);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, NULL, a, 1, 0, TRUE, &s.simple_iface),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->DeleteItems(pc, with_null, 1, 0, TRUE, &s.simple_iface),
                     E_INVALIDARG);
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_string_equal(s.log, "");
    assert_int_equal(csc_cache_set_caller(f->cache, "admin", true), S_OK);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", a, 1, 0, TRUE, &s.simple_iface),
                     S_OK);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &item),
                     CSC_E_FILE_NOT_FOUND);
    /* Without a progress object too. */
    LPCWSTR c[] = {u"\\\\other\\s\\c.txt"};
    assert_int_equal(pc->lpVtbl->DeleteItems(pc, c, 1, 0, TRUE, NULL), S_OK);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(csc_cache_find(f->cache, "\\\\other\\s\\c.txt", &item),
                     CSC_E_FILE_NOT_FOUND);

    assert_int_equal(csc_com_set_loop(pc, NULL), S_OK);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(pc->lpVtbl->AddRef(pc), 2);
    assert_int_equal(pc->lpVtbl->Release(pc), 1);
}

/* a.txt changed on both sides: 5 bytes locally, the server's copy
 * rewritten with 50 (C12.5: FileChangedOnClient_ChangedOnServer). */
static void conflict_on_a(fixture_t *f)
{
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 5), S_OK);
    assert_int_equal(csc_remote_write(f->cache, "\\\\srv\\docs\\a.txt", true, 50), S_OK);
}

/* C12.5, C16.5: the client's IOfflineFilesSyncConflictHandler is asked
 * between SyncItemBegin and SyncItemResult with the path in UTF-16,
 * fStateKnown 0x3, the state and the change details; its answer applies,
 * its new name (task memory) names the kept local copy; it is held for the
 * call (C14.1). */
static void test_synchronize_conflict_handler(void **state)
{
    fixture_t *f = *state;
    conflict_on_a(f);
    sink_t s;
    handler_t h;
    sink_init(&s);
    handler_init(&h);
    h.answer = OFFLINEFILES_SYNC_CONFLICT_RESOLVE_KEEPALLCHANGES;
    h.new_name = u"mine.txt";
    LPCWSTR a[] = {u"\\\\srv\\docs\\a.txt"};
    DWORD inout = OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCIN | OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCOUT;
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, a, 1, FALSE, inout, &h.iface,
                                                &s.sync_iface, NULL),
                     S_OK);
    assert_int_equal(h.calls, 1);
    assert_memory_equal(h.path, u"\\\\srv\\docs\\a.txt", sizeof(u"\\\\srv\\docs\\a.txt"));
    assert_int_equal(h.known, 0x3);
    assert_int_equal(h.state, 12);
    assert_int_equal(h.ref_seen_max, 2);
    assert_int_equal(atomic_load(&h.ref), 1);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\mine.txt\n"
                               "ItemResult \\\\srv\\docs\\mine.txt 0x00000000\n"
                               "End 0x00000000\n");
    csc_item_t *item;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\mine.txt", &item), S_OK);
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &item), S_OK);
    assert_false(csc_item_is_dirty(item));
    /* An answer outside 0-7 counts as NONE: the conflict stays (E_FAIL). */
    conflict_on_a(f);
    h.answer = (OFFLINEFILES_SYNC_CONFLICT_RESOLVE)9;
    h.new_name = NULL;
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, a, 1, FALSE, inout, &h.iface, NULL,
                                                NULL),
                     E_FAIL);
    assert_int_equal(h.calls, 2);
    assert_true(csc_item_is_dirty(item));
    assert_int_equal(atomic_load(&h.ref), 1);
}

/* bAsync = TRUE for Synchronize (C6.5, C16.5): the progress object and the
 * conflict handler are called on the loop, the handler between the item's
 * SyncItemBegin and SyncItemResult; both are held until End. */
static void test_async_synchronize_on_loop(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesCache *pc = f->pc;
    conflict_on_a(f);
    sink_t s;
    handler_t h;
    sink_init(&s);
    handler_init(&h);
    h.answer = OFFLINEFILES_SYNC_CONFLICT_RESOLVE_KEEPLOCAL;
    LPCWSTR docs[] = {u"\\\\srv\\docs"};
    DWORD inout = OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCIN | OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCOUT;
    assert_int_equal(pc->lpVtbl->Synchronize(pc, NULL, docs, 1, TRUE, inout, &h.iface, NULL,
                                             NULL),
                     E_INVALIDARG); /* C16.5 */
    assert_int_equal(pc->lpVtbl->Synchronize(pc, NULL, docs, 1, TRUE, inout, &h.iface,
                                             &s.sync_iface, NULL),
                     E_NOTIMPL); /* no loop given */
    assert_int_equal(atomic_load(&h.ref), 1);
    assert_int_equal(atomic_load(&s.ref), 1);
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(csc_com_set_loop(pc, &loop), S_OK);
    for (int batched = 0; batched < 2; batched++) {
        DWORD flags = inout | (batched ? OFFLINEFILES_SYNC_CONTROL_FLAG_ASYNCPROGRESS : 0);
        if (batched)
            conflict_on_a(f);
        sink_init(&s);
        h.calls = 0;
        assert_int_equal(pc->lpVtbl->Synchronize(pc, NULL, docs, 1, TRUE, flags, &h.iface,
                                                 &s.sync_iface, NULL),
                         S_OK);
        assert_string_equal(s.log, "");
        assert_int_equal(atomic_load(&s.ref), 2);
        assert_int_equal(atomic_load(&h.ref), 2);
        IOfflineFilesItem *busy = (IOfflineFilesItem *)1;
        assert_int_equal(pc->lpVtbl->FindItem(pc, docs[0], 0, &busy), CSC_E_BUSY);
        assert_null(busy);
        assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
        assert_int_equal(h.calls, 1);
        assert_int_equal(h.state, 12);
        assert_string_equal(s.log, "Begin\n"
                                   "ItemBegin \\\\srv\\docs\n"
                                   "ItemResult \\\\srv\\docs 0x00000000\n"
                                   "ItemBegin \\\\srv\\docs\\a.txt\n"
                                   "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                                   "ItemBegin \\\\srv\\docs\\sub\n"
                                   "ItemResult \\\\srv\\docs\\sub 0x00000000\n"
                                   "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                                   "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                                   "End 0x00000000\n");
        assert_int_equal(atomic_load(&s.ref), 1);
        assert_int_equal(atomic_load(&h.ref), 1);
        csc_item_t *a;
        assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
        assert_false(csc_item_is_dirty(a)); /* KEEPLOCAL went to the server */
    }
    assert_int_equal(csc_com_set_loop(pc, NULL), S_OK);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
    assert_int_equal(pc->lpVtbl->AddRef(pc), 2);
    assert_int_equal(pc->lpVtbl->Release(pc), 1);
}

/* ---- Synchronize, DeleteItems ---- */

static void test_synchronize(void **state)
{
    fixture_t *f = *state;
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 5), S_OK);
    sink_t s;
    handler_t h;
    sink_init(&s);
    handler_init(&h);
    LPCWSTR paths[] = {u"\\\\srv\\docs\\a.txt"};
    GUID id = {1, 2, 3, {4}};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, paths, 1, FALSE,
                                                OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCOUT, &h.iface,
                                                &s.sync_iface, &id),
                     S_OK);
    assert_false(csc_item_is_dirty(a));
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "End 0x00000000\n");
    /* Handler held for the call, released after; no conflicts yet. */
    assert_int_equal(h.ref_seen_max, 2);
    assert_int_equal(atomic_load(&h.ref), 1);
    assert_int_equal(h.calls, 0);
    assert_int_equal(atomic_load(&s.ref), 1);
    /* C16.5: bAsync with no progress object is E_INVALIDARG. */
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, paths, 1, TRUE, 0, NULL, NULL, NULL),
                     E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, paths, 1, TRUE, 0, NULL,
                                                &s.sync_iface, NULL),
                     E_NOTIMPL);
    LPCWSTR with_null[] = {NULL};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, with_null, 1, FALSE, 0, NULL, NULL,
                                                NULL),
                     E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, paths, 1, FALSE, 0x08000000u, NULL,
                                                NULL, NULL),
                     E_INVALIDARG);
}

static void test_delete_items(void **state)
{
    fixture_t *f = *state;
    sink_t s;
    sink_init(&s);
    LPCWSTR paths[] = {u"\\\\srv\\docs\\sub"};
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, paths, 1, 0, FALSE, &s.simple_iface), S_OK);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\n"
                               "ItemResult \\\\srv\\docs\\sub 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    csc_item_t *item;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\sub", &item), CSC_E_FILE_NOT_FOUND);
    /* An open file fails; a single file path returns its result (C15.18),
     * as the C API does. */
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &item), S_OK);
    assert_int_equal(csc_item_open(f->cache, item), S_OK);
    LPCWSTR a[] = {u"\\\\srv\\docs\\a.txt"};
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, a, 1, 0, FALSE, NULL),
                     CSC_E_SHARING_VIOLATION);
    LPCWSTR with_null[] = {NULL};
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, with_null, 1, 0, FALSE, NULL),
                     E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, a, 1, 0x10, FALSE, NULL), E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, a, 1, 0x80000000u, FALSE, NULL),
                     E_ACCESSDENIED);
    assert_int_equal(f->pc->lpVtbl->DeleteItems(f->pc, a, 1, 0, TRUE, NULL), E_NOTIMPL);
}

/* ---- FindItem ---- */

static void test_find_item(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItem *item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\SRV\\Docs\\A.TXT", 0, &item), S_OK);
    LPWSTR path;
    assert_int_equal(item->lpVtbl->GetPath(item, &path), S_OK);
    assert_memory_equal(path, u"\\\\srv\\docs\\a.txt", sizeof(u"\\\\srv\\docs\\a.txt"));
    csc_com_free(path);
    assert_int_equal(item->lpVtbl->Release(item), 0);

    item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs\\zz", 0, &item),
                     CSC_E_FILE_NOT_FOUND);
    assert_null(item);
    item = (IOfflineFilesItem *)1;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"srv", 0, &item), CSC_E_INVALID_NAME);
    assert_null(item);
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs", 0, NULL), E_POINTER);
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, NULL, 0, &item), E_POINTER);
    /* Query flags (C16.4): unknown bits, ADMIN without an administrator. */
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs", 0x40, &item), E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs", 0x80000000u, &item),
                     E_ACCESSDENIED);
    assert_int_equal(csc_cache_set_caller(f->cache, "admin", true), S_OK);
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs", 0x80000006u, &item), S_OK);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    /* FindItemEx: four NULL filters is FindItem (filters:
     * test_com__filters.c). */
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs", NULL, NULL, NULL, NULL, 0,
                                               &item),
                     S_OK);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    assert_int_equal(f->pc->lpVtbl->FindItemEx(f->pc, u"\\\\srv\\docs", NULL, NULL, NULL, NULL, 0,
                                               NULL),
                     E_POINTER);
}

/* C14.4: UTF-16 names with unpaired surrogates, and a pair, round-trip. */
static void test_utf16_round_trip(void **state)
{
    fixture_t *f = *state;
    /* \\srv\docs\ + D800 'x' DC00 + U+1F600 (D83D DE00) + ".txt" */
    const WCHAR w[] = {'\\', '\\', 's', 'r', 'v', '\\', 'd', 'o', 'c', 's', '\\', 0xD800, 'x',
                       0xDC00, 0xD83D, 0xDE00, 0x00E9, '.', 't', 'x', 't', 0};
    const char *wtf8 = "\\\\srv\\docs\\\xED\xA0\x80x\xED\xB0\x80\xF0\x9F\x98\x80\xC3\xA9.txt";
    assert_int_equal(csc_cache_file(f->cache, wtf8, true, 1, NULL), S_OK);
    IOfflineFilesItem *item;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, w, 0, &item), S_OK);
    LPWSTR path;
    assert_int_equal(item->lpVtbl->GetPath(item, &path), S_OK);
    assert_memory_equal(path, w, sizeof w);
    CoTaskMemFree(path);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    /* And through Pin: the progress object gets the same units back. */
    sink_t s;
    sink_init(&s);
    LPCWSTR paths[] = {w};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, FALSE, FALSE, 0x20, &s.sync_iface),
                     S_OK);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\\\uD800x\\uDC00\\uD83D\\uDE00\\u00E9.txt\n"
                               "ItemResult \\\\srv\\docs\\\\uD800x\\uDC00\\uD83D\\uDE00\\u00E9.txt"
                               " 0x00000000\n"
                               "End 0x00000000\n");
    assert_true(pinned(f->cache, wtf8));
}

/* ---- disk space, settings, methods not implemented yet ---- */

static void test_disk_space(void **state)
{
    fixture_t *f = *state;
    ULONGLONG t, l, u, ul, uu;
    assert_int_equal(f->pc->lpVtbl->GetDiskSpaceInformation(f->pc, &t, &l, &u, &ul, &uu), S_OK);
    csc_disk_space_t s;
    assert_int_equal(csc_cache_get_disk_space(f->cache, &s), S_OK);
    assert_true(t == s.volume_total && l == s.limit && u == s.used && ul == s.unpinned_limit &&
                uu == s.unpinned_used);
    assert_int_equal(u, 123);
    assert_int_equal(f->pc->lpVtbl->GetDiskSpaceInformation(f->pc, NULL, &l, &u, &ul, &uu),
                     E_POINTER);
    assert_int_equal(f->pc->lpVtbl->GetDiskSpaceInformation(f->pc, &t, &l, &u, &ul, NULL),
                     E_POINTER);
    /* SetDiskSpaceLimits needs an administrator (C5.5). */
    assert_int_equal(f->pc->lpVtbl->SetDiskSpaceLimits(f->pc, 1000, 500), E_ACCESSDENIED);
    assert_int_equal(csc_cache_set_caller(f->cache, "root", true), S_OK);
    assert_int_equal(f->pc->lpVtbl->SetDiskSpaceLimits(f->pc, 1000, 500), S_OK);
    assert_int_equal(f->pc->lpVtbl->GetDiskSpaceInformation(f->pc, &t, &l, &u, &ul, &uu), S_OK);
    assert_int_equal(l, 1000);
    assert_int_equal(ul, 500);
}

static void test_settings(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesSetting *setting = (IOfflineFilesSetting *)1;
    /* C16.8: every name is ERROR_INVALID_NAME. */
    assert_int_equal(f->pc->lpVtbl->GetSettingObject(f->pc, u"LinkTargetCaching", &setting),
                     CSC_E_INVALID_NAME);
    assert_null(setting);
    assert_int_equal(f->pc->lpVtbl->GetSettingObject(f->pc, u"x", NULL), E_POINTER);
    IEnumOfflineFilesSettings *e = NULL, *clone = NULL;
    assert_int_equal(f->pc->lpVtbl->EnumSettingObjects(f->pc, &e), S_OK);
    IOfflineFilesSetting *got[2];
    ULONG n = 7;
    assert_int_equal(e->lpVtbl->Next(e, 2, got, &n), S_FALSE);
    assert_int_equal(n, 0);
    assert_int_equal(e->lpVtbl->Skip(e, 1), S_FALSE);
    assert_int_equal(e->lpVtbl->Reset(e), S_OK);
    assert_int_equal(e->lpVtbl->Clone(e, &clone), S_OK);
    assert_int_equal(clone->lpVtbl->Release(clone), 0);
    assert_int_equal(e->lpVtbl->Release(e), 0);
    assert_int_equal(f->pc->lpVtbl->EnumSettingObjects(f->pc, NULL), E_POINTER);
}

/* The methods of C13 through the face: GetLocation, RenameItem(Ex),
 * Encrypt and GetEncryptionStatus, DeleteItemsForUser. */
static void test_location_and_rename(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesCache2 *pc2;
    assert_int_equal(f->pc->lpVtbl->QueryInterface(f->pc, &IID_IOfflineFilesCache2, (void **)&pc2),
                     S_OK);
    LPWSTR loc = (LPWSTR)1;
    assert_int_equal(pc2->lpVtbl->GetLocation(pc2, &loc), S_OK);
    assert_memory_equal(loc, u"C:\\Windows\\CSC", sizeof(u"C:\\Windows\\CSC"));
    CoTaskMemFree(loc);
    assert_int_equal(csc_cache_set_location(f->cache, "D:\\csc"), S_OK);
    assert_int_equal(pc2->lpVtbl->GetLocation(pc2, &loc), S_OK);
    assert_memory_equal(loc, u"D:\\csc", sizeof(u"D:\\csc"));
    CoTaskMemFree(loc);
    assert_int_equal(pc2->lpVtbl->GetLocation(pc2, NULL), E_POINTER);
    /* RenameItemEx at once. */
    assert_int_equal(pc2->lpVtbl->RenameItemEx(pc2, u"\\\\srv\\docs\\a.txt",
                                               u"\\\\srv\\docs\\z.txt", FALSE),
                     S_OK);
    csc_item_t *item;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\z.txt", &item), S_OK);
    assert_int_equal(pc2->lpVtbl->RenameItemEx(pc2, u"\\\\srv\\docs\\a.txt",
                                               u"\\\\srv\\docs\\y.txt", FALSE),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(pc2->lpVtbl->RenameItemEx(pc2, u"\\\\srv\\docs\\z.txt", u"bad", FALSE),
                     CSC_E_INVALID_NAME);
    assert_int_equal(pc2->lpVtbl->RenameItemEx(pc2, NULL, u"x", FALSE), E_POINTER);
    /* RenameItem: an administrator's, logged for the next restart. */
    assert_int_equal(pc2->lpVtbl->RenameItem(pc2, u"\\\\srv\\docs\\z.txt",
                                             u"\\\\srv\\docs\\w.txt", FALSE),
                     E_ACCESSDENIED);
    assert_int_equal(csc_cache_set_caller(f->cache, "admin", true), S_OK);
    assert_int_equal(pc2->lpVtbl->RenameItem(pc2, u"\\\\srv\\docs\\z.txt",
                                             u"\\\\srv\\docs\\w.txt", FALSE),
                     S_OK);
    assert_int_equal(csc_cache_pending_renames(f->cache), 1);
    assert_int_equal(pc2->lpVtbl->Release(pc2), 1);
}

static void test_encrypt(void **state)
{
    fixture_t *f = *state;
    BOOL enc = TRUE, partial = TRUE;
    assert_int_equal(f->pc->lpVtbl->GetEncryptionStatus(f->pc, &enc, &partial), S_OK);
    assert_false(enc);
    assert_false(partial);
    assert_int_equal(f->pc->lpVtbl->GetEncryptionStatus(f->pc, NULL, &partial), E_POINTER);
    sink_t s;
    sink_init(&s);
    assert_int_equal(f->pc->lpVtbl->Encrypt(f->pc, NULL, TRUE, 0, FALSE, &s.sync_iface), S_OK);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\other\\s\\c.txt\n"
                               "ItemResult \\\\other\\s\\c.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                               "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    assert_int_equal(f->pc->lpVtbl->GetEncryptionStatus(f->pc, &enc, &partial), S_OK);
    assert_true(enc);
    assert_false(partial);
    IOfflineFilesItem *item;
    IOfflineFilesFileItem *file;
    assert_int_equal(f->pc->lpVtbl->FindItem(f->pc, u"\\\\srv\\docs\\a.txt", 0, &item), S_OK);
    assert_int_equal(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesFileItem, (void **)&file),
                     S_OK);
    assert_int_equal(file->lpVtbl->IsEncrypted(file, &enc), S_OK);
    assert_true(enc);
    assert_int_equal(file->lpVtbl->Release(file), 1);
    assert_int_equal(item->lpVtbl->Release(item), 0);
    assert_int_equal(f->pc->lpVtbl->Encrypt(f->pc, NULL, FALSE, 0x1, FALSE, NULL), E_INVALIDARG);
    assert_int_equal(f->pc->lpVtbl->Encrypt(f->pc, NULL, FALSE, 0, TRUE, &s.sync_iface),
                     E_NOTIMPL);
}

static void test_delete_items_for_user(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesCache *pc = f->pc;
    LPCWSTR paths[] = {u"\\\\srv\\docs\\a.txt"};
    LPCWSTR with_null[] = {NULL};
    sink_t s;
    sink_init(&s);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", paths, 1, 0, FALSE, NULL),
                     E_ACCESSDENIED);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, NULL, paths, 1, 0, FALSE, NULL),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", with_null, 1, 0, FALSE, NULL),
                     E_INVALIDARG);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", paths, 1, 0, TRUE, NULL),
                     E_NOTIMPL);
    assert_int_equal(csc_cache_set_caller(f->cache, "admin", true), S_OK);
    assert_int_equal(pc->lpVtbl->DeleteItemsForUser(pc, u"bob", paths, 1, 0, FALSE,
                                                    &s.simple_iface),
                     S_OK);
    assert_string_equal(s.log, "Begin\n"
                               "ItemBegin \\\\srv\\docs\\a.txt\n"
                               "ItemResult \\\\srv\\docs\\a.txt 0x00000000\n"
                               "End 0x00000000\n");
    assert_int_equal(atomic_load(&s.ref), 1);
    csc_item_t *item;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &item),
                     CSC_E_FILE_NOT_FOUND);
}

static uint32_t pins_of(csc_cache_t *cache, const char *path)
{
    csc_item_t *item;
    assert_int_equal(csc_cache_find(cache, path, &item), S_OK);
    return csc_item_pins(item);
}

/* ProcessAdminPinPolicy (windows-reference §3): the list the embedder set
 * (csc_admin_pin_policy_set) processed with the client's two progress
 * objects, each held for the call and released (C14.1); NULL sinks. */
static void test_process_admin_pin_policy(void **state)
{
    fixture_t *f = *state;
    const char *list[] = {"\\\\srv\\docs\\sub"};
    assert_int_equal(csc_admin_pin_policy_set(f->cache, list, 1), S_OK);
    sink_t pin, unpin;
    sink_init(&pin);
    sink_init(&unpin);
    IOfflineFilesCache *pc = f->pc;
    assert_int_equal(pc->lpVtbl->ProcessAdminPinPolicy(pc, &pin.sync_iface, &unpin.sync_iface),
                     S_OK);
    assert_string_equal(pin.log, "Begin\n"
                                 "ItemBegin \\\\srv\\docs\\sub\n"
                                 "ItemResult \\\\srv\\docs\\sub 0x00000000\n"
                                 "ItemBegin \\\\srv\\docs\\sub\\b.txt\n"
                                 "ItemResult \\\\srv\\docs\\sub\\b.txt 0x00000000\n"
                                 "End 0x00000000\n");
    assert_string_equal(unpin.log, "Begin\nEnd 0x00000000\n");
    assert_int_equal(pin.ref_at_begin, 2);
    assert_int_equal(unpin.ref_at_end, 2);
    assert_int_equal(atomic_load(&pin.ref), 1);
    assert_int_equal(atomic_load(&unpin.ref), 1);
    assert_true(pins_of(f->cache, "\\\\srv\\docs\\sub\\b.txt") & CSC_PIN_SOURCE_POLICY);

    /* The list emptied, no progress objects: the policy's pin goes, the
     * fixture's own pin stays. */
    uint32_t before = pins_of(f->cache, "\\\\srv\\docs\\sub\\b.txt");
    assert_int_equal(csc_admin_pin_policy_set(f->cache, NULL, 0), S_OK);
    assert_int_equal(pc->lpVtbl->ProcessAdminPinPolicy(pc, NULL, NULL), S_OK);
    assert_int_equal(pins_of(f->cache, "\\\\srv\\docs\\sub\\b.txt"),
                     before & ~(uint32_t)CSC_PIN_SOURCE_POLICY);

    /* Cancelled from the pin sink's Begin: both sinks' Ends carry it. */
    assert_int_equal(csc_admin_pin_policy_set(f->cache, list, 1), S_OK);
    sink_init(&pin);
    sink_init(&unpin);
    pin.abort_at_begin = TRUE;
    assert_int_equal(pc->lpVtbl->ProcessAdminPinPolicy(pc, &pin.sync_iface, &unpin.sync_iface),
                     (HRESULT)0x800704C7);
    assert_string_equal(pin.log, "Begin\nEnd 0x800704C7\n");
    assert_string_equal(unpin.log, "Begin\nEnd 0x00000000\n");
    assert_false(pins_of(f->cache, "\\\\srv\\docs\\sub") & CSC_PIN_SOURCE_POLICY);
    assert_int_equal(atomic_load(&pin.ref), 1);
    assert_int_equal(atomic_load(&unpin.ref), 1);
}

/* ---- the cache's IOfflineFilesItemContainer: the servers ---- */

static int count_items(IEnumOfflineFilesItems *e)
{
    int n = 0;
    IOfflineFilesItem *item;
    ULONG got;
    while (e->lpVtbl->Next(e, 1, &item, &got) == S_OK) {
        assert_int_equal(got, 1);
        item->lpVtbl->Release(item);
        n++;
    }
    assert_int_equal(e->lpVtbl->Release(e), 0);
    return n;
}

static void test_cache_container(void **state)
{
    fixture_t *f = *state;
    IOfflineFilesItemContainer *c;
    assert_int_equal(f->pc->lpVtbl->QueryInterface(f->pc, &IID_IOfflineFilesItemContainer,
                                                   (void **)&c),
                     S_OK);
    IEnumOfflineFilesItems *e = NULL;
    assert_int_equal(c->lpVtbl->EnumItems(c, 0, &e), S_OK);
    IOfflineFilesItem *items[3];
    ULONG got = 9;
    assert_int_equal(e->lpVtbl->Next(e, 3, items, &got), S_FALSE);
    assert_int_equal(got, 2);
    OFFLINEFILES_ITEM_TYPE type;
    LPWSTR path;
    assert_int_equal(items[0]->lpVtbl->GetItemType(items[0], &type), S_OK);
    assert_int_equal(type, OFFLINEFILES_ITEM_TYPE_SERVER);
    assert_int_equal(items[0]->lpVtbl->GetPath(items[0], &path), S_OK);
    assert_memory_equal(path, u"\\\\other", sizeof(u"\\\\other"));
    csc_com_free(path);
    /* The enumerator holds its items too. */
    assert_int_equal(items[0]->lpVtbl->Release(items[0]), 1);
    assert_int_equal(items[1]->lpVtbl->Release(items[1]), 1);
    assert_int_equal(e->lpVtbl->Release(e), 0);
    /* Flat: every item (8); flat files only: 3. */
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, NULL, NULL, NULL, NULL, OFFLINEFILES_ENUM_FLAT, 0, &e),
                     S_OK);
    assert_int_equal(count_items(e), 8);
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, NULL, NULL, NULL, NULL, 3, 0, &e), S_OK);
    assert_int_equal(count_items(e), 3);
    e = (IEnumOfflineFilesItems *)1;
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, NULL, NULL, NULL, NULL, 2, 0, &e), E_INVALIDARG);
    assert_null(e);
    assert_int_equal(c->lpVtbl->EnumItemsEx(c, NULL, NULL, NULL, NULL, 4, 0, &e), E_INVALIDARG);
    assert_int_equal(c->lpVtbl->EnumItems(c, 0x80000000u, &e), E_ACCESSDENIED);
    assert_int_equal(c->lpVtbl->EnumItems(c, 0x100, &e), E_INVALIDARG);
    assert_int_equal(c->lpVtbl->EnumItems(c, 0, NULL), E_POINTER);
    assert_int_equal(c->lpVtbl->Release(c), 1);
}

/* ---- re-entrancy (C14.5) ---- */

static IOfflineFilesCache *reentry_pc;
static HRESULT reentry_find, reentry_pin;

static void reentry_hook(sink_t *s, LPCWSTR path)
{
    (void)s;
    IOfflineFilesItem *item = NULL;
    reentry_find = reentry_pc->lpVtbl->FindItem(reentry_pc, path, 0, &item);
    if (item != NULL)
        item->lpVtbl->Release(item);
    LPCWSTR paths[] = {path};
    reentry_pin = reentry_pc->lpVtbl->Pin(reentry_pc, NULL, paths, 1, FALSE, FALSE, 0x80, NULL);
}

static void test_reentry_from_progress(void **state)
{
    fixture_t *f = *state;
    sink_t s;
    sink_init(&s);
    s.hook = reentry_hook;
    reentry_pc = f->pc;
    LPCWSTR paths[] = {u"\\\\srv\\docs\\a.txt"};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, paths, 1, FALSE, FALSE, 0x20, &s.sync_iface),
                     S_OK);
    /* A read works inside the callback; a change is refused as busy. */
    assert_int_equal(reentry_find, S_OK);
    assert_int_equal(reentry_pin, CSC_E_BUSY);
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, "\\\\srv\\docs\\a.txt", &a), S_OK);
    assert_int_equal(csc_item_pins(a), CSC_PIN_SOURCE_USER);
}

/* ---- two threads on one cache object ---- */

typedef struct worker {
    IOfflineFilesCache *pc;
    LPCWSTR path;
    int failures;
} worker_t;

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    LPCWSTR paths[] = {w->path};
    for (int i = 0; i < 200; i++) {
        IOfflineFilesCache *pc;
        if (w->pc->lpVtbl->QueryInterface(w->pc, &IID_IOfflineFilesCache, (void **)&pc) != S_OK)
            w->failures++;
        sink_t s;
        sink_init(&s);
        if (pc->lpVtbl->Pin(pc, NULL, paths, 1, FALSE, FALSE, 0x20, &s.sync_iface) != S_OK)
            w->failures++;
        IOfflineFilesItem *item = NULL;
        if (pc->lpVtbl->FindItem(pc, w->path, 0, &item) != S_OK)
            w->failures++;
        IOfflineFilesPinInfo *pin = NULL;
        BOOL p = FALSE;
        if (item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesPinInfo, (void **)&pin) != S_OK ||
            pin->lpVtbl->IsPinned(pin, &p) != S_OK || !p)
            w->failures++;
        if (pc->lpVtbl->Unpin(pc, NULL, paths, 1, FALSE, FALSE, 0x20, &s.sync_iface) != S_OK)
            w->failures++;
        if (item->lpVtbl->Refresh(item, 0) != S_OK || pin->lpVtbl->IsPinned(pin, &p) != S_OK || p)
            w->failures++;
        pin->lpVtbl->Release(pin);
        if (item->lpVtbl->Release(item) != 0 || atomic_load(&s.ref) != 1)
            w->failures++;
        pc->lpVtbl->Release(pc);
    }
    return NULL;
}

static void test_two_threads(void **state)
{
    fixture_t *f = *state;
    worker_t w[2] = {{f->pc, u"\\\\srv\\docs\\a.txt", 0},
                     {f->pc, u"\\\\other\\s\\c.txt", 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(w[0].failures, 0);
    assert_int_equal(w[1].failures, 0);
    /* Every reference taken was given back: the fixture's is the last. */
    assert_int_equal(f->pc->lpVtbl->AddRef(f->pc), 2);
    assert_int_equal(f->pc->lpVtbl->Release(f->pc), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_instance_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_instance_interfaces, setup, teardown),
        cmocka_unit_test(test_guid_values),
        cmocka_unit_test_setup_teardown(test_query_interface_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_unpin_with_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_single_file_result, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pin_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_pin_on_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_delete_and_encrypt_on_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_synchronize_conflict_handler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_synchronize_on_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_synchronize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_item, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf16_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_space, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_location_and_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_items_for_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_process_admin_pin_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_container, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reentry_from_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
