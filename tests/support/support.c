/*
 * tests/support/support.c: the shared test support declared in support.h:
 * the leak-checked and failing allocator, cache helpers, the invariant
 * assertion, the pre-order walk step, the full dump of the cache (with its
 * recount of the item count, the disk-space figures and partly pinned), the
 * scripted event recorder, the string-list comparison behind assert_events /
 * assert_evicted, the one-path Pin/Unpin helpers, the item queries and
 * setters (pins, inherit bits, cached, access, clock, policy, limits), the
 * disk-space assertions and the eviction recorder. The expected event
 * strings are not here: see events.h.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
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

csc_item_t *csc_test_next_preorder(const csc_item_t *it)
{
    csc_item_t *child = csc_item_first_child(it);
    if (child != NULL)
        return child;
    while (it != NULL && csc_item_next_sibling(it) == NULL)
        it = csc_item_parent(it);
    return it != NULL ? csc_item_next_sibling(it) : NULL;
}

/* ---- the full dump ---------------------------------------------------------- */

/* Whether any item strictly below `item` is pinned. */
static bool has_pinned_descendant(const csc_item_t *item)
{
    for (const csc_item_t *ch = csc_item_first_child(item); ch != NULL;
         ch = csc_item_next_sibling(ch))
        if (csc_item_is_pinned(ch) || has_pinned_descendant(ch))
            return true;
    return false;
}

/* An item's two lines (see support.h). Returns false, after saying so, when
 * partly pinned disagrees with a recount. */
static bool dump_item(FILE *f, const csc_cache_t *cache, const csc_item_t *it)
{
    size_t n = csc_item_path(it, NULL, 0);
    char *p = malloc(n + 1);
    assert_non_null(p);
    assert_int_equal(csc_item_path(it, p, n + 1), n);
    assert_int_equal(strlen(p), n);
    csc_item_t *found = NULL;
    csc_hresult hr = csc_cache_find(cache, p, &found);
    fprintf(f,
            "%s\tname=%s type=%d pins=%#x inherit=%#x wmi=%d%d%d%d pinned=%d dirty=%d "
            "dbytes=%llu open=%u size=%llu last=%llu sv=%u evictable=%d find=%s acl=",
            p, csc_item_name(it), (int)csc_item_type(it), (unsigned)csc_item_pins(it),
            (unsigned)csc_item_inherit(it), (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_USER),
            (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_POLICY),
            (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_COMPUTER),
            (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_REDIRECT), (int)csc_item_is_pinned(it),
            (int)csc_item_is_dirty(it), (unsigned long long)csc_item_dirty_bytes(it),
            (unsigned)csc_item_open_count(it), (unsigned long long)csc_item_size(it),
            (unsigned long long)csc_item_last_use(it), (unsigned)csc_item_sharing_violations(it),
            (int)csc_item_is_evictable(it), hr == CSC_S_OK && found == it ? "self" : "OTHER");
    size_t count = 0;
    if (csc_item_access(it, &count)) {
        fputc('[', f);
        for (size_t i = 0; i < count; i++)
            fprintf(f, "%s%s", i ? "," : "", csc_item_access_user(it, i));
        fputc(']', f);
    } else {
        fputs("none", f);
    }
    bool partly = csc_item_is_partly_pinned(it);
    fprintf(f, "\n  partly=%d access=%d suspended=%d root=%d encrypted=%d attributes=%#x\n",
            (int)partly, (int)csc_cache_caller_has_access(cache, it),
            (int)csc_item_is_suspended(it), (int)csc_item_is_suspended_root(it),
            (int)csc_item_is_encrypted(it), (unsigned)csc_item_attributes(it));
    bool expected = csc_item_type(it) != CSC_ITEM_FILE && !csc_item_is_pinned(it) &&
                    has_pinned_descendant(it);
    if (partly != expected)
        print_error("C3.5: %s: partly pinned is %d, a recount says %d\n", p, (int)partly,
                    (int)expected);
    free(p);
    return partly == expected;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

char *csc_test_dump(const csc_cache_t *cache)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    bool admin = false;
    const char *caller = csc_cache_caller(cache, &admin);
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    fprintf(f,
            "caller=%s admin=%d clock=%llu policy=%d limit=%llu unpinned_limit=%llu "
            "volume=%llu\n",
            caller != NULL ? caller : "(null)", (int)admin,
            (unsigned long long)csc_cache_clock(cache), (int)csc_cache_policy(cache),
            (unsigned long long)ds.limit, (unsigned long long)ds.unpinned_limit,
            (unsigned long long)ds.volume_total);
    fprintf(f, "items=%zu used=%llu unpinned_used=%llu ", csc_cache_item_count(cache),
            (unsigned long long)ds.used, (unsigned long long)ds.unpinned_used);
    { /* C13 (same line): feature state, Location, encryption */
        bool active = false, enabled = false, available = false, enc = false, partial = false;
        csc_feature_query_status(cache, &active, &enabled, &available);
        csc_cache_encryption_state(cache, &enc, &partial);
        char loc[512];
        csc_cache_location(cache, loc, sizeof loc);
        fprintf(f, "active=%d enabled=%d available=%d location=%s encrypted=%d partial=%d",
                (int)active, (int)enabled, (int)available, loc, (int)enc, (int)partial);
        const char *from, *to;
        for (size_t i = 0; csc_cache_pending_rename(cache, i, &from, &to); i++)
            fprintf(f, " rename=%s>%s", from, to);
        fputc('\n', f);
    }
    bool ok = true;
    size_t items = 0;
    uint64_t used = 0, unpinned = 0;
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it)) {
        ok = dump_item(f, cache, it) && ok;
        items++;
        if (csc_item_type(it) == CSC_ITEM_FILE) {
            /* a sparse file holds 0 bytes (C10.8) */
            uint64_t held = csc_item_is_sparse(it) ? 0 : csc_item_size(it);
            used = add_saturating(used, held);
            if (!csc_item_is_pinned(it))
                unpinned = add_saturating(unpinned, held);
        }
    }
    fclose(f);
    if (items != csc_cache_item_count(cache) || used != ds.used ||
        unpinned != ds.unpinned_used) {
        print_error("C5.5: the cache reports %zu items, %llu used, %llu unpinned used; a "
                    "recount says %zu, %llu, %llu\n",
                    csc_cache_item_count(cache), (unsigned long long)ds.used,
                    (unsigned long long)ds.unpinned_used, items, (unsigned long long)used,
                    (unsigned long long)unpinned);
        ok = false;
    }
    if (!ok) {
        free(buf);
        fail();
    }
    return buf;
}

