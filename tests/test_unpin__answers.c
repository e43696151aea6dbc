/*
 * tests/test_unpin__answers.c: the progress protocol's answers and
 * cancellation. C4.2 End's result; C4.5 step 1 (QueryAbort, the cancel
 * token, checked before each item only), step 2 (ABORT at ItemBegin stops,
 * RETRY there counts as CONTINUE), step 6 (ABORT at ItemResult stops after
 * the item was processed, RETRY processes it again from step 1 with a new
 * ItemBegin/ItemResult pair); C4.6 nothing is rolled back; C4.7 the return
 * value when cancelled and after retries; C7.1 the same for Pin.
 */
#include "support.h"
#include "events.h"

#include <stdio.h>
#include <string.h>

#define SH "\\\\srv\\share"
#define A SH "\\a.txt"
#define B SH "\\b.txt"
#define C SH "\\c.txt"
#define USER CSC_PIN_FLAG_FOR_USER

/* ---- snapshot: a full description of the cache ---------------------------- */

#define SNAP_SIZE 4096

static void snapshot(const csc_cache_t *cache, char *buf, size_t size)
{
    int n = snprintf(buf, size, "items=%zu\n", csc_cache_item_count(cache));
    size_t pos = (size_t)n;
    for (const csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it)) {
        char path[512];
        csc_item_path(it, path, sizeof path);
        n = snprintf(buf + pos, size - pos, "%s p=%x i=%x open=%u sv=%u use=%llu\n", path,
                     (unsigned)csc_item_pins(it), (unsigned)csc_item_inherit(it),
                     (unsigned)csc_item_open_count(it), (unsigned)csc_item_sharing_violations(it),
                     (unsigned long long)csc_item_last_use(it));
        assert_true(n > 0 && (size_t)n < size - pos);
        pos += (size_t)n;
    }
}

/* ---- a scripted sink over the recorder -------------------------------------
 * It records through the recorder (which keeps its own script: abort_at,
 * retry_at, query_abort_at, abort_in_begin) and adds what the recorder cannot
 * do: RETRY at ItemBegin, ABORT at ItemResult, requesting a cancel token from
 * inside a callback. */

typedef struct script {
    csc_test_recorder_t rec;
    csc_progress_t sink;
    bool retry_item_begins;   /* answer RETRY to every ItemBegin */
    size_t abort_result_at;   /* ABORT the k-th ItemResult (0: never) */
    csc_cancel_t *cancel;
    size_t cancel_begin_at;   /* request `cancel` in the k-th ItemBegin */
    size_t cancel_result_at;  /* request `cancel` in the k-th ItemResult */
} script_t;

static void sc_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    script_t *s = ud;
    s->rec.sink.begin(&s->rec, ev, abort);
}

static void sc_query_abort(void *ud, bool *abort)
{
    script_t *s = ud;
    s->rec.sink.query_abort(&s->rec, abort);
}

static csc_op_response_t sc_item_begin(void *ud, const csc_event_t *ev)
{
    script_t *s = ud;
    csc_op_response_t r = s->rec.sink.item_begin(&s->rec, ev);
    if (s->cancel_begin_at != 0 && s->rec.item_begins == s->cancel_begin_at)
        csc_cancel_request(s->cancel);
    if (r == CSC_OP_CONTINUE && s->retry_item_begins)
        r = CSC_OP_RETRY;
    return r;
}

static csc_op_response_t sc_item_result(void *ud, const csc_event_t *ev)
{
    script_t *s = ud;
    csc_op_response_t r = s->rec.sink.item_result(&s->rec, ev);
    if (s->cancel_result_at != 0 && s->rec.item_results == s->cancel_result_at)
        csc_cancel_request(s->cancel);
    if (s->abort_result_at != 0 && s->rec.item_results == s->abort_result_at)
        r = CSC_OP_ABORT;
    return r;
}

static void sc_end(void *ud, const csc_event_t *ev)
{
    script_t *s = ud;
    s->rec.sink.end(&s->rec, ev);
}

