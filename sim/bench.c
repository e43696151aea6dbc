/*
 * sim/bench.c: `cscsim bench`, the benchmark. It builds the standard cache
 * (N files: directories of 1,000 files under \\bench\share, names like
 * d000123\f000456.txt, all pinned deep) and measures each figure after a
 * warm-up as the median of several runs, next to the limit it is judged
 * against: a bare uthash lookup of the already folded key, a bare
 * pre-order walk over the same items through the public API, and the
 * machine's limit for a walk (32-byte records linked by 32-bit indices in
 * one array). It first reports the peak resident memory of building and
 * deep-unpinning the N files. An optional SQLite peer runs the same unpin
 * as an UPDATE. Connectivity rows (C10.5, C10.9, C10.10) time
 * TransitionOffline (against a 10,000-item scope), TransitionOnline and one
 * item's connect state. Rows are `name<TAB>value<TAB>unit` (tsv) or an aligned
 * table, then a ratio section. Uses the public API only (plus uthash and
 * SQLite for the reference rows, and libcscsim-com for the COM face's row,
 * bench_com.c).
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/wait.h>
#include <unistd.h>

#include <uthash.h>
#include <uv.h>

#include <cscsim.h>
#include <cscsim/async.h>

#ifdef CSC_HAVE_SQLITE
#include <sqlite3.h>
#endif

#define RUNS 5
#define FILE_SIZE 4096u

typedef struct row {
    const char *name;
    double value;
    const char *unit;
    double target; /* ratios and absolute targets: 0 when none */
    bool at_least; /* the target is a floor, not a ceiling */
} row_t;

typedef struct bench {
    size_t items;
    bool tsv;
    row_t rows[64];
    size_t nrows;
} bench_t;

/*
 * The rule of every timed figure: one warm-up run, then RUNS runs whose
 * median is the figure. Use: runs_t rs = RUNS_INIT; while (runs_next(&rs))
 * { setup; runs_start(&rs); work; runs_keep(&rs, figure of this run); }
 * then runs_median(&rs).
 */
typedef struct runs {
    int r; /* -1: the warm-up */
    double t0;
    double v[RUNS];
} runs_t;

#define RUNS_INIT {-2, 0, {0}}

static bool runs_next(runs_t *rs)
{
    return ++rs->r < RUNS;
}

static void runs_start(runs_t *rs)
{
    rs->t0 = csc_sim_now_ns();
}

/* Nanoseconds since runs_start. */
static double runs_elapsed_ns(const runs_t *rs)
{
    return csc_sim_now_ns() - rs->t0;
}

static void runs_keep(runs_t *rs, double figure)
{
    if (rs->r >= 0)
        rs->v[rs->r] = figure;
}

static double runs_median(runs_t *rs)
{
    return csc_sim_median(rs->v, RUNS);
}

/* xorshift64: the bench's reproducible choice of items. */
static uint64_t next_random(uint64_t *seed)
{
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    return *seed;
}

static void add_row(bench_t *b, const char *name, double value, const char *unit)
{
    if (b->nrows < sizeof b->rows / sizeof b->rows[0])
        b->rows[b->nrows++] = (row_t){name, value, unit, 0, false};
}

static double find_row(const bench_t *b, const char *name)
{
    for (size_t i = 0; i < b->nrows; i++)
        if (strcmp(b->rows[i].name, name) == 0)
            return b->rows[i].value;
    return 0;
}

/* Sets the target of the last row added. */
static void target(bench_t *b, double value, bool at_least)
{
    b->rows[b->nrows - 1].target = value;
    b->rows[b->nrows - 1].at_least = at_least;
}

static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0, resident = 0;
    if (f == NULL)
        return 0;
    if (fscanf(f, "%lu %lu", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return (size_t)resident * 4096u;
}

/* The process's peak resident memory so far, from the kernel (VmHWM of
 * /proc/self/status); 0 where that file does not exist. */
static size_t peak_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t kb = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %zu kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024u;
}

#define PATH_CAP 64 /* room for every path of the bench cache and its NUL */

static void file_path(char *buf, size_t size, size_t i)
{
    snprintf(buf, size, "\\\\bench\\share\\d%06zu\\f%06zu.txt", i / 1000, i % 1000);
}

/* The n paths of the bench cache, generated before any timing. */
static char (*make_paths(size_t n))[PATH_CAP]
{
    char (*paths)[PATH_CAP] = malloc(n * sizeof *paths);
    if (paths != NULL)
        for (size_t i = 0; i < n; i++)
            file_path(paths[i], sizeof paths[i], i);
    return paths;
}

