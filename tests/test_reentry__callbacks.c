/*
 * tests/test_reentry__callbacks.c: calls made from inside a callback of a
 * running call (contract C14.5, issue 12 defect 1). A change (DeleteItems,
 * an eviction pass, a nested Pin or Unpin, caching, csc_cache_lock, ...)
 * fails with 0x800700AA and changes nothing, so nothing the walk holds is
 * freed under it; a read goes ahead; an application closing a handle (the
 * scenario language's retry-at) goes ahead; csc_cache_free is carried out
 * when the running call returns. Before the guard, the first three tests
 * were heap-use-after-free reports under ASan (walk_path reading an item
 * that the callback had deleted or evicted).
 */
#include "support.h"

#include <cscsim/async.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

#define SRV "\\\\srv"
#define SH SRV "\\share"
#define D SH "\\dir"
#define A D "\\a.txt"
#define B D "\\b.txt"
#define C SH "\\c.txt"

#define USER CSC_PIN_FLAG_FOR_USER

/* A cache: \\srv\share\{dir\{a.txt, b.txt}, c.txt}, pinned deep for the user. */
static csc_cache_t *pinned_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 10);
    csc_test_file(cache, B, 20);
    csc_test_file(cache, C, 30);
    csc_test_pin1_ok(cache, SH, USER, true);
    return cache;
}

/* What a callback tried, and what it got. */
typedef struct reenter {
    csc_cache_t *cache;
    const char *at;          /* act when an ItemResult carries this path */
    int what;                /* which call to make */
    csc_hresult got;         /* its result */
    int calls;               /* how often it acted */
    csc_progress_t sink;
} reenter_t;

enum { DELETE_ITEM, EVICT_ALL, NESTED_UNPIN, NESTED_PIN, CACHE_FILE, SET_CALLER, LOCK, CALL_AS,
       CLOSE_CACHE, CANCEL_WAIT, SYNC, ADVANCE_CLOCK, SET_POLICY };

static csc_hresult noop(csc_cache_t *cache, void *ud)
{
    (void)cache;
    (void)ud;
    return CSC_S_OK;
}

static void act(reenter_t *r)
{
    const char *p[] = {r->at};
    const char *other[] = {C};
    switch (r->what) {
    case DELETE_ITEM:
        r->got = csc_delete_items(r->cache, p, 1, 0, NULL, NULL);
        break;
    case EVICT_ALL:
        r->got = csc_cache_evict(r->cache, true, 0, NULL, NULL);
        break;
    case NESTED_UNPIN:
        r->got = csc_unpin(r->cache, other, 1, USER, false, NULL, NULL);
        break;
    case NESTED_PIN:
        r->got = csc_pin(r->cache, other, 1, CSC_PIN_FLAG_FOR_ALL, false, NULL, NULL);
        break;
    case CACHE_FILE:
        r->got = csc_cache_file(r->cache, D "\\new.txt", true, 1, NULL);
        break;
    case SET_CALLER:
        r->got = csc_cache_set_caller(r->cache, "mallory", true);
        break;
    case LOCK:
        r->got = csc_cache_lock(r->cache);
        break;
    case CALL_AS:
        r->got = csc_cache_call_as(r->cache, "mallory", true, noop, NULL);
        break;
    case CLOSE_CACHE:
        r->got = csc_cache_close(r->cache);
        break;
    case CANCEL_WAIT:
        r->got = csc_cache_cancel_wait(r->cache);
        break;
    case SYNC:
        r->got = csc_synchronize(r->cache, p, 1, 0, NULL, NULL);
        break;
    case ADVANCE_CLOCK:
        r->got = csc_cache_advance_clock(r->cache, 5);
        break;
    case SET_POLICY:
        r->got = csc_cache_set_policy(r->cache, CSC_EVICT_EAGER);
        break;
    }
    r->calls++;
}

static csc_op_response_t on_result(void *ud, const csc_event_t *ev)
{
    reenter_t *r = ud;
    if (strcmp(ev->path, r->at) == 0)
        act(r);
    return CSC_OP_CONTINUE;
}

