/*
 * src/async.c: asynchronous Pin, Unpin, Synchronize, DeleteItems,
 * DeleteItemsForUser and Encrypt on libuv (C6.4-C6.6). An
 * operation owns a csc__op_state: a copy of the call's arguments and of the
 * caller, a thread of its own that runs the walk (walk.h) holding the
 * cache's guard (guard.h, lent out whenever the walk waits for the loop),
 * and a uv_async_t through which the walk hands progress to the loop thread.
 * A thread of its own, not libuv's pool, so that csc_cache_cancel_wait can
 * stop and join it without running the loop: teardown never hangs.
 *
 * Two ways of handing over events:
 * - AsyncProgress: records are appended to fixed-size batches; a full batch
 *   goes on a ready list and the loop is woken. uv_async_send coalesces, so
 *   the loop's callback drains the whole ready list each time. At most
 *   MAX_BATCHES batches exist at once: when the loop falls behind, the walk
 *   waits for a batch to come back. Memory is bounded whatever the loop's
 *   speed. Answers are ignored.
 * - otherwise: a rendezvous per event; the walk waits for the loop thread's
 *   answer, so answers take effect at once (C6.3).
 * Synchronize's conflict handler (C12.5, C16.5) is a rendezvous too, with
 * or without AsyncProgress: the walk publishes the events queued so far
 * (ItemBegin comes before the question), hands the conflict to the loop
 * thread and waits, the cache's guard lent out, for the answer, which it
 * applies before it goes on (C14.5). The handler runs on the loop thread.
 * The completion callback runs after the last event (End) was delivered.
 * Once detached (csc_cache_cancel_wait), the walk waits for nobody: events
 * are queued without bound (the cancelled walk makes few) and the waiting
 * thread delivers them, End last, before the completion callback.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "guard.h"
#include "record.h"
#include "evict.h"
#include "tree.h"
#include "walk.h"
#include "remote/sync.h"

#include "cscsim/async.h"
#include "cscsim/cache.h"
#include "cscsim/sync.h"

/* What an operation runs. */
typedef enum op_kind {
    K_UNPIN,
    K_PIN,
    K_DELETE,
    K_DELETE_FOR_USER,
    K_ENCRYPT,
    K_SYNC
} op_kind_t;

/* The arguments of a call, as the entry points pass them to start(). */
typedef struct call {
    op_kind_t kind;
    const char *const *paths; /* NULL and 0 for Encrypt */
    size_t count;
    uint32_t flags;
    bool deep;
    const char *user; /* DeleteItemsForUser */
    bool encrypt;     /* Encrypt */
    const csc_sync_options_t *options; /* Synchronize */
} call_t;

static csc__walk_op_t walk_op(op_kind_t kind)
{
    switch (kind) {
    case K_UNPIN: return CSC__OP_UNPIN;
    case K_PIN: return CSC__OP_PIN;
    case K_SYNC: return CSC__OP_SYNC;
    default: return CSC__OP_DELETE;
    }
}

#define BATCH_EVENTS 4096u
#define BATCH_PATH_BYTES (128u * 1024u) /* holds the longest valid path and its NUL */
#define MAX_BATCHES 4u

typedef struct event_rec {
    uint8_t reason;
    csc_hresult result;
    uint32_t path_off, path_len;
} event_rec_t;

typedef struct batch {
    struct batch *next;
    size_t count, path_used;
    event_rec_t recs[BATCH_EVENTS];
    char paths[BATCH_PATH_BYTES];
} batch_t;

struct csc__op_state {
    csc_op_t *op;
    uv_loop_t *loop;
    csc_cache_t *cache;
    csc_allocator_t cache_alloc; /* the cache's allocator, for `caller` */
    csc__caller_t caller;   /* the caller when the operation started (C9.1) */
    csc_op_cb done;
    uv_thread_t thread;
    uv_async_t wake;
    csc_progress_t user;    /* the caller's sink (copied) */
    bool has_progress;
    bool async_progress;    /* AsyncProgress: batches, answers ignored */
    csc_cancel_t *user_cancel;
    csc_cancel_t *own_cancel; /* csc_op_cancel, csc_cache_free */
    op_kind_t kind;
    uint32_t flags;
    bool deep;
    bool encrypt;           /* Encrypt: the state asked for */
    bool has_handler;       /* Synchronize with a conflict handler */
    csc_sync_options_t user_opts; /* ... the caller's options (copied) */
    csc_sync_options_t walk_opts; /* ... the walk's: q_resolve */
    char *conflict_name;    /* the last KEEPALLCHANGES name, copied (walk thread's) */
    char **paths;
    size_t count;
    char *path_bytes;
    size_t path_bytes_size;
    csc_hresult result;

