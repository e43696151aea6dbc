/*
 * cscsim/sync.h: Synchronize and DeleteItems as the local model of the
 * simulation (contract C5.8; windows-reference §2, §3). Both report progress
 * through the same csc_progress_t as Pin and Unpin, with the same rules for
 * its callbacks (cscsim/pin.h: reads allowed, changes refused with
 * 0x800700AA, C14.5) and answers.
 */
#ifndef CSCSIM_SYNC_H
#define CSCSIM_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/pin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OfflineFilesSyncControlFlag* bits accepted by csc_synchronize. */
#define CSC_SYNC_FLAGS_VALID 0xF0033FFFu

/*
 * Synchronize (C5.8): for each path, the item and everything below it become
 * clean. An invalid or uncached path fails for that path (0x8007007B,
 * 0x80070002); no access check; return value as C4.7. E_INVALIDARG for no
 * path, a NULL path or unknown flag bits.
 */
CSC_API csc_hresult csc_synchronize(csc_cache_t *cache, const char *const *paths, size_t count,
                                    uint32_t flags, const csc_progress_t *progress,
                                    csc_cancel_t *cancel);

/* OfflineFilesDeleteFlag* values. */
#define CSC_DELETE_NO_AUTO_CACHED 0x00000001u
#define CSC_DELETE_NO_PINNED 0x00000002u
#define CSC_DELETE_DEL_MODIFIED 0x00000004u
#define CSC_DELETE_ADMIN 0x80000000u
#define CSC_DELETE_FLAGS_VALID 0x80000007u

/*
 * DeleteItems: deletes from the local cache only, containers with their
 * contents, walking each path's subtree post-order (a container after its
 * contents). By default dirty files are kept (DelModified deletes them),
 * pinned and automatically cached (unpinned) items are deleted (NoPinned,
 * NoAutoCached keep them); a kept item reports S_FALSE. An open file fails
 * with 0x80070020, an item the caller may not access with E_ACCESSDENIED
 * (unless Admin), a directory that could not be emptied stays with
 * 0x80070091 (ERROR_DIR_NOT_EMPTY); a path invalid or not cached fails as
 * in C4.3. Returns S_OK, 0x800704C7 when cancelled, or 0x800700EA
 * (ERROR_MORE_DATA) when any item failed; E_INVALIDARG (no event) for no
 * path, a NULL path or unknown flags; E_ACCESSDENIED (no event) for Admin
 * without an administrator caller.
 */
CSC_API csc_hresult csc_delete_items(csc_cache_t *cache, const char *const *paths, size_t count,
                                     uint32_t flags, const csc_progress_t *progress,
                                     csc_cancel_t *cancel);

#ifdef __cplusplus
}
#endif

#endif
