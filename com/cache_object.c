/*
 * com/cache_object.c: the OfflineFilesCache object (C14.1, C16.1) and
 * csc_com_create_instance, the face's CoCreateInstance. The object
 * implements IOfflineFilesCache, IOfflineFilesCache2 (one vtable: the
 * second extends the first) and IOfflineFilesItemContainer (its children
 * are the servers). Each method converts its arguments (UTF-16 paths to
 * WTF-8, C14.4; client sinks to csc_progress_t) and makes the same call
 * through the C API, so its answer is the C API's (C14). Synchronize's
 * IOfflineFilesSyncConflictHandler is the C API's conflict handler
 * (C12.5, C16.5). bAsync = TRUE makes the asynchronous call of
 * cscsim/async.h on the loop given by csc_com_set_loop (C6.5): Pin, Unpin,
 * Synchronize, DeleteItems, DeleteItemsForUser and Encrypt; the client's
 * progress object and conflict handler are then called on the loop's
 * thread. Left E_NOTIMPL: ProcessAdminPinPolicy (no C API: policy pins are
 * not modelled) and bAsync = TRUE with no loop given.
 */
#include <stdlib.h>

#include <cscsim/async.h>

#include "com_private.h"

typedef struct com_cache {
    IOfflineFilesCache2 IOfflineFilesCache2_iface;
    IOfflineFilesItemContainer IOfflineFilesItemContainer_iface;
    atomic_ulong ref;
    csc_cache_t *cache;
    _Atomic(uv_loop_t *) loop; /* for bAsync (csc_com_set_loop) */
} com_cache_t;

static com_cache_t *impl_from_IOfflineFilesCache2(IOfflineFilesCache2 *iface)
{
    return container_of(iface, com_cache_t, IOfflineFilesCache2_iface);
}

static com_cache_t *impl_from_IOfflineFilesItemContainer(IOfflineFilesItemContainer *iface)
{
    return container_of(iface, com_cache_t, IOfflineFilesItemContainer_iface);
}

/* ---- IUnknown ---- */

static HRESULT query_interface(com_cache_t *This, REFIID riid, void **ppv)
{
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (riid == NULL)
        return E_INVALIDARG;
    if (csc_com_guid_equal(riid, &IID_IUnknown) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesCache) ||
        csc_com_guid_equal(riid, &IID_IOfflineFilesCache2))
        *ppv = &This->IOfflineFilesCache2_iface;
    else if (csc_com_guid_equal(riid, &IID_IOfflineFilesItemContainer))
        *ppv = &This->IOfflineFilesItemContainer_iface;
    else
        return E_NOINTERFACE;
    atomic_fetch_add(&This->ref, 1);
    return S_OK;
}

static ULONG add_ref(com_cache_t *This)
{
    return (ULONG)(atomic_fetch_add(&This->ref, 1) + 1);
}

static ULONG release(com_cache_t *This)
{
    unsigned long ref = atomic_fetch_sub(&This->ref, 1) - 1;
    if (ref == 0)
        free(This);
    return (ULONG)ref;
}

