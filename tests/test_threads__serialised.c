/*
 * tests/test_threads__serialised.c: one cache used from several threads
 * without any lock of the embedder's (contract C14.5, issue 12 defect 2).
 * Calls are serialised: a call made while another thread's call runs waits
 * for it. Before the guard, two threads calling Pin/Unpin and
 * csc_cache_set_caller crashed with a double free, and ThreadSanitizer
 * (tools/test-all runs this file under it) reported 13 races. Also here: a
 * callback re-entering on its own thread gets 0x800700AA, not a deadlock,
 * while other threads wait; per-call callers (csc_cache_call_as) from
 * several threads each see their own user.
 */
#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define THREADS 8
#define ROUNDS 300
#define USER CSC_PIN_FLAG_FOR_USER

typedef struct worker {
    csc_cache_t *cache;
    int id;
    int failures;
    int busy_in_callback;
} worker_t;

static void path_of(char *buf, size_t size, int id, int i)
{
    snprintf(buf, size, "\\\\srv\\share\\t%d\\f%d.txt", id, i % 16);
}

static csc_op_response_t reenter(void *ud, const csc_event_t *ev)
{
    worker_t *w = ud;
    const char *p[] = {ev->path};
    /* Re-entry on the call's own thread: refused, never a deadlock. */
    if (csc_unpin(w->cache, p, 1, USER, false, NULL, NULL) == CSC_E_BUSY)
        w->busy_in_callback++;
    csc_item_t *item = NULL;
    if (csc_cache_find(w->cache, ev->path, &item) != CSC_S_OK || item == NULL)
        w->failures++;
    return CSC_OP_CONTINUE;
}

static void *work(void *arg)
{
    worker_t *w = arg;
    char path[128], user[32];
    csc_progress_t sink = CSC_PROGRESS_INIT;
    sink.user_data = w;
    sink.item_result = reenter;
    for (int i = 0; i < ROUNDS; i++) {
        path_of(path, sizeof path, w->id, i);
        const char *p[] = {path};
        /* Cached and pinned as one step: no other thread's eviction can
         * come between (the embedder's hold, C14.5). */
        if (csc_cache_lock(w->cache) != CSC_S_OK)
            w->failures++;
        if (csc_cache_file(w->cache, path, true, (uint64_t)i, NULL) != CSC_S_OK)
            w->failures++;
        if (csc_pin(w->cache, p, 1, USER, false, &sink, NULL) != CSC_S_OK)
            w->failures++;
        if (csc_cache_unlock(w->cache) != CSC_S_OK)
            w->failures++;
        snprintf(user, sizeof user, "user%d", w->id);
        if (csc_cache_set_caller(w->cache, user, (i & 1) != 0) != CSC_S_OK)
            w->failures++;
        /* Unpinned and (every third round) deleted as one step: once
         * unpinned, another thread's eviction could take the file. */
        csc_cache_lock(w->cache);
        if (csc_unpin(w->cache, p, 1, USER, false, NULL, NULL) != CSC_S_OK)
            w->failures++;
        if (i % 3 == 0 && csc_delete_items(w->cache, p, 1, 0, NULL, NULL) != CSC_S_OK)
            w->failures++;
        csc_cache_unlock(w->cache);
        csc_disk_space_t ds;
        if (csc_cache_get_disk_space(w->cache, &ds) != CSC_S_OK)
            w->failures++;
        if (i % 50 == 0 && csc_cache_check(w->cache, NULL, 0) != CSC_S_OK)
            w->failures++;
        (void)csc_cache_advance_clock(w->cache, 1);
        if (i % 7 == 0)
            (void)csc_cache_evict(w->cache, false, 100, NULL, NULL);
    }
    return NULL;
}

/* cmocka's leak-checked allocator is not thread-safe: the caches shared by
 * threads use the C library's (ASan's leak check covers them in CI). */
static csc_cache_t *plain_cache(void)
{
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, NULL), CSC_S_OK);
    return cache;
}

static void test_c14_5_many_threads_one_cache(void **state)
{
    (void)state;
    csc_cache_t *cache = plain_cache();
    assert_int_equal(csc_cache_set_policy(cache, CSC_EVICT_AUTOMATIC), CSC_S_OK);
    pthread_t threads[THREADS];
    worker_t workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (worker_t){cache, t, 0, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_join(threads[t], NULL), 0);
    for (int t = 0; t < THREADS; t++) {
        assert_int_equal(workers[t].failures, 0);
        assert_int_equal(workers[t].busy_in_callback, ROUNDS);
    }
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_clock(cache), (uint64_t)THREADS * ROUNDS);
    /* Nothing is left pinned: every pin was undone by its own thread. */
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it))
        assert_int_equal(csc_item_pins(it), 0);
    csc_cache_free(cache);
}

/* Per-call callers from several threads: each function sees its own user,
 * and access checks use it (C9.1). */
typedef struct as_ctx {
    const char *user;
    int wrong;
    int denied, allowed;
} as_ctx_t;

static csc_cache_t *shared_cache;