static void script_init(script_t *s)
{
    memset(s, 0, sizeof *s);
    csc_test_recorder_init(&s->rec);
    s->sink.user_data = s;
    s->sink.begin = sc_begin;
    s->sink.query_abort = sc_query_abort;
    s->sink.item_begin = sc_item_begin;
    s->sink.item_result = sc_item_result;
    s->sink.end = sc_end;
}

static void script_clear(script_t *s)
{
    csc_test_recorder_clear(&s->rec);
    if (s->cancel != NULL)
        csc_cancel_free(s->cancel);
    s->cancel = NULL;
}

/* ---- fixtures --------------------------------------------------------------- */

/* \\srv\share with a.txt, b.txt, c.txt, all deep-pinned ForUser. A deep
 * unpin of the share visits share, a, b, c. */
static csc_cache_t *abc_cache(bool pinned)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, C, 3);
    csc_test_file(cache, A, 1);
    csc_test_file(cache, B, 2);
    if (pinned) {
        const char *p[] = {SH};
        assert_int_equal(csc_pin(cache, p, 1, USER, true, NULL, NULL), CSC_S_OK);
        assert_cache_ok(cache);
    }
    return cache;
}

static const char *const abc_items[] = {SH, A, B, C};

static const char *const share_path[] = {SH};

/* ---- ABORT ---------------------------------------------------------------- */

/* C4.2 + C4.7: ABORT from Begin: Begin then End 0x800704C7, no item, the
 * call returns 0x800704C7 and changes nothing. */
static void test_c4_2_abort_in_begin(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    char before[SNAP_SIZE], after[SNAP_SIZE];
    snapshot(cache, before, sizeof before);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_in_begin = true;
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &rec.sink, NULL),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    assert_int_equal(rec.item_begins, 0);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);
    csc_test_recorder_clear(&rec);

    /* C4.7: cancelled beats the single file path's result. */
    rec.abort_in_begin = true;
    const char *a[] = {A};
    assert_int_equal(csc_unpin(cache, a, 1, USER, false, &rec.sink, NULL), CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    csc_test_recorder_clear(&rec);
    rec.abort_in_begin = true;
    const char *missing[] = {SH "\\zz"};
    assert_int_equal(csc_unpin(cache, missing, 1, USER, false, &rec.sink, NULL),
                     CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    csc_test_recorder_clear(&rec);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);
    csc_cache_free(cache);
}

/* C4.5 step 2 + C4.6: ABORT from the K-th ItemBegin: that item and the rest
 * are unchanged, the earlier ones stay unpinned; End is cancelled. */
static void test_c4_5_step2_abort_at_kth_item_begin(void **state)
{
    (void)state;
    for (size_t k = 1; k <= 4; k++) {
        csc_cache_t *cache = abc_cache(true);
        csc_test_recorder_t rec;
        csc_test_recorder_init(&rec);
        rec.abort_at = k;
        assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &rec.sink, NULL),
                         CSC_E_CANCELLED);
        assert_cache_ok(cache);
        assert_int_equal(rec.count, 2 + 2 * (k - 1) + 1);
        assert_string_equal(rec.events[rec.count - 1], EV_END_CANCELLED);
        assert_int_equal(rec.item_results, k - 1);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(csc_test_pins_of(cache, abc_items[i]), i + 1 < k ? 0 : USER);
        if (k == 3)
            assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), IB(B), EV_END_CANCELLED);
        csc_test_recorder_clear(&rec);
        csc_cache_free(cache);
    }
}

/* C4.5 step 6: ABORT from ItemResult stops after the item WAS processed. */
static void test_c4_5_step6_abort_at_item_result(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    script_t s;
    script_init(&s);
    s.abort_result_at = 3; /* b.txt */
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &s.sink, NULL),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), ITEM_OK(B), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, SH), 0);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, B), 0);
    assert_int_equal(csc_test_pins_of(cache, C), USER);
    script_clear(&s);

    /* On the last item: still cancelled (the answer stopped the call). */
    script_init(&s);
    s.abort_result_at = 1;
    const char *c[] = {C};
    assert_int_equal(csc_unpin(cache, c, 1, USER, true, &s.sink, NULL), CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(C), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    script_clear(&s);
    csc_cache_free(cache);
}

