/*
 * tests/test_alloc__failure.c: contract C8.1 under allocation failure. Each
 * operation of a representative sequence (creating a cache; caching files
 * and directories, new deep paths and paths longer than 1024 bytes whose
 * normalisation allocates; enough items to make the path index grow; finding;
 * access lists; the caller; Pin and Unpin, deep and shallow, with and without
 * a progress sink; Synchronize and DeleteItems, with and without a sink; the
 * WMI-shaped Pin and Unpin; eviction passes, asked for and started by the
 * `automatic` and `eager` policies after caching and after method calls
 * (C5.5); disk-space limits and the policy) runs with allocation k failing,
 * for k = 1, 2, ... until the operation makes no k-th allocation. Each
 * failure must return E_OUTOFMEMORY, keep the invariants (csc_cache_check),
 * keep every block accounted for, and leave the observable state (a full
 * dump through the public API, disk-space figures checked against a recount)
 * exactly as it was; for the walks (Pin, Unpin, Synchronize, DeleteItems and
 * their WMI forms), which stop where memory ran out, "nothing already done is
 * lost" (C8.1): an item is either as before or as a clean run leaves it, with
 * a progress sink exactly the items whose ItemResult was reported are as a
 * clean run leaves them, an item may be gone only when a clean run removes it
 * too, and under `eager` and `automatic` the policy's pass has run (C5.5:
 * after each method call, even a rejected one). A call that C4.1 rejects is
 * rejected whatever the memory (C4.1: before anything else). A refused
 * allocation the library can do without (the eviction index's pending list
 * falls back to its reserved heap) is absorbed: the call then succeeds
 * exactly as a clean run, and the sweep goes on from the state before the
 * call, rebuilt by replaying the fixture's history. After a walk stopped
 * for lack of memory the next allocation is refused in a retry of the call
 * on what the stopped walk left, which must end as a clean run; DeleteItems
 * and the walks followed by a policy's pass, which a retry cannot repeat,
 * start again from the rebuilt state. Operations that need no
 * memory at all (eviction passes, limits, the policy, Synchronize and
 * DeleteItems without a sink on short paths) also run once with every
 * allocation refused and must succeed exactly as a clean run. Every
 * operation is also run once, without failures, on a reference cache built
 * by the same sequence: after the retries the cache must equal the
 * reference. After csc_cache_free no block may remain.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Failure points exercised by the whole file, printed at the end: refused
 * allocations the call reported as E_OUTOFMEMORY, refused allocations it
 * absorbed (both in the k-sweeps), and allocations refused in the runs
 * where every allocation is refused. */
static size_t total_points, total_absorbed, total_refused_all;

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

/*
 * The whole observable state, csc_test_dump of support.h: a line with what
 * no walk changes (caller, clock, policy, limits); a line with the item count
 * and the used and unpinned-used figures (checked there against a recount of
 * the items, C5.5); then per item in walk order a line with its own state
 * (path, a tab, its fields) and a line with what derives from other items:
 * whether it is partly pinned (C3.5; checked there against a recount, since
 * after a walk stopped half way it may be neither as before nor as after a
 * clean run) and whether the caller has access to it. Registered as a
 * temporary.
 */
static char *dump_cache(const csc_cache_t *cache)
{
    return tmp_keep(csc_test_dump(cache));
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
    OP_WMI_UNPIN,
    OP_SYNC,
    OP_DELETE,
    OP_EVICT,
    OP_LIMITS,
    OP_POLICY,
    OP_CLOCK,
    OP_MODIFY,
    OP_MARK_SYNC,
} op_kind_t;

typedef struct op {
    op_kind_t kind;
    const char *path;              /* FILE, DIR, FIND; ACCESS, MODIFY, MARK_SYNC: the item */
    bool has_size;                 /* FILE */
    uint64_t size;                 /* FILE; EVICT: bytes; LIMITS: the total limit;
                                    * CLOCK: ticks; MODIFY: bytes */
    uint64_t size2;                /* LIMITS: the unpinned limit */
    bool all;                      /* EVICT */
    int policy;                    /* POLICY */
    const char *const *users;      /* ACCESS (NULL removes); CALLER: users[0] */
    size_t nusers;                 /* ACCESS */
    bool admin;                    /* CALLER */
    const char *const *paths;      /* PIN, UNPIN, WMI_PIN, WMI_UNPIN, SYNC, DELETE */
    size_t npaths;
    uint32_t flags;
    bool deep;
    bool progress;
    bool needs_no_memory;          /* also run once with every allocation refused */
    csc_hresult expect;            /* the result of a run without failures */
} op_t;

/* The allocator of the fixture's caches: the leak-checked counting
 * allocator of support.h, and a switch that refuses every allocation. */
typedef struct wrap {
    csc_allocator_t inner;
    bool fail_all;
    size_t refused;
} wrap_t;

static void *wrap_malloc(void *ud, size_t size)
{
    wrap_t *w = ud;
    if (w->fail_all) {
        w->refused++;
        return NULL;
    }
    return w->inner.malloc(w->inner.user_data, size);
}

static void wrap_free(void *ud, void *ptr, size_t size)
{
    wrap_t *w = ud;
    w->inner.free(w->inner.user_data, ptr, size);
}

