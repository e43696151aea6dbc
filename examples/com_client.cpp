/*
 * examples/com_client.cpp: the C client's walk in C++, the way Windows C++
 * clients use IOfflineFilesCache: method calls on interface pointers
 * (p->FindItem(...)), a progress class of its own deriving from
 * IOfflineFilesSyncProgress, and a small smart-pointer-free Release
 * discipline. Built with g++; the C structs of cscsim/cscobj.h and the
 * C++ ones share one vtable layout (Itanium ABI), so these virtual calls
 * land in the C implementation. Its output is checked exactly by the tests.
 */
#include <cstdio>

#include <cscsim.h>
#include <cscsim/cscobj.h>

static void print_w(LPCWSTR s)
{
    for (; *s != 0; s++) {
        if (*s < 0x80)
            std::putchar(static_cast<char>(*s));
        else
            std::printf("\\u%04X", static_cast<unsigned>(*s));
    }
}

static const char *type_name(OFFLINEFILES_ITEM_TYPE t)
{
    static const char *const names[] = {"file", "directory", "share", "server"};
    return static_cast<unsigned>(t) < 4 ? names[t] : "?";
}

class Progress final : public IOfflineFilesSyncProgress {
public:
    long ref = 1;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override
    {
        if (csc_com_guid_equal(&riid, &IID_IUnknown) ||
            csc_com_guid_equal(&riid, &IID_IOfflineFilesProgress) ||
            csc_com_guid_equal(&riid, &IID_IOfflineFilesSyncProgress)) {
            *ppv = static_cast<IOfflineFilesSyncProgress *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return static_cast<ULONG>(++ref); }
    ULONG STDMETHODCALLTYPE Release() override { return static_cast<ULONG>(--ref); }
    HRESULT STDMETHODCALLTYPE Begin(BOOL *abort) override
    {
        std::printf("  Begin (progress object held %ld times)\n", ref);
        *abort = FALSE;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE QueryAbort(BOOL *abort) override
    {
        *abort = FALSE;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE End(HRESULT hr) override
    {
        std::printf("  End 0x%08X\n", static_cast<unsigned>(hr));
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE SyncItemBegin(LPCWSTR file, OFFLINEFILES_OP_RESPONSE *r) override
    {
        std::printf("  SyncItemBegin ");
        print_w(file);
        std::printf("\n");
        *r = OFFLINEFILES_OP_CONTINUE;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE SyncItemResult(LPCWSTR file, HRESULT hr, IOfflineFilesSyncErrorInfo *,
                                             OFFLINEFILES_OP_RESPONSE *r) override
    {
        std::printf("  SyncItemResult ");
        print_w(file);
        std::printf(" 0x%08X\n", static_cast<unsigned>(hr));
        *r = OFFLINEFILES_OP_CONTINUE;
        return S_OK;
    }
};

static void walk(IOfflineFilesItem *item, int depth)
{
    LPWSTR path = nullptr;
    OFFLINEFILES_ITEM_TYPE type;
    if (SUCCEEDED(item->GetPath(&path)) && SUCCEEDED(item->GetItemType(&type))) {
        std::printf("%*s%s ", depth * 2, "", type_name(type));
        print_w(path);
        std::printf("\n");
    }
    CoTaskMemFree(path);

    IOfflineFilesItemContainer *container = nullptr;
    if (FAILED(item->QueryInterface(IID_IOfflineFilesItemContainer,
                                    reinterpret_cast<void **>(&container))))
        return;
    IEnumOfflineFilesItems *items = nullptr;
    if (SUCCEEDED(container->EnumItems(0, &items))) {
        IOfflineFilesItem *child;
        ULONG fetched;
        while (items->Next(1, &child, &fetched) == S_OK) {
            walk(child, depth + 1);
            child->Release();
        }
        items->Release();
    }
    container->Release();
}

int main()
{
    csc_cache_t *cache;
    if (FAILED(csc_cache_new(&cache, nullptr)))
        return 1;
    csc_cache_file(cache, "\\\\srv\\docs\\report.txt", true, 1200, nullptr);
    csc_cache_file(cache, "\\\\srv\\docs\\2026\\plan.txt", true, 300, nullptr);
    csc_cache_dir(cache, "\\\\srv\\docs\\empty", nullptr);

    IOfflineFilesCache *pCache = nullptr;
    HRESULT hr = csc_com_create_instance(cache, CLSID_OfflineFilesCache, nullptr,
                                         IID_IOfflineFilesCache,
                                         reinterpret_cast<void **>(&pCache));
    std::printf("create instance: 0x%08X\n", static_cast<unsigned>(hr));
    if (FAILED(hr))
        return 1;

    ULONGLONG total, limit, used, unpinned_limit, unpinned_used;
    hr = pCache->GetDiskSpaceInformation(&total, &limit, &used, &unpinned_limit, &unpinned_used);
    std::printf("GetDiskSpaceInformation: 0x%08X used %llu unpinned used %llu\n",
                static_cast<unsigned>(hr), static_cast<unsigned long long>(used),
                static_cast<unsigned long long>(unpinned_used));

    IOfflineFilesItem *share = nullptr;
    hr = pCache->FindItem(u"\\\\srv\\docs", 0, &share);
    std::printf("FindItem \\\\srv\\docs: 0x%08X\n", static_cast<unsigned>(hr));
    if (SUCCEEDED(hr)) {
        walk(share, 1);
        share->Release();
    }
    IOfflineFilesItem *missing = nullptr;
    hr = pCache->FindItem(u"\\\\srv\\docs\\nothing.txt", 0, &missing);
    std::printf("FindItem \\\\srv\\docs\\nothing.txt: 0x%08X (%s)\n", static_cast<unsigned>(hr),
                missing == nullptr ? "no item" : "item");

    Progress progress;
    LPCWSTR paths[] = {u"\\\\srv\\docs"};
    std::printf("Pin \\\\srv\\docs deep, for user:\n");
    hr = pCache->Pin(nullptr, paths, 1, TRUE, FALSE, OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                     &progress);
    std::printf("Pin: 0x%08X\n", static_cast<unsigned>(hr));

    IOfflineFilesItem *report = nullptr;
    IOfflineFilesPinInfo *pin = nullptr;
    if (SUCCEEDED(pCache->FindItem(u"\\\\srv\\docs\\report.txt", 0, &report)) &&
        SUCCEEDED(report->QueryInterface(IID_IOfflineFilesPinInfo,
                                         reinterpret_cast<void **>(&pin)))) {
        BOOL pinned, inherit;
        pin->IsPinnedForUser(&pinned, &inherit);
        std::printf("report.txt pinned for user: %s\n", pinned ? "yes" : "no");
        pin->Release();
    }

    LPCWSTR one[] = {u"\\\\srv\\docs\\report.txt"};
    std::printf("Unpin \\\\srv\\docs\\report.txt, for user:\n");
    hr = pCache->Unpin(nullptr, one, 1, FALSE, FALSE, OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                       &progress);
    std::printf("Unpin: 0x%08X\n", static_cast<unsigned>(hr));
    if (report != nullptr) {
        IOfflineFilesPinInfo2 *pin2 = nullptr;
        report->Refresh(0);
        if (SUCCEEDED(report->QueryInterface(IID_IOfflineFilesPinInfo2,
                                             reinterpret_cast<void **>(&pin2)))) {
            BOOL pinned;
            pin2->IsPinned(&pinned);
            std::printf("report.txt pinned after Refresh: %s\n", pinned ? "yes" : "no");
            pin2->Release();
        }
        report->Release();
    }

    std::printf("progress object references at the end: %ld\n", progress.ref);
    pCache->Release();
    csc_cache_free(cache);
    return 0;
}