/* C4.3 + C4.5 step 2: ABORT at the ItemBegin of a missing path stops the
 * call; the later paths are not processed. */
static void test_c4_5_abort_at_missing_path(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_at = 2;
    const char *p[] = {A, SH "\\gone", B};
    assert_int_equal(csc_unpin(cache, p, 3, USER, true, &rec.sink, NULL), CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), IB(SH "\\gone"), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, B), USER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- RETRY ---------------------------------------------------------------- */

/* C4.5 step 2: RETRY at ItemBegin counts as CONTINUE: no second ItemBegin,
 * the item is processed, the walk goes on. */
static void test_c4_5_step2_retry_at_item_begin_is_continue(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    script_t s;
    script_init(&s);
    s.retry_item_begins = true;
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &s.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), ITEM_OK(B), ITEM_OK(C), EV_END_OK);
    assert_int_equal(s.rec.query_aborts, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(csc_test_pins_of(cache, abc_items[i]), 0);
    script_clear(&s);

    /* A missing single path: its result, once. */
    script_init(&s);
    s.retry_item_begins = true;
    const char *m[] = {SH "\\gone"};
    assert_int_equal(csc_unpin(cache, m, 1, USER, true, &s.sink, NULL), CSC_E_FILE_NOT_FOUND);
    assert_events(&s.rec, EV_BEGIN, IB(SH "\\gone"), R_NF(SH "\\gone"), EV_END_OK);
    script_clear(&s);
    csc_cache_free(cache);
}

/* C4.5 step 6: RETRY at ItemResult: a second ItemBegin/ItemResult pair for
 * the same item (through step 1 again: one more QueryAbort), then the walk
 * goes on. */
