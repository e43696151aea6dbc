/*
 * tests/test_alloc__failure.c: contract C8.1 under allocation failure. Each
 * operation of a representative sequence (creating a cache; caching files
 * and directories, new deep paths and paths longer than 1024 bytes whose
 * normalisation allocates; enough items to make the path index grow; finding;
 * access lists; the caller; Pin and Unpin, deep and shallow, with and without
 * a progress sink) runs with allocation k failing, for k = 1, 2, ... until
 * the operation succeeds. Each failure must return E_OUTOFMEMORY, keep the
 * invariants (csc_cache_check), keep every block accounted for, and leave the
 * observable state (a full dump through the public API) exactly as it was;
 * for Pin and Unpin, which stop where memory ran out, "nothing already done
 * is lost" (C8.1): an item is either as before or as a clean run leaves it,
 * and with a progress sink exactly the items whose ItemResult was reported
 * are changed. Every operation is also run once, without failures, on a
 * reference cache built by the same sequence: after the retries the cache
 * must equal the reference. After csc_cache_free no block may remain.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failure points exercised by the whole file, printed at the end. */
static size_t total_points;

/* ---- Temporary blocks ---------------------------------------------------- */

/* The test's own malloc'd temporaries (dumps, copies) are registered here so
 * that teardown frees them when an assertion ends a test early. */
#define TEMP_SLOTS 512
static void *g_tmp[TEMP_SLOTS];

static void *tmp_keep(void *p)
{
    assert_non_null(p);
    for (size_t i = 0; i < TEMP_SLOTS; i++) {
        if (g_tmp[i] == NULL) {
            g_tmp[i] = p;
            return p;
        }
    }
    free(p);
    fail_msg("too many temporaries");
    return NULL;
}

static void tmp_free(void *p)
{
    for (size_t i = 0; p != NULL && i < TEMP_SLOTS; i++)
        if (g_tmp[i] == p)
            g_tmp[i] = NULL;
    free(p);
}

static void tmp_free_all(void)
{
    for (size_t i = 0; i < TEMP_SLOTS; i++) {
        free(g_tmp[i]);
        g_tmp[i] = NULL;
    }
}

/* ---- The dump ------------------------------------------------------------ */

static csc_item_t *next_preorder(const csc_item_t *it)
{
    csc_item_t *child = csc_item_first_child(it);
    if (child != NULL)
        return child;
    while (it != NULL && csc_item_next_sibling(it) == NULL)
        it = csc_item_parent(it);
    return it != NULL ? csc_item_next_sibling(it) : NULL;
}

/* One line per item: path, a tab, then every observable field. */
static void dump_item(FILE *f, const csc_item_t *it)
{
    size_t n = csc_item_path(it, NULL, 0);
    char *p = malloc(n + 1);
    assert_non_null(p);
    assert_int_equal(csc_item_path(it, p, n + 1), n);
    fprintf(f,
            "%s\tname=%s type=%d pins=%#x inherit=%#x wmi=%d%d%d%d pinned=%d dirty=%d "
            "dbytes=%llu open=%u size=%llu last=%llu sv=%u evictable=%d acl=",
            p, csc_item_name(it), (int)csc_item_type(it), (unsigned)csc_item_pins(it),
            (unsigned)csc_item_inherit(it), (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_USER),
            (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_POLICY),
            (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_COMPUTER),
            (int)csc_item_pin_wmi(it, CSC_PIN_SOURCE_REDIRECT), (int)csc_item_is_pinned(it),
            (int)csc_item_is_dirty(it),
            (unsigned long long)csc_item_dirty_bytes(it), (unsigned)csc_item_open_count(it),
            (unsigned long long)csc_item_size(it), (unsigned long long)csc_item_last_use(it),
            (unsigned)csc_item_sharing_violations(it), (int)csc_item_is_evictable(it));
    free(p);
    size_t count = 0;
    if (csc_item_access(it, &count)) {
        fputc('[', f);
        for (size_t i = 0; i < count; i++)
            fprintf(f, "%s%s", i ? "," : "", csc_item_access_user(it, i));
        fputc(']', f);
    } else {
        fputs("none", f);
    }
    fputc('\n', f);
}

/* Whether any item strictly below `item` is pinned. */
static bool has_pinned_descendant(const csc_item_t *item)
{
    for (const csc_item_t *ch = csc_item_first_child(item); ch != NULL;
         ch = csc_item_next_sibling(ch))
        if (csc_item_is_pinned(ch) || has_pinned_descendant(ch))
            return true;
    return false;
}

