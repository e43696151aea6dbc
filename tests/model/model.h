/*
 * tests/model/model.h: the reference model of the cache, a deliberately
 * simple and obviously correct implementation of contract.md (C1-C5.6,
 * C5.8, C7, C9) for the differential test. It shares no code with src/: it
 * uses only the public header's constants, csc_hresult_message (Windows'
 * texts) and csc_hresult_to_wmi. Items live in one flat array; every lookup
 * is a linear scan; the walk order (C2.3) is obtained by sorting item paths
 * component by component. Eviction (C5.4), disk-space limits and the three
 * policies (C5.5) and the disk-full rule (C5.7) are modelled too.
 *
 * Its own path normaliser (C1.2-C1.4) and case folding (C1.3) are complete
 * for the alphabet the differential test generates: ASCII, and a small
 * table of Latin-1, Greek, Cyrillic and letterlike characters whose simple
 * case folding is hard-coded (see model_fold_cp in model.c). Any other code
 * point folds to itself.
 *
 * Round 2 (C10, C13, C15): the remote namespace (servers, shares with
 * their caching modes, directories, files with size, version, original
 * version and last change) in a second flat array; the twins round-1 setup
 * makes (C10.2, C15.4, C15.19); network conditions, forced marks, slow
 * overrides and remembered modes in a third (the records of servers and
 * shares); TransitionOffline / TransitionOnline (C10.9, C10.10),
 * IsPathCacheable (C10.7, C15.7) and each path's connect state and offline
 * reason in the order of C10.5, ITEM_SUSPENDED included; SuspendRoot
 * (C13.3) and the feature state (C13.1, C15.14: Enable, Start, restart,
 * methods refused while not active), RenameItemEx and RenameItem applied
 * at restart (C13.2, C15.15), Encrypt (C13.4, C15.16) and DeleteItems /
 * DeleteItemsForUser (C13.7, C15.18: a kept item S_OK; a single file
 * path's last result, else ERROR_MORE_DATA or S_OK as the return), Pin fetching remote items (C10.8, C15.1, C15.2, C15.19: sparse
 * files, Fill, NOCACHING refusing pins). Applications (C11, C15.8, C15.9:
 * open, close, write, create, delete, non-cached handles, sparse files,
 * files created and deleted offline), Synchronize against the remote side
 * (C12, C15.10-C15.13: one-sided transfers, conflicts and every resolution
 * from the CR field or a handler, KEEPALLCHANGES names, PinNewFiles,
 * SkipSuspendedDirs, offline scopes, C5.7), the pending deep pin of a
 * shallow Pin (C15.20), the service's Synchronize when a scope comes
 * online (C10.10) and a server going down closing non-cached handles
 * (C10.11).
 */
#ifndef CSC_TEST_MODEL_H
#define CSC_TEST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cscsim.h>

typedef struct model model_t;

/* One cached item. `names` are the display components (server first), as
 * first cached; `keys` their case-folded forms. */
typedef struct model_item {
    size_t depth;          /* number of components: 1 server, 2 share, ... */
    char **names;
    char **keys;
    csc_item_type_t type;
    uint32_t pins;         /* CSC_PIN_SOURCE_* bits; 0 for a server */
    uint32_t inherit;      /* containers only */
    bool dirty;
    uint64_t dirty_bytes;
    uint32_t open_count;
    uint32_t sharing_violations;
    uint64_t size;
    uint64_t last_use;
    bool has_access;       /* an access list of its own */
    bool suspend_root;     /* C13.3: containers */
    bool encrypted;        /* C13.4: files */
    bool sparse;           /* C10.8: fetched without Fill: holds 0 bytes, size kept */
    bool created_offline;  /* C11.4: dirty, no original version, no twin */
    bool deleted_offline;  /* C11.5: dirty, still cached, opens fail */
    uint32_t conflict;     /* C12.6: the unresolved conflict's sync state, 0 none */
    bool has_local_time;   /* C15.9: the local last change is set */
    uint64_t local_change;
    uint32_t pending;      /* C15.20: containers: sources of a pending deep pin */
    uint64_t orig_kept;    /* C13.5: the original version kept when the twin left */
    char **users;
    size_t user_count;
} model_item_t;