static HRESULT STDMETHODCALLTYPE cache_QueryInterface(IOfflineFilesCache2 *iface, REFIID riid,
                                                      void **ppv)
{
    return query_interface(impl_from_IOfflineFilesCache2(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE cache_AddRef(IOfflineFilesCache2 *iface)
{
    return add_ref(impl_from_IOfflineFilesCache2(iface));
}

static ULONG STDMETHODCALLTYPE cache_Release(IOfflineFilesCache2 *iface)
{
    return release(impl_from_IOfflineFilesCache2(iface));
}

/* ---- IOfflineFilesCache ---- */

/* Pin, Unpin, Synchronize: the C function with the same argument order. */
typedef csc_hresult (*path_call_fn)(csc_cache_t *cache, const char *const *paths, size_t count,
                                    uint32_t flags, bool deep, const csc_progress_t *progress,
                                    csc_cancel_t *cancel);

typedef csc_hresult (*async_call_fn)(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                     const char *const *paths, size_t count, uint32_t flags,
                                     bool deep, const csc_progress_t *progress,
                                     csc_cancel_t *cancel, csc_op_cb done);

/* The client's conflict handler as the C API's (C12.5, C16.5), held for
 * the call (C14.1). */
typedef struct com_handler {
    IOfflineFilesSyncConflictHandler *handler; /* NULL: none */
    char *name; /* the last KEEPALLCHANGES name, WTF-8, kept until the next
                 * conflict or the end of the call (sync.h) */
} com_handler_t;

/*
 * ResolveConflict(path, fStateKnown, state, fChangeDetails, &resolution,
 * &newName): the path in UTF-16, its return value ignored, an answer
 * outside 0-7 NONE (C16.5), a new name (task memory, freed here) taken for
 * KEEPALLCHANGES only. Out of memory for the path: NONE, the handler not
 * asked.
 */
static csc_sync_resolve_t resolve_conflict(void *ud, const csc_conflict_t *c,
                                           const char **new_name)
{
    com_handler_t *h = ud;
    free(h->name);
    h->name = NULL;
    *new_name = NULL;
    LPWSTR wpath;
    if (FAILED(com_wtf8_to_utf16(c->path, &wpath)))
        return CSC_SYNC_RESOLVE_NONE;
    OFFLINEFILES_SYNC_CONFLICT_RESOLVE r = OFFLINEFILES_SYNC_CONFLICT_RESOLVE_NONE;
    LPWSTR wname = NULL;
    (void)h->handler->lpVtbl->ResolveConflict(h->handler, wpath, c->state_known,
                                              (OFFLINEFILES_SYNC_STATE)c->state,
                                              c->change_details, &r, &wname);
    csc_com_free(wpath);
    unsigned answer = (unsigned)r;
    if (answer > CSC_SYNC_RESOLVE_ABORT)
        answer = CSC_SYNC_RESOLVE_NONE;
    if (wname != NULL) {
        if (answer == CSC_SYNC_RESOLVE_KEEPALLCHANGES &&
            SUCCEEDED(com_utf16_to_wtf8(wname, &h->name)))
            *new_name = h->name;
        csc_com_free(wname);
    }
    return (csc_sync_resolve_t)answer;
}

/* Holds the client's handler (C14.1) and fills the options for it. */
static void handler_init(com_handler_t *h, IOfflineFilesSyncConflictHandler *handler,
                         csc_sync_options_t *opts)
{
    h->handler = handler;
    h->name = NULL;
    csc_sync_options_t o = CSC_SYNC_OPTIONS_INIT;
    if (handler != NULL) {
        handler->lpVtbl->AddRef(handler);
        o.user_data = h;
        o.resolve_conflict = resolve_conflict;
    }
    *opts = o;
}

/* Releases the handler after End (C14.1). */
static void handler_done(com_handler_t *h)
{
    if (h->handler != NULL)
        h->handler->lpVtbl->Release(h->handler);
    h->handler = NULL;
    free(h->name);
    h->name = NULL;
}

/* An asynchronous call in flight: what must live until `done`. */
typedef struct async_call {
    csc_op_t op;
    com_progress_t progress;
    com_handler_t handler; /* Synchronize */
    com_cache_t *owner;    /* referenced for the operation */
} async_call_t;

static ULONG release(com_cache_t *This);

static void async_done(csc_op_t *op, csc_hresult result)
{
    async_call_t *call = op->data;
    (void)result; /* the progress object's End carried it */
    com_progress_done(&call->progress); /* Released after End (C14.1) */
    handler_done(&call->handler);
    release(call->owner);
    free(call);
}

/*
 * bAsync = TRUE (C6.5): the state of a call about to start on the
 * embedder's loop, with the client's sync or simple progress object held
 * (C14.1) and the cache object referenced; *use is the sink to pass. NULL
 * with *hr set when it cannot be made (E_NOTIMPL: no loop given).
 */
static async_call_t *async_begin(com_cache_t *This, IOfflineFilesSyncProgress *sync,
                                 IOfflineFilesSimpleProgress *simple, uv_loop_t **loop,
                                 const csc_progress_t **use, HRESULT *hr)
{
    *loop = atomic_load(&This->loop);
    if (*loop == NULL) {
        *hr = E_NOTIMPL; /* no loop given (csc_com_set_loop) */
        return NULL;
    }
    async_call_t *call = calloc(1, sizeof *call);
    if (call == NULL) {
        *hr = E_OUTOFMEMORY;
        return NULL;
    }
    if (simple != NULL)
        com_progress_init_simple(&call->progress, simple, use);
    else
        com_progress_init_sync(&call->progress, sync, use);
    call->op.data = call;
    call->owner = This;
    atomic_fetch_add(&This->ref, 1);
    *hr = S_OK;
    return call;
}

/* After the C API's answer: a refused call holds nothing (async_done runs
 * only for a started one). */
static HRESULT async_started(async_call_t *call, HRESULT hr)
{
    if (FAILED(hr)) {
        com_progress_done(&call->progress);
        handler_done(&call->handler);
        atomic_fetch_sub(&call->owner->ref, 1);
        free(call);
    }
    return hr;
}

/* bAsync = TRUE for Pin and Unpin: on the embedder's loop, the call
 * returns at once. The C API copies the paths and the progress struct. */
static HRESULT start_async(com_cache_t *This, async_call_fn fn, char **utf8, ULONG count,
                           BOOL deep, DWORD flags, IOfflineFilesSyncProgress *sink)
{
    uv_loop_t *loop;
    const csc_progress_t *use;
    HRESULT hr;
    async_call_t *call = async_begin(This, sink, NULL, &loop, &use, &hr);
    if (call == NULL)
        return hr;
    hr = fn(&call->op, loop, This->cache, (const char *const *)utf8, count, flags,
            deep != FALSE, use, NULL, async_done);
    return async_started(call, hr);
}

static HRESULT pin_or_unpin(com_cache_t *This, path_call_fn fn, LPCWSTR *paths, ULONG count,
                            BOOL deep, BOOL async, DWORD flags, IOfflineFilesSyncProgress *sink)
{
    if (async && atomic_load(&This->loop) == NULL)
        return E_NOTIMPL; /* bAsync needs the embedder's loop (C6.5) */
    char **utf8;
    HRESULT hr = com_convert_paths(paths, count, &utf8);
    if (FAILED(hr))
        return hr;
    if (async) {
        hr = start_async(This, fn == csc_pin ? csc_pin_async : csc_unpin_async, utf8, count, deep,
                         flags, sink);
        com_free_paths(utf8, count);
        return hr;
    }
    com_progress_t p;
    const csc_progress_t *use;
    com_progress_init_sync(&p, sink, &use);
    hr = fn(This->cache, (const char *const *)utf8, count, flags, deep != FALSE, use, NULL);
    com_progress_done(&p);
    com_free_paths(utf8, count);
    return hr;
}

/*
 * Synchronize (C12, C16.5): csc_synchronize_ex with the client's sync
 * progress object as its csc_progress_t (SyncItemBegin / SyncItemResult per
 * item, answers honoured) and its conflict handler as the C API's, both
 * held for the call (C14.1). bAsync = TRUE: E_INVALIDARG without a progress
 * object (C16.5), else csc_synchronize_async on the embedder's loop, where
 * the progress object and the handler are called (on the loop's thread).
 */
static HRESULT STDMETHODCALLTYPE cache_Synchronize(IOfflineFilesCache2 *iface, HWND hwnd,
                                                   LPCWSTR *paths, ULONG count, BOOL async,
                                                   DWORD flags,
                                                   IOfflineFilesSyncConflictHandler *handler,
                                                   IOfflineFilesSyncProgress *sink, GUID *sync_id)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    (void)hwnd; /* C14.1: hwndParent is ignored */
    /* C16.5: pSyncId is echoed to the events of IOfflineFilesEvents, which
     * the face does not publish, and the progress object's methods carry
     * none: it is copied for the call and echoed in each failed item's
     * IOfflineFilesSyncErrorInfo (GetRawData's first 16 bytes) [decision]. */
    if (async && sink == NULL)
        return E_INVALIDARG; /* C16.5: Windows requires one */
    if (async && atomic_load(&This->loop) == NULL)
        return E_NOTIMPL; /* bAsync needs the embedder's loop (C6.5) */
    char **utf8;
    HRESULT hr = com_convert_paths(paths, count, &utf8);
    if (FAILED(hr))
        return hr;
    csc_sync_options_t opts;
    if (async) {
        uv_loop_t *loop;
        const csc_progress_t *use;
        async_call_t *call = async_begin(This, sink, NULL, &loop, &use, &hr);
        if (call != NULL) {
            com_progress_sync_errors(&call->progress, This->cache, sync_id);
            handler_init(&call->handler, handler, &opts); /* opts is copied */
            hr = async_started(call, csc_synchronize_async(&call->op, loop, This->cache,
                                                           (const char *const *)utf8, count,
                                                           flags, &opts, use, NULL,
                                                           async_done));
        }
        com_free_paths(utf8, count);
        return hr;
    }
    com_handler_t h;
    handler_init(&h, handler, &opts);
    com_progress_t p;
    const csc_progress_t *use;
    com_progress_init_sync(&p, sink, &use);
    /* A failed item's SyncItemResult carries an IOfflineFilesSyncErrorInfo
     * (progress.c, sync_error.c). */
    com_progress_sync_errors(&p, This->cache, sync_id);
    hr = csc_synchronize_ex(This->cache, (const char *const *)utf8, count, flags, &opts, use,
                            NULL);
    com_progress_done(&p);
    handler_done(&h);
    com_free_paths(utf8, count);
    return hr;
}

static HRESULT STDMETHODCALLTYPE cache_DeleteItems(IOfflineFilesCache2 *iface, LPCWSTR *paths,
                                                   ULONG count, DWORD flags, BOOL async,
                                                   IOfflineFilesSimpleProgress *sink)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    if (async && atomic_load(&This->loop) == NULL)
        return E_NOTIMPL; /* bAsync needs the embedder's loop (C6.5) */
    char **utf8;
    HRESULT hr = com_convert_paths(paths, count, &utf8);
    if (FAILED(hr))
        return hr;
    if (async) {
        uv_loop_t *loop;
        const csc_progress_t *use;
        async_call_t *call = async_begin(This, NULL, sink, &loop, &use, &hr);
        if (call != NULL)
            hr = async_started(call, csc_delete_items_async(&call->op, loop, This->cache,
                                                            (const char *const *)utf8, count,
                                                            flags, use, NULL, async_done));
        com_free_paths(utf8, count);
        return hr;
    }
    com_progress_t p;
    const csc_progress_t *use;
    com_progress_init_simple(&p, sink, &use);
    hr = csc_delete_items(This->cache, (const char *const *)utf8, count, flags, use, NULL);
    com_progress_done(&p);
    com_free_paths(utf8, count);
    return hr;
}

static HRESULT STDMETHODCALLTYPE cache_DeleteItemsForUser(IOfflineFilesCache2 *iface,
                                                          LPCWSTR user, LPCWSTR *paths,
                                                          ULONG count, DWORD flags, BOOL async,
                                                          IOfflineFilesSimpleProgress *sink)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    if (async && atomic_load(&This->loop) == NULL)
        return E_NOTIMPL; /* bAsync needs the embedder's loop (C6.5) */
    char *user8 = NULL;
    HRESULT hr = user != NULL ? com_utf16_to_wtf8(user, &user8) : S_OK;
    if (FAILED(hr))
        return hr;
    char **utf8;
    hr = com_convert_paths(paths, count, &utf8);
    if (SUCCEEDED(hr) && async) {
        uv_loop_t *loop;
        const csc_progress_t *use;
        async_call_t *call = async_begin(This, NULL, sink, &loop, &use, &hr);
        /* The C API copies the user and the paths. */
        if (call != NULL)
            hr = async_started(call, csc_delete_items_for_user_async(
                                         &call->op, loop, This->cache, user8,
                                         (const char *const *)utf8, count, flags, use, NULL,
                                         async_done));
        com_free_paths(utf8, count);
    } else if (SUCCEEDED(hr)) {
        com_progress_t p;
        const csc_progress_t *use;
        com_progress_init_simple(&p, sink, &use);
        /* A NULL user is the C API's E_INVALIDARG (C13.7). */
        hr = csc_delete_items_for_user(This->cache, user8, (const char *const *)utf8, count,
                                       flags, use, NULL);
        com_progress_done(&p);
        com_free_paths(utf8, count);
    }
    free(user8);
    return hr;
}

