/*
 * cscsim/wmi.h: the WMI face of cscsim (contract C13.5, C13.6, C14.3,
 * C14.4, C16.6, C16.7): the classes Win32_OfflineFilesCache (a singleton
 * with Active, Enabled, Location and the 11 methods of windows-reference
 * §2) and Win32_OfflineFilesItem with its embedded info objects
 * (Win32_OfflineFiles{FileSys,Pin,Change,Connection,Suspend,Dirty}Info),
 * reached by class, method and property names with typed values, as a WMI
 * provider or an emulator's WMI service sees them. data/offlinefiles.mof
 * declares the classes. The implementation is libcscsim-wmi (wmi/ in the
 * source tree), built on the public C API only: each method is the C API's
 * call, its HRESULT returned as the method's uint32 ReturnValue (C4.8).
 *
 * Names (classes, methods, properties, parameters) compare as WMI's do,
 * ignoring ASCII case. Failures of the WMI call itself are WBEM codes
 * (C14.3): an unknown class WBEM_E_INVALID_CLASS, an unknown method
 * WBEM_E_INVALID_METHOD, an unknown property WBEM_E_NOT_FOUND (an instance
 * that does not exist too), a value of another type than the parameter's
 * WBEM_E_TYPE_MISMATCH, an unknown or repeated parameter or a NULL
 * required pointer WBEM_E_INVALID_PARAMETER, a query outside C16.6
 * WBEM_E_INVALID_QUERY; such a call changes nothing. A parameter not given
 * is NULL, as WMI passes it: a NULL string or string array counts as empty
 * (so an invalid path, or no path), a NULL uint32 as 0, a NULL boolean as
 * FALSE.
 *
 * Strings are UTF-8, or WTF-8 for names holding unpaired surrogates; the
 * _w entry points take UTF-16 (csc_wmi_wchar_t) and convert without loss
 * (C14.4). Times are CIM DATETIME strings, the virtual clock counted in
 * seconds from 2000-01-01 00:00:00 UTC (C16.6).
 *
 * Progress (Pin, Unpin, Synchronize, DeleteItems, Encrypt) reaches the
 * caller's receiver as OnProgress(upperBound 0, current = events so far,
 * "Reason:Result:ResultText:Path") (C6.2, C16.6). The receiver returns
 * false to cancel: the call stops before its next item (C4.5 step 1) and
 * returns 1223 (ERROR_CANCELLED).
 *
 * Threads: one cache may be used from several threads (C14.5); objects the
 * face returns are the caller's own snapshots, freed with
 * csc_wmi_object_free, and may be read from any thread.
 */
#ifndef CSCSIM_WMI_H
#define CSCSIM_WMI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"

#if defined(CSC_WMI_BUILDING_LIBRARY) && defined(__GNUC__)
#define CSC_WMI_API __attribute__((visibility("default")))
#else
#define CSC_WMI_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* WBEM codes of C14.3 and C16.6. */
#define CSC_WBEM_E_NOT_FOUND CSC_HR(0x80041002u)
#define CSC_WBEM_E_TYPE_MISMATCH CSC_HR(0x80041005u)
#define CSC_WBEM_E_INVALID_PARAMETER CSC_HR(0x80041008u)
#define CSC_WBEM_E_INVALID_CLASS CSC_HR(0x80041010u)
#define CSC_WBEM_E_INVALID_QUERY CSC_HR(0x80041017u)
#define CSC_WBEM_E_INVALID_METHOD CSC_HR(0x8004102Eu)

/* A UTF-16 unit (WCHAR). */
#ifdef __cplusplus
typedef char16_t csc_wmi_wchar_t;
#else
typedef uint16_t csc_wmi_wchar_t;
#endif

/* The types a value may have (CIM: boolean, uint32, sint64, string,
 * string[], embedded object; DATETIME is a string). */
typedef enum csc_wmi_type {
    CSC_WMI_NULL = 0,
    CSC_WMI_BOOLEAN = 1,
    CSC_WMI_UINT32 = 2,
    CSC_WMI_SINT64 = 3,
    CSC_WMI_STRING = 4,
    CSC_WMI_STRING_ARRAY = 5,
    CSC_WMI_OBJECT = 6
} csc_wmi_type_t;