/* A progress sink: the model hands each event over as its WMI string
 * (C6.2). Answers are csc_op_response_t values. item_result also gets the
 * event's path (what a sink that closes handles needs). */
typedef struct model_sink {
    void *user_data;
    bool (*begin)(void *user_data, const char *wmi); /* true: abort */
    int (*item_begin)(void *user_data, const char *wmi);
    int (*item_result)(void *user_data, const char *wmi, const char *path);
    void (*end)(void *user_data, const char *wmi);
} model_sink_t;

typedef void (*model_evict_cb)(void *user_data, const char *path, uint64_t size);

model_t *model_new(void);
void model_free(model_t *m);
void model_set_evict_callback(model_t *m, model_evict_cb cb, void *user_data);

/* The normaliser (C1.2-C1.4): on success *out_names receives a malloc'd
 * array of *out_count malloc'd components. Returns S_OK or 0x8007007B. */
csc_hresult model_normalize(const char *path, char ***out_names, size_t *out_count);
void model_free_names(char **names, size_t count);
/* The simple case folding of a UTF-8 string (malloc'd). */
char *model_fold(const char *s);

/* Setup commands, as the scenario runner maps them to the library. */
csc_hresult model_cache_file(model_t *m, const char *path, bool has_size, uint64_t size);
csc_hresult model_cache_dir(model_t *m, const char *path);
csc_hresult model_set_caller(model_t *m, const char *user, bool admin);
csc_hresult model_advance_clock(model_t *m, uint64_t ticks);
uint64_t model_clock(const model_t *m);
/* These find the item first: 0x8007007B invalid, 0x80070002 not cached. */
csc_hresult model_set_access(model_t *m, const char *path, const char *const *users,
                             size_t count);
csc_hresult model_modify(model_t *m, const char *path, uint64_t bytes);
csc_hresult model_open(model_t *m, const char *path);
csc_hresult model_close(model_t *m, const char *path);
/* Closes every handle to the item at `path`, if it is cached. */
void model_close_all(model_t *m, const char *path);
csc_hresult model_touch(model_t *m, const char *path);

/* The methods (C4, C7, C5.8). `sink` may be NULL. */
csc_hresult model_pin(model_t *m, const char *const *paths, size_t count, uint32_t flags,
                      bool deep, const model_sink_t *sink);
csc_hresult model_unpin(model_t *m, const char *const *paths, size_t count, uint32_t flags,
                        bool deep, const model_sink_t *sink);
/* C12: Synchronize without a handler (the CR field resolves). */
csc_hresult model_synchronize(model_t *m, const char *const *paths, size_t count,
                              uint32_t flags, const model_sink_t *sink);
/* C12.5: a conflict handler gets the file's path, its sync state and the
 * change details (CSC_CHANGES_*) and answers a csc_sync_resolve_t value. */
typedef int (*model_conflict_fn)(void *user_data, const char *path, csc_sync_state_t state,
                                 uint32_t details);
csc_hresult model_synchronize_ex(model_t *m, const char *const *paths, size_t count,
                                 uint32_t flags, model_conflict_fn handler, void *handler_ud,
                                 const model_sink_t *sink);

/* An eviction pass (C5.4). */
csc_hresult model_evict(model_t *m, bool all, uint64_t bytes, uint64_t *freed, size_t *count);

/* C5.5: limits need an administrator (E_ACCESSDENIED); neither they nor the
 * policy start a pass. */
csc_hresult model_set_limits(model_t *m, uint64_t total, uint64_t unpinned);
void model_limits(const model_t *m, uint64_t *total, uint64_t *unpinned);
void model_set_policy(model_t *m, csc_evict_policy_t policy);

/* Reading the state. model_walk fills `order` (room for model_count items)
 * with the item indexes in walk order (C2.3) and returns their number. */
size_t model_count(const model_t *m);
size_t model_walk(const model_t *m, size_t *order);
const model_item_t *model_item(const model_t *m, size_t index);
/* The display path, malloc'd. */
char *model_item_path(const model_t *m, size_t index);
bool model_item_pinned(const model_t *m, size_t index);
bool model_item_partly_pinned(const model_t *m, size_t index);
bool model_item_evictable(const model_t *m, size_t index);
bool model_caller_has_access(const model_t *m, size_t index);
/* Index of the item a path names, or SIZE_MAX. */
size_t model_lookup(const model_t *m, const char *path);
/* Disk space (C5.5), saturated at 2^64 - 1. */
void model_space(const model_t *m, uint64_t *used, uint64_t *unpinned_used);

