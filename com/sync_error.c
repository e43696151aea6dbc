/*
 * com/sync_error.c: the IOfflineFilesSyncErrorInfo object that
 * SyncItemResult carries for a failed item of Synchronize (C16.5), and the
 * IOfflineFilesSyncErrorItemInfo objects it hands out for the item's local,
 * remote and original copies. The error object is a snapshot read through
 * the public C API when SyncItemResult is delivered (the progress callback
 * may read the cache, C14.5): the failed item's HRESULT, its conflict's
 * OFFLINEFILES_SYNC_STATE, the sync operation that failed, the item change
 * flags, what was looked at and found of each copy, and the Synchronize
 * call's pSyncId (echoed in GetRawData). Each object has its own reference
 * count; an item-info object is a copy and does not hold its parent.
 */
#include <stdlib.h>
#include <string.h>

#include "com_private.h"

/* HRESULT_FROM_WIN32(ERROR_CSCSHARE_OFFLINE): the item's server cannot be
 * reached (C12.3). */
#define COM_E_CSCSHARE_OFFLINE CSC_COM_HR(0x800704EEu)
/* HRESULT_FROM_WIN32(ERROR_INVALID_NAME). */
#define COM_E_INVALID_NAME CSC_COM_HR(0x8007007Bu)
/* HRESULT_FROM_WIN32(ERROR_NOT_FOUND): Get*Info of a copy whose
 * information is not available [decision]. */
#define COM_E_NOT_FOUND CSC_COM_HR(0x80070490u)

#define COM_FILE_ATTRIBUTE_DIRECTORY 0x10u
#define COM_FILE_ATTRIBUTE_NORMAL 0x80u

/* ---- IOfflineFilesSyncErrorItemInfo ---- */

typedef struct com_copy_info {
    DWORD attributes;
    FILETIME last_write, change;
    uint64_t size;
} com_copy_info_t;

typedef struct com_sync_item_info {
    IOfflineFilesSyncErrorItemInfo IOfflineFilesSyncErrorItemInfo_iface;
    atomic_ulong ref;
    com_copy_info_t info;
} com_sync_item_info_t;

static com_sync_item_info_t *impl_from_IOfflineFilesSyncErrorItemInfo(
    IOfflineFilesSyncErrorItemInfo *iface)
{
    return container_of(iface, com_sync_item_info_t, IOfflineFilesSyncErrorItemInfo_iface);
}

static HRESULT STDMETHODCALLTYPE iteminfo_QueryInterface(IOfflineFilesSyncErrorItemInfo *iface,
                                                         REFIID riid, void **ppv)
{
    com_sync_item_info_t *This = impl_from_IOfflineFilesSyncErrorItemInfo(iface);
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (!csc_com_guid_equal(riid, &IID_IUnknown) &&
        !csc_com_guid_equal(riid, &IID_IOfflineFilesSyncErrorItemInfo))
        return E_NOINTERFACE;
    atomic_fetch_add(&This->ref, 1);
    *ppv = iface;
    return S_OK;
}

static ULONG STDMETHODCALLTYPE iteminfo_AddRef(IOfflineFilesSyncErrorItemInfo *iface)
{
    com_sync_item_info_t *This = impl_from_IOfflineFilesSyncErrorItemInfo(iface);
    return (ULONG)(atomic_fetch_add(&This->ref, 1) + 1);
}

static ULONG STDMETHODCALLTYPE iteminfo_Release(IOfflineFilesSyncErrorItemInfo *iface)
{
    com_sync_item_info_t *This = impl_from_IOfflineFilesSyncErrorItemInfo(iface);
    unsigned long ref = atomic_fetch_sub(&This->ref, 1) - 1;
    if (ref == 0)
        free(This);
    return (ULONG)ref;
}