static void test_c4_5_step6_retry_at_item_result(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.retry_at = 2; /* a.txt */
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), ITEM_OK(A), ITEM_OK(B), ITEM_OK(C),
                  EV_END_OK);
    assert_int_equal(rec.query_aborts, 5);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(csc_test_pins_of(cache, abc_items[i]), 0);
    csc_test_recorder_clear(&rec);

    /* RETRY on a missing path: the same failure again. */
    rec.retry_at = 1;
    const char *m[] = {SH "\\gone", A};
    assert_int_equal(csc_unpin(cache, m, 2, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_events(&rec, EV_BEGIN, IB(SH "\\gone"), R_NF(SH "\\gone"), IB(SH "\\gone"),
                  R_NF(SH "\\gone"), ITEM_OK(A), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

typedef struct handle_ctx {
    csc_cache_t *cache;
    csc_item_t *item;
    size_t calls;
} handle_ctx_t;

static void close_handle(void *ctx, const char *path)
{
    handle_ctx_t *h = ctx;
    char buf[256];
    csc_item_path(h->item, buf, sizeof buf);
    assert_string_equal(path, buf);
    h->calls++;
    assert_int_equal(csc_item_close(h->cache, h->item), CSC_S_OK);
}

/* C4.5 steps 4 and 6: a Background sharing violation, RETRY after the
 * application closed its handle -> the second result is S_OK. */
static void test_c4_5_retry_after_sharing_violation(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    handle_ctx_t h = {cache, csc_test_find(cache, A), 0};
    assert_int_equal(csc_item_open(cache, h.item), CSC_S_OK);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.retry_at = 2;
    rec.on_retry = close_handle;
    rec.on_retry_ctx = &h;
    assert_int_equal(csc_unpin(cache, share_path, 1, USER | CSC_PIN_FLAG_BACKGROUND, true,
                               &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), IB(A), R_SHARING(A), ITEM_OK(A), ITEM_OK(B),
                  ITEM_OK(C), EV_END_OK);
    assert_int_equal(h.calls, 1);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_false(csc_item_is_open(h.item));
    assert_int_equal(csc_item_sharing_violations(h.item), 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* C4.7: with a single file path, the return value is the item's LAST result
 * after any retries: S_OK once the handle is closed; 0x80070020 when the
 * retry fails again. */
static void test_c4_7_single_file_last_result_after_retry(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    handle_ctx_t h = {cache, csc_test_find(cache, A), 0};
    assert_int_equal(csc_item_open(cache, h.item), CSC_S_OK);
    const char *a[] = {A};
    csc_test_recorder_t rec;

    /* Retry without closing: fails twice, returns the failure. */
    csc_test_recorder_init(&rec);
    rec.retry_at = 1;
    assert_int_equal(csc_unpin(cache, a, 1, USER | CSC_PIN_FLAG_BACKGROUND, false, &rec.sink,
                               NULL),
                     CSC_E_SHARING_VIOLATION);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(A), R_SHARING(A), IB(A), R_SHARING(A), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, A), USER);
    csc_test_recorder_clear(&rec);

    /* Retry after closing: S_OK. */
    rec.retry_at = 1;
    rec.on_retry = close_handle;
    rec.on_retry_ctx = &h;
    assert_int_equal(csc_unpin(cache, a, 1, USER | CSC_PIN_FLAG_BACKGROUND, false, &rec.sink,
                               NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(A), R_SHARING(A), ITEM_OK(A), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

typedef struct acl_ctx {
    csc_cache_t *cache;
    csc_item_t *item;
} acl_ctx_t;

static void grant_access(void *ctx, const char *path)
{
    (void)path;
    acl_ctx_t *a = ctx;
    const char *users[] = {"someone", "USER"};
    /* C14.5: changing the cache from inside a callback is refused. */
    assert_int_equal(csc_item_set_access(a->cache, a->item, users, 2), CSC_E_BUSY);
}

/* C4.5 steps 3 and 6, C4.7, C14.5: access denied; the callback's attempt to
 * change the access list is refused (0x800700AA), so the RETRY is denied
 * again, and the single file path returns that last result. (Before C14.5
 * the list changed under the walk and the retry succeeded.) */
static void test_c14_5_retry_after_refused_access_change(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    acl_ctx_t ctx = {cache, csc_test_find(cache, B)};
    const char *nobody[] = {"alice"};
    assert_int_equal(csc_item_set_access(cache, ctx.item, nobody, 1), CSC_S_OK);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.retry_at = 1;
    rec.on_retry = grant_access;
    rec.on_retry_ctx = &ctx;
    const char *b[] = {B};
    assert_int_equal(csc_unpin(cache, b, 1, USER, true, &rec.sink, NULL), CSC_E_ACCESSDENIED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, IB(B), R_DENIED(B), IB(B), R_DENIED(B), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, B), CSC_PIN_SOURCE_USER);
    size_t n = 0;
    assert_true(csc_item_access(ctx.item, &n));
    assert_int_equal(n, 1);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- QueryAbort and the cancel token (C4.5 step 1) ---------------------- */

/* C4.5 step 1: QueryAbort answering abort at its K-th call (before the K-th
 * item) stops before that item's ItemBegin; End is cancelled (C4.2). */
static void test_c4_5_step1_query_abort_at_kth_call(void **state)
{
    (void)state;
    for (size_t k = 1; k <= 4; k++) {
        csc_cache_t *cache = abc_cache(true);
        csc_test_recorder_t rec;
        csc_test_recorder_init(&rec);
        rec.query_abort_at = k;
        assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &rec.sink, NULL),
                         CSC_E_CANCELLED);
        assert_cache_ok(cache);
        assert_int_equal(rec.query_aborts, k);
        assert_int_equal(rec.item_begins, k - 1);
        assert_int_equal(rec.count, 2 + 2 * (k - 1));
        assert_string_equal(rec.events[rec.count - 1], EV_END_CANCELLED);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(csc_test_pins_of(cache, abc_items[i]), i + 1 < k ? 0 : USER);
        if (k == 3)
            assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), EV_END_CANCELLED);
        if (k == 1)
            assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
        csc_test_recorder_clear(&rec);
        csc_cache_free(cache);
    }
}

/* C4.5 step 1, C4.2: a token set before the call: Begin, End cancelled, no
 * item, nothing changed, 0x800704C7. A reset token cancels nothing. */
static void test_c4_5_step1_token_set_before_call(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    csc_cancel_t *cancel = NULL;
    assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
    assert_false(csc_cancel_requested(cancel));
    csc_cancel_request(cancel);
    assert_true(csc_cancel_requested(cancel));
    assert_int_equal(csc_cache_advance_clock(cache, 5), CSC_S_OK); /* a touch would show */
    char before[SNAP_SIZE], after[SNAP_SIZE];
    snapshot(cache, before, sizeof before);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &rec.sink, cancel),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);
    csc_test_recorder_clear(&rec);

    /* Without a sink: the same return value and no change. */
    const char *a[] = {A};
    assert_int_equal(csc_unpin(cache, a, 1, USER, true, NULL, cancel), CSC_E_CANCELLED);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);

    /* Pin (C7.1) too. */
    assert_int_equal(csc_pin(cache, share_path, 1, CSC_PIN_FLAG_FOR_ALL, true, &rec.sink, cancel),
                     CSC_E_CANCELLED);
    assert_events(&rec, EV_BEGIN, EV_END_CANCELLED);
    csc_test_recorder_clear(&rec);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);

    /* Reset: reusable, cancels nothing. */
    csc_cancel_reset(cancel);
    assert_false(csc_cancel_requested(cancel));
    assert_int_equal(csc_unpin(cache, a, 1, USER, true, &rec.sink, cancel), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(A), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cancel_free(cancel);
    csc_cache_free(cache);
}

