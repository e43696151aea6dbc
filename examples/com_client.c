/*
 * examples/com_client.c: a client of the COM face written the way Windows
 * clients of IOfflineFilesCache are: query the feature's status, create the
 * cache object, read its Location, encryption status and disk space, ask
 * whether a path is cacheable, FindItem a file and QueryInterface its
 * IOfflineFilesConnectionInfo for GetConnectState, Synchronize with a
 * conflict handler and a progress sink (COM objects of its own), take the
 * file's scope online, offline, offline again with Force and back, then
 * walk the whole cache as Microsoft's sample does (IOfflineFilesItemContainer,
 * EnumItems, Next, GetPath, GetItemType), and finally Pin and Unpin. Only
 * the servers' and the cache's contents are set up through the C API (in a
 * real machine they are there already). Its output is checked exactly by
 * the tests, and examples/com_client.cpp prints the same.
 */
#include <stdio.h>
#include <stdlib.h>

#include <cscsim.h>
#include <cscsim/cscobj.h>

/* Prints a UTF-16 string (ASCII as is, anything else as \uXXXX). */
static void print_w(LPCWSTR s)
{
    for (; *s != 0; s++) {
        if (*s < 0x80)
            putchar((char)*s);
        else
            printf("\\u%04X", (unsigned)*s);
    }
}

static const char *type_name(OFFLINEFILES_ITEM_TYPE t)
{
    static const char *const names[] = {"file", "directory", "share", "server"};
    return (unsigned)t < 4 ? names[t] : "?";
}

static const char *state_name(OFFLINEFILES_CONNECT_STATE s)
{
    static const char *const names[] = {"unknown", "offline", "online"};
    return (unsigned)s < 3 ? names[s] : "?";
}

static const char *reason_name(OFFLINEFILES_OFFLINE_REASON r)
{
    static const char *const names[] = {"unknown",          "not applicable",
                                        "connection forced", "connection slow",
                                        "connection error",  "item version conflict",
                                        "item suspended"};
    return (unsigned)r < 7 ? names[r] : "?";
}

/* ---- the client's progress object ---- */

typedef struct progress {
    IOfflineFilesSyncProgress IOfflineFilesSyncProgress_iface;
    LONG ref;
} progress_t;

static progress_t *impl_from(IOfflineFilesSyncProgress *iface)
{
    return (progress_t *)iface; /* the interface is the first member */
}

static HRESULT STDMETHODCALLTYPE p_QueryInterface(IOfflineFilesSyncProgress *This, REFIID riid,
                                                  void **ppv)
{
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesProgress) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesSyncProgress)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE p_AddRef(IOfflineFilesSyncProgress *This)
{
    return (ULONG)++impl_from(This)->ref;
}

static ULONG STDMETHODCALLTYPE p_Release(IOfflineFilesSyncProgress *This)
{
    return (ULONG)--impl_from(This)->ref; /* lives on the stack */
}