static csc_hresult as_body(csc_cache_t *cache, void *ud)
{
    as_ctx_t *a = ud;
    bool admin = false;
    if (strcmp(csc_cache_caller(cache, &admin), a->user) != 0 || !admin)
        a->wrong++;
    const char *p[] = {"\\\\srv\\share\\private\\x.txt"};
    csc_hresult hr = csc_pin(cache, p, 1, USER, false, NULL, NULL);
    if (hr == CSC_E_ACCESSDENIED)
        a->denied++;
    else if (hr == CSC_S_OK)
        a->allowed++;
    return csc_unpin(cache, p, 1, USER, false, NULL, NULL) == hr ? CSC_S_OK : CSC_E_FAIL;
}

static void *as_work(void *arg)
{
    as_ctx_t *a = arg;
    for (int i = 0; i < ROUNDS; i++)
        if (csc_cache_call_as(shared_cache, a->user, true, as_body, a) != CSC_S_OK)
            a->wrong++;
    return NULL;
}

static void test_c14_5_call_as_from_threads(void **state)
{
    (void)state;
    shared_cache = plain_cache();
    csc_test_file(shared_cache, "\\\\srv\\share\\private\\x.txt", 1);
    const char *alice[] = {"Alice"};
    csc_test_set_access(shared_cache, "\\\\srv\\share\\private", alice, 1);
    as_ctx_t ctx[4] = {{"alice", 0, 0, 0}, {"bob", 0, 0, 0}, {"ALICE", 0, 0, 0}, {"carol", 0, 0, 0}};
    pthread_t th[4];
    for (int t = 0; t < 4; t++)
        assert_int_equal(pthread_create(&th[t], NULL, as_work, &ctx[t]), 0);
    for (int t = 0; t < 4; t++)
        assert_int_equal(pthread_join(th[t], NULL), 0);
    for (int t = 0; t < 4; t++)
        assert_int_equal(ctx[t].wrong, 0);
    assert_int_equal(ctx[0].allowed, ROUNDS);
    assert_int_equal(ctx[1].denied, ROUNDS);
    assert_int_equal(ctx[2].allowed, ROUNDS);
    assert_int_equal(ctx[3].denied, ROUNDS);
    /* The cache's own caller is untouched. */
    bool admin = true;
    assert_string_equal(csc_cache_caller(shared_cache, &admin), "user");
    assert_false(admin);
    assert_cache_ok(shared_cache);
    csc_cache_free(shared_cache);
}

/* A waiting thread really waits: while the main thread holds the cache, a
 * second thread's call does not run; it completes once the hold ends. */
typedef struct waiter {
    csc_cache_t *cache;
    _Atomic int done;
    csc_hresult hr;
} waiter_t;

static void *wait_and_cache(void *arg)
{
    waiter_t *w = arg;
    w->hr = csc_cache_file(w->cache, "\\\\srv\\share\\late.txt", true, 1, NULL);
    w->done = 1;
    return NULL;
}

static void test_c14_5_call_waits_for_holder(void **state)
{
    (void)state;
    csc_cache_t *cache = plain_cache();
    assert_int_equal(csc_cache_lock(cache), CSC_S_OK);
    waiter_t w = {cache, 0, CSC_E_FAIL};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, wait_and_cache, &w), 0);
    /* Give the thread ample time to reach the cache; it must still wait. */
    for (int i = 0; i < 50; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
        assert_int_equal(w.done, 0);
    }
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_int_equal(csc_cache_unlock(cache), CSC_S_OK);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(w.hr, CSC_S_OK);
    assert_int_equal(csc_cache_item_count(cache), 3);
    csc_cache_free(cache);
}

/* csc_cache_call_as: argument errors, nothing set for a bad name, fn's result
 * returned, the caller restored even when fn set another one. */
static csc_hresult set_other(csc_cache_t *cache, void *ud)
{
    (void)ud;
    assert_int_equal(csc_cache_set_caller(cache, "eve", false), CSC_S_OK);
    return CSC_E_CANCELLED;
}

static csc_hresult never(csc_cache_t *cache, void *ud)
{
    (void)cache;
    (void)ud;
    fail_msg("fn ran after a refused call_as");
    return CSC_E_FAIL;
}

static void test_c14_5_call_as_arguments(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_cache_call_as(NULL, "a", false, never, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_call_as(cache, NULL, false, never, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_call_as(cache, "a", false, NULL, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_call_as(cache, "", false, never, NULL), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_call_as(cache, "bad\xff", false, never, NULL), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_call_as(cache, "dan", true, set_other, NULL), CSC_E_CANCELLED);
    bool admin = true;
    assert_string_equal(csc_cache_caller(cache, &admin), "user");
    assert_false(admin);
    /* Out of memory: nothing runs, nothing changes. */
    csc_test_alloc_t st = {0};
    csc_cache_t *small = csc_test_cache_new_alloc(&st);
    st.fail_at = st.count + 1;
    assert_int_equal(csc_cache_call_as(small, "dan", true, never, NULL), CSC_E_OUTOFMEMORY);
    assert_string_equal(csc_cache_caller(small, &admin), "user");
    st.fail_at = 0;
    csc_cache_free(small);
    csc_cache_free(cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c14_5_many_threads_one_cache),
        cmocka_unit_test(test_c14_5_call_as_from_threads),
        cmocka_unit_test(test_c14_5_call_waits_for_holder),
        cmocka_unit_test(test_c14_5_call_as_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