/* C4.5 step 1: a token set from inside an ItemResult: the next item is not
 * begun; the processed ones stay unpinned (C4.6). */
static void test_c4_5_step1_token_set_in_item_result(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    script_t s;
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_result_at = 2; /* a.txt */
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &s.sink, s.cancel),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, SH), 0);
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, B), USER);
    assert_int_equal(csc_test_pins_of(cache, C), USER);
    script_clear(&s);
    csc_cache_free(cache);
}

/* C4.5 step 1 is the only check: a token set during ItemBegin of b does not
 * stop b (steps 3-6 go on); c is not begun. */
static void test_c4_5_step1_token_set_in_item_begin(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    script_t s;
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_begin_at = 3; /* b.txt */
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &s.sink, s.cancel),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), ITEM_OK(B), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, B), 0);
    assert_int_equal(csc_test_pins_of(cache, C), USER);
    script_clear(&s);
    csc_cache_free(cache);
}

/* C4.2: a token set after the last item began cancels nothing: set in the
 * last ItemResult, End carries S_OK and the call returns as if never set
 * (C4.7: S_OK for a container, the item's result for a single path). */
static void test_c4_2_token_after_last_item_cancels_nothing(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    script_t s;
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_result_at = 4; /* c.txt, the last item */
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &s.sink, s.cancel), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), ITEM_OK(B), ITEM_OK(C), EV_END_OK);
    assert_true(csc_cancel_requested(s.cancel));
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(csc_test_pins_of(cache, abc_items[i]), 0);
    script_clear(&s);

    /* Set in the last ItemBegin: the item is still processed, End S_OK. */
    csc_cache_free(cache);
    cache = abc_cache(true);
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_begin_at = 4;
    assert_int_equal(csc_unpin(cache, share_path, 1, USER, true, &s.sink, s.cancel), CSC_S_OK);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), ITEM_OK(B), ITEM_OK(C), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    script_clear(&s);

    /* Two paths, set in the last ItemResult of the last path. */
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_result_at = 2;
    const char *two[] = {A, SH "\\gone"};
    assert_int_equal(csc_unpin(cache, two, 2, USER, true, &s.sink, s.cancel), CSC_S_OK);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(A), IB(SH "\\gone"), R_NF(SH "\\gone"), EV_END_OK);
    script_clear(&s);

    /* A single missing path: its own result, not cancelled. */
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_result_at = 1;
    const char *gone[] = {SH "\\gone"};
    assert_int_equal(csc_unpin(cache, gone, 1, USER, true, &s.sink, s.cancel),
                     CSC_E_FILE_NOT_FOUND);
    assert_events(&s.rec, EV_BEGIN, IB(SH "\\gone"), R_NF(SH "\\gone"), EV_END_OK);
    script_clear(&s);
    csc_cache_free(cache);
}

