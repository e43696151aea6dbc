/*
 * cscsim/async.h: asynchronous Pin, Unpin, Synchronize, DeleteItems,
 * DeleteItemsForUser and Encrypt on an embedder's libuv loop (contract
 * C6.4-C6.6). A csc_op_t is a request in libuv's sense: allocated
 * by the caller, carrying a `data` pointer, valid until its completion
 * callback has run. The walk runs off the loop thread (on a thread of its
 * own); progress callbacks and the completion callback run on the loop
 * thread. A progress callback may call what pin.h allows, except that
 * queries returning an HRESULT are refused (0x800700AA) while the operation
 * runs; csc_op_cancel and csc_cancel_request are always allowed.
 *
 * Progress: with AsyncProgress (0x400) events are queued in batches and
 * delivered in order, End last; the sink's answers are ignored (C6.4) and
 * cancellation goes through csc_op_cancel or a cancel token. The queue is
 * bounded: when the loop falls behind, the walk waits. Without
 * AsyncProgress each event is handed to the loop thread and the walk waits
 * for the answer, so CONTINUE, RETRY and ABORT take effect at once (C6.3).
 *
 * While an operation runs, every other call on the same cache that can
 * fail returns HRESULT_FROM_WIN32(ERROR_BUSY) (C6.6) at once, and item
 * getters must not be called. The walk runs on a thread of its own, which
 * holds the cache only while it walks (C14.5): a progress callback on the
 * loop thread never deadlocks against it.
 *
 * The walk thread takes the cache's guard: do not run the loop while
 * holding the cache (csc_cache_lock, inside csc_cache_call_as), or the
 * operation waits for the hold to end and never completes. Starting one
 * inside csc_cache_call_as and running the loop after it returns is fine.
 *
 * Teardown: csc_cache_cancel_wait cancels the running operation and waits
 * for it, synchronously, without running the loop; csc_cache_free on a busy
 * cache does the same, then frees the cache. Either way the operation's
 * libuv handle is left closing: run the loop once more
 * (uv_run(loop, UV_RUN_NOWAIT)) before uv_loop_close, as for any handle.
 */
#ifndef CSCSIM_ASYNC_H
#define CSCSIM_ASYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/pin.h"
#include "cscsim/sync.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct csc_op csc_op_t;

/* Completion: `result` is what the synchronous form (csc_pin, csc_unpin,
 * csc_delete_items, ...) would have returned (C4.7). Runs on the loop thread after End was delivered, with the cache
 * idle again: it may make any call, start the next operation, or free the
 * cache. */
typedef void (*csc_op_cb)(csc_op_t *op, csc_hresult result);

struct csc_op {
    void *data;                 /* the caller's; never touched */
    /* private */
    struct csc__op_state *priv_;
    size_t priv_peak_;
};

/*
 * Starts an asynchronous Unpin (C6.5). Returns S_OK when started: `done` is
 * then called exactly once, on `loop`'s thread. Otherwise nothing starts, no
 * event is sent and `done` is never called: E_POINTER (NULL op, loop, cache
 * or done), E_INVALIDARG (C4.1), 0x800700AA when an operation already runs
 * on the cache (C6.6) or when called from inside a callback of a running
 * call (C14.5), E_OUTOFMEMORY. A refused call, except one refused as busy,
 * is followed by the policy's eviction pass like any method call (C5.5).
 * The operation runs as the cache's caller at the time of the call (C9.1).
 * `paths` are copied; `progress` is copied; `progress->user_data` and `cancel` must stay valid until `done`.
 * Must be called on the loop's thread.
 */
CSC_API csc_hresult csc_unpin_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                    const char *const *paths, size_t count, uint32_t flags,
                                    bool deep, const csc_progress_t *progress,
                                    csc_cancel_t *cancel, csc_op_cb done);

/* Starts an asynchronous Pin, likewise. */
CSC_API csc_hresult csc_pin_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                  const char *const *paths, size_t count, uint32_t flags,
                                  bool deep, const csc_progress_t *progress,
                                  csc_cancel_t *cancel, csc_op_cb done);