    uv_mutex_t mu;
    uv_cond_t cond;
    /* AsyncProgress queue; `cur` belongs to the walk thread. */
    batch_t *cur, *ready_head, *ready_tail, *free_list;
    size_t batches, peak_batches;
    bool queue_failed;
    bool walk_done;         /* the walk thread has finished (under mu) */
    bool detached;          /* nobody waits for the loop any more (under mu) */
    bool finished;          /* the completion ran (loop thread) */
    bool in_delivery;       /* a user callback runs (loop thread) */
    /* Rendezvous. */
    bool pending, answered;
    enum { P_EVENT, P_QUERY, P_CONFLICT } pending_kind;
    csc_event_t pending_ev;
    csc_conflict_t pending_conflict; /* its path is the walk's, which waits */
    csc_op_response_t answer;
    csc_sync_resolve_t resolution;
    char *resolution_name;  /* malloc'd by the loop thread, taken by the walk */
};

/* ---- the walk thread's side ------------------------------------------- */

/* Waits on the op's condition with the cache's guard lent out, so that a
 * loop callback reading the cache meanwhile never deadlocks (C14.5). */
static void wait_for_loop(struct csc__op_state *st)
{
    csc__guard_release(st->cache);
    uv_cond_wait(&st->cond, &st->mu);
    uv_mutex_unlock(&st->mu);
    csc__guard_take(st->cache);
    uv_mutex_lock(&st->mu);
}

static batch_t *get_batch(struct csc__op_state *st)
{
    uv_mutex_lock(&st->mu);
    while (st->free_list == NULL && st->batches >= MAX_BATCHES && !st->detached)
        wait_for_loop(st);
    batch_t *b = st->free_list;
    if (b != NULL) {
        st->free_list = b->next;
    } else {
        b = malloc(sizeof *b);
        if (b != NULL) {
            st->batches++;
            if (st->batches > st->peak_batches)
                st->peak_batches = st->batches;
        }
    }
    uv_mutex_unlock(&st->mu);
    if (b != NULL) {
        b->next = NULL;
        b->count = 0;
        b->path_used = 0;
    }
    return b;
}

static void publish(struct csc__op_state *st)
{
    batch_t *b = st->cur;
    st->cur = NULL;
    if (b == NULL || b->count == 0) {
        if (b != NULL) {
            uv_mutex_lock(&st->mu);
            b->next = st->free_list;
            st->free_list = b;
            uv_mutex_unlock(&st->mu);
        }
        return;
    }
    uv_mutex_lock(&st->mu);
    if (st->ready_tail != NULL)
        st->ready_tail->next = b;
    else
        st->ready_head = b;
    st->ready_tail = b;
    uv_mutex_unlock(&st->mu);
    uv_async_send(&st->wake);
}

static void enqueue(struct csc__op_state *st, const csc_event_t *ev)
{
    if (st->queue_failed)
        return;
    if (st->cur != NULL &&
        (st->cur->count == BATCH_EVENTS ||
         st->cur->path_used + ev->path_len + 1 > BATCH_PATH_BYTES))
        publish(st);
    if (st->cur == NULL) {
        st->cur = get_batch(st);
        if (st->cur == NULL) {
            st->queue_failed = true; /* the walk stops at its next item */
            return;
        }
    }
    batch_t *b = st->cur;
    event_rec_t *r = &b->recs[b->count++];
    r->reason = (uint8_t)ev->reason;
    r->result = ev->result;
    r->path_off = (uint32_t)b->path_used;
    r->path_len = (uint32_t)ev->path_len;
    /* NUL-terminated, as pin.h promises a sink (path[path_len] == '\0'). */
    memcpy(b->paths + b->path_used, ev->path, ev->path_len);
    b->paths[b->path_used + ev->path_len] = '\0';
    b->path_used += ev->path_len + 1;
}

