/*
 * cscsim/apps.h: the applications that use files through the redirector
 * (contract C11, settled by C15.8, C15.9 and C15.19). The embedder plays
 * them: an application opens, closes, writes, creates and deletes files by
 * path. These are not methods of the cache: they change the remote side,
 * the cache or both, never produce progress events, and work while the
 * feature is not active (C15.14).
 *
 * Whether an application works "online" or "offline" is the item's connect
 * state (C10.5, C15.8): a suspended item or one in conflict counts as
 * offline, and an uncached file is offline when its scope is or when a
 * suspension root is above it. A file changed on the client (dirty:
 * modified, created offline or deleted offline) is worked on in the cache
 * whatever the connectivity. Caching or filling a file, or taking a bigger
 * remote copy, follows C5.7 (0x80070070 ERROR_DISK_FULL, nothing changed);
 * writes never fail for space.
 *
 * Every call validates first: E_POINTER for a NULL cache or path; 0x8007007B
 * for an invalid path (C1.4); E_INVALIDARG for a directory (or a share or
 * server: a path naming a container, cached or remote). On any error nothing
 * changes. The calls take the cache's guard as changes (C14.5: 0x800700AA
 * inside a callback or while an asynchronous operation runs), except
 * csc_app_close, which an application may do while a call runs (as
 * csc_item_close). After a call that cached a file the eviction policy's
 * pass runs (C5.5, C15.3).
 */
#ifndef CSCSIM_APPS_H
#define CSCSIM_APPS_H

#include <stdbool.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * `open PATH` (C11.1). Online: the server must have the file (0x80070002);
 * a clean cached copy changed on the server is refreshed (remote size and
 * version), a sparse one filled; the handle is on the cached copy, which is
 * touched (C5.4). An uncached file is cached, full and in sync, on an
 * AUTO_DOC or AUTO_PROGANDDOC share (pinned only by C3.3), else the
 * application holds a non-cached handle of the scope. Offline (or a file
 * changed on the client): the cached copy opens unless sparse
 * (HRESULT_FROM_WIN32(ERROR_FILE_OFFLINE) 0x800710FE) or deleted offline or
 * not cached (0x80070002).
 */
CSC_API csc_hresult csc_app_open(csc_cache_t *cache, const char *path);

/*
 * `close PATH` (C11.6, C15.8): closes a handle on the cached copy first,
 * else a non-cached handle on the path. S_OK for a cached file with no
 * handle (as csc_item_close); 0x80070002 for a path neither cached nor
 * holding a non-cached handle.
 */
CSC_API csc_hresult csc_app_close(csc_cache_t *cache, const char *path);

/*
 * `write PATH [bytes=N] [size=M]` (C11.2): an application changes `bytes`
 * bytes of a file and leaves it `size` bytes long when `has_size` (else
 * unchanged). Online: the server's file (0x80070002 when it has none) gets
 * version +1, the size and last change now; a clean cached copy takes the
 * same size and version and stays clean (write-through; a sparse copy stays
 * sparse). Offline, or a file changed on the client: the cached file (not
 * sparse: 0x800710FE; not deleted offline nor uncached: 0x80070002) becomes
 * dirty, its dirty bytes grow by `bytes`, its size becomes `size` and its
 * local last change is now. No handle is needed.
 */
CSC_API csc_hresult csc_app_write(csc_cache_t *cache, const char *path, uint64_t bytes,
                                  bool has_size, uint64_t size);

/*
 * `create PATH [size=N]` (C11.4, C15.9, C15.19). 0x8007007B for fewer than
 * three components. Online: the server's parent must be a share or
 * directory (HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND) 0x80070003) and have
 * no item of that name (0x800700B7); the file is made there (version 1,
 * size N) and cached in sync when the share is AUTO_DOC or AUTO_PROGANDDOC
 * or the cached parent has an inherit bit (not on NOCACHING shares); a clean
 * cached copy of an older file of that name takes the new file. Offline: the
 * cached parent must be a share or directory (0x80070003), with no cached
 * item of that name (0x800700B7); the file is cached *created offline*:
 * dirty, N dirty bytes, no original version, no remote twin, local last
 * change now. A dirty cached file of that name (deleted offline included)
 * always gives 0x800700B7.
 */
CSC_API csc_hresult csc_app_create(csc_cache_t *cache, const char *path, uint64_t size);

/*
 * `delete PATH` (C11.5, C15.9). Online: the server's file (0x80070002 when
 * it has none) and the cached copy are removed. Offline, or a file changed
 * on the client: the file must be cached and not deleted offline
 * (0x80070002); a file created offline leaves the cache, any other becomes
 * *deleted offline* (dirty, still cached with its pins and bytes, local last
 * change now; opens fail).
 */
CSC_API csc_hresult csc_app_delete(csc_cache_t *cache, const char *path);

/*
 * The non-cached handles (C11.1) applications hold on the file at `path`,
 * cached or not, in *count. S_OK; 0x8007007B for an invalid path.
 */
CSC_API csc_hresult csc_app_noncached_handles(const csc_cache_t *cache, const char *path,
                                              uint32_t *count);

#ifdef __cplusplus
}
#endif

#endif
