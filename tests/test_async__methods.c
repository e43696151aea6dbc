/*
 * tests/test_async__methods.c: the asynchronous forms of Synchronize,
 * DeleteItems, DeleteItemsForUser and Encrypt (C6.3-C6.6, C12.5, C13.4,
 * C13.7, C14.5, C15.3, C15.16, C16.5). Each is checked against its synchronous form on an identical
 * cache: the same events in the same order, delivered on the loop with End
 * last and before the completion callback, the same answers honoured
 * (ABORT, RETRY) or ignored (AsyncProgress), the same result, the same
 * cache afterwards and the same recording. Then cancellation (csc_op_cancel
 * from a callback), the busy refusal of every other call (C6.6), the
 * refusals before anything starts with the policy's pass after them (not
 * after Encrypt, C15.3), and teardown with csc_cache_cancel_wait and
 * csc_cache_free without running the loop. The walk runs on a thread of its
 * own, so these caches use the C library's allocator; every test ends with
 * uv_loop_close returning 0. Synchronize's conflict handler runs on the
 * loop thread, between the item's ItemBegin and ItemResult, with or
 * without AsyncProgress, and its answer is applied as the synchronous
 * form applies it.
 */
#include "sync_support.h"

#include <cscsim/async.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#define SH "\\\\s\\sh"
#define D SH "\\d"
#define X D "\\x"
#define Y D "\\y"
#define Z SH "\\z"
#define GONE SH "\\gone"

/* ---- the calls under test ---------------------------------------------------- */

typedef enum kind { DELETE, DELETE_FOR_USER, ENCRYPT, SYNC } kind_t;

typedef struct call {
    kind_t kind;
    const char *const *paths;
    size_t count;
    uint32_t flags;
    const char *user;
    bool encrypt;
    /* Synchronize: the cache to build (a conflict on x), and the handler's
     * answer (NONE and no handler when `handler` is false). */
    bool handler;
    csc_sync_resolve_t answer;
    const char *new_name;
} call_t;

static csc_sync_options_t options_for(void *ctx, const call_t *c);

static csc_hresult run_sync(csc_cache_t *cache, const call_t *c, const csc_progress_t *sink,
                            csc_cancel_t *cancel)
{
    csc_sync_options_t o = options_for((void *)sink->user_data, c);
    switch (c->kind) {
    case SYNC:
        return csc_synchronize_ex(cache, c->paths, c->count, c->flags, &o, sink, cancel);
    case DELETE:
        return csc_delete_items(cache, c->paths, c->count, c->flags, sink, cancel);
    case DELETE_FOR_USER:
        return csc_delete_items_for_user(cache, c->user, c->paths, c->count, c->flags, sink,
                                         cancel);
    default:
        return csc_encrypt(cache, c->encrypt, c->flags, sink, cancel);
    }
}

static csc_hresult start_async(csc_op_t *op, uv_loop_t *loop, csc_cache_t *cache,
                               const call_t *c, const csc_progress_t *sink, csc_cancel_t *cancel,
                               csc_op_cb done)
{
    csc_sync_options_t o = options_for(op->data, c); /* copied */
    switch (c->kind) {
    case SYNC:
        return csc_synchronize_async(op, loop, cache, c->paths, c->count, c->flags, &o, sink,
                                     cancel, done);
    case DELETE:
        return csc_delete_items_async(op, loop, cache, c->paths, c->count, c->flags, sink, cancel,
                                      done);
    case DELETE_FOR_USER:
        return csc_delete_items_for_user_async(op, loop, cache, c->user, c->paths, c->count,
                                               c->flags, sink, cancel, done);
    default:
        return csc_encrypt_async(op, loop, cache, c->encrypt, c->flags, sink, cancel, done);
    }
}

/* \\s\sh\d\x, \\s\sh\d\y (bob may access it), \\s\sh\z (open); the caller
 * carol, an administrator. The C library's allocator: the walk runs on a
 * thread of its own. */
static csc_cache_t *build(void)
{
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
    csc_test_file(cache, X, 10);
    csc_test_file(cache, Y, 20);
    csc_item_t *z = csc_test_file(cache, Z, 30);
    assert_int_equal(csc_item_open(cache, z), CSC_S_OK);
    assert_int_equal(csc_item_set_access(cache, csc_test_find(cache, X),
                                         (const char *[]){"carol"}, 1),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, "carol", true), CSC_S_OK);
    return cache;
}

/* x changed on both sides (local 10 bytes dirty at time 3, the server's
 * version of 20 bytes at 5), y changed locally, z on the server. */
static csc_cache_t *build_sync(void)
{
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
    csc_test_file(cache, X, 10);
    csc_test_file(cache, Y, 10);
    csc_test_file(cache, Z, 10);
    csc_test_advance_to(cache, 3);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, X), 4), CSC_S_OK);
    set_local_time(cache, X, 3);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, Y), 2), CSC_S_OK);
    csc_test_advance_to(cache, 5);
    assert_int_equal(csc_remote_write(cache, X, true, 20), CSC_S_OK);
    assert_int_equal(csc_remote_write(cache, Z, true, 30), CSC_S_OK);
    return cache;
}

static csc_cache_t *build_for(const call_t *c)
{
    return c->kind == SYNC ? build_sync() : build();
}

