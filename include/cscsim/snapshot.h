/*
 * cscsim/snapshot.h: snapshots of a cache (issue 15, point 1). A snapshot
 * holds the whole state of a cache: the item tree (types, display names as
 * first cached, sizes), pin sources and inherit bits, dirty state and dirty
 * bytes, open handle counts, sharing-violation counts, access lists, the
 * current caller (name, administrator), the virtual clock and every item's
 * last use, the disk-space limits and the eviction policy. Eviction order
 * depends only on these (last use, then walk order: C5.4), so a loaded cache
 * evicts in the same order, reports the same events and answers every getter
 * as the saved one. Not saved: the eviction callback, progress sinks, the
 * allocator (the target cache keeps its own), holds and locks.
 *
 * The format (version 1, all integers little-endian) is described in
 * src/snapshot.c and in the README ("Snapshots"): a 24-byte header (magic
 * "CSCSNAP\x1A", format version, section count, total length), sections
 * (id, length, payload: 1 settings, 2 items in pre-order with parent
 * references and access lists inline; id 3 is reserved for the remote side),
 * and an 8-byte XXH64 checksum of everything before it.
 *
 * Loading replaces the target cache's state entirely (its tree, caller,
 * clock, limits and policy); its allocator, eviction callback and user data
 * stay. The snapshot is built into a fresh internal tree and swapped in only
 * at the end, so a load that fails (damage, a newer version, no memory: C8.1)
 * leaves the target exactly as it was.
 */
#ifndef CSCSIM_SNAPSHOT_H
#define CSCSIM_SNAPSHOT_H

#include <stddef.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The snapshot format this library writes; it reads versions 1..this. */
#define CSC_SNAPSHOT_VERSION 1u

/* Win32 codes of snapshot failures (values from winerror.h). */
#define CSC_ERROR_PATH_NOT_FOUND 3u
#define CSC_ERROR_WRITE_FAULT 29u
#define CSC_ERROR_READ_FAULT 30u
#define CSC_ERROR_REVISION_MISMATCH 1306u
#define CSC_ERROR_FILE_CORRUPT 1392u
/* A damaged, truncated or foreign snapshot: wrong magic, bad checksum,
 * inconsistent content. HRESULT_FROM_WIN32(ERROR_FILE_CORRUPT). */
#define CSC_E_FILE_CORRUPT CSC_HR(0x80070570u)
/* A snapshot of a newer format version than CSC_SNAPSHOT_VERSION.
 * HRESULT_FROM_WIN32(ERROR_REVISION_MISMATCH). */
#define CSC_E_REVISION_MISMATCH CSC_HR(0x8007051Au)
#define CSC_E_PATH_NOT_FOUND CSC_HR(0x80070003u) /* ERROR_PATH_NOT_FOUND */
#define CSC_E_WRITE_FAULT CSC_HR(0x8007001Du)    /* ERROR_WRITE_FAULT */
#define CSC_E_READ_FAULT CSC_HR(0x8007001Eu)     /* ERROR_READ_FAULT */

/*
 * Saves the cache's state into the file `path`, atomically: the snapshot is
 * written to a temporary file in the same directory, flushed (fflush, fsync)
 * and renamed over `path`, so a crash or a failure leaves the old file (or
 * none) and never a partial one. A read of the cache: allowed inside a
 * callback (C14.5), refused with 0x800700AA while an asynchronous operation
 * runs (C6.6). Returns S_OK; E_POINTER for a NULL cache or path;
 * E_INVALIDARG for an empty path; E_OUTOFMEMORY (C8.1); for the file:
 * HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND) when the directory does not
 * exist, E_ACCESSDENIED (no permission, or `path` is a directory),
 * 0x80070070 (disk full), 0x8007001D (another write error).
 */
CSC_API csc_hresult csc_cache_save(const csc_cache_t *cache, const char *path);

/*
 * Replaces the cache's state with the snapshot in the file `path` (see the
 * header comment). A change of the cache (C14.5): 0x800700AA from inside a
 * callback or while an asynchronous operation runs. Returns S_OK; E_POINTER,
 * E_INVALIDARG (empty path); 0x80070002 when the file does not exist,
 * E_ACCESSDENIED, 0x8007001E (a read error); CSC_E_FILE_CORRUPT for a
 * damaged, truncated or foreign file; CSC_E_REVISION_MISMATCH for a newer
 * format; E_OUTOFMEMORY. On failure the cache is unchanged.
 */
CSC_API csc_hresult csc_cache_load(csc_cache_t *cache, const char *path);

/*
 * The same in memory: csc_cache_save_buffer stores in *data a snapshot of
 * *size bytes, allocated with the cache's allocator; free it with
 * csc_snapshot_free (which needs no cache: the buffer remembers its
 * allocator, which must outlive it). On failure *data is NULL and *size 0.
 */
CSC_API csc_hresult csc_cache_save_buffer(const csc_cache_t *cache, void **data, size_t *size);
CSC_API void csc_snapshot_free(void *data);

/* Loads `size` bytes at `data` (E_POINTER when NULL). As csc_cache_load. */
CSC_API csc_hresult csc_cache_load_buffer(csc_cache_t *cache, const void *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif
