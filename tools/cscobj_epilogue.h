/* ---- creating objects and freeing task memory ---- */

/*
 * The face's CoCreateInstance: makes the object of class `clsid` over
 * `cache` and returns its interface `iid` in *ppv (AddRef'd once). The only
 * class is CLSID_OfflineFilesCache; its object implements IUnknown,
 * IOfflineFilesCache, IOfflineFilesCache2 and IOfflineFilesItemContainer
 * (C16.1). The object does not own the cache: the cache must outlive every
 * object made over it (items and enumerators included).
 * E_POINTER for a NULL ppv; else *ppv is set, NULL on failure:
 * E_POINTER for a NULL cache, clsid or iid, CLASS_E_NOAGGREGATION for a
 * non-NULL `outer`, REGDB_E_CLASSNOTREG for another class, E_NOINTERFACE
 * for an interface the object lacks, E_OUTOFMEMORY.
 */
CSC_COM_API HRESULT csc_com_create_instance(csc_cache_t *cache, REFCLSID clsid,
                                            IUnknown *outer, REFIID iid, void **ppv);

/*
 * Gives the cache object the embedder's libuv loop (a uv_loop_t), so that
 * Pin and Unpin with bAsync = TRUE run on it (C14.1, C6.5): the call
 * starts the operation and returns S_OK at once; the progress object
 * receives its events on the loop's thread while the loop runs, and is
 * Released after End. Calls with bAsync = TRUE must then be made on the
 * loop's thread. Without a loop, and for Synchronize, DeleteItems,
 * DeleteItemsForUser and Encrypt (the C API has no asynchronous form of
 * them yet), bAsync = TRUE gives E_NOTIMPL (Synchronize checks C16.5's
 * NULL progress object first: E_INVALIDARG). `loop` NULL takes the loop away. E_POINTER for a NULL
 * `cache_object`; E_INVALIDARG when it is not a cache object of this face.
 */
struct uv_loop_s;
CSC_COM_API HRESULT csc_com_set_loop(IOfflineFilesCache *cache_object, struct uv_loop_s *loop);

/* Frees a string (or any block) the face returned in task memory, as
 * CoTaskMemFree does. NULL is allowed. */
CSC_COM_API void csc_com_free(void *p);
/* The same under Windows' name, for client code written for Windows. */
CSC_COM_API void CoTaskMemFree(void *p);

/* Allocates task memory, as CoTaskMemAlloc does (NULL when out of memory):
 * what a client gives the face to free, e.g. the new name a conflict
 * handler returns with KEEPALLCHANGES (C12.5). */
CSC_COM_API void *csc_com_alloc(size_t size);
/* The same under Windows' name. */
CSC_COM_API void *CoTaskMemAlloc(size_t size);

/* Whether two GUIDs are equal (IsEqualGUID). */
CSC_COM_API BOOL csc_com_guid_equal(const GUID *a, const GUID *b);

#ifdef __cplusplus
}
#endif

#endif