/* ---- a sink on the loop thread ----------------------------------------------- */

typedef struct ctx {
    csc_op_t op;
    csc_test_recorder_t rec; /* the events, and the script of answers */
    csc_progress_t sink;     /* wraps rec.sink */
    csc_cache_t *cache;
    uv_loop_t *loop;
    csc_cancel_t *token;     /* the synchronous run's stand-in for csc_op_cancel */
    bool is_async;
    size_t cancel_at;        /* cancel at this ItemBegin (0: never) */
    bool check_busy;         /* at the first ItemBegin: every other call is busy */
    bool busy_checked;
    size_t item_begins;
    size_t ends;
    bool event_after_end;
    int done_calls;
    size_t events_at_done;
    bool idle_in_done;
    csc_hresult result;
    /* Synchronize's handler. */
    const call_t *call;
    uv_thread_t loop_thread;
    unsigned conflicts;
    bool handler_on_loop_thread;
    size_t items_in_handler;
    csc_hresult change_in_handler;
    char name[64];
} ctx_t;

static void never_done(csc_op_t *op, csc_hresult result)
{
    (void)op;
    (void)result;
    fail_msg("completion of a refused call");
}

static void seen(ctx_t *c)
{
    if (c->ends > 0)
        c->event_after_end = true;
}

/* pin.h: an event's path is NUL-terminated, batched (AsyncProgress) or
 * not. */
static void seen_ev(ctx_t *c, const csc_event_t *ev)
{
    seen(c);
    assert_int_equal(ev->path[ev->path_len], '\0');
    assert_int_equal(strlen(ev->path), ev->path_len);
}

static void w_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    ctx_t *c = ud;
    seen_ev(c, ev);
    c->rec.sink.begin(&c->rec, ev, abort);
}

static void w_query(void *ud, bool *abort)
{
    ctx_t *c = ud;
    c->rec.sink.query_abort(&c->rec, abort);
}

/* C6.6: while an asynchronous operation runs, every other call that can
 * fail on the cache is refused at once, whatever its kind. */
static void check_busy(ctx_t *c)
{
    csc_cache_t *cache = c->cache;
    const char *p[] = {X};
    csc_op_t other;
    assert_true(csc_cache_busy(cache));
    assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), CSC_E_BUSY);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", p, 1, 0, NULL, NULL), CSC_E_BUSY);
    assert_int_equal(csc_encrypt(cache, true, 0, NULL, NULL), CSC_E_BUSY);
    assert_int_equal(csc_synchronize_ex(cache, p, 1, SYNC_INOUT, NULL, NULL, NULL), CSC_E_BUSY);
    assert_int_equal(csc_synchronize_async(&other, c->loop, cache, p, 1, SYNC_INOUT, NULL, NULL,
                                           NULL, never_done),
                     CSC_E_BUSY);
    assert_int_equal(csc_delete_items_async(&other, c->loop, cache, p, 1, 0, NULL, NULL,
                                            never_done),
                     CSC_E_BUSY);
    assert_int_equal(csc_delete_items_for_user_async(&other, c->loop, cache, "bob", p, 1, 0,
                                                     NULL, NULL, never_done),
                     CSC_E_BUSY);
    assert_int_equal(csc_encrypt_async(&other, c->loop, cache, false, 0, NULL, NULL,
                                       never_done),
                     CSC_E_BUSY);
    assert_int_equal(csc_unpin_async(&other, c->loop, cache, p, 1, CSC_PIN_FLAG_FOR_USER, true,
                                     NULL, NULL, never_done),
                     CSC_E_BUSY);
    bool enc = false;
    assert_int_equal(csc_get_encryption_status(cache, &enc, NULL), CSC_E_BUSY);
    assert_int_equal(csc_cache_close(cache), CSC_E_BUSY);
    c->busy_checked = true;
}

static csc_op_response_t w_item_begin(void *ud, const csc_event_t *ev)
{
    ctx_t *c = ud;
    seen_ev(c, ev);
    c->item_begins++;
    if (c->check_busy && c->item_begins == 1)
        check_busy(c);
    if (c->cancel_at != 0 && c->item_begins == c->cancel_at) {
        if (c->is_async)
            csc_op_cancel(&c->op);
        else
            csc_cancel_request(c->token);
    }
    return c->rec.sink.item_begin(&c->rec, ev);
}

static csc_op_response_t w_item_result(void *ud, const csc_event_t *ev)
{
    ctx_t *c = ud;
    seen_ev(c, ev);
    return c->rec.sink.item_result(&c->rec, ev);
}

static void w_end(void *ud, const csc_event_t *ev)
{
    ctx_t *c = ud;
    seen_ev(c, ev);
    c->ends++;
    c->rec.sink.end(&c->rec, ev);
}

/* The conflict handler (C16.5): noted among the events, so that its place
 * between ItemBegin and ItemResult is checked; it reads the cache (a read
 * that cannot fail waits for the walk to pause) and tries a change
 * (refused, C14.5, C6.6). */