/* An instance of a class: its class name and properties. */
typedef struct csc_wmi_object csc_wmi_object_t;

/*
 * A typed value (a VARIANT). In arguments the pointers are the caller's,
 * borrowed for the call; in an object the face returns they belong to the
 * object. A NULL string inside a string array counts as empty (C14.4).
 */
typedef struct csc_wmi_value {
    csc_wmi_type_t type;
    union {
        bool boolean;
        uint32_t uint32;
        int64_t sint64;
        const char *string;
        struct {
            const char *const *items;
            size_t count;
        } strings;
        const csc_wmi_object_t *object;
    } u;
} csc_wmi_value_t;

/* A named argument of a method. */
typedef struct csc_wmi_arg {
    const char *name;
    csc_wmi_value_t value;
} csc_wmi_arg_t;

/*
 * The progress receiver (SWbemSink.OnProgress): upper_bound 0 (unknown),
 * current counting the events delivered (1 for the first), the event as
 * "Reason:Result:ResultText:Path" (borrowed for the call). Return true to
 * go on, false to cancel. It runs inside the call, on the calling thread,
 * and may read the cache (C14.5).
 */
typedef bool (*csc_wmi_progress_fn)(void *user_data, uint32_t upper_bound, uint32_t current,
                                    const char *message);
typedef bool (*csc_wmi_progress_w_fn)(void *user_data, uint32_t upper_bound, uint32_t current,
                                      const csc_wmi_wchar_t *message);

/* ---- methods -------------------------------------------------------------- */

/*
 * ExecMethod: calls `method` of `class_name` (Win32_OfflineFilesCache, also
 * spelled as its object path "Win32_OfflineFilesCache=@") with the named
 * arguments `in` (`count` of them; `in` may be NULL when count is 0).
 * `on_progress` may be NULL. On S_OK *out (when `out` is not NULL) is an
 * object of class __PARAMETERS holding ReturnValue (uint32) and the
 * method's [out] parameters (RebootRequired, OpenFiles); free it with
 * csc_wmi_object_free. On a WBEM error *out is NULL and nothing changed.
 */
CSC_WMI_API csc_hresult csc_wmi_exec_method(csc_cache_t *cache, const char *class_name,
                                            const char *method, const csc_wmi_arg_t *in,
                                            size_t count, csc_wmi_progress_fn on_progress,
                                            void *user_data, csc_wmi_object_t **out);

/* ---- instances and queries ------------------------------------------------ */

/*
 * GetObject by key: Win32_OfflineFilesCache with `key` NULL or "@" (the
 * singleton); Win32_OfflineFilesItem with `key` its ItemPath (any spelling
 * that names the cached item, C1). WBEM_E_NOT_FOUND for an item not cached
 * or a path not valid, and for the embedded info classes (they have no
 * instances of their own); 0x80070426 for an item while the feature is not
 * active (C13.1).
 */
CSC_WMI_API csc_hresult csc_wmi_get_instance(csc_cache_t *cache, const char *class_name,
                                             const char *key, csc_wmi_object_t **out);

/* A set of instances, in order. */
typedef struct csc_wmi_objects csc_wmi_objects_t;

/*
 * ExecQuery (C16.6): "SELECT * FROM class", optionally "WHERE p = v AND
 * ..." on the class's scalar properties, v a number, TRUE / FALSE or a
 * quoted string ('...' or "...", backslash escaping the next character);
 * strings compare ignoring ASCII case. Enumerating Win32_OfflineFilesItem
 * lists every cached item flat (C13.6). WBEM_E_INVALID_QUERY for anything
 * else, an unknown property included; WBEM_E_INVALID_CLASS;
 * WBEM_E_TYPE_MISMATCH for a value of another type than its property's.
 */
CSC_WMI_API csc_hresult csc_wmi_exec_query(csc_cache_t *cache, const char *query,
                                           csc_wmi_objects_t **out);

