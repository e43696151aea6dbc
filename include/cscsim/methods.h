/*
 * cscsim/methods.h: the other methods of Win32_OfflineFilesCache that act on
 * the cache alone (contract C13, settled by C15.3, C15.14-C15.16, C15.18,
 * C15.19, C15.21): the feature state (OfflineFilesEnable, OfflineFilesStart,
 * OfflineFilesQueryStatus(Ex), a simulated restart), the cache's Location,
 * RenameItemEx and RenameItem, SuspendRoot and the suspension state of items,
 * Encrypt and GetEncryptionStatus, DeleteItemsForUser, EnumItems and
 * EnumItemsEx-style enumeration, and the item information of C13.5 that
 * needs no remote side. Every method fails with 0x80070426
 * (ERROR_SERVICE_NOT_ACTIVE) before validation while the feature is not
 * active (C13.1); the getters of item state, the status query, Location and
 * csc_cache_encryption_state never do (checks still work, C15.14).
 * Extension points for the remote side (ChangeInfo, DirtyInfo's remote part,
 * ConnectionInfo) are left to cscsim/remote.h.
 */
#ifndef CSCSIM_METHODS_H
#define CSCSIM_METHODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/item.h"
#include "cscsim/pin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* HRESULT_FROM_WIN32(ERROR_SERVICE_NOT_ACTIVE): a method called while the
 * feature is not active (C13.1). */
#define CSC_E_SERVICE_NOT_ACTIVE CSC_HR(0x80070426u)
/* HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED). */
#define CSC_E_NOT_SUPPORTED CSC_HR(0x80070032u)
/* HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND). */
#define CSC_E_PATH_NOT_FOUND CSC_HR(0x80070003u)

/* ---- feature state (C13.1, C15.14) -------------------------------------- */

/*
 * OfflineFilesEnable: needs an administrator caller (else E_ACCESSDENIED,
 * HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), and *reboot_required FALSE,
 * C15.19). Sets Enabled; *reboot_required (optional) is TRUE unless Active
 * already equals `enable`. Active changes only at csc_cache_restart. Works
 * while the feature is not active.
 */
CSC_API csc_hresult csc_feature_enable(csc_cache_t *cache, bool enable, bool *reboot_required);

/* OfflineFilesStart (Windows 8): Active becomes TRUE at once when Available
 * (= Enabled), else HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED). */
CSC_API csc_hresult csc_feature_start(csc_cache_t *cache);

/* OfflineFilesQueryStatus(Ex): each output is optional; Available is
 * Enabled [decision]. */
CSC_API csc_hresult csc_feature_query_status(const csc_cache_t *cache, bool *active,
                                             bool *enabled, bool *available);

/*
 * Restarts the simulated machine (an embedder call, C13.1, C15.14): closes
 * every handle, makes Active follow Enabled, and applies RenameItem's logged
 * renames in the order logged, dropping any whose conditions no longer hold
 * (the access check is not repeated, C15.21). Not a method: it works while
 * the feature is not active. S_OK or E_OUTOFMEMORY (C8.1: then nothing
 * changed beyond the handles closed).
 */
CSC_API csc_hresult csc_cache_restart(csc_cache_t *cache);

/* The cache's Location, `C:\Windows\CSC` by default; any non-NULL string
 * (E_POINTER for NULL). */
CSC_API csc_hresult csc_cache_set_location(csc_cache_t *cache, const char *location);

/* Copies Location (NUL-terminated, truncated to `size`); returns its full
 * length without the NUL. */
CSC_API size_t csc_cache_location(const csc_cache_t *cache, char *buf, size_t size);

/* ---- RenameItemEx and RenameItem (C13.2, C15.15, C15.19, C15.21) ---------- */

/*
 * RenameItemEx(original, new, replace_if_exists): renames a cached item and
 * its subtree in the cache at once. In order: 0x8007007B for an invalid
 * `original`, 0x80070002 when it is not cached, E_ACCESSDENIED when the
 * caller may not access it (C9); 0x8007007B for an invalid `new_path`;
 * E_INVALIDARG for another depth, a directory or file moved to another
 * share, or a path inside the original's own subtree; 0x800700B7 when
 * `new_path` is cached (replace_if_exists is reserved and ignored);
 * 0x80070003 when its parent is not cached; 0x80070020 when a file in the
 * subtree is open. A New that names the item itself in another case is
 * cached: 0x800700B7 [decision]. Pins and inherit bits move with the items;
 * E_OUTOFMEMORY changes nothing (C8.1).
 */
CSC_API csc_hresult csc_rename_item_ex(csc_cache_t *cache, const char *original,
                                       const char *new_path, bool replace_if_exists);

/* RenameItem: needs an administrator (E_ACCESSDENIED), checks the same
 * conditions except open files (C15.15) and logs the rename, applied at the
 * next csc_cache_restart. */
CSC_API csc_hresult csc_rename_item(csc_cache_t *cache, const char *original,
                                    const char *new_path, bool replace_if_exists);

/* RenameItem's log, waiting for the next restart: the number of renames,
 * and the index-th (in the order logged) as given to csc_rename_item. The
 * strings are the cache's, valid until the log changes (a RenameItem, a
 * restart, a load). false (and NULLs) for an index past the end. */
CSC_API size_t csc_cache_pending_renames(const csc_cache_t *cache);
CSC_API bool csc_cache_pending_rename(const csc_cache_t *cache, size_t index, const char **from,
                                      const char **to);