#define HISTORY_MAX 512

typedef struct fixture {
    csc_test_alloc_t st, ref_st;
    wrap_t w, ref_w;
    csc_cache_t *cache; /* operations run here with failures */
    csc_cache_t *ref;   /* and here without */
    size_t points;      /* refused allocations reported as E_OUTOFMEMORY */
    size_t absorbed;    /* refused allocations the call did without */
    size_t refused_all; /* allocations refused in the runs where all are */
    csc_test_recorder_t rec; /* here so that teardown frees it after a failure */
    op_t history[HISTORY_MAX]; /* every operation applied, to rebuild the cache */
    size_t nhistory;
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
    static const char *names[] = {"cache file", "cache dir",  "find",        "set access",
                                  "set caller", "pin",        "unpin",       "wmi pin",
                                  "wmi unpin",  "synchronize", "delete",     "evict",
                                  "set limits", "set policy", "advance clock", "modify",
                                  "mark synchronized"};
    return names[op->kind];
}

static bool op_is_walk(const op_t *op)
{
    return op->kind == OP_PIN || op->kind == OP_UNPIN || op->kind == OP_WMI_PIN ||
           op->kind == OP_WMI_UNPIN || op->kind == OP_SYNC || op->kind == OP_DELETE;
}

/* Whether the op's events reach the recorder (the WMI forms are counted). */
static bool op_has_recorder(const op_t *op)
{
    return op->progress && op->kind != OP_WMI_PIN && op->kind != OP_WMI_UNPIN;
}

/* The uint32 of a WMI method back to an HRESULT (C4.8 in reverse). */
static csc_hresult from_wmi(uint32_t r)
{
    if (r == 0)
        return CSC_S_OK;
    if (r < 0x10000u)
        return CSC_HRESULT_FROM_WIN32(r);
    return CSC_HR(r);
}

/* Runs `op` on `cache`; `item` is the resolved item of OP_ACCESS, OP_MODIFY
 * and OP_MARK_SYNC. */
static csc_hresult exec_op(csc_cache_t *cache, const op_t *op, csc_item_t *item,
                           csc_test_recorder_t *rec)
{
    csc_item_t *out = NULL;
    csc_hresult hr;
    const csc_progress_t *progress = op->progress ? &rec->sink : NULL;
    switch (op->kind) {
    case OP_FILE:
        hr = csc_cache_file(cache, op->path, op->has_size, op->size, &out);
        /* C5.5: under a policy the pass after caching may evict the item. */
        if (hr == CSC_S_OK && csc_cache_policy(cache) == CSC_EVICT_MANUAL)
            assert_non_null(out);
        return hr;
    case OP_DIR:
        hr = csc_cache_dir(cache, op->path, &out);
        if (hr == CSC_S_OK && csc_cache_policy(cache) == CSC_EVICT_MANUAL)
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
        return csc_pin(cache, op->paths, op->npaths, op->flags, op->deep, progress, NULL);
    case OP_UNPIN:
        return csc_unpin(cache, op->paths, op->npaths, op->flags, op->deep, progress, NULL);
    case OP_WMI_PIN:
    case OP_WMI_UNPIN: {
        wmi_log_t log = {0};
        uint32_t r = (op->kind == OP_WMI_PIN ? csc_wmi_pin : csc_wmi_unpin)(
            cache, op->paths, op->npaths, op->flags, op->deep, op->progress ? wmi_count : NULL,
            &log);
        return from_wmi(r);
    }
    case OP_SYNC:
        return csc_synchronize(cache, op->paths, op->npaths, op->flags != 0 ? op->flags : 0x6u,
                               progress, NULL); /* SyncIn|SyncOut: C12.4 cleans */
    case OP_DELETE:
        return csc_delete_items(cache, op->paths, op->npaths, op->flags, progress, NULL);
    case OP_EVICT: {
        uint64_t freed = 0;
        size_t count = 0;
        return csc_cache_evict(cache, op->all, op->size, &freed, &count);
    }
    case OP_LIMITS:
        return csc_cache_set_disk_space_limits(cache, op->size, op->size2);
    case OP_POLICY:
        return csc_cache_set_policy(cache, (csc_evict_policy_t)op->policy);
    case OP_CLOCK:
        return csc_cache_advance_clock(cache, op->size);
    case OP_MODIFY:
        return csc_item_modify(cache, item, op->size);
    case OP_MARK_SYNC:
        return csc_item_mark_synchronized(cache, item);
    }
    fail();
    return CSC_E_FAIL;
}