/*
 * The whole observable state: the caller, the clock, the count, each item in
 * walk order with its own state, then a line with what derives from other
 * items: whether the caller has access to it and whether it is partly pinned
 * (C3.5; checked here against a recount, since after a walk stopped half way
 * it may be neither as before nor as after a clean run).
 */
static char *dump_cache(const csc_cache_t *cache)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    bool admin = false;
    const char *caller = csc_cache_caller(cache, &admin);
    fprintf(f, "caller=%s admin=%d clock=%llu items=%zu\n", caller != NULL ? caller : "(null)",
            (int)admin, (unsigned long long)csc_cache_clock(cache), csc_cache_item_count(cache));
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL; it = next_preorder(it)) {
        dump_item(f, it);
        bool partly = csc_item_is_partly_pinned(it);
        bool expected = csc_item_type(it) != CSC_ITEM_FILE && !csc_item_is_pinned(it) &&
                        has_pinned_descendant(it);
        if (partly != expected) {
            print_error("C3.5: partly pinned is %d, a recount says %d\n", partly, expected);
            fail();
        }
        fprintf(f, "  access=%d\n", (int)csc_cache_caller_has_access(cache, it));
    }
    fclose(f);
    return tmp_keep(buf);
}

/* Splits a dump into lines (modifies it); returns the count. */
static size_t split_lines(char *dump, char ***out)
{
    size_t n = 0, cap = 16;
    char **lines = malloc(cap * sizeof *lines);
    assert_non_null(lines);
    for (char *s = dump; *s != '\0';) {
        char *nl = strchr(s, '\n');
        if (nl != NULL)
            *nl = '\0';
        if (n == cap) {
            cap *= 2;
            lines = realloc(lines, cap * sizeof *lines);
            assert_non_null(lines);
        }
        lines[n++] = s;
        if (nl == NULL)
            break;
        s = nl + 1;
    }
    *out = tmp_keep(lines);
    return n;
}

/* ---- Operations ---------------------------------------------------------- */

typedef enum op_kind {
    OP_FILE,
    OP_DIR,
    OP_FIND,
    OP_ACCESS,
    OP_CALLER,
    OP_PIN,
    OP_UNPIN,
    OP_WMI_PIN,
} op_kind_t;

typedef struct op {
    op_kind_t kind;
    const char *path;              /* FILE, DIR, FIND; ACCESS: the item */
    bool has_size;                 /* FILE */
    uint64_t size;                 /* FILE */
    const char *const *users;      /* ACCESS (NULL removes); CALLER: users[0] */
    size_t nusers;                 /* ACCESS */
    bool admin;                    /* CALLER */
    const char *const *paths;      /* PIN, UNPIN, WMI_PIN */
    size_t npaths;
    uint32_t flags;
    bool deep;
    bool progress;
    csc_hresult expect;            /* the result of a run without failures */
} op_t;

typedef struct fixture {
    csc_test_alloc_t st, ref_st;
    csc_cache_t *cache; /* operations run here with failures */
    csc_cache_t *ref;   /* and here without */
    size_t points;      /* failed allocations exercised */
    csc_test_recorder_t rec; /* here so that teardown frees it after a failure */
} fixture_t;

typedef struct wmi_log {
    size_t count;
} wmi_log_t;

static void wmi_count(void *ud, const char *message)
{
    (void)message;
    ((wmi_log_t *)ud)->count++;
}

static const char *op_name(const op_t *op)
{
    static const char *names[] = {"cache file", "cache dir", "find",  "set access",
                                  "set caller", "pin",       "unpin", "wmi pin"};
    return names[op->kind];
}

static bool op_is_walk(const op_t *op)
{
    return op->kind == OP_PIN || op->kind == OP_UNPIN || op->kind == OP_WMI_PIN;
}

