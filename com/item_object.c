/*
 * com/item_object.c: item objects and enumerators of the COM face (C16.1,
 * C16.2). An item object is a snapshot of one cached item taken when it is
 * made (com_snapshot_t: pin sources and inherit bits, partly pinned, dirty
 * state, sizes, the remote twin's size and time, and with
 * OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE the connect state); Refresh
 * re-reads it and gives 0x80070002 once the item has left the cache. It
 * implements IOfflineFilesItem and the interface of its type (one vtable:
 * IOfflineFilesFileItem extends IOfflineFilesItem, and the server, share
 * and directory interfaces add nothing), plus what applies (C16.1):
 * IOfflineFilesItemContainer (servers, shares, directories); PinInfo,
 * PinInfo2, ChangeInfo, ConnectionInfo and SuspendInfo (shares,
 * directories, files); IOfflineFilesSuspend (shares, directories);
 * FileSysInfo (directories, files); DirtyInfo (files); ShareInfo (below a
 * server). GhostInfo and TransparentCacheInfo give E_NOINTERFACE.
 * ConnectionInfo's transitions and ShareInfo's caching mode act on the
 * cache at once through the C API (C10.5-C10.10, C16.3).
 * IEnumOfflineFilesItems holds the item objects it lists, made when it is
 * made; the settings enumerator is empty (C16.8).
 */
#include <stdlib.h>
#include <string.h>

#include <cscsim/async.h>

#include "com_private.h"

/* ======================= item objects ======================= */

typedef struct com_item {
    IOfflineFilesFileItem IOfflineFilesItem_iface;
    IOfflineFilesItemContainer IOfflineFilesItemContainer_iface;
    IOfflineFilesPinInfo2 IOfflineFilesPinInfo2_iface;
    IOfflineFilesDirtyInfo IOfflineFilesDirtyInfo_iface;
    IOfflineFilesChangeInfo IOfflineFilesChangeInfo_iface;
    IOfflineFilesSuspend IOfflineFilesSuspend_iface;
    IOfflineFilesSuspendInfo IOfflineFilesSuspendInfo_iface;
    IOfflineFilesConnectionInfo IOfflineFilesConnectionInfo_iface;
    IOfflineFilesShareInfo IOfflineFilesShareInfo_iface;
    IOfflineFilesFileSysInfo IOfflineFilesFileSysInfo_iface;
    atomic_ulong ref;
    csc_cache_t *cache;
    csc_item_type_t type;
    char *path; /* WTF-8, the item's display path */
    pthread_mutex_t lock; /* guards the snapshot below against Refresh */
    com_snapshot_t snap;
} com_item_t;

#define IMPL_FROM(Iface)                                                                         \
    static com_item_t *impl_from_##Iface(Iface *iface)                                           \
    {                                                                                            \
        return container_of(iface, com_item_t, Iface##_iface);                                   \
    }

static com_item_t *impl_from_IOfflineFilesFileItem(IOfflineFilesFileItem *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesItem_iface);
}
IMPL_FROM(IOfflineFilesItemContainer)
IMPL_FROM(IOfflineFilesPinInfo2)
IMPL_FROM(IOfflineFilesDirtyInfo)
IMPL_FROM(IOfflineFilesChangeInfo)
IMPL_FROM(IOfflineFilesSuspend)
IMPL_FROM(IOfflineFilesSuspendInfo)
IMPL_FROM(IOfflineFilesConnectionInfo)
IMPL_FROM(IOfflineFilesShareInfo)
IMPL_FROM(IOfflineFilesFileSysInfo)

/* Reads the item into the snapshot; the cache is held. */
static void read_state(com_item_t *This, const csc_item_t *item, DWORD query_flags)
{
    com_snapshot_t s;
    com_snapshot_read(This->cache, item, This->path, query_flags, &s);
    pthread_mutex_lock(&This->lock);
    This->snap = s;
    pthread_mutex_unlock(&This->lock);
}

/* A copy of the snapshot, read under its lock. */
static com_snapshot_t snapshot(com_item_t *This)
{
    pthread_mutex_lock(&This->lock);
    com_snapshot_t s = This->snap;
    pthread_mutex_unlock(&This->lock);
    return s;
}

/* After a transition made through the object, its connect state is read
 * again on demand. */
static void forget_connect_state(com_item_t *This)
{
    pthread_mutex_lock(&This->lock);
    This->snap.has_conn = false;
    pthread_mutex_unlock(&This->lock);
}

static const GUID *type_iid(csc_item_type_t type)
{
    switch (type) {
    case CSC_ITEM_SERVER:
        return &IID_IOfflineFilesServerItem;
    case CSC_ITEM_SHARE:
        return &IID_IOfflineFilesShareItem;
    case CSC_ITEM_DIRECTORY:
        return &IID_IOfflineFilesDirectoryItem;
    default:
        return &IID_IOfflineFilesFileItem;
    }
}