/* Queues an event for whoever delivers after a detach; the walk stops. */
static csc_op_response_t queue_detached(struct csc__op_state *st, const csc_event_t *ev)
{
    if (ev != NULL) {
        enqueue(st, ev);
        if (ev->reason == CSC_EVENT_END)
            publish(st);
    }
    return CSC_OP_ABORT;
}

/* Hands one event to the loop thread and waits for its answer. */
static csc_op_response_t rendezvous(struct csc__op_state *st, const csc_event_t *ev, bool query)
{
    uv_mutex_lock(&st->mu);
    if (st->detached) {
        uv_mutex_unlock(&st->mu);
        return queue_detached(st, ev);
    }
    st->pending = true;
    st->answered = false;
    st->pending_kind = query ? P_QUERY : P_EVENT;
    if (ev != NULL)
        st->pending_ev = *ev;
    uv_mutex_unlock(&st->mu);
    uv_async_send(&st->wake);
    uv_mutex_lock(&st->mu);
    while (!st->answered && !st->detached)
        wait_for_loop(st);
    bool answered = st->answered;
    csc_op_response_t answer = st->answer;
    st->pending = false;
    uv_mutex_unlock(&st->mu);
    if (!answered) /* detached before the loop saw it: delivered later */
        return queue_detached(st, ev);
    return answer;
}

static void q_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    struct csc__op_state *st = ud;
    if (st->async_progress)
        enqueue(st, ev);
    else
        *abort = rendezvous(st, ev, false) == CSC_OP_ABORT;
}

static void q_query_abort(void *ud, bool *abort)
{
    struct csc__op_state *st = ud;
    if (st->async_progress)
        *abort = st->queue_failed;
    else if (st->user.query_abort != NULL)
        *abort = rendezvous(st, NULL, true) == CSC_OP_ABORT;
}

static csc_op_response_t q_item(void *ud, const csc_event_t *ev)
{
    struct csc__op_state *st = ud;
    if (st->async_progress) {
        enqueue(st, ev);
        return CSC_OP_CONTINUE;
    }
    return rendezvous(st, ev, false);
}

static void q_end(void *ud, const csc_event_t *ev)
{
    struct csc__op_state *st = ud;
    if (st->async_progress) {
        enqueue(st, ev);
        publish(st);
    } else {
        rendezvous(st, ev, false);
    }
}

/*
 * The conflict handler's stand-in on the walk thread (C16.5): the events
 * queued so far go first, then the conflict waits for the handler's answer
 * on the loop thread. Detached (csc_cache_cancel_wait), nobody answers:
 * NONE, the conflict stays (C12.6) and the cancelled walk stops before its
 * next item. A KEEPALLCHANGES name is the loop thread's copy, kept until
 * the next conflict or the end of the operation.
 */
static csc_sync_resolve_t q_resolve(void *ud, const csc_conflict_t *conflict,
                                    const char **new_name)
{
    struct csc__op_state *st = ud;
    *new_name = NULL;
    free(st->conflict_name);
    st->conflict_name = NULL;
    if (st->async_progress)
        publish(st);
    uv_mutex_lock(&st->mu);
    if (st->detached) {
        uv_mutex_unlock(&st->mu);
        return CSC_SYNC_RESOLVE_NONE;
    }
    st->pending = true;
    st->answered = false;
    st->pending_kind = P_CONFLICT;
    st->pending_conflict = *conflict;
    st->resolution_name = NULL;
    uv_mutex_unlock(&st->mu);
    uv_async_send(&st->wake);
    uv_mutex_lock(&st->mu);
    while (!st->answered && !st->detached)
        wait_for_loop(st);
    csc_sync_resolve_t r = st->answered ? st->resolution : CSC_SYNC_RESOLVE_NONE;
    if (st->answered) {
        st->conflict_name = st->resolution_name;
        st->resolution_name = NULL;
    }
    st->pending = false;
    uv_mutex_unlock(&st->mu);
    *new_name = st->conflict_name;
    return r;
}