static HRESULT STDMETHODCALLTYPE cache_Pin(IOfflineFilesCache2 *iface, HWND hwnd, LPCWSTR *paths,
                                           ULONG count, BOOL deep, BOOL async, DWORD flags,
                                           IOfflineFilesSyncProgress *sink)
{
    (void)hwnd;
    return pin_or_unpin(impl_from_IOfflineFilesCache2(iface), csc_pin, paths, count, deep, async,
                        flags, sink);
}

static HRESULT STDMETHODCALLTYPE cache_Unpin(IOfflineFilesCache2 *iface, HWND hwnd,
                                             LPCWSTR *paths, ULONG count, BOOL deep, BOOL async,
                                             DWORD flags, IOfflineFilesSyncProgress *sink)
{
    (void)hwnd;
    return pin_or_unpin(impl_from_IOfflineFilesCache2(iface), csc_unpin, paths, count, deep,
                        async, flags, sink);
}

static HRESULT STDMETHODCALLTYPE cache_GetEncryptionStatus(IOfflineFilesCache2 *iface,
                                                           BOOL *encrypted, BOOL *partial)
{
    if (encrypted == NULL || partial == NULL)
        return E_POINTER;
    bool e = false, p = false;
    HRESULT hr = csc_get_encryption_status(impl_from_IOfflineFilesCache2(iface)->cache, &e, &p);
    *encrypted = SUCCEEDED(hr) && e;
    *partial = SUCCEEDED(hr) && p;
    return hr;
}

