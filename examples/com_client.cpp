/*
 * examples/com_client.cpp: the C client's sequence in C++, the way Windows
 * C++ clients use IOfflineFilesCache: method calls on interface pointers
 * (p->FindItem(...)), a progress class and a conflict-handler class of its
 * own deriving from IOfflineFilesSyncProgress and
 * IOfflineFilesSyncConflictHandler, and a plain Release discipline. Built
 * with g++; the C structs of cscsim/cscobj.h and the C++ ones share one
 * vtable layout (Itanium ABI), so these virtual calls land in the C
 * implementation. Its output is checked exactly by the tests: the same as
 * examples/com_client.c's.
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

static const char *state_name(OFFLINEFILES_CONNECT_STATE s)
{
    static const char *const names[] = {"unknown", "offline", "online"};
    return static_cast<unsigned>(s) < 3 ? names[s] : "?";
}

static const char *reason_name(OFFLINEFILES_OFFLINE_REASON r)
{
    static const char *const names[] = {"unknown",          "not applicable",
                                        "connection forced", "connection slow",
                                        "connection error",  "item version conflict",
                                        "item suspended"};
    return static_cast<unsigned>(r) < 7 ? names[r] : "?";
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
    HRESULT STDMETHODCALLTYPE SyncItemResult(LPCWSTR file, HRESULT hr,
                                             IOfflineFilesSyncErrorInfo *info,
                                             OFFLINEFILES_OP_RESPONSE *r) override
    {
        std::printf("  SyncItemResult ");
        print_w(file);
        std::printf(" 0x%08X%s\n", static_cast<unsigned>(hr),
                    info != nullptr ? " (error info)" : "");
        *r = OFFLINEFILES_OP_CONTINUE;
        return S_OK;
    }
};

/* Keeps the latest copy of a file in conflict. */
class Handler final : public IOfflineFilesSyncConflictHandler {
public:
    long ref = 1;
    int calls = 0;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override
    {
        if (csc_com_guid_equal(&riid, &IID_IUnknown) ||
            csc_com_guid_equal(&riid, &IID_IOfflineFilesSyncConflictHandler)) {
            *ppv = static_cast<IOfflineFilesSyncConflictHandler *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return static_cast<ULONG>(++ref); }
    ULONG STDMETHODCALLTYPE Release() override { return static_cast<ULONG>(--ref); }
    HRESULT STDMETHODCALLTYPE ResolveConflict(LPCWSTR path, DWORD known,
                                              OFFLINEFILES_SYNC_STATE state, DWORD details,
                                              OFFLINEFILES_SYNC_CONFLICT_RESOLVE *resolution,
                                              LPWSTR *new_name) override
    {
        calls++;
        std::printf("  ResolveConflict ");
        print_w(path);
        std::printf(" known 0x%lX state %d changes 0x%lX: keep latest\n",
                    static_cast<unsigned long>(known), static_cast<int>(state),
                    static_cast<unsigned long>(details));
        *resolution = OFFLINEFILES_SYNC_CONFLICT_RESOLVE_KEEPLATEST;
        *new_name = nullptr;
        return S_OK;
    }
};

static void walk(IOfflineFilesItemContainer *container, int depth)
{
    IEnumOfflineFilesItems *items = nullptr;
    if (FAILED(container->EnumItems(0, &items)))
        return;
    IOfflineFilesItem *item;
    ULONG fetched;
    while (items->Next(1, &item, &fetched) == S_OK) {
        LPWSTR path = nullptr;
        OFFLINEFILES_ITEM_TYPE type;
        if (SUCCEEDED(item->GetPath(&path)) && SUCCEEDED(item->GetItemType(&type))) {
            std::printf("%*s%s ", depth * 2, "", type_name(type));
            print_w(path);
            std::printf("\n");
        }
        CoTaskMemFree(path);
        IOfflineFilesItemContainer *child = nullptr;
        if (SUCCEEDED(item->QueryInterface(IID_IOfflineFilesItemContainer,
                                           reinterpret_cast<void **>(&child)))) {
            walk(child, depth + 1);
            child->Release();
        }
        item->Release();
    }
    items->Release();
}

static void print_state(IOfflineFilesConnectionInfo *conn)
{
    OFFLINEFILES_CONNECT_STATE state;
    OFFLINEFILES_OFFLINE_REASON reason;
    HRESULT hr = conn->GetConnectState(&state, &reason);
    std::printf("GetConnectState: 0x%08X %s (%s)\n", static_cast<unsigned>(hr), state_name(state),
                reason_name(reason));
}

static void print_dirty(IOfflineFilesItem *item, const char *label)
{
    IOfflineFilesDirtyInfo *dirty = nullptr;
    if (SUCCEEDED(item->QueryInterface(IID_IOfflineFilesDirtyInfo,
                                       reinterpret_cast<void **>(&dirty)))) {
        LARGE_INTEGER n;
        dirty->LocalDirtyByteCount(&n);
        std::printf("%s: %lld\n", label, static_cast<long long>(n.QuadPart));
        dirty->Release();
    }
}

int main()
{
    /* The servers and the cache's contents, through the C API. */
    csc_cache_t *cache;
    if (FAILED(csc_cache_new(&cache, nullptr)))
        return 1;
    csc_cache_file(cache, "\\\\srv\\docs\\report.txt", true, 1200, nullptr);
    csc_cache_file(cache, "\\\\srv\\docs\\2026\\plan.txt", true, 300, nullptr);
    csc_cache_dir(cache, "\\\\srv\\docs\\empty", nullptr);
    csc_remote_set_caching_mode(cache, "\\\\srv\\docs", CSC_CACHING_MODE_AUTO_DOC);
    csc_remote_set_caching_mode(cache, "\\\\srv\\private", CSC_CACHING_MODE_NOCACHING);
    csc_item_t *report;
    if (SUCCEEDED(csc_cache_find(cache, "\\\\srv\\docs\\report.txt", &report)))
        csc_item_modify(cache, report, 64); /* changed offline */
    csc_remote_write(cache, "\\\\srv\\docs\\2026\\plan.txt", true, 350); /* changed on the server */
    csc_remote_write(cache, "\\\\srv\\docs\\report.txt", true, 1300); /* and there too: a conflict */

    bool active = false, enabled = false;
    csc_feature_query_status(cache, &active, &enabled, nullptr);
    std::printf("OfflineFilesQueryStatus: active %d enabled %d\n", active, enabled);

    IOfflineFilesCache *pCache = nullptr;
    HRESULT hr = csc_com_create_instance(cache, CLSID_OfflineFilesCache, nullptr,
                                         IID_IOfflineFilesCache,
                                         reinterpret_cast<void **>(&pCache));
    std::printf("create instance: 0x%08X\n", static_cast<unsigned>(hr));
    if (FAILED(hr))
        return 1;

    LPWSTR location = nullptr;
    hr = pCache->GetLocation(&location);
    std::printf("GetLocation: 0x%08X ", static_cast<unsigned>(hr));
    if (location != nullptr)
        print_w(location);
    std::printf("\n");
    CoTaskMemFree(location);

    BOOL encrypted, partial;
    hr = pCache->GetEncryptionStatus(&encrypted, &partial);
    std::printf("GetEncryptionStatus: 0x%08X encrypted %d partial %d\n", static_cast<unsigned>(hr),
                encrypted, partial);

    ULONGLONG total, limit, used, unpinned_limit, unpinned_used;
    hr = pCache->GetDiskSpaceInformation(&total, &limit, &used, &unpinned_limit, &unpinned_used);
    std::printf("GetDiskSpaceInformation: 0x%08X used %llu unpinned used %llu\n",
                static_cast<unsigned>(hr), static_cast<unsigned long long>(used),
                static_cast<unsigned long long>(unpinned_used));

    LPCWSTR candidates[] = {u"\\\\srv\\docs\\new.txt", u"\\\\srv\\private\\x.txt",
                            u"\\\\nowhere\\share"};
    for (LPCWSTR path : candidates) {
        BOOL cacheable;
        OFFLINEFILES_CACHING_MODE mode;
        hr = pCache->IsPathCacheable(path, &cacheable, &mode);
        std::printf("IsPathCacheable ");
        print_w(path);
        std::printf(": 0x%08X cacheable %d mode %d\n", static_cast<unsigned>(hr), cacheable,
                    static_cast<int>(mode));
    }

    IOfflineFilesItem *item = nullptr;
    IOfflineFilesConnectionInfo *conn = nullptr;
    hr = pCache->FindItem(u"\\\\srv\\docs\\report.txt", 0, &item);
    std::printf("FindItem \\\\srv\\docs\\report.txt: 0x%08X\n", static_cast<unsigned>(hr));
    if (FAILED(hr))
        return 1;
    hr = item->QueryInterface(IID_IOfflineFilesConnectionInfo, reinterpret_cast<void **>(&conn));
    std::printf("QueryInterface IOfflineFilesConnectionInfo: 0x%08X\n", static_cast<unsigned>(hr));
    if (FAILED(hr))
        return 1;
    print_state(conn);
    print_dirty(item, "LocalDirtyByteCount");
    IOfflineFilesItem *missing = nullptr;
    hr = pCache->FindItem(u"\\\\srv\\docs\\nothing.txt", 0, &missing);
    std::printf("FindItem \\\\srv\\docs\\nothing.txt: 0x%08X (%s)\n", static_cast<unsigned>(hr),
                missing == nullptr ? "no item" : "item");

    Progress progress;
    Handler handler;
    LPCWSTR share[] = {u"\\\\srv\\docs"};
    GUID sync_id = {0x12345678, 0x1234, 0x5678, {1, 2, 3, 4, 5, 6, 7, 8}};
    std::printf("Synchronize \\\\srv\\docs in and out:\n");
    hr = pCache->Synchronize(nullptr, share, 1, FALSE,
                             OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCIN |
                                 OFFLINEFILES_SYNC_CONTROL_FLAG_SYNCOUT,
                             &handler, &progress, &sync_id);
    std::printf("Synchronize: 0x%08X (conflicts resolved: %d)\n", static_cast<unsigned>(hr),
                handler.calls);
    item->Refresh(0);
    print_dirty(item, "LocalDirtyByteCount after Refresh");

    hr = conn->TransitionOnline(nullptr, 0);
    std::printf("TransitionOnline: 0x%08X\n", static_cast<unsigned>(hr));
    BOOL open_files = TRUE;
    hr = conn->TransitionOffline(nullptr, 0, FALSE, &open_files);
    std::printf("TransitionOffline: 0x%08X open files %d\n", static_cast<unsigned>(hr), open_files);
    print_state(conn);
    open_files = TRUE;
    hr = conn->TransitionOffline(nullptr, 0, TRUE, &open_files);
    std::printf("TransitionOffline with Force: 0x%08X open files %d\n", static_cast<unsigned>(hr),
                open_files);
    hr = conn->TransitionOnline(nullptr, 0);
    std::printf("TransitionOnline: 0x%08X\n", static_cast<unsigned>(hr));
    print_state(conn);
    conn->Release();

    IOfflineFilesItemContainer *root = nullptr;
    hr = pCache->QueryInterface(IID_IOfflineFilesItemContainer, reinterpret_cast<void **>(&root));
    std::printf("EnumItems walk: 0x%08X\n", static_cast<unsigned>(hr));
    if (SUCCEEDED(hr)) {
        walk(root, 1);
        root->Release();
    }

    std::printf("Pin \\\\srv\\docs\\2026 deep, for user:\n");
    LPCWSTR dir[] = {u"\\\\srv\\docs\\2026"};
    hr = pCache->Pin(nullptr, dir, 1, TRUE, FALSE, OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER, &progress);
    std::printf("Pin: 0x%08X\n", static_cast<unsigned>(hr));
    IOfflineFilesPinInfo *pin = nullptr;
    if (SUCCEEDED(item->QueryInterface(IID_IOfflineFilesPinInfo, reinterpret_cast<void **>(&pin)))) {
        BOOL pinned, inherit;
        pin->IsPinnedForUser(&pinned, &inherit);
        std::printf("report.txt pinned for user: %s\n", pinned ? "yes" : "no");
        pin->Release();
    }
    std::printf("Unpin \\\\srv\\docs\\2026 deep, for user:\n");
    hr = pCache->Unpin(nullptr, dir, 1, TRUE, FALSE, OFFLINEFILES_PIN_CONTROL_FLAG_FORUSER,
                       &progress);
    std::printf("Unpin: 0x%08X\n", static_cast<unsigned>(hr));
    item->Release();

    std::printf("references at the end: progress %ld, conflict handler %ld\n", progress.ref,
                handler.ref);
    pCache->Release();
    csc_cache_free(cache);
    return 0;
}
