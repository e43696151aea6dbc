/*
 * tests/test_async__progress.c: asynchronous Pin and Unpin on a libuv loop
 * (C6.3-C6.6): the order and completeness of events with End last, answers
 * honoured without AsyncProgress and ignored with it, cancellation from
 * another thread and from a loop callback, busy rejection, freeing a busy
 * cache, and the bounded progress queue. The walk runs on libuv's thread
 * pool, so these caches use the default (thread-safe) allocator and the
 * sinks do not allocate; leaks are caught by the sanitizer runs, and every
 * test ends with uv_loop_close returning 0.
 */
#include "support.h"

#include <cscsim/async.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#define MAX_REC 4096

typedef struct rec_event {
    csc_event_reason_t reason;
    csc_hresult result;
    char path[96];
} rec_event_t;

typedef struct ctx {
    csc_op_t op;
    csc_cache_t *cache;
    uv_loop_t *loop;
    bool done;
    csc_hresult result;
    size_t events, item_begins, item_results, ends;
    bool end_was_last;   /* no event arrived after End */
    rec_event_t *rec;    /* first MAX_REC events, if non-NULL */
    size_t abort_at;     /* ABORT to this ItemBegin (answers honoured only) */
    size_t retry_at;     /* RETRY to this ItemResult, once */
    size_t cancel_at;    /* csc_op_cancel at this ItemBegin */
    bool busy_checked;   /* busy rejection checked inside a callback */
    bool free_in_callback;
    uv_sem_t *to_thread, *from_thread; /* cancel from another thread */
} ctx_t;

static void record(ctx_t *c, const csc_event_t *ev)
{
    if (c->ends > 0)
        c->end_was_last = false;
    if (c->rec != NULL && c->events < MAX_REC) {
        rec_event_t *r = &c->rec[c->events];
        r->reason = ev->reason;
        r->result = ev->result;
        size_t n = ev->path_len < sizeof r->path - 1 ? ev->path_len : sizeof r->path - 1;
        memcpy(r->path, ev->path, n);
        r->path[n] = '\0';
    }
    c->events++;
}

static void never_done(csc_op_t *op, csc_hresult result)
{
    (void)op;
    (void)result;
    fail();
}

static void on_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)abort;
    record(ud, ev);
}

static csc_op_response_t on_item_begin(void *ud, const csc_event_t *ev)
{
    ctx_t *c = ud;
    record(c, ev);
    c->item_begins++;
    if (c->item_begins == 2 && !c->busy_checked) {
        /* C6.6: every other call on the cache is refused while it runs. */
        const char *p[] = {"\\\\srv\\share"};
        csc_item_t *item = NULL;
        csc_op_t other;
        assert_int_equal(csc_unpin(c->cache, p, 1, 0x20, true, NULL, NULL), CSC_E_BUSY);
        assert_int_equal(csc_pin(c->cache, p, 1, 0x20, true, NULL, NULL), CSC_E_BUSY);
        assert_int_equal(csc_cache_file(c->cache, "\\\\srv\\share\\new", true, 1, NULL),
                         CSC_E_BUSY);
        assert_int_equal(csc_cache_find(c->cache, "\\\\srv\\share", &item), CSC_E_BUSY);
        assert_int_equal(csc_cache_set_caller(c->cache, "bob", false), CSC_E_BUSY);
        assert_int_equal(csc_cache_check(c->cache, NULL, 0), CSC_E_BUSY);
        assert_int_equal(csc_cache_close(c->cache), CSC_E_BUSY);
        assert_true(csc_cache_busy(c->cache));
        assert_int_equal(csc_unpin_async(&other, c->loop, c->cache, p, 1, 0x20, true, NULL, NULL,
                                         never_done),
                         CSC_E_BUSY);
        c->busy_checked = true;
    }
    if (c->cancel_at != 0 && c->item_begins == c->cancel_at) {
        if (c->to_thread != NULL) {
            uv_sem_post(c->to_thread);   /* the other thread cancels ... */
            uv_sem_wait(c->from_thread); /* ... before this item goes on */
        } else {
            csc_op_cancel(&c->op);
        }
    }
    if (c->free_in_callback && c->item_begins == 3) {
        csc_cache_free(c->cache); /* defined: cancels, frees at completion */
        c->cache = NULL;
    }
    return c->abort_at != 0 && c->item_begins == c->abort_at ? CSC_OP_ABORT : CSC_OP_CONTINUE;
}