static csc_sync_resolve_t on_conflict(void *ud, const csc_conflict_t *cf, const char **new_name)
{
    ctx_t *c = ud;
    seen(c);
    c->conflicts++;
    uv_thread_t self = uv_thread_self();
    c->handler_on_loop_thread = uv_thread_equal(&self, &c->loop_thread) != 0;
    c->items_in_handler = csc_cache_item_count(c->cache);
    c->change_in_handler = csc_cache_file(c->cache, "\\\\h\\s\\x.txt", false, 0, NULL);
    char line[600];
    snprintf(line, sizeof line, "conflict %s %u 0x%X 0x%X", cf->path, (unsigned)cf->state,
             (unsigned)cf->state_known, (unsigned)cf->change_details);
    char *copy = test_malloc(strlen(line) + 1);
    strcpy(copy, line);
    assert_true(c->rec.count < CSC_TEST_MAX_EVENTS);
    c->rec.events[c->rec.count++] = copy;
    if (c->call->new_name != NULL) {
        snprintf(c->name, sizeof c->name, "%s", c->call->new_name);
        *new_name = c->name;
    }
    return c->call->answer;
}

static csc_sync_options_t options_for(void *ctx, const call_t *c)
{
    csc_sync_options_t o = CSC_SYNC_OPTIONS_INIT;
    if (c->kind == SYNC && c->handler) {
        ((ctx_t *)ctx)->call = c;
        o.user_data = ctx;
        o.resolve_conflict = on_conflict;
    }
    return o;
}

static void ctx_init(ctx_t *c, csc_cache_t *cache, uv_loop_t *loop)
{
    memset(c, 0, sizeof *c);
    c->loop_thread = uv_thread_self();
    csc_test_recorder_init(&c->rec);
    csc_progress_t s = CSC_PROGRESS_INIT;
    s.user_data = c;
    s.begin = w_begin;
    s.query_abort = w_query;
    s.item_begin = w_item_begin;
    s.item_result = w_item_result;
    s.end = w_end;
    c->sink = s;
    c->cache = cache;
    c->loop = loop;
    c->op.data = c;
}

static void on_done(csc_op_t *op, csc_hresult result)
{
    ctx_t *c = op->data;
    c->done_calls++;
    c->result = result;
    c->events_at_done = c->rec.count;
    /* The cache is idle again: any call may be made from here. */
    c->idle_in_done = !csc_cache_busy(c->cache) &&
                      csc_get_encryption_status(c->cache, NULL, NULL) == CSC_S_OK;
}

static void close_loop(uv_loop_t *loop)
{
    uv_run(loop, UV_RUN_NOWAIT); /* the operation's handle finishes closing */
    assert_int_equal(uv_loop_close(loop), 0);
}

/* ---- the same call, synchronous and asynchronous ----------------------------- */

typedef struct script {
    size_t abort_at, retry_at, cancel_at;
    bool check_busy;
} script_t;

/* Runs `call` synchronously on one cache and asynchronously on another,
 * identical, and checks that they agree. Returns the result. */
static csc_hresult same_as_sync(const call_t *call, const script_t *script)
{
    csc_cache_t *a = build_for(call), *b = build_for(call);
    /* Synchronous. */
    ctx_t s;
    ctx_init(&s, a, NULL);
    s.rec.abort_at = script->abort_at;
    s.rec.retry_at = script->retry_at;
    s.cancel_at = script->cancel_at;
    assert_int_equal(csc_cancel_new(&s.token), CSC_S_OK);
    csc_hresult want = run_sync(a, call, &s.sink, s.token);
    /* Asynchronous, on the loop. */
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    ctx_t c;
    ctx_init(&c, b, &loop);
    c.is_async = true;
    c.rec.abort_at = script->abort_at;
    c.rec.retry_at = script->retry_at;
    c.cancel_at = script->cancel_at;
    c.check_busy = script->check_busy;
    assert_int_equal(start_async(&c.op, &loop, b, call, &c.sink, NULL, on_done), CSC_S_OK);
    assert_int_equal(c.rec.count, 0); /* nothing is delivered before the loop runs */
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(c.done_calls, 1);
    assert_true(c.idle_in_done);
    assert_int_equal(c.result, want);
    assert_int_equal(c.ends, 1);
    assert_false(c.event_after_end);
    assert_int_equal(c.events_at_done, c.rec.count); /* End came before done */
    assert_true(c.busy_checked == script->check_busy);
    assert_int_equal(c.conflicts, s.conflicts);
    if (c.conflicts > 0) {
        assert_true(c.handler_on_loop_thread);
        assert_int_equal(c.items_in_handler, s.items_in_handler);
        assert_int_equal(c.change_in_handler, CSC_E_BUSY);
        assert_int_equal(s.change_in_handler, CSC_E_BUSY);
    }
    csc_test_assert_strings(__FILE__, __LINE__, "events", (const char *const *)c.rec.events,
                            c.rec.count, (const char *const *)s.rec.events);
    assert_int_equal(c.rec.count, s.rec.count);
    char *da = csc_test_dump(a), *db = csc_test_dump(b);
    assert_string_equal(db, da);
    free(da);
    free(db);
    assert_cache_ok(b);
    csc_test_recorder_clear(&s.rec);
    csc_test_recorder_clear(&c.rec);
    csc_cancel_free(s.token);
    csc_cache_free(a);
    csc_cache_free(b);
    assert_int_equal(uv_loop_close(&loop), 0);
    return want;
}

static const char *const DELETE_PATHS[] = {D, Z, GONE, "bad\\path"};
static const char *const USER_PATHS[] = {X, Y};

