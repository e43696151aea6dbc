/*
 * cscsim/cscapi.h: the cscapi face of cscsim (contract C13.1, C14.2,
 * C16.7): OfflineFilesEnable, OfflineFilesQueryStatus,
 * OfflineFilesQueryStatusEx and OfflineFilesStart with Windows' names,
 * arguments and DWORD results, exported by libcscapi (cscapi/ in the source
 * tree, built on the public C API only) so that an emulator can load it in
 * place of cscapi.dll.
 *
 * Windows' functions take no cache: they act on the one cache the embedder
 * binds with csc_cscapi_bind. That binding is the face's only state, one
 * process-wide atomic pointer (Windows' signatures leave no room for a
 * context); everything else lives in the bound cache. Binding and calls may
 * come from any thread; the embedder keeps the bound cache alive until it
 * binds another (or NULL) and no call is running.
 *
 * Results are Win32 codes: ERROR_SUCCESS (0), ERROR_ACCESS_DENIED (5) for
 * OfflineFilesEnable by a caller who is not an administrator,
 * ERROR_NOT_SUPPORTED (50) for OfflineFilesStart while the feature is not
 * available, ERROR_BUSY (170) inside a callback of a running call (C14.5),
 * ERROR_SERVICE_DOES_NOT_EXIST (1060) while no cache is bound [decision].
 * Every output pointer is optional (C16.7): NULL means the caller does not
 * want that value, and a call with all outputs NULL succeeds.
 *
 * Not included by <cscsim.h>: it defines Windows' BOOL and DWORD (the same
 * types as cscsim/cscobj.h, so both headers may be included together).
 * Calling convention: the platform's C convention (__stdcall exists only on
 * 32-bit Windows).
 */
#ifndef CSCSIM_CSCAPI_H
#define CSCSIM_CSCAPI_H

#include <stdint.h>

#include "cscsim/cache.h"

#if defined(CSC_CSCAPI_BUILDING_LIBRARY) && defined(__GNUC__)
#define CSC_CSCAPI_API __attribute__((visibility("default")))
#else
#define CSC_CSCAPI_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t BOOL;
typedef uint32_t DWORD;

/* The cache the four functions act on; NULL unbinds. Returns the cache
 * bound before. */
CSC_CSCAPI_API csc_cache_t *csc_cscapi_bind(csc_cache_t *cache);

/* The cache bound now, or NULL. */
CSC_CSCAPI_API csc_cache_t *csc_cscapi_bound(void);

/* Enables or disables the feature (C13.1): needs an administrator caller
 * (the bound cache's current caller); *pbRebootRequired is TRUE unless the
 * feature's running state already equals bEnable (FALSE when refused). */
CSC_CSCAPI_API DWORD OfflineFilesEnable(BOOL bEnable, BOOL *pbRebootRequired);

/* Active (running) and Enabled (configured). */
CSC_CSCAPI_API DWORD OfflineFilesQueryStatus(BOOL *pbActive, BOOL *pbEnabled);

/* As OfflineFilesQueryStatus, with Available (= Enabled, C13.1). */
CSC_CSCAPI_API DWORD OfflineFilesQueryStatusEx(BOOL *pbActive, BOOL *pbEnabled,
                                               BOOL *pbAvailable);

/* Starts the feature at once when Available, else ERROR_NOT_SUPPORTED. */
CSC_CSCAPI_API DWORD OfflineFilesStart(void);

#ifdef __cplusplus
}
#endif

#endif
