/*
 * com/item_object.c: item objects and enumerators of the COM face (C16.1,
 * C16.2). An item object is a snapshot of one cached item taken when it is
 * made (type, path, pin sources and inherit bits, partly pinned, dirty
 * state); Refresh re-reads it and gives 0x80070002 once the item has left
 * the cache. It implements IOfflineFilesItem and the interface of its type
 * (one vtable: IOfflineFilesFileItem extends IOfflineFilesItem, and the
 * server, share and directory interfaces add nothing), plus what applies:
 * IOfflineFilesItemContainer (servers, shares, directories), PinInfo and
 * PinInfo2, ChangeInfo and SuspendInfo (shares, directories, files),
 * IOfflineFilesSuspend (shares, directories), DirtyInfo (files).
 * ConnectionInfo, FileSysInfo and ShareInfo need the remote side (issue 13)
 * and give E_NOINTERFACE for now, as GhostInfo and TransparentCacheInfo
 * always do. IEnumOfflineFilesItems holds the item
 * objects it lists, made when it is made; the settings enumerator is empty
 * (C16.8).
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
    atomic_ulong ref;
    csc_cache_t *cache;
    csc_item_type_t type;
    char *path; /* WTF-8, the item's display path */
    pthread_mutex_t lock; /* guards the snapshot below against Refresh */
    uint32_t pins, inherit;
    bool partly, dirty, encrypted, suspended, suspended_root;
    uint64_t dirty_bytes;
} com_item_t;

static com_item_t *impl_from_IOfflineFilesFileItem(IOfflineFilesFileItem *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesItem_iface);
}
static com_item_t *impl_from_IOfflineFilesItemContainer(IOfflineFilesItemContainer *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesItemContainer_iface);
}
static com_item_t *impl_from_IOfflineFilesPinInfo2(IOfflineFilesPinInfo2 *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesPinInfo2_iface);
}
static com_item_t *impl_from_IOfflineFilesDirtyInfo(IOfflineFilesDirtyInfo *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesDirtyInfo_iface);
}
static com_item_t *impl_from_IOfflineFilesChangeInfo(IOfflineFilesChangeInfo *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesChangeInfo_iface);
}
static com_item_t *impl_from_IOfflineFilesSuspend(IOfflineFilesSuspend *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesSuspend_iface);
}
static com_item_t *impl_from_IOfflineFilesSuspendInfo(IOfflineFilesSuspendInfo *iface)
{
    return container_of(iface, com_item_t, IOfflineFilesSuspendInfo_iface);
}

static void read_state(com_item_t *This, const csc_item_t *item)
{
    pthread_mutex_lock(&This->lock);
    This->pins = csc_item_pins(item);
    This->inherit = csc_item_inherit(item);
    This->partly = csc_item_is_partly_pinned(item);
    This->dirty = csc_item_is_dirty(item);
    This->dirty_bytes = csc_item_dirty_bytes(item);
    This->encrypted = csc_item_is_encrypted(item);
    This->suspended = csc_item_is_suspended(item);
    This->suspended_root = csc_item_is_suspended_root(item);
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
        hr = com_item_create(This->cache, csc_item_parent(item), out);
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
        read_state(This, item);
    com_read_unlock(This->cache, locked);
    return hr; /* 0x80070002 once the item has left the cache (C16.2) */
}