/* Runs `op` on `cache`; `item` is the resolved item of OP_ACCESS. */
static csc_hresult exec_op(csc_cache_t *cache, const op_t *op, csc_item_t *item,
                           csc_test_recorder_t *rec)
{
    csc_item_t *out = NULL;
    csc_hresult hr;
    switch (op->kind) {
    case OP_FILE:
        hr = csc_cache_file(cache, op->path, op->has_size, op->size, &out);
        if (hr == CSC_S_OK)
            assert_non_null(out);
        return hr;
    case OP_DIR:
        hr = csc_cache_dir(cache, op->path, &out);
        if (hr == CSC_S_OK)
            assert_non_null(out);
        return hr;
    case OP_FIND:
        hr = csc_cache_find(cache, op->path, &out);
        assert_true(hr == CSC_S_OK ? out != NULL : out == NULL);
        return hr;
    case OP_ACCESS:
        return csc_item_set_access(cache, item, op->users, op->nusers);
    case OP_CALLER:
        return csc_cache_set_caller(cache, op->users[0], op->admin);
    case OP_PIN:
        return csc_pin(cache, op->paths, op->npaths, op->flags, op->deep,
                       op->progress ? &rec->sink : NULL, NULL);
    case OP_UNPIN:
        return csc_unpin(cache, op->paths, op->npaths, op->flags, op->deep,
                         op->progress ? &rec->sink : NULL, NULL);
    case OP_WMI_PIN: {
        wmi_log_t log = {0};
        uint32_t r = csc_wmi_pin(cache, op->paths, op->npaths, op->flags, op->deep,
                                 op->progress ? wmi_count : NULL, &log);
        /* Back to an HRESULT for the comparisons (C4.8 in reverse). */
        if (r == 0)
            return CSC_S_OK;
        if (r < 0x10000u)
            return CSC_HRESULT_FROM_WIN32(r);
        return CSC_HR(r);
    }
    }
    fail();
    return CSC_E_FAIL;
}

static csc_item_t *resolve_item(csc_cache_t *cache, const op_t *op)
{
    if (op->kind != OP_ACCESS)
        return NULL;
    return csc_test_find(cache, op->path);
}

/* The WMI strings of Begin and of End with E_OUTOFMEMORY. */
static char *event_string(csc_event_reason_t reason, csc_hresult hr, const char *path)
{
    csc_event_t ev = {reason, hr, path, strlen(path)};
    size_t n = csc_event_format_wmi(&ev, NULL, 0);
    char *s = tmp_keep(malloc(n + 1));
    csc_event_format_wmi(&ev, s, n + 1);
    return s;
}

/* Whether `path` got an ItemResult in the recorded events. */
static bool reported_done(const csc_test_recorder_t *rec, const char *path)
{
    bool found = false;
    for (size_t i = 0; i < rec->count && !found; i++) {
        const char *e = rec->events[i];
        /* Any result: "3:0x........:<text>:<path>"; the path is what follows
         * the text of that result, so compare the tail. */
        if (e[0] != '3')
            continue;
        size_t el = strlen(e), pl = strlen(path);
        if (el > pl && strcmp(e + el - pl, path) == 0 && e[el - pl - 1] == ':')
            found = true;
    }
    return found;
}

/*
 * C8.1 for Pin and Unpin: the walk stopped for lack of memory. Each item is
 * as before (`before`) or as the clean run left it (`clean`); with a sink,
 * exactly the items that got an ItemResult are as the clean run left them,
 * the others as before (the item being processed is left as it was).
 */
static void check_partial(const op_t *op, const csc_test_recorder_t *rec, const char *before,
                          const char *after, const char *clean, size_t k)
{
    char *b = tmp_keep(strdup(before)), *a = tmp_keep(strdup(after)),
         *c = tmp_keep(strdup(clean));
    char **bl, **al, **cl;
    size_t nb = split_lines(b, &bl), na = split_lines(a, &al), nc = split_lines(c, &cl);
    assert_int_equal(na, nb);
    assert_int_equal(na, nc);
    assert_string_equal(al[0], bl[0]); /* caller, clock, item count */
    for (size_t i = 1; i < na; i++) {
        bool is_access_line = al[i][0] == ' ';
        const char *tab = strchr(al[i], '\t');
        size_t item_line = is_access_line ? i - 1 : i;
        /* The same item on the same line in all three. */
        size_t plen = (size_t)(strchr(al[item_line], '\t') - al[item_line]);
        assert_memory_equal(al[item_line], bl[item_line], plen);
        assert_memory_equal(al[item_line], cl[item_line], plen);
        if (is_access_line) {
            assert_string_equal(al[i], bl[i]); /* Pin and Unpin change no access */
            continue;
        }
        assert_non_null(tab);
        bool same_before = strcmp(al[i], bl[i]) == 0, same_clean = strcmp(al[i], cl[i]) == 0;
        if (op->progress && op->kind != OP_WMI_PIN) {
            char *path = tmp_keep(strndup(al[i], plen));
            bool done = reported_done(rec, path);
            if (done ? !same_clean : !same_before) {
                print_error("%s, allocation %zu failed: item %s %s\n  before: %s\n  after:  %s\n"
                            "  clean:  %s\n",
                            op_name(op), k, path,
                            done ? "was reported done but is not as a clean run leaves it"
                                 : "was not reported done but changed",
                            bl[i], al[i], cl[i]);
                fail();
            }
            tmp_free(path);
        } else if (!same_before && !same_clean) {
            print_error("%s, allocation %zu failed: an item is neither as before nor as a "
                        "clean run leaves it\n  before: %s\n  after:  %s\n  clean:  %s\n",
                        op_name(op), k, bl[i], al[i], cl[i]);
            fail();
        }
    }
    tmp_free(bl);
    tmp_free(al);
    tmp_free(cl);
    tmp_free(b);
    tmp_free(a);
    tmp_free(c);
}