/* Caches the n files; *ns_per_item (may be NULL) receives the time per file. */
static csc_cache_t *build(size_t n, char (*paths)[PATH_CAP], double *ns_per_item)
{
    csc_cache_t *cache = NULL;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK)
        return NULL;
    double t0 = csc_sim_now_ns();
    for (size_t i = 0; i < n; i++) {
        if (csc_cache_file(cache, paths[i], true, FILE_SIZE, NULL) != CSC_S_OK) {
            csc_cache_free(cache);
            return NULL;
        }
    }
    if (ns_per_item != NULL)
        *ns_per_item = (csc_sim_now_ns() - t0) / (double)n;
    return cache;
}

/* Builds the n files (each path made as it is cached, so no path list is
 * resident), pins them deep and unpins them deep; returns the peak resident
 * memory in MB, or a negative number when the cache could not be built. */
static double peak_rss_of_cache(size_t n)
{
    csc_cache_t *cache = NULL;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK)
        return -1;
    char path[PATH_CAP];
    for (size_t i = 0; i < n; i++) {
        file_path(path, sizeof path, i);
        if (csc_cache_file(cache, path, true, FILE_SIZE, NULL) != CSC_S_OK) {
            csc_cache_free(cache);
            return -1;
        }
    }
    const char *p[] = {"\\\\bench\\share"};
    csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);
    csc_unpin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);
    double mb = (double)peak_rss_bytes() / (1024.0 * 1024.0);
    csc_cache_free(cache);
    return mb;
}

/*
 * The memory a big cache needs (issue 16): peak_rss_of_cache in a child
 * process, so that the figure is the cache's alone (plus the program's own
 * few MB) and the other rows start from a fresh heap. Named
 * peak_rss_10m_mb, with its target, for the 10,000,000-file run.
 */
static void peak_rss_row(bench_t *b, size_t n)
{
    int fds[2];
    double mb = -1;
    if (pipe(fds) != 0)
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        mb = peak_rss_of_cache(n);
        ssize_t w = write(fds[1], &mb, sizeof mb);
        _exit(w == (ssize_t)sizeof mb ? 0 : 1);
    }
    close(fds[1]);
    if (pid > 0) {
        if (read(fds[0], &mb, sizeof mb) != (ssize_t)sizeof mb)
            mb = -1;
        waitpid(pid, NULL, 0);
    }
    close(fds[0]);
    if (mb < 0) {
        fprintf(stderr, "bench: the peak memory run failed\n");
        return;
    }
    if (n == 10000000) {
        add_row(b, "peak_rss_10m_mb", mb, "MB");
        target(b, 2048, false);
    } else {
        add_row(b, "peak_rss_mb", mb, "MB");
    }
}

/* items, then bytes_per_item: the resident memory growth of the first
 * build per item, and build_ns_per_item: the median of RUNS builds after
 * that warm-up one (each freed). */
static void build_rows(bench_t *b, size_t n, char (*paths)[PATH_CAP])
{
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        size_t rss0 = rss_bytes();
        double t = 0;
        csc_cache_t *cache = build(n, paths, &t);
        if (cache == NULL)
            return;
        if (rs.r < 0) {
            size_t rss1 = rss_bytes();
            size_t total = csc_cache_item_count(cache);
            add_row(b, "items", (double)total, "items");
            add_row(b, "bytes_per_item",
                    rss1 > rss0 ? (double)(rss1 - rss0) / (double)total : 0, "bytes");
            target(b, 150, false);
        }
        runs_keep(&rs, t);
        csc_cache_free(cache);
    }
    add_row(b, "build_ns_per_item", runs_median(&rs), "ns");
    target(b, 1000, false);
}

/*
 * Snapshots (issue 15): save_ms, the median time to save the built cache
 * into a buffer; load_ms, to load that buffer into an empty cache (made
 * and freed outside the timing); snapshot_bytes_per_item; and both times
 * as ratios to building the same cache (build_ns_per_item), target <= 3.
 */
