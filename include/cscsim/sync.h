/*
 * cscsim/sync.h: Synchronize (contract C12, C10.10, C15.10-C15.12) with
 * its conflict handler, and DeleteItems (windows-reference §2, §3, C15.18). Both report progress
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
#include "cscsim/remote.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OfflineFilesSyncControlFlag* values (windows-reference §2). */
#define CSC_SYNC_FLAG_FILL_SPARSE 0x00000001u
#define CSC_SYNC_FLAG_SYNC_IN 0x00000002u
#define CSC_SYNC_FLAG_SYNC_OUT 0x00000004u
#define CSC_SYNC_FLAG_PIN_NEW_FILES 0x00000008u
#define CSC_SYNC_FLAG_PIN_LINK_TARGETS 0x00000010u
#define CSC_SYNC_FLAG_PIN_FOR_USER 0x00000020u
#define CSC_SYNC_FLAG_PIN_FOR_USER_POLICY 0x00000040u
#define CSC_SYNC_FLAG_PIN_FOR_ALL 0x00000080u
#define CSC_SYNC_FLAG_PIN_FOR_REDIR 0x00000100u
#define CSC_SYNC_FLAG_LOW_PRIORITY 0x00000200u
#define CSC_SYNC_FLAG_ASYNC_PROGRESS 0x00000400u
#define CSC_SYNC_FLAG_INTERACTIVE 0x00000800u
#define CSC_SYNC_FLAG_CONSOLE 0x00001000u
#define CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS 0x00002000u
#define CSC_SYNC_FLAG_BACKGROUND 0x00010000u
#define CSC_SYNC_FLAG_NO_NEW_FILES_OUT 0x00020000u
/* The conflict-resolution field (OFFLINEFILES_SYNC_CONTROL_CR_*): bits
 * 28-31, values 0 DEFAULT, 1 KEEPLOCAL, 2 KEEPREMOTE, 3 KEEPLATEST (C12.1). */
#define CSC_SYNC_CR_MASK 0xF0000000u
#define CSC_SYNC_CR_DEFAULT 0x00000000u
#define CSC_SYNC_CR_KEEP_LOCAL 0x10000000u
#define CSC_SYNC_CR_KEEP_REMOTE 0x20000000u
#define CSC_SYNC_CR_KEEP_LATEST 0x30000000u

/* Every bit csc_synchronize accepts (C12.1); the CR field must also hold
 * 0-3. */
#define CSC_SYNC_FLAGS_VALID 0xF0033FFFu

/* OFFLINEFILES_SYNC_CONFLICT_RESOLVE (windows-api-facts §OFFLINEFILES_SYNC_CONFLICT_RESOLVE). */
typedef enum csc_sync_resolve {
    CSC_SYNC_RESOLVE_NONE = 0,
    CSC_SYNC_RESOLVE_KEEPLOCAL = 1,
    CSC_SYNC_RESOLVE_KEEPREMOTE = 2,
    CSC_SYNC_RESOLVE_KEEPALLCHANGES = 3,
    CSC_SYNC_RESOLVE_KEEPLATEST = 4,
    CSC_SYNC_RESOLVE_LOG = 5,
    CSC_SYNC_RESOLVE_SKIP = 6,
    CSC_SYNC_RESOLVE_ABORT = 7 /* OFFLINEFILES_SYNC_CONFLICT_ABORT */
} csc_sync_resolve_t;

/* OFFLINEFILES_SYNC_STATE_LOCAL_KNOWN / _REMOTE_KNOWN (ResolveConflict's
 * fStateKnown). */
#define CSC_SYNC_STATE_LOCAL_KNOWN 0x1u
#define CSC_SYNC_STATE_REMOTE_KNOWN 0x2u

/* OFFLINEFILES_CHANGES_* (ResolveConflict's fChangeDetails). */
#define CSC_CHANGES_NONE 0x00u
#define CSC_CHANGES_LOCAL_SIZE 0x01u
#define CSC_CHANGES_LOCAL_ATTRIBUTES 0x02u
#define CSC_CHANGES_LOCAL_TIME 0x04u
#define CSC_CHANGES_REMOTE_SIZE 0x08u
#define CSC_CHANGES_REMOTE_ATTRIBUTES 0x10u
#define CSC_CHANGES_REMOTE_TIME 0x20u

