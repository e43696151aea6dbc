/*
 * cscsim/remote.h: the servers' side of the simulation and connectivity
 * (contract C10). Besides the cache, a csc_cache_t holds the *remote
 * namespace*: servers, shares (each with a caching mode, C10.6),
 * directories and files (each with a size, a version and a last-change
 * time, C10.1), as the servers have them. The embedder builds and changes
 * it with the csc_remote_* calls; caching an item with csc_cache_file or
 * csc_cache_dir also creates its missing remote twins (C10.2, C15.4), so a
 * cache built only with those calls is in sync with online servers.
 *
 * Connectivity is a property of scopes: an item's scope is its share
 * (C10.4). Each server has a network condition (up, down, slow) set by the
 * embedder; each scope's connect state follows C10.5; TransitionOffline,
 * TransitionOnline and IsPathCacheable are the methods of C10.7, C10.9 and
 * C10.10.
 *
 * Paths are named and normalised as the cache's (C1): any spelling that
 * normalises to the same case-folded path names the same remote item. Every
 * call validates its arguments first: E_POINTER for a NULL cache, path or
 * required output; then its own E_INVALIDARG cases; then
 * HRESULT_FROM_WIN32(ERROR_INVALID_NAME) 0x8007007B for an invalid path; and
 * on any error nothing changes (C4.1's discipline). Calls take the cache's
 * guard like every call (C14.5): the setters are changes (0x800700AA inside
 * a callback or while an asynchronous operation runs), the readers queries.
 */
#ifndef CSCSIM_REMOTE_H
#define CSCSIM_REMOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/item.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OFFLINEFILES_CACHING_MODE (C10.6). A new remote share is MANUAL. */
typedef enum csc_caching_mode {
    CSC_CACHING_MODE_NONE = 0, /* no mode known (IsPathCacheable only) */
    CSC_CACHING_MODE_NOCACHING = 1,
    CSC_CACHING_MODE_MANUAL = 2,
    CSC_CACHING_MODE_AUTO_DOC = 3,
    CSC_CACHING_MODE_AUTO_PROGANDDOC = 4
} csc_caching_mode_t;

/* A server's network condition (C10.5), set by the embedder. */
typedef enum csc_network {
    CSC_NETWORK_UP = 0, /* the default */
    CSC_NETWORK_DOWN = 1,
    CSC_NETWORK_SLOW = 2
} csc_network_t;

/* OFFLINEFILES_CONNECT_STATE. The simulation reports OFFLINE and ONLINE. */
typedef enum csc_connect_state {
    CSC_CONNECT_STATE_UNKNOWN = 0,
    CSC_CONNECT_STATE_OFFLINE = 1,
    CSC_CONNECT_STATE_ONLINE = 2,
    CSC_CONNECT_STATE_TRANSPARENTLY_CACHED = 3,
    CSC_CONNECT_STATE_PARTLY_TRANSPARENTLY_CACHED = 4
} csc_connect_state_t;

/* OFFLINEFILES_OFFLINE_REASON. */
typedef enum csc_offline_reason {
    CSC_OFFLINE_REASON_UNKNOWN = 0,
    CSC_OFFLINE_REASON_NOT_APPLICABLE = 1, /* online */
    CSC_OFFLINE_REASON_CONNECTION_FORCED = 2,
    CSC_OFFLINE_REASON_CONNECTION_SLOW = 3,
    CSC_OFFLINE_REASON_CONNECTION_ERROR = 4,
    CSC_OFFLINE_REASON_ITEM_VERSION_CONFLICT = 5,
    CSC_OFFLINE_REASON_ITEM_SUSPENDED = 6
} csc_offline_reason_t;

/* OFFLINEFILES_TRANSITION_FLAG_* of TransitionOffline / TransitionOnline. */
#define CSC_TRANSITION_FLAG_INTERACTIVE 0x1u
#define CSC_TRANSITION_FLAG_CONSOLE 0x2u

/* ---- the remote namespace (C10.1) --------------------------------------- */