static void snapshot_rows(bench_t *b, csc_cache_t *cache)
{
    void *data = NULL;
    size_t size = 0;
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        csc_snapshot_free(data);
        data = NULL;
        runs_start(&rs);
        csc_hresult hr = csc_cache_save_buffer(cache, &data, &size);
        runs_keep(&rs, runs_elapsed_ns(&rs) / 1e6);
        if (hr != CSC_S_OK) {
            fprintf(stderr, "bench: save failed: 0x%08X\n", (unsigned)hr);
            return;
        }
    }
    double save_ms = runs_median(&rs);
    runs_t rl = RUNS_INIT;
    while (runs_next(&rl)) {
        csc_cache_t *target_cache = NULL;
        if (csc_cache_new(&target_cache, NULL) != CSC_S_OK)
            break;
        runs_start(&rl);
        csc_hresult hr = csc_cache_load_buffer(target_cache, data, size);
        runs_keep(&rl, runs_elapsed_ns(&rl) / 1e6);
        csc_cache_free(target_cache);
        if (hr != CSC_S_OK) {
            fprintf(stderr, "bench: load failed: 0x%08X\n", (unsigned)hr);
            csc_snapshot_free(data);
            return;
        }
    }
    csc_snapshot_free(data);
    double load_ms = runs_median(&rl);
    size_t items = csc_cache_item_count(cache);
    double build_ms = find_row(b, "build_ns_per_item") * (double)b->items / 1e6;
    /* Issue 15's 1-second targets are set at 1,000,000 files; at other
     * sizes the ratios to building are the figures to judge. */
    bool at_1m = b->items == 1000000;
    add_row(b, "save_ms", save_ms, "ms");
    if (at_1m)
        target(b, 1000, false);
    add_row(b, "load_ms", load_ms, "ms");
    if (at_1m)
        target(b, 1000, false);
    add_row(b, "snapshot_bytes_per_item", (double)size / (double)items, "bytes");
    add_row(b, "ratio_save_vs_build", build_ms > 0 ? save_ms / build_ms : 0, "x");
    target(b, 3, false);
    add_row(b, "ratio_load_vs_build", build_ms > 0 ? load_ms / build_ms : 0, "x");
    target(b, 3, false);
}

static void pin_all(csc_cache_t *cache, const char *root)
{
    const char *p[] = {root};
    csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);
}

/* ---- sinks ------------------------------------------------------------ */

static csc_op_response_t count_item(void *ud, const csc_event_t *ev)
{
    (void)ev;
    (*(size_t *)ud)++;
    return CSC_OP_CONTINUE;
}

static void count_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)ev;
    (void)abort;
    (*(size_t *)ud)++;
}

static void count_end(void *ud, const csc_event_t *ev)
{
    (void)ev;
    (*(size_t *)ud)++;
}

typedef struct wmi_count {
    size_t events, bytes;
    char buf[1024];
} wmi_count_t;

static csc_op_response_t wmi_item(void *ud, const csc_event_t *ev)
{
    wmi_count_t *w = ud;
    w->bytes += csc_event_format_wmi(ev, w->buf, sizeof w->buf);
    w->events++;
    return CSC_OP_CONTINUE;
}

static void wmi_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)abort;
    wmi_item(ud, ev);
}

static void wmi_end(void *ud, const csc_event_t *ev)
{
    wmi_item(ud, ev);
}

/* Times a deep unpin of `root` (re-pinned before each run, untimed). */
static double time_unpin(csc_cache_t *cache, const char *root, const csc_progress_t *sink,
                         size_t items)
{
    const char *p[] = {root};
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        pin_all(cache, root);
        runs_start(&rs);
        csc_unpin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, true, sink, NULL);
        runs_keep(&rs, runs_elapsed_ns(&rs) / (double)items);
    }
    return runs_median(&rs);
}

/*
 * Synchronize (C12) with SyncIn|SyncOut over the share, no sink: files in
 * sync by construction need nothing. With `changed` > 0, before each run
 * (untimed) that many files, spread evenly, are modified locally and as
 * many others on the server, so that each run transfers both ways.
 */
static double time_sync(csc_cache_t *cache, const char *root, size_t items, size_t n,
                        size_t changed)
{
    const char *p[] = {root};
    runs_t rs = RUNS_INIT;
    size_t step = changed != 0 ? n / changed : 0;
    char path[PATH_CAP];
    while (runs_next(&rs)) {
        for (size_t k = 0; k < changed; k++) {
            csc_item_t *it = NULL;
            file_path(path, sizeof path, k * step);
            if (csc_cache_find(cache, path, &it) == CSC_S_OK)
                csc_item_modify(cache, it, 1);
            file_path(path, sizeof path, k * step + step / 2);
            csc_remote_write(cache, path, false, 0);
        }
        runs_start(&rs);
        csc_synchronize(cache, p, 1, CSC_SYNC_FLAG_SYNC_IN | CSC_SYNC_FLAG_SYNC_OUT, NULL, NULL);
        runs_keep(&rs, runs_elapsed_ns(&rs) / (double)items);
    }
    return runs_median(&rs);
}

/*
 * fault_rule_overhead (issue 15): a deep unpin with an armed fault rule that
 * never matches (Unpin, another share's subtree) against the same unpin with
 * no rule, as a ratio; five alternating rounds, the median ratio (an unpin
 * takes a few milliseconds: one disturbed run must not decide).
 */