static HRESULT STDMETHODCALLTYPE cache_Encrypt(IOfflineFilesCache2 *iface, HWND hwnd,
                                               BOOL encrypt, DWORD flags, BOOL async,
                                               IOfflineFilesSyncProgress *sink)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    (void)hwnd;
    if (async) { /* C6.5: on the embedder's loop */
        uv_loop_t *loop;
        const csc_progress_t *use;
        HRESULT hr;
        async_call_t *call = async_begin(This, sink, NULL, &loop, &use, &hr);
        if (call == NULL)
            return hr;
        return async_started(call, csc_encrypt_async(&call->op, loop, This->cache,
                                                     encrypt != FALSE, flags, use, NULL,
                                                     async_done));
    }
    com_progress_t p;
    const csc_progress_t *use;
    com_progress_init_sync(&p, sink, &use);
    HRESULT hr = csc_encrypt(This->cache, encrypt != FALSE, flags, use, NULL);
    com_progress_done(&p);
    return hr;
}

HRESULT com_check_query_flags(csc_cache_t *cache, DWORD flags)
{
    if ((flags & ~COM_ITEM_QUERY_FLAGS) != 0)
        return E_INVALIDARG;
    bool admin = false;
    if ((flags & 0x80000000u) != 0) { /* OFFLINEFILES_ITEM_QUERY_ADMIN (C16.4) */
        csc_cache_caller(cache, &admin);
        if (!admin)
            return E_ACCESSDENIED;
    }
    return S_OK;
}