static csc_item_t *resolve_item(csc_cache_t *cache, const op_t *op)
{
    if (op->kind != OP_ACCESS && op->kind != OP_MODIFY && op->kind != OP_MARK_SYNC)
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

/* One item of a dump: its line (path, a tab, its own state) and the line
 * after it (what derives from other items). */
typedef struct entry {
    const char *line, *derived;
    size_t plen;
} entry_t;

typedef struct parsed {
    char *copy;
    char **lines;
    size_t nlines;
    entry_t *items;
    size_t nitems;
} parsed_t;

/* Parses a dump: two header lines, then two lines per item. */
static void parse_dump(const char *dump, parsed_t *p)
{
    p->copy = tmp_keep(strdup(dump));
    p->nlines = split_lines(p->copy, &p->lines);
    assert_true(p->nlines >= 2 && (p->nlines - 2) % 2 == 0);
    p->nitems = (p->nlines - 2) / 2;
    p->items = tmp_keep(calloc(p->nitems + 1, sizeof *p->items));
    for (size_t i = 0; i < p->nitems; i++) {
        entry_t *e = &p->items[i];
        e->line = p->lines[2 + 2 * i];
        e->derived = p->lines[3 + 2 * i];
        const char *tab = strchr(e->line, '\t');
        assert_non_null(tab);
        assert_true(e->derived[0] == ' ');
        e->plen = (size_t)(tab - e->line);
    }
}

static void parsed_free(parsed_t *p)
{
    tmp_free(p->items);
    tmp_free(p->lines);
    tmp_free(p->copy);
}

static const entry_t *find_entry(const parsed_t *p, const char *path, size_t plen)
{
    for (size_t i = 0; i < p->nitems; i++)
        if (p->items[i].plen == plen && memcmp(p->items[i].line, path, plen) == 0)
            return &p->items[i];
    return NULL;
}

/* The caller's access in an item's second line ("  partly=P access=A"), the
 * one field of that line a walk leaves alone: partly pinned may be neither
 * as before nor as after a clean run (the dump checks it by a recount). */
static const char *access_of(const entry_t *e)
{
    const char *a = strstr(e->derived, " access=");
    assert_non_null(a);
    return a;
}

/* Whether two item lines agree on the item's own state. "evictable" is left
 * out: for a container it follows from its children, which a stopped walk
 * or a pass may have removed (C5.2); for a file it follows from the fields
 * compared. */
static bool same_own_state(const char *a, const char *b)
{
    static const char key[] = " evictable=";
    const char *ea = strstr(a, key), *eb = strstr(b, key);
    assert_non_null(ea);
    assert_non_null(eb);
    size_t pa = (size_t)(ea - a), pb = (size_t)(eb - b);
    size_t skip = sizeof key - 1 + 1; /* the key and its digit */
    return pa == pb && memcmp(a, b, pa) == 0 && strcmp(ea + skip, eb + skip) == 0;
}

/* C5.5 after a method call: under `eager` nothing evictable remains; under
 * `automatic` unpinned used is within its limit or no file is evictable. */
static void check_policy_pass(const csc_cache_t *cache, const op_t *op, size_t k)
{
    csc_evict_policy_t policy = csc_cache_policy(cache);
    if (policy == CSC_EVICT_MANUAL)
        return;
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    bool any_evictable = false, file_evictable = false;
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it)) {
        if (csc_item_is_evictable(it)) {
            any_evictable = true;
            file_evictable = file_evictable || csc_item_type(it) == CSC_ITEM_FILE;
        }
    }
    if (policy == CSC_EVICT_EAGER ? any_evictable
                                  : ds.unpinned_used > ds.unpinned_limit && file_evictable) {
        print_error("%s, allocation %zu failed: C5.5: the %s pass did not run after the call\n",
                    op_name(op), k, policy == CSC_EVICT_EAGER ? "eager" : "automatic");
        fail();
    }
}

/*
 * C8.1 for the walks: the walk stopped for lack of memory, then the policy's
 * pass ran (C5.5). Items are matched by path. No item is new and access is
 * unchanged; an item gone must be gone after a clean run too (removed by
 * DeleteItems or by the pass); an item still there is as before or as the
 * clean run left it, and with a sink exactly the items that got an
 * ItemResult are as the clean run left them (the item being processed is
 * left as it was). One case is not decided by the clean run: a container
 * the walk processed (a pre-order walk reports a container before its
 * contents) that the clean run's pass then evicted, because the contents the
 * stopped walk never reached are what keeps it; it must still have them.
 */