static double fault_rule_overhead(csc_cache_t *cache, const char *root, size_t items)
{
    double ratios[5];
    for (int round = 0; round < 5; round++) {
        double bare = time_unpin(cache, root, NULL, items);
        csc_fault_rule_t rule = CSC_FAULT_RULE_INIT;
        rule.ops = CSC_FAULT_OP_UNPIN;
        rule.path = "\\\\bench\\elsewhere";
        rule.subtree = true;
        rule.code = CSC_HR(0x80070035u); /* ERROR_BAD_NETPATH */
        csc_fault_id_t id = 0;
        if (csc_cache_add_fault(cache, &rule, &id) != CSC_S_OK)
            return 0;
        double armed = time_unpin(cache, root, NULL, items);
        csc_cache_remove_fault(cache, id);
        ratios[round] = bare > 0 ? armed / bare : 0;
    }
    return csc_sim_median(ratios, 5);
}

/* The limit of a walk: pre-order over the same items through the public
 * links, touching one byte (the pin bits) of each. */
static double time_bare_walk(csc_cache_t *cache, size_t items, unsigned *sink)
{
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        runs_start(&rs);
        unsigned acc = 0;
        csc_item_t *it = csc_cache_first_server(cache);
        while (it != NULL) {
            acc += csc_item_pins(it);
            csc_item_t *next = csc_item_first_child(it);
            while (next == NULL && it != NULL) {
                next = csc_item_next_sibling(it);
                if (next == NULL)
                    it = csc_item_parent(it);
            }
            it = next;
        }
        *sink += acc;
        runs_keep(&rs, runs_elapsed_ns(&rs) / (double)items);
    }
    return runs_median(&rs);
}

/*
 * The machine's limit for a walk (issue 16): `total` records of 32 bytes
 * in one array, linked by 32-bit first-child / next-sibling / parent
 * indices in the bench cache's shape (a server, a share, directories of
 * 1,000 files, laid out in pre-order), walked in pre-order clearing one
 * bit per record. Index 0 is "none"; the server is record 1.
 */
typedef struct limit_rec {
    uint32_t first_child, next_sibling, parent, bits;
    uint64_t pad[2];
} limit_rec_t;

static double time_limit_walk(size_t n, size_t total, unsigned *sink)
{
    limit_rec_t *r = calloc(total + 1, sizeof *r);
    if (r == NULL)
        return 0;
    uint32_t next = 1, server = next++, share = next++;
    r[server].first_child = share;
    r[share].parent = server;
    uint32_t prev_dir = 0;
    for (size_t f = 0; f < n && next <= total; f++) {
        if (f % 1000 == 0) {
            uint32_t d = next++;
            r[d].parent = share;
            if (prev_dir != 0)
                r[prev_dir].next_sibling = d;
            else
                r[share].first_child = d;
            prev_dir = d;
        }
        uint32_t i = next++;
        r[i].parent = prev_dir;
        if (f % 1000 == 0)
            r[prev_dir].first_child = i;
        else
            r[i - 1].next_sibling = i;
    }
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        for (uint32_t i = 1; i < next; i++)
            r[i].bits |= 1u;
        runs_start(&rs);
        uint32_t it = server;
        for (;;) {
            r[it].bits &= ~1u;
            if (r[it].first_child != 0) {
                it = r[it].first_child;
                continue;
            }
            while (it != 0 && r[it].next_sibling == 0)
                it = r[it].parent;
            if (it == 0)
                break;
            it = r[it].next_sibling;
        }
        runs_keep(&rs, runs_elapsed_ns(&rs) / (double)(next - 1));
    }
    for (uint32_t i = 1; i < next; i++)
        *sink += r[i].bits;
    free(r);
    return runs_median(&rs);
}

/* ---- lookups ---------------------------------------------------------- */

typedef struct raw_entry {
    UT_hash_handle hh;
    char key[];
} raw_entry_t;

static void lookups(bench_t *b, csc_cache_t *cache, size_t n)
{
    enum { KEYS = 200000 };
    size_t nkeys = n < KEYS ? n : KEYS;
    char (*mixed)[64] = malloc(nkeys * sizeof *mixed);
    char (*folded)[64] = malloc(nkeys * sizeof *folded);
    uint64_t seed = 88172645463325252ull;
    for (size_t k = 0; k < nkeys; k++) {
        size_t i = (size_t)(next_random(&seed) % n);
        file_path(folded[k], sizeof folded[k], i);
        snprintf(mixed[k], sizeof mixed[k], "\\\\BENCH\\Share\\D%06zu\\F%06zu.TXT", i / 1000,
                 i % 1000);
    }
    /* Our lookup: normalise, fold, find. */
    size_t found = 0;
    runs_t ours = RUNS_INIT;
    while (runs_next(&ours)) {
        runs_start(&ours);
        for (size_t k = 0; k < nkeys; k++) {
            csc_item_t *item = NULL;
            found += csc_cache_find(cache, mixed[k], &item) == CSC_S_OK;
        }
        runs_keep(&ours, runs_elapsed_ns(&ours) / (double)nkeys);
    }
    add_row(b, "lookup_ns", runs_median(&ours), "ns");

    /* The limit: the same keys already folded, in a bare uthash table. */
    raw_entry_t *head = NULL;
    raw_entry_t **entries = malloc(n * sizeof *entries);
    char path[64];
    for (size_t i = 0; i < n; i++) {
        file_path(path, sizeof path, i);
        size_t len = strlen(path);
        entries[i] = malloc(sizeof(raw_entry_t) + len + 1);
        memcpy(entries[i]->key, path, len + 1);
        HASH_ADD_KEYPTR(hh, head, entries[i]->key, (unsigned)len, entries[i]);
    }
    runs_t raw = RUNS_INIT;
    while (runs_next(&raw)) {
        runs_start(&raw);
        for (size_t k = 0; k < nkeys; k++) {
            raw_entry_t *e = NULL;
            HASH_FIND(hh, head, folded[k], (unsigned)strlen(folded[k]), e);
            found += e != NULL;
        }
        runs_keep(&raw, runs_elapsed_ns(&raw) / (double)nkeys);
    }
    add_row(b, "raw_lookup_ns", runs_median(&raw), "ns");
    HASH_CLEAR(hh, head);
    for (size_t i = 0; i < n; i++)
        free(entries[i]);
    free(entries);
    free(mixed);
    free(folded);
    if (found != (size_t)(2 * (RUNS + 1)) * nkeys)
        fprintf(stderr, "bench: lookups missed items\n");
}