static void walk_thread(void *arg)
{
    struct csc__op_state *st = arg;
    csc_progress_t sink = CSC_PROGRESS_INIT;
    sink.user_data = st;
    sink.begin = q_begin;
    sink.query_abort = q_query_abort;
    sink.item_begin = q_item;
    sink.item_result = q_item;
    sink.end = q_end;
    const csc_progress_t *use = st->has_progress ? &sink : NULL;
    csc__guard_take(st->cache);
    if (st->kind == K_ENCRYPT)
        st->result = csc__encrypt_run(st->cache, st->encrypt, use, st->user_cancel,
                                      st->own_cancel, false);
    else if (st->kind == K_SYNC)
        st->result = csc__sync_run(st->cache, (const char *const *)st->paths, st->count,
                                   st->flags, st->has_handler ? &st->walk_opts : NULL, use,
                                   st->user_cancel, st->own_cancel, false);
    else
        st->result = csc__walk_run(st->cache, &st->caller, (const char *const *)st->paths,
                                   st->count, st->flags, st->deep, use, st->user_cancel,
                                   st->own_cancel, false, walk_op(st->kind));
    csc__guard_release(st->cache);
    uv_mutex_lock(&st->mu);
    st->walk_done = true;
    uv_cond_broadcast(&st->cond);
    uv_mutex_unlock(&st->mu);
    uv_async_send(&st->wake);
}

/* ---- the loop thread's side ------------------------------------------- */

static csc_op_response_t deliver_to(struct csc__op_state *st, const csc_event_t *ev)
{
    const csc_progress_t *u = &st->user;
    switch (ev->reason) {
    case CSC_EVENT_BEGIN:
        if (u->begin != NULL) {
            bool abort = false;
            u->begin(u->user_data, ev, &abort);
            return abort ? CSC_OP_ABORT : CSC_OP_CONTINUE;
        }
        return CSC_OP_CONTINUE;
    case CSC_EVENT_ITEM_BEGIN:
        return u->item_begin != NULL ? u->item_begin(u->user_data, ev) : CSC_OP_CONTINUE;
    case CSC_EVENT_ITEM_RESULT:
        return u->item_result != NULL ? u->item_result(u->user_data, ev) : CSC_OP_CONTINUE;
    case CSC_EVENT_END:
        if (u->end != NULL)
            u->end(u->user_data, ev);
        return CSC_OP_CONTINUE;
    }
    return CSC_OP_CONTINUE;
}

/* Runs a user callback with `in_delivery` set, so that the calls it makes
 * know they come from inside the operation (csc_cache_free, cancel_wait). */
static csc_op_response_t deliver(struct csc__op_state *st, const csc_event_t *ev)
{
    st->in_delivery = true;
    csc_op_response_t r = deliver_to(st, ev);
    st->in_delivery = false;
    return r;
}

/* Answers the walk's question (an event without AsyncProgress, QueryAbort,
 * or a conflict) on the loop thread. */
static void answer_pending(struct csc__op_state *st)
{
    uv_mutex_lock(&st->mu);
    /* Events published before the question are delivered first (drain
     * comes back for it). */
    bool pending = st->pending && !st->answered && !st->detached && st->ready_head == NULL;
    int kind = st->pending_kind;
    csc_event_t ev = st->pending_ev;
    csc_conflict_t conflict = st->pending_conflict;
    uv_mutex_unlock(&st->mu);
    if (!pending)
        return;
    csc_op_response_t answer = CSC_OP_CONTINUE;
    csc_sync_resolve_t resolution = CSC_SYNC_RESOLVE_NONE;
    char *name_copy = NULL;
    if (kind == P_QUERY) {
        bool abort = false;
        st->in_delivery = true;
        st->user.query_abort(st->user.user_data, &abort);
        st->in_delivery = false;
        answer = abort ? CSC_OP_ABORT : CSC_OP_CONTINUE;
    } else if (kind == P_CONFLICT) {
        const char *name = NULL;
        st->in_delivery = true;
        resolution = st->user_opts.resolve_conflict(st->user_opts.user_data, &conflict, &name);
        st->in_delivery = false;
        /* Borrowed from the handler until it returns: copied here. Out of
         * memory, the walk falls back to its own name (sync.h). */
        if (resolution == CSC_SYNC_RESOLVE_KEEPALLCHANGES && name != NULL) {
            size_t n = strlen(name) + 1;
            name_copy = malloc(n);
            if (name_copy != NULL)
                memcpy(name_copy, name, n);
        }
    } else {
        answer = deliver(st, &ev);
    }
    uv_mutex_lock(&st->mu);
    st->answer = answer;
    st->resolution = resolution;
    st->resolution_name = name_copy;
    st->answered = true;
    uv_cond_broadcast(&st->cond);
    uv_mutex_unlock(&st->mu);
}

