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

/* Frees a string (or any block) the face returned in task memory, as
 * CoTaskMemFree does. NULL is allowed. */
CSC_COM_API void csc_com_free(void *p);
/* The same under Windows' name, for client code written for Windows. */
CSC_COM_API void CoTaskMemFree(void *p);

/* Whether two GUIDs are equal (IsEqualGUID). */
CSC_COM_API BOOL csc_com_guid_equal(const GUID *a, const GUID *b);

#ifdef __cplusplus
}
#endif

#endif