/* FindItem and FindItemEx (C16.4): an item the filters do not keep is not
 * found (0x80070002) [decision]. */
static HRESULT find_item(com_cache_t *This, LPCWSTR path, const com_filters_t *filters,
                         DWORD flags, IOfflineFilesItem **out)
{
    char *utf8;
    HRESULT hr = com_utf16_to_wtf8(path, &utf8);
    if (FAILED(hr))
        return hr;
    bool locked = com_read_lock(This->cache);
    csc_item_t *item;
    hr = csc_cache_find(This->cache, utf8, &item);
    if (SUCCEEDED(hr) && !com_filters_keep(filters, This->cache, item))
        hr = CSC_E_FILE_NOT_FOUND;
    if (SUCCEEDED(hr))
        hr = com_item_create(This->cache, item, flags, out);
    com_read_unlock(This->cache, locked);
    free(utf8);
    return hr;
}

static HRESULT STDMETHODCALLTYPE cache_FindItem(IOfflineFilesCache2 *iface, LPCWSTR path,
                                                DWORD flags, IOfflineFilesItem **out)
{
    /* "equivalent to calling FindItemEx with all four filter parameters
     * set to NULL" (windows-api-facts §4.9) */
    return iface->lpVtbl->FindItemEx(iface, path, NULL, NULL, NULL, NULL, flags, out);
}