static const call_t DELETE_CALL = {DELETE, DELETE_PATHS, 4, 0, NULL, false, false, 0, NULL};
static const call_t USER_CALL = {DELETE_FOR_USER, USER_PATHS, 2, 0, "bob", false, false, 0, NULL};
static const call_t ENCRYPT_CALL = {ENCRYPT, NULL, 0, 0, NULL, true, false, 0, NULL};
static const call_t ENCRYPT_ASYNC_PROGRESS = {
    ENCRYPT, NULL, 0, CSC_ENCRYPT_FLAG_ASYNC_PROGRESS, NULL, true, false, 0, NULL};

static void test_delete_items_async_as_sync(void **state)
{
    (void)state;
    script_t none = {0};
    /* x, y, d deleted; z open; gone not cached; a path not valid. */
    assert_int_equal(same_as_sync(&DELETE_CALL, &none), CSC_E_MORE_DATA);
    /* Answers take effect at once (C6.3): ABORT at the second ItemBegin,
     * RETRY of the open file's result. */
    script_t abort2 = {.abort_at = 2};
    assert_int_equal(same_as_sync(&DELETE_CALL, &abort2), CSC_E_CANCELLED);
    script_t retry = {.retry_at = 4};
    assert_int_equal(same_as_sync(&DELETE_CALL, &retry), CSC_E_MORE_DATA);
    /* DelModified and NoPinned are the synchronous form's too. */
    call_t kept = DELETE_CALL;
    kept.flags = CSC_DELETE_NO_PINNED | CSC_DELETE_DEL_MODIFIED;
    same_as_sync(&kept, &none);
}

static void test_delete_items_for_user_async_as_sync(void **state)
{
    (void)state;
    script_t none = {0};
    /* bob may not access x (C13.7); y is deleted. */
    assert_int_equal(same_as_sync(&USER_CALL, &none), CSC_E_MORE_DATA);
    script_t abort1 = {.abort_at = 1};
    assert_int_equal(same_as_sync(&USER_CALL, &abort1), CSC_E_CANCELLED);
    call_t admin = USER_CALL;
    admin.flags = CSC_DELETE_ADMIN; /* no access check */
    assert_int_equal(same_as_sync(&admin, &none), CSC_S_OK);
}

static void test_encrypt_async_as_sync(void **state)
{
    (void)state;
    script_t none = {0};
    assert_int_equal(same_as_sync(&ENCRYPT_CALL, &none), CSC_S_OK);
    script_t retry = {.retry_at = 3}; /* z, open: 0x80070020, then again */
    assert_int_equal(same_as_sync(&ENCRYPT_CALL, &retry), CSC_S_OK);
    script_t abort2 = {.abort_at = 2};
    assert_int_equal(same_as_sync(&ENCRYPT_CALL, &abort2), CSC_E_CANCELLED);
    call_t off = ENCRYPT_CALL;
    off.encrypt = false;
    assert_int_equal(same_as_sync(&off, &none), CSC_S_OK);
    /* AsyncProgress (C6.4): answers are ignored, the events are the same. */
    assert_int_equal(same_as_sync(&ENCRYPT_ASYNC_PROGRESS, &abort2), CSC_S_OK);
    assert_int_equal(same_as_sync(&ENCRYPT_ASYNC_PROGRESS, &retry), CSC_S_OK);
}

static const char *const SYNC_PATHS[] = {D, Z};
#define SYNC_CALL(flags_, handler_, answer_)                                            \
    {SYNC, SYNC_PATHS, 2, SYNC_INOUT | (flags_), NULL, false, (handler_), (answer_), NULL}

/* C12.5, C16.5: with and without a handler, every answer, as the
 * synchronous form; AsyncProgress changes delivery only (the handler's
 * answer still counts). */
static void test_synchronize_async_as_sync(void **state)
{
    (void)state;
    script_t none = {0};
    const call_t no_handler = SYNC_CALL(0, false, CSC_SYNC_RESOLVE_NONE);
    assert_int_equal(same_as_sync(&no_handler, &none), CSC_S_OK);
    const call_t keep_remote = SYNC_CALL(CSC_SYNC_CR_KEEP_REMOTE, false, CSC_SYNC_RESOLVE_NONE);
    assert_int_equal(same_as_sync(&keep_remote, &none), CSC_S_OK);
    for (int r = 0; r <= 8; r++) {
        const call_t with = SYNC_CALL(0, true, (csc_sync_resolve_t)r);
        same_as_sync(&with, &none);
        const call_t batched = SYNC_CALL(CSC_SYNC_FLAG_ASYNC_PROGRESS, true,
                                         (csc_sync_resolve_t)r);
        same_as_sync(&batched, &none);
    }
    const call_t abort = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_ABORT);
    assert_int_equal(same_as_sync(&abort, &none), CSC_E_CANCELLED);
    /* KEEPALLCHANGES with the handler's name (copied when it returns). */
    call_t named = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_KEEPALLCHANGES);
    named.new_name = "mine.txt";
    same_as_sync(&named, &none);
    named.flags |= CSC_SYNC_FLAG_ASYNC_PROGRESS;
    same_as_sync(&named, &none);
    /* Progress answers: honoured without AsyncProgress, ignored with it. */
    const call_t skip = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_SKIP);
    script_t abort2 = {.abort_at = 2}, retry = {.retry_at = 3};
    assert_int_equal(same_as_sync(&skip, &abort2), CSC_E_CANCELLED);
    same_as_sync(&skip, &retry);
    const call_t skip_batched = SYNC_CALL(CSC_SYNC_FLAG_ASYNC_PROGRESS, true,
                                          CSC_SYNC_RESOLVE_SKIP);
    assert_int_equal(same_as_sync(&skip_batched, &abort2), CSC_S_OK);
}