static csc_op_response_t on_item_result(void *ud, const csc_event_t *ev)
{
    ctx_t *c = ud;
    record(c, ev);
    c->item_results++;
    return c->retry_at != 0 && c->item_results == c->retry_at ? CSC_OP_RETRY : CSC_OP_CONTINUE;
}

static void on_end(void *ud, const csc_event_t *ev)
{
    ctx_t *c = ud;
    record(c, ev);
    c->ends++;
    c->end_was_last = true;
}

static void on_done(csc_op_t *op, csc_hresult result)
{
    ctx_t *c = op->data;
    assert_false(c->done); /* exactly once */
    assert_int_equal(c->ends, 1); /* after End was delivered */
    c->done = true;
    c->result = result;
}

static csc_progress_t sink_for(ctx_t *c)
{
    csc_progress_t s = {CSC_PROGRESS_VERSION, c, on_begin, NULL, on_item_begin, on_item_result, on_end};
    return s;
}

/* A cache with `dirs` directories of `files` files under \\srv\share,
 * pinned deep for ForUser. */
static csc_cache_t *make_cache(int dirs, int files)
{
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
    char path[96];
    for (int d = 0; d < dirs; d++)
        for (int f = 0; f < files; f++) {
            snprintf(path, sizeof path, "\\\\srv\\share\\d%04d\\f%04d.txt", d, f);
            assert_int_equal(csc_cache_file(cache, path, true, 10, NULL), CSC_S_OK);
        }
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_pin(cache, p, 1, 0x20, true, NULL, NULL), CSC_S_OK);
    return cache;
}

static void run_loop(uv_loop_t *loop, ctx_t *c)
{
    assert_int_equal(uv_run(loop, UV_RUN_DEFAULT), 0);
    assert_true(c->done);
}

static void close_loop(uv_loop_t *loop)
{
    assert_int_equal(uv_loop_close(loop), 0);
}

/* C6.4: with AsyncProgress, every event arrives on the loop, in the order of
 * the synchronous walk, End last; the effects are those of csc_unpin. */
static void test_async_progress_same_events_as_sync(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t sync = {0}, async = {0};
    sync.busy_checked = true;
    sync.rec = calloc(MAX_REC, sizeof *sync.rec);
    async.rec = calloc(MAX_REC, sizeof *async.rec);
    csc_cache_t *a = make_cache(4, 25), *b = make_cache(4, 25);
    const char *p[] = {"\\\\srv\\share\\d0001", "\\\\srv\\missing", "\\\\srv\\share"};
    csc_progress_t s1 = sink_for(&sync), s2 = sink_for(&async);

    csc_hresult want = csc_unpin(a, p, 3, 0x20 | 0x400, true, &s1, NULL);
    async.cache = b;
    async.op.data = &async;
    async.loop = &loop;
    async.busy_checked = true;
    assert_int_equal(csc_unpin_async(&async.op, &loop, b, p, 3, 0x20 | 0x400, true, &s2, NULL,
                                     on_done),
                     CSC_S_OK);
    run_loop(&loop, &async);

    assert_int_equal(async.result, want);
    assert_int_equal(async.events, sync.events);
    assert_int_equal(async.events, 2 + 2 * (26 + 1 + 105));
    for (size_t i = 0; i < sync.events; i++) {
        assert_int_equal(async.rec[i].reason, sync.rec[i].reason);
        assert_int_equal(async.rec[i].result, sync.rec[i].result);
        assert_string_equal(async.rec[i].path, sync.rec[i].path);
    }
    assert_int_equal(async.rec[0].reason, CSC_EVENT_BEGIN);
    assert_int_equal(async.rec[async.events - 1].reason, CSC_EVENT_END);
    assert_true(async.end_was_last);
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(b, "\\\\srv\\share\\d0003\\f0024.txt", &item), CSC_S_OK);
    assert_false(csc_item_is_pinned(item));
    assert_int_equal(csc_cache_check(b, NULL, 0), CSC_S_OK);
    csc_cache_free(a);
    csc_cache_free(b);
    free(sync.rec);
    free(async.rec);
    close_loop(&loop);
}

/* C6.3 in an asynchronous operation without AsyncProgress: ABORT to the
 * third ItemBegin stops the walk there, nothing rolled back (C4.6). */
