/*
 * tests/test_com__sync_errors.c: C16.5's IOfflineFilesSyncErrorInfo through
 * the COM face. SyncItemResult of Synchronize carries one for a failed item
 * and NULL for a successful one (and Pin's carry NULL). Cases: a conflict
 * left NONE (E_FAIL, sync state 12 in GetRawData, the operation
 * SYNC_TO_SERVER, change flags, the local and remote copies' information,
 * no original); a server that cannot be reached (0x800704EE, PREPARE, no
 * remote information); a path cached nowhere and an invalid path; pSyncId
 * echoed in GetRawData (zeros for NULL); QueryInterface of the error
 * object and of its item-info objects; NULL outputs; bAsync = TRUE, where
 * the reads are refused (C6.6) and the object carries the HRESULT and
 * pSyncId only; every reference count back to zero (the sink keeps each
 * object it is given with AddRef).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <uv.h>

#include <cscsim.h>
#include <cscsim/cscobj.h>

#include "com/com_fixture.h"

#define DOCS "\\\\srv\\docs"
#define A DOCS "\\a.txt"
#define B DOCS "\\b.txt"

#define E_CSCSHARE_OFFLINE CSC_COM_HR(0x800704EEu)
#define E_NOT_FOUND CSC_COM_HR(0x80070490u)
#define E_FILE_NOT_FOUND CSC_COM_HR(0x80070002u)
#define E_INVALID_NAME CSC_COM_HR(0x8007007Bu)

/* ---- a sync progress object that keeps what SyncItemResult gives ---- */

#define MAX_RESULTS 8

typedef struct keeper {
    IOfflineFilesSyncProgress iface;
    long ref;
    int results;
    HRESULT hr[MAX_RESULTS];
    IOfflineFilesSyncErrorInfo *info[MAX_RESULTS]; /* AddRef'd, or NULL */
} keeper_t;

