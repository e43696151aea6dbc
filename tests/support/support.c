/*
 * tests/support/support.c: the shared test support declared in support.h:
 * the leak-checked and failing allocator, cache helpers, the invariant
 * assertion and the scripted event recorder.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

static void *test_alloc_malloc(void *ud, size_t size)
{
    csc_test_alloc_t *st = ud;
    if (st != NULL) {
        st->count++;
        if (st->fail_at != 0 && st->count == st->fail_at) {
            st->failed = true;
            return NULL;
        }
        st->live_blocks++;
        st->live_bytes += size;
    }
    return test_malloc(size);
}

static void test_alloc_free(void *ud, void *ptr, size_t size)
{
    csc_test_alloc_t *st = ud;
    if (ptr == NULL)
        return;
    if (st != NULL) {
        st->live_blocks--;
        st->live_bytes -= size;
    }
    test_free(ptr);
}

csc_allocator_t csc_test_allocator(csc_test_alloc_t *state)
{
    csc_allocator_t a = {test_alloc_malloc, test_alloc_free, state};
    return a;
}

csc_cache_t *csc_test_cache_new_alloc(csc_test_alloc_t *state)
{
    csc_cache_options_t opts = CSC_CACHE_OPTIONS_INIT;
    csc_cache_t *cache = NULL;
    opts.allocator = csc_test_allocator(state);
    csc_hresult hr = csc_cache_new(&cache, &opts);
    if (hr != CSC_S_OK)
        return NULL;
    return cache;
}

csc_cache_t *csc_test_cache_new(void)
{
    csc_cache_t *cache = csc_test_cache_new_alloc(NULL);
    assert_non_null(cache);
    return cache;
}

void csc_test_assert_cache_ok(const csc_cache_t *cache, const char *file, int line)
{
    char why[512];
    csc_hresult hr = csc_cache_check(cache, why, sizeof why);
    if (hr != CSC_S_OK) {
        print_error("%s:%d: cache invariant broken: %s\n", file, line, why);
        fail();
    }
}

csc_item_t *csc_test_file(csc_cache_t *cache, const char *path, uint64_t size)
{
    csc_item_t *item = NULL;
    csc_hresult hr = csc_cache_file(cache, path, true, size, &item);
    if (hr != CSC_S_OK) {
        print_error("caching file %s: 0x%08X\n", path, (unsigned)hr);
        fail();
    }
    assert_cache_ok(cache);
    return item;
}

csc_item_t *csc_test_dir(csc_cache_t *cache, const char *path)
{
    csc_item_t *item = NULL;
    csc_hresult hr = csc_cache_dir(cache, path, &item);
    if (hr != CSC_S_OK) {
        print_error("caching dir %s: 0x%08X\n", path, (unsigned)hr);
        fail();
    }
    assert_cache_ok(cache);
    return item;
}

csc_item_t *csc_test_find(csc_cache_t *cache, const char *path)
{
    csc_item_t *item = NULL;
    csc_hresult hr = csc_cache_find(cache, path, &item);
    if (hr != CSC_S_OK) {
        print_error("finding %s: 0x%08X\n", path, (unsigned)hr);
        fail();
    }
    return item;
}

static void rec_store(csc_test_recorder_t *rec, const csc_event_t *ev)
{
    size_t n = csc_event_format_wmi(ev, NULL, 0);
    char *s = test_malloc(n + 1);
    csc_event_format_wmi(ev, s, n + 1);
    assert_true(rec->count < CSC_TEST_MAX_EVENTS);
    rec->events[rec->count++] = s;
}

static void rec_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    csc_test_recorder_t *rec = ud;
    rec_store(rec, ev);
    if (rec->abort_in_begin)
        *abort = true;
}

static void rec_query_abort(void *ud, bool *abort)
{
    csc_test_recorder_t *rec = ud;
    rec->query_aborts++;
    if (rec->query_abort_at != 0 && rec->query_aborts == rec->query_abort_at)
        *abort = true;
}

static csc_op_response_t rec_item_begin(void *ud, const csc_event_t *ev)
{
    csc_test_recorder_t *rec = ud;
    rec_store(rec, ev);
    rec->item_begins++;
    return (rec->abort_at != 0 && rec->item_begins == rec->abort_at) ? CSC_OP_ABORT
                                                                     : CSC_OP_CONTINUE;
}

static csc_op_response_t rec_item_result(void *ud, const csc_event_t *ev)
{
    csc_test_recorder_t *rec = ud;
    rec_store(rec, ev);
    rec->item_results++;
    if (rec->retry_at != 0 && rec->item_results == rec->retry_at) {
        if (rec->on_retry != NULL)
            rec->on_retry(rec->on_retry_ctx, ev->path);
        return CSC_OP_RETRY;
    }
    return CSC_OP_CONTINUE;
}

static void rec_end(void *ud, const csc_event_t *ev)
{
    rec_store(ud, ev);
}

void csc_test_recorder_init(csc_test_recorder_t *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->sink.user_data = rec;
    rec->sink.begin = rec_begin;
    rec->sink.query_abort = rec_query_abort;
    rec->sink.item_begin = rec_item_begin;
    rec->sink.item_result = rec_item_result;
    rec->sink.end = rec_end;
}

void csc_test_recorder_clear(csc_test_recorder_t *rec)
{
    for (size_t i = 0; i < rec->count; i++)
        test_free(rec->events[i]);
    csc_test_recorder_init(rec);
}

void csc_test_assert_events(const csc_test_recorder_t *rec, const char *file, int line,
                            const char *const *expected)
{
    size_t n = 0;
    while (expected[n] != NULL)
        n++;
    bool ok = n == rec->count;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(expected[i], rec->events[i]) == 0;
    if (!ok) {
        print_error("%s:%d: events differ\n", file, line);
        for (size_t i = 0; i < n || i < rec->count; i++)
            print_error("  #%zu expected: %s\n  #%zu got:      %s\n", i + 1,
                        i < n ? expected[i] : "(none)", i + 1,
                        i < rec->count ? rec->events[i] : "(none)");
        fail();
    }
}