/* ---- the event recorder ----------------------------------------------------- */

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

void csc_test_assert_strings(const char *file, int line, const char *what,
                             const char *const *got, size_t n_got, const char *const *expected)
{
    size_t n = 0;
    while (expected[n] != NULL)
        n++;
    bool ok = n == n_got;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(expected[i], got[i]) == 0;
    if (!ok) {
        print_error("%s:%d: %s differ\n", file, line, what);
        for (size_t i = 0; i < n || i < n_got; i++)
            print_error("  #%zu expected: %s\n  #%zu got:      %s\n", i + 1,
                        i < n ? expected[i] : "(none)", i + 1, i < n_got ? got[i] : "(none)");
        fail();
    }
}

void csc_test_assert_events(const csc_test_recorder_t *rec, const char *file, int line,
                            const char *const *expected)
{
    csc_test_assert_strings(file, line, "events", (const char *const *)rec->events, rec->count,
                            expected);
}

/* ---- one-path Pin / Unpin --------------------------------------------------- */

csc_hresult csc_test_pin1(csc_cache_t *cache, const char *path, uint32_t flags, bool deep,
                          csc_test_recorder_t *rec)
{
    const char *p[] = {path};
    csc_hresult hr = csc_pin(cache, p, 1, flags, deep, rec != NULL ? &rec->sink : NULL, NULL);
    assert_cache_ok(cache);
    return hr;
}

csc_hresult csc_test_unpin1(csc_cache_t *cache, const char *path, uint32_t flags, bool deep,
                            csc_test_recorder_t *rec)
{
    const char *p[] = {path};
    csc_hresult hr = csc_unpin(cache, p, 1, flags, deep, rec != NULL ? &rec->sink : NULL, NULL);
    assert_cache_ok(cache);
    return hr;
}

