/*
 * com/com_private.h: what the files of the COM face share: the objects'
 * structures (cache object, item object, enumerators), container_of, the
 * UTF-16 <-> WTF-8 conversions (C14.4), the adapters from client progress
 * sinks to csc_progress_t, and the creation functions of each object. The
 * face is built on the public C API only (cscsim.h), never on src/.
 */
#ifndef CSCSIM_COM_PRIVATE_H
#define CSCSIM_COM_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <cscsim.h>
#include <cscsim/cscobj.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED): GetParentItem on a server (C16.2). */
#define COM_E_NOT_SUPPORTED CSC_COM_HR(0x80070032u)
/* All OFFLINEFILES_ITEM_QUERY_* bits. */
#define COM_ITEM_QUERY_FLAGS 0x8000003Fu

/* ---- strings (utf16.c) ---- */

/* UTF-16 (unpaired surrogates included) to WTF-8 in malloc'd memory. */
HRESULT com_utf16_to_wtf8(LPCWSTR s, char **out);
/* WTF-8 (as the library gives it) to UTF-16 in task memory (csc_com_free). */
HRESULT com_wtf8_to_utf16(const char *s, LPWSTR *out);
/* A path array of the COM face as the C API takes it: a NULL pointer
 * inside it stays NULL, for the C API's E_INVALIDARG (C16.7). `*out` is
 * NULL for a NULL `paths`; free it with com_free_paths. */
HRESULT com_convert_paths(LPCWSTR *paths, ULONG count, char ***out);
void com_free_paths(char **paths, ULONG count);

/* Holds the cache for reading an item consistently. Inside a callback of a
 * running call the lock is refused with 0x800700AA; the reading is then
 * safe without it (the running call holds the cache, C14.5). Returns
 * whether the lock was taken. */
bool com_read_lock(csc_cache_t *cache);
void com_read_unlock(csc_cache_t *cache, bool locked);

/* ---- progress sinks (progress.c) ---- */

typedef struct com_progress {
    csc_progress_t progress;
    IOfflineFilesSyncProgress *sync;     /* one of the two, or neither */
    IOfflineFilesSimpleProgress *simple;
    csc_cache_t *errors_of; /* Synchronize: a failed item's SyncItemResult
                             * carries an IOfflineFilesSyncErrorInfo read
                             * from this cache (C16.5); NULL: none */
    GUID sync_id;           /* Synchronize's pSyncId (zeros for NULL) */
} com_progress_t;

/* Fills `p` for the client's sink (AddRef'd); `*use` is NULL without a sink. */
void com_progress_init_sync(com_progress_t *p, IOfflineFilesSyncProgress *sink,
                            const csc_progress_t **use);
void com_progress_init_simple(com_progress_t *p, IOfflineFilesSimpleProgress *sink,
                              const csc_progress_t **use);
/* Releases the sink after the call (and so after End, C14.1). */
void com_progress_done(com_progress_t *p);
/* Synchronize (C16.5): a failed item's SyncItemResult gets an
 * IOfflineFilesSyncErrorInfo read from `cache`, echoing `sync_id` (may be
 * NULL). Call after com_progress_init_sync. */
void com_progress_sync_errors(com_progress_t *p, csc_cache_t *cache, const GUID *sync_id);

/* ---- sync error information (sync_error.c, C16.5) ---- */

/* GetRawData's size: pSyncId (16), the HRESULT (4), the sync state (4). */
#define COM_SYNC_ERROR_RAW_SIZE 24u

/* A new IOfflineFilesSyncErrorInfo (one reference) for the failed item at
 * `path` with `result`, read now from `cache` (from a progress callback:
 * reads only, C14.5). */
HRESULT com_sync_error_create(csc_cache_t *cache, const char *path, HRESULT result,
                              const GUID *sync_id, IOfflineFilesSyncErrorInfo **out);

/* ---- item snapshots (item_info.c) ---- */

/* What an item object reads from the cache when it is made and at Refresh
 * (C16.2): the item's state, its remote twin's, and (with
 * OFFLINEFILES_ITEM_QUERY_CONNECTIONSTATE) its connect state. */
typedef struct com_snapshot {
    uint32_t pins, inherit, attributes;
    bool partly, dirty, encrypted, suspended, suspended_root;
    bool changed_on_server; /* files (C10.3) */
    bool sparse, created_offline, deleted_offline; /* files (C10.8, C11.4, C11.5) */
    int conflict;           /* files: OFFLINEFILES_SYNC_STATE of a conflict, 0 none */
    bool has_local_change;  /* files: local_change is set (C15.9) */
    uint64_t local_change;
    bool remote_known;      /* the server has the item: remote_size, remote_change */
    uint64_t dirty_bytes, size, last_use, remote_size, remote_change;
    bool has_conn; /* conn and reason were read with the snapshot */
    csc_connect_state_t conn;
    csc_offline_reason_t reason;
} com_snapshot_t;