/*
 * The server has this directory (one component: the server; two: the share,
 * MANUAL when new), with its missing ancestors. An existing item of that
 * type: S_OK, nothing changes. Errors: 0x800700B7 an existing remote item of
 * another type, 0x8007010B a path below a remote file, E_OUTOFMEMORY.
 */
CSC_API csc_hresult csc_remote_dir(csc_cache_t *cache, const char *path);

/*
 * The server has this file (size `size`, or 0 without `has_size`), with its
 * missing ancestors: version 1, last change now (the virtual clock, C5.4).
 * An existing remote file gets the size (when given; else keeps its own) and
 * a new version, last change now (C15.4). Errors: 0x8007007B also for fewer
 * than three components; 0x800700B7, 0x8007010B as csc_remote_dir.
 */
CSC_API csc_hresult csc_remote_file(csc_cache_t *cache, const char *path, bool has_size,
                                    uint64_t size);

/*
 * The file changes on the server: version +1, size `size` when `has_size`
 * (else unchanged), last change now. 0x80070002 when the server has no item
 * there; E_INVALIDARG when the item is not a file [decision, as C15.8].
 */
CSC_API csc_hresult csc_remote_write(csc_cache_t *cache, const char *path, bool has_size,
                                     uint64_t size);

/* The item and everything below it are gone from the server. 0x80070002
 * when the server has no item there. Connectivity (conditions, forced marks)
 * is not an item and stays. */
CSC_API csc_hresult csc_remote_delete(csc_cache_t *cache, const char *path);

/*
 * The share's caching mode on the server (C10.6), NOCACHING to
 * AUTO_PROGANDDOC; the remote share (and server) are created when missing.
 * E_INVALIDARG for another mode or for a path that is not a share (C15.5).
 */
CSC_API csc_hresult csc_remote_set_caching_mode(csc_cache_t *cache, const char *share,
                                                csc_caching_mode_t mode);

/*
 * Reads a remote item: S_OK when the server has it, 0x80070002 when not.
 * Each output may be NULL. Files report their size, version and last
 * change; containers report size 0, version 0 and their creation time.
 */
CSC_API csc_hresult csc_remote_item(const csc_cache_t *cache, const char *path,
                                    csc_item_type_t *type, uint64_t *size, uint64_t *version,
                                    uint64_t *last_change);

/* The remote share's caching mode. E_INVALIDARG for a path that is not a
 * share; 0x80070002 when the server has no such share. */
CSC_API csc_hresult csc_remote_caching_mode(const csc_cache_t *cache, const char *share,
                                            csc_caching_mode_t *mode);

/* ---- connectivity (C10.4-C10.10) --------------------------------------- */

/*
 * Sets the network condition of `server` (`\\server`, C15.5). E_INVALIDARG
 * for a condition outside csc_network_t or a longer path; 0x80070002 for a
 * server neither cached nor on the remote side. Setting the condition the
 * server already has changes nothing (a slow override stays).
 */
CSC_API csc_hresult csc_remote_set_network(csc_cache_t *cache, const char *server,
                                           csc_network_t condition);

/* The server's network condition; errors as csc_remote_set_network. */
CSC_API csc_hresult csc_remote_network(const csc_cache_t *cache, const char *server,
                                       csc_network_t *condition);

/*
 * The connect state of the item at `path`, cached or not, and why it is
 * offline (C10.5, C15.19): a server is ONLINE unless down (C16.9); below a
 * server, the scope's state in the order of C10.5. `reason` may be NULL; it
 * is NOT_APPLICABLE when online. An item in a suspended tree (or an
 * uncached path below a suspension root) that is online by its scope
 * reports OFFLINE, ITEM_SUSPENDED (C13.3). Like the other getters of item
 * state it works while the feature is not active (C15.14).
 */
CSC_API csc_hresult csc_connect_state(const csc_cache_t *cache, const char *path,
                                      csc_connect_state_t *state, csc_offline_reason_t *reason);

/*
 * TransitionOffline(Path, Force, Flags) -> OpenFiles (C10.9, C15.6) on the
 * path's scope. E_INVALIDARG for flags outside INTERACTIVE | CONSOLE or a
 * server path (C15.5); 0x8007007B; 0x80070002 when the share is neither
 * cached nor on the remote side. Takes the scope offline (forced) and sets
 * *open_files FALSE.
 */