static void test_answers_honoured_without_async_progress(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(1, 5);
    c.op.data = &c;
    c.loop = &loop;
    c.abort_at = 3;
    c.retry_at = 1;
    c.rec = calloc(MAX_REC, sizeof *c.rec);
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share\\d0000"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20, true, &s, NULL, on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(c.result, CSC_E_CANCELLED);
    /* Begin, (IB, IR RETRY, IB, IR) for the directory, IB(f0000) ABORT, End. */
    assert_int_equal(c.events, 7);
    assert_string_equal(c.rec[1].path, "\\\\srv\\share\\d0000");
    assert_string_equal(c.rec[3].path, "\\\\srv\\share\\d0000");
    assert_string_equal(c.rec[5].path, "\\\\srv\\share\\d0000\\f0000.txt");
    assert_int_equal(c.rec[6].result, CSC_E_CANCELLED);
    csc_item_t *dir = NULL, *f0 = NULL;
    assert_int_equal(csc_cache_find(c.cache, p[0], &dir), CSC_S_OK);
    assert_int_equal(csc_cache_find(c.cache, "\\\\srv\\share\\d0000\\f0000.txt", &f0), CSC_S_OK);
    assert_false(csc_item_is_pinned(dir)); /* done before the abort: kept */
    assert_true(csc_item_is_pinned(f0));   /* aborted at its ItemBegin */
    csc_cache_free(c.cache);
    free(c.rec);
    close_loop(&loop);
}

/* C6.4: with AsyncProgress, answers are ignored. */
static void test_answers_ignored_with_async_progress(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(1, 5);
    c.op.data = &c;
    c.loop = &loop;
    c.abort_at = 2;
    c.retry_at = 1;
    c.busy_checked = true;
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share\\d0000"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20 | 0x400, true, &s, NULL,
                                     on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(c.result, CSC_S_OK);
    assert_int_equal(c.events, 2 + 2 * 6);
    csc_item_t *f4 = NULL;
    assert_int_equal(csc_cache_find(c.cache, "\\\\srv\\share\\d0000\\f0004.txt", &f4), CSC_S_OK);
    assert_false(csc_item_is_pinned(f4));
    csc_cache_free(c.cache);
    close_loop(&loop);
}

/* C6.6: while the operation runs, other calls fail with ERROR_BUSY; after
 * completion they work again. The checks run inside on_item_begin. */
static void test_busy_rejection(void **state)
{
    (void)state;
    uv_loop_t *loop = uv_default_loop();
    ctx_t c = {0};
    c.cache = make_cache(2, 5);
    c.op.data = &c;
    c.loop = loop;
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_pin_async(&c.op, loop, c.cache, p, 1, 0x80, true, &s, NULL, on_done),
                     CSC_S_OK);
    run_loop(loop, &c);
    assert_true(c.busy_checked);
    assert_int_equal(c.result, CSC_S_OK);
    assert_false(csc_cache_busy(c.cache));
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(c.cache, "\\\\srv\\share\\d0001\\f0004.txt", &item), CSC_S_OK);
    assert_int_equal(csc_item_pins(item), 0x20 | 0x80);
    assert_int_equal(csc_cache_check(c.cache, NULL, 0), CSC_S_OK);
    csc_cache_free(c.cache);
    close_loop(loop);
}

typedef struct canceller {
    uv_sem_t go, gone;
    csc_op_t *op;
} canceller_t;

static void cancel_thread(void *arg)
{
    canceller_t *k = arg;
    uv_sem_wait(&k->go);
    csc_op_cancel(k->op);
    uv_sem_post(&k->gone);
}

/* C4.5 step 1: a cancellation requested from another thread while the 4th
 * item is being begun stops the walk before the 5th. */
static void test_cancel_from_another_thread(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    canceller_t k;
    uv_thread_t th;
    assert_int_equal(uv_sem_init(&k.go, 0), 0);
    assert_int_equal(uv_sem_init(&k.gone, 0), 0);
    k.op = &c.op;
    c.cache = make_cache(2, 10);
    c.op.data = &c;
    c.loop = &loop;
    c.cancel_at = 4;
    c.to_thread = &k.go;
    c.from_thread = &k.gone;
    c.busy_checked = true;
    assert_int_equal(uv_thread_create(&th, cancel_thread, &k), 0);
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20, true, &s, NULL, on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(uv_thread_join(&th), 0);
    assert_int_equal(c.result, CSC_E_CANCELLED);
    assert_int_equal(c.item_begins, 4);
    assert_int_equal(c.item_results, 4);
    uv_sem_destroy(&k.go);
    uv_sem_destroy(&k.gone);
    csc_cache_free(c.cache);
    close_loop(&loop);
}

/* Cancelling from a loop callback with AsyncProgress: the queue is bounded,
 * so the walk cannot have finished 2 x 20,000 items when the first ItemBegin
 * is delivered; it stops, End carries 0x800704C7 and comes last. */