/* A path for messages: long ones are shortened (cmocka truncates lines). */
static const char *short_path(const op_t *op)
{
    static char buf[96];
    const char *p = op->path != NULL ? op->path : op->paths != NULL ? op->paths[0] : "";
    size_t n = strlen(p);
    if (n < 80)
        return p;
    snprintf(buf, sizeof buf, "%.40s...(%zu bytes)...%s", p, n, p + n - 20);
    return buf;
}

static void assert_same_dump(const char *what, const op_t *op, size_t k, const char *expected,
                             const char *got)
{
    if (strcmp(expected, got) != 0) {
        print_error("%s '%s' (allocation %zu): %s\n--- expected\n%s--- got\n%s", op_name(op),
                    short_path(op), k, what, expected, got);
        fail();
    }
}

/*
 * Runs `op` on the reference cache once, then on the cache with allocation
 * k failing for k = 1, 2, ... until it succeeds, checking C8.1 each time.
 * Returns the number of failure points.
 */
static size_t run_op(fixture_t *fx, const op_t *op)
{
    csc_test_recorder_t *const rec = &fx->rec;

    /* The clean run. */
    csc_test_recorder_init(rec);
    csc_hresult hr = exec_op(fx->ref, op, resolve_item(fx->ref, op), rec);
    if (hr != op->expect) {
        print_error("%s '%s' without failures: expected 0x%08X, got 0x%08X\n", op_name(op),
                    short_path(op), (unsigned)op->expect, (unsigned)hr);
        fail();
    }
    assert_cache_ok(fx->ref);
    char *clean = dump_cache(fx->ref);
    size_t clean_events = rec->count;
    char **clean_ev = tmp_keep(calloc(clean_events + 1, sizeof *clean_ev));
    for (size_t i = 0; i < clean_events; i++)
        clean_ev[i] = tmp_keep(strdup(rec->events[i]));
    csc_test_recorder_clear(rec);

    char *begin = event_string(CSC_EVENT_BEGIN, CSC_S_OK, "");
    char *end_oom = event_string(CSC_EVENT_END, CSC_E_OUTOFMEMORY, "");
    size_t points = 0;
    for (size_t k = 1;; k++) {
        csc_item_t *item = resolve_item(fx->cache, op); /* before failures are armed */
        char *before = dump_cache(fx->cache);
        size_t blocks = fx->st.live_blocks;
        csc_test_recorder_init(rec);

        fx->st.failed = false;
        fx->st.fail_at = fx->st.count + k;
        hr = exec_op(fx->cache, op, item, rec);
        fx->st.fail_at = 0;
        bool failed = fx->st.failed;

        assert_cache_ok(fx->cache);
        char *after = dump_cache(fx->cache);
        /* A refused allocation the library can do without (the eviction
         * index's pending list falls back to its heap) is absorbed: the call
         * then succeeds exactly as a clean run. */
        if (!failed || hr == op->expect) {
            /* Success: the same result, state and events as the clean run. */
            assert_int_equal(hr, op->expect);
            assert_same_dump("after the retries, state differs from a clean run", op, k, clean,
                             after);
            if (op->progress && op->kind != OP_WMI_PIN) {
                bool same = rec->count == clean_events;
                for (size_t i = 0; same && i < rec->count; i++)
                    same = strcmp(rec->events[i], clean_ev[i]) == 0;
                if (!same) {
                    print_error("%s: events differ from a clean run\n", op_name(op));
                    fail();
                }
            }
            tmp_free(before);
            tmp_free(after);
            csc_test_recorder_clear(rec);
            break;
        }
        points++;
        if (hr != CSC_E_OUTOFMEMORY) {
            print_error("%s '%s': allocation %zu (of the call) was refused, but the call "
                        "returned 0x%08X, not E_OUTOFMEMORY 0x8007000E (without failures it "
                        "returns 0x%08X)\n",
                        op_name(op), short_path(op), k, (unsigned)hr, (unsigned)op->expect);
            fail();
        }
        /* A failed call may keep reserved capacity (the index's table, the
         * eviction heaps), so blocks are not compared here; a block lost by
         * a failed call shows as a live block after csc_cache_free
         * (fixture_free) and as a cmocka leak. */
        (void)blocks;
        if (!op_is_walk(op)) {
            assert_same_dump("a failed call changed the state", op, k, before, after);
        } else {
            if (op->progress && op->kind != OP_WMI_PIN && rec->count > 0) {
                /* C4.2: Begin first, End with E_OUTOFMEMORY last. */
                assert_string_equal(rec->events[0], begin);
                assert_string_equal(rec->events[rec->count - 1], end_oom);
            }
            if (op->progress && op->kind != OP_WMI_PIN && rec->count == 0)
                assert_same_dump("no event, yet the state changed", op, k, before, after);
            check_partial(op, rec, before, after, clean, k);
        }
        tmp_free(before);
        tmp_free(after);
        csc_test_recorder_clear(rec);
    }
    tmp_free(begin);
    tmp_free(end_oom);
    tmp_free(clean);
    for (size_t i = 0; i < clean_events; i++)
        tmp_free(clean_ev[i]);
    tmp_free(clean_ev);
    fx->points += points;
    return points;
}