static HRESULT STDMETHODCALLTYPE k_qi(IOfflineFilesSyncProgress *i, REFIID riid, void **ppv)
{
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesProgress) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesSyncProgress)) {
        *ppv = i;
        ((keeper_t *)i)->ref++;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE k_addref(IOfflineFilesSyncProgress *i)
{
    return (ULONG)++((keeper_t *)i)->ref;
}
static ULONG STDMETHODCALLTYPE k_release(IOfflineFilesSyncProgress *i)
{
    return (ULONG)--((keeper_t *)i)->ref;
}
static HRESULT STDMETHODCALLTYPE k_begin(IOfflineFilesSyncProgress *i, BOOL *abort)
{
    (void)i;
    *abort = FALSE;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE k_end(IOfflineFilesSyncProgress *i, HRESULT hr)
{
    (void)i;
    (void)hr;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE k_item_begin(IOfflineFilesSyncProgress *i, LPCWSTR f,
                                              OFFLINEFILES_OP_RESPONSE *r)
{
    (void)i;
    (void)f;
    *r = OFFLINEFILES_OP_CONTINUE;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE k_item_result(IOfflineFilesSyncProgress *i, LPCWSTR f,
                                               HRESULT hr, IOfflineFilesSyncErrorInfo *info,
                                               OFFLINEFILES_OP_RESPONSE *r)
{
    keeper_t *k = (keeper_t *)i;
    (void)f;
    assert_true(k->results < MAX_RESULTS);
    k->hr[k->results] = hr;
    k->info[k->results] = info;
    if (info != NULL)
        info->lpVtbl->AddRef(info); /* kept beyond the call */
    k->results++;
    *r = OFFLINEFILES_OP_CONTINUE;
    return S_OK;
}
static const IOfflineFilesSyncProgressVtbl keeper_vtbl = {
    k_qi, k_addref, k_release, k_begin, k_begin /* QueryAbort */, k_end, k_item_begin,
    k_item_result,
};

static void keeper_init(keeper_t *k)
{
    memset(k, 0, sizeof *k);
    k->iface.lpVtbl = &keeper_vtbl;
    k->ref = 1;
}

/* Releases every kept object: each reaches zero (no other reference). */
static void keeper_done(keeper_t *k)
{
    for (int n = 0; n < k->results; n++)
        if (k->info[n] != NULL)
            assert_int_equal(k->info[n]->lpVtbl->Release(k->info[n]), 0);
    assert_int_equal(k->ref, 1);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    static const com_file_t files[] = {{A, 10}, {B, 7}};
    return com_fixture_setup(state, files, sizeof files / sizeof files[0]);
}

static FILETIME ft(uint64_t clock)
{
    uint64_t v = 125911584000000000ull + clock * 10000000ull; /* C16.6's epoch */
    FILETIME t = {(DWORD)(v & 0xFFFFFFFFu), (DWORD)(v >> 32)};
    return t;
}

static void assert_ft(FILETIME got, FILETIME want)
{
    assert_int_equal(got.dwLowDateTime, want.dwLowDateTime);
    assert_int_equal(got.dwHighDateTime, want.dwHighDateTime);
}

static uint32_t le32(const BYTE *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* GetRawData: pSyncId (16 bytes), the HRESULT, the sync state. */
static void assert_raw(IOfflineFilesSyncErrorInfo *e, const GUID *id, HRESULT hr, uint32_t state)
{
    BYTE_BLOB *b = NULL;
    assert_int_equal(e->lpVtbl->GetRawData(e, &b), S_OK);
    assert_non_null(b);
    assert_int_equal(b->clSize, 24);
    GUID zero;
    memset(&zero, 0, sizeof zero);
    if (id == NULL)
        id = &zero;
    assert_int_equal(le32(b->abData), id->Data1);
    assert_int_equal(b->abData[4] | b->abData[5] << 8, id->Data2);
    assert_int_equal(b->abData[6] | b->abData[7] << 8, id->Data3);
    assert_memory_equal(b->abData + 8, id->Data4, 8);
    assert_int_equal(le32(b->abData + 16), (uint32_t)hr);
    assert_int_equal(le32(b->abData + 20), state);
    csc_com_free(b);
}

static void assert_description(IOfflineFilesSyncErrorInfo *e, HRESULT hr)
{
    LPWSTR d = NULL;
    assert_int_equal(e->lpVtbl->GetDescription(e, &d), S_OK);
    const char *want = csc_hresult_message(hr);
    size_t n = 0;
    for (; want[n] != '\0'; n++)
        assert_int_equal(d[n], (WCHAR)(unsigned char)want[n]); /* ASCII texts */
    assert_int_equal(d[n], 0);
    csc_com_free(d);
}

static void assert_three(HRESULT (*fn)(IOfflineFilesSyncErrorInfo *, BOOL *, BOOL *, BOOL *),
                         IOfflineFilesSyncErrorInfo *e, BOOL l, BOOL r, BOOL o)
{
    BOOL a = 7, b = 7, c = 7;
    assert_int_equal(fn(e, &a, &b, &c), S_OK);
    assert_int_equal(a, l);
    assert_int_equal(b, r);
    assert_int_equal(c, o);
}

static void assert_copy(HRESULT (*get)(IOfflineFilesSyncErrorInfo *,
                                       IOfflineFilesSyncErrorItemInfo **),
                        IOfflineFilesSyncErrorInfo *e, DWORD attrs, uint64_t change,
                        uint64_t size)
{
    IOfflineFilesSyncErrorItemInfo *ii = NULL;
    assert_int_equal(get(e, &ii), S_OK);
    assert_non_null(ii);
    DWORD a = 0;
    assert_int_equal(ii->lpVtbl->GetFileAttributes(ii, &a), S_OK);
    assert_int_equal(a, attrs);
    FILETIME w, c;
    assert_int_equal(ii->lpVtbl->GetFileTimes(ii, &w, &c), S_OK);
    assert_ft(w, ft(change));
    assert_ft(c, ft(change));
    LARGE_INTEGER s;
    assert_int_equal(ii->lpVtbl->GetFileSize(ii, &s), S_OK);
    assert_int_equal(s.QuadPart, (LONGLONG)size);
    /* NULL outputs. */
    assert_int_equal(ii->lpVtbl->GetFileAttributes(ii, NULL), E_POINTER);
    assert_int_equal(ii->lpVtbl->GetFileTimes(ii, &w, NULL), E_POINTER);
    assert_int_equal(ii->lpVtbl->GetFileSize(ii, NULL), E_POINTER);
    /* Its own interfaces only; each a reference. */
    IUnknown *u = NULL;
    assert_int_equal(ii->lpVtbl->QueryInterface(ii, &IID_IUnknown, (void **)&u), S_OK);
    assert_ptr_equal(u, ii);
    assert_int_equal(u->lpVtbl->Release(u), 1);
    void *p = (void *)1;
    assert_int_equal(ii->lpVtbl->QueryInterface(ii, &IID_IOfflineFilesSyncErrorInfo, &p),
                     E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(ii->lpVtbl->AddRef(ii), 2);
    assert_int_equal(ii->lpVtbl->Release(ii), 1);
    assert_int_equal(ii->lpVtbl->Release(ii), 0);
}

static void assert_no_copy(HRESULT (*get)(IOfflineFilesSyncErrorInfo *,
                                          IOfflineFilesSyncErrorItemInfo **),
                           IOfflineFilesSyncErrorInfo *e)
{
    IOfflineFilesSyncErrorItemInfo *ii = (void *)1;
    assert_int_equal(get(e, &ii), E_NOT_FOUND);
    assert_null(ii);
}

static OFFLINEFILES_SYNC_OPERATION op_of(IOfflineFilesSyncErrorInfo *e)
{
    OFFLINEFILES_SYNC_OPERATION op = (OFFLINEFILES_SYNC_OPERATION)99;
    assert_int_equal(e->lpVtbl->GetSyncOperation(e, &op), S_OK);
    return op;
}

static DWORD change_of(IOfflineFilesSyncErrorInfo *e)
{
    DWORD c = 0xFFFF;
    assert_int_equal(e->lpVtbl->GetItemChangeFlags(e, &c), S_OK);
    return c;
}

static const DWORD INOUT =
    OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCIN | OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCOUT;

/* C12.5, C16.5: a conflict left NONE (no handler, no CR value) fails with
 * E_FAIL; its SyncItemResult carries the error object with state 12
 * (GetRawData), the operation SYNC_TO_SERVER (the local change it would
 * have sent), the differences of the two copies, and the local and remote
 * copies' information; the original copy is not kept (the server changed
 * it). The other item, in sync, gets NULL. pSyncId is echoed. */
static void test_conflict_none(void **state)
{
    fixture_t *f = *state;
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, A, &a), S_OK);
    assert_int_equal(csc_cache_advance_clock(f->cache, 3), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 4), S_OK); /* local change at 3 */
    uint64_t local_size = csc_item_size(a);
    DWORD local_attrs = csc_item_attributes(a);
    assert_int_equal(csc_cache_advance_clock(f->cache, 2), S_OK);
    assert_int_equal(csc_remote_write(f->cache, A, true, 20), S_OK); /* remote at 5 */
    keeper_t k;
    keeper_init(&k);
    LPCWSTR docs[] = {u"\\\\srv\\docs"};
    GUID id = {0x11223344u, 0x5566, 0x7788, {0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xF0, 0x01}};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, docs, 1, FALSE, INOUT, NULL,
                                                &k.iface, &id),
                     S_OK);
    /* The share, a (failed), b. */
    assert_int_equal(k.results, 3);
    assert_int_equal(k.hr[0], S_OK);
    assert_null(k.info[0]);
    assert_int_equal(k.hr[1], E_FAIL);
    assert_non_null(k.info[1]);
    assert_int_equal(k.hr[2], S_OK);
    assert_null(k.info[2]); /* success: NULL */
    IOfflineFilesSyncErrorInfo *e = k.info[1];
    assert_raw(e, &id, E_FAIL, 12); /* FileChangedOnClient_ChangedOnServer */
    assert_description(e, E_FAIL);
    assert_int_equal(op_of(e), OFFLINEFILES_SYNC_OPERATION_SYNC_TO_SERVER);
    assert_int_equal(change_of(e), OFFLINEFILES_SYNC_ITEM_CHANGE_WRITETIME |
                                       OFFLINEFILES_SYNC_ITEM_CHANGE_CHANGETIME |
                                       OFFLINEFILES_SYNC_ITEM_CHANGE_FILESIZE);
    assert_three(e->lpVtbl->InfoEnumerated, e, TRUE, TRUE, TRUE);
    assert_three(e->lpVtbl->InfoAvailable, e, TRUE, TRUE, FALSE);
    assert_copy(e->lpVtbl->GetLocalInfo, e, local_attrs, 3, local_size);
    assert_copy(e->lpVtbl->GetRemoteInfo, e, 0x80 /* NORMAL */, 5, 20);
    assert_no_copy(e->lpVtbl->GetOriginalInfo, e);

    /* QueryInterface: IUnknown, IOfflineFilesErrorInfo and
     * IOfflineFilesSyncErrorInfo are the object; nothing else. */
    IOfflineFilesErrorInfo *base = NULL;
    assert_int_equal(e->lpVtbl->QueryInterface(e, &IID_IOfflineFilesErrorInfo, (void **)&base),
                     S_OK);
    assert_ptr_equal(base, e);
    LPWSTR d = NULL;
    assert_int_equal(base->lpVtbl->GetDescription(base, &d), S_OK);
    csc_com_free(d);
    assert_int_equal(base->lpVtbl->Release(base), 1);
    IUnknown *u = NULL;
    assert_int_equal(e->lpVtbl->QueryInterface(e, &IID_IUnknown, (void **)&u), S_OK);
    assert_ptr_equal(u, e);
    assert_int_equal(u->lpVtbl->Release(u), 1);
    void *p = NULL;
    assert_int_equal(e->lpVtbl->QueryInterface(e, &IID_IOfflineFilesSyncErrorInfo, &p), S_OK);
    assert_ptr_equal(p, e);
    assert_int_equal(e->lpVtbl->Release(e), 1);
    p = (void *)1;
    assert_int_equal(e->lpVtbl->QueryInterface(e, &IID_IOfflineFilesSyncErrorItemInfo, &p),
                     E_NOINTERFACE);
    assert_null(p);
    assert_int_equal(e->lpVtbl->QueryInterface(e, &IID_IOfflineFilesItem, &p), E_NOINTERFACE);
    assert_int_equal(e->lpVtbl->QueryInterface(e, &IID_IUnknown, NULL), E_POINTER);

    /* NULL outputs. */
    BOOL x, y;
    assert_int_equal(e->lpVtbl->GetRawData(e, NULL), E_POINTER);
    assert_int_equal(e->lpVtbl->GetDescription(e, NULL), E_POINTER);
    assert_int_equal(e->lpVtbl->GetSyncOperation(e, NULL), E_POINTER);
    assert_int_equal(e->lpVtbl->GetItemChangeFlags(e, NULL), E_POINTER);
    assert_int_equal(e->lpVtbl->InfoEnumerated(e, &x, &y, NULL), E_POINTER);
    assert_int_equal(e->lpVtbl->InfoAvailable(e, NULL, &x, &y), E_POINTER);
    assert_int_equal(e->lpVtbl->GetLocalInfo(e, NULL), E_POINTER);

    /* The object is a snapshot: still readable after the item is resolved. */
    keeper_done(&k);

    /* A single file returns its result (C4.7); the id may be NULL. */
    keeper_init(&k);
    LPCWSTR one[] = {u"\\\\srv\\docs\\a.txt"};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, one, 1, FALSE, INOUT, NULL,
                                                &k.iface, NULL),
                     E_FAIL);
    assert_int_equal(k.results, 1);
    assert_non_null(k.info[0]);
    assert_raw(k.info[0], NULL, E_FAIL, 12);
    keeper_done(&k);
}