/* The handler's place among the events, and what it was shown (C16.5). */
static void test_synchronize_async_handler_place(void **state)
{
    (void)state;
    for (int batched = 0; batched < 2; batched++) {
        uv_loop_t loop;
        assert_int_equal(uv_loop_init(&loop), 0);
        csc_cache_t *cache = build_sync();
        ctx_t c;
        ctx_init(&c, cache, &loop);
        const call_t call = SYNC_CALL(batched ? CSC_SYNC_FLAG_ASYNC_PROGRESS : 0, true,
                                      CSC_SYNC_RESOLVE_KEEPLOCAL);
        assert_int_equal(start_async(&c.op, &loop, cache, &call, &c.sink, NULL, on_done),
                         CSC_S_OK);
        assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
        assert_int_equal(c.result, CSC_S_OK);
        assert_events(&c.rec, EV_BEGIN, ITEM_OK(D), IB(X),
                      "conflict " X " 12 0x3 0x2D", R_OK(X), ITEM_OK(Y), ITEM_OK(Z), EV_END_OK);
        assert_true(c.handler_on_loop_thread);
        assert_false(dirty_of(cache, X));
        assert_int_equal(csc_test_remote(cache, X).version, 3); /* the local copy went */
        assert_int_equal(csc_test_remote(cache, X).size, csc_item_size(csc_test_find(cache, X)));
        csc_test_recorder_clear(&c.rec);
        csc_cache_free(cache);
        assert_int_equal(uv_loop_close(&loop), 0);
    }
}

/* Teardown while a conflict waits for the loop (AsyncProgress: the walk
 * runs up to the question): nobody answers, NONE; the walk stops. */
static void test_synchronize_async_teardown_at_conflict(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_cache_t *cache = build_sync();
    ctx_t c;
    ctx_init(&c, cache, &loop);
    const call_t call = SYNC_CALL(CSC_SYNC_FLAG_ASYNC_PROGRESS, true, CSC_SYNC_RESOLVE_KEEPLOCAL);
    assert_int_equal(start_async(&c.op, &loop, cache, &call, &c.sink, NULL, on_done), CSC_S_OK);
    assert_int_equal(csc_cache_cancel_wait(cache), CSC_S_OK);
    assert_int_equal(c.done_calls, 1);
    assert_int_equal(c.conflicts, 0);
    assert_int_equal(c.result, CSC_E_CANCELLED);
    assert_int_equal(c.ends, 1);
    assert_false(c.event_after_end);
    assert_true(dirty_of(cache, X)); /* not resolved */
    assert_cache_ok(cache);
    csc_test_recorder_clear(&c.rec);
    csc_cache_free(cache);
    close_loop(&loop);
}

/* csc_op_cancel from a loop callback: the walk stops before its next item
 * (C4.5 step 1), End reports 0x800704C7, as a cancel token does for the
 * synchronous form. */
static void test_cancel(void **state)
{
    (void)state;
    script_t cancel2 = {.cancel_at = 2};
    assert_int_equal(same_as_sync(&DELETE_CALL, &cancel2), CSC_E_CANCELLED);
    script_t cancel1 = {.cancel_at = 1}; /* x goes on; y is not reached */
    assert_int_equal(same_as_sync(&USER_CALL, &cancel1), CSC_E_CANCELLED);
    /* At the last item there is nothing left to stop. */
    assert_int_equal(same_as_sync(&USER_CALL, &cancel2), CSC_E_MORE_DATA);
    assert_int_equal(same_as_sync(&ENCRYPT_CALL, &cancel2), CSC_E_CANCELLED);
    const call_t sync = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_KEEPLOCAL);
    assert_int_equal(same_as_sync(&sync, &cancel2), CSC_E_CANCELLED);
}

/* C6.6: every other call is refused while each form runs. */
static void test_busy_refusal(void **state)
{
    (void)state;
    script_t busy = {.check_busy = true};
    same_as_sync(&DELETE_CALL, &busy);
    same_as_sync(&USER_CALL, &busy);
    same_as_sync(&ENCRYPT_CALL, &busy);
    const call_t sync = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_KEEPREMOTE);
    same_as_sync(&sync, &busy);
}

/* ---- refusals before anything starts ----------------------------------------- */