/* Runs an op on both caches without failures (setup). */
static void apply_op(fixture_t *fx, const op_t *op)
{
    csc_test_recorder_t rec;
    csc_test_recorder_init(&rec);
    assert_int_equal(exec_op(fx->ref, op, resolve_item(fx->ref, op), &rec), op->expect);
    csc_test_recorder_clear(&rec);
    assert_int_equal(exec_op(fx->cache, op, resolve_item(fx->cache, op), &rec), op->expect);
    csc_test_recorder_clear(&rec);
    assert_cache_ok(fx->cache);
}

/* cmocka setup: the fixture, without its caches. (cmocka remembers the last
 * block allocated in setup and reads it after the test, so setup allocates
 * nothing through test_malloc; the test creates the caches.) */
static int fixture_setup(void **state)
{
    fixture_t *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    csc_test_recorder_init(&fx->rec);
    *state = fx;
    return 0;
}

/* The two caches of a test, on the counting allocators. */
static fixture_t *fixture_start(void **state)
{
    fixture_t *fx = *state;
    fx->cache = csc_test_cache_new_alloc(&fx->st);
    fx->ref = csc_test_cache_new_alloc(&fx->ref_st);
    assert_non_null(fx->cache);
    assert_non_null(fx->ref);
    return fx;
}

/* cmocka teardown: frees what a failed test left. */
static int fixture_teardown(void **state)
{
    fixture_t *fx = *state;
    tmp_free_all();
    if (fx != NULL) {
        csc_test_recorder_clear(&fx->rec);
        csc_cache_free(fx->cache);
        csc_cache_free(fx->ref);
        free(fx);
    }
    *state = NULL;
    return 0;
}

static void fixture_free(fixture_t *fx, const char *test)
{
    assert_cache_ok(fx->cache);
    char *ref = dump_cache(fx->ref), *got = dump_cache(fx->cache);
    assert_same_dump("final state differs from the reference", &(op_t){.kind = OP_FIND}, 0,
                     ref, got);
    tmp_free(ref);
    tmp_free(got);
    csc_cache_free(fx->cache);
    csc_cache_free(fx->ref);
    fx->cache = fx->ref = NULL;
    assert_int_equal(fx->st.live_blocks, 0);
    assert_int_equal(fx->st.live_bytes, 0);
    assert_int_equal(fx->ref_st.live_blocks, 0);
    print_message("%s: %zu failure points\n", test, fx->points);
    total_points += fx->points;
}

/* ---- Paths ----------------------------------------------------------------- */