/*
 * Starts an asynchronous Synchronize (csc_synchronize_ex, cscsim/sync.h),
 * with the rules of csc_unpin_async: refused at once with what
 * csc_synchronize_ex refuses before any event (E_INVALIDARG: C12.1, a sink
 * or options newer than the library), then followed by the policy's pass
 * (C15.3); 0x800700AA when busy (C6.6). `options` is copied;
 * `options->user_data` must stay valid until `done`.
 * The conflict handler runs on the loop thread, like the progress
 * callbacks, with or without AsyncProgress: the walk stops between the
 * item's ItemBegin and ItemResult, every event before it is delivered
 * first, and the walk waits, the cache's guard lent out, so the handler
 * sees the cache as the walk left it; its answer (and its KEEPALLCHANGES
 * name, copied when it returns) is applied before the walk goes on. What
 * it may call is what a progress callback of a running operation may
 * (above). When csc_cache_cancel_wait detaches the operation while a
 * conflict waits, nobody answers: NONE (the conflict stays, C12.6).
 */
CSC_API csc_hresult csc_synchronize_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                          const char *const *paths, size_t count,
                                          uint32_t flags, const csc_sync_options_t *options,
                                          const csc_progress_t *progress,
                                          csc_cancel_t *cancel, csc_op_cb done);

/*
 * Starts an asynchronous DeleteItems (cscsim/sync.h), with the rules of
 * csc_unpin_async: refused at once with what csc_delete_items refuses
 * before any event (E_INVALIDARG; E_ACCESSDENIED for CSC_DELETE_ADMIN
 * without an administrator caller), then followed by the policy's pass
 * (C15.3); 0x800700AA when busy (C6.6). DeleteItems has no AsyncProgress
 * flag: each event waits for its answer on the loop (C6.3). Its walk runs
 * as the cache's caller at the time of the call.
 */
CSC_API csc_hresult csc_delete_items_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                           const char *const *paths, size_t count,
                                           uint32_t flags, const csc_progress_t *progress,
                                           csc_cancel_t *cancel, csc_op_cb done);

/*
 * Starts an asynchronous DeleteItemsForUser (cscsim/methods.h, C13.7),
 * likewise: E_INVALIDARG for what csc_delete_items_for_user refuses so
 * (a NULL or invalid `user` included), then E_ACCESSDENIED unless the
 * caller is an administrator; `user` is copied.
 */
CSC_API csc_hresult csc_delete_items_for_user_async(csc_op_t *op, uv_loop_t *loop,
                                                    csc_cache_t *cache, const char *user,
                                                    const char *const *paths, size_t count,
                                                    uint32_t flags,
                                                    const csc_progress_t *progress,
                                                    csc_cancel_t *cancel, csc_op_cb done);

/*
 * Starts an asynchronous Encrypt (cscsim/methods.h, C13.4, C15.16),
 * likewise: E_INVALIDARG for unknown flags or a sink newer than the
 * library; no eviction pass follows, refused or not (C15.3). The cache is
 * configured to `encrypt` when the walk starts (on its thread); with
 * CSC_ENCRYPT_FLAG_ASYNC_PROGRESS events are batched and answers ignored.
 */
CSC_API csc_hresult csc_encrypt_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                      bool encrypt, uint32_t flags,
                                      const csc_progress_t *progress, csc_cancel_t *cancel,
                                      csc_op_cb done);

/*
 * Requests cancellation of a running operation; safe from any thread while
 * the operation runs. The walk stops before its next item (C4.5 step 1).
 */
CSC_API void csc_op_cancel(csc_op_t *op);

/*
 * Synchronous cancel-and-wait, for an embedder tearing down (C6.6): when an
 * asynchronous operation runs on the cache, requests its cancellation,
 * waits for its walk to stop (the walk no longer waits for the loop),
 * delivers on the calling thread the events not yet delivered (End last;
 * answers are ignored from then on), makes the cache idle and calls the
 * operation's completion callback, all before returning S_OK. Returns S_OK
 * at once when nothing runs. Must be called on the loop's thread. From
 * inside a callback of that operation (which cannot wait for itself) it
 * only requests cancellation and returns 0x800700AA; likewise from inside
 * a callback of a synchronous call. E_POINTER for a NULL cache.
 */
CSC_API csc_hresult csc_cache_cancel_wait(csc_cache_t *cache);

/* Whether an asynchronous operation is running on the cache. */
CSC_API bool csc_cache_busy(const csc_cache_t *cache);

/*
 * Frees the cache unless an operation runs on it, or the calling thread is
 * inside a callback of a running call or holds the cache: then returns
 * 0x800700AA and changes nothing. NULL is allowed (S_OK).
 */
CSC_API csc_hresult csc_cache_close(csc_cache_t *cache);

/* Peak bytes held by the progress queue of an operation so far (batches
 * allocated at once), for measurements. */
CSC_API size_t csc_op_queue_peak_bytes(const csc_op_t *op);

#ifdef __cplusplus
}
#endif

#endif