/* C16.1: which interfaces the item implements. */
static HRESULT item_query_interface(com_item_t *This, REFIID riid, void **ppv)
{
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    bool server = This->type == CSC_ITEM_SERVER;
    bool file = This->type == CSC_ITEM_FILE;
    bool share = This->type == CSC_ITEM_SHARE;
    if (csc_com_guid_equal(riid, &IID_IUnknown) || csc_com_guid_equal(riid, &IID_IOfflineFilesItem) ||
        csc_com_guid_equal(riid, type_iid(This->type)))
        *ppv = &This->IOfflineFilesItem_iface;
    else if (!file && csc_com_guid_equal(riid, &IID_IOfflineFilesItemContainer))
        *ppv = &This->IOfflineFilesItemContainer_iface;
    else if (!server && (csc_com_guid_equal(riid, &IID_IOfflineFilesPinInfo) ||
                         csc_com_guid_equal(riid, &IID_IOfflineFilesPinInfo2)))
        *ppv = &This->IOfflineFilesPinInfo2_iface;
    else if (!server && csc_com_guid_equal(riid, &IID_IOfflineFilesChangeInfo))
        *ppv = &This->IOfflineFilesChangeInfo_iface;
    else if (file && csc_com_guid_equal(riid, &IID_IOfflineFilesDirtyInfo))
        *ppv = &This->IOfflineFilesDirtyInfo_iface;
    else if (!server && csc_com_guid_equal(riid, &IID_IOfflineFilesSuspendInfo))
        *ppv = &This->IOfflineFilesSuspendInfo_iface;
    else if (!server && !file && csc_com_guid_equal(riid, &IID_IOfflineFilesSuspend))
        *ppv = &This->IOfflineFilesSuspend_iface;
    else if (!server && csc_com_guid_equal(riid, &IID_IOfflineFilesConnectionInfo))
        *ppv = &This->IOfflineFilesConnectionInfo_iface; /* C16.9: not for servers */
    else if (!server && csc_com_guid_equal(riid, &IID_IOfflineFilesShareInfo))
        *ppv = &This->IOfflineFilesShareInfo_iface;
    else if (!server && !share && csc_com_guid_equal(riid, &IID_IOfflineFilesFileSysInfo))
        *ppv = &This->IOfflineFilesFileSysInfo_iface;
    else
        return E_NOINTERFACE;
    atomic_fetch_add(&This->ref, 1);
    return S_OK;
}

static ULONG item_add_ref(com_item_t *This)
{
    return (ULONG)(atomic_fetch_add(&This->ref, 1) + 1);
}

static ULONG item_release(com_item_t *This)
{
    unsigned long ref = atomic_fetch_sub(&This->ref, 1) - 1;
    if (ref == 0) {
        pthread_mutex_destroy(&This->lock);
        free(This->path);
        free(This);
    }
    return (ULONG)ref;
}