/* Delivers what the walk has handed over: the published batches first (in
 * order: a conflict's ItemBegin before the conflict), then its question. */
static void drain(struct csc__op_state *st)
{
    for (;;) {
        uv_mutex_lock(&st->mu);
        batch_t *list = st->ready_head;
        st->ready_head = st->ready_tail = NULL;
        uv_mutex_unlock(&st->mu);
        while (list != NULL) {
            batch_t *b = list;
            list = b->next;
            for (size_t i = 0; i < b->count; i++) {
                const event_rec_t *r = &b->recs[i];
                csc_event_t e = {(csc_event_reason_t)r->reason, r->result,
                                 b->paths + r->path_off, r->path_len};
                deliver(st, &e);
            }
            uv_mutex_lock(&st->mu);
            b->next = st->free_list;
            st->free_list = b;
            uv_cond_broadcast(&st->cond);
            uv_mutex_unlock(&st->mu);
        }
        answer_pending(st);
        uv_mutex_lock(&st->mu);
        bool more = st->ready_head != NULL || (st->pending && !st->answered && !st->detached);
        uv_mutex_unlock(&st->mu);
        if (!more)
            return;
    }
}

/* The recorder's end of a call (record.h), refused or complete. */
static void record_end(csc_cache_t *cache, op_kind_t kind, bool encrypt, uint32_t flags,
                       csc_hresult hr)
{
    if (kind == K_ENCRYPT)
        csc__rec_encrypt(cache, encrypt, flags, hr);
    else
        csc__rec_async_end(cache, hr);
}

static void free_state(struct csc__op_state *st)
{
    while (st->free_list != NULL) {
        batch_t *b = st->free_list;
        st->free_list = b->next;
        free(b);
    }
    csc__caller_free(&st->cache_alloc, &st->caller);
    csc_cancel_free(st->own_cancel);
    free(st->conflict_name);
    free(st->resolution_name);
    uv_cond_destroy(&st->cond);
    uv_mutex_destroy(&st->mu);
    free(st->paths);
    free(st->path_bytes);
    free(st);
}

static void close_cb(uv_handle_t *handle)
{
    free_state(handle->data);
}

/*
 * The end of an operation, on the loop thread, once its walk thread has
 * finished: the events it has not delivered yet (End last), the cache idle
 * again, the policy's pass (C5.5), the completion callback.
 */
static void finish(struct csc__op_state *st)
{
    uv_thread_join(&st->thread);
    drain(st);
    st->finished = true;
    csc_cache_t *cache = st->cache;
    csc_op_t *op = st->op;
    op->priv_peak_ = st->peak_batches * sizeof(batch_t);
    op->priv_ = NULL;
    csc__guard_take(cache);
    cache->running = NULL;
    atomic_store_explicit(&cache->busy, false, memory_order_release);
    bool free_now = cache->free_pending;
    if (!free_now && st->kind != K_ENCRYPT)
        csc__policy_after(cache); /* C5.5: after the method call; not Encrypt (C15.3) */
    if (CSC__RECORDING(cache))
        record_end(cache, st->kind, st->encrypt, st->flags, st->result);
    csc__guard_release(cache);
    if (free_now)
        csc__cache_destroy(cache);
    csc_hresult result = st->result;
    csc_op_cb done = st->done;
    uv_close((uv_handle_t *)&st->wake, close_cb);
    done(op, result);
}