/* ---- async ------------------------------------------------------------ */

typedef struct async_count {
    csc_op_t op;
    size_t events;
    csc_hresult result;
} async_count_t;

static void async_done(csc_op_t *op, csc_hresult result)
{
    ((async_count_t *)op->data)->result = result;
}

static double time_async(csc_cache_t *cache, size_t *peak)
{
    const char *p[] = {"\\\\bench\\share"};
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        uv_loop_t loop;
        uv_loop_init(&loop);
        async_count_t ac = {0};
        ac.op.data = &ac;
        csc_progress_t sink = {CSC_PROGRESS_VERSION, &ac.events, count_begin, NULL, count_item, count_item, count_end};
        pin_all(cache, p[0]);
        runs_start(&rs);
        csc_unpin_async(&ac.op, &loop, cache, p, 1,
                        CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_ASYNC_PROGRESS, true, &sink, NULL,
                        async_done);
        uv_run(&loop, UV_RUN_DEFAULT);
        double secs = runs_elapsed_ns(&rs) / 1e9;
        uv_loop_close(&loop);
        *peak = csc_op_queue_peak_bytes(&ac.op);
        runs_keep(&rs, (double)ac.events / secs);
    }
    return runs_median(&rs);
}

/* ---- the SQLite peer -------------------------------------------------- */