static void test_refused(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_cache_t *cache = build();
    char *before = csc_test_dump(cache);
    csc_op_t op;
    ctx_t c;
    ctx_init(&c, cache, &loop);
    const char *p[] = {X};
    const char *with_null[] = {NULL};
    /* C8.1: NULL op, loop, cache or completion. */
    assert_int_equal(csc_delete_items_async(NULL, &loop, cache, p, 1, 0, NULL, NULL, never_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_delete_items_async(&op, NULL, cache, p, 1, 0, NULL, NULL, never_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_delete_items_async(&op, &loop, NULL, p, 1, 0, NULL, NULL, never_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, p, 1, 0, NULL, NULL, NULL),
                     CSC_E_POINTER);
    assert_int_equal(csc_delete_items_for_user_async(&op, &loop, NULL, "bob", p, 1, 0, NULL,
                                                     NULL, never_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_encrypt_async(&op, &loop, cache, true, 0, NULL, NULL, NULL),
                     CSC_E_POINTER);
    assert_int_equal(csc_encrypt_async(NULL, &loop, cache, true, 0, NULL, NULL, never_done),
                     CSC_E_POINTER);
    /* C4.1: no path, a NULL path, unknown flags (AsyncProgress is not a
     * DeleteItems flag); a sink newer than the library. */
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, p, 0, 0, &c.sink, NULL,
                                            never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, with_null, 1, 0, &c.sink, NULL,
                                            never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, p, 1, 0x400, &c.sink, NULL,
                                            never_done),
                     CSC_E_INVALIDARG);
    csc_progress_t newer = c.sink;
    newer.version = CSC_PROGRESS_VERSION + 1;
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, p, 1, 0, &newer, NULL,
                                            never_done),
                     CSC_E_INVALIDARG);
    /* C13.7: a NULL or empty user, then an administrator needed. */
    assert_int_equal(csc_delete_items_for_user_async(&op, &loop, cache, NULL, p, 1, 0, &c.sink,
                                                     NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_for_user_async(&op, &loop, cache, "", p, 1, 0, &c.sink,
                                                     NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_delete_items_for_user_async(&op, &loop, cache, "bob", p, 1, 0x8,
                                                     &c.sink, NULL, never_done),
                     CSC_E_INVALIDARG);
    /* C15.16. */
    assert_int_equal(csc_encrypt_async(&op, &loop, cache, true, 0x1, &c.sink, NULL, never_done),
                     CSC_E_INVALIDARG);
    /* C12.1: no path, a NULL path, an unknown bit, a CR value above 3; the
     * options' version. */
    assert_int_equal(csc_synchronize_async(NULL, &loop, cache, p, 1, 0, NULL, NULL, NULL,
                                           never_done),
                     CSC_E_POINTER);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 1, 0, NULL, NULL, NULL, NULL),
                     CSC_E_POINTER);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 0, SYNC_INOUT, NULL, &c.sink,
                                           NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, with_null, 1, SYNC_INOUT, NULL,
                                           &c.sink, NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 1, 0x08000000u, NULL, &c.sink,
                                           NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 1, 0x40000000u, NULL, &c.sink,
                                           NULL, never_done),
                     CSC_E_INVALIDARG);
    csc_sync_options_t newer_opts = CSC_SYNC_OPTIONS_INIT;
    newer_opts.version = CSC_SYNC_OPTIONS_VERSION + 1;
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 1, SYNC_INOUT, &newer_opts,
                                           &c.sink, NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 1, SYNC_INOUT, NULL, &newer,
                                           NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_encrypt_async(&op, &loop, cache, true, 0, &newer, NULL, never_done),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_set_caller(cache, "carol", false), CSC_S_OK);
    free(before);
    before = csc_test_dump(cache);
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, p, 1, CSC_DELETE_ADMIN, &c.sink,
                                            NULL, never_done),
                     CSC_E_ACCESSDENIED);
    assert_int_equal(csc_delete_items_for_user_async(&op, &loop, cache, "bob", p, 1, 0, &c.sink,
                                                     NULL, never_done),
                     CSC_E_ACCESSDENIED);
    /* The same answers as the synchronous forms. */
    assert_int_equal(csc_delete_items(cache, p, 1, CSC_DELETE_ADMIN, NULL, NULL),
                     CSC_E_ACCESSDENIED);
    assert_int_equal(csc_delete_items_for_user(cache, "bob", p, 1, 0, NULL, NULL),
                     CSC_E_ACCESSDENIED);
    /* No event, no change, not busy. */
    assert_int_equal(c.rec.count, 0);
    assert_false(csc_cache_busy(cache));
    char *after = csc_test_dump(cache);
    assert_string_equal(after, before);
    free(after);
    free(before);
    /* C13.1: the feature not active (after a restart without Enabled). */
    assert_int_equal(csc_cache_set_caller(cache, "carol", true), CSC_S_OK);
    assert_int_equal(csc_feature_enable(cache, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(cache), CSC_S_OK);
    assert_int_equal(csc_delete_items_async(&op, &loop, cache, p, 1, 0, NULL, NULL, never_done),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_int_equal(csc_delete_items_for_user_async(&op, &loop, cache, "bob", p, 1, 0, NULL,
                                                     NULL, never_done),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_int_equal(csc_encrypt_async(&op, &loop, cache, true, 0, NULL, NULL, never_done),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_int_equal(csc_synchronize_async(&op, &loop, cache, p, 1, 0, NULL, NULL, NULL,
                                           never_done),
                     CSC_E_SERVICE_NOT_ACTIVE);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    csc_test_recorder_clear(&c.rec);
    csc_cache_free(cache);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* C5.5, C15.3: a refused DeleteItems or DeleteItemsForUser is still a
 * method call and the eager policy's pass follows it; a refused Encrypt is
 * not followed by one. A busy refusal is no call at all. */
static void test_pass_after_refusal(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_op_t op;
    const char *p[] = {X};
    for (int k = 0; k < 4; k++) {
        csc_cache_t *cache = NULL;
        assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
        csc_test_file(cache, Y, 1);
        assert_int_equal(csc_cache_set_policy(cache, CSC_EVICT_EAGER), CSC_S_OK);
        assert_true(csc_test_cached(cache, Y)); /* setting the policy starts no pass */
        csc_hresult hr =
            k == 0   ? csc_delete_items_async(&op, &loop, cache, p, 1, 0x8, NULL, NULL,
                                              never_done)
            : k == 1 ? csc_delete_items_for_user_async(&op, &loop, cache, NULL, p, 1, 0, NULL,
                                                       NULL, never_done)
            : k == 3 ? csc_synchronize_async(&op, &loop, cache, p, 1, 0x08000000u, NULL, NULL,
                                             NULL, never_done)
                     : csc_encrypt_async(&op, &loop, cache, true, 0x1, NULL, NULL, never_done);
        assert_int_equal(hr, CSC_E_INVALIDARG);
        assert_true(csc_test_cached(cache, Y) == (k == 2));
        csc_cache_free(cache);
    }
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* The pass follows a completed DeleteItems (C15.3), not a completed
 * Encrypt. */
static void test_pass_after_completion(void **state)
{
    (void)state;
    for (int k = 0; k < 2; k++) {
        uv_loop_t loop;
        assert_int_equal(uv_loop_init(&loop), 0);
        csc_cache_t *cache = build();
        csc_test_set_policy(cache, CSC_EVICT_MANUAL);
        csc_test_file(cache, SH "\\keep", 1);
        csc_test_set_policy(cache, CSC_EVICT_EAGER);
        ctx_t c;
        ctx_init(&c, cache, &loop);
        const char *p[] = {X};
        csc_hresult hr = k == 0 ? csc_delete_items_async(&c.op, &loop, cache, p, 1, 0, NULL,
                                                         NULL, on_done)
                                : csc_encrypt_async(&c.op, &loop, cache, true, 0, NULL, NULL,
                                                    on_done);
        assert_int_equal(hr, CSC_S_OK);
        assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
        assert_int_equal(c.done_calls, 1);
        assert_int_equal(c.result, CSC_S_OK);
        assert_true(csc_test_cached(cache, SH "\\keep") == (k == 1));
        csc_test_recorder_clear(&c.rec);
        csc_cache_free(cache);
        assert_int_equal(uv_loop_close(&loop), 0);
    }
}

/* ---- teardown ---------------------------------------------------------------- */

/* Started, the loop never run: csc_cache_cancel_wait cancels the walk
 * (which waits for Begin's answer), delivers Begin and End on this thread,
 * and completes; then the loop closes. csc_cache_free likewise. */
static void test_teardown(void **state)
{
    (void)state;
    const call_t sync = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_KEEPLOCAL);
    const call_t *calls[] = {&DELETE_CALL, &USER_CALL, &ENCRYPT_CALL, &ENCRYPT_ASYNC_PROGRESS,
                             &sync};
    for (size_t i = 0; i < 2 * 5; i++) {
        const call_t *call = calls[i % 5];
        bool by_free = i >= 5;
        uv_loop_t loop;
        assert_int_equal(uv_loop_init(&loop), 0);
        csc_cache_t *cache = build_for(call);
        ctx_t c;
        ctx_init(&c, cache, &loop);
        assert_int_equal(start_async(&c.op, &loop, cache, call, &c.sink, NULL, on_done),
                         CSC_S_OK);
        if (by_free) {
            c.cache = NULL; /* not to be read in on_done: freed after it */
            csc_cache_free(cache);
        } else {
            assert_int_equal(csc_cache_cancel_wait(cache), CSC_S_OK);
            assert_false(csc_cache_busy(cache));
        }
        assert_int_equal(c.done_calls, 1);
        assert_int_equal(c.ends, 1);
        assert_false(c.event_after_end);
        assert_int_equal(c.events_at_done, c.rec.count);
        if ((call->flags & 0x400) == 0) { /* the walk waited for Begin's answer */
            assert_int_equal(c.result, CSC_E_CANCELLED);
            assert_int_equal(c.rec.count, 2);
            assert_string_equal(c.rec.events[1], EV_END_CANCELLED);
        }
        if (!by_free) {
            /* Idle and whole: the next call works. */
            assert_int_equal(csc_cache_cancel_wait(cache), CSC_S_OK);
            assert_cache_ok(cache);
            const char *p[] = {Y};
            assert_int_equal(csc_delete_items(cache, p, 1, 0, NULL, NULL), CSC_S_OK);
            csc_cache_free(cache);
        }
        csc_test_recorder_clear(&c.rec);
        close_loop(&loop);
    }
}

static void on_done_no_cache(csc_op_t *op, csc_hresult result)
{
    ctx_t *c = op->data;
    c->done_calls++;
    c->result = result;
    c->events_at_done = c->rec.count;
}

/* The completion callback may start the next operation (the cache is idle
 * in it): DeleteItems, then Encrypt from its completion. */
static void chain_done(csc_op_t *op, csc_hresult result)
{
    ctx_t *c = op->data;
    c->done_calls++;
    c->result = result;
    assert_int_equal(result, CSC_S_OK);
    op->data = c + 1; /* the next ctx */
    assert_int_equal(csc_encrypt_async(op, c->loop, c->cache, true, 0, NULL, NULL,
                                       on_done_no_cache),
                     CSC_S_OK);
}

static void test_chain_from_completion(void **state)
{
    (void)state;
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_cache_t *cache = build();
    ctx_t c[2];
    ctx_init(&c[0], cache, &loop);
    ctx_init(&c[1], cache, &loop);
    const char *p[] = {Y};
    assert_int_equal(csc_delete_items_async(&c[0].op, &loop, cache, p, 1, 0, NULL, NULL,
                                            chain_done),
                     CSC_S_OK);
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(c[0].done_calls, 1);
    assert_int_equal(c[1].done_calls, 1);
    assert_int_equal(c[1].result, CSC_S_OK);
    assert_false(csc_test_cached(cache, Y));
    bool enc = false, partial = true;
    assert_int_equal(csc_get_encryption_status(cache, &enc, &partial), CSC_S_OK);
    assert_true(enc);
    assert_true(partial); /* z is open: it kept its state */
    csc_test_recorder_clear(&c[0].rec);
    csc_test_recorder_clear(&c[1].rec);
    csc_cache_free(cache);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- recording --------------------------------------------------------------- */

/* Removes every "_async" from the text: the API comment line is the only
 * difference between the two recordings. */
static void strip_async(char *s)
{
    char *q;
    while ((q = strstr(s, "_async")) != NULL)
        memmove(q, q + 6, strlen(q + 6) + 1);
}

/* A recorded asynchronous call is written as its synchronous form is
 * (C6.5 changes delivery only), refused calls included. */
static void test_recorded_as_sync(void **state)
{
    (void)state;
    const call_t refused = {DELETE, USER_PATHS, 2, 0x8, NULL, false, false, 0, NULL};
    const call_t sync = SYNC_CALL(0, true, CSC_SYNC_RESOLVE_KEEPLOCAL);
    const call_t *calls[] = {&DELETE_CALL, &USER_CALL, &ENCRYPT_CALL, &refused, &sync};
    for (size_t i = 0; i < 5; i++) {
        csc_test_text_t ts = {0}, ta = {0};
        csc_cache_t *a = build_for(calls[i]), *b = build_for(calls[i]);
        ctx_t s, c;
        ctx_init(&s, a, NULL);
        assert_int_equal(csc_cache_record_start(a, csc_test_text_write, &ts, NULL), CSC_S_OK);
        csc_hresult want = run_sync(a, calls[i], &s.sink, NULL);
        assert_int_equal(csc_cache_record_stop(a), CSC_S_OK);
        uv_loop_t loop;
        assert_int_equal(uv_loop_init(&loop), 0);
        ctx_init(&c, b, &loop);
        assert_int_equal(csc_cache_record_start(b, csc_test_text_write, &ta, NULL), CSC_S_OK);
        csc_hresult hr = start_async(&c.op, &loop, b, calls[i], &c.sink, NULL, on_done);
        assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
        if (hr == CSC_S_OK)
            hr = c.result;
        assert_int_equal(hr, want);
        assert_int_equal(csc_cache_record_stop(b), CSC_S_OK);
        assert_non_null(ta.p);
        if (calls[i]->kind == DELETE)
            assert_non_null(strstr(ta.p, "# csc_delete_items_async\ndeleteitems "));
        if (calls[i]->kind == DELETE_FOR_USER)
            assert_non_null(strstr(ta.p, "# csc_delete_items_for_user_async\n"));
        if (calls[i]->kind == ENCRYPT)
            assert_non_null(strstr(ta.p, "\nencrypt on\n"));
        if (calls[i]->kind == SYNC) { /* written as `sync ... resolve=keep-local` */
            assert_non_null(strstr(ta.p, "# csc_synchronize_async\nsync "));
            assert_non_null(strstr(ta.p, "resolve=keep-local"));
            char *api = strstr(ts.p, "# csc_synchronize_ex\n");
            assert_non_null(api);
            memmove(api + 17, api + 20, strlen(api + 20) + 1); /* "_ex" goes */
        }
        strip_async(ta.p);
        assert_string_equal(ta.p, ts.p);
        free(ts.p);
        free(ta.p);
        csc_test_recorder_clear(&s.rec);
        csc_test_recorder_clear(&c.rec);
        csc_cache_free(a);
        csc_cache_free(b);
        assert_int_equal(uv_loop_close(&loop), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delete_items_async_as_sync),
        cmocka_unit_test(test_delete_items_for_user_async_as_sync),
        cmocka_unit_test(test_encrypt_async_as_sync),
        cmocka_unit_test(test_synchronize_async_as_sync),
        cmocka_unit_test(test_synchronize_async_handler_place),
        cmocka_unit_test(test_synchronize_async_teardown_at_conflict),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_busy_refusal),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_pass_after_refusal),
        cmocka_unit_test(test_pass_after_completion),
        cmocka_unit_test(test_teardown),
        cmocka_unit_test(test_chain_from_completion),
        cmocka_unit_test(test_recorded_as_sync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