/* C12.3, C16.5: the server cannot be reached: 0x800704EE, the operation
 * PREPARE, no remote information; the local copy (and the original, the
 * version the server still has) are there. */
static void test_offline(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(csc_remote_set_network(f->cache, "\\\\srv", CSC_NETWORK_DOWN), S_OK);
    keeper_t k;
    keeper_init(&k);
    LPCWSTR one[] = {u"\\\\srv\\docs\\b.txt"};
    GUID id = {1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, one, 1, FALSE, INOUT, NULL,
                                                &k.iface, &id),
                     E_CSCSHARE_OFFLINE);
    assert_int_equal(k.results, 1);
    IOfflineFilesSyncErrorInfo *e = k.info[0];
    assert_non_null(e);
    assert_raw(e, &id, E_CSCSHARE_OFFLINE, 0);
    assert_description(e, E_CSCSHARE_OFFLINE);
    assert_int_equal(op_of(e), OFFLINEFILES_SYNC_OPERATION_PREPARE);
    assert_int_equal(change_of(e), 0);
    assert_three(e->lpVtbl->InfoEnumerated, e, TRUE, FALSE, TRUE);
    assert_three(e->lpVtbl->InfoAvailable, e, TRUE, FALSE, TRUE);
    csc_item_t *b;
    assert_int_equal(csc_cache_find(f->cache, B, &b), S_OK);
    assert_copy(e->lpVtbl->GetLocalInfo, e, csc_item_attributes(b), 0, 7);
    assert_no_copy(e->lpVtbl->GetRemoteInfo, e);
    assert_copy(e->lpVtbl->GetOriginalInfo, e, csc_item_attributes(b), 0, 7);
    keeper_done(&k);
}