static HRESULT STDMETHODCALLTYPE cache_FindItemEx(IOfflineFilesCache2 *iface, LPCWSTR path,
                                                  IOfflineFilesItemFilter *inc_file,
                                                  IOfflineFilesItemFilter *inc_dir,
                                                  IOfflineFilesItemFilter *exc_file,
                                                  IOfflineFilesItemFilter *exc_dir, DWORD flags,
                                                  IOfflineFilesItem **out)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (path == NULL)
        return E_POINTER;
    HRESULT hr = com_check_query_flags(This->cache, flags);
    if (FAILED(hr))
        return hr;
    if (inc_file == NULL && inc_dir == NULL && exc_file == NULL && exc_dir == NULL)
        return find_item(This, path, NULL, flags, out);
    com_filters_t *filters = malloc(sizeof *filters);
    if (filters == NULL)
        return E_OUTOFMEMORY;
    hr = com_filters_read(filters, inc_file, inc_dir, exc_file, exc_dir);
    if (SUCCEEDED(hr))
        hr = find_item(This, path, filters, flags, out);
    free(filters);
    return hr;
}

typedef csc_hresult (*rename_fn)(csc_cache_t *cache, const char *original, const char *new_path,
                                 bool replace_if_exists);

static HRESULT rename_item(com_cache_t *This, rename_fn fn, LPCWSTR from, LPCWSTR to, BOOL replace)
{
    if (from == NULL || to == NULL)
        return E_POINTER;
    char *from8, *to8;
    HRESULT hr = com_utf16_to_wtf8(from, &from8);
    if (FAILED(hr))
        return hr;
    hr = com_utf16_to_wtf8(to, &to8);
    if (SUCCEEDED(hr)) {
        hr = fn(This->cache, from8, to8, replace != FALSE);
        free(to8);
    }
    free(from8);
    return hr;
}

/* RenameItem: logged, applied at the next restart (C13.2, C15.15). */
static HRESULT STDMETHODCALLTYPE cache_RenameItem(IOfflineFilesCache2 *iface, LPCWSTR from,
                                                  LPCWSTR to, BOOL replace)
{
    return rename_item(impl_from_IOfflineFilesCache2(iface), csc_rename_item, from, to, replace);
}

static HRESULT STDMETHODCALLTYPE cache_GetLocation(IOfflineFilesCache2 *iface, LPWSTR *path)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    if (path == NULL)
        return E_POINTER;
    *path = NULL;
    size_t len = csc_cache_location(This->cache, NULL, 0);
    char *buf = malloc(len + 1);
    if (buf == NULL)
        return E_OUTOFMEMORY;
    csc_cache_location(This->cache, buf, len + 1);
    HRESULT hr = com_wtf8_to_utf16(buf, path);
    free(buf);
    return hr;
}

