/*
 * src/async.c: asynchronous Pin and Unpin on libuv (C6.4-C6.6). An
 * operation owns a csc__op_state: a copy of the call's arguments, a
 * uv_work_t that runs the walk (walk.h) on libuv's thread pool, and a
 * uv_async_t through which the walk hands progress to the loop thread.
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
 * The completion callback runs after the last event (End) was delivered.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "tree.h"
#include "walk.h"

#include "cscsim/async.h"
#include "cscsim/cache.h"

#define BATCH_EVENTS 4096u
#define BATCH_PATH_BYTES (128u * 1024u) /* holds the longest valid path */
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
    csc_op_cb done;
    uv_work_t work;
    uv_async_t wake;
    csc_progress_t user;    /* the caller's sink (copied) */
    bool has_progress;
    bool async_progress;    /* AsyncProgress: batches, answers ignored */
    csc_cancel_t *user_cancel;
    csc_cancel_t *own_cancel; /* csc_op_cancel, csc_cache_free */
    csc__walk_op_t kind;
    uint32_t flags;
    bool deep;
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
    /* Rendezvous. */
    bool pending, answered;
    bool pending_is_query;
    csc_event_t pending_ev;
    csc_op_response_t answer;
};

/* ---- the walk thread's side ------------------------------------------- */

static batch_t *get_batch(struct csc__op_state *st)
{
    uv_mutex_lock(&st->mu);
    while (st->free_list == NULL && st->batches >= MAX_BATCHES)
        uv_cond_wait(&st->cond, &st->mu);
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
        (st->cur->count == BATCH_EVENTS || st->cur->path_used + ev->path_len > BATCH_PATH_BYTES))
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
    memcpy(b->paths + b->path_used, ev->path, ev->path_len);
    b->path_used += ev->path_len;
}

