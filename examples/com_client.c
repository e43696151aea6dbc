/*
 * examples/com_client.c: a client of the COM face written the way Windows
 * clients use IOfflineFilesCache: create the cache object, read the disk
 * space, find a share and walk it through IOfflineFilesItemContainer /
 * IEnumOfflineFilesItems (as Microsoft's sample does), then Pin and Unpin
 * with a progress object of its own implementing IOfflineFilesSyncProgress.
 * Only the cache's contents are set up through the C API (there is no
 * server to cache from yet). Its output is checked exactly by the tests.
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
    (void)This, (void)info;
    printf("  SyncItemResult ");
    print_w(file);
    printf(" 0x%08X\n", (unsigned)hr);
    *response = OFFLINEFILES_OP_CONTINUE;
    return S_OK;
}

static const IOfflineFilesSyncProgressVtbl progress_vtbl = {
    p_QueryInterface, p_AddRef, p_Release, p_Begin, p_QueryAbort, p_End,
    p_SyncItemBegin,  p_SyncItemResult,
};

/* ---- walking the cache as Microsoft's sample does ---- */

static void walk(IOfflineFilesItem *item, int depth)
{
    LPWSTR path = NULL;
    OFFLINEFILES_ITEM_TYPE type;
    if (SUCCEEDED(item->lpVtbl->GetPath(item, &path)) &&
        SUCCEEDED(item->lpVtbl->GetItemType(item, &type))) {
        printf("%*s%s ", depth * 2, "", type_name(type));
        print_w(path);
        printf("\n");
    }
    CoTaskMemFree(path);

    IOfflineFilesItemContainer *container = NULL;
    if (FAILED(item->lpVtbl->QueryInterface(item, &IID_IOfflineFilesItemContainer,
                                            (void **)&container)))
        return; /* a file */
    IEnumOfflineFilesItems *items = NULL;
    if (SUCCEEDED(container->lpVtbl->EnumItems(container, 0, &items))) {
        IOfflineFilesItem *child;
        ULONG fetched;
        while (items->lpVtbl->Next(items, 1, &child, &fetched) == S_OK) {
            walk(child, depth + 1);
            child->lpVtbl->Release(child);
        }
        items->lpVtbl->Release(items);
    }
    container->lpVtbl->Release(container);
}

int main(void)
{
    /* The cache's contents, through the C API. */
    csc_cache_t *cache;
    if (FAILED(csc_cache_new(&cache, NULL)))
        return 1;
    csc_cache_file(cache, "\\\\srv\\docs\\report.txt", true, 1200, NULL);
    csc_cache_file(cache, "\\\\srv\\docs\\2026\\plan.txt", true, 300, NULL);
    csc_cache_dir(cache, "\\\\srv\\docs\\empty", NULL);

    /* CoCreateInstance(CLSID_OfflineFilesCache, ..., IID_IOfflineFilesCache, ...) */
    IOfflineFilesCache *pCache = NULL;
    HRESULT hr = csc_com_create_instance(cache, &CLSID_OfflineFilesCache, NULL,
                                         &IID_IOfflineFilesCache, (void **)&pCache);
    printf("create instance: 0x%08X\n", (unsigned)hr);
    if (FAILED(hr))
        return 1;

    ULONGLONG total, limit, used, unpinned_limit, unpinned_used;
    hr = pCache->lpVtbl->GetDiskSpaceInformation(pCache, &total, &limit, &used, &unpinned_limit,
                                                 &unpinned_used);
    printf("GetDiskSpaceInformation: 0x%08X used %llu unpinned used %llu\n", (unsigned)hr,
           (unsigned long long)used, (unsigned long long)unpinned_used);

    IOfflineFilesItem *share = NULL;
    hr = pCache->lpVtbl->FindItem(pCache, u"\\\\srv\\docs", 0, &share);
    printf("FindItem \\\\srv\\docs: 0x%08X\n", (unsigned)hr);
    if (SUCCEEDED(hr)) {
        walk(share, 1);
        share->lpVtbl->Release(share);
    }
    IOfflineFilesItem *missing = NULL;
    hr = pCache->lpVtbl->FindItem(pCache, u"\\\\srv\\docs\\nothing.txt", 0, &missing);
    printf("FindItem \\\\srv\\docs\\nothing.txt: 0x%08X (%s)\n", (unsigned)hr,
           missing == NULL ? "no item" : "item");

    progress_t progress = {{&progress_vtbl}, 1};
    LPCWSTR paths[] = {u"\\\\srv\\docs"};
    printf("Pin \\\\srv\\docs deep, for user:\n");
    hr = pCache->lpVtbl->Pin(pCache, NULL, paths, 1, TRUE, FALSE,
                             OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                             &progress.IOfflineFilesSyncProgress_iface);
    printf("Pin: 0x%08X\n", (unsigned)hr);

    IOfflineFilesItem *report = NULL;
    IOfflineFilesPinInfo *pin = NULL;
    if (SUCCEEDED(pCache->lpVtbl->FindItem(pCache, u"\\\\srv\\docs\\report.txt", 0, &report)) &&
        SUCCEEDED(report->lpVtbl->QueryInterface(report, &IID_IOfflineFilesPinInfo,
                                                 (void **)&pin))) {
        BOOL pinned, inherit;
        pin->lpVtbl->IsPinnedForUser(pin, &pinned, &inherit);
        printf("report.txt pinned for user: %s\n", pinned ? "yes" : "no");
        pin->lpVtbl->Release(pin);
    }

    LPCWSTR one[] = {u"\\\\srv\\docs\\report.txt"};
    printf("Unpin \\\\srv\\docs\\report.txt, for user:\n");
    hr = pCache->lpVtbl->Unpin(pCache, NULL, one, 1, FALSE, FALSE,
                               OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                               &progress.IOfflineFilesSyncProgress_iface);
    printf("Unpin: 0x%08X\n", (unsigned)hr);
    if (report != NULL) {
        IOfflineFilesPinInfo2 *pin2 = NULL;
        report->lpVtbl->Refresh(report, 0);
        if (SUCCEEDED(report->lpVtbl->QueryInterface(report, &IID_IOfflineFilesPinInfo2,
                                                     (void **)&pin2))) {
            BOOL pinned;
            pin2->lpVtbl->IsPinned(pin2, &pinned);
            printf("report.txt pinned after Refresh: %s\n", pinned ? "yes" : "no");
            pin2->lpVtbl->Release(pin2);
        }
        report->lpVtbl->Release(report);
    }

    printf("progress object references at the end: %ld\n", (long)progress.ref);
    pCache->lpVtbl->Release(pCache);
    csc_cache_free(cache);
    return 0;
}