/* ---- round 2 ---- */

/* One remote item (C10.1): `keys` are the folded components. */
typedef struct model_remote {
    size_t depth;
    char **keys;
    char *name;                                /* display name of the last component */
    csc_item_type_t type;
    uint64_t size, version, orig, last_change; /* files; last_change: all */
    csc_caching_mode_t mode;                   /* shares */
} model_remote_t;

/* The remote side's setup commands (`remote dir|file|write|delete`,
 * `share`, `network`), as the library's csc_remote_* calls. */
csc_hresult model_remote_dir(model_t *m, const char *path);
csc_hresult model_remote_file(model_t *m, const char *path, bool has_size, uint64_t size);
csc_hresult model_remote_write(model_t *m, const char *path, bool has_size, uint64_t size);
csc_hresult model_remote_delete(model_t *m, const char *path);
csc_hresult model_share_mode(model_t *m, const char *share, csc_caching_mode_t mode);
csc_hresult model_network(model_t *m, const char *server, csc_network_t condition);
/* csc_remote_item: S_OK, 0x8007007B or 0x80070002; sizes and versions of
 * containers are 0. */
csc_hresult model_remote_item(const model_t *m, const char *path, csc_item_type_t *type,
                              uint64_t *size, uint64_t *version, uint64_t *last_change);
size_t model_remote_count(const model_t *m);
const model_remote_t *model_remote_at(const model_t *m, size_t index);

/* Connectivity (C10.5, C10.7, C10.9, C10.10). */
csc_hresult model_connect_state(const model_t *m, const char *path, csc_connect_state_t *state,
                                csc_offline_reason_t *reason);
csc_hresult model_transition_offline(model_t *m, const char *path, bool force, uint32_t flags,
                                     bool *open_files);
csc_hresult model_transition_online(model_t *m, const char *path, uint32_t flags);
csc_hresult model_cacheable(const model_t *m, const char *path, bool *cacheable,
                            csc_caching_mode_t *mode);

/* C13.3 */
csc_hresult model_suspend(model_t *m, const char *path, bool suspend);
bool model_item_suspended(const model_t *m, size_t index);

/* C13.2, C15.15: RenameItemEx (at once) and RenameItem (at restart). */
csc_hresult model_rename(model_t *m, const char *original, const char *new_path,
                         bool at_restart);
size_t model_pending_renames(const model_t *m);

/* C13.4, C15.16: Encrypt with Pin's events for files; the status. */
csc_hresult model_encrypt(model_t *m, bool encrypt, uint32_t flags, const model_sink_t *sink);
void model_encryption_state(const model_t *m, bool *encrypted, bool *partial);

/* C15.18, C13.7: DeleteItems, or DeleteItemsForUser when `user` is not NULL. */
csc_hresult model_delete_items(model_t *m, const char *user, const char *const *paths,
                               size_t count, uint32_t flags, const model_sink_t *sink);

/* C13.1, C15.14 */
csc_hresult model_enable(model_t *m, bool enable, bool *reboot);
csc_hresult model_start(model_t *m);
csc_hresult model_restart(model_t *m);
void model_status(const model_t *m, bool *active, bool *enabled);

/* C11: applications (csc_app_*), with the library's codes. */
csc_hresult model_app_open(model_t *m, const char *path);
csc_hresult model_app_close(model_t *m, const char *path);
csc_hresult model_app_write(model_t *m, const char *path, uint64_t bytes, bool has_size,
                            uint64_t size);
csc_hresult model_app_create(model_t *m, const char *path, uint64_t size);
csc_hresult model_app_delete(model_t *m, const char *path);
/* Non-cached handles on the file at `path` (0 for an invalid path). */
uint32_t model_noncached_handles(const model_t *m, const char *path);
/* C10.2, C13.5: a cached file's original version (false: none). */
bool model_item_original(const model_t *m, size_t index, uint64_t *version);
/* C10.3 */
bool model_item_changed_on_server(const model_t *m, size_t index);

#endif