/* Hands one event to the loop thread and waits for its answer. */
static csc_op_response_t rendezvous(struct csc__op_state *st, const csc_event_t *ev, bool query)
{
    uv_mutex_lock(&st->mu);
    st->pending = true;
    st->answered = false;
    st->pending_is_query = query;
    if (ev != NULL)
        st->pending_ev = *ev;
    uv_mutex_unlock(&st->mu);
    uv_async_send(&st->wake);
    uv_mutex_lock(&st->mu);
    while (!st->answered)
        uv_cond_wait(&st->cond, &st->mu);
    csc_op_response_t answer = st->answer;
    st->pending = false;
    uv_mutex_unlock(&st->mu);
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

static void work_cb(uv_work_t *req)
{
    struct csc__op_state *st = req->data;
    csc_progress_t sink = {st, q_begin, q_query_abort, q_item, q_item, q_end};
    st->result = csc__walk_run(st->cache, (const char *const *)st->paths, st->count, st->flags,
                               st->deep, st->has_progress ? &sink : NULL, st->user_cancel,
                               st->own_cancel, false, st->kind);
}

/* ---- the loop thread's side ------------------------------------------- */

static csc_op_response_t deliver(struct csc__op_state *st, const csc_event_t *ev)
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

static void drain(struct csc__op_state *st)
{
    for (;;) {
        uv_mutex_lock(&st->mu);
        batch_t *list = st->ready_head;
        st->ready_head = st->ready_tail = NULL;
        bool pending = st->pending && !st->answered;
        csc_event_t ev = st->pending_ev;
        bool query = st->pending_is_query;
        uv_mutex_unlock(&st->mu);

        if (pending) {
            csc_op_response_t answer = CSC_OP_CONTINUE;
            if (query) {
                bool abort = false;
                st->user.query_abort(st->user.user_data, &abort);
                answer = abort ? CSC_OP_ABORT : CSC_OP_CONTINUE;
            } else {
                answer = deliver(st, &ev);
            }
            uv_mutex_lock(&st->mu);
            st->answer = answer;
            st->answered = true;
            uv_cond_broadcast(&st->cond);
            uv_mutex_unlock(&st->mu);
        }
        if (list == NULL)
            return;
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
    }
}

static void wake_cb(uv_async_t *handle)
{
    drain(handle->data);
}

static void free_state(struct csc__op_state *st)
{
    while (st->free_list != NULL) {
        batch_t *b = st->free_list;
        st->free_list = b->next;
        free(b);
    }
    csc_cancel_free(st->own_cancel);
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

static void after_work_cb(uv_work_t *req, int status)
{
    (void)status; /* never cancelled through uv_cancel */
    struct csc__op_state *st = req->data;
    drain(st); /* End and whatever the loop has not seen yet */
    csc_cache_t *cache = st->cache;
    csc_op_t *op = st->op;
    op->priv_peak_ = st->peak_batches * sizeof(batch_t);
    op->priv_ = NULL;
    cache->running = NULL;
    atomic_store_explicit(&cache->busy, false, memory_order_release);
    if (cache->free_pending)
        csc__cache_destroy(cache);
    else
        csc__policy_after(cache); /* C5.5: after the method call */
    csc_hresult result = st->result;
    csc_op_cb done = st->done;
    uv_close((uv_handle_t *)&st->wake, close_cb);
    done(op, result);
}

static csc_hresult start(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                         const char *const *paths, size_t count, uint32_t flags, bool deep,
                         const csc_progress_t *progress, csc_cancel_t *cancel, csc_op_cb done,
                         csc__walk_op_t kind)
{
    if (op == NULL || loop == NULL || cache == NULL || done == NULL)
        return CSC_E_POINTER;
    if (csc__cache_busy(cache))
        return CSC_E_BUSY;
    csc_hresult hr = csc__walk_validate(paths, count, flags, kind);
    if (hr != CSC_S_OK)
        return hr;

    struct csc__op_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return CSC_E_OUTOFMEMORY;
    /* Copy the paths: one array and one block of bytes. */
    size_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        bytes += strlen(paths[i]) + 1;
    st->paths = malloc(count * sizeof *st->paths);
    st->path_bytes = malloc(bytes);
    st->path_bytes_size = bytes;
    if (st->paths == NULL || st->path_bytes == NULL ||
        csc_cancel_new(&st->own_cancel) != CSC_S_OK) {
        free(st->paths);
        free(st->path_bytes);
        free(st);
        return CSC_E_OUTOFMEMORY;
    }
    char *p = st->path_bytes;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(paths[i]) + 1;
        memcpy(p, paths[i], n);
        st->paths[i] = p;
        p += n;
    }
    st->count = count;
    st->op = op;
    st->loop = loop;
    st->cache = cache;
    st->done = done;
    st->flags = flags;
    st->deep = deep;
    st->kind = kind;
    st->user_cancel = cancel;
    st->has_progress = progress != NULL;
    if (progress != NULL)
        st->user = *progress;
    st->async_progress = (flags & CSC_PIN_FLAG_ASYNC_PROGRESS) != 0;

    if (uv_mutex_init(&st->mu) != 0) {
        csc_cancel_free(st->own_cancel);
        free(st->paths);
        free(st->path_bytes);
        free(st);
        return CSC_E_OUTOFMEMORY;
    }
    if (uv_cond_init(&st->cond) != 0) {
        uv_mutex_destroy(&st->mu);
        csc_cancel_free(st->own_cancel);
        free(st->paths);
        free(st->path_bytes);
        free(st);
        return CSC_E_OUTOFMEMORY;
    }
    if (uv_async_init(loop, &st->wake, wake_cb) != 0) {
        st->wake.data = NULL;
        uv_cond_destroy(&st->cond);
        uv_mutex_destroy(&st->mu);
        csc_cancel_free(st->own_cancel);
        free(st->paths);
        free(st->path_bytes);
        free(st);
        return CSC_E_OUTOFMEMORY;
    }
    st->wake.data = st;
    st->work.data = st;
    op->priv_ = st;
    op->priv_peak_ = 0;
    cache->running = st;
    atomic_store_explicit(&cache->busy, true, memory_order_release);
    if (uv_queue_work(loop, &st->work, work_cb, after_work_cb) != 0) {
        atomic_store_explicit(&cache->busy, false, memory_order_release);
        cache->running = NULL;
        op->priv_ = NULL;
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
    return start(op, loop, cache, paths, count, flags, deep, progress, cancel, done,
                 CSC__OP_UNPIN);
}

csc_hresult csc_pin_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                          const char *const *paths, size_t count, uint32_t flags, bool deep,
                          const csc_progress_t *progress, csc_cancel_t *cancel, csc_op_cb done)
{
    return start(op, loop, cache, paths, count, flags, deep, progress, cancel, done,
                 CSC__OP_PIN);
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

void csc_cache_free(csc_cache_t *cache)
{
    if (cache == NULL)
        return;
    if (csc__cache_busy(cache)) {
        /* Defined, not a crash: cancel the operation; the cache goes when
         * it completes (after_work_cb). */
        cache->free_pending = true;
        csc_cancel_request(cache->running->own_cancel);
        return;
    }
    csc__cache_destroy(cache);
}