static void reenter_init(reenter_t *r, csc_cache_t *cache, const char *at, int what)
{
    memset(r, 0, sizeof *r);
    r->cache = cache;
    r->at = at;
    r->what = what;
    r->got = CSC_S_OK;
    csc_progress_t init = CSC_PROGRESS_INIT;
    r->sink = init;
    r->sink.user_data = r;
    r->sink.item_result = on_result;
}

/* Defect 1: DeleteItems of the item being walked, from its ItemResult. */
static void test_c14_5_delete_items_inside_item_result_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    char *before = csc_test_dump(cache);
    reenter_t r;
    reenter_init(&r, cache, A, DELETE_ITEM);
    const char *p[] = {SH};
    /* Unpin leaves every file evictable; the delete would free `a.txt`
     * while the walk still stands on it. */
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &r.sink, NULL), CSC_S_OK);
    assert_int_equal(r.calls, 1);
    assert_int_equal(r.got, CSC_E_BUSY);
    assert_cache_ok(cache);
    assert_true(csc_test_cached(cache, A));
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_int_equal(csc_test_pins_of(cache, C), 0); /* the walk went on to the end */
    assert_int_equal(csc_cache_item_count(cache), 6);
    free(before);
    csc_cache_free(cache);
}

/* Defect 1: an eviction pass asked for from an ItemResult. */
static void test_c14_5_evict_inside_item_result_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    reenter_t r;
    reenter_init(&r, cache, D, EVICT_ALL);
    const char *p[] = {SH};
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &r.sink, NULL), CSC_S_OK);
    assert_int_equal(r.got, CSC_E_BUSY);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_item_count(cache), 6);
    /* After the call, the same eviction is allowed and takes everything. */
    size_t n = 0;
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, &n), CSC_S_OK);
    assert_int_equal(n, 6);
    assert_int_equal(csc_cache_item_count(cache), 0);
    csc_cache_free(cache);
}

/* Defect 1: a harmless nested Unpin of another file under `eager`, whose
 * pass would have evicted the item the outer walk had just unpinned. */
static void test_c14_5_nested_unpin_under_eager_refused(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    csc_test_set_policy(cache, CSC_EVICT_EAGER);
    reenter_t r;
    reenter_init(&r, cache, A, NESTED_UNPIN);
    const char *p[] = {D};
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &r.sink, NULL), CSC_S_OK);
    assert_int_equal(r.got, CSC_E_BUSY);
    assert_cache_ok(cache);
    /* The outer call's own pass (C5.5) evicted the unpinned dir; c.txt kept
     * its pin, since the nested Unpin changed nothing. */
    assert_false(csc_test_cached(cache, A));
    assert_false(csc_test_cached(cache, D));
    assert_int_equal(csc_test_pins_of(cache, C), USER);
    csc_cache_free(cache);
}

/* Every kind of change is refused from inside a callback, and changes nothing. */
static void test_c14_5_every_change_refused_and_nothing_changes(void **state)
{
    (void)state;
    const int changes[] = {DELETE_ITEM, EVICT_ALL, NESTED_UNPIN, NESTED_PIN, CACHE_FILE,
                           SET_CALLER, LOCK, CALL_AS, CLOSE_CACHE, CANCEL_WAIT, SYNC,
                           ADVANCE_CLOCK, SET_POLICY};
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        csc_cache_t *cache = pinned_cache();
        csc_item_modify(cache, csc_test_find(cache, B), 3);
        /* A twin gets the same outer call with no callback. */
        csc_cache_t *twin = pinned_cache();
        csc_item_modify(twin, csc_test_find(twin, B), 3);
        reenter_t r;
        reenter_init(&r, cache, B, changes[i]);
        const char *p[] = {D};
        assert_int_equal(csc_unpin(cache, p, 1, USER, true, &r.sink, NULL), CSC_S_OK);
        assert_int_equal(csc_unpin(twin, p, 1, USER, true, NULL, NULL), CSC_S_OK);
        assert_int_equal(r.calls, 1);
        if (r.got != CSC_E_BUSY)
            fail_msg("change %zu inside a callback gave 0x%08X, not 0x800700AA", i,
                     (unsigned)r.got);
        char *got = csc_test_dump(cache), *want = csc_test_dump(twin);
        assert_string_equal(got, want);
        free(got);
        free(want);
        csc_cache_free(cache);
        csc_cache_free(twin);
    }
}

