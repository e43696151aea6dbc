/*
 * tests/test_unpin__validation.c: the checks made before anything else.
 * C4.1: no path, a NULL path array or element, an unknown flag bit, no pin
 * source -> E_INVALIDARG with no progress event at all and the cache
 * unchanged; C8.1: a NULL cache -> E_POINTER; C7.1: Pin validates the same
 * way. C4.9: Fill, PinLinkTargets, LowPriority, Interactive and Console
 * change nothing for Unpin (same events, same states, same return value).
 */
#include "support.h"
#include "events.h"

#include <stdio.h>
#include <string.h>

#define SH "\\\\srv\\share"

typedef csc_hresult (*method_fn)(csc_cache_t *, const char *const *, size_t, uint32_t, bool,
                                 const csc_progress_t *, csc_cancel_t *);

typedef struct method {
    method_fn fn;
    const char *name;
} method_t;

static method_t unpin_method = {csc_unpin, "unpin"};
static method_t pin_method = {csc_pin, "pin"};

/* ---- a full description of the cache, to prove "unchanged" -------------- */

#define SNAP_SIZE 8192

static void snapshot(const csc_cache_t *cache, char *buf, size_t size)
{
    int n = snprintf(buf, size, "items=%zu clock=%llu\n", csc_cache_item_count(cache),
                     (unsigned long long)csc_cache_clock(cache));
    assert_true(n > 0 && (size_t)n < size);
    size_t pos = (size_t)n;
    for (const csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it)) {
        char path[1024];
        csc_item_path(it, path, sizeof path);
        size_t acl = 0;
        bool has_acl = csc_item_access(it, &acl);
        n = snprintf(buf + pos, size - pos,
                     "%s t=%d p=%x i=%x pp=%d dirty=%d/%llu open=%u sv=%u size=%llu use=%llu "
                     "acl=%d/%zu\n",
                     path, (int)csc_item_type(it), (unsigned)csc_item_pins(it),
                     (unsigned)csc_item_inherit(it), (int)csc_item_is_partly_pinned(it),
                     (int)csc_item_is_dirty(it), (unsigned long long)csc_item_dirty_bytes(it),
                     (unsigned)csc_item_open_count(it), (unsigned)csc_item_sharing_violations(it),
                     (unsigned long long)csc_item_size(it),
                     (unsigned long long)csc_item_last_use(it), (int)has_acl, acl);
        assert_true(n > 0 && (size_t)n < size - pos);
        pos += (size_t)n;
    }
}

/* A pinned tree: \\srv\share deep-pinned ForUser, with a dir, files, an
 * open file and a dirty file; the clock advanced after pinning so that a
 * touch by a rejected Pin would show. */
static csc_cache_t *pinned_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\dir\\a.txt", 10);
    csc_test_file(cache, SH "\\b.txt", 20);
    csc_item_t *c = csc_test_file(cache, SH "\\c.txt", 30);
    csc_test_dir(cache, "\\\\srv\\other");
    const char *p[] = {SH};
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), CSC_S_OK);
    assert_cache_ok(cache);
    assert_int_equal(csc_item_open(cache, c), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, SH "\\b.txt"), 5), CSC_S_OK);
    assert_int_equal(csc_cache_advance_clock(cache, 7), CSC_S_OK);
    assert_cache_ok(cache);
    return cache;
}

/* Calls the method expecting E_INVALIDARG, no event and no change. */
static void expect_rejected(const method_t *m, csc_cache_t *cache, const char *const *paths,
                            size_t count, uint32_t flags, bool deep, csc_cancel_t *cancel)
{
    char before[SNAP_SIZE], after[SNAP_SIZE];
    snapshot(cache, before, sizeof before);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    csc_hresult hr = m->fn(cache, paths, count, flags, deep, &rec.sink, cancel);
    if (hr != CSC_E_INVALIDARG)
        print_error("%s flags=0x%08X count=%zu deep=%d: got 0x%08X\n", m->name, (unsigned)flags,
                    count, (int)deep, (unsigned)hr);
    assert_int_equal(hr, CSC_E_INVALIDARG);
    assert_int_equal(rec.count, 0);
    assert_int_equal(rec.query_aborts, 0);
    assert_cache_ok(cache);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);
    /* Without a sink, too. */
    assert_int_equal(m->fn(cache, paths, count, flags, deep, NULL, NULL), CSC_E_INVALIDARG);
    assert_cache_ok(cache);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);
    csc_test_recorder_clear(&rec);
}