/* A path longer than 1024 bytes: normalising it allocates (tree.c keeps
 * shorter ones on the stack), and its events outgrow the walk's first
 * buffer. Eight directories of 200 characters each, then a file. */
static char long_dir[2048], long_file[2100], long_file2[2100];

static void make_long_paths(void)
{
    size_t n = (size_t)snprintf(long_dir, sizeof long_dir, "\\\\srv1\\share\\long");
    for (int i = 0; i < 8; i++) {
        n += (size_t)snprintf(long_dir + n, sizeof long_dir - n, "\\%c", 'A' + i);
        for (int j = 0; j < 199; j++)
            long_dir[n++] = (char)('a' + (i + j) % 26);
        long_dir[n] = '\0';
    }
    snprintf(long_file, sizeof long_file, "%s\\File.txt", long_dir);
    snprintf(long_file2, sizeof long_file2, "%s\\Other.txt", long_dir);
    assert_true(strlen(long_file) > 1024);
}

#define FILE_OP(p, sz) {.kind = OP_FILE, .path = (p), .has_size = true, .size = (sz), .expect = CSC_S_OK}
#define DIR_OP(p) {.kind = OP_DIR, .path = (p), .expect = CSC_S_OK}

/* The base tree of the walk and access tests, built without failures. */
static void build_base(fixture_t *fx)
{
    make_long_paths();
    const op_t ops[] = {
        FILE_OP("\\\\srv1\\share\\a\\b\\c\\f1.txt", 10),
        FILE_OP("\\\\srv1\\share\\a\\b\\g.txt", 20),
        FILE_OP("\\\\srv1\\share\\a\\b\\h.txt", 30),
        DIR_OP("\\\\srv1\\share\\a\\d"),
        FILE_OP(long_file, 40),
        DIR_OP("\\\\srv2\\s2"),
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        apply_op(fx, &ops[i]);
}

/* ---- Tests ----------------------------------------------------------------- */

/* C8.1, cache.h: csc_cache_new fails with E_OUTOFMEMORY at each of its
 * allocations, hands out no cache and leaks nothing. */
static void test_cache_new_out_of_memory(void **state)
{
    (void)state;
    size_t points = 0;
    for (size_t k = 1;; k++) {
        csc_test_alloc_t st = {.fail_at = k};
        csc_cache_options_t opts = CSC_CACHE_OPTIONS_INIT;
        opts.allocator = csc_test_allocator(&st);
        opts.user = "Some\xC3\x9Cser"; /* "SomeÜser" */
        opts.admin = true;
        csc_cache_t *cache = NULL;
        csc_hresult hr = csc_cache_new(&cache, &opts);
        if (!st.failed) {
            assert_int_equal(hr, CSC_S_OK);
            assert_non_null(cache);
            assert_cache_ok(cache);
            bool admin = false;
            assert_string_equal(csc_cache_caller(cache, &admin), "Some\xC3\x9Cser");
            assert_true(admin);
            csc_cache_free(cache);
            assert_int_equal(st.live_blocks, 0);
            assert_int_equal(st.live_bytes, 0);
            break;
        }
        points++;
        assert_int_equal(hr, CSC_E_OUTOFMEMORY);
        assert_null(cache);
        assert_int_equal(st.live_blocks, 0);
        assert_int_equal(st.live_bytes, 0);
    }
    assert_true(points >= 1);
    print_message("test_cache_new_out_of_memory: %zu failure points\n", points);
    total_points += points;
}

/* C8.1 with C2.2/C2.4: caching files and directories (new deep paths, long
 * paths, existing items again, servers and shares) and finding. */
static void test_caching_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    make_long_paths();
    const op_t ops[] = {
        FILE_OP("\\\\srv1\\share\\a\\b\\c\\f1.txt", 10), /* first items: the index is made */
        FILE_OP("\\\\srv1\\share\\a\\b\\g.txt", 20),
        DIR_OP("\\\\srv1\\share\\a\\d"),
        {.kind = OP_FILE, .path = "\\\\SRV1\\share\\A\\b\\c\\F1.TXT", .has_size = true,
         .size = 30, .expect = CSC_S_OK},
        {.kind = OP_FILE, .path = "\\\\srv1\\share\\a\\b\\c\\f1.txt", .expect = CSC_S_OK},
        DIR_OP("\\\\srv2"),
        DIR_OP("\\\\srv2\\s2"),
        DIR_OP("\\\\srv3\\s3\\x\\y\\z"),
        FILE_OP(long_file, 40),  /* a long new deep path */
        FILE_OP(long_file2, 41), /* a long path, one new item */
        {.kind = OP_FILE, .path = long_file, .expect = CSC_S_OK}, /* long, existing */
        DIR_OP(long_dir),
        {.kind = OP_FIND, .path = long_file, .expect = CSC_S_OK},
        {.kind = OP_FIND, .path = "\\\\srv1\\share\\a\\b\\g.txt", .expect = CSC_S_OK},
        /* Failures that are not for lack of memory stay what they are. */
        {.kind = OP_FILE, .path = "\\\\srv1\\share\\a\\b\\g.txt\\x", .expect = CSC_E_DIRECTORY},
        {.kind = OP_DIR, .path = long_file, .expect = CSC_E_ALREADY_EXISTS},
        {.kind = OP_FIND, .path = "\\\\srv1\\share\\missing", .expect = CSC_E_FILE_NOT_FOUND},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_true(fx->points >= 10);
    fixture_free(fx, "test_caching_out_of_memory");
}

/* C8.1: enough items for the path index to grow its table several times;
 * a failed growth must leave the index as it was. */
static void test_growing_index_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    char paths[200][64];
    for (size_t i = 0; i < 200; i++) {
        snprintf(paths[i], sizeof paths[i], "\\\\srv\\s\\dir%zu\\file%zu.txt", i, i);
        op_t op = FILE_OP(paths[i], i);
        run_op(fx, &op);
    }
    assert_int_equal(csc_cache_item_count(fx->cache), 2 + 2 * 200);
    fixture_free(fx, "test_growing_index_out_of_memory");
}