/* Reads go ahead from inside a callback (C14.5). */
typedef struct reader {
    csc_cache_t *cache;
    int reads;
} reader_t;

static csc_op_response_t read_everything(void *ud, const csc_event_t *ev)
{
    reader_t *rd = ud;
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(rd->cache, ev->path, &item), CSC_S_OK);
    assert_non_null(item);
    assert_int_equal(ev->path[ev->path_len], '\0'); /* NUL-terminated (pin.h) */
    char buf[256];
    assert_int_equal(csc_item_path(item, buf, sizeof buf), ev->path_len);
    assert_string_equal(buf, ev->path);
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(rd->cache, &ds), CSC_S_OK);
    assert_int_equal(csc_cache_check(rd->cache, NULL, 0), CSC_S_OK);
    (void)csc_cache_clock(rd->cache);
    (void)csc_cache_item_count(rd->cache);
    (void)csc_cache_policy(rd->cache);
    bool admin;
    assert_string_equal(csc_cache_caller(rd->cache, &admin), "user");
    assert_true(csc_cache_caller_has_access(rd->cache, item));
    assert_non_null(csc_cache_first_server(rd->cache));
    rd->reads++;
    return CSC_OP_CONTINUE;
}

static void test_c14_5_reads_allowed_inside_callback(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    reader_t rd = {cache, 0};
    csc_progress_t sink = CSC_PROGRESS_INIT;
    sink.user_data = &rd;
    sink.item_begin = read_everything;
    sink.item_result = read_everything;
    const char *p[] = {SH};
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &sink, NULL), CSC_S_OK);
    assert_int_equal(rd.reads, 2 * 5); /* share, dir, a, b, c */
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* The WMI entry points have the same guard (defect 1). */
typedef struct wmi_reenter {
    csc_cache_t *cache;
    csc_hresult got;
    int calls;
} wmi_reenter_t;

static void wmi_delete_on_progress(void *ud, const char *message)
{
    wmi_reenter_t *w = ud;
    if (strncmp(message, "3:", 2) != 0)
        return;
    const char *p[] = {A};
    w->got = csc_delete_items(w->cache, p, 1, CSC_DELETE_DEL_MODIFIED, NULL, NULL);
    w->calls++;
}

static void test_c14_5_wmi_entry_point_guarded(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    wmi_reenter_t w = {cache, CSC_S_OK, 0};
    const char *p[] = {D};
    assert_int_equal(csc_wmi_unpin(cache, p, 1, USER, true, wmi_delete_on_progress, &w), 0u);
    assert_int_equal(w.calls, 3);
    assert_int_equal(w.got, CSC_E_BUSY);
    assert_true(csc_test_cached(cache, A));
    assert_cache_ok(cache);
    /* A rejected WMI call from inside is refused too, as 170 (ERROR_BUSY). */
    csc_cache_free(cache);
}

/* The eviction callback runs inside the call that evicts: same rules. */
typedef struct evict_reenter {
    csc_cache_t *cache;
    csc_hresult got_change, got_read;
    int calls;
} evict_reenter_t;

static void evict_cb_reenters(void *ud, const char *path, uint64_t size)
{
    (void)size;
    evict_reenter_t *e = ud;
    e->got_change = csc_cache_file(e->cache, SH "\\other.txt", true, 1, NULL);
    csc_item_t *item = NULL;
    e->got_read = csc_cache_find(e->cache, path, &item); /* still cached now */
    e->calls++;
}