#ifdef CSC_HAVE_SQLITE
static double time_sqlite(size_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return 0;
    sqlite3_exec(db,
                 "CREATE TABLE items(path TEXT PRIMARY KEY COLLATE NOCASE, pins INTEGER)"
                 " WITHOUT ROWID; BEGIN;",
                 NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO items VALUES(?, 32)", -1, &ins, NULL);
    char path[64];
    for (size_t i = 0; i < n; i++) {
        file_path(path, sizeof path, i);
        sqlite3_bind_text(ins, 1, path, -1, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL);
    /* Deep unpin = clear the ForUser bit over the path range of the share. */
    const char *pin = "UPDATE items SET pins = pins | 32 WHERE path >= '\\\\bench\\share\\' "
                      "AND path < '\\\\bench\\share]'";
    const char *unpin = "UPDATE items SET pins = pins & ~32 WHERE path >= '\\\\bench\\share\\' "
                        "AND path < '\\\\bench\\share]'";
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        sqlite3_exec(db, pin, NULL, NULL, NULL);
        runs_start(&rs);
        sqlite3_exec(db, unpin, NULL, NULL, NULL);
        runs_keep(&rs, runs_elapsed_ns(&rs) / (double)n);
    }
    sqlite3_close(db);
    return runs_median(&rs);
}
#endif

/* ---- the eviction index (C5.4) ------------------------------------------ */

/* Collects the files of the bench cache (in walk order) into `out`. */
static size_t collect_files(csc_cache_t *cache, csc_item_t **out, size_t cap)
{
    size_t n = 0;
    csc_item_t *share = csc_item_first_child(csc_cache_first_server(cache));
    for (csc_item_t *d = csc_item_first_child(share); d != NULL; d = csc_item_next_sibling(d))
        for (csc_item_t *f = csc_item_first_child(d); f != NULL && n < cap;
             f = csc_item_next_sibling(f))
            out[n++] = f;
    return n;
}

/*
 * The cost of keeping the eviction index right, on a cache whose files are
 * all evictable (the share unpinned): a shallow Pin then Unpin of one file
 * (whole method calls: the file leaves the index and comes back), an open
 * then close by handle (the same without the method call), and a touch (its
 * place in LRU order moves). Then the files' last uses are spread in a random
 * order, and one pass evicts half of the bytes (C5.4): 500,000 files of a
 * 1,000,000-file cache. The pass is destructive: it runs once.
 */
static void eviction_rows(bench_t *b, csc_cache_t *cache, size_t n)
{
    csc_item_t **files = malloc(n * sizeof *files);
    if (files == NULL)
        return;
    n = collect_files(cache, files, n);
    enum { OPS = 100000 };
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    size_t *pick = malloc(OPS * sizeof *pick);
    char (*paths)[64] = malloc(OPS * sizeof *paths);
    if (pick == NULL || paths == NULL || n == 0) {
        free(files), free(pick), free(paths);
        return;
    }
    for (size_t k = 0; k < OPS; k++) {
        pick[k] = (size_t)(next_random(&seed) % n);
        csc_item_path(files[pick[k]], paths[k], sizeof paths[k]);
    }
    runs_t pin = RUNS_INIT;
    while (runs_next(&pin)) {
        runs_start(&pin);
        for (size_t k = 0; k < OPS; k++) {
            const char *p[] = {paths[k]};
            csc_pin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL);
            csc_unpin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL);
        }
        runs_keep(&pin, runs_elapsed_ns(&pin) / OPS);
    }
    add_row(b, "evict_index_pin_unpin_ns", runs_median(&pin), "ns");
    runs_t open = RUNS_INIT;
    while (runs_next(&open)) {
        runs_start(&open);
        for (size_t k = 0; k < OPS; k++) {
            csc_item_open(cache, files[pick[k]]);
            csc_item_close(cache, files[pick[k]]);
        }
        runs_keep(&open, runs_elapsed_ns(&open) / OPS);
    }
    add_row(b, "evict_index_open_close_ns", runs_median(&open), "ns");
    csc_cache_evict(cache, false, 0, NULL, NULL); /* files what the loops left pending */
    runs_t touch = RUNS_INIT;
    while (runs_next(&touch)) {
        runs_start(&touch);
        for (size_t k = 0; k < OPS; k++) {
            csc_cache_advance_clock(cache, 1);
            csc_item_touch(cache, files[pick[k]]);
        }
        runs_keep(&touch, runs_elapsed_ns(&touch) / OPS);
    }
    add_row(b, "evict_index_touch_ns", runs_median(&touch), "ns");

    /* Random last uses: a Fisher-Yates order of touches, one tick apart. */
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_random(&seed) % i);
        csc_item_t *t = files[i - 1];
        files[i - 1] = files[j];
        files[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
        csc_cache_advance_clock(cache, 1);
        csc_item_touch(cache, files[i]);
    }
    uint64_t freed = 0;
    size_t count = 0;
    double t0 = csc_sim_now_ns();
    csc_cache_evict(cache, false, (uint64_t)(n / 2) * FILE_SIZE, &freed, &count);
    add_row(b, "evict_half_ms", (csc_sim_now_ns() - t0) / 1e6, "ms");
    add_row(b, "evict_half_items", (double)count, "items");
    free(files), free(pick), free(paths);
}

/* ---- connectivity (C10.5, C10.9, C10.10) ------------------------------- */

/*
 * transition_offline_ns: TransitionOffline(path, FALSE, 0) of a path in the
 * bench share (the share holds every item of the cache), per call. Each run
 * first brings the scope back online (untimed), then times CALLS calls in a
 * row: the first takes the scope offline, the others find it offline
 * already and mark it forced again (C10.9), the same work. The call acts on
 * the scope's record, never on its items, so the figure must not depend on
 * the scope's size (compared with a 10,000-item scope, issue 13).
 */
static double time_transition_offline(csc_cache_t *cache, const char *path)
{
    enum { CALLS = 20000 };
    runs_t rs = RUNS_INIT;
    bool open_files = false;
    while (runs_next(&rs)) {
        csc_transition_online(cache, path, 0);
        runs_start(&rs);
        for (int k = 0; k < CALLS; k++)
            csc_transition_offline(cache, path, false, 0, &open_files);
        runs_keep(&rs, runs_elapsed_ns(&rs) / CALLS);
    }
    csc_transition_online(cache, path, 0);
    return runs_median(&rs);
}

/*
 * transition_online_ns: one TransitionOnline(path, 0) of a scope that is
 * offline (forced), per call: each run takes the scope offline first
 * (untimed). This is offline -> online as a whole: once the service's
 * Synchronize of C10.10 runs, it includes that Synchronize of the scope,
 * a walk of every item, and so grows with the scope's size (no target).
 */