/* ---- SuspendRoot (C13.3, C15.16) ------------------------------------------ */

/*
 * SuspendRoot(path, suspend): `path` must be a cached share or directory:
 * 0x8007007B invalid, 0x80070002 not cached, ERROR_NOT_SUPPORTED for a
 * server, E_INVALIDARG for a file (TRUE or FALSE). TRUE makes it a
 * suspension root; FALSE removes every suspension root at or below it (S_OK
 * also when there was none).
 */
CSC_API csc_hresult csc_suspend_root(csc_cache_t *cache, const char *path, bool suspend);

/* SuspendInfo: the item is a suspension root or below one; servers never. */
CSC_API bool csc_item_is_suspended(const csc_item_t *item);
CSC_API bool csc_item_is_suspended_root(const csc_item_t *item);

/* ---- Encrypt and GetEncryptionStatus (C13.4, C15.16) ---------------------- */

/* OFFLINEFILES_ENCRYPTION_CONTROL_FLAG_* (windows-api-facts). */
#define CSC_ENCRYPT_FLAG_LOW_PRIORITY 0x00000200u
#define CSC_ENCRYPT_FLAG_ASYNC_PROGRESS 0x00000400u
#define CSC_ENCRYPT_FLAG_INTERACTIVE 0x00000800u
#define CSC_ENCRYPT_FLAG_CONSOLE 0x00001000u
#define CSC_ENCRYPT_FLAG_BACKGROUND 0x00010000u
#define CSC_ENCRYPT_FLAGS_VALID 0x00011E00u

/*
 * Encrypt(encrypt, flags): E_INVALIDARG for other flag bits (nothing
 * changes, no event). Otherwise the cache is configured to `encrypt` (files
 * cached later follow it) and every cached file, in walk order over the
 * whole cache, is encrypted or decrypted with Pin's events (files only) and
 * cancellation (C4.5 steps 1, 2 and 6: the cancel token and query_abort
 * before each file, ABORT from either item callback, RETRY from
 * item_result); an open file fails with 0x80070020 and keeps its state.
 * Returns 0x800704C7 when cancelled, else S_OK. With AsyncProgress the
 * answers are ignored (C6.4).
 */
CSC_API csc_hresult csc_encrypt(csc_cache_t *cache, bool encrypt, uint32_t flags,
                                const csc_progress_t *progress, csc_cancel_t *cancel);

/* GetEncryptionStatus: Encrypted = the last Encrypt asked for encryption;
 * Partial = some cached file differs from that. Outputs optional. */
CSC_API csc_hresult csc_get_encryption_status(const csc_cache_t *cache, bool *encrypted,
                                              bool *partial);

/* The same state for an embedder's view (never refused: not a method). */
CSC_API void csc_cache_encryption_state(const csc_cache_t *cache, bool *encrypted,
                                        bool *partial);

/* Encrypted (files; containers always FALSE). */
CSC_API bool csc_item_is_encrypted(const csc_item_t *item);

/* ---- DeleteItemsForUser (C13.7, C15.18) ----------------------------------- */

/*
 * DeleteItemsForUser(user, paths, flags): DeleteItems (cscsim/sync.h) with
 * `user`'s access instead of the caller's. E_INVALIDARG (no event) for no
 * path, a NULL path, unknown flags, or a NULL or invalid user name; then
 * E_ACCESSDENIED unless the caller is an administrator.
 */
CSC_API csc_hresult csc_delete_items_for_user(csc_cache_t *cache, const char *user,
                                              const char *const *paths, size_t count,
                                              uint32_t flags, const csc_progress_t *progress,
                                              csc_cancel_t *cancel);

/* ---- enumeration (C13.6) ---------------------------------------------------- */

/* OFFLINEFILES_ENUM_* (EnumItemsEx dwEnumFlags). */
#define CSC_ENUM_FLAT 0x00000001u
#define CSC_ENUM_FLAT_FILESONLY 0x00000002u

/* Called for each item enumerated; return false to stop. Runs inside the
 * call: it may read the cache, not change it (C14.5). */
typedef bool (*csc_enum_cb)(void *user_data, csc_item_t *item);

/*
 * EnumItems / EnumItemsEx: `path` NULL enumerates the cache (the servers);
 * otherwise a cached container's path. Without CSC_ENUM_FLAT, its cached
 * children in walk order (C2.3); with it, its whole subtree flat, each
 * container followed by its children; with CSC_ENUM_FLAT_FILESONLY too, the
 * files only. E_INVALIDARG for other flag bits or FLAT_FILESONLY without
 * FLAT (C16.4) or a NULL callback; 0x8007007B / 0x80070002 for an invalid
 * or uncached path; E_NOINTERFACE for a file (not a container).
 */
CSC_API csc_hresult csc_enum_items(const csc_cache_t *cache, const char *path, uint32_t flags,
                                   csc_enum_cb cb, void *user_data);

/* ---- item information (C13.5, the local part) ------------------------------- */

/* FILE_ATTRIBUTE_ARCHIVE (0x20) for files, FILE_ATTRIBUTE_DIRECTORY (0x10)
 * for containers (FileSysInfo). */
#define CSC_FILE_ATTRIBUTE_DIRECTORY 0x00000010u
#define CSC_FILE_ATTRIBUTE_ARCHIVE 0x00000020u
CSC_API uint32_t csc_item_attributes(const csc_item_t *item);

#ifdef __cplusplus
}
#endif

#endif