/* C8.1 with C9.1: setting, replacing, emptying and removing access lists. */
static void test_access_lists_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *ab[] = {"alice", "Bob"};
    static const char *ce[] = {"carol", "\xC3\x89LODIE", "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"};
    const op_t ops[] = {
        {.kind = OP_ACCESS, .path = "\\\\srv1\\share", .users = ab, .nusers = 2},
        {.kind = OP_ACCESS, .path = "\\\\srv1\\share", .users = ce, .nusers = 3}, /* replace */
        {.kind = OP_ACCESS, .path = long_file, .users = ab, .nusers = 1},
        {.kind = OP_ACCESS, .path = "\\\\srv1\\share\\a\\b", .users = ce, .nusers = 0}, /* empty */
        {.kind = OP_ACCESS, .path = "\\\\srv1\\share", .users = NULL, .nusers = 0}, /* remove */
        {.kind = OP_ACCESS, .path = "\\\\srv1", .users = ce, .nusers = 2},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_true(fx->points >= 4);
    fixture_free(fx, "test_access_lists_out_of_memory");
}

/* C8.1 with C9.1: setting the caller; on failure the caller is unchanged. */
static void test_set_caller_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *alice[] = {"alice"};
    static const char *elodie[] = {"\xC3\x89lodie"};
    const op_t acl = {.kind = OP_ACCESS, .path = "\\\\srv1\\share", .users = alice, .nusers = 1};
    apply_op(fx, &acl);
    const op_t ops[] = {
        {.kind = OP_CALLER, .users = alice, .admin = true},
        {.kind = OP_CALLER, .users = elodie, .admin = false},
        {.kind = OP_CALLER, .users = alice, .admin = false},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_true(fx->points >= 6);
    fixture_free(fx, "test_set_caller_out_of_memory");
}

/* C8.1 with C3.3, C3.4, C4.4, C4.2: Pin and Unpin with a progress sink, deep
 * and shallow, over a tree with paths longer than the walk's first buffer:
 * the failure stops the walk, End carries E_OUTOFMEMORY, the call returns
 * it, items reported done stay done, the others are as before. */