static void test_cancel_from_loop_callback_async_progress(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(100, 200);
    c.op.data = &c;
    c.loop = &loop;
    c.cancel_at = 1;
    c.busy_checked = true;
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20 | 0x400, true, &s, NULL,
                                     on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(c.result, CSC_E_CANCELLED);
    assert_true(c.end_was_last);
    assert_true(c.item_begins < 20101);
    assert_true(csc_op_queue_peak_bytes(&c.op) > 0);
    csc_cache_free(c.cache);
    close_loop(&loop);
}

/* Bounded memory: a deep unpin of 40,000 files with AsyncProgress never
 * holds more than the fixed number of batches, whatever the loop's speed. */
static void test_queue_is_bounded(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(200, 200);
    c.op.data = &c;
    c.loop = &loop;
    c.busy_checked = true;
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20 | 0x400, true, &s, NULL,
                                     on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(c.result, CSC_S_OK);
    assert_int_equal(c.events, 2 + 2 * (1 + 200 + 40000));
    size_t peak = csc_op_queue_peak_bytes(&c.op);
    assert_true(peak > 0);
    assert_true(peak <= 4u * (4096u * 16u + 128u * 1024u + 64u));
    csc_cache_free(c.cache);
    close_loop(&loop);
}

/* Freeing a busy cache is defined: the operation is cancelled and the cache
 * goes when it completes. */
static void test_free_while_busy(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(2, 10);
    c.op.data = &c;
    c.loop = &loop;
    c.free_in_callback = true;
    c.busy_checked = true;
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20, true, &s, NULL, on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(c.result, CSC_E_CANCELLED);
    assert_int_equal(c.item_begins, 3);
    close_loop(&loop);
}

/* C4.1 and E_POINTER: nothing starts, no event, done is never called. */
static void test_start_errors(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(1, 1);
    c.op.data = &c;
    c.loop = &loop;
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 0, 0x20, true, &s, NULL, on_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x400, true, &s, NULL, on_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_pin_async(&c.op, &loop, c.cache, p, 1, 0x20 | 0x2, true, &s, NULL,
                                   on_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_unpin_async(NULL, &loop, c.cache, p, 1, 0x20, true, &s, NULL, on_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_unpin_async(&c.op, NULL, c.cache, p, 1, 0x20, true, &s, NULL, on_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20, true, &s, NULL, NULL),
                     CSC_E_POINTER);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(c.events, 0);
    assert_false(c.done);
    assert_false(csc_cache_busy(c.cache));
    csc_cache_free(c.cache);
    close_loop(&loop);
}

/* A cancel token set before the call: Begin, then End cancelled. */
static void test_cancel_token_before_start(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c = {0};
    c.cache = make_cache(1, 3);
    c.op.data = &c;
    c.loop = &loop;
    c.rec = calloc(MAX_REC, sizeof *c.rec);
    csc_cancel_t *token = NULL;
    assert_int_equal(csc_cancel_new(&token), CSC_S_OK);
    csc_cancel_request(token);
    csc_progress_t s = sink_for(&c);
    const char *p[] = {"\\\\srv\\share"};
    assert_int_equal(csc_unpin_async(&c.op, &loop, c.cache, p, 1, 0x20 | 0x400, true, &s, token,
                                     on_done),
                     CSC_S_OK);
    run_loop(&loop, &c);
    assert_int_equal(c.result, CSC_E_CANCELLED);
    assert_int_equal(c.events, 2);
    assert_int_equal(c.rec[0].reason, CSC_EVENT_BEGIN);
    assert_int_equal(c.rec[1].reason, CSC_EVENT_END);
    assert_int_equal(c.rec[1].result, CSC_E_CANCELLED);
    csc_cancel_free(token);
    csc_cache_free(c.cache);
    free(c.rec);
    close_loop(&loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_async_progress_same_events_as_sync),
        cmocka_unit_test(test_answers_honoured_without_async_progress),
        cmocka_unit_test(test_answers_ignored_with_async_progress),
        cmocka_unit_test(test_busy_rejection),
        cmocka_unit_test(test_cancel_from_another_thread),
        cmocka_unit_test(test_cancel_from_loop_callback_async_progress),
        cmocka_unit_test(test_queue_is_bounded),
        cmocka_unit_test(test_free_while_busy),
        cmocka_unit_test(test_start_errors),
        cmocka_unit_test(test_cancel_token_before_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