/* Reads `item` (at `path`, its display path) into `s`; the caller holds
 * the cache for reading. */
void com_snapshot_read(csc_cache_t *cache, const csc_item_t *item, const char *path,
                       DWORD query_flags, com_snapshot_t *s);

/* The connect state of the item at `path` (C10.5), as csc_connect_state
 * gives it, with the item-level reasons: a cached item online by its scope
 * but in a suspended tree (C13.3) is OFFLINE with ITEM_SUSPENDED, else
 * with an unresolved conflict (C12.6, which the C API leaves open today)
 * OFFLINE with ITEM_VERSION_CONFLICT. Read now, under one hold of the
 * cache. On failure both outputs are UNKNOWN. */
HRESULT com_connect_state(csc_cache_t *cache, const char *path, csc_connect_state_t *state,
                          csc_offline_reason_t *reason);

/* FileSysInfo's times of one copy (C13.5): creation, last write, change
 * and last access. E_INVALIDARG for a copy outside OFFLINEFILES_ITEM_COPY. */
HRESULT com_snapshot_times(const com_snapshot_t *s, OFFLINEFILES_ITEM_COPY copy, FILETIME t[4]);

/* The virtual clock (seconds, C5.4) as a FILETIME: seconds from
 * 2000-01-01 00:00:00 UTC, the epoch C16.6 gives WMI's times. */
FILETIME com_filetime(uint64_t clock);

/* ---- item filters (filter.c, C16.4) ---- */

#define COM_PATTERN_CAP 260 /* MAX_PATH: the buffer GetPatternFilter fills */

typedef struct com_filter {
    bool given;                 /* a filter object was passed */
    bool has_flags, has_time, has_pattern;
    ULONGLONG flags, mask;
    FILETIME time;
    BOOL time_of_day;
    OFFLINEFILES_ITEM_TIME time_type;
    OFFLINEFILES_COMPARE compare;
    WCHAR pattern[COM_PATTERN_CAP];
} com_filter_t;

typedef struct com_filters {
    com_filter_t inc_file, inc_dir, exc_file, exc_dir;
} com_filters_t;

/* Asks each client filter object for its criteria (GetFilterFlags,
 * GetTimeFilter, GetPatternFilter), before the cache is held: a method
 * answering E_NOTIMPL leaves that criterion out; any other failure fails
 * the call with it; a time type or comparison out of range, E_INVALIDARG. */
HRESULT com_filters_read(com_filters_t *fs, IOfflineFilesItemFilter *inc_file,
                         IOfflineFilesItemFilter *inc_dir, IOfflineFilesItemFilter *exc_file,
                         IOfflineFilesItemFilter *exc_dir);

/* Whether `item` is kept (C16.4): servers and shares always; a file or
 * directory when it passes its kind's include filter and fails its kind's
 * exclude filter. `fs` NULL keeps everything. The cache is held. */
bool com_filters_keep(const com_filters_t *fs, csc_cache_t *cache, const csc_item_t *item);

/* ---- objects (cache_object.c, item_object.c) ---- */

/* A snapshot item object (C16.2) for `item`, read now with `query_flags`
 * (OFFLINEFILES_ITEM_QUERY_*, already checked); the caller holds the cache
 * for reading. Returns its IOfflineFilesItem with one reference. */
HRESULT com_item_create(csc_cache_t *cache, const csc_item_t *item, DWORD query_flags,
                        IOfflineFilesItem **out);

/* An enumerator over `parent`'s children (NULL: the servers), or over its
 * whole subtree without the root when `flat` (files only with
 * `files_only`), keeping the items `filters` keep (NULL: all). */
HRESULT com_enum_create(csc_cache_t *cache, const char *parent_path, bool flat, bool files_only,
                        DWORD query_flags, const com_filters_t *filters,
                        IEnumOfflineFilesItems **out);
/* An empty IEnumOfflineFilesSettings (C16.8). */
HRESULT com_settings_enum_create(IEnumOfflineFilesSettings **out);

/* EnumItemsEx's checks shared by the cache object and item objects. */
HRESULT com_enum_items_ex(csc_cache_t *cache, const char *parent_path,
                          IOfflineFilesItemFilter *inc_file, IOfflineFilesItemFilter *inc_dir,
                          IOfflineFilesItemFilter *exc_file, IOfflineFilesItemFilter *exc_dir,
                          DWORD enum_flags, DWORD query_flags, IEnumOfflineFilesItems **out);
/* dwQueryFlags' checks (C16.4): unknown bits E_INVALIDARG, ADMIN without
 * an administrator caller E_ACCESSDENIED. */
HRESULT com_check_query_flags(csc_cache_t *cache, DWORD flags);

#endif