static void wake_cb(uv_async_t *handle)
{
    struct csc__op_state *st = handle->data;
    if (st->finished)
        return;
    drain(st);
    uv_mutex_lock(&st->mu);
    bool done = st->walk_done;
    uv_mutex_unlock(&st->mu);
    if (done && !st->in_delivery)
        finish(st);
}

/* Copies the paths into one array and one block of bytes. */
static bool copy_paths(struct csc__op_state *st, const char *const *paths, size_t count)
{
    if (count == 0)
        return true; /* Encrypt */
    size_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        bytes += strlen(paths[i]) + 1;
    st->paths = malloc(count * sizeof *st->paths);
    st->path_bytes = malloc(bytes);
    st->path_bytes_size = bytes;
    if (st->paths == NULL || st->path_bytes == NULL)
        return false;
    char *p = st->path_bytes;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(paths[i]) + 1;
        memcpy(p, paths[i], n);
        st->paths[i] = p;
        p += n;
    }
    st->count = count;
    return true;
}

/* Makes the state of an operation, everything but its thread. NULL when
 * out of memory; then nothing is left behind. `who`, when not NULL, is the
 * caller the operation runs as (DeleteItemsForUser's User), made by the
 * caller of this function: moved into the state on success, left to its
 * maker on failure; otherwise the cache's caller is copied (C9.1). */
static struct csc__op_state *new_state(uv_loop_t *loop, csc_cache_t *cache,
                                       const char *const *paths, size_t count,
                                       csc__caller_t *who)
{
    struct csc__op_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    st->cache_alloc = cache->alloc;
    bool paths_ok = copy_paths(st, paths, count);
    bool caller_ok = paths_ok && (who != NULL || csc__caller_make(&st->cache_alloc,
                                                                  cache->caller.name,
                                                                  cache->caller.admin,
                                                                  &st->caller) == CSC_S_OK);
    bool cancel_ok = caller_ok && csc_cancel_new(&st->own_cancel) == CSC_S_OK;
    bool mu_ok = cancel_ok && uv_mutex_init(&st->mu) == 0;
    bool cond_ok = mu_ok && uv_cond_init(&st->cond) == 0;
    bool async_ok = cond_ok && uv_async_init(loop, &st->wake, wake_cb) == 0;
    if (async_ok) {
        st->wake.data = st;
        if (who != NULL) {
            st->caller = *who;
            memset(who, 0, sizeof *who);
        }
        return st;
    }
    if (cond_ok)
        uv_cond_destroy(&st->cond);
    if (mu_ok)
        uv_mutex_destroy(&st->mu);
    csc_cancel_free(st->own_cancel);
    if (caller_ok && who == NULL)
        csc__caller_free(&st->cache_alloc, &st->caller);
    free(st->paths);
    free(st->path_bytes);
    free(st);
    return NULL;
}

/*
 * C4.1, C13.7, C15.16: the checks a synchronous form makes before its
 * first event, in its order. DeleteItemsForUser makes its User's caller
 * into *who (*made then true).
 */
static csc_hresult validate(csc_cache_t *cache, const call_t *c, const csc_progress_t *progress,
                            csc__caller_t *who, bool *made)
{
    *made = false;
    if (c->kind == K_ENCRYPT)
        return csc__encrypt_validate(c->flags, progress);
    if (c->kind == K_SYNC) /* C12.1, and the options' version */
        return csc__sync_validate(c->paths, c->count, c->flags, c->options, progress);
    csc_hresult hr = csc__walk_validate(c->paths, c->count, c->flags, walk_op(c->kind));
    if (hr == CSC_S_OK && progress != NULL && progress->version > CSC_PROGRESS_VERSION)
        hr = CSC_E_INVALIDARG; /* a sink newer than this library */
    if (hr != CSC_S_OK)
        return hr;
    if (c->kind == K_DELETE && (c->flags & CSC_DELETE_ADMIN) && !cache->caller.admin)
        return CSC_E_ACCESSDENIED; /* "fails for non-admins", before any event */
    if (c->kind == K_DELETE_FOR_USER) {
        if (c->user == NULL)
            return CSC_E_INVALIDARG;
        hr = csc__caller_make(&cache->alloc, c->user, false, who);
        *made = hr == CSC_S_OK;
        if (hr == CSC_S_OK && !cache->caller.admin)
            hr = CSC_E_ACCESSDENIED; /* C13.7: needs an administrator */
    }
    return hr;
}