/* C4.5 step 6 then step 1: a RETRY of the last item goes through step 1
 * again, where a token set in that ItemResult is found: cancelled, with the
 * item already processed by its first pass (C4.6). */
static void test_c4_5_retry_of_last_item_sees_token(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(true);
    script_t s;
    script_init(&s);
    assert_int_equal(csc_cancel_new(&s.cancel), CSC_S_OK);
    s.cancel_result_at = 1;
    s.rec.retry_at = 1;
    const char *c[] = {C};
    assert_int_equal(csc_unpin(cache, c, 1, USER, true, &s.sink, s.cancel), CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&s.rec, EV_BEGIN, ITEM_OK(C), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    script_clear(&s);
    csc_cache_free(cache);
}

/* C7.1 + C4.6: Pin answers the same way; an abort keeps what was pinned. */
static void test_c7_1_pin_abort_keeps_done_items(void **state)
{
    (void)state;
    csc_cache_t *cache = abc_cache(false);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_at = 3;
    assert_int_equal(csc_pin(cache, share_path, 1, USER, true, &rec.sink, NULL),
                     CSC_E_CANCELLED);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH), ITEM_OK(A), IB(B), EV_END_CANCELLED);
    assert_int_equal(csc_test_pins_of(cache, SH), USER);
    assert_int_equal(csc_item_inherit(csc_test_find(cache, SH)), USER);
    assert_int_equal(csc_test_pins_of(cache, A), USER);
    assert_int_equal(csc_test_pins_of(cache, B), 0);
    assert_int_equal(csc_test_pins_of(cache, C), 0);
    csc_test_recorder_clear(&rec);

    rec.retry_at = 1;
    const char *b[] = {B};
    assert_int_equal(csc_pin(cache, b, 1, USER, true, &rec.sink, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(B), ITEM_OK(B), EV_END_OK);
    assert_int_equal(csc_test_pins_of(cache, B), USER);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c4_2_abort_in_begin),
        cmocka_unit_test(test_c4_5_step2_abort_at_kth_item_begin),
        cmocka_unit_test(test_c4_5_step6_abort_at_item_result),
        cmocka_unit_test(test_c4_5_abort_at_missing_path),
        cmocka_unit_test(test_c4_5_step2_retry_at_item_begin_is_continue),
        cmocka_unit_test(test_c4_5_step6_retry_at_item_result),
        cmocka_unit_test(test_c4_5_retry_after_sharing_violation),
        cmocka_unit_test(test_c4_7_single_file_last_result_after_retry),
        cmocka_unit_test(test_c14_5_retry_after_refused_access_change),
        cmocka_unit_test(test_c4_5_step1_query_abort_at_kth_call),
        cmocka_unit_test(test_c4_5_step1_token_set_before_call),
        cmocka_unit_test(test_c4_5_step1_token_set_in_item_result),
        cmocka_unit_test(test_c4_5_step1_token_set_in_item_begin),
        cmocka_unit_test(test_c4_2_token_after_last_item_cancels_nothing),
        cmocka_unit_test(test_c4_5_retry_of_last_item_sees_token),
        cmocka_unit_test(test_c7_1_pin_abort_keeps_done_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