static HRESULT STDMETHODCALLTYPE cache_GetDiskSpaceInformation(IOfflineFilesCache2 *iface,
                                                               ULONGLONG *total,
                                                               ULONGLONG *limit,
                                                               ULONGLONG *used,
                                                               ULONGLONG *unpinned_limit,
                                                               ULONGLONG *unpinned_used)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    if (total == NULL || limit == NULL || used == NULL || unpinned_limit == NULL ||
        unpinned_used == NULL)
        return E_POINTER;
    csc_disk_space_t s;
    HRESULT hr = csc_cache_get_disk_space(This->cache, &s);
    if (FAILED(hr))
        return hr;
    *total = s.volume_total;
    *limit = s.limit;
    *used = s.used;
    *unpinned_limit = s.unpinned_limit;
    *unpinned_used = s.unpinned_used;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE cache_SetDiskSpaceLimits(IOfflineFilesCache2 *iface,
                                                          ULONGLONG limit,
                                                          ULONGLONG unpinned_limit)
{
    return csc_cache_set_disk_space_limits(impl_from_IOfflineFilesCache2(iface)->cache, limit,
                                           unpinned_limit);
}

static HRESULT STDMETHODCALLTYPE cache_ProcessAdminPinPolicy(IOfflineFilesCache2 *iface,
                                                             IOfflineFilesSyncProgress *pin,
                                                             IOfflineFilesSyncProgress *unpin)
{
    (void)iface, (void)pin, (void)unpin;
    /* No C API: the simulation has no Group Policy pins to process. */
    return E_NOTIMPL;
}

static HRESULT STDMETHODCALLTYPE cache_GetSettingObject(IOfflineFilesCache2 *iface,
                                                        LPCWSTR name, IOfflineFilesSetting **out)
{
    (void)iface;
    if (out == NULL)
        return E_POINTER;
    *out = NULL;
    if (name == NULL)
        return E_POINTER;
    return CSC_COM_HR(0x8007007Bu); /* C16.8: ERROR_INVALID_NAME for every name */
}

static HRESULT STDMETHODCALLTYPE cache_EnumSettingObjects(IOfflineFilesCache2 *iface,
                                                          IEnumOfflineFilesSettings **out)
{
    (void)iface;
    if (out == NULL)
        return E_POINTER;
    return com_settings_enum_create(out); /* lists none (C16.8) */
}

/* C10.7, C15.7: the path's share mode, as the C API reads it. */
static HRESULT STDMETHODCALLTYPE cache_IsPathCacheable(IOfflineFilesCache2 *iface, LPCWSTR path,
                                                       BOOL *cacheable,
                                                       OFFLINEFILES_CACHING_MODE *mode)
{
    com_cache_t *This = impl_from_IOfflineFilesCache2(iface);
    if (cacheable != NULL)
        *cacheable = FALSE;
    if (mode != NULL)
        *mode = OFFLINEFILES_CACHING_MODE_NONE;
    if (path == NULL || cacheable == NULL || mode == NULL)
        return E_POINTER;
    char *utf8;
    HRESULT hr = com_utf16_to_wtf8(path, &utf8);
    if (FAILED(hr))
        return hr;
    bool c = false;
    csc_caching_mode_t m = CSC_CACHING_MODE_NONE;
    hr = csc_is_path_cacheable(This->cache, utf8, &c, &m);
    free(utf8);
    if (SUCCEEDED(hr)) {
        *cacheable = c;
        *mode = (OFFLINEFILES_CACHING_MODE)m;
    }
    return hr;
}

/* RenameItemEx: at once (C13.2). */
static HRESULT STDMETHODCALLTYPE cache_RenameItemEx(IOfflineFilesCache2 *iface, LPCWSTR from,
                                                    LPCWSTR to, BOOL replace)
{
    return rename_item(impl_from_IOfflineFilesCache2(iface), csc_rename_item_ex, from, to, replace);
}