/* C4.1 (C7.1 for Pin): no path at all. */
static void test_c4_1_no_path(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    const char *p[] = {SH};
    expect_rejected(m, cache, p, 0, CSC_PIN_FLAG_FOR_USER, true, NULL);
    expect_rejected(m, cache, p, 0, CSC_PIN_FLAG_FOR_USER, false, NULL);
    expect_rejected(m, cache, NULL, 0, CSC_PIN_FLAG_FOR_USER, true, NULL);
    csc_cache_free(cache);
}

/* C4.1: a NULL path array. */
static void test_c4_1_null_paths_array(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    expect_rejected(m, cache, NULL, 1, CSC_PIN_FLAG_FOR_USER, true, NULL);
    expect_rejected(m, cache, NULL, 3, CSC_PIN_FLAG_FOR_USER, false, NULL);
    csc_cache_free(cache);
}

/* C4.1: a NULL path anywhere in the array rejects the whole call, before
 * the valid paths in front of it are processed. */
static void test_c4_1_null_path_element(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    const char *first[] = {NULL, SH};
    const char *middle[] = {SH "\\b.txt", NULL, SH "\\c.txt"};
    const char *last[] = {SH, SH "\\dir", NULL};
    const char *only[] = {NULL};
    expect_rejected(m, cache, first, 2, CSC_PIN_FLAG_FOR_USER, true, NULL);
    expect_rejected(m, cache, middle, 3, CSC_PIN_FLAG_FOR_USER, true, NULL);
    expect_rejected(m, cache, last, 3, CSC_PIN_FLAG_FOR_USER, false, NULL);
    expect_rejected(m, cache, only, 1, CSC_PIN_FLAG_FOR_USER, true, NULL);
    csc_cache_free(cache);
}

/* C4.1: every bit outside the accepted set, alone with a valid source and
 * with all valid bits. */
static void test_c4_1_each_unknown_flag_bit(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    const char *p[] = {SH};
    const uint32_t valid = 0x1u | 0x10u | 0x20u | 0x40u | 0x80u | 0x100u | 0x200u | 0x400u |
                           0x800u | 0x1000u | 0x10000u;
    size_t tried = 0;
    for (unsigned bit = 0; bit < 32; bit++) {
        uint32_t f = 1u << bit;
        if (f & valid)
            continue;
        tried++;
        expect_rejected(m, cache, p, 1, CSC_PIN_FLAG_FOR_USER | f, true, NULL);
        expect_rejected(m, cache, p, 1, valid | f, false, NULL);
    }
    assert_int_equal(tried, 21);
    /* The examples of the brief, explicitly. */
    static const uint32_t named[] = {0x2u, 0x4u, 0x8u, 0x2000u, 0x20000u, 0x80000000u};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        expect_rejected(m, cache, p, 1, CSC_PIN_FLAG_FOR_ALL | named[i], true, NULL);
    expect_rejected(m, cache, p, 1, 0xFFFFFFFFu, true, NULL);
    csc_cache_free(cache);
}

/* C4.1: Flags naming no pin source: 0, and each non-source flag alone and
 * all of them together. */