static double time_transition_online(csc_cache_t *cache, const char *path)
{
    runs_t rs = RUNS_INIT;
    bool open_files = false;
    while (runs_next(&rs)) {
        csc_transition_offline(cache, path, false, 0, &open_files);
        runs_start(&rs);
        csc_transition_online(cache, path, 0);
        runs_keep(&rs, runs_elapsed_ns(&rs));
    }
    return runs_median(&rs);
}

/* connect_state_ns: the connect state and offline reason of one deep item
 * (C10.5), per call: table lookups, never a walk (issue 13). */
static double time_connect_state(csc_cache_t *cache, const char *path)
{
    enum { CALLS = 200000 };
    runs_t rs = RUNS_INIT;
    unsigned acc = 0;
    while (runs_next(&rs)) {
        runs_start(&rs);
        for (int k = 0; k < CALLS; k++) {
            csc_connect_state_t state = CSC_CONNECT_STATE_UNKNOWN;
            csc_offline_reason_t reason = CSC_OFFLINE_REASON_UNKNOWN;
            csc_connect_state(cache, path, &state, &reason);
            acc += (unsigned)state + (unsigned)reason;
        }
        runs_keep(&rs, runs_elapsed_ns(&rs) / CALLS);
    }
    if (acc != (unsigned)(RUNS + 1) * CALLS * (CSC_CONNECT_STATE_ONLINE +
                                              CSC_OFFLINE_REASON_NOT_APPLICABLE))
        fprintf(stderr, "bench: connect state not online\n");
    return runs_median(&rs);
}

/* ---- output ----------------------------------------------------------- */

/*
 * The cost of one whole uncontended method call (issue 12): a shallow
 * Unpin of one file, path lookup, the cache's guard (C14.5), validation,
 * the walk of one item and the policy check included.
 */
static double time_one_call(csc_cache_t *cache, const char *path)
{
    enum { CALLS = 200000 };
    const char *p[] = {path};
    runs_t rs = RUNS_INIT;
    while (runs_next(&rs)) {
        runs_start(&rs);
        for (int k = 0; k < CALLS; k++)
            csc_unpin(cache, p, 1, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL);
        runs_keep(&rs, runs_elapsed_ns(&rs) / CALLS);
    }
    return runs_median(&rs);
}

static void print_rows(const bench_t *b, size_t from)
{
    for (size_t i = from; i < b->nrows; i++) {
        const row_t *r = &b->rows[i];
        if (b->tsv)
            printf("%s\t%.3f\t%s\n", r->name, r->value, r->unit);
        else if (r->target > 0)
            printf("%-32s %16.3f  %-8s %s %g: %s\n", r->name, r->value, r->unit,
                   r->at_least ? "target >=" : "target <=", r->target,
                   (r->at_least ? r->value >= r->target : r->value <= r->target) ? "met"
                                                                                 : "missed");
        else
            printf("%-32s %16.3f  %s\n", r->name, r->value, r->unit);
    }
}

/* A ratio row num/den, with the target it is judged against (issue 7). */
static void ratio(bench_t *b, const char *name, const char *num, const char *den, double target,
                  bool at_least)
{
    double d = find_row(b, den), x = d > 0 ? find_row(b, num) / d : 0;
    add_row(b, name, x, "x");
    b->rows[b->nrows - 1].target = target;
    b->rows[b->nrows - 1].at_least = at_least;
}