static const IOfflineFilesCache2Vtbl cache_vtbl = {
    cache_QueryInterface,
    cache_AddRef,
    cache_Release,
    cache_Synchronize,
    cache_DeleteItems,
    cache_DeleteItemsForUser,
    cache_Pin,
    cache_Unpin,
    cache_GetEncryptionStatus,
    cache_Encrypt,
    cache_FindItem,
    cache_FindItemEx,
    cache_RenameItem,
    cache_GetLocation,
    cache_GetDiskSpaceInformation,
    cache_SetDiskSpaceLimits,
    cache_ProcessAdminPinPolicy,
    cache_GetSettingObject,
    cache_EnumSettingObjects,
    cache_IsPathCacheable,
    cache_RenameItemEx,
};

/* ---- IOfflineFilesItemContainer: the servers ---- */

static HRESULT STDMETHODCALLTYPE container_QueryInterface(IOfflineFilesItemContainer *iface,
                                                          REFIID riid, void **ppv)
{
    return query_interface(impl_from_IOfflineFilesItemContainer(iface), riid, ppv);
}

static ULONG STDMETHODCALLTYPE container_AddRef(IOfflineFilesItemContainer *iface)
{
    return add_ref(impl_from_IOfflineFilesItemContainer(iface));
}

static ULONG STDMETHODCALLTYPE container_Release(IOfflineFilesItemContainer *iface)
{
    return release(impl_from_IOfflineFilesItemContainer(iface));
}

static HRESULT STDMETHODCALLTYPE container_EnumItems(IOfflineFilesItemContainer *iface,
                                                     DWORD flags, IEnumOfflineFilesItems **out)
{
    return com_enum_items_ex(impl_from_IOfflineFilesItemContainer(iface)->cache, NULL, NULL,
                             NULL, NULL, NULL, 0, flags, out);
}

static HRESULT STDMETHODCALLTYPE container_EnumItemsEx(
    IOfflineFilesItemContainer *iface, IOfflineFilesItemFilter *inc_file,
    IOfflineFilesItemFilter *inc_dir, IOfflineFilesItemFilter *exc_file,
    IOfflineFilesItemFilter *exc_dir, DWORD enum_flags, DWORD flags,
    IEnumOfflineFilesItems **out)
{
    return com_enum_items_ex(impl_from_IOfflineFilesItemContainer(iface)->cache, NULL, inc_file,
                             inc_dir, exc_file, exc_dir, enum_flags, flags, out);
}

static const IOfflineFilesItemContainerVtbl cache_container_vtbl = {
    container_QueryInterface,
    container_AddRef,
    container_Release,
    container_EnumItems,
    container_EnumItemsEx,
};

/* ---- creation ---- */

HRESULT csc_com_create_instance(csc_cache_t *cache, REFCLSID clsid, IUnknown *outer, REFIID iid,
                                void **ppv)
{
    if (ppv == NULL)
        return E_POINTER;
    *ppv = NULL;
    if (cache == NULL || clsid == NULL || iid == NULL)
        return E_POINTER;
    if (outer != NULL)
        return CLASS_E_NOAGGREGATION;
    if (!csc_com_guid_equal(clsid, &CLSID_OfflineFilesCache))
        return REGDB_E_CLASSNOTREG;
    com_cache_t *obj = malloc(sizeof *obj);
    if (obj == NULL)
        return E_OUTOFMEMORY;
    obj->IOfflineFilesCache2_iface.lpVtbl = &cache_vtbl;
    obj->IOfflineFilesItemContainer_iface.lpVtbl = &cache_container_vtbl;
    atomic_init(&obj->ref, 1);
    obj->cache = cache;
    atomic_init(&obj->loop, NULL);
    HRESULT hr = query_interface(obj, iid, ppv);
    release(obj); /* the creation reference: the object lives iff QI gave one */
    return hr;
}

HRESULT csc_com_set_loop(IOfflineFilesCache *cache_object, struct uv_loop_s *loop)
{
    if (cache_object == NULL)
        return E_POINTER;
    if ((const void *)cache_object->lpVtbl != (const void *)&cache_vtbl)
        return E_INVALIDARG;
    com_cache_t *This = impl_from_IOfflineFilesCache2((IOfflineFilesCache2 *)cache_object);
    atomic_store(&This->loop, loop);
    return S_OK;
}