static void test_pin_unpin_with_progress_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *share[] = {"\\\\srv1\\share"};
    static const char *dir_b[] = {"\\\\srv1\\share\\a\\b"};
    static const char *two[] = {"\\\\srv2\\s2", "\\\\srv1\\share"};
    const op_t ops[] = {
        {.kind = OP_PIN, .paths = share, .npaths = 1, .flags = 0x20, .deep = true,
         .progress = true},
        {.kind = OP_UNPIN, .paths = share, .npaths = 1, .flags = 0x20, .deep = true,
         .progress = true},
        {.kind = OP_PIN, .paths = two, .npaths = 2, .flags = 0x40 | 0x100, .deep = true,
         .progress = true},
        {.kind = OP_UNPIN, .paths = dir_b, .npaths = 1, .flags = 0x40, .deep = false,
         .progress = true},
        {.kind = OP_PIN, .paths = share, .npaths = 1, .flags = 0x80, .deep = false,
         .progress = true},
        {.kind = OP_UNPIN, .paths = two, .npaths = 2, .flags = 0x1E0, .deep = true,
         .progress = true},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_true(fx->points >= 6);
    fixture_free(fx, "test_pin_unpin_with_progress_out_of_memory");
}

/* C8.1: Pin and Unpin without a sink allocate only to normalise long paths;
 * a failure there stops the call after the earlier paths were processed. */
static void test_pin_unpin_without_progress_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *paths[3];
    paths[0] = "\\\\srv1\\share\\a";
    paths[1] = long_file;
    paths[2] = "\\\\srv2\\s2";
    const op_t ops[] = {
        {.kind = OP_PIN, .paths = paths, .npaths = 3, .flags = 0x20, .deep = true},
        {.kind = OP_UNPIN, .paths = paths, .npaths = 3, .flags = 0x20, .deep = true},
        {.kind = OP_PIN, .paths = paths, .npaths = 3, .flags = 0x80, .deep = false},
        {.kind = OP_UNPIN, .paths = paths, .npaths = 2, .flags = 0x80, .deep = false},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_true(fx->points >= 4);
    fixture_free(fx, "test_pin_unpin_without_progress_out_of_memory");
}

/* C8.1: one long path with a sink: the walk's first buffer must grow for
 * the path of the first item itself, and every allocation refused on the way
 * (the buffer, normalising the path) gives E_OUTOFMEMORY. */
static void test_pin_single_long_path_with_sink_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *one[1];
    one[0] = long_file;
    const op_t with_sink = {.kind = OP_PIN, .paths = one, .npaths = 1, .flags = 0x20,
                            .progress = true};
    run_op(fx, &with_sink);
    const op_t unpin_with_sink = {.kind = OP_UNPIN, .paths = one, .npaths = 1, .flags = 0x20,
                                  .progress = true};
    run_op(fx, &unpin_with_sink);
    fixture_free(fx, "test_pin_single_long_path_with_sink_out_of_memory");
}

/* C8.1 with C4.7: one long file path without a sink, the caller without
 * access. The right result is 0x80070005 (C4.7: a single file path returns
 * its result); a refused allocation must give E_OUTOFMEMORY, and never the
 * S_OK of a call that looks like a container call. */
static void test_pin_single_long_path_denied_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *one[1];
    one[0] = long_file;
    static const char *alice[] = {"alice"};
    static const char *bob[] = {"bob"};
    const op_t acl = {.kind = OP_ACCESS, .path = long_file, .users = alice, .nusers = 1};
    apply_op(fx, &acl);
    const op_t caller = {.kind = OP_CALLER, .users = bob};
    apply_op(fx, &caller);
    const op_t denied = {.kind = OP_PIN, .paths = one, .npaths = 1, .flags = 0x20,
                         .expect = CSC_E_ACCESSDENIED};
    run_op(fx, &denied);
    fixture_free(fx, "test_pin_single_long_path_denied_out_of_memory");
}

/* C8.1 with C4.8: the WMI-shaped Pin, whose messages for long paths are
 * formatted in allocated buffers: lack of memory returns 14, the WMI form of
 * E_OUTOFMEMORY (0x8007000E), and nothing done is lost. */
static void test_wmi_pin_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *share[] = {"\\\\srv1\\share"};
    const op_t ops[] = {
        {.kind = OP_WMI_PIN, .paths = share, .npaths = 1, .flags = 0x20, .deep = true,
         .progress = true},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    fixture_free(fx, "test_wmi_pin_out_of_memory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_new_out_of_memory),
        cmocka_unit_test_setup_teardown(test_caching_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_growing_index_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_access_lists_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_set_caller_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pin_unpin_with_progress_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pin_unpin_without_progress_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pin_single_long_path_with_sink_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_pin_single_long_path_denied_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_wmi_pin_out_of_memory, fixture_setup, fixture_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("test_alloc__failure: %zu failure points exercised in all\n", total_points);
    return failed;
}