static void test_c4_1_no_source_flag(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    const char *p[] = {SH "\\b.txt"};
    static const uint32_t non_source[] = {
        CSC_PIN_FLAG_FILL,        CSC_PIN_FLAG_PIN_LINK_TARGETS, CSC_PIN_FLAG_LOW_PRIORITY,
        CSC_PIN_FLAG_ASYNC_PROGRESS, CSC_PIN_FLAG_INTERACTIVE,   CSC_PIN_FLAG_CONSOLE,
        CSC_PIN_FLAG_BACKGROUND};
    expect_rejected(m, cache, p, 1, 0, true, NULL);
    expect_rejected(m, cache, p, 1, 0, false, NULL);
    uint32_t all = 0;
    for (size_t i = 0; i < sizeof non_source / sizeof non_source[0]; i++) {
        expect_rejected(m, cache, p, 1, non_source[i], true, NULL);
        all |= non_source[i];
    }
    expect_rejected(m, cache, p, 1, all, true, NULL);
    expect_rejected(m, cache, p, 1, CSC_PIN_FLAG_INTERACTIVE | CSC_PIN_FLAG_CONSOLE, false, NULL);
    csc_cache_free(cache);
}

/* C4.1 "before anything else": a set cancel token and a sink that would
 * abort at Begin change nothing; the result is still E_INVALIDARG. */