static HRESULT STDMETHODCALLTYPE item_IsMarkedForDeletion(IOfflineFilesFileItem *iface,
                                                          BOOL *marked)
{
    (void)iface;
    if (marked == NULL)
        return E_POINTER;
    *marked = FALSE; /* offline deletion needs the remote side (issue 13) */
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE item_IsSparse(IOfflineFilesFileItem *iface, BOOL *sparse)
{
    (void)iface;
    if (sparse == NULL)
        return E_POINTER;
    *sparse = FALSE; /* every cached file is complete in the local model */
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE item_IsEncrypted(IOfflineFilesFileItem *iface, BOOL *encrypted)
{
    com_item_t *This = impl_from_IOfflineFilesFileItem(iface);
    if (encrypted == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    *encrypted = This->encrypted; /* C13.4 */
    pthread_mutex_unlock(&This->lock);
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
    com_item_t *This = impl_from_IOfflineFilesPinInfo2(iface);
    if (pinned == NULL || inherit == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    *pinned = (This->pins & source) != 0;
    *inherit = (This->inherit & source) != 0;
    pthread_mutex_unlock(&This->lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE pin_IsPinned(IOfflineFilesPinInfo2 *iface, BOOL *pinned)
{
    com_item_t *This = impl_from_IOfflineFilesPinInfo2(iface);
    if (pinned == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    *pinned = This->pins != 0;
    pthread_mutex_unlock(&This->lock);
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
    com_item_t *This = impl_from_IOfflineFilesPinInfo2(iface);
    if (partly == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    *partly = This->partly;
    pthread_mutex_unlock(&This->lock);
    return S_OK;
}

static const IOfflineFilesPinInfo2Vtbl pin_vtbl = {
    pin_QueryInterface,      pin_AddRef,
    pin_Release,             pin_IsPinned,
    pin_IsPinnedForUser,     pin_IsPinnedForUserByPolicy,
    pin_IsPinnedForComputer, pin_IsPinnedForFolderRedirection,
    pin_IsPartlyPinned,
};

/* ---- IOfflineFilesDirtyInfo (files; the local part, C5.1) ---- */

static HRESULT STDMETHODCALLTYPE dirty_LocalDirtyByteCount(IOfflineFilesDirtyInfo *iface,
                                                           LARGE_INTEGER *count)
{
    com_item_t *This = impl_from_IOfflineFilesDirtyInfo(iface);
    if (count == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    /* LARGE_INTEGER is signed: a count beyond 2^63 - 1 is shown as that. */
    count->QuadPart = This->dirty_bytes > (uint64_t)INT64_MAX ? INT64_MAX
                                                               : (LONGLONG)This->dirty_bytes;
    pthread_mutex_unlock(&This->lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE dirty_RemoteDirtyByteCount(IOfflineFilesDirtyInfo *iface,
                                                            LARGE_INTEGER *count)
{
    (void)iface;
    if (count == NULL)
        return E_POINTER;
    count->QuadPart = 0; /* "reserved for future use" in Windows */
    return S_OK;
}

static const IOfflineFilesDirtyInfoVtbl dirty_vtbl = {
    dirty_QueryInterface,      dirty_AddRef, dirty_Release, dirty_LocalDirtyByteCount,
    dirty_RemoteDirtyByteCount,
};

/* ---- IOfflineFilesChangeInfo (the local part: dirty data, C5.1) ---- */

static HRESULT change_flag(IOfflineFilesChangeInfo *iface, BOOL *out, bool which_dirty)
{
    com_item_t *This = impl_from_IOfflineFilesChangeInfo(iface);
    if (out == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    *out = which_dirty && This->dirty;
    pthread_mutex_unlock(&This->lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE change_IsDirty(IOfflineFilesChangeInfo *iface, BOOL *out)
{
    return change_flag(iface, out, true);
}
/* Offline creation and deletion need the remote side (issue 13). */
static HRESULT STDMETHODCALLTYPE change_IsDeletedOffline(IOfflineFilesChangeInfo *iface, BOOL *out)
{
    return change_flag(iface, out, false);
}
static HRESULT STDMETHODCALLTYPE change_IsCreatedOffline(IOfflineFilesChangeInfo *iface, BOOL *out)
{
    return change_flag(iface, out, false);
}
static HRESULT STDMETHODCALLTYPE change_IsLocallyModifiedData(IOfflineFilesChangeInfo *iface,
                                                              BOOL *out)
{
    return change_flag(iface, out, true);
}
static HRESULT STDMETHODCALLTYPE change_IsLocallyModifiedAttributes(IOfflineFilesChangeInfo *iface,
                                                                    BOOL *out)
{
    return change_flag(iface, out, false);
}
static HRESULT STDMETHODCALLTYPE change_IsLocallyModifiedTime(IOfflineFilesChangeInfo *iface,
                                                              BOOL *out)
{
    return change_flag(iface, out, false);
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
    com_item_t *This = impl_from_IOfflineFilesSuspendInfo(iface);
    if (suspended == NULL || root == NULL)
        return E_POINTER;
    pthread_mutex_lock(&This->lock);
    *suspended = This->suspended;
    *root = This->suspended_root;
    pthread_mutex_unlock(&This->lock);
    return S_OK;
}

static const IOfflineFilesSuspendInfoVtbl suspinfo_vtbl = {
    suspinfo_QueryInterface, suspinfo_AddRef, suspinfo_Release, suspinfo_IsSuspended,
};

HRESULT com_item_create(csc_cache_t *cache, const csc_item_t *item, IOfflineFilesItem **out)
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
    atomic_init(&obj->ref, 1);
    obj->cache = cache;
    obj->type = csc_item_type(item);
    pthread_mutex_init(&obj->lock, NULL);
    read_state(obj, item);
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

/* Appends a snapshot of `item` to the growing array. */
static HRESULT push(csc_cache_t *cache, const csc_item_t *item, IOfflineFilesItem ***items,
                    ULONG *count, ULONG *cap)
{
    if (*count == *cap) {
        ULONG ncap = *cap == 0 ? 8 : *cap * 2;
        IOfflineFilesItem **n = realloc(*items, ncap * sizeof *n);
        if (n == NULL)
            return E_OUTOFMEMORY;
        *items = n;
        *cap = ncap;
    }
    HRESULT hr = com_item_create(cache, item, &(*items)[*count]);
    if (SUCCEEDED(hr))
        (*count)++;
    return hr;
}

HRESULT com_enum_create(csc_cache_t *cache, const char *parent_path, bool flat, bool files_only,
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
                hr = push(cache, i, &items, &count, &cap);
    } else if (SUCCEEDED(hr)) {
        csc_item_t *i = parent != NULL ? csc_item_first_child(parent) : csc_cache_first_server(cache);
        for (; SUCCEEDED(hr) && i != NULL; i = csc_item_next_sibling(i))
            hr = push(cache, i, &items, &count, &cap);
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
    /* Filters (C16.4) need the item state bits of issue 13: not yet. */
    if (inc_file != NULL || inc_dir != NULL || exc_file != NULL || exc_dir != NULL)
        return E_NOTIMPL;
    return com_enum_create(cache, parent_path, (enum_flags & OFFLINEFILES_ENUM_FLAT) != 0,
                           (enum_flags & OFFLINEFILES_ENUM_FLAT_FILESONLY) != 0, out);
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