static void check_walk(const fixture_t *fx, const op_t *op, const csc_test_recorder_t *rec,
                       const char *before, const char *after, const char *clean, size_t k)
{
    parsed_t b, a, c;
    parse_dump(before, &b);
    parse_dump(after, &a);
    parse_dump(clean, &c);
    assert_string_equal(a.lines[0], b.lines[0]); /* caller, clock, policy, limits */
    bool manual = csc_cache_policy(fx->cache) == CSC_EVICT_MANUAL;
    for (size_t i = 0; i < a.nitems; i++) {
        const entry_t *ae = &a.items[i];
        const entry_t *be = find_entry(&b, ae->line, ae->plen);
        const entry_t *ce = find_entry(&c, ae->line, ae->plen);
        char *path = tmp_keep(strndup(ae->line, ae->plen));
        if (be == NULL) {
            print_error("%s, allocation %zu failed: new item %s\n", op_name(op), k, path);
            fail();
        }
        assert_string_equal(access_of(ae), access_of(be)); /* no walk changes access */
        bool same_before = same_own_state(ae->line, be->line);
        bool same_clean = ce != NULL && same_own_state(ae->line, ce->line);
        bool kept_by_contents = ce == NULL && csc_item_type(csc_test_find(fx->cache, path)) !=
                                                  CSC_ITEM_FILE &&
                                csc_item_first_child(csc_test_find(fx->cache, path)) != NULL;
        const char *why = NULL;
        if (op_has_recorder(op)) {
            bool done = reported_done(rec, path);
            if (done && !same_clean && !kept_by_contents)
                why = "was reported done but is not as a clean run leaves it";
            else if (!done && !same_before)
                why = "was not reported done but changed";
        } else if (!same_before && !same_clean && !kept_by_contents) {
            why = "is neither as before nor as a clean run leaves it";
        }
        if (why != NULL) {
            print_error("%s, allocation %zu failed: item %s %s\n  before: %s\n  after:  %s\n"
                        "  clean:  %s\n",
                        op_name(op), k, path, why, be->line, ae->line,
                        ce != NULL ? ce->line : "(gone)");
            fail();
        }
        tmp_free(path);
    }
    for (size_t i = 0; i < b.nitems; i++) {
        const entry_t *be = &b.items[i];
        if (find_entry(&a, be->line, be->plen) != NULL)
            continue;
        char *path = tmp_keep(strndup(be->line, be->plen));
        if (find_entry(&c, be->line, be->plen) != NULL) {
            print_error("%s, allocation %zu failed: item %s is gone, a clean run keeps it\n",
                        op_name(op), k, path);
            fail();
        }
        if (manual && op_has_recorder(op) && !reported_done(rec, path)) {
            print_error("%s, allocation %zu failed: item %s is gone without a report and "
                        "without a policy\n",
                        op_name(op), k, path);
            fail();
        }
        tmp_free(path);
    }
    check_policy_pass(fx->cache, op, k);
    parsed_free(&b);
    parsed_free(&a);
    parsed_free(&c);
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

/* A cache of the fixture, on its switchable, leak-checked allocator. */
static csc_cache_t *new_cache(wrap_t *w, csc_test_alloc_t *st)
{
    w->inner = csc_test_allocator(st);
    w->fail_all = false;
    csc_cache_options_t opts = CSC_CACHE_OPTIONS_INIT;
    opts.allocator.malloc = wrap_malloc;
    opts.allocator.free = wrap_free;
    opts.allocator.user_data = w;
    csc_cache_t *cache = NULL;
    assert_int_equal(csc_cache_new(&cache, &opts), CSC_S_OK);
    return cache;
}

static void history_add(fixture_t *fx, const op_t *op)
{
    assert_true(fx->nhistory < HISTORY_MAX);
    fx->history[fx->nhistory++] = *op;
}

/*
 * Puts fx->cache back in the state before the operation under test: a new
 * cache given the whole history without failures. The old one must leave
 * no block behind.
 */
static void rebuild(fixture_t *fx)
{
    csc_cache_free(fx->cache);
    fx->cache = NULL;
    assert_int_equal(fx->st.live_blocks, 0);
    assert_int_equal(fx->st.live_bytes, 0);
    fx->cache = new_cache(&fx->w, &fx->st);
    for (size_t i = 0; i < fx->nhistory; i++) {
        const op_t *h = &fx->history[i];
        csc_test_recorder_init(&fx->rec);
        assert_int_equal(exec_op(fx->cache, h, resolve_item(fx->cache, h), &fx->rec), h->expect);
        csc_test_recorder_clear(&fx->rec);
    }
}

static void assert_same_events(const op_t *op, const csc_test_recorder_t *rec, char **clean_ev,
                               size_t clean_events, const char *when)
{
    if (!op_has_recorder(op))
        return;
    bool same = rec->count == clean_events;
    for (size_t i = 0; same && i < rec->count; i++)
        same = strcmp(rec->events[i], clean_ev[i]) == 0;
    if (!same) {
        print_error("%s '%s' %s: events differ from a clean run\n", op_name(op),
                    short_path(op), when);
        for (size_t i = 0; i < rec->count || i < clean_events; i++)
            print_error("  #%zu clean: %.150s\n  #%zu got:   %.150s\n", i + 1,
                        i < clean_events ? clean_ev[i] : "(none)", i + 1,
                        i < rec->count ? rec->events[i] : "(none)");
        fail();
    }
}

/*
 * Runs `op` on the reference cache once, then on the cache with allocation
 * k failing for k = 1, 2, ... until the call makes no k-th allocation,
 * checking C8.1 each time; an operation that needs no memory also runs once
 * with every allocation refused. Returns the number of failure points.
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

    /* Every allocation refused: an operation that needs no memory succeeds
     * exactly as the clean run. The cache is then rebuilt for the sweep. */
    if (op->needs_no_memory) {
        csc_item_t *item = resolve_item(fx->cache, op);
        csc_test_recorder_init(rec);
        fx->w.refused = 0;
        fx->w.fail_all = true;
        hr = exec_op(fx->cache, op, item, rec);
        fx->w.fail_all = false;
        assert_cache_ok(fx->cache);
        char *after = dump_cache(fx->cache);
        if (hr != op->expect) {
            print_error("%s '%s' with every allocation refused: expected 0x%08X, got 0x%08X\n",
                        op_name(op), short_path(op), (unsigned)op->expect, (unsigned)hr);
            fail();
        }
        assert_same_dump("with every allocation refused, state differs from a clean run", op,
                         0, clean, after);
        assert_same_events(op, rec, clean_ev, clean_events, "with every allocation refused");
        csc_test_recorder_clear(rec);
        tmp_free(after);
        fx->refused_all += fx->w.refused;
        rebuild(fx);
    }

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
        /* C4.1: a malformed call is rejected before anything else, so no
         * refused allocation can turn E_INVALIDARG into another answer. */
        if (op->expect == CSC_E_INVALIDARG && hr != op->expect) {
            print_error("%s '%s': allocation %zu (of the call) was refused and the call "
                        "returned 0x%08X; C4.1 rejects it with E_INVALIDARG before anything "
                        "else\n",
                        op_name(op), short_path(op), k, (unsigned)hr);
            fail();
        }
        /* A refused allocation the library can do without (the eviction
         * index's pending list falls back to its heap) is absorbed: the call
         * then succeeds exactly as a clean run. */
        if (!failed || hr == op->expect) {
            /* Success: the same result, state and events as the clean run. */
            assert_int_equal(hr, op->expect);
            assert_same_dump("after the retries, state differs from a clean run", op, k, clean,
                             after);
            assert_same_events(op, rec, clean_ev, clean_events, "after the retries");
            tmp_free(before);
            tmp_free(after);
            csc_test_recorder_clear(rec);
            if (!failed)
                break;
            /* Absorbed: go on with the next allocation, from the state
             * before the call. */
            fx->absorbed++;
            rebuild(fx);
            continue;
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
         * (fixture_free, rebuild) and as a cmocka leak. */
        (void)blocks;
        if (!op_is_walk(op)) {
            assert_same_dump("a failed call changed the state", op, k, before, after);
        } else {
            if (op_has_recorder(op) && rec->count > 0) {
                /* C4.2: Begin first, End with E_OUTOFMEMORY last. */
                assert_string_equal(rec->events[0], begin);
                assert_string_equal(rec->events[rec->count - 1], end_oom);
            }
            if (op_has_recorder(op) && rec->count == 0 &&
                csc_cache_policy(fx->cache) == CSC_EVICT_MANUAL)
                assert_same_dump("no event, yet the state changed", op, k, before, after);
            check_walk(fx, op, rec, before, after, clean, k);
        }
        tmp_free(before);
        tmp_free(after);
        csc_test_recorder_clear(rec);
        /* The next allocation is refused in a retry of the call: Pin and
         * Unpin (and Synchronize) redo what they did and end as a clean run,
         * with its events. DeleteItems does not find what it deleted, and a
         * policy's pass may have evicted what the walk changed: those start
         * again from the state before the call. */
        if (op_is_walk(op) &&
            (op->kind == OP_DELETE || csc_cache_policy(fx->cache) != CSC_EVICT_MANUAL))
            rebuild(fx);
    }
    tmp_free(begin);
    tmp_free(end_oom);
    tmp_free(clean);
    for (size_t i = 0; i < clean_events; i++)
        tmp_free(clean_ev[i]);
    tmp_free(clean_ev);
    history_add(fx, op);
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
    history_add(fx, op);
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
    fx->cache = new_cache(&fx->w, &fx->st);
    fx->ref = new_cache(&fx->ref_w, &fx->ref_st);
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
    print_message("%s: %zu failure points (%zu of them absorbed), %zu allocations refused "
                  "with all refused\n",
                  test, fx->points + fx->absorbed, fx->absorbed, fx->refused_all);
    total_points += fx->points + fx->absorbed;
    total_absorbed += fx->absorbed;
    total_refused_all += fx->refused_all;
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

/* ---- Synchronize, DeleteItems, the WMI Unpin ------------------------------ */

#define SRV1_SHARE "\\\\srv1\\share"
#define F1 SRV1_SHARE "\\a\\b\\c\\f1.txt"
#define FG SRV1_SHARE "\\a\\b\\g.txt"
#define FH SRV1_SHARE "\\a\\b\\h.txt"

#define MODIFY_OP(p, n) {.kind = OP_MODIFY, .path = (p), .size = (n), .expect = CSC_S_OK}

/* C8.1 with C5.8: Synchronize with a sink over a subtree whose last items
 * have paths longer than the walk's first buffer (the buffer grows half
 * way); a single long path with a sink; without a sink a long path
 * (normalising it allocates); without a sink on short paths no memory is
 * needed at all; a malformed call stays E_INVALIDARG. */
static void test_synchronize_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    const op_t dirty[] = {MODIFY_OP(F1, 5), MODIFY_OP(FG, 7), MODIFY_OP(long_file, 9)};
    for (size_t i = 0; i < 3; i++)
        apply_op(fx, &dirty[i]);
    static const char *share[] = {SRV1_SHARE};
    static const char *one_long[1];
    one_long[0] = long_file;
    static const char *short_and_bad[] = {F1, SRV1_SHARE "\\bad*", SRV1_SHARE "\\none"};
    static const char *with_null[] = {F1, NULL};
    const op_t ops[] = {
        {.kind = OP_SYNC, .paths = share, .npaths = 1, .progress = true, .expect = CSC_S_OK},
        MODIFY_OP(F1, 1),
        MODIFY_OP(long_file, 1),
        {.kind = OP_SYNC, .paths = one_long, .npaths = 1, .progress = true, .expect = CSC_S_OK},
        MODIFY_OP(long_file, 2),
        {.kind = OP_SYNC, .paths = one_long, .npaths = 1, .expect = CSC_S_OK},
        {.kind = OP_SYNC, .paths = short_and_bad, .npaths = 3, .needs_no_memory = true,
         .expect = CSC_S_OK},
        {.kind = OP_SYNC, .paths = share, .npaths = 1, .flags = 0x4000u, .progress = true,
         .expect = CSC_E_INVALIDARG},
        {.kind = OP_SYNC, .paths = with_null, .npaths = 2, .progress = true,
         .expect = CSC_E_INVALIDARG},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].kind == OP_MODIFY)
            apply_op(fx, &ops[i]);
        else
            run_op(fx, &ops[i]);
    }
    assert_true(fx->points >= 4);
    fixture_free(fx, "test_synchronize_out_of_memory");
}