CSC_API csc_hresult csc_transition_offline(csc_cache_t *cache, const char *path, bool force,
                                           uint32_t flags, bool *open_files);

/*
 * TransitionOnline(Path, Flags) (C10.10) on the path's scope, validated as
 * csc_transition_offline. Clears the forced mark and overrides a slow
 * condition; S_OK when the scope is then online, else (server down or share
 * gone) HRESULT_FROM_WIN32(ERROR_BAD_NETPATH) 0x80070035 with the forced
 * mark cleared all the same.
 */
CSC_API csc_hresult csc_transition_online(csc_cache_t *cache, const char *path, uint32_t flags);

/*
 * IsPathCacheable(Path) -> (Cacheable, Mode) (C10.7, C15.7): the mode of the
 * path's share as the server has it while the server is not down, else as
 * the cached share item remembers it; Cacheable unless NOCACHING. A share
 * known nowhere (and a server path): FALSE, NONE. Both outputs required.
 */
CSC_API csc_hresult csc_is_path_cacheable(const csc_cache_t *cache, const char *path,
                                          bool *cacheable, csc_caching_mode_t *mode);

/* ---- round-2 state of a cached file (C10.8, C11, C12.5, C13.5) ---------- */

/* OFFLINEFILES_SYNC_STATE values of the conflicts C12.5 records (the other
 * values are in cscsim/cscobj.h's OFFLINEFILES_SYNC_STATE). */
typedef enum csc_sync_state {
    CSC_SYNC_STATE_STABLE = 0,
    CSC_SYNC_STATE_FILE_CREATED_ON_CLIENT_FILE_ON_SERVER = 9,
    CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER = 12,
    CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_DELETED_ON_SERVER = 15,
    CSC_SYNC_STATE_DELETED_ON_CLIENT_FILE_CHANGED_ON_SERVER = 36
} csc_sync_state_t;

/* A sparse file (not fully cached, C10.8): counts 0 bytes in disk space;
 * csc_item_size still reports its size. FALSE for containers and NULL. */
CSC_API bool csc_item_is_sparse(const csc_item_t *item);
/* Created offline (C11.4: dirty, no original version) and deleted offline
 * (C11.5: dirty, still cached, opens fail). FALSE for containers and NULL. */
CSC_API bool csc_item_is_created_offline(const csc_item_t *item);
CSC_API bool csc_item_is_deleted_offline(const csc_item_t *item);
/* The unresolved conflict of a file (C12.5, C12.6): its
 * OFFLINEFILES_SYNC_STATE value, or CSC_SYNC_STATE_STABLE (0) when none. */
CSC_API csc_sync_state_t csc_item_conflict(const csc_item_t *item);
/* The file's local last change (C15.9: set by modify, offline write, create
 * and delete): TRUE with *time set, FALSE when it has none (a file never
 * changed locally) or for containers and NULL. */
CSC_API bool csc_item_local_change_time(const csc_item_t *item, uint64_t *time);
/* C13.5 DirtyInfo RemoteDirtyByteCount: the remote file's size when the
 * file is changed on the server, else 0 (also when the server has none). */
CSC_API uint64_t csc_item_remote_dirty_bytes(const csc_item_t *item);
/* C10.2, C13.5: the file's original version, the remote version it was last
 * in sync with (kept when its remote twin leaves the server): TRUE with
 * *version set, FALSE when it has none (created offline) or for containers
 * and NULL. */
CSC_API bool csc_item_original_version(const csc_item_t *item, uint64_t *version);

/*
 * Whether the cached file is changed on the server (C10.3): its remote twin
 * is gone (or no longer a file), or the twin's version differs from the
 * file's original version; for a file created offline, the server has a
 * file of that name. An item getter (cscsim/item.h's rules: no
 * guard, the cache must not change meanwhile); false for a container and
 * for NULL. What DirtyInfo's RemoteDirtyByteCount needs (C13.5).
 */
CSC_API bool csc_item_changed_on_server(const csc_item_t *item);

#ifdef __cplusplus
}
#endif

#endif