static HRESULT STDMETHODCALLTYPE iteminfo_GetFileAttributes(IOfflineFilesSyncErrorItemInfo *iface,
                                                            DWORD *attributes)
{
    if (attributes == NULL)
        return E_POINTER;
    *attributes = impl_from_IOfflineFilesSyncErrorItemInfo(iface)->info.attributes;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE iteminfo_GetFileTimes(IOfflineFilesSyncErrorItemInfo *iface,
                                                       FILETIME *last_write, FILETIME *change)
{
    if (last_write == NULL || change == NULL)
        return E_POINTER;
    com_sync_item_info_t *This = impl_from_IOfflineFilesSyncErrorItemInfo(iface);
    *last_write = This->info.last_write;
    *change = This->info.change;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE iteminfo_GetFileSize(IOfflineFilesSyncErrorItemInfo *iface,
                                                      LARGE_INTEGER *size)
{
    if (size == NULL)
        return E_POINTER;
    size->QuadPart = (LONGLONG)impl_from_IOfflineFilesSyncErrorItemInfo(iface)->info.size;
    return S_OK;
}

static const IOfflineFilesSyncErrorItemInfoVtbl iteminfo_vtbl = {
    iteminfo_QueryInterface, iteminfo_AddRef,       iteminfo_Release,
    iteminfo_GetFileAttributes, iteminfo_GetFileTimes, iteminfo_GetFileSize,
};

/* ---- IOfflineFilesSyncErrorInfo ---- */

enum { COPY_LOCAL, COPY_REMOTE, COPY_ORIGINAL, COPY_COUNT };

typedef struct com_sync_error {
    IOfflineFilesSyncErrorInfo IOfflineFilesSyncErrorInfo_iface;
    atomic_ulong ref;
    HRESULT result;
    GUID sync_id;
    uint32_t state; /* OFFLINEFILES_SYNC_STATE of the item's conflict, 0 none */
    OFFLINEFILES_SYNC_OPERATION op;
    DWORD change_flags;
    BOOL enumerated[COPY_COUNT];
    BOOL available[COPY_COUNT];
    com_copy_info_t copy[COPY_COUNT];
} com_sync_error_t;

static com_sync_error_t *impl_from_IOfflineFilesSyncErrorInfo(IOfflineFilesSyncErrorInfo *iface)
{
    return container_of(iface, com_sync_error_t, IOfflineFilesSyncErrorInfo_iface);
}

static HRESULT STDMETHODCALLTYPE syncerr_QueryInterface(IOfflineFilesSyncErrorInfo *iface,
                                                        REFIID riid, void **ppv)
{
    com_sync_error_t *This = impl_from_IOfflineFilesSyncErrorInfo(iface);
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (!csc_com_guid_equal(riid, &IID_IUnknown) &&
        !csc_com_guid_equal(riid, &IID_IOfflineFilesErrorInfo) &&
        !csc_com_guid_equal(riid, &IID_IOfflineFilesSyncErrorInfo))
        return E_NOINTERFACE;
    atomic_fetch_add(&This->ref, 1);
    *ppv = iface; /* one vtable: the second interface extends the first */
    return S_OK;
}

static ULONG STDMETHODCALLTYPE syncerr_AddRef(IOfflineFilesSyncErrorInfo *iface)
{
    com_sync_error_t *This = impl_from_IOfflineFilesSyncErrorInfo(iface);
    return (ULONG)(atomic_fetch_add(&This->ref, 1) + 1);
}

static ULONG STDMETHODCALLTYPE syncerr_Release(IOfflineFilesSyncErrorInfo *iface)
{
    com_sync_error_t *This = impl_from_IOfflineFilesSyncErrorInfo(iface);
    unsigned long ref = atomic_fetch_sub(&This->ref, 1) - 1;
    if (ref == 0)
        free(This);
    return (ULONG)ref;
}

static void put_le32(BYTE *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (BYTE)(v >> (8 * i));
}

/*
 * GetRawData [decision]: a BYTE_BLOB in task memory (csc_com_free) of
 * COM_SYNC_ERROR_RAW_SIZE bytes, little-endian: the Synchronize call's
 * pSyncId (16 bytes: Data1, Data2, Data3 LE, then Data4; zeros when NULL
 * was given), the item's HRESULT (4) and its OFFLINEFILES_SYNC_STATE (4:
 * the conflict's, 0 when the item has none).
 */
static HRESULT STDMETHODCALLTYPE syncerr_GetRawData(IOfflineFilesSyncErrorInfo *iface,
                                                    BYTE_BLOB **blob)
{
    com_sync_error_t *This = impl_from_IOfflineFilesSyncErrorInfo(iface);
    if (blob == NULL)
        return E_POINTER;
    *blob = NULL;
    BYTE_BLOB *b = csc_com_alloc(offsetof(BYTE_BLOB, abData) + COM_SYNC_ERROR_RAW_SIZE);
    if (b == NULL)
        return E_OUTOFMEMORY;
    b->clSize = COM_SYNC_ERROR_RAW_SIZE;
    BYTE *p = b->abData;
    put_le32(p, This->sync_id.Data1);
    p[4] = (BYTE)This->sync_id.Data2;
    p[5] = (BYTE)(This->sync_id.Data2 >> 8);
    p[6] = (BYTE)This->sync_id.Data3;
    p[7] = (BYTE)(This->sync_id.Data3 >> 8);
    memcpy(p + 8, This->sync_id.Data4, 8);
    put_le32(p + 16, (uint32_t)This->result);
    put_le32(p + 20, This->state);
    *blob = b;
    return S_OK;
}

/* GetDescription: the item's HRESULT's text (csc_hresult_message), in task
 * memory. */
static HRESULT STDMETHODCALLTYPE syncerr_GetDescription(IOfflineFilesSyncErrorInfo *iface,
                                                        LPWSTR *text)
{
    com_sync_error_t *This = impl_from_IOfflineFilesSyncErrorInfo(iface);
    if (text == NULL)
        return E_POINTER;
    *text = NULL;
    return com_wtf8_to_utf16(csc_hresult_message(This->result), text);
}

static HRESULT STDMETHODCALLTYPE syncerr_GetSyncOperation(IOfflineFilesSyncErrorInfo *iface,
                                                          OFFLINEFILES_SYNC_OPERATION *op)
{
    if (op == NULL)
        return E_POINTER;
    *op = impl_from_IOfflineFilesSyncErrorInfo(iface)->op;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE syncerr_GetItemChangeFlags(IOfflineFilesSyncErrorInfo *iface,
                                                            DWORD *flags)
{
    if (flags == NULL)
        return E_POINTER;
    *flags = impl_from_IOfflineFilesSyncErrorInfo(iface)->change_flags;
    return S_OK;
}

static HRESULT three(const BOOL v[COPY_COUNT], BOOL *local, BOOL *remote, BOOL *original)
{
    if (local == NULL || remote == NULL || original == NULL)
        return E_POINTER;
    *local = v[COPY_LOCAL];
    *remote = v[COPY_REMOTE];
    *original = v[COPY_ORIGINAL];
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE syncerr_InfoEnumerated(IOfflineFilesSyncErrorInfo *iface,
                                                        BOOL *local, BOOL *remote,
                                                        BOOL *original)
{
    return three(impl_from_IOfflineFilesSyncErrorInfo(iface)->enumerated, local, remote,
                 original);
}

static HRESULT STDMETHODCALLTYPE syncerr_InfoAvailable(IOfflineFilesSyncErrorInfo *iface,
                                                       BOOL *local, BOOL *remote, BOOL *original)
{
    return three(impl_from_IOfflineFilesSyncErrorInfo(iface)->available, local, remote,
                 original);
}

/* A new item-info object (one reference) for an available copy;
 * ERROR_NOT_FOUND for one whose information is not available. */
static HRESULT copy_info(com_sync_error_t *This, int which, IOfflineFilesSyncErrorItemInfo **out)
{
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (!This->available[which])
        return COM_E_NOT_FOUND;
    com_sync_item_info_t *o = calloc(1, sizeof *o);
    if (o == NULL)
        return E_OUTOFMEMORY;
    o->IOfflineFilesSyncErrorItemInfo_iface.lpVtbl = &iteminfo_vtbl;
    atomic_init(&o->ref, 1);
    o->info = This->copy[which];
    *out = &o->IOfflineFilesSyncErrorItemInfo_iface;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE syncerr_GetLocalInfo(IOfflineFilesSyncErrorInfo *iface,
                                                      IOfflineFilesSyncErrorItemInfo **out)
{
    return copy_info(impl_from_IOfflineFilesSyncErrorInfo(iface), COPY_LOCAL, out);
}

static HRESULT STDMETHODCALLTYPE syncerr_GetRemoteInfo(IOfflineFilesSyncErrorInfo *iface,
                                                       IOfflineFilesSyncErrorItemInfo **out)
{
    return copy_info(impl_from_IOfflineFilesSyncErrorInfo(iface), COPY_REMOTE, out);
}

static HRESULT STDMETHODCALLTYPE syncerr_GetOriginalInfo(IOfflineFilesSyncErrorInfo *iface,
                                                         IOfflineFilesSyncErrorItemInfo **out)
{
    return copy_info(impl_from_IOfflineFilesSyncErrorInfo(iface), COPY_ORIGINAL, out);
}

static const IOfflineFilesSyncErrorInfoVtbl syncerr_vtbl = {
    syncerr_QueryInterface,  syncerr_AddRef,           syncerr_Release,
    syncerr_GetRawData,      syncerr_GetDescription,   syncerr_GetSyncOperation,
    syncerr_GetItemChangeFlags, syncerr_InfoEnumerated, syncerr_InfoAvailable,
    syncerr_GetLocalInfo,    syncerr_GetRemoteInfo,    syncerr_GetOriginalInfo,
};

static bool filetime_equal(FILETIME a, FILETIME b)
{
    return a.dwLowDateTime == b.dwLowDateTime && a.dwHighDateTime == b.dwHighDateTime;
}

/*
 * The operation that failed [decision]: PREPARE when the item's server
 * cannot be reached or its path is invalid or known on neither side;
 * CREATE_COPY_ON_CLIENT for an item the server has and the cache has not
 * (a new file of PinNewFiles); for a cached file, the client's change it
 * would have sent out (created offline CREATE_COPY_ON_SERVER, deleted
 * offline DELETE_SERVER_COPY, modified SYNC_TO_SERVER), else what it would
 * have taken in (gone from the server DELETE_CLIENT_COPY, else
 * SYNC_TO_CLIENT); for a cached container, PREPARE.
 */
static OFFLINEFILES_SYNC_OPERATION failed_operation(HRESULT hr, bool cached, bool file,
                                                    const com_snapshot_t *s)
{
    if (hr == COM_E_CSCSHARE_OFFLINE || hr == COM_E_INVALID_NAME)
        return OFFLINEFILES_SYNC_OPERATION_PREPARE;
    if (!cached)
        return s->remote_known ? OFFLINEFILES_SYNC_OPERATION_CREATE_COPY_ON_CLIENT
                               : OFFLINEFILES_SYNC_OPERATION_PREPARE;
    if (!file)
        return OFFLINEFILES_SYNC_OPERATION_PREPARE;
    if (s->created_offline)
        return OFFLINEFILES_SYNC_OPERATION_CREATE_COPY_ON_SERVER;
    if (s->deleted_offline)
        return OFFLINEFILES_SYNC_OPERATION_DELETE_SERVER_COPY;
    if (s->dirty)
        return OFFLINEFILES_SYNC_OPERATION_SYNC_TO_SERVER;
    if (!s->remote_known)
        return OFFLINEFILES_SYNC_OPERATION_DELETE_CLIENT_COPY;
    return OFFLINEFILES_SYNC_OPERATION_SYNC_TO_CLIENT;
}

HRESULT com_sync_error_create(csc_cache_t *cache, const char *path, HRESULT result,
                              const GUID *sync_id, IOfflineFilesSyncErrorInfo **out)
{
    *out = NULL;
    com_sync_error_t *e = calloc(1, sizeof *e);
    if (e == NULL)
        return E_OUTOFMEMORY;
    e->IOfflineFilesSyncErrorInfo_iface.lpVtbl = &syncerr_vtbl;
    atomic_init(&e->ref, 1);
    e->result = result;
    if (sync_id != NULL)
        e->sync_id = *sync_id;

    /* Read now, as SyncItemResult is delivered (C14.5: a progress callback
     * may read; com_read_lock is refused there and not needed). Inside an
     * asynchronous operation the reads fail (C6.6): nothing is available. */
    bool locked = com_read_lock(cache);
    com_snapshot_t s;
    memset(&s, 0, sizeof s);
    csc_item_t *item = NULL;
    HRESULT found = csc_cache_find(cache, path, &item);
    bool cached = SUCCEEDED(found) && item != NULL;
    bool file = false;
    csc_item_type_t rtype = CSC_ITEM_FILE;
    if (cached) {
        com_snapshot_read(cache, item, path, 0, &s);
        file = csc_item_type(item) == CSC_ITEM_FILE;
    } else {
        uint64_t rsize = 0, rchange = 0;
        if (SUCCEEDED(csc_remote_item(cache, path, &rtype, &rsize, NULL, &rchange))) {
            s.remote_known = true;
            s.remote_size = rsize;
            s.remote_change = rchange;
        }
        file = rtype == CSC_ITEM_FILE;
    }
    com_read_unlock(cache, locked);

    bool reachable = result != COM_E_CSCSHARE_OFFLINE;
    bool valid = found != COM_E_INVALID_NAME && result != COM_E_INVALID_NAME &&
                 found != CSC_COM_HR(0x800700AAu);
    e->state = cached ? (uint32_t)s.conflict : 0;
    e->op = failed_operation(result, cached, file, &s);

    /* InfoEnumerated [decision]: the local copy was looked for when the path
     * is valid and readable; the remote one also needs the server reachable;
     * the original one is looked for with a cached file. InfoAvailable:
     * what was found (the original: while the server still has that
     * version, C13.5's rule). */
    e->enumerated[COPY_LOCAL] = valid;
    e->enumerated[COPY_REMOTE] = valid && reachable;
    e->enumerated[COPY_ORIGINAL] = valid && cached && file;
    e->available[COPY_LOCAL] = cached;
    e->available[COPY_REMOTE] = valid && reachable && s.remote_known;
    e->available[COPY_ORIGINAL] = e->enumerated[COPY_ORIGINAL] && !s.created_offline &&
                                  s.remote_known && !s.changed_on_server;
    DWORD dir_or_file = file ? COM_FILE_ATTRIBUTE_NORMAL : COM_FILE_ATTRIBUTE_DIRECTORY;
    if (e->available[COPY_LOCAL]) {
        FILETIME t[4];
        com_snapshot_times(&s, OFFLINEFILES_ITEM_COPY_LOCAL, t);
        e->copy[COPY_LOCAL].attributes = s.attributes;
        e->copy[COPY_LOCAL].last_write = t[1];
        e->copy[COPY_LOCAL].change = t[2];
        e->copy[COPY_LOCAL].size = s.size;
    }
    if (s.remote_known) {
        /* The server's attributes are not modelled: NORMAL or DIRECTORY. */
        FILETIME t = com_filetime(s.remote_change);
        com_copy_info_t r = {dir_or_file, t, t, file ? s.remote_size : 0};
        if (e->available[COPY_REMOTE])
            e->copy[COPY_REMOTE] = r;
        if (e->available[COPY_ORIGINAL]) {
            e->copy[COPY_ORIGINAL] = r;
            e->copy[COPY_ORIGINAL].attributes = s.attributes;
        }
    }
    /* GetItemChangeFlags [decision]: what differs between the local and the
     * remote copy when both are available (WRITETIME and CHANGETIME
     * together, FILESIZE); ATTRIBUTES never (not modelled on the server). */
    if (file && e->available[COPY_LOCAL] && e->available[COPY_REMOTE]) {
        const com_copy_info_t *l = &e->copy[COPY_LOCAL], *r = &e->copy[COPY_REMOTE];
        if (!filetime_equal(l->last_write, r->last_write))
            e->change_flags |= OFFLINEFILES_SYNC_ITEM_CHANGE_WRITETIME;
        if (!filetime_equal(l->change, r->change))
            e->change_flags |= OFFLINEFILES_SYNC_ITEM_CHANGE_CHANGETIME;
        if (l->size != r->size)
            e->change_flags |= OFFLINEFILES_SYNC_ITEM_CHANGE_FILESIZE;
    }
    *out = &e->IOfflineFilesSyncErrorInfo_iface;
    return S_OK;
}