static void test_c4_1_before_cancellation(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    csc_cancel_t *cancel = NULL;
    assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
    csc_cancel_request(cancel);
    const char *p[] = {SH};
    const char *withnull[] = {SH, NULL};
    expect_rejected(m, cache, p, 1, 0x2u | CSC_PIN_FLAG_FOR_USER, true, cancel);
    expect_rejected(m, cache, withnull, 2, CSC_PIN_FLAG_FOR_USER, true, cancel);
    expect_rejected(m, cache, p, 0, CSC_PIN_FLAG_FOR_USER, true, cancel);

    char before[SNAP_SIZE], after[SNAP_SIZE];
    snapshot(cache, before, sizeof before);
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    rec.abort_in_begin = true;
    assert_int_equal(m->fn(cache, p, 1, CSC_PIN_FLAG_BACKGROUND, true, &rec.sink, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(rec.count, 0);
    snapshot(cache, after, sizeof after);
    assert_string_equal(before, after);
    csc_test_recorder_clear(&rec);
    csc_cancel_free(cancel);
    csc_cache_free(cache);
}

/* C8.1: a NULL cache (with otherwise valid arguments) -> E_POINTER. */
static void test_c8_1_null_cache(void **state)
{
    const method_t *m = *state;
    const char *p[] = {SH};
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(m->fn(NULL, p, 1, CSC_PIN_FLAG_FOR_USER, true, &rec.sink, NULL),
                     CSC_E_POINTER);
    assert_int_equal(m->fn(NULL, p, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL),
                     CSC_E_POINTER);
    assert_int_equal(rec.count, 0);
    csc_test_recorder_clear(&rec);
}

/* The valid counterpart, so the rejections above are not vacuous: the same
 * cache accepts the same path with FOR_USER. */
static void test_c4_1_valid_call_is_accepted(void **state)
{
    const method_t *m = *state;
    csc_cache_t *cache = pinned_cache();
    const char *p[] = {SH "\\dir"};
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(m->fn(cache, p, 1, CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_ALL, true,
                           &rec.sink, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    assert_events(&rec, EV_BEGIN, ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\a.txt"), EV_END_OK);
    csc_test_recorder_clear(&rec);
    csc_cache_free(cache);
}

/* ---- C4.9 ---------------------------------------------------------------- */

/* A varied cache: several sources, a denied dir, an open file (no
 * Background: it is unpinned and counts a sharing violation), a dirty file. */
static csc_cache_t *varied_cache(void)
{
    csc_cache_t *cache = csc_test_cache_new();
    csc_test_file(cache, SH "\\B.txt", 1);
    csc_test_file(cache, SH "\\a.txt", 2);
    csc_test_file(cache, SH "\\dir\\deep\\x.txt", 3);
    csc_test_file(cache, SH "\\dir\\y.txt", 4);
    csc_test_file(cache, SH "\\locked\\z.txt", 5);
    const char *p[] = {SH};
    assert_int_equal(csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_ALL, true,
                             NULL, NULL),
                     CSC_S_OK);
    assert_cache_ok(cache);
    const char *alice[] = {"alice"};
    assert_int_equal(
        csc_item_set_access(cache, csc_test_find(cache, SH "\\locked"), alice, 1), CSC_S_OK);
    assert_int_equal(csc_item_open(cache, csc_test_find(cache, SH "\\a.txt")), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, SH "\\dir\\y.txt"), 9),
                     CSC_S_OK);
    assert_int_equal(csc_cache_advance_clock(cache, 3), CSC_S_OK);
    assert_cache_ok(cache);
    return cache;
}

typedef struct run_result {
    csc_hresult hr;
    char snap[SNAP_SIZE];
    csc_test_recorder_t rec;
} run_result_t;

static const char *const varied_paths[] = {SH "\\dir", SH "\\missing.txt", SH, "\\\\srv\\bad?",
                                           SH "\\B.txt"};

static void run_varied(uint32_t flags, bool deep, run_result_t *out)
{
    csc_cache_t *cache = varied_cache();
    csc_test_recorder_init(&out->rec);
    out->hr = csc_unpin(cache, varied_paths, 5, flags, deep, &out->rec.sink, NULL);
    assert_cache_ok(cache);
    snapshot(cache, out->snap, sizeof out->snap);
    csc_cache_free(cache);
}

/* The baseline itself, checked exactly, so that the comparison below means
 * something. Deep unpin of ForUser. */
static void test_c4_9_baseline_deep(void **state)
{
    (void)state;
    run_result_t r;
    run_varied(CSC_PIN_FLAG_FOR_USER, true, &r);
    assert_int_equal(r.hr, CSC_S_OK);
    assert_events(&r.rec, EV_BEGIN,
                  ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\deep"), ITEM_OK(SH "\\dir\\deep\\x.txt"),
                  ITEM_OK(SH "\\dir\\y.txt"),
                  IB(SH "\\missing.txt"), R_NF(SH "\\missing.txt"),
                  ITEM_OK(SH), ITEM_OK(SH "\\a.txt"), ITEM_OK(SH "\\B.txt"),
                  ITEM_OK(SH "\\dir"), ITEM_OK(SH "\\dir\\deep"), ITEM_OK(SH "\\dir\\deep\\x.txt"),
                  ITEM_OK(SH "\\dir\\y.txt"),
                  IB(SH "\\locked"), R_DENIED(SH "\\locked"),
                  IB(SH "\\locked\\z.txt"), R_DENIED(SH "\\locked\\z.txt"),
                  IB("\\\\srv\\bad?"), R_BAD("\\\\srv\\bad?"),
                  ITEM_OK(SH "\\B.txt"), EV_END_OK);
    /* States: ForAll left everywhere, ForUser gone except on the locked dir. */
    assert_non_null(strstr(r.snap, SH "\\a.txt t=0 p=80 i=0 pp=0 dirty=0/0 open=1 sv=1 "));
    assert_non_null(strstr(r.snap, SH "\\locked t=1 p=a0 i=a0 "));
    assert_non_null(strstr(r.snap, SH "\\dir\\y.txt t=0 p=80 i=0 pp=0 dirty=1/9 "));
    assert_non_null(strstr(r.snap, SH " t=2 p=80 i=80 "));
    csc_test_recorder_clear(&r.rec);
}

/* C4.9: each ignored flag, alone and combined, gives the same events, states
 * and return value as the plain ForUser unpin, deep and shallow. */
static void test_c4_9_ignored_flags_change_nothing(void **state)
{
    (void)state;
    static const uint32_t extras[] = {
        CSC_PIN_FLAG_FILL,
        CSC_PIN_FLAG_PIN_LINK_TARGETS,
        CSC_PIN_FLAG_LOW_PRIORITY,
        CSC_PIN_FLAG_INTERACTIVE,
        CSC_PIN_FLAG_CONSOLE,
        CSC_PIN_FLAG_CONSOLE | CSC_PIN_FLAG_INTERACTIVE,
        CSC_PIN_FLAG_FILL | CSC_PIN_FLAG_PIN_LINK_TARGETS | CSC_PIN_FLAG_LOW_PRIORITY |
            CSC_PIN_FLAG_INTERACTIVE | CSC_PIN_FLAG_CONSOLE,
    };
    static run_result_t base, other;
    for (int deep = 0; deep <= 1; deep++) {
        run_varied(CSC_PIN_FLAG_FOR_USER, deep != 0, &base);
        assert_true(base.rec.count > 10);
        for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
            run_varied(CSC_PIN_FLAG_FOR_USER | extras[i], deep != 0, &other);
            if (other.rec.count != base.rec.count || other.hr != base.hr)
                print_error("flags 0x%08X deep=%d differ\n", (unsigned)extras[i], deep);
            assert_int_equal(other.hr, base.hr);
            assert_int_equal(other.rec.count, base.rec.count);
            for (size_t k = 0; k < base.rec.count; k++)
                assert_string_equal(other.rec.events[k], base.rec.events[k]);
            assert_string_equal(other.snap, base.snap);
            csc_test_recorder_clear(&other.rec);
        }
        csc_test_recorder_clear(&base.rec);
    }
}

/* C4.9 with a single file path: the return value (C4.7) is unaffected too. */
static void test_c4_9_single_file_return_value(void **state)
{
    (void)state;
    static const uint32_t extras[] = {0, CSC_PIN_FLAG_FILL, CSC_PIN_FLAG_PIN_LINK_TARGETS,
                                      CSC_PIN_FLAG_LOW_PRIORITY, CSC_PIN_FLAG_INTERACTIVE,
                                      CSC_PIN_FLAG_CONSOLE,
                                      CSC_PIN_FLAG_CONSOLE | CSC_PIN_FLAG_INTERACTIVE};
    for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
        csc_cache_t *cache = varied_cache();
        const char *denied[] = {SH "\\locked\\z.txt"};
        const char *fine[] = {SH "\\a.txt"};
        assert_int_equal(csc_unpin(cache, denied, 1, CSC_PIN_FLAG_FOR_USER | extras[i], true,
                                   NULL, NULL),
                         CSC_E_ACCESSDENIED);
        assert_cache_ok(cache);
        assert_int_equal(csc_unpin(cache, fine, 1, CSC_PIN_FLAG_FOR_USER | extras[i], false,
                                   NULL, NULL),
                         CSC_S_OK);
        assert_cache_ok(cache);
        assert_int_equal(csc_item_pins(csc_test_find(cache, SH "\\a.txt")),
                         CSC_PIN_SOURCE_COMPUTER);
        assert_int_equal(csc_item_pins(csc_test_find(cache, SH "\\locked\\z.txt")),
                         CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_COMPUTER);
        csc_cache_free(cache);
    }
}

/* Each check runs for Unpin (C4.1) and for Pin (C7.1), under two names. */
#define BOTH(f)                                          \
    {#f "(unpin)", f, NULL, NULL, &unpin_method},       \
        {#f "(pin)", f, NULL, NULL, &pin_method}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BOTH(test_c4_1_no_path),
        BOTH(test_c4_1_null_paths_array),
        BOTH(test_c4_1_null_path_element),
        BOTH(test_c4_1_each_unknown_flag_bit),
        BOTH(test_c4_1_no_source_flag),
        BOTH(test_c4_1_before_cancellation),
        BOTH(test_c8_1_null_cache),
        BOTH(test_c4_1_valid_call_is_accepted),
        cmocka_unit_test(test_c4_9_baseline_deep),
        cmocka_unit_test(test_c4_9_ignored_flags_change_nothing),
        cmocka_unit_test(test_c4_9_single_file_return_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