static void test_c14_5_evict_callback_guarded(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, A, 10);
    evict_reenter_t e = {cache, CSC_S_OK, CSC_E_FAIL, 0};
    assert_int_equal(csc_cache_set_evict_callback(cache, evict_cb_reenters, &e), CSC_S_OK);
    assert_int_equal(csc_cache_evict(cache, true, 0, NULL, NULL), CSC_S_OK);
    assert_int_equal(e.calls, 4); /* a.txt, dir, share, server */
    assert_int_equal(e.got_change, CSC_E_BUSY);
    assert_int_equal(e.got_read, CSC_S_OK);
    assert_int_equal(csc_cache_item_count(cache), 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* An application closing a handle is allowed inside a callback [decision,
 * C14.5]: it is what retry-at does (C4.5 step 6). */
static csc_op_response_t close_then_retry(void *ud, const csc_event_t *ev)
{
    reenter_t *r = ud;
    if (ev->result == CSC_E_SHARING_VIOLATION && r->calls == 0) {
        r->got = csc_item_close(r->cache, csc_test_find(r->cache, ev->path));
        r->calls++;
        return CSC_OP_RETRY;
    }
    return CSC_OP_CONTINUE;
}

static void test_c14_5_application_close_allowed(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, A)), CSC_S_OK);
    reenter_t r;
    reenter_init(&r, cache, A, 0);
    r.sink.item_result = close_then_retry;
    const char *p[] = {A};
    assert_int_equal(
        csc_unpin(cache, p, 1, USER | CSC_PIN_FLAG_BACKGROUND, false, &r.sink, NULL), CSC_S_OK);
    assert_int_equal(r.got, CSC_S_OK);
    assert_false(csc_item_is_open(csc_test_find(cache, A)));
    assert_int_equal(csc_test_pins_of(cache, A), 0);
    assert_cache_ok(cache);
    csc_cache_free(cache);
}

/* csc_cache_free from a callback: carried out when the call returns (the
 * test's leak check proves the cache was freed; ASan that nothing was used
 * after). */
static csc_op_response_t free_cache(void *ud, const csc_event_t *ev)
{
    (void)ev;
    reenter_t *r = ud;
    if (r->calls++ == 0)
        csc_cache_free(r->cache);
    return CSC_OP_CONTINUE;
}

static void test_c14_5_free_inside_callback_deferred(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    reenter_t r;
    reenter_init(&r, cache, A, 0);
    r.sink.item_result = free_cache;
    const char *p[] = {SH};
    /* The walk goes on to the end on a cache that is still whole. */
    assert_int_equal(csc_unpin(cache, p, 1, USER, true, &r.sink, NULL), CSC_S_OK);
    assert_int_equal(r.calls, 5);
    /* No csc_cache_free here: the deferred free has happened. */
}

/* A cache held with csc_cache_lock: the holder's own calls are ordinary
 * (changes allowed); unlock without holding is ERROR_NOT_OWNER. */
static void test_c14_5_lock_nests_and_holder_may_change(void **state)
{
    (void)state;
    csc_cache_t *cache = pinned_cache();
    assert_int_equal(csc_cache_unlock(cache), CSC_E_NOT_OWNER);
    assert_int_equal(csc_cache_lock(cache), CSC_S_OK);
    assert_int_equal(csc_cache_lock(cache), CSC_S_OK);
    csc_test_unpin1_ok(cache, C, USER, false);
    assert_int_equal(csc_cache_unlock(cache), CSC_S_OK);
    csc_test_pin1_ok(cache, C, USER, false);
    assert_int_equal(csc_cache_unlock(cache), CSC_S_OK);
    assert_int_equal(csc_cache_unlock(cache), CSC_E_NOT_OWNER);
    assert_int_equal(csc_cache_lock(NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_unlock(NULL), CSC_E_POINTER);
    assert_cache_ok(cache);
    /* Closing a cache this thread holds would free it under the hold. */
    assert_int_equal(csc_cache_lock(cache), CSC_S_OK);
    assert_int_equal(csc_cache_close(cache), CSC_E_BUSY);
    assert_int_equal(csc_cache_unlock(cache), CSC_S_OK);
    /* Freed while held: when the hold ends. */
    assert_int_equal(csc_cache_lock(cache), CSC_S_OK);
    csc_cache_free(cache);
    assert_int_equal(csc_cache_unlock(cache), CSC_S_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c14_5_delete_items_inside_item_result_refused),
        cmocka_unit_test(test_c14_5_evict_inside_item_result_refused),
        cmocka_unit_test(test_c14_5_nested_unpin_under_eager_refused),
        cmocka_unit_test(test_c14_5_every_change_refused_and_nothing_changes),
        cmocka_unit_test(test_c14_5_reads_allowed_inside_callback),
        cmocka_unit_test(test_c14_5_wmi_entry_point_guarded),
        cmocka_unit_test(test_c14_5_evict_callback_guarded),
        cmocka_unit_test(test_c14_5_application_close_allowed),
        cmocka_unit_test(test_c14_5_free_inside_callback_deferred),
        cmocka_unit_test(test_c14_5_lock_nests_and_holder_may_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