/* C12.2, C16.5: a path cached nowhere (0x80070002) and an invalid path
 * (0x8007007B) are failed items too: PREPARE, nothing available; the
 * invalid one was not even looked for. */
static void test_uncached_and_invalid(void **state)
{
    fixture_t *f = *state;
    keeper_t k;
    keeper_init(&k);
    LPCWSTR paths[] = {u"\\\\srv\\docs\\nope.txt", u"\\\\srv\\docs\\bad<name"};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, paths, 2, FALSE, INOUT, NULL,
                                                &k.iface, NULL),
                     S_OK);
    assert_int_equal(k.results, 2);
    assert_int_equal(k.hr[0], E_FILE_NOT_FOUND);
    assert_int_equal(k.hr[1], E_INVALID_NAME);
    IOfflineFilesSyncErrorInfo *e = k.info[0];
    assert_non_null(e);
    assert_raw(e, NULL, E_FILE_NOT_FOUND, 0);
    assert_int_equal(op_of(e), OFFLINEFILES_SYNC_OPERATION_PREPARE);
    assert_three(e->lpVtbl->InfoEnumerated, e, TRUE, TRUE, FALSE);
    assert_three(e->lpVtbl->InfoAvailable, e, FALSE, FALSE, FALSE);
    assert_no_copy(e->lpVtbl->GetLocalInfo, e);
    assert_no_copy(e->lpVtbl->GetRemoteInfo, e);
    assert_no_copy(e->lpVtbl->GetOriginalInfo, e);
    e = k.info[1];
    assert_non_null(e);
    assert_raw(e, NULL, E_INVALID_NAME, 0);
    assert_description(e, E_INVALID_NAME);
    assert_int_equal(op_of(e), OFFLINEFILES_SYNC_OPERATION_PREPARE);
    assert_three(e->lpVtbl->InfoEnumerated, e, FALSE, FALSE, FALSE);
    assert_three(e->lpVtbl->InfoAvailable, e, FALSE, FALSE, FALSE);
    keeper_done(&k);
}

