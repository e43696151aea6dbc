/*
 * src/record.h (internal): the hooks through which the public entry points
 * tell the cache's recorder (record.c, cscsim/record.h) what they did. Each
 * hook is called under the cache's guard, after the call has run, and only
 * when the cache records: CSC__RECORDING(cache) is the one branch a call
 * pays when it does not.
 */
#ifndef CSC_SRC_RECORD_H
#define CSC_SRC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/fault.h"
#include "cscsim/pin.h"
#include "tree.h"
#include "walk.h"

#if defined(__GNUC__) || defined(__clang__)
#define CSC__RECORDING(cache) __builtin_expect((cache)->rec != NULL, 0)
#else
#define CSC__RECORDING(cache) ((cache)->rec != NULL)
#endif

/* Frees the recorder (csc__cache_destroy): flushes and closes its file. */
void csc__rec_free(csc_cache_t *cache);

/* csc_cache_file (is_file) and csc_cache_dir. */
void csc__rec_cache(csc_cache_t *cache, bool is_file, const char *path, bool has_size,
                    uint64_t size, csc_hresult hr);
void csc__rec_caller(csc_cache_t *cache, const char *user, bool admin, csc_hresult hr);
/* csc_cache_call_as: before fn runs (begin) and after the caller is back. */
void csc__rec_call_as(csc_cache_t *cache, bool begin);
void csc__rec_tick(csc_cache_t *cache, uint64_t ticks, csc_hresult hr);
/* Snapshots (snapshot.c): csc_cache_save and csc_cache_load of `path`, or
 * csc_cache_load_buffer (path NULL, `size` bytes). */
void csc__rec_snapshot(csc_cache_t *cache, bool load, const char *path, size_t size,
                       csc_hresult hr);

typedef enum csc__rec_item_op {
    CSC__REC_MODIFY,
    CSC__REC_MARK_SYNCHRONIZED,
    CSC__REC_OPEN,
    CSC__REC_CLOSE,
    CSC__REC_TOUCH
} csc__rec_item_op_t;

void csc__rec_item(csc_cache_t *cache, csc__rec_item_op_t op, const struct csc_item *item,
                   uint64_t bytes, csc_hresult hr);
void csc__rec_access(csc_cache_t *cache, const struct csc_item *item,
                     const char *const *users, size_t count, csc_hresult hr);
void csc__rec_limits(csc_cache_t *cache, uint64_t limit, uint64_t unpinned, csc_hresult hr);
void csc__rec_policy(csc_cache_t *cache, int policy, csc_hresult hr);
/* Fault rules (cscsim/fault.h): `fail ...`, `fail clear`, a comment. */
void csc__rec_fault(csc_cache_t *cache, const csc_fault_rule_t *rule, csc_hresult hr);
void csc__rec_fault_clear(csc_cache_t *cache);
void csc__rec_fault_remove(csc_cache_t *cache, csc_fault_id_t id, csc_hresult hr);
void csc__rec_evict_callback(csc_cache_t *cache);
void csc__rec_evict(csc_cache_t *cache, bool all, uint64_t bytes, const uint64_t *freed,
                    const size_t *count, csc_hresult hr);

/* A synchronous method call (walk.c's entry points): runs csc__method_call
 * with a sink that watches the events and answers, then records it. */
csc_hresult csc__rec_method(csc_cache_t *cache, const char *const *paths, size_t count,
                            uint32_t flags, bool deep, const csc_progress_t *progress,
                            csc_cancel_t *cancel, csc__walk_op_t op);

/* Synchronize with its options (src/remote/sync.c): as csc__rec_method,
 * with the conflict handler watched too (resolve=NAME when its answers
 * were all the same). */
csc_hresult csc__rec_sync(csc_cache_t *cache, const char *const *paths, size_t count,
                          uint32_t flags, const csc_sync_options_t *options,
                          const csc_progress_t *progress, csc_cancel_t *cancel);

/* The WMI entry points (wmi.c): begin swaps the message callback for the
 * recorder's, which passes each message on; end records the call. */
void csc__rec_wmi_begin(csc_cache_t *cache, csc_wmi_progress_cb *cb, void **user_data);
void csc__rec_wmi_end(csc_cache_t *cache, csc__walk_op_t op, const char *const *paths,
                      size_t count, uint32_t flags, bool deep, uint32_t ret);

/* The asynchronous Pin, Unpin, Synchronize, DeleteItems and DeleteItemsForUser
 * (async.c; for_user with its `user`): start returns the sink to copy into
 * the operation (the recorder's, passing everything on to `progress`); end
 * records the call, refused (from start) or complete (from finish). */
const csc_progress_t *csc__rec_async_start(csc_cache_t *cache, csc__walk_op_t op,
                                           const char *const *paths, size_t count,
                                           uint32_t flags, bool deep, bool for_user,
                                           const char *user, const csc_progress_t *progress,
                                           csc_cancel_t *cancel);
/* csc_synchronize_async, after start: the options to copy into the
 * operation (the recorder's handler, passing each conflict on and noting
 * the answers, as csc__rec_sync does). */
const csc_sync_options_t *csc__rec_async_options(csc_cache_t *cache,
                                                 const csc_sync_options_t *options);
void csc__rec_async_end(csc_cache_t *cache, csc_hresult hr);

/* C13 methods: a language command (verb, paths, tail) with its check, or a
 * `# not expressible` note. */
void csc__rec_command(csc_cache_t *cache, const char *verb, const char *path1,
                      const char *path2, const char *tail, csc_hresult hr);
void csc__rec_not_expressible(csc_cache_t *cache, const char *what);
/* C10 (remote.c, connect.c): `remote VERB PATH [size=N]`, `share PATH
 * caching=MODE`, `network \\SERVER COND`, `online PATH` with their result
 * check (csc__rec_command), and `offline PATH [force]` with its result and
 * `expect open-files=`. Transition flags have no effect the language can
 * show: flags other than 0 add a comment. */
void csc__rec_remote(csc_cache_t *cache, const char *verb, const char *path, bool has_size,
                     uint64_t size, csc_hresult hr);
void csc__rec_share(csc_cache_t *cache, const char *share, int mode, csc_hresult hr);
void csc__rec_network(csc_cache_t *cache, const char *server, int condition, csc_hresult hr);
void csc__rec_transition(csc_cache_t *cache, bool offline, const char *path, bool force,
                         uint32_t flags, bool open_files, csc_hresult hr);

/* C11 (apps.c): `open PATH`, `close PATH`, `write PATH bytes=N [size=M]`,
 * `create PATH size=N`, `delete PATH` with the result check; a close from a
 * progress callback (CSC__APP) becomes a note under the running call. */
void csc__rec_app(csc_cache_t *cache, const char *verb, const char *path, const char *tail,
                  csc_hresult hr);

csc_hresult csc__rec_delete_for_user(csc_cache_t *cache, const char *user,
                                     const char *const *paths, size_t count, uint32_t flags,
                                     const csc_progress_t *progress, csc_cancel_t *cancel);

#endif