/* The instances of a class: the query "SELECT * FROM class_name". */
CSC_WMI_API csc_hresult csc_wmi_enum_instances(csc_cache_t *cache, const char *class_name,
                                               csc_wmi_objects_t **out);

CSC_WMI_API size_t csc_wmi_objects_count(const csc_wmi_objects_t *set);
/* The index-th instance (owned by the set), NULL past the end. */
CSC_WMI_API const csc_wmi_object_t *csc_wmi_objects_at(const csc_wmi_objects_t *set,
                                                       size_t index);
CSC_WMI_API void csc_wmi_objects_free(csc_wmi_objects_t *set);

/* ---- objects ---------------------------------------------------------------- */

/* The object's class name ("Win32_OfflineFilesItem", "__PARAMETERS"). */
CSC_WMI_API const char *csc_wmi_object_class(const csc_wmi_object_t *obj);

/*
 * A property by name; a dotted name reaches into embedded objects
 * ("ConnectionInfo.ConnectState"), and through an embedded object that is
 * NULL (does not apply, C16.1) gives a NULL value. *value is owned by the
 * object. WBEM_E_NOT_FOUND for no such property.
 */
CSC_WMI_API csc_hresult csc_wmi_object_get(const csc_wmi_object_t *obj, const char *name,
                                           const csc_wmi_value_t **value);

/* The properties in their declared order (the MOF's). */
CSC_WMI_API size_t csc_wmi_object_property_count(const csc_wmi_object_t *obj);
CSC_WMI_API csc_hresult csc_wmi_object_property_at(const csc_wmi_object_t *obj, size_t index,
                                                   const char **name,
                                                   const csc_wmi_value_t **value);

/* Frees an object the face returned (NULL allowed). */
CSC_WMI_API void csc_wmi_object_free(csc_wmi_object_t *obj);

/* ---- UTF-16 entry points (C14.4) ------------------------------------------ */

/* A value with UTF-16 strings; a NULL string inside an array counts as
 * empty. */
typedef struct csc_wmi_value_w {
    csc_wmi_type_t type;
    union {
        bool boolean;
        uint32_t uint32;
        int64_t sint64;
        const csc_wmi_wchar_t *string;
        struct {
            const csc_wmi_wchar_t *const *items;
            size_t count;
        } strings;
        const csc_wmi_object_t *object;
    } u;
} csc_wmi_value_w_t;

typedef struct csc_wmi_arg_w {
    const csc_wmi_wchar_t *name;
    csc_wmi_value_w_t value;
} csc_wmi_arg_w_t;

/* The entry points above with UTF-16 strings, converted at the face without
 * loss (unpaired surrogates included); answers as theirs, E_OUTOFMEMORY
 * when a conversion finds no memory. */
CSC_WMI_API csc_hresult csc_wmi_exec_method_w(csc_cache_t *cache,
                                              const csc_wmi_wchar_t *class_name,
                                              const csc_wmi_wchar_t *method,
                                              const csc_wmi_arg_w_t *in, size_t count,
                                              csc_wmi_progress_w_fn on_progress,
                                              void *user_data, csc_wmi_object_t **out);
CSC_WMI_API csc_hresult csc_wmi_get_instance_w(csc_cache_t *cache,
                                               const csc_wmi_wchar_t *class_name,
                                               const csc_wmi_wchar_t *key,
                                               csc_wmi_object_t **out);
CSC_WMI_API csc_hresult csc_wmi_exec_query_w(csc_cache_t *cache, const csc_wmi_wchar_t *query,
                                             csc_wmi_objects_t **out);
CSC_WMI_API csc_hresult csc_wmi_object_get_w(const csc_wmi_object_t *obj,
                                             const csc_wmi_wchar_t *name,
                                             const csc_wmi_value_t **value);

/* A UTF-16 copy of a string the face gave (WTF-8), freed with
 * csc_wmi_free; NULL for NULL or when out of memory. */
CSC_WMI_API csc_wmi_wchar_t *csc_wmi_to_utf16(const char *s);
CSC_WMI_API void csc_wmi_free(void *p);

#ifdef __cplusplus
}
#endif

#endif