/* C16.5: a successful Synchronize gives NULL to every SyncItemResult; Pin
 * gives NULL even to a failed item (the error object is Synchronize's). */
static void test_success_and_pin_get_null(void **state)
{
    fixture_t *f = *state;
    keeper_t k;
    keeper_init(&k);
    LPCWSTR docs[] = {u"\\\\srv\\docs"};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, docs, 1, FALSE, INOUT, NULL,
                                                &k.iface, NULL),
                     S_OK);
    assert_int_equal(k.results, 3);
    for (int n = 0; n < k.results; n++) {
        assert_int_equal(k.hr[n], S_OK);
        assert_null(k.info[n]);
    }
    keeper_done(&k);
    keeper_init(&k);
    LPCWSTR bad[] = {u"\\\\srv\\docs\\bad<name"};
    assert_int_equal(f->pc->lpVtbl->Pin(f->pc, NULL, bad, 1, FALSE, FALSE,
                                        OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, &k.iface),
                     E_INVALID_NAME);
    assert_int_equal(k.results, 1);
    assert_int_equal(k.hr[0], E_INVALID_NAME);
    assert_null(k.info[0]);
    keeper_done(&k);
}

/* C12.5, C16.5: changed on the client, gone from the server (state 15):
 * SYNC_TO_SERVER, no remote copy, no original; once KEEPLOCAL (the CR
 * field) resolves both conflicts, every SyncItemResult carries NULL. */