/* C8.1 with DeleteItems (README): post-order over the whole share with a
 * sink, the long paths last (the buffer grows half way), a dirty file kept
 * (with S_OK, C15.18) so that its containers stay (ERROR_DIR_NOT_EMPTY) and the call
 * returns ERROR_MORE_DATA; without a sink on short paths no memory is needed;
 * Admin refused to a non-administrator and unknown flags stay what they are;
 * Admin by an administrator deletes the rest. */
static void test_delete_items_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    const op_t dirty = MODIFY_OP(FG, 3);
    apply_op(fx, &dirty);
    static const char *share[] = {SRV1_SHARE};
    static const char *srv2[] = {"\\\\srv2"};
    static const char *admin[] = {"root"};
    const op_t ops[] = {
        {.kind = OP_DELETE, .paths = srv2, .npaths = 1, .needs_no_memory = true,
         .expect = CSC_S_OK},
        {.kind = OP_DELETE, .paths = share, .npaths = 1, .flags = CSC_DELETE_ADMIN,
         .progress = true, .needs_no_memory = true, .expect = CSC_E_ACCESSDENIED},
        {.kind = OP_DELETE, .paths = share, .npaths = 1, .flags = 0x8u, .progress = true,
         .expect = CSC_E_INVALIDARG},
        {.kind = OP_DELETE, .paths = share, .npaths = 1, .progress = true,
         .expect = CSC_E_MORE_DATA},
        {.kind = OP_CALLER, .users = admin, .admin = true, .expect = CSC_S_OK},
        {.kind = OP_DELETE, .paths = share, .npaths = 1,
         .flags = CSC_DELETE_ADMIN | CSC_DELETE_DEL_MODIFIED, .progress = true,
         .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].kind == OP_CALLER)
            apply_op(fx, &ops[i]);
        else
            run_op(fx, &ops[i]);
    }
    assert_int_equal(csc_cache_item_count(fx->cache), 1); /* \\srv1 */
    assert_true(fx->points >= 3);
    fixture_free(fx, "test_delete_items_out_of_memory");
}