static csc_hresult start(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache, const call_t *c,
                         const csc_progress_t *progress, csc_cancel_t *cancel, csc_op_cb done)
{
    if (op == NULL || loop == NULL || cache == NULL || done == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE); /* C6.6, C14.5 */
    if (hr != CSC_S_OK)
        return hr;
    /* Recorded as the synchronous forms are: every call but a busy one. */
    const csc_sync_options_t *options = c->options;
    if (CSC__RECORDING(cache) && c->kind != K_ENCRYPT) { /* the recorder's sink watches */
        progress = csc__rec_async_start(cache, walk_op(c->kind), c->paths, c->count, c->flags,
                                        c->deep, c->kind == K_DELETE_FOR_USER, c->user,
                                        progress, cancel);
        if (c->kind == K_SYNC) /* ... and the conflict handler's answers */
            options = csc__rec_async_options(cache, options);
    }
    if (!cache->feature_active) { /* C13.1: before validation; no pass (C15.3) */
        if (CSC__RECORDING(cache))
            record_end(cache, c->kind, c->encrypt, c->flags, CSC_E_SERVICE_NOT_ACTIVE);
        csc__leave(cache);
        return CSC_E_SERVICE_NOT_ACTIVE;
    }
    csc__caller_t who = {0};
    bool made = false;
    hr = validate(cache, c, progress, &who, &made);
    struct csc__op_state *st = NULL;
    if (hr == CSC_S_OK) {
        st = new_state(loop, cache, c->paths, c->count, made ? &who : NULL);
        if (st == NULL)
            hr = CSC_E_OUTOFMEMORY;
    }
    if (hr != CSC_S_OK) {
        if (made)
            csc__caller_free(&cache->alloc, &who);
        /* C5.5, C15.3: the pass follows every method call, even a rejected
         * one; not Encrypt. */
        if (c->kind != K_ENCRYPT)
            csc__policy_after(cache);
        if (CSC__RECORDING(cache))
            record_end(cache, c->kind, c->encrypt, c->flags, hr);
        csc__leave(cache);
        return hr;
    }
    st->op = op;
    st->loop = loop;
    st->cache = cache;
    st->done = done;
    st->flags = c->flags;
    st->deep = c->deep;
    st->kind = c->kind;
    st->encrypt = c->encrypt;
    if (options != NULL && options->resolve_conflict != NULL) {
        st->has_handler = true;
        st->user_opts = *options;
        csc_sync_options_t walk_opts = {CSC_SYNC_OPTIONS_VERSION, st, q_resolve};
        st->walk_opts = walk_opts;
    }
    st->user_cancel = cancel;
    st->has_progress = progress != NULL;
    if (progress != NULL)
        st->user = *progress;
    /* The same bit for Pin, Unpin, Synchronize and Encrypt; DeleteItems has
     * none. */
    st->async_progress = (c->flags & CSC_PIN_FLAG_ASYNC_PROGRESS) != 0;
    op->priv_ = st;
    op->priv_peak_ = 0;
    cache->running = st;
    atomic_store_explicit(&cache->busy, true, memory_order_release);
    csc__leave(cache);
    if (uv_thread_create(&st->thread, walk_thread, st) != 0) {
        csc__guard_take(cache);
        atomic_store_explicit(&cache->busy, false, memory_order_release);
        cache->running = NULL;
        if (c->kind != K_ENCRYPT)
            csc__policy_after(cache);
        if (CSC__RECORDING(cache))
            record_end(cache, c->kind, c->encrypt, c->flags, CSC_E_FAIL);
        csc__guard_release(cache);
        op->priv_ = NULL;
        st->finished = true;
        uv_close((uv_handle_t *)&st->wake, close_cb);
        return CSC_E_FAIL;
    }
    return CSC_S_OK;
}