static void test_deleted_on_server(void **state)
{
    fixture_t *f = *state;
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, A, &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 4), S_OK);
    assert_int_equal(csc_remote_write(f->cache, A, true, 20), S_OK);
    assert_int_equal(csc_remote_delete(f->cache, B), S_OK);
    csc_item_t *b;
    assert_int_equal(csc_cache_find(f->cache, B, &b), S_OK);
    assert_int_equal(csc_item_modify(f->cache, b, 1), S_OK);
    keeper_t k;
    keeper_init(&k);
    LPCWSTR docs[] = {u"\\\\srv\\docs"};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, docs, 1, FALSE, INOUT, NULL,
                                                &k.iface, NULL),
                     S_OK);
    assert_int_equal(k.results, 3);
    /* b: changed on the client, deleted on the server (15): no remote copy. */
    IOfflineFilesSyncErrorInfo *e = k.info[2];
    assert_non_null(e);
    assert_raw(e, NULL, E_FAIL, 15);
    assert_int_equal(op_of(e), OFFLINEFILES_SYNC_OPERATION_SYNC_TO_SERVER);
    assert_int_equal(change_of(e), 0);
    assert_three(e->lpVtbl->InfoEnumerated, e, TRUE, TRUE, TRUE);
    assert_three(e->lpVtbl->InfoAvailable, e, TRUE, FALSE, FALSE);
    keeper_done(&k);
    /* Resolved with KEEPLOCAL through the CR field: success, NULL. */
    keeper_init(&k);
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, docs, 1, FALSE,
                                                INOUT | OFFLINEFILES_SYNC_CONTROL_CR_KEEPLOCAL,
                                                NULL, &k.iface, NULL),
                     S_OK);
    assert_int_equal(k.results, 3);
    for (int n = 0; n < k.results; n++)
        assert_null(k.info[n]);
    keeper_done(&k);
}

/* C6.5, C6.6, C16.5: bAsync = TRUE: a failed item still gets an error
 * object, on the loop's thread, with its HRESULT and pSyncId; the cache
 * cannot be read while the operation runs, so nothing is enumerated, the
 * operation is PREPARE and the sync state 0. */
static void test_async(void **state)
{
    fixture_t *f = *state;
    csc_item_t *a;
    assert_int_equal(csc_cache_find(f->cache, A, &a), S_OK);
    assert_int_equal(csc_item_modify(f->cache, a, 4), S_OK);
    assert_int_equal(csc_remote_write(f->cache, A, true, 20), S_OK);
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(csc_com_set_loop(f->pc, &loop), S_OK);
    keeper_t k;
    keeper_init(&k);
    LPCWSTR docs[] = {u"\\\\srv\\docs"};
    GUID id = {7, 8, 9, {1, 2, 3, 4, 5, 6, 7, 8}};
    assert_int_equal(f->pc->lpVtbl->Synchronize(f->pc, NULL, docs, 1, TRUE, INOUT, NULL,
                                                &k.iface, &id),
                     S_OK);
    assert_int_equal(k.results, 0);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(k.results, 3);
    assert_null(k.info[0]);
    assert_int_equal(k.hr[1], E_FAIL);
    IOfflineFilesSyncErrorInfo *e = k.info[1];
    assert_non_null(e);
    assert_null(k.info[2]);
    assert_raw(e, &id, E_FAIL, 0);
    assert_description(e, E_FAIL);
    assert_int_equal(op_of(e), OFFLINEFILES_SYNC_OPERATION_PREPARE);
    assert_int_equal(change_of(e), 0);
    assert_three(e->lpVtbl->InfoEnumerated, e, FALSE, FALSE, FALSE);
    assert_three(e->lpVtbl->InfoAvailable, e, FALSE, FALSE, FALSE);
    assert_no_copy(e->lpVtbl->GetLocalInfo, e);
    keeper_done(&k);
    assert_int_equal(csc_item_conflict(a), 12); /* recorded all the same */
    assert_int_equal(csc_com_set_loop(f->pc, NULL), S_OK);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conflict_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uncached_and_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_success_and_pin_get_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deleted_on_server, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