int csc_sim_bench(size_t items, bool tsv)
{
    bench_t b = {0};
    b.items = items < 1000 ? 1000 : items;
    b.tsv = tsv;
    size_t n = b.items;
    const char *share = "\\\\bench\\share";

    peak_rss_row(&b, n);
    char (*paths)[PATH_CAP] = make_paths(n);
    if (paths == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        return 1;
    }
    build_rows(&b, n, paths);
    csc_cache_t *cache = build(n, paths, NULL);
    free(paths);
    if (cache == NULL) {
        fprintf(stderr, "bench: cannot build the cache\n");
        return 1;
    }
    size_t total = csc_cache_item_count(cache);
    snapshot_rows(&b, cache);
    pin_all(cache, share);

    lookups(&b, cache, n);

    size_t walked = total - 1; /* the share and everything below */
    add_row(&b, "deep_unpin_ns_per_item", time_unpin(cache, share, NULL, walked), "ns");
    unsigned touch = 0;
    add_row(&b, "bare_walk_ns_per_item", time_bare_walk(cache, total, &touch), "ns");
    add_row(&b, "limit_walk_ns_per_item", time_limit_walk(n, total, &touch), "ns");
    size_t counted = 0;
    csc_progress_t counting = {CSC_PROGRESS_VERSION, &counted, count_begin, NULL,
                               count_item, count_item, count_end};
    add_row(&b, "deep_unpin_sink_ns_per_item", time_unpin(cache, share, &counting, walked),
            "ns");
    wmi_count_t *w = calloc(1, sizeof *w);
    if (w != NULL) {
        csc_progress_t wmi = {CSC_PROGRESS_VERSION, w, wmi_begin, NULL,
                              wmi_item, wmi_item, wmi_end};
        add_row(&b, "deep_unpin_wmi_ns_per_item", time_unpin(cache, share, &wmi, walked), "ns");
        free(w);
    }
    double fault_overhead = fault_rule_overhead(cache, share, walked);
    size_t peak = 0;
    add_row(&b, "deep_unpin_async_events_per_s", time_async(cache, &peak), "events/s");
    target(&b, 2e6, true);
    add_row(&b, "async_queue_peak_bytes", (double)peak, "bytes");

    /* The same 1,000-item subtree in this cache and in a 10,000-item one. */
    const char *sub = "\\\\bench\\share\\d000005";
    add_row(&b, "subtree_unpin_1m_ns", time_unpin(cache, sub, NULL, 1), "ns");
    add_row(&b, "call_overhead_ns", time_one_call(cache, "\\\\bench\\share\\d000005\\f000007.txt"),
            "ns");
    /* Synchronize (C12): the clean cache, then 1% changed on each side. */
    add_row(&b, "sync_clean_ns_per_item", time_sync(cache, share, walked, n, 0), "ns");
    add_row(&b, "sync_changed_1pct_ns_per_item", time_sync(cache, share, walked, n, n / 100),
            "ns");
    const char *deep = "\\\\bench\\share\\d000005\\f000007.txt";
    add_row(&b, "transition_offline_ns", time_transition_offline(cache, deep), "ns");
    add_row(&b, "transition_online_ns", time_transition_online(cache, deep), "ns");
    add_row(&b, "connect_state_ns", time_connect_state(cache, deep), "ns");
    /* The COM face's Unpin of the same file against csc_unpin (issue 14). */
    double c_ns = 0, com_ns = 0;
    if (csc_sim_bench_com_unpin(cache, deep, &c_ns, &com_ns)) {
        add_row(&b, "com_unpin_ns", com_ns, "ns");
        add_row(&b, "com_unpin_c_api_ns", c_ns, "ns"); /* the same call, paired */
        add_row(&b, "com_call_overhead_ns", com_ns > c_ns ? com_ns - c_ns : 0, "ns");
    } else {
        fprintf(stderr, "bench: the COM face's Unpin failed\n");
    }
    eviction_rows(&b, cache, n); /* last: it evicts half of the cache */
    csc_cache_free(cache);
    char (*small_paths)[PATH_CAP] = make_paths(10000);
    csc_cache_t *small = small_paths != NULL ? build(10000, small_paths, NULL) : NULL;
    free(small_paths);
    if (small != NULL) {
        add_row(&b, "subtree_unpin_10k_ns", time_unpin(small, sub, NULL, 1), "ns");
        add_row(&b, "transition_offline_10k_ns",
                time_transition_offline(small, "\\\\bench\\share\\d000005\\f000007.txt"), "ns");
        csc_cache_free(small);
    }

#ifdef CSC_HAVE_SQLITE
    add_row(&b, "sqlite_deep_unpin_ns_per_item", time_sqlite(n), "ns");
#endif

    print_rows(&b, 0);
    size_t first_ratio = b.nrows;
    if (!tsv)
        printf("\nratios\n");
    ratio(&b, "ratio_deep_unpin_vs_bare_walk", "deep_unpin_ns_per_item", "bare_walk_ns_per_item",
          1.5, false);
    ratio(&b, "ratio_deep_unpin_vs_limit_walk", "deep_unpin_ns_per_item",
          "limit_walk_ns_per_item", 2, false);
    ratio(&b, "ratio_lookup_vs_raw_lookup", "lookup_ns", "raw_lookup_ns", 2, false);
    ratio(&b, "ratio_sink_vs_no_sink", "deep_unpin_sink_ns_per_item", "deep_unpin_ns_per_item",
          2, false);
    ratio(&b, "ratio_sync_clean_vs_deep_unpin", "sync_clean_ns_per_item",
          "deep_unpin_ns_per_item", 2, false);
    ratio(&b, "ratio_subtree_1m_vs_10k", "subtree_unpin_1m_ns", "subtree_unpin_10k_ns", 1.5,
          false);
    ratio(&b, "ratio_transition_1m_vs_10k", "transition_offline_ns", "transition_offline_10k_ns",
          1.5, false);
    add_row(&b, "fault_rule_overhead", fault_overhead, "x");
    target(&b, 1.1, false);
#ifdef CSC_HAVE_SQLITE
    ratio(&b, "ratio_sqlite_vs_ours", "sqlite_deep_unpin_ns_per_item", "deep_unpin_ns_per_item",
          30, true);
#endif
    print_rows(&b, first_ratio);
    return touch == 0xFFFFFFFFu ? 1 : 0; /* keeps the walk's reads alive */
}