static HRESULT STDMETHODCALLTYPE p_Begin(IOfflineFilesSyncProgress *This, BOOL *abort)
{
    printf("  Begin (progress object held %ld times)\n", (long)impl_from(This)->ref);
    *abort = FALSE;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE p_QueryAbort(IOfflineFilesSyncProgress *This, BOOL *abort)
{
    (void)This;
    *abort = FALSE;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE p_End(IOfflineFilesSyncProgress *This, HRESULT hr)
{
    (void)This;
    printf("  End 0x%08X\n", (unsigned)hr);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE p_SyncItemBegin(IOfflineFilesSyncProgress *This, LPCWSTR file,
                                                 OFFLINEFILES_OP_RESPONSE *response)
{
    (void)This;
    printf("  SyncItemBegin ");
    print_w(file);
    printf("\n");
    *response = OFFLINEFILES_OP_CONTINUE;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE p_SyncItemResult(IOfflineFilesSyncProgress *This, LPCWSTR file,
                                                  HRESULT hr, IOfflineFilesSyncErrorInfo *info,
                                                  OFFLINEFILES_OP_RESPONSE *response)
{
    (void)This;
    printf("  SyncItemResult ");
    print_w(file);
    printf(" 0x%08X%s\n", (unsigned)hr, info != NULL ? " (error info)" : "");
    *response = OFFLINEFILES_OP_CONTINUE;
    return S_OK;
}

static const IOfflineFilesSyncProgressVtbl progress_vtbl = {
    p_QueryInterface, p_AddRef, p_Release, p_Begin, p_QueryAbort, p_End,
    p_SyncItemBegin,  p_SyncItemResult,
};

/* ---- the client's conflict handler: keeps the latest copy ---- */

typedef struct handler {
    IOfflineFilesSyncConflictHandler IOfflineFilesSyncConflictHandler_iface;
    LONG ref;
    int calls;
} handler_t;

static HRESULT STDMETHODCALLTYPE h_QueryInterface(IOfflineFilesSyncConflictHandler *This,
                                                  REFIID riid, void **ppv)
{
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesSyncConflictHandler)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE h_AddRef(IOfflineFilesSyncConflictHandler *This)
{
    return (ULONG)++((handler_t *)This)->ref;
}

static ULONG STDMETHODCALLTYPE h_Release(IOfflineFilesSyncConflictHandler *This)
{
    return (ULONG)--((handler_t *)This)->ref;
}

static HRESULT STDMETHODCALLTYPE h_ResolveConflict(IOfflineFilesSyncConflictHandler *This,
                                                   LPCWSTR path, DWORD known,
                                                   OFFLINEFILES_SYNC_STATE state, DWORD details,
                                                   OFFLINEFILES_SYNC_CONFLICT_RESOLVE *resolution,
                                                   LPWSTR *new_name)
{
    ((handler_t *)This)->calls++;
    printf("  ResolveConflict ");
    print_w(path);
    printf(" known 0x%lX state %d changes 0x%lX: keep latest\n", (unsigned long)known, (int)state,
           (unsigned long)details);
    *resolution = OFFLINEFILES_SYNC_CONFLICT_RESOLVE_KEEPLATEST;
    *new_name = NULL;
    return S_OK;
}

static const IOfflineFilesSyncConflictHandlerVtbl handler_vtbl = {
    h_QueryInterface, h_AddRef, h_Release, h_ResolveConflict,
};

/* ---- walking the cache as Microsoft's sample does ---- */

static void walk(IOfflineFilesItemContainer *container, int depth)
{
    IEnumOfflineFilesItems *items = NULL;
    if (FAILED(container->lpVtbl->EnumItems(container, 0, &items)))
        return;
    IOfflineFilesItem *item;
    ULONG fetched;
    while (items->lpVtbl->Next(items, 1, &item, &fetched) == S_OK) {
        LPWSTR path = NULL;
        OFFLINEFILES_ITEM_TYPE type;
        if (SUCCEEDED(item->lpVtbl->GetPath(item, &path)) &&
            SUCCEEDED(item->lpVtbl->GetItemType(item, &type))) {
            printf("%*s%s ", depth * 2, "", type_name(type));
            print_w(path);
            printf("\n");
        }
        CoTaskMemFree(path);
        IOfflineFilesItemContainer *child = NULL;
        if (SUCCEEDED(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesItemContainer,
                                                   (void **)&child))) {
            walk(child, depth + 1);
            child->lpVtbl->Release(child);
        }
        item->lpVtbl->Release(item);
    }
    items->lpVtbl->Release(items);
}

static void print_state(IOfflineFilesConnectionInfo *conn)
{
    OFFLINEFILES_CONNECT_STATE state;
    OFFLINEFILES_OFFLINE_REASON reason;
    HRESULT hr = conn->lpVtbl->GetConnectState(conn, &state, &reason);
    printf("GetConnectState: 0x%08X %s (%s)\n", (unsigned)hr, state_name(state), reason_name(reason));
}

int main(void)
{
    /* The servers and the cache's contents, through the C API. */
    csc_cache_t *cache;
    if (FAILED(csc_cache_new(&cache, NULL)))
        return 1;
    csc_cache_file(cache, "\\\\srv\\docs\\report.txt", true, 1200, NULL);
    csc_cache_file(cache, "\\\\srv\\docs\\2026\\plan.txt", true, 300, NULL);
    csc_cache_dir(cache, "\\\\srv\\docs\\empty", NULL);
    csc_remote_set_caching_mode(cache, "\\\\srv\\docs", CSC_CACHING_MODE_AUTO_DOC);
    csc_remote_set_caching_mode(cache, "\\\\srv\\private", CSC_CACHING_MODE_NOCACHING);
    csc_item_t *report;
    if (SUCCEEDED(csc_cache_find(cache, "\\\\srv\\docs\\report.txt", &report)))
        csc_item_modify(cache, report, 64); /* changed offline */
    csc_remote_write(cache, "\\\\srv\\docs\\2026\\plan.txt", true, 350); /* changed on the server */
    csc_remote_write(cache, "\\\\srv\\docs\\report.txt", true, 1300); /* and there too: a conflict */

    /* OfflineFilesQueryStatus(&active, &enabled) */
    bool active = false, enabled = false;
    csc_feature_query_status(cache, &active, &enabled, NULL);
    printf("OfflineFilesQueryStatus: active %d enabled %d\n", active, enabled);

    /* CoCreateInstance(CLSID_OfflineFilesCache, ..., IID_IOfflineFilesCache, ...) */
    IOfflineFilesCache *pCache = NULL;
    HRESULT hr = csc_com_create_instance(cache, &CLSID_OfflineFilesCache, NULL,
                                         &IID_IOfflineFilesCache, (void **)&pCache);
    printf("create instance: 0x%08X\n", (unsigned)hr);
    if (FAILED(hr))
        return 1;

    LPWSTR location = NULL;
    hr = pCache->lpVtbl->GetLocation(pCache, &location);
    printf("GetLocation: 0x%08X ", (unsigned)hr);
    if (location != NULL)
        print_w(location);
    printf("\n");
    CoTaskMemFree(location);

    BOOL encrypted, partial;
    hr = pCache->lpVtbl->GetEncryptionStatus(pCache, &encrypted, &partial);
    printf("GetEncryptionStatus: 0x%08X encrypted %d partial %d\n", (unsigned)hr, encrypted,
           partial);

    ULONGLONG total, limit, used, unpinned_limit, unpinned_used;
    hr = pCache->lpVtbl->GetDiskSpaceInformation(pCache, &total, &limit, &used, &unpinned_limit,
                                                 &unpinned_used);
    printf("GetDiskSpaceInformation: 0x%08X used %llu unpinned used %llu\n", (unsigned)hr,
           (unsigned long long)used, (unsigned long long)unpinned_used);

    LPCWSTR candidates[] = {u"\\\\srv\\docs\\new.txt", u"\\\\srv\\private\\x.txt",
                            u"\\\\nowhere\\share"};
    for (int i = 0; i < 3; i++) {
        BOOL cacheable;
        OFFLINEFILES_CACHING_MODE mode;
        hr = pCache->lpVtbl->IsPathCacheable(pCache, candidates[i], &cacheable, &mode);
        printf("IsPathCacheable ");
        print_w(candidates[i]);
        printf(": 0x%08X cacheable %d mode %d\n", (unsigned)hr, cacheable, (int)mode);
    }

    /* FindItem, then the item's connection information. */
    IOfflineFilesItem *item = NULL;
    IOfflineFilesConnectionInfo *conn = NULL;
    hr = pCache->lpVtbl->FindItem(pCache, u"\\\\srv\\docs\\report.txt", 0, &item);
    printf("FindItem \\\\srv\\docs\\report.txt: 0x%08X\n", (unsigned)hr);
    if (FAILED(hr))
        return 1;
    hr = item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesConnectionInfo, (void **)&conn);
    printf("QueryInterface IOfflineFilesConnectionInfo: 0x%08X\n", (unsigned)hr);
    if (FAILED(hr))
        return 1;
    print_state(conn);
    IOfflineFilesDirtyInfo *dirty = NULL;
    if (SUCCEEDED(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesDirtyInfo,
                                               (void **)&dirty))) {
        LARGE_INTEGER n;
        dirty->lpVtbl->LocalDirtyByteCount(dirty, &n);
        printf("LocalDirtyByteCount: %lld\n", (long long)n.QuadPart);
        dirty->lpVtbl->Release(dirty);
    }
    IOfflineFilesItem *missing = NULL;
    hr = pCache->lpVtbl->FindItem(pCache, u"\\\\srv\\docs\\nothing.txt", 0, &missing);
    printf("FindItem \\\\srv\\docs\\nothing.txt: 0x%08X (%s)\n", (unsigned)hr,
           missing == NULL ? "no item" : "item");

    /* Synchronize with a conflict handler and a progress object. */
    progress_t progress = {{&progress_vtbl}, 1};
    handler_t handler = {{&handler_vtbl}, 1, 0};
    LPCWSTR share[] = {u"\\\\srv\\docs"};
    GUID sync_id = {0x12345678, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}};
    printf("Synchronize \\\\srv\\docs in and out:\n");
    hr = pCache->lpVtbl->Synchronize(pCache, NULL, share, 1, FALSE,
                                     OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCIN |
                                         OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCOUT,
                                     &handler.IOfflineFilesSyncConflictHandler_iface,
                                     &progress.IOfflineFilesSyncProgress_iface, &sync_id);
    printf("Synchronize: 0x%08X (conflicts resolved: %d)\n", (unsigned)hr, handler.calls);
    item->lpVtbl->Refresh(item, 0);
    if (SUCCEEDED(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesDirtyInfo,
                                               (void **)&dirty))) {
        LARGE_INTEGER n;
        dirty->lpVtbl->LocalDirtyByteCount(dirty, &n);
        printf("LocalDirtyByteCount after Refresh: %lld\n", (long long)n.QuadPart);
        dirty->lpVtbl->Release(dirty);
    }

    /* The scope's transitions, through the item's connection information. */
    hr = conn->lpVtbl->TransitionOnline(conn, NULL, 0);
    printf("TransitionOnline: 0x%08X\n", (unsigned)hr);
    BOOL open_files = TRUE;
    hr = conn->lpVtbl->TransitionOffline(conn, NULL, 0, FALSE, &open_files);
    printf("TransitionOffline: 0x%08X open files %d\n", (unsigned)hr, open_files);
    print_state(conn);
    open_files = TRUE;
    hr = conn->lpVtbl->TransitionOffline(conn, NULL, 0, TRUE, &open_files);
    printf("TransitionOffline with Force: 0x%08X open files %d\n", (unsigned)hr, open_files);
    hr = conn->lpVtbl->TransitionOnline(conn, NULL, 0);
    printf("TransitionOnline: 0x%08X\n", (unsigned)hr);
    print_state(conn);
    conn->lpVtbl->Release(conn);

    /* The whole cache, from its IOfflineFilesItemContainer. */
    IOfflineFilesItemContainer *root = NULL;
    hr = pCache->lpVtbl->QueryInterface(pCache, &IID_IOfflineFilesItemContainer, (void **)&root);
    printf("EnumItems walk: 0x%08X\n", (unsigned)hr);
    if (SUCCEEDED(hr)) {
        walk(root, 1);
        root->lpVtbl->Release(root);
    }

    /* Pin and Unpin with the same progress object. */
    printf("Pin \\\\srv\\docs\\2026 deep, for user:\n");
    LPCWSTR dir[] = {u"\\\\srv\\docs\\2026"};
    hr = pCache->lpVtbl->Pin(pCache, NULL, dir, 1, TRUE, FALSE,
                             OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                             &progress.IOfflineFilesSyncProgress_iface);
    printf("Pin: 0x%08X\n", (unsigned)hr);
    IOfflineFilesPinInfo *pin = NULL;
    if (SUCCEEDED(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesPinInfo, (void **)&pin))) {
        BOOL pinned, inherit;
        pin->lpVtbl->IsPinnedForUser(pin, &pinned, &inherit);
        printf("report.txt pinned for user: %s\n", pinned ? "yes" : "no");
        pin->lpVtbl->Release(pin);
    }
    printf("Unpin \\\\srv\\docs\\2026 deep, for user:\n");
    hr = pCache->lpVtbl->Unpin(pCache, NULL, dir, 1, TRUE, FALSE,
                               OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                               &progress.IOfflineFilesSyncProgress_iface);
    printf("Unpin: 0x%08X\n", (unsigned)hr);
    item->lpVtbl->Release(item);

    printf("references at the end: progress %ld, conflict handler %ld\n", (long)progress.ref,
           (long)handler.ref);
    pCache->lpVtbl->Release(pCache);
    csc_cache_free(cache);
    return 0;
}