/* The IUnknown methods of each interface of the item. */
#define ITEM_IUNKNOWN(prefix, Iface)                                                             \
    static HRESULT STDMETHODCALLTYPE prefix##_QueryInterface(Iface *iface, REFIID riid,         \
                                                             void **ppv)                         \
    {                                                                                            \
        return item_query_interface(impl_from_##Iface(iface), riid, ppv);                       \
    }                                                                                            \
    static ULONG STDMETHODCALLTYPE prefix##_AddRef(Iface *iface)                                 \
    {                                                                                            \
        return item_add_ref(impl_from_##Iface(iface));                                          \
    }                                                                                            \
    static ULONG STDMETHODCALLTYPE prefix##_Release(Iface *iface)                                \
    {                                                                                            \
        return item_release(impl_from_##Iface(iface));                                          \
    }

ITEM_IUNKNOWN(item, IOfflineFilesFileItem)
ITEM_IUNKNOWN(itemcont, IOfflineFilesItemContainer)
ITEM_IUNKNOWN(pin, IOfflineFilesPinInfo2)
ITEM_IUNKNOWN(dirty, IOfflineFilesDirtyInfo)
ITEM_IUNKNOWN(change, IOfflineFilesChangeInfo)
ITEM_IUNKNOWN(suspend, IOfflineFilesSuspend)
ITEM_IUNKNOWN(suspinfo, IOfflineFilesSuspendInfo)
ITEM_IUNKNOWN(conn, IOfflineFilesConnectionInfo)
ITEM_IUNKNOWN(shareinfo, IOfflineFilesShareInfo)
ITEM_IUNKNOWN(fsinfo, IOfflineFilesFileSysInfo)

/* ---- IOfflineFilesItem, IOfflineFilesFileItem ---- */

static HRESULT STDMETHODCALLTYPE item_GetItemType(IOfflineFilesFileItem *iface,
                                                  OFFLINEFILES_ITEM_TYPE *type)
{
    if (type == NULL)
        return E_POINTER;
    *type = (OFFLINEFILES_ITEM_TYPE)impl_from_IOfflineFilesFileItem(iface)->type;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE item_GetPath(IOfflineFilesFileItem *iface, LPWSTR *path)
{
    if (path == NULL)
        return E_POINTER;
    *path = NULL;
    return com_wtf8_to_utf16(impl_from_IOfflineFilesFileItem(iface)->path, path);
}

static HRESULT STDMETHODCALLTYPE item_GetParentItem(IOfflineFilesFileItem *iface,
                                                    IOfflineFilesItem **out)
{
    com_item_t *This = impl_from_IOfflineFilesFileItem(iface);
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (This->type == CSC_ITEM_SERVER)
        return COM_E_NOT_SUPPORTED; /* C16.2 */
    bool locked = com_read_lock(This->cache);
    csc_item_t *item;
    HRESULT hr = csc_cache_find(This->cache, This->path, &item);
    if (SUCCEEDED(hr))
        hr = com_item_create(This->cache, csc_item_parent(item), 0, out);
    com_read_unlock(This->cache, locked);
    return hr;
}

static HRESULT STDMETHODCALLTYPE item_Refresh(IOfflineFilesFileItem *iface, DWORD flags)
{
    com_item_t *This = impl_from_IOfflineFilesFileItem(iface);
    HRESULT hr = com_check_query_flags(This->cache, flags);
    if (FAILED(hr))
        return hr;
    bool locked = com_read_lock(This->cache);
    csc_item_t *item;
    hr = csc_cache_find(This->cache, This->path, &item);
    if (SUCCEEDED(hr) && csc_item_type(item) != This->type)
        hr = CSC_E_FILE_NOT_FOUND; /* another item under the same name */
    if (SUCCEEDED(hr))
        read_state(This, item, flags);
    com_read_unlock(This->cache, locked);
    return hr; /* 0x80070002 once the item has left the cache (C16.2) */
}

/* C16.2: TRUE for a file deleted offline (C11.5). */
static HRESULT STDMETHODCALLTYPE item_IsMarkedForDeletion(IOfflineFilesFileItem *iface,
                                                          BOOL *marked)
{
    if (marked == NULL)
        return E_POINTER;
    *marked = snapshot(impl_from_IOfflineFilesFileItem(iface)).deleted_offline;
    return S_OK;
}

/* C10.8: not fully cached. */
static HRESULT STDMETHODCALLTYPE item_IsSparse(IOfflineFilesFileItem *iface, BOOL *sparse)
{
    if (sparse == NULL)
        return E_POINTER;
    *sparse = snapshot(impl_from_IOfflineFilesFileItem(iface)).sparse;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE item_IsEncrypted(IOfflineFilesFileItem *iface, BOOL *encrypted)
{
    if (encrypted == NULL)
        return E_POINTER;
    *encrypted = snapshot(impl_from_IOfflineFilesFileItem(iface)).encrypted; /* C13.4 */
    return S_OK;
}

/* One vtable for every item: the IOfflineFilesFileItem slots start with the
 * IOfflineFilesItem ones, and only a file hands out the last two (QI). */
static const IOfflineFilesFileItemVtbl item_vtbl = {
    item_QueryInterface, item_AddRef,        item_Release,
    item_GetItemType,    item_GetPath,       item_GetParentItem,
    item_Refresh,        item_IsMarkedForDeletion,
    item_IsSparse,       item_IsEncrypted,
};

/* ---- IOfflineFilesItemContainer ---- */

static HRESULT STDMETHODCALLTYPE itemcont_EnumItems(IOfflineFilesItemContainer *iface,
                                                    DWORD flags, IEnumOfflineFilesItems **out)
{
    com_item_t *This = impl_from_IOfflineFilesItemContainer(iface);
    return com_enum_items_ex(This->cache, This->path, NULL, NULL, NULL, NULL, 0, flags, out);
}

static HRESULT STDMETHODCALLTYPE itemcont_EnumItemsEx(
    IOfflineFilesItemContainer *iface, IOfflineFilesItemFilter *inc_file,
    IOfflineFilesItemFilter *inc_dir, IOfflineFilesItemFilter *exc_file,
    IOfflineFilesItemFilter *exc_dir, DWORD enum_flags, DWORD flags,
    IEnumOfflineFilesItems **out)
{
    com_item_t *This = impl_from_IOfflineFilesItemContainer(iface);
    return com_enum_items_ex(This->cache, This->path, inc_file, inc_dir, exc_file, exc_dir,
                             enum_flags, flags, out);
}

static const IOfflineFilesItemContainerVtbl itemcont_vtbl = {
    itemcont_QueryInterface, itemcont_AddRef,      itemcont_Release,
    itemcont_EnumItems,      itemcont_EnumItemsEx,
};

/* ---- IOfflineFilesPinInfo, IOfflineFilesPinInfo2 (C3.2) ---- */

static HRESULT pinned_for(IOfflineFilesPinInfo2 *iface, uint32_t source, BOOL *pinned,
                          BOOL *inherit)
{
    if (pinned == NULL || inherit == NULL)
        return E_POINTER;
    com_snapshot_t s = snapshot(impl_from_IOfflineFilesPinInfo2(iface));
    *pinned = (s.pins & source) != 0;
    *inherit = (s.inherit & source) != 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE pin_IsPinned(IOfflineFilesPinInfo2 *iface, BOOL *pinned)
{
    if (pinned == NULL)
        return E_POINTER;
    *pinned = snapshot(impl_from_IOfflineFilesPinInfo2(iface)).pins != 0;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE pin_IsPinnedForUser(IOfflineFilesPinInfo2 *iface, BOOL *pinned,
                                                     BOOL *inherit)
{
    return pinned_for(iface, CSC_PIN_SOURCE_USER, pinned, inherit);
}

static HRESULT STDMETHODCALLTYPE pin_IsPinnedForUserByPolicy(IOfflineFilesPinInfo2 *iface,
                                                             BOOL *pinned, BOOL *inherit)
{
    return pinned_for(iface, CSC_PIN_SOURCE_POLICY, pinned, inherit);
}

static HRESULT STDMETHODCALLTYPE pin_IsPinnedForComputer(IOfflineFilesPinInfo2 *iface,
                                                         BOOL *pinned, BOOL *inherit)
{
    return pinned_for(iface, CSC_PIN_SOURCE_COMPUTER, pinned, inherit);
}

static HRESULT STDMETHODCALLTYPE pin_IsPinnedForFolderRedirection(IOfflineFilesPinInfo2 *iface,
                                                                  BOOL *pinned, BOOL *inherit)
{
    return pinned_for(iface, CSC_PIN_SOURCE_REDIRECT, pinned, inherit);
}

static HRESULT STDMETHODCALLTYPE pin_IsPartlyPinned(IOfflineFilesPinInfo2 *iface, BOOL *partly)
{
    if (partly == NULL)
        return E_POINTER;
    *partly = snapshot(impl_from_IOfflineFilesPinInfo2(iface)).partly;
    return S_OK;
}

static const IOfflineFilesPinInfo2Vtbl pin_vtbl = {
    pin_QueryInterface,      pin_AddRef,
    pin_Release,             pin_IsPinned,
    pin_IsPinnedForUser,     pin_IsPinnedForUserByPolicy,
    pin_IsPinnedForComputer, pin_IsPinnedForFolderRedirection,
    pin_IsPartlyPinned,
};

/* ---- IOfflineFilesDirtyInfo (files, C5.1, C13.5) ---- */

/* LARGE_INTEGER is signed: a count beyond 2^63 - 1 is shown as that. */
static LONGLONG as_signed(uint64_t v)
{
    return v > (uint64_t)INT64_MAX ? INT64_MAX : (LONGLONG)v;
}

static HRESULT STDMETHODCALLTYPE dirty_LocalDirtyByteCount(IOfflineFilesDirtyInfo *iface,
                                                           LARGE_INTEGER *count)
{
    if (count == NULL)
        return E_POINTER;
    count->QuadPart = as_signed(snapshot(impl_from_IOfflineFilesDirtyInfo(iface)).dirty_bytes);
    return S_OK;
}

/* C13.5: the remote file's size when the file is changed on the server
 * (C10.3), else 0 (also when the remote file is gone). */
static HRESULT STDMETHODCALLTYPE dirty_RemoteDirtyByteCount(IOfflineFilesDirtyInfo *iface,
                                                            LARGE_INTEGER *count)
{
    if (count == NULL)
        return E_POINTER;
    com_snapshot_t s = snapshot(impl_from_IOfflineFilesDirtyInfo(iface));
    count->QuadPart = s.changed_on_server && s.remote_known ? as_signed(s.remote_size) : 0;
    return S_OK;
}

static const IOfflineFilesDirtyInfoVtbl dirty_vtbl = {
    dirty_QueryInterface,      dirty_AddRef, dirty_Release, dirty_LocalDirtyByteCount,
    dirty_RemoteDirtyByteCount,
};

/* ---- IOfflineFilesChangeInfo (C5.1, C11, C13.5) ---- */

enum change_kind { CHANGE_DIRTY, CHANGE_DELETED, CHANGE_CREATED, CHANGE_MODIFIED, CHANGE_NONE };

static HRESULT change_flag(IOfflineFilesChangeInfo *iface, BOOL *out, enum change_kind kind)
{
    if (out == NULL)
        return E_POINTER;
    com_snapshot_t s = snapshot(impl_from_IOfflineFilesChangeInfo(iface));
    switch (kind) {
    case CHANGE_DIRTY: *out = s.dirty; break;
    case CHANGE_DELETED: *out = s.deleted_offline; break;
    case CHANGE_CREATED: *out = s.created_offline; break;
    /* C13.5: ModifiedData and ModifiedTime are TRUE for a file modified
     * offline: dirty, neither created nor deleted offline. */
    case CHANGE_MODIFIED: *out = s.dirty && !s.created_offline && !s.deleted_offline; break;
    default: *out = FALSE; break; /* ModifiedAttributes: always FALSE */
    }
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE change_IsDirty(IOfflineFilesChangeInfo *iface, BOOL *out)
{
    return change_flag(iface, out, CHANGE_DIRTY);
}
static HRESULT STDMETHODCALLTYPE change_IsDeletedOffline(IOfflineFilesChangeInfo *iface, BOOL *out)
{
    return change_flag(iface, out, CHANGE_DELETED);
}
static HRESULT STDMETHODCALLTYPE change_IsCreatedOffline(IOfflineFilesChangeInfo *iface, BOOL *out)
{
    return change_flag(iface, out, CHANGE_CREATED);
}
static HRESULT STDMETHODCALLTYPE change_IsLocallyModifiedData(IOfflineFilesChangeInfo *iface,
                                                              BOOL *out)
{
    return change_flag(iface, out, CHANGE_MODIFIED);
}
static HRESULT STDMETHODCALLTYPE change_IsLocallyModifiedAttributes(IOfflineFilesChangeInfo *iface,
                                                                    BOOL *out)
{
    return change_flag(iface, out, CHANGE_NONE);
}
static HRESULT STDMETHODCALLTYPE change_IsLocallyModifiedTime(IOfflineFilesChangeInfo *iface,
                                                              BOOL *out)
{
    return change_flag(iface, out, CHANGE_MODIFIED);
}

static const IOfflineFilesChangeInfoVtbl change_vtbl = {
    change_QueryInterface,        change_AddRef,
    change_Release,               change_IsDirty,
    change_IsDeletedOffline,      change_IsCreatedOffline,
    change_IsLocallyModifiedData, change_IsLocallyModifiedAttributes,
    change_IsLocallyModifiedTime,
};

/* ---- IOfflineFilesSuspend (shares, directories) and SuspendInfo (C13.3) ---- */

static HRESULT STDMETHODCALLTYPE suspend_SuspendRoot(IOfflineFilesSuspend *iface, BOOL suspend)
{
    com_item_t *This = impl_from_IOfflineFilesSuspend(iface);
    return csc_suspend_root(This->cache, This->path, suspend != FALSE);
}

static const IOfflineFilesSuspendVtbl suspend_vtbl = {
    suspend_QueryInterface, suspend_AddRef, suspend_Release, suspend_SuspendRoot,
};

static HRESULT STDMETHODCALLTYPE suspinfo_IsSuspended(IOfflineFilesSuspendInfo *iface,
                                                      BOOL *suspended, BOOL *root)
{
    if (suspended == NULL || root == NULL)
        return E_POINTER;
    com_snapshot_t s = snapshot(impl_from_IOfflineFilesSuspendInfo(iface));
    *suspended = s.suspended;
    *root = s.suspended_root;
    return S_OK;
}

static const IOfflineFilesSuspendInfoVtbl suspinfo_vtbl = {
    suspinfo_QueryInterface, suspinfo_AddRef, suspinfo_Release, suspinfo_IsSuspended,
};

/* ---- IOfflineFilesConnectionInfo (shares, directories, files: C16.3) ---- */

/* C10.5: the state read with the snapshot (OFFLINEFILES_ITEM_QUERY_
 * CONNECTIONSTATE), else read now ("queried on demand"). */
static HRESULT STDMETHODCALLTYPE conn_GetConnectState(IOfflineFilesConnectionInfo *iface,
                                                      OFFLINEFILES_CONNECT_STATE *state,
                                                      OFFLINEFILES_OFFLINE_REASON *reason)
{
    com_item_t *This = impl_from_IOfflineFilesConnectionInfo(iface);
    if (state == NULL || reason == NULL) {
        if (state != NULL)
            *state = OFFLINEFILES_CONNECT_STATE_UNKNOWN;
        if (reason != NULL)
            *reason = OFFLINEFILES_OFFLINE_REASON_UNKNOWN;
        return E_POINTER;
    }
    com_snapshot_t s = snapshot(This);
    HRESULT hr = S_OK;
    if (!s.has_conn)
        hr = com_connect_state(This->cache, This->path, &s.conn, &s.reason);
    *state = (OFFLINEFILES_CONNECT_STATE)s.conn;
    *reason = (OFFLINEFILES_OFFLINE_REASON)s.reason;
    return hr;
}

static HRESULT STDMETHODCALLTYPE conn_TransitionOnline(IOfflineFilesConnectionInfo *iface,
                                                       HWND hwnd, DWORD flags)
{
    com_item_t *This = impl_from_IOfflineFilesConnectionInfo(iface);
    (void)hwnd; /* C14.1 */
    HRESULT hr = csc_transition_online(This->cache, This->path, flags); /* C10.10 */
    forget_connect_state(This);
    return hr;
}

static HRESULT STDMETHODCALLTYPE conn_TransitionOffline(IOfflineFilesConnectionInfo *iface,
                                                        HWND hwnd, DWORD flags, BOOL force,
                                                        BOOL *open_files)
{
    com_item_t *This = impl_from_IOfflineFilesConnectionInfo(iface);
    (void)hwnd;
    if (open_files == NULL)
        return E_POINTER;
    bool open = false;
    HRESULT hr = csc_transition_offline(This->cache, This->path, force != FALSE, flags,
                                        &open); /* C10.9 */
    *open_files = SUCCEEDED(hr) && open;
    forget_connect_state(This);
    return hr;
}

/* C16.3: ONLINE acts as TransitionOnline; OFFLINE as TransitionOffline
 * without Force, but open non-cached handles make it fail with
 * HRESULT_FROM_WIN32(ERROR_BUSY) (nothing changes: without Force the
 * transition does not happen); other states E_INVALIDARG. */
static HRESULT STDMETHODCALLTYPE conn_SetConnectState(IOfflineFilesConnectionInfo *iface,
                                                      HWND hwnd, DWORD flags,
                                                      OFFLINEFILES_CONNECT_STATE state)
{
    com_item_t *This = impl_from_IOfflineFilesConnectionInfo(iface);
    if (state == OFFLINEFILES_CONNECT_STATE_ONLINE)
        return conn_TransitionOnline(iface, hwnd, flags);
    if (state != OFFLINEFILES_CONNECT_STATE_OFFLINE)
        return E_INVALIDARG;
    bool open = false;
    HRESULT hr = csc_transition_offline(This->cache, This->path, false, flags, &open);
    forget_connect_state(This);
    return SUCCEEDED(hr) && open ? CSC_E_BUSY : hr;
}

static const IOfflineFilesConnectionInfoVtbl conn_vtbl = {
    conn_QueryInterface,   conn_AddRef,          conn_Release,          conn_GetConnectState,
    conn_SetConnectState,  conn_TransitionOnline, conn_TransitionOffline,
};

/* ---- IOfflineFilesShareInfo (below a server: C16.3) ---- */

/* The length of the share's part of a display path (`\\server\share`). */
static size_t share_len(const char *path)
{
    size_t i = 2, seps = 0;
    for (; path[i] != '\0'; i++)
        if (path[i] == '\\' && ++seps == 2)
            break;
    return i;
}

static HRESULT STDMETHODCALLTYPE shareinfo_GetShareItem(IOfflineFilesShareInfo *iface,
                                                        IOfflineFilesShareItem **out)
{
    com_item_t *This = impl_from_IOfflineFilesShareInfo(iface);
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    size_t n = share_len(This->path);
    char *share = malloc(n + 1);
    if (share == NULL)
        return E_OUTOFMEMORY;
    memcpy(share, This->path, n);
    share[n] = '\0';
    bool locked = com_read_lock(This->cache);
    csc_item_t *item;
    HRESULT hr = csc_cache_find(This->cache, share, &item);
    if (SUCCEEDED(hr)) /* the share item implements IOfflineFilesShareItem on its first vtable */
        hr = com_item_create(This->cache, item, 0, (IOfflineFilesItem **)out);
    com_read_unlock(This->cache, locked);
    free(share);
    return hr; /* 0x80070002 once the share has left the cache */
}

/* C10.6, C10.7, C15.7: the share's mode as IsPathCacheable reads it. */
static HRESULT STDMETHODCALLTYPE shareinfo_GetShareCachingMode(IOfflineFilesShareInfo *iface,
                                                               OFFLINEFILES_CACHING_MODE *mode)
{
    com_item_t *This = impl_from_IOfflineFilesShareInfo(iface);
    if (mode == NULL)
        return E_POINTER;
    bool cacheable;
    csc_caching_mode_t m = CSC_CACHING_MODE_NONE;
    HRESULT hr = csc_is_path_cacheable(This->cache, This->path, &cacheable, &m);
    *mode = SUCCEEDED(hr) ? (OFFLINEFILES_CACHING_MODE)m : OFFLINEFILES_CACHING_MODE_NONE;
    return hr;
}

static HRESULT STDMETHODCALLTYPE shareinfo_IsShareDfsJunction(IOfflineFilesShareInfo *iface,
                                                              BOOL *junction)
{
    (void)iface;
    if (junction == NULL)
        return E_POINTER;
    *junction = FALSE; /* C16.3: the simulation has no DFS */
    return S_OK;
}

static const IOfflineFilesShareInfoVtbl shareinfo_vtbl = {
    shareinfo_QueryInterface,       shareinfo_AddRef,
    shareinfo_Release,              shareinfo_GetShareItem,
    shareinfo_GetShareCachingMode,  shareinfo_IsShareDfsJunction,
};

/* ---- IOfflineFilesFileSysInfo (directories, files: C13.5) ---- */

static HRESULT STDMETHODCALLTYPE fsinfo_GetAttributes(IOfflineFilesFileSysInfo *iface,
                                                      OFFLINEFILES_ITEM_COPY copy, DWORD *attributes)
{
    if (attributes == NULL)
        return E_POINTER;
    *attributes = 0;
    switch (copy) {
    case OFFLINEFILES_ITEM_COPY_LOCAL:
    case OFFLINEFILES_ITEM_COPY_ORIGINAL:
        *attributes = snapshot(impl_from_IOfflineFilesFileSysInfo(iface)).attributes;
        return S_OK;
    case OFFLINEFILES_ITEM_COPY_REMOTE:
        return S_OK; /* reserved: 0 */
    default:
        return E_INVALIDARG;
    }
}

static HRESULT STDMETHODCALLTYPE fsinfo_GetTimes(IOfflineFilesFileSysInfo *iface,
                                                 OFFLINEFILES_ITEM_COPY copy, FILETIME *creation,
                                                 FILETIME *write, FILETIME *change,
                                                 FILETIME *access)
{
    if (creation == NULL || write == NULL || change == NULL || access == NULL)
        return E_POINTER;
    FILETIME t[4];
    com_snapshot_t s = snapshot(impl_from_IOfflineFilesFileSysInfo(iface));
    HRESULT hr = com_snapshot_times(&s, copy, t);
    *creation = t[0];
    *write = t[1];
    *change = t[2];
    *access = t[3];
    return hr;
}

/* LOCAL: the cached copy's size; ORIGINAL: the version last in sync, which
 * is the server's copy while the file is not changed on the server, else
 * the local size (the original's size is not kept); REMOTE: reserved, 0.
 * Containers: 0. */
static HRESULT STDMETHODCALLTYPE fsinfo_GetFileSize(IOfflineFilesFileSysInfo *iface,
                                                    OFFLINEFILES_ITEM_COPY copy, LARGE_INTEGER *size)
{
    if (size == NULL)
        return E_POINTER;
    size->QuadPart = 0;
    com_snapshot_t s = snapshot(impl_from_IOfflineFilesFileSysInfo(iface));
    switch (copy) {
    case OFFLINEFILES_ITEM_COPY_LOCAL:
        size->QuadPart = as_signed(s.size);
        return S_OK;
    case OFFLINEFILES_ITEM_COPY_ORIGINAL:
        size->QuadPart = as_signed(s.remote_known && !s.changed_on_server ? s.remote_size : s.size);
        return S_OK;
    case OFFLINEFILES_ITEM_COPY_REMOTE:
        return S_OK;
    default:
        return E_INVALIDARG;
    }
}

static const IOfflineFilesFileSysInfoVtbl fsinfo_vtbl = {
    fsinfo_QueryInterface, fsinfo_AddRef,   fsinfo_Release,
    fsinfo_GetAttributes,  fsinfo_GetTimes, fsinfo_GetFileSize,
};

HRESULT com_item_create(csc_cache_t *cache, const csc_item_t *item, DWORD query_flags,
                        IOfflineFilesItem **out)
{
    *out = NULL;
    com_item_t *obj = calloc(1, sizeof *obj);
    if (obj == NULL)
        return E_OUTOFMEMORY;
    size_t len = csc_item_path(item, NULL, 0);
    obj->path = malloc(len + 1);
    if (obj->path == NULL) {
        free(obj);
        return E_OUTOFMEMORY;
    }
    csc_item_path(item, obj->path, len + 1);
    obj->IOfflineFilesItem_iface.lpVtbl = &item_vtbl;
    obj->IOfflineFilesItemContainer_iface.lpVtbl = &itemcont_vtbl;
    obj->IOfflineFilesPinInfo2_iface.lpVtbl = &pin_vtbl;
    obj->IOfflineFilesDirtyInfo_iface.lpVtbl = &dirty_vtbl;
    obj->IOfflineFilesChangeInfo_iface.lpVtbl = &change_vtbl;
    obj->IOfflineFilesSuspend_iface.lpVtbl = &suspend_vtbl;
    obj->IOfflineFilesSuspendInfo_iface.lpVtbl = &suspinfo_vtbl;
    obj->IOfflineFilesConnectionInfo_iface.lpVtbl = &conn_vtbl;
    obj->IOfflineFilesShareInfo_iface.lpVtbl = &shareinfo_vtbl;
    obj->IOfflineFilesFileSysInfo_iface.lpVtbl = &fsinfo_vtbl;
    atomic_init(&obj->ref, 1);
    obj->cache = cache;
    obj->type = csc_item_type(item);
    pthread_mutex_init(&obj->lock, NULL);
    read_state(obj, item, query_flags);
    *out = (IOfflineFilesItem *)&obj->IOfflineFilesItem_iface;
    return S_OK;
}

/* ======================= IEnumOfflineFilesItems ======================= */

typedef struct com_enum {
    IEnumOfflineFilesItems IEnumOfflineFilesItems_iface;
    atomic_ulong ref;
    pthread_mutex_t lock; /* guards pos */
    IOfflineFilesItem **items; /* one reference each */
    ULONG count, pos;
} com_enum_t;

static com_enum_t *impl_from_IEnumOfflineFilesItems(IEnumOfflineFilesItems *iface)
{
    return container_of(iface, com_enum_t, IEnumOfflineFilesItems_iface);
}

static HRESULT STDMETHODCALLTYPE enum_QueryInterface(IEnumOfflineFilesItems *iface, REFIID riid,
                                                     void **ppv)
{
    com_enum_t *This = impl_from_IEnumOfflineFilesItems(iface);
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (!csc_com_guid_equal(riid, &IID_IUnknown) &&
        !csc_com_guid_equal(riid, &IID_IEnumOfflineFilesItems))
        return E_NOINTERFACE;
    *ppv = &This->IEnumOfflineFilesItems_iface;
    atomic_fetch_add(&This->ref, 1);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE enum_AddRef(IEnumOfflineFilesItems *iface)
{
    return (ULONG)(atomic_fetch_add(&impl_from_IEnumOfflineFilesItems(iface)->ref, 1) + 1);
}

static void enum_destroy(com_enum_t *This)
{
    for (ULONG i = 0; i < This->count; i++)
        This->items[i]->lpVtbl->Release(This->items[i]);
    free(This->items);
    pthread_mutex_destroy(&This->lock);
    free(This);
}

static ULONG STDMETHODCALLTYPE enum_Release(IEnumOfflineFilesItems *iface)
{
    com_enum_t *This = impl_from_IEnumOfflineFilesItems(iface);
    unsigned long ref = atomic_fetch_sub(&This->ref, 1) - 1;
    if (ref == 0)
        enum_destroy(This);
    return (ULONG)ref;
}

/* C16.2: S_FALSE when fewer than asked are given. */
static HRESULT STDMETHODCALLTYPE enum_Next(IEnumOfflineFilesItems *iface, ULONG celt,
                                           IOfflineFilesItem **rgelt, ULONG *fetched)
{
    com_enum_t *This = impl_from_IEnumOfflineFilesItems(iface);
    if (rgelt == NULL)
        return E_POINTER;
    if (fetched == NULL && celt > 1)
        return E_INVALIDARG; /* as every COM enumerator */
    pthread_mutex_lock(&This->lock);
    ULONG n = 0;
    while (n < celt && This->pos < This->count) {
        rgelt[n] = This->items[This->pos++];
        rgelt[n]->lpVtbl->AddRef(rgelt[n]);
        n++;
    }
    pthread_mutex_unlock(&This->lock);
    if (fetched != NULL)
        *fetched = n;
    return n == celt ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE enum_Skip(IEnumOfflineFilesItems *iface, ULONG celt)
{
    com_enum_t *This = impl_from_IEnumOfflineFilesItems(iface);
    pthread_mutex_lock(&This->lock);
    ULONG left = This->count - This->pos;
    ULONG n = celt < left ? celt : left;
    This->pos += n;
    pthread_mutex_unlock(&This->lock);
    return n == celt ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE enum_Reset(IEnumOfflineFilesItems *iface)
{
    com_enum_t *This = impl_from_IEnumOfflineFilesItems(iface);
    pthread_mutex_lock(&This->lock);
    This->pos = 0;
    pthread_mutex_unlock(&This->lock);
    return S_OK;
}

static HRESULT enum_new(IOfflineFilesItem **items, ULONG count, ULONG pos, com_enum_t **out);

static HRESULT STDMETHODCALLTYPE enum_Clone(IEnumOfflineFilesItems *iface,
                                            IEnumOfflineFilesItems **out)
{
    com_enum_t *This = impl_from_IEnumOfflineFilesItems(iface);
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    IOfflineFilesItem **copy = This->count == 0 ? NULL : malloc(This->count * sizeof *copy);
    if (This->count != 0 && copy == NULL)
        return E_OUTOFMEMORY;
    for (ULONG i = 0; i < This->count; i++) {
        copy[i] = This->items[i];
        copy[i]->lpVtbl->AddRef(copy[i]);
    }
    pthread_mutex_lock(&This->lock);
    ULONG pos = This->pos;
    pthread_mutex_unlock(&This->lock);
    com_enum_t *e;
    HRESULT hr = enum_new(copy, This->count, pos, &e);
    if (FAILED(hr))
        return hr;
    *out = &e->IEnumOfflineFilesItems_iface;
    return S_OK;
}

static const IEnumOfflineFilesItemsVtbl enum_vtbl = {
    enum_QueryInterface, enum_AddRef, enum_Release, enum_Next, enum_Skip, enum_Reset, enum_Clone,
};

/* Takes over `items` (and their references), also on failure. */
static HRESULT enum_new(IOfflineFilesItem **items, ULONG count, ULONG pos, com_enum_t **out)
{
    com_enum_t *e = malloc(sizeof *e);
    if (e == NULL) {
        for (ULONG i = 0; i < count; i++)
            items[i]->lpVtbl->Release(items[i]);
        free(items);
        return E_OUTOFMEMORY;
    }
    e->IEnumOfflineFilesItems_iface.lpVtbl = &enum_vtbl;
    atomic_init(&e->ref, 1);
    pthread_mutex_init(&e->lock, NULL);
    e->items = items;
    e->count = count;
    e->pos = pos;
    *out = e;
    return S_OK;
}

/* Appends a snapshot of `item` to the growing array when the filters keep
 * it (C16.4). */
static HRESULT push(csc_cache_t *cache, const csc_item_t *item, DWORD query_flags,
                    const com_filters_t *filters, IOfflineFilesItem ***items, ULONG *count,
                    ULONG *cap)
{
    if (!com_filters_keep(filters, cache, item))
        return S_OK;
    if (*count == *cap) {
        ULONG ncap = *cap == 0 ? 8 : *cap * 2;
        IOfflineFilesItem **n = realloc(*items, ncap * sizeof *n);
        if (n == NULL)
            return E_OUTOFMEMORY;
        *items = n;
        *cap = ncap;
    }
    HRESULT hr = com_item_create(cache, item, query_flags, &(*items)[*count]);
    if (SUCCEEDED(hr))
        (*count)++;
    return hr;
}

HRESULT com_enum_create(csc_cache_t *cache, const char *parent_path, bool flat, bool files_only,
                        DWORD query_flags, const com_filters_t *filters,
                        IEnumOfflineFilesItems **out)
{
    IOfflineFilesItem **items = NULL;
    ULONG count = 0, cap = 0;
    HRESULT hr = S_OK;
    /* While an asynchronous operation runs, reads that return an HRESULT
     * are refused (C6.6), and its walk may change the tree: no walk here. */
    if (csc_cache_busy(cache))
        return CSC_E_BUSY;
    bool locked = com_read_lock(cache);
    csc_item_t *parent = NULL;
    if (parent_path != NULL)
        hr = csc_cache_find(cache, parent_path, &parent);
    if (SUCCEEDED(hr) && flat) {
        csc_subtree_iter_t it;
        if (parent != NULL) {
            csc_subtree_iter_init(&it, parent);
            csc_subtree_iter_next(&it); /* the root itself is not listed */
        } else {
            csc_cache_iter_init(&it, cache);
        }
        for (csc_item_t *i; SUCCEEDED(hr) && (i = csc_subtree_iter_next(&it)) != NULL;)
            if (!files_only || csc_item_type(i) == CSC_ITEM_FILE)
                hr = push(cache, i, query_flags, filters, &items, &count, &cap);
    } else if (SUCCEEDED(hr)) {
        csc_item_t *i = parent != NULL ? csc_item_first_child(parent) : csc_cache_first_server(cache);
        for (; SUCCEEDED(hr) && i != NULL; i = csc_item_next_sibling(i))
            hr = push(cache, i, query_flags, filters, &items, &count, &cap);
    }
    com_read_unlock(cache, locked);
    com_enum_t *e = NULL;
    if (SUCCEEDED(hr))
        return enum_new(items, count, 0, &e) == S_OK
                   ? (*out = &e->IEnumOfflineFilesItems_iface, S_OK)
                   : E_OUTOFMEMORY;
    for (ULONG k = 0; k < count; k++)
        items[k]->lpVtbl->Release(items[k]);
    free(items);
    return hr;
}

HRESULT com_enum_items_ex(csc_cache_t *cache, const char *parent_path,
                          IOfflineFilesItemFilter *inc_file, IOfflineFilesItemFilter *inc_dir,
                          IOfflineFilesItemFilter *exc_file, IOfflineFilesItemFilter *exc_dir,
                          DWORD enum_flags, DWORD query_flags, IEnumOfflineFilesItems **out)
{
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    HRESULT hr = com_check_query_flags(cache, query_flags);
    if (FAILED(hr))
        return hr;
    if ((enum_flags & ~(DWORD)OFFLINEFILES_ENUM_FLAGS) != 0)
        return E_INVALIDARG;
    if ((enum_flags & OFFLINEFILES_ENUM_FLAT_FILESONLY) != 0 &&
        (enum_flags & OFFLINEFILES_ENUM_FLAT) == 0)
        return E_INVALIDARG; /* C16.4 */
    bool filtered = inc_file != NULL || inc_dir != NULL || exc_file != NULL || exc_dir != NULL;
    com_filters_t *filters = NULL;
    if (filtered) {
        filters = malloc(sizeof *filters);
        if (filters == NULL)
            return E_OUTOFMEMORY;
        hr = com_filters_read(filters, inc_file, inc_dir, exc_file, exc_dir);
    }
    if (SUCCEEDED(hr))
        hr = com_enum_create(cache, parent_path, (enum_flags & OFFLINEFILES_ENUM_FLAT) != 0,
                             (enum_flags & OFFLINEFILES_ENUM_FLAT_FILESONLY) != 0, query_flags,
                             filters, out);
    free(filters);
    return hr;
}

/* ======================= IEnumOfflineFilesSettings (C16.8) ======================= */

typedef struct com_settings_enum {
    IEnumOfflineFilesSettings IEnumOfflineFilesSettings_iface;
    atomic_ulong ref;
} com_settings_enum_t;

static com_settings_enum_t *impl_from_IEnumOfflineFilesSettings(IEnumOfflineFilesSettings *iface)
{
    return container_of(iface, com_settings_enum_t, IEnumOfflineFilesSettings_iface);
}

static HRESULT STDMETHODCALLTYPE settings_QueryInterface(IEnumOfflineFilesSettings *iface,
                                                         REFIID riid, void **ppv)
{
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (!csc_com_guid_equal(riid, &IID_IUnknown) &&
        !csc_com_guid_equal(riid, &IID_IEnumOfflineFilesSettings))
        return E_NOINTERFACE;
    *ppv = iface;
    atomic_fetch_add(&impl_from_IEnumOfflineFilesSettings(iface)->ref, 1);
    return S_OK;
}

static ULONG STDMETHODCALLTYPE settings_AddRef(IEnumOfflineFilesSettings *iface)
{
    return (ULONG)(atomic_fetch_add(&impl_from_IEnumOfflineFilesSettings(iface)->ref, 1) + 1);
}

static ULONG STDMETHODCALLTYPE settings_Release(IEnumOfflineFilesSettings *iface)
{
    com_settings_enum_t *This = impl_from_IEnumOfflineFilesSettings(iface);
    unsigned long ref = atomic_fetch_sub(&This->ref, 1) - 1;
    if (ref == 0)
        free(This);
    return (ULONG)ref;
}

static HRESULT STDMETHODCALLTYPE settings_Next(IEnumOfflineFilesSettings *iface, ULONG celt,
                                               IOfflineFilesSetting **rgelt, ULONG *fetched)
{
    (void)iface;
    if (rgelt == NULL)
        return E_POINTER;
    if (fetched == NULL && celt > 1)
        return E_INVALIDARG;
    if (fetched != NULL)
        *fetched = 0;
    return celt == 0 ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE settings_Skip(IEnumOfflineFilesSettings *iface, ULONG celt)
{
    (void)iface;
    return celt == 0 ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE settings_Reset(IEnumOfflineFilesSettings *iface)
{
    (void)iface;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE settings_Clone(IEnumOfflineFilesSettings *iface,
                                                IEnumOfflineFilesSettings **out)
{
    (void)iface;
    if (out == NULL)
        return E_POINTER;
    return com_settings_enum_create(out);
}

static const IEnumOfflineFilesSettingsVtbl settings_vtbl = {
    settings_QueryInterface, settings_AddRef, settings_Release, settings_Next,
    settings_Skip,           settings_Reset,  settings_Clone,
};

HRESULT com_settings_enum_create(IEnumOfflineFilesSettings **out)
{
    *out = NULL;
    com_settings_enum_t *e = malloc(sizeof *e);
    if (e == NULL)
        return E_OUTOFMEMORY;
    e->IEnumOfflineFilesSettings_iface.lpVtbl = &settings_vtbl;
    atomic_init(&e->ref, 1);
    *out = &e->IEnumOfflineFilesSettings_iface;
    return S_OK;
}