csc_hresult csc_unpin_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                            const char *const *paths, size_t count, uint32_t flags, bool deep,
                            const csc_progress_t *progress, csc_cancel_t *cancel,
                            csc_op_cb done)
{
    call_t c = {K_UNPIN, paths, count, flags, deep, NULL, false, NULL};
    return start(op, loop, cache, &c, progress, cancel, done);
}

csc_hresult csc_pin_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                          const char *const *paths, size_t count, uint32_t flags, bool deep,
                          const csc_progress_t *progress, csc_cancel_t *cancel, csc_op_cb done)
{
    call_t c = {K_PIN, paths, count, flags, deep, NULL, false, NULL};
    return start(op, loop, cache, &c, progress, cancel, done);
}

csc_hresult csc_synchronize_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                  const char *const *paths, size_t count, uint32_t flags,
                                  const csc_sync_options_t *options,
                                  const csc_progress_t *progress, csc_cancel_t *cancel,
                                  csc_op_cb done)
{
    call_t c = {K_SYNC, paths, count, flags, false, NULL, false, options};
    return start(op, loop, cache, &c, progress, cancel, done);
}

csc_hresult csc_delete_items_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                   const char *const *paths, size_t count, uint32_t flags,
                                   const csc_progress_t *progress, csc_cancel_t *cancel,
                                   csc_op_cb done)
{
    call_t c = {K_DELETE, paths, count, flags, false, NULL, false, NULL};
    return start(op, loop, cache, &c, progress, cancel, done);
}

csc_hresult csc_delete_items_for_user_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                                            const char *user, const char *const *paths,
                                            size_t count, uint32_t flags,
                                            const csc_progress_t *progress,
                                            csc_cancel_t *cancel, csc_op_cb done)
{
    call_t c = {K_DELETE_FOR_USER, paths, count, flags, false, user, false, NULL};
    return start(op, loop, cache, &c, progress, cancel, done);
}

csc_hresult csc_encrypt_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache, bool encrypt,
                              uint32_t flags, const csc_progress_t *progress,
                              csc_cancel_t *cancel, csc_op_cb done)
{
    call_t c = {K_ENCRYPT, NULL, 0, flags, false, NULL, encrypt, NULL};
    return start(op, loop, cache, &c, progress, cancel, done);
}

void csc_op_cancel(csc_op_t *op)
{
    if (op != NULL && op->priv_ != NULL)
        csc_cancel_request(op->priv_->own_cancel);
}

size_t csc_op_queue_peak_bytes(const csc_op_t *op)
{
    return op != NULL ? op->priv_peak_ : 0;
}

csc_hresult csc_cache_cancel_wait(csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    if (!csc__cache_busy(cache))
        return csc__in_call(cache) ? CSC_E_BUSY : CSC_S_OK;
    struct csc__op_state *st = cache->running;
    csc_cancel_request(st->own_cancel);
    if (st->in_delivery)
        return CSC_E_BUSY; /* inside the operation's own callback: cannot wait for it */
    uv_mutex_lock(&st->mu);
    st->detached = true;
    uv_cond_broadcast(&st->cond);
    uv_mutex_unlock(&st->mu);
    finish(st); /* joins the walk thread, delivers, completes */
    return CSC_S_OK;
}

void csc_cache_free(csc_cache_t *cache)
{
    if (cache == NULL)
        return;
    if (csc__cache_busy(cache)) {
        /* From inside the operation's callback: cancel, and free the cache
         * when it completes (finish). Elsewhere on the loop thread: cancel
         * and wait, then free. */
        cache->free_pending = true;
        csc_cache_cancel_wait(cache); /* S_OK: finish has freed it */
        return;
    }
    if (csc__holds(cache)) {
        /* From a callback of a running call or inside a hold: the
         * outermost call or hold frees it when it leaves (guard.c). */
        cache->free_pending = true;
        return;
    }
    csc__cache_destroy(cache);
}