/* One conflict, as IOfflineFilesSyncConflictHandler::ResolveConflict gets
 * it (C12.5, C16.5). Fields are only ever added at the end. */
typedef struct csc_conflict {
    const char *path;       /* the file's normalised, case-preserved path,
                             * NUL-terminated, borrowed for the call */
    size_t path_len;
    uint32_t state_known;   /* LOCAL_KNOWN | REMOTE_KNOWN (0x3) */
    csc_sync_state_t state; /* 12, 15, 36 or 9 (C12.5) */
    uint32_t change_details; /* CSC_CHANGES_* bits that hold */
} csc_conflict_t;

/*
 * A conflict handler (IOfflineFilesSyncConflictHandler::ResolveConflict):
 * called between the item's ItemBegin and ItemResult events, on the thread
 * that delivers events. Returns the resolution; a value outside 0-7 counts
 * as NONE. With KEEPALLCHANGES it may set *new_name to a name (one
 * component, UTF-8) for the kept local copy: borrowed, it must stay valid
 * until the handler returns to the library's next call or the call ends;
 * the library copies it, uses it when it is a valid name free on both
 * sides in the same directory, else falls back to `STEM (conflict N)EXT`.
 * It may call what a progress callback may call (cscsim/pin.h, C14.5):
 * reads only; a change fails with 0x800700AA.
 */
typedef csc_sync_resolve_t (*csc_conflict_handler_fn)(void *user_data,
                                                      const csc_conflict_t *conflict,
                                                      const char **new_name);

#define CSC_SYNC_OPTIONS_VERSION 1
/*
 * What Synchronize takes besides its flags. Initialise with
 * CSC_SYNC_OPTIONS_INIT; `version` 0 is read as 1; a version newer than
 * the library knows gives E_INVALIDARG before any event. Fields are only
 * ever added at the end.
 */
typedef struct csc_sync_options {
    unsigned int version; /* CSC_SYNC_OPTIONS_VERSION */
    void *user_data;      /* passed to the handler */
    csc_conflict_handler_fn resolve_conflict; /* NULL: no handler (C12.5) */
} csc_sync_options_t;

#define CSC_SYNC_OPTIONS_INIT {CSC_SYNC_OPTIONS_VERSION, NULL, NULL}

/*
 * Synchronize(Paths[], Flags) (C12): for each path in order, the item and
 * all its cached descendants in walk order, each with ItemBegin and
 * ItemResult (C12.2); containers transfer nothing. Files changed on one
 * side follow SyncIn / SyncOut (C12.4), conflicts the handler's answer,
 * else the CR field of `flags` (C12.5). Items of a scope that cannot be
 * reached fail with 0x800704EE (C12.3). E_INVALIDARG, with no event, for
 * no path, a NULL path, a bit outside CSC_SYNC_FLAGS_VALID, a CR value
 * above 3, or an options/progress version newer than the library.
 * Return value as C4.7. `options`, `progress` and `cancel` may be NULL.
 */
CSC_API csc_hresult csc_synchronize_ex(csc_cache_t *cache, const char *const *paths,
                                       size_t count, uint32_t flags,
                                       const csc_sync_options_t *options,
                                       const csc_progress_t *progress, csc_cancel_t *cancel);

/* csc_synchronize_ex without options: no conflict handler. */
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
 * NoAutoCached keep them); a kept item reports S_OK (C15.18). An open file
 * fails with 0x80070020, an item the caller may not access with
 * E_ACCESSDENIED (unless Admin), a directory that could not be emptied stays
 * with 0x80070091 (ERROR_DIR_NOT_EMPTY); a path invalid or not cached fails
 * as in C4.3. Returns (C15.18) 0x800704C7 when cancelled; else, when exactly
 * one path was given and at the start of the call it names a cached file,
 * that item's last result; else 0x800700EA (ERROR_MORE_DATA) when any
 * item's last result was a failure, or S_OK; E_INVALIDARG (no event) for no
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