/* C8.1 with C4.8: the WMI-shaped Unpin, deep over a tree with long paths,
 * on one long file, on an invalid path; a malformed call is 87 whatever the
 * memory (C4.1 comes before the message buffer), also for the WMI Pin. */
static void test_wmi_unpin_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *share[] = {SRV1_SHARE};
    static const char *one_long[1];
    one_long[0] = long_file;
    static const char *bad[] = {SRV1_SHARE "\\a:b"};
    const op_t pin = {.kind = OP_PIN, .paths = share, .npaths = 1, .flags = 0x20 | 0x80,
                      .deep = true, .expect = CSC_S_OK};
    apply_op(fx, &pin);
    const op_t ops[] = {
        {.kind = OP_WMI_UNPIN, .paths = share, .npaths = 1, .flags = 0x20, .deep = true,
         .progress = true, .expect = CSC_S_OK},
        {.kind = OP_WMI_UNPIN, .paths = one_long, .npaths = 1, .flags = 0x80, .progress = true,
         .expect = CSC_S_OK},
        {.kind = OP_WMI_UNPIN, .paths = bad, .npaths = 1, .flags = 0x80, .progress = true,
         .expect = CSC_E_INVALID_NAME},
        {.kind = OP_WMI_UNPIN, .paths = share, .npaths = 0, .flags = 0x80, .progress = true,
         .expect = CSC_E_INVALIDARG},
        {.kind = OP_WMI_PIN, .paths = share, .npaths = 1, .flags = 0x2, .progress = true,
         .expect = CSC_E_INVALIDARG},
        {.kind = OP_WMI_UNPIN, .paths = share, .npaths = 1, .flags = 0x80, .deep = true,
         .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_true(fx->points >= 3);
    fixture_free(fx, "test_wmi_unpin_out_of_memory");
}

/* ---- Eviction, limits, policies ----------------------------------------------- */

/* C5.4, C5.5 with C8.1: setting limits and the policy, and eviction passes
 * asked for (bytes, all), need no memory: the index's heaps and the
 * callback's path buffer are reserved when items are cached. Run with
 * every allocation refused, each succeeds exactly as a clean run. Limits
 * refused to a non-administrator stay refused. */
static void test_evict_and_limits_need_no_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *admin[] = {"root"};
    static const char *user[] = {"user"};
    const op_t ops[] = {
        {.kind = OP_LIMITS, .size = 1000, .size2 = 60, .needs_no_memory = true,
         .expect = CSC_E_ACCESSDENIED},
        {.kind = OP_CALLER, .users = admin, .admin = true, .expect = CSC_S_OK},
        {.kind = OP_LIMITS, .size = 1000, .size2 = 60, .needs_no_memory = true,
         .expect = CSC_S_OK},
        {.kind = OP_POLICY, .policy = CSC_EVICT_MANUAL, .needs_no_memory = true,
         .expect = CSC_S_OK},
        {.kind = OP_POLICY, .policy = 3, .needs_no_memory = true, .expect = CSC_E_INVALIDARG},
        {.kind = OP_CLOCK, .size = 2, .expect = CSC_S_OK},
        {.kind = OP_FILE, .path = SRV1_SHARE "\\late.txt", .has_size = true, .size = 8,
         .expect = CSC_S_OK}, /* applied: the sweeps below are the point */
        {.kind = OP_EVICT, .size = 15, .needs_no_memory = true, .expect = CSC_S_OK},
        {.kind = OP_EVICT, .size = 0, .needs_no_memory = true, .expect = CSC_S_OK},
        {.kind = OP_CALLER, .users = user, .admin = false, .expect = CSC_S_OK},
        {.kind = OP_EVICT, .all = true, .needs_no_memory = true, .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].kind == OP_CALLER || ops[i].kind == OP_CLOCK || ops[i].kind == OP_FILE)
            apply_op(fx, &ops[i]);
        else
            run_op(fx, &ops[i]);
    }
    assert_int_equal(csc_cache_item_count(fx->cache), 0); /* evict all: nothing pinned */
    assert_int_equal(fx->points, 0);
    fixture_free(fx, "test_evict_and_limits_need_no_memory");
}