void csc_test_pin1_ok(csc_cache_t *cache, const char *path, uint32_t flags, bool deep)
{
    assert_int_equal(csc_pin(cache, (const char *[]){path}, 1, flags, deep, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
}

void csc_test_unpin1_ok(csc_cache_t *cache, const char *path, uint32_t flags, bool deep)
{
    assert_int_equal(csc_unpin(cache, (const char *[]){path}, 1, flags, deep, NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
}

/* ---- item queries and setters ----------------------------------------------- */

uint32_t csc_test_pins_of(csc_cache_t *cache, const char *path)
{
    return csc_item_pins(csc_test_find(cache, path));
}

uint32_t csc_test_inherit_of(csc_cache_t *cache, const char *path)
{
    return csc_item_inherit(csc_test_find(cache, path));
}

bool csc_test_cached(csc_cache_t *cache, const char *path)
{
    csc_item_t *item = NULL;
    csc_hresult hr = csc_cache_find(cache, path, &item);
    assert_true(hr == CSC_S_OK || hr == CSC_E_FILE_NOT_FOUND);
    return hr == CSC_S_OK;
}

void csc_test_set_access(csc_cache_t *cache, const char *path, const char *const *users,
                         size_t n)
{
    assert_int_equal(csc_item_set_access(cache, csc_test_find(cache, path), users, n), CSC_S_OK);
    assert_cache_ok(cache);
}

void csc_test_advance_to(csc_cache_t *cache, uint64_t t)
{
    assert_true(t >= csc_cache_clock(cache));
    assert_int_equal(csc_cache_advance_clock(cache, t - csc_cache_clock(cache)), CSC_S_OK);
    assert_int_equal(csc_cache_clock(cache), t);
}

void csc_test_set_policy(csc_cache_t *cache, csc_evict_policy_t policy)
{
    assert_int_equal(csc_cache_set_policy(cache, policy), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_cache_policy(cache), policy);
}

void csc_test_set_limits(csc_cache_t *cache, uint64_t limit, uint64_t unpinned_limit)
{
    bool was_admin = false;
    const char *who = csc_cache_caller(cache, &was_admin);
    char name[64];
    snprintf(name, sizeof name, "%s", who);
    assert_int_equal(csc_cache_set_caller(cache, "admin", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(cache, limit, unpinned_limit), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(cache, name, was_admin), CSC_S_OK);
    assert_cache_ok(cache);
}

/* ---- disk-space figures ----------------------------------------------------- */

void csc_test_assert_space(csc_cache_t *cache, uint64_t limit, uint64_t used, uint64_t ulimit,
                           uint64_t uused, const char *file, int line)
{
    csc_disk_space_t ds;
    memset(&ds, 0x5A, sizeof ds);
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    if (ds.limit != limit || ds.used != used || ds.unpinned_limit != ulimit ||
        ds.unpinned_used != uused || ds.volume_total != CSC_SPACE_UNLIMITED) {
        print_error("%s:%d: limit %llu/%llu used %llu/%llu unpinned limit %llu/%llu "
                    "unpinned used %llu/%llu volume total %llu/%llu (got/want)\n",
                    file, line, (unsigned long long)ds.limit, (unsigned long long)limit,
                    (unsigned long long)ds.used, (unsigned long long)used,
                    (unsigned long long)ds.unpinned_limit, (unsigned long long)ulimit,
                    (unsigned long long)ds.unpinned_used, (unsigned long long)uused,
                    (unsigned long long)ds.volume_total,
                    (unsigned long long)CSC_SPACE_UNLIMITED);
        fail();
    }
}

void csc_test_assert_used(csc_cache_t *cache, uint64_t used, uint64_t uused, const char *file,
                          int line)
{
    csc_disk_space_t ds;
    memset(&ds, 0x5A, sizeof ds);
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    if (ds.used != used || ds.unpinned_used != uused) {
        print_error("%s:%d: used %llu (want %llu), unpinned used %llu (want %llu)\n", file, line,
                    (unsigned long long)ds.used, (unsigned long long)used,
                    (unsigned long long)ds.unpinned_used, (unsigned long long)uused);
        fail();
    }
}

/* ---- the eviction recorder -------------------------------------------------- */

void csc_test_on_evict(void *ud, const char *path, uint64_t size)
{
    csc_test_evict_log_t *log = ud;
    assert_true(log->n < CSC_TEST_EVICT_LOG_MAX);
    snprintf(log->entries[log->n++], sizeof log->entries[0], "%s=%llu", path,
             (unsigned long long)size);
}

csc_cache_t *csc_test_evict_cache_new(csc_test_evict_log_t *log)
{
    memset(log, 0, sizeof *log);
    csc_cache_t *cache = csc_test_cache_new();
    assert_int_equal(csc_cache_set_evict_callback(cache, csc_test_on_evict, log), CSC_S_OK);
    assert_cache_ok(cache);
    return cache;
}

void csc_test_assert_evicted(csc_test_evict_log_t *log, const char *file, int line,
                             const char *const *expected)
{
    const char *got[CSC_TEST_EVICT_LOG_MAX];
    for (size_t i = 0; i < log->n; i++)
        got[i] = log->entries[i];
    csc_test_assert_strings(file, line, "evictions", got, log->n, expected);
    log->n = 0;
}

/* ---- text in memory ----------------------------------------------------- */

void csc_test_text_write(void *user_data, const char *s, size_t n)
{
    csc_test_text_t *t = user_data;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap == 0 ? 4096 : t->cap;
        while (cap < t->len + n + 1)
            cap *= 2;
        t->p = realloc(t->p, cap);
        assert_non_null(t->p);
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
    t->writes++;
}

void csc_test_text_free(csc_test_text_t *t)
{
    free(t->p);
    memset(t, 0, sizeof *t);
}