/* C5.5 with C8.1 under `eager`: caching (a file arriving pinned below an
 * inheriting parent; an unpinned one, evicted by the pass at once) and the
 * methods (Unpin, the WMI Pin, Synchronize, DeleteItems, each with a sink)
 * followed by the pass, also when the call stopped for lack of memory or
 * ran out of it before its first event: nothing done is lost, an item is
 * gone only when a clean run removes it too, and nothing evictable remains.
 * Before the WMI Pin a non-method command (csc_item_mark_synchronized)
 * leaves an evictable file, which the pass after the call must remove even
 * when the call fails for lack of memory. */
static void test_eager_passes_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *share[] = {SRV1_SHARE};
    static const char *srv1[] = {"\\\\srv1"};
    static const char *long_branch[] = {SRV1_SHARE "\\long"};
    static const char *dir_a[] = {SRV1_SHARE "\\a"};
    static const char *dir_b[] = {SRV1_SHARE "\\a\\b"};
    static const char *one_h[] = {FH};
    const op_t setup[] = {
        MODIFY_OP(long_file, 3),
        {.kind = OP_PIN, .paths = share, .npaths = 1, .flags = 0x20, .deep = true,
         .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++)
        apply_op(fx, &setup[i]);
    const op_t ops[] = {
        {.kind = OP_POLICY, .policy = CSC_EVICT_EAGER, .needs_no_memory = true,
         .expect = CSC_S_OK},
        /* Arrives pinned (C3.3); the pass evicts the empty share \\srv2\s2. */
        {.kind = OP_FILE, .path = SRV1_SHARE "\\a\\new.txt", .has_size = true, .size = 5,
         .expect = CSC_S_OK},
        /* Unpinned: the pass evicts it and its new ancestors at once. */
        {.kind = OP_FILE, .path = "\\\\srv3\\s\\x.txt", .has_size = true, .size = 5,
         .expect = CSC_S_OK},
        /* The long branch unpinned: its file is dirty, so all of it stays. */
        {.kind = OP_UNPIN, .paths = long_branch, .npaths = 1, .flags = 0x20, .deep = true,
         .progress = true, .expect = CSC_S_OK},
        {.kind = OP_MARK_SYNC, .path = long_file, .expect = CSC_S_OK},
        /* The pass after it evicts the long branch, now clean. */
        {.kind = OP_WMI_PIN, .paths = dir_a, .npaths = 1, .flags = 0x80, .progress = true,
         .expect = CSC_S_OK},
        MODIFY_OP(FH, 2),
        {.kind = OP_UNPIN, .paths = one_h, .npaths = 1, .flags = 0x20, .expect = CSC_S_OK},
        /* h.txt becomes clean: the pass evicts it. */
        {.kind = OP_SYNC, .paths = share, .npaths = 1, .progress = true, .expect = CSC_S_OK},
        {.kind = OP_DELETE, .paths = dir_b, .npaths = 1, .progress = true,
         .expect = CSC_S_OK},
        /* Everything unpinned: the pass empties the cache. */
        {.kind = OP_UNPIN, .paths = srv1, .npaths = 1, .flags = 0x1E0, .deep = true,
         .progress = true, .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].kind == OP_MODIFY || ops[i].kind == OP_MARK_SYNC ||
            (ops[i].kind == OP_UNPIN && !ops[i].progress))
            apply_op(fx, &ops[i]);
        else
            run_op(fx, &ops[i]);
    }
    assert_int_equal(csc_cache_item_count(fx->cache), 0);
    assert_true(fx->points >= 8);
    fixture_free(fx, "test_eager_passes_out_of_memory");
}

/* C5.5 with C8.1 under `automatic`: caching over the unpinned limit starts
 * a pass down to the limit (it may evict the file just cached); Pin and
 * Unpin with a sink over the long branch, the second pushing unpinned used
 * over the limit, then the pass. */
static void test_automatic_passes_out_of_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    build_base(fx);
    static const char *admin[] = {"root"};
    static const char *long_branch[] = {SRV1_SHARE "\\long"};
    const op_t setup[] = {
        {.kind = OP_CALLER, .users = admin, .admin = true, .expect = CSC_S_OK},
        {.kind = OP_CLOCK, .size = 1, .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++)
        apply_op(fx, &setup[i]);
    const op_t ops[] = {
        {.kind = OP_LIMITS, .size = 1000, .size2 = 50, .needs_no_memory = true,
         .expect = CSC_S_OK},
        {.kind = OP_POLICY, .policy = CSC_EVICT_AUTOMATIC, .needs_no_memory = true,
         .expect = CSC_S_OK},
        /* Unpinned used 105 > 50: f1, g, h go (least recently used first). */
        {.kind = OP_FILE, .path = SRV1_SHARE "\\a\\n1.txt", .has_size = true, .size = 5,
         .expect = CSC_S_OK},
        {.kind = OP_PIN, .paths = long_branch, .npaths = 1, .flags = 0x40, .deep = true,
         .progress = true, .expect = CSC_S_OK},
        {.kind = OP_CLOCK, .size = 1, .expect = CSC_S_OK},
        /* 105 > 50 again: n1.txt, then the file just cached. */
        {.kind = OP_FILE, .path = SRV1_SHARE "\\a\\big.bin", .has_size = true, .size = 100,
         .expect = CSC_S_OK},
        {.kind = OP_LIMITS, .size = 1000, .size2 = 30, .needs_no_memory = true,
         .expect = CSC_S_OK},
        /* The long file unpinned: 40 > 30, the pass evicts the branch. */
        {.kind = OP_UNPIN, .paths = long_branch, .npaths = 1, .flags = 0x40, .deep = true,
         .progress = true, .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].kind == OP_CLOCK)
            apply_op(fx, &ops[i]);
        else
            run_op(fx, &ops[i]);
    }
    csc_item_t *gone = NULL;
    assert_int_equal(csc_cache_find(fx->cache, long_file, &gone), CSC_E_FILE_NOT_FOUND);
    assert_true(fx->points >= 6);
    fixture_free(fx, "test_automatic_passes_out_of_memory");
}

/* C8.1, C4.10, C5.4: Unpin without a sink on a short path needs no memory,
 * even when it makes more items evictable at once than the eviction index's
 * pending list holds: each growth of the list that is refused is done
 * without (the item goes to its heap, reserved when it was cached). With
 * every allocation refused the call succeeds exactly as a clean run, and in
 * the sweep each refusal is absorbed; the pass that evicts them all needs no
 * memory either. */
static void test_unpin_many_needs_no_memory(void **state)
{
    fixture_t *fx = fixture_start(state);
    static const char *dir[] = {"\\\\srv9\\s\\d"};
    const op_t setup[] = {
        DIR_OP("\\\\srv9\\s\\d"),
        {.kind = OP_PIN, .paths = dir, .npaths = 1, .flags = 0x20, .deep = true,
         .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++)
        apply_op(fx, &setup[i]);
    /* They arrive pinned (C3.3): none goes on the pending list. */
    static char paths[200][40];
    for (size_t i = 0; i < 200; i++) {
        snprintf(paths[i], sizeof paths[i], "\\\\srv9\\s\\d\\f%03zu.txt", i);
        op_t op = FILE_OP(paths[i], 1);
        apply_op(fx, &op);
    }
    const op_t ops[] = {
        {.kind = OP_UNPIN, .paths = dir, .npaths = 1, .flags = 0x20, .deep = true,
         .needs_no_memory = true, .expect = CSC_S_OK},
        {.kind = OP_EVICT, .all = true, .needs_no_memory = true, .expect = CSC_S_OK},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        run_op(fx, &ops[i]);
    assert_int_equal(csc_cache_item_count(fx->cache), 0);
    assert_int_equal(fx->points, 0);
    assert_true(fx->absorbed >= 1);
    assert_true(fx->refused_all >= 1);
    fixture_free(fx, "test_unpin_many_needs_no_memory");
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
        cmocka_unit_test_setup_teardown(test_synchronize_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_delete_items_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_wmi_unpin_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_evict_and_limits_need_no_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_eager_passes_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_automatic_passes_out_of_memory, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_unpin_many_needs_no_memory, fixture_setup, fixture_teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    printf("test_alloc__failure: %zu failure points exercised in all (%zu of them absorbed), "
           "and %zu allocations refused in the runs where every allocation is refused\n",
           total_points, total_absorbed, total_refused_all);
    return failed;
}
