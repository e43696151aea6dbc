/*
 * tests/model/test_model__differential.c: the differential test of the
 * library against the reference model (tests/model/model.c).
 *
 * test_model__differential: seeded random sequences of file / dir / as /
 * access / modify / sync / open / close / touch / tick / evict / limits /
 * policy / pin / unpin (all flags, deep and shallow, abort and retry
 * answers, invalid and non-normalised spellings, sizes near 2^64) and, for
 * round 2 (C10, C13, C15), remote dir / file / write / delete, share,
 * network, offline, online, cacheable, suspend, enable, start, restart,
 * rename (RenameItemEx and RenameItem), encrypt and deleteitems (with
 * for=USER), the applications of C11 (open, close, write, create, delete:
 * some 15% of the steps; `open` and `close` are csc_app_open / close, as in
 * the runner) and Synchronize (C12, some 10%: every flag, the CR field, a
 * handler answering one resolution per call, as `sync resolve=`) run on a
 * fresh library cache and a fresh model; after every step the test
 * compares the return value and outputs (OpenFiles, Cacheable and Mode,
 * RebootRequired), every progress event (WMI form), every eviction
 * callback, the conflicts the handler was asked about (state, change
 * details, path), the state of every item (suspension and encryption
 * included; for files sparse, created and deleted offline, the recorded
 * conflict, the local change time, the original version and changed on
 * the server),
 * the disk-space figures, the feature state, the encryption state and the
 * renames waiting for a restart, then probes every path the model knows
 * (cached or remote) and the step's own: its remote item (type, size,
 * version, last change), connect state and offline reason,
 * IsPathCacheable and the non-cached handles (C11.1); and runs the
 * library's invariant checker.
 *
 * test_model__normalise: random spellings (separators, dots, spaces,
 * prefixes, letters that fold, invalid characters and bytes) and the C1.4
 * length boundaries through csc_path_normalize and the model's normaliser.
 *
 * Each command is issued exactly as `cscsim run` issues it (src/scenario/runner.c):
 * commands on a cached item look it up first; abort-at and retry-at answer
 * as the runner's sink does, closing the item's handles before RETRY. So a
 * divergence can be replayed as a scenario: the test shrinks the sequence
 * (delta debugging, replaying from fresh caches) and writes it, with
 * `expect` lines stating what the model says, to
 * $CSC_DIFF_OUT/divergence-SEED.cscsim (divergence-path-SEED.cscsim for the
 * normaliser), then fails. Evictions cannot be checked by `expect`: the
 * scenario lists the model's as comments beside the transcript's.
 *
 * Environment: CSC_DIFF_OPS (total operations, default 100000),
 * CSC_DIFF_SEED (the first sequence's seed, default 1; sequence i uses
 * seed + i), CSC_DIFF_OUT (directory of the scenario, default "."),
 * CSC_DIFF_PATHS (spellings compared, default 200000), CSC_DIFF_STATS=1
 * (print coverage figures), CSC_DIFF_NO_OVERFLOW=1 (no sizes, byte counts
 * or ticks near 2^64), CSC_DIFF_WRITE=SEED (write that sequence's scenario,
 * unshrunk, as sequence-SEED.cscsim, to check the expect lines).
 */
#include "support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- small helpers ----------------------------------------------------- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);
    if (p == NULL) {
        fputs("out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist_t;

static void sl_add(strlist_t *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap == 0 ? 16 : 2 * l->cap;
        char **v = xmalloc(l->cap * sizeof *v);
        if (l->n > 0)
            memcpy(v, l->v, l->n * sizeof *v);
        free(l->v);
        l->v = v;
    }
    l->v[l->n++] = xstrdup(s);
}

static void sl_clear(strlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    l->n = 0;
}

static void sl_free(strlist_t *l)
{
    sl_clear(l);
    free(l->v);
    l->v = NULL;
    l->cap = 0;
}

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf_t;

static void sb_addn(sbuf_t *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 64 : b->cap;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *d = xmalloc(cap);
        if (b->n > 0)
            memcpy(d, b->s, b->n);
        free(b->s);
        b->s = d;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_add(sbuf_t *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

/* Takes the string (never NULL). */
static char *sb_take(sbuf_t *b)
{
    if (b->s == NULL)
        return xstrdup("");
    char *s = b->s;
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

/* ---- the random generator (splitmix64) ---------------------------------- */

typedef struct rng {
    uint64_t s;
} rng_t;

static uint64_t rnd(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t below(rng_t *r, uint32_t n)
{
    return (uint32_t)(rnd(r) % n);
}

static bool chance(rng_t *r, unsigned percent)
{
    return below(r, 100) < percent;
}

/* ---- operations ---------------------------------------------------------- */

typedef enum op_kind {
    OP_FILE, OP_DIR, OP_AS, OP_ACCESS, OP_MODIFY, OP_SYNC, OP_OPEN, OP_CLOSE,
    OP_TICK, OP_TOUCH, OP_EVICT, OP_PIN, OP_UNPIN, OP_LIMITS, OP_POLICY,
    /* round 2 (C10, C13) */
    OP_RDIR, OP_RFILE, OP_RWRITE, OP_RDELETE, OP_SHARE, OP_NETWORK, OP_OFFLINE, OP_ONLINE,
    OP_CACHEABLE, OP_SUSPEND, OP_ENABLE, OP_START, OP_RESTART, OP_RENAME, OP_ENCRYPT,
    OP_DELETE,
    /* applications (C11; open and close above are csc_app_open / close) */
    OP_WRITE, OP_CREATE, OP_ADELETE
} op_kind_t;

#define OP_KINDS 34
static const char *const op_names[OP_KINDS] = {
    "file", "dir", "as", "access", "modify", "sync", "open", "close",
    "tick", "touch", "evict", "pin", "unpin", "limits", "policy",
    "remote dir", "remote file", "remote write", "remote delete", "share", "network",
    "offline", "online", "cacheable", "suspend", "enable", "start", "restart", "rename",
    "encrypt", "deleteitems", "write", "create", "delete"};

#define MAX_PATHS 3
#define MAX_USERS 3

/* One command. Strings are owned by the sequence they were generated in;
 * shrunk sequences share them. */
typedef struct op {
    op_kind_t kind;
    size_t npaths;
    const char *paths[MAX_PATHS];
    size_t nusers;
    const char *users[MAX_USERS]; /* access; as: users[0] */
    bool admin;
    bool has_num;  /* file size=, modify bytes=, evict bytes= (else all),
                      limits total= */
    uint64_t num;  /* also tick's count, policy's value */
    bool has_num2; /* limits unpinned= */
    uint64_t num2;
    uint32_t flags; /* also offline / online's Flags */
    bool deep;      /* also offline's Force, suspend (FALSE: release), enable and
                       encrypt on, rename at restart (RenameItem) */
    long abort_at; /* -1: none; 0: in Begin; K: the K-th ItemBegin */
    long retry_at; /* 0: none; K: the K-th ItemResult */
    int answer;    /* sync: the handler's answer (resolve=), -1: no handler */
} op_t;

/* Whether the command leaves a "last result" in a scenario. */
static bool leaves_result(op_kind_t k)
{
    return k != OP_AS && k != OP_TICK && k != OP_POLICY;
}

/* ---- one side's record of a step ----------------------------------------- */

typedef struct outcome {
    csc_hresult hr;
    strlist_t events;    /* WMI strings */
    strlist_t evictions; /* "PATH=SIZE" */
    uint64_t freed;
    size_t evicted;
    uint64_t out1, out2; /* cacheable: Cacheable, Mode; offline: OpenFiles; enable: reboot */
    strlist_t conflicts; /* sync: what the handler was asked, "STATE:DETAILS:PATH" */
} outcome_t;

static void outcome_clear(outcome_t *o)
{
    o->hr = 0;
    sl_clear(&o->events);
    sl_clear(&o->evictions);
    sl_clear(&o->conflicts);
    o->freed = 0;
    o->evicted = 0;
    o->out1 = o->out2 = 0;
}

static void outcome_free(outcome_t *o)
{
    sl_free(&o->events);
    sl_free(&o->evictions);
    sl_free(&o->conflicts);
}

/* The scripted answers of the runner's sink (src/scenario/runner.c). */
typedef struct script {
    long abort_at, retry_at;
    int answer;
    long item_begins, item_results;
    bool retried;
    outcome_t *out;
    csc_cache_t *cache; /* the library side */
    model_t *model;     /* the model side */
} script_t;

static void script_init(script_t *s, const op_t *op, outcome_t *out)
{
    memset(s, 0, sizeof *s);
    s->abort_at = op->abort_at;
    s->retry_at = op->retry_at;
    s->answer = op->answer;
    s->out = out;
}

/* Library sink. */
static void lib_record(script_t *s, const csc_event_t *ev)
{
    char buf[1024];
    size_t n = csc_event_format_wmi(ev, buf, sizeof buf);
    if (n < sizeof buf) {
        sl_add(&s->out->events, buf);
        return;
    }
    char *big = xmalloc(n + 1);
    csc_event_format_wmi(ev, big, n + 1);
    sl_add(&s->out->events, big);
    free(big);
}

static void lib_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    script_t *s = ud;
    lib_record(s, ev);
    if (s->abort_at == 0)
        *abort = true;
}

static csc_op_response_t lib_item_begin(void *ud, const csc_event_t *ev)
{
    script_t *s = ud;
    lib_record(s, ev);
    s->item_begins++;
    return s->abort_at > 0 && s->abort_at == s->item_begins ? CSC_OP_ABORT : CSC_OP_CONTINUE;
}

static csc_op_response_t lib_item_result(void *ud, const csc_event_t *ev)
{
    script_t *s = ud;
    lib_record(s, ev);
    s->item_results++;
    if (s->retry_at > 0 && !s->retried && s->retry_at == s->item_results) {
        s->retried = true;
        char *path = xmalloc(ev->path_len + 1);
        memcpy(path, ev->path, ev->path_len);
        path[ev->path_len] = '\0';
        csc_item_t *item;
        if (csc_cache_find(s->cache, path, &item) == CSC_S_OK) {
            while (csc_item_open_count(item) > 0)
                if (csc_item_close(s->cache, item) != CSC_S_OK)
                    break;
        }
        free(path);
        return CSC_OP_RETRY;
    }
    return CSC_OP_CONTINUE;
}

static void lib_end(void *ud, const csc_event_t *ev)
{
    lib_record(ud, ev);
}

/* Model sink. */
static bool model_begin_cb(void *ud, const char *wmi)
{
    script_t *s = ud;
    sl_add(&s->out->events, wmi);
    return s->abort_at == 0;
}

static int model_item_begin_cb(void *ud, const char *wmi)
{
    script_t *s = ud;
    sl_add(&s->out->events, wmi);
    s->item_begins++;
    return s->abort_at > 0 && s->abort_at == s->item_begins ? CSC_OP_ABORT : CSC_OP_CONTINUE;
}

static int model_item_result_cb(void *ud, const char *wmi, const char *path)
{
    script_t *s = ud;
    sl_add(&s->out->events, wmi);
    s->item_results++;
    if (s->retry_at > 0 && !s->retried && s->retry_at == s->item_results) {
        s->retried = true;
        model_close_all(s->model, path);
        return CSC_OP_RETRY;
    }
    return CSC_OP_CONTINUE;
}

static void model_end_cb(void *ud, const char *wmi)
{
    script_t *s = ud;
    sl_add(&s->out->events, wmi);
}

/* The runner's conflict handler of `sync resolve=R` (C12.5): one answer for
 * every conflict, no new name. Both sides record what they were asked. */
static void record_conflict(script_t *s, const char *path, size_t len, unsigned state,
                            unsigned details)
{
    char head[32];
    snprintf(head, sizeof head, "%u:0x%X:", state, details);
    char *line = xmalloc(strlen(head) + len + 1);
    strcpy(line, head);
    memcpy(line + strlen(head), path, len);
    line[strlen(head) + len] = '\0';
    sl_add(&s->out->conflicts, line);
    free(line);
}

static csc_sync_resolve_t lib_resolve(void *ud, const csc_conflict_t *c, const char **new_name)
{
    script_t *s = ud;
    *new_name = NULL;
    record_conflict(s, c->path, c->path_len, (unsigned)c->state, c->change_details);
    return (csc_sync_resolve_t)s->answer;
}

static int model_resolve(void *ud, const char *path, csc_sync_state_t state, uint32_t details)
{
    script_t *s = ud;
    record_conflict(s, path, strlen(path), (unsigned)state, details);
    return s->answer;
}

/* ---- the two sides ---------------------------------------------------------- */

typedef struct world {
    csc_cache_t *cache;
    model_t *model;
    outcome_t lib, mod;
} world_t;

static void on_lib_evict(void *ud, const char *path, uint64_t size)
{
    outcome_t *o = ud;
    char buf[64];
    snprintf(buf, sizeof buf, "=%" PRIu64, size);
    sbuf_t b = {0};
    sb_add(&b, path);
    sb_add(&b, buf);
    sl_add(&o->evictions, b.s);
    free(b.s);
}

static void world_init(world_t *w)
{
    memset(w, 0, sizeof *w);
    assert_int_equal(csc_cache_new(&w->cache, NULL), CSC_S_OK);
    w->model = model_new();
    csc_cache_set_evict_callback(w->cache, on_lib_evict, &w->lib);
    model_set_evict_callback(w->model, on_lib_evict, &w->mod);
}

static void world_free(world_t *w)
{
    csc_cache_free(w->cache);
    model_free(w->model);
    outcome_free(&w->lib);
    outcome_free(&w->mod);
}

/* The library, as src/scenario/runner.c drives it. */
static void lib_exec(world_t *w, const op_t *op)
{
    csc_cache_t *c = w->cache;
    outcome_t *o = &w->lib;
    csc_item_t *item = NULL;
    script_t s;
    switch (op->kind) {
    case OP_FILE:
        o->hr = csc_cache_file(c, op->paths[0], op->has_num, op->num, NULL);
        return;
    case OP_DIR:
        o->hr = csc_cache_dir(c, op->paths[0], NULL);
        return;
    case OP_AS:
        o->hr = csc_cache_set_caller(c, op->users[0], op->admin);
        return;
    case OP_TICK:
        o->hr = csc_cache_advance_clock(c, op->num);
        return;
    case OP_EVICT:
        o->hr = csc_cache_evict(c, !op->has_num, op->num, &o->freed, &o->evicted);
        return;
    case OP_LIMITS: {
        csc_disk_space_t ds;
        o->hr = csc_cache_get_disk_space(c, &ds);
        if (o->hr == CSC_S_OK)
            o->hr = csc_cache_set_disk_space_limits(c, op->has_num ? op->num : ds.limit,
                                                    op->has_num2 ? op->num2 : ds.unpinned_limit);
        return;
    }
    case OP_POLICY:
        o->hr = csc_cache_set_policy(c, (csc_evict_policy_t)op->num);
        return;
    case OP_RDIR:
        o->hr = csc_remote_dir(c, op->paths[0]);
        return;
    case OP_RFILE:
        o->hr = csc_remote_file(c, op->paths[0], op->has_num, op->num);
        return;
    case OP_RWRITE:
        o->hr = csc_remote_write(c, op->paths[0], op->has_num, op->num);
        return;
    case OP_RDELETE:
        o->hr = csc_remote_delete(c, op->paths[0]);
        return;
    case OP_SHARE:
        o->hr = csc_remote_set_caching_mode(c, op->paths[0], (csc_caching_mode_t)op->num);
        return;
    case OP_NETWORK:
        o->hr = csc_remote_set_network(c, op->paths[0], (csc_network_t)op->num);
        return;
    case OP_OFFLINE: {
        bool of = false;
        o->hr = csc_transition_offline(c, op->paths[0], op->deep, op->flags, &of);
        o->out1 = of;
        return;
    }
    case OP_ONLINE:
        o->hr = csc_transition_online(c, op->paths[0], op->flags);
        return;
    case OP_CACHEABLE: {
        bool ok = false;
        csc_caching_mode_t mode = CSC_CACHING_MODE_NONE;
        o->hr = csc_is_path_cacheable(c, op->paths[0], &ok, &mode);
        o->out1 = ok;
        o->out2 = (uint64_t)mode;
        return;
    }
    case OP_SUSPEND:
        o->hr = csc_suspend_root(c, op->paths[0], op->deep);
        return;
    case OP_ENABLE: {
        bool reboot = false;
        o->hr = csc_feature_enable(c, op->deep, &reboot);
        o->out1 = reboot;
        return;
    }
    case OP_START:
        o->hr = csc_feature_start(c);
        return;
    case OP_RESTART:
        o->hr = csc_cache_restart(c);
        return;
    case OP_RENAME:
        o->hr = op->deep ? csc_rename_item(c, op->paths[0], op->paths[1], false)
                         : csc_rename_item_ex(c, op->paths[0], op->paths[1], false);
        return;
    case OP_SYNC:
    case OP_PIN:
    case OP_UNPIN:
    case OP_ENCRYPT:
    case OP_DELETE: {
        script_init(&s, op, o);
        s.cache = c;
        csc_progress_t pr = {CSC_PROGRESS_VERSION, &s, lib_begin, NULL, lib_item_begin, lib_item_result, lib_end};
        if (op->kind == OP_ENCRYPT)
            o->hr = csc_encrypt(c, op->deep, op->flags, &pr, NULL);
        else if (op->kind == OP_DELETE && op->nusers > 0)
            o->hr = csc_delete_items_for_user(c, op->users[0], op->paths, op->npaths, op->flags,
                                              &pr, NULL);
        else if (op->kind == OP_DELETE)
            o->hr = csc_delete_items(c, op->paths, op->npaths, op->flags, &pr, NULL);
        else if (op->kind == OP_SYNC && op->answer >= 0) {
            csc_sync_options_t so = {CSC_SYNC_OPTIONS_VERSION, &s, lib_resolve};
            o->hr = csc_synchronize_ex(c, op->paths, op->npaths, op->flags, &so, &pr, NULL);
        } else if (op->kind == OP_SYNC)
            o->hr = csc_synchronize(c, op->paths, op->npaths, op->flags, &pr, NULL);
        else if (op->kind == OP_PIN)
            o->hr = csc_pin(c, op->paths, op->npaths, op->flags, op->deep, &pr, NULL);
        else
            o->hr = csc_unpin(c, op->paths, op->npaths, op->flags, op->deep, &pr, NULL);
        return;
    }
    case OP_OPEN: /* the runner's `open` and `close` are the applications' (C11) */
        o->hr = csc_app_open(c, op->paths[0]);
        return;
    case OP_CLOSE:
        o->hr = csc_app_close(c, op->paths[0]);
        return;
    case OP_WRITE:
        o->hr = csc_app_write(c, op->paths[0], op->has_num ? op->num : 1, op->has_num2, op->num2);
        return;
    case OP_CREATE:
        o->hr = csc_app_create(c, op->paths[0], op->has_num ? op->num : 0);
        return;
    case OP_ADELETE:
        o->hr = csc_app_delete(c, op->paths[0]);
        return;
    default:
        break;
    }
    o->hr = csc_cache_find(c, op->paths[0], &item);
    if (o->hr != CSC_S_OK)
        return;
    switch (op->kind) {
    case OP_ACCESS:
        o->hr = csc_item_set_access(c, item, op->users, op->nusers);
        break;
    case OP_MODIFY:
        o->hr = csc_item_modify(c, item, op->has_num ? op->num : 1);
        break;
    case OP_TOUCH:
        o->hr = csc_item_touch(c, item);
        break;
    default:
        o->hr = CSC_E_UNEXPECTED;
        break;
    }
}

static void model_exec(world_t *w, const op_t *op)
{
    model_t *m = w->model;
    outcome_t *o = &w->mod;
    script_t s;
    switch (op->kind) {
    case OP_FILE:
        o->hr = model_cache_file(m, op->paths[0], op->has_num, op->num);
        break;
    case OP_DIR:
        o->hr = model_cache_dir(m, op->paths[0]);
        break;
    case OP_AS:
        o->hr = model_set_caller(m, op->users[0], op->admin);
        break;
    case OP_TICK:
        o->hr = model_advance_clock(m, op->num);
        break;
    case OP_EVICT:
        o->hr = model_evict(m, !op->has_num, op->num, &o->freed, &o->evicted);
        break;
    case OP_LIMITS: {
        uint64_t total, unpinned;
        model_limits(m, &total, &unpinned);
        o->hr = model_set_limits(m, op->has_num ? op->num : total,
                                 op->has_num2 ? op->num2 : unpinned);
        break;
    }
    case OP_POLICY:
        model_set_policy(m, (csc_evict_policy_t)op->num);
        o->hr = CSC_S_OK;
        break;
    case OP_SYNC:
    case OP_PIN:
    case OP_UNPIN:
    case OP_ENCRYPT:
    case OP_DELETE: {
        script_init(&s, op, o);
        s.model = m;
        model_sink_t sink = {&s, model_begin_cb, model_item_begin_cb, model_item_result_cb,
                             model_end_cb};
        if (op->kind == OP_ENCRYPT)
            o->hr = model_encrypt(m, op->deep, op->flags, &sink);
        else if (op->kind == OP_DELETE)
            o->hr = model_delete_items(m, op->nusers > 0 ? op->users[0] : NULL, op->paths,
                                       op->npaths, op->flags, &sink);
        else if (op->kind == OP_SYNC)
            o->hr = model_synchronize_ex(m, op->paths, op->npaths, op->flags,
                                         op->answer >= 0 ? model_resolve : NULL, &s, &sink);
        else if (op->kind == OP_PIN)
            o->hr = model_pin(m, op->paths, op->npaths, op->flags, op->deep, &sink);
        else
            o->hr = model_unpin(m, op->paths, op->npaths, op->flags, op->deep, &sink);
        break;
    }
    case OP_ACCESS:
        o->hr = model_set_access(m, op->paths[0], op->users, op->nusers);
        break;
    case OP_MODIFY:
        o->hr = model_modify(m, op->paths[0], op->has_num ? op->num : 1);
        break;
    case OP_OPEN:
        o->hr = model_app_open(m, op->paths[0]);
        break;
    case OP_CLOSE:
        o->hr = model_app_close(m, op->paths[0]);
        break;
    case OP_WRITE:
        o->hr = model_app_write(m, op->paths[0], op->has_num ? op->num : 1, op->has_num2,
                                op->num2);
        break;
    case OP_CREATE:
        o->hr = model_app_create(m, op->paths[0], op->has_num ? op->num : 0);
        break;
    case OP_ADELETE:
        o->hr = model_app_delete(m, op->paths[0]);
        break;
    case OP_TOUCH:
        o->hr = model_touch(m, op->paths[0]);
        break;
    case OP_RDIR:
        o->hr = model_remote_dir(m, op->paths[0]);
        break;
    case OP_RFILE:
        o->hr = model_remote_file(m, op->paths[0], op->has_num, op->num);
        break;
    case OP_RWRITE:
        o->hr = model_remote_write(m, op->paths[0], op->has_num, op->num);
        break;
    case OP_RDELETE:
        o->hr = model_remote_delete(m, op->paths[0]);
        break;
    case OP_SHARE:
        o->hr = model_share_mode(m, op->paths[0], (csc_caching_mode_t)op->num);
        break;
    case OP_NETWORK:
        o->hr = model_network(m, op->paths[0], (csc_network_t)op->num);
        break;
    case OP_OFFLINE: {
        bool of = false;
        o->hr = model_transition_offline(m, op->paths[0], op->deep, op->flags, &of);
        o->out1 = of;
        break;
    }
    case OP_ONLINE:
        o->hr = model_transition_online(m, op->paths[0], op->flags);
        break;
    case OP_CACHEABLE: {
        bool ok = false;
        csc_caching_mode_t mode = CSC_CACHING_MODE_NONE;
        o->hr = model_cacheable(m, op->paths[0], &ok, &mode);
        o->out1 = ok;
        o->out2 = (uint64_t)mode;
        break;
    }
    case OP_SUSPEND:
        o->hr = model_suspend(m, op->paths[0], op->deep);
        break;
    case OP_ENABLE: {
        bool reboot = false;
        o->hr = model_enable(m, op->deep, &reboot);
        o->out1 = reboot;
        break;
    }
    case OP_START:
        o->hr = model_start(m);
        break;
    case OP_RESTART:
        o->hr = model_restart(m);
        break;
    case OP_RENAME:
        o->hr = model_rename(m, op->paths[0], op->paths[1], op->deep);
        break;
    }
}

/* ---- state snapshots ----------------------------------------------------- */

typedef struct snap_item {
    char *path, *name;
    csc_item_type_t type;
    uint32_t pins, inherit;
    uint32_t wmi[4];
    bool pinned, partly, dirty, open, evictable, has_access, caller_access;
    bool suspended, suspended_root, encrypted;
    /* C10.3, C11, C12, C13.5, C15.9 (files) */
    bool sparse, created, deleted, has_local_time, has_orig, changed_on_server;
    uint32_t conflict;
    uint64_t local_change, orig;
    uint64_t dirty_bytes, size, last_use;
    uint32_t open_count, violations;
    strlist_t users;
} snap_item_t;

typedef struct snap {
    snap_item_t *v;
    size_t n, cap;
    uint64_t used, unpinned_used, limit, unpinned_limit, volume, clock;
    size_t item_count;
    bool active, enabled;   /* C13.1 */
    bool encrypted, partial; /* C13.4 */
    size_t pending_renames; /* C13.2 */
} snap_t;

static const uint32_t sources[4] = {CSC_PIN_SOURCE_USER, CSC_PIN_SOURCE_POLICY,
                                    CSC_PIN_SOURCE_COMPUTER, CSC_PIN_SOURCE_REDIRECT};

static snap_item_t *snap_push(snap_t *s)
{
    if (s->n == s->cap) {
        s->cap = s->cap == 0 ? 32 : 2 * s->cap;
        snap_item_t *v = xmalloc(s->cap * sizeof *v);
        if (s->n > 0)
            memcpy(v, s->v, s->n * sizeof *v);
        free(s->v);
        s->v = v;
    }
    snap_item_t *it = &s->v[s->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static void snap_free(snap_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].name);
        sl_free(&s->v[i].users);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

static char *lib_item_path(const csc_item_t *item)
{
    char buf[512];
    size_t n = csc_item_path(item, buf, sizeof buf);
    if (n < sizeof buf)
        return xstrdup(buf);
    char *s = xmalloc(n + 1);
    csc_item_path(item, s, n + 1);
    return s;
}

static void snap_lib(const csc_cache_t *c, snap_t *s)
{
    memset(s, 0, sizeof *s);
    const csc_item_t *item = csc_cache_first_server(c);
    while (item != NULL) {
        snap_item_t *it = snap_push(s);
        it->path = lib_item_path(item);
        it->name = xstrdup(csc_item_name(item));
        it->type = csc_item_type(item);
        it->pins = csc_item_pins(item);
        it->inherit = csc_item_inherit(item);
        for (size_t k = 0; k < 4; k++)
            it->wmi[k] = (uint32_t)csc_item_pin_wmi(item, sources[k]);
        it->pinned = csc_item_is_pinned(item);
        it->partly = csc_item_is_partly_pinned(item);
        it->dirty = csc_item_is_dirty(item);
        it->dirty_bytes = csc_item_dirty_bytes(item);
        it->open = csc_item_is_open(item);
        it->open_count = csc_item_open_count(item);
        it->violations = csc_item_sharing_violations(item);
        it->size = csc_item_size(item);
        it->last_use = csc_item_last_use(item);
        it->evictable = csc_item_is_evictable(item);
        size_t nu = 0;
        it->has_access = csc_item_access(item, &nu);
        for (size_t u = 0; it->has_access && u < nu; u++)
            sl_add(&it->users, csc_item_access_user(item, u));
        it->caller_access = csc_cache_caller_has_access(c, item);
        it->suspended = csc_item_is_suspended(item);
        it->suspended_root = csc_item_is_suspended_root(item);
        it->encrypted = csc_item_is_encrypted(item);
        it->sparse = csc_item_is_sparse(item);
        it->created = csc_item_is_created_offline(item);
        it->deleted = csc_item_is_deleted_offline(item);
        it->conflict = (uint32_t)csc_item_conflict(item);
        it->has_local_time = csc_item_local_change_time(item, &it->local_change);
        if (!it->has_local_time)
            it->local_change = 0;
        it->has_orig = csc_item_original_version(item, &it->orig);
        if (!it->has_orig)
            it->orig = 0;
        it->changed_on_server = csc_item_changed_on_server(item);
        /* The next item in pre-order. */
        const csc_item_t *next = csc_item_first_child(item);
        while (next == NULL && item != NULL) {
            next = csc_item_next_sibling(item);
            if (next == NULL)
                item = csc_item_parent(item);
        }
        item = next;
    }
    csc_disk_space_t ds;
    memset(&ds, 0, sizeof ds);
    csc_cache_get_disk_space(c, &ds);
    s->used = ds.used;
    s->unpinned_used = ds.unpinned_used;
    s->limit = ds.limit;
    s->unpinned_limit = ds.unpinned_limit;
    s->volume = ds.volume_total;
    s->clock = csc_cache_clock(c);
    s->item_count = csc_cache_item_count(c);
    csc_feature_query_status(c, &s->active, &s->enabled, NULL);
    csc_cache_encryption_state(c, &s->encrypted, &s->partial);
    s->pending_renames = csc_cache_pending_renames(c);
}

static void snap_model(const model_t *m, snap_t *s)
{
    memset(s, 0, sizeof *s);
    size_t *order = xmalloc((model_count(m) + 1) * sizeof *order);
    size_t n = model_walk(m, order);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const model_item_t *mi = model_item(m, i);
        snap_item_t *it = snap_push(s);
        it->path = model_item_path(m, i);
        it->name = xstrdup(mi->names[mi->depth - 1]);
        it->type = mi->type;
        it->pins = mi->pins;
        it->inherit = mi->inherit;
        for (size_t q = 0; q < 4; q++)
            it->wmi[q] = (mi->inherit & sources[q]) ? 2u : (mi->pins & sources[q]) ? 1u : 0u;
        it->pinned = model_item_pinned(m, i);
        it->partly = model_item_partly_pinned(m, i);
        it->dirty = mi->dirty;
        it->dirty_bytes = mi->dirty_bytes;
        it->open = mi->open_count > 0;
        it->open_count = mi->open_count;
        it->violations = mi->sharing_violations;
        it->size = mi->size;
        it->last_use = mi->last_use;
        it->evictable = model_item_evictable(m, i);
        it->has_access = mi->has_access;
        for (size_t u = 0; u < mi->user_count; u++)
            sl_add(&it->users, mi->users[u]);
        it->caller_access = model_caller_has_access(m, i);
        it->suspended = model_item_suspended(m, i);
        it->suspended_root = mi->suspend_root;
        it->encrypted = mi->type == CSC_ITEM_FILE && mi->encrypted;
        bool file = mi->type == CSC_ITEM_FILE;
        it->sparse = file && mi->sparse;
        it->created = file && mi->created_offline;
        it->deleted = file && mi->deleted_offline;
        it->conflict = file ? mi->conflict : 0;
        it->has_local_time = file && mi->has_local_time;
        it->local_change = it->has_local_time ? mi->local_change : 0;
        it->has_orig = model_item_original(m, i, &it->orig);
        if (!it->has_orig)
            it->orig = 0;
        it->changed_on_server = model_item_changed_on_server(m, i);
    }
    free(order);
    model_space(m, &s->used, &s->unpinned_used);
    model_limits(m, &s->limit, &s->unpinned_limit);
    s->volume = CSC_SPACE_UNLIMITED;
    s->clock = model_clock(m);
    s->item_count = n;
    model_status(m, &s->active, &s->enabled);
    model_encryption_state(m, &s->encrypted, &s->partial);
    s->pending_renames = model_pending_renames(m);
}

/* ---- comparing ------------------------------------------------------------- */

typedef struct divergence {
    bool found;
    size_t step;
    char category[64];
    char *what; /* a description, malloc'd */
} divergence_t;

static void div_set(divergence_t *d, size_t step, const char *category, const char *fmt, ...)
{
    if (d->found)
        return;
    d->found = true;
    d->step = step;
    snprintf(d->category, sizeof d->category, "%s", category);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    d->what = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(d->what, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

static void div_free(divergence_t *d)
{
    free(d->what);
    memset(d, 0, sizeof *d);
}

static void compare_lists(const strlist_t *lib, const strlist_t *mod, const char *kind,
                          size_t step, divergence_t *d)
{
    size_t n = lib->n > mod->n ? lib->n : mod->n;
    for (size_t i = 0; i < n; i++) {
        const char *a = i < lib->n ? lib->v[i] : "(none)";
        const char *b = i < mod->n ? mod->v[i] : "(none)";
        if (strcmp(a, b) != 0) {
            div_set(d, step, kind, "%s #%zu differs (library %zu, model %zu): library \"%s\", model \"%s\"",
                    kind, i + 1, lib->n, mod->n, a, b);
            return;
        }
    }
}

#define CMP_FIELD(field, fmt, conv)                                                        \
    do {                                                                                   \
        if (a->field != b->field) {                                                        \
            div_set(d, step, "state:" #field, "%s: " #field " library " fmt ", model " fmt, \
                    b->path, conv(a->field), conv(b->field));                              \
            return;                                                                        \
        }                                                                                  \
    } while (0)
#define AS_U64(x) ((unsigned long long)(x))
#define AS_HEX(x) ((unsigned)(x))
#define AS_BOOL(x) ((x) ? "yes" : "no")

static void compare_item(const snap_item_t *a, const snap_item_t *b, size_t step,
                         divergence_t *d)
{
    if (strcmp(a->name, b->name) != 0) {
        div_set(d, step, "state:name", "%s: name library \"%s\", model \"%s\"", b->path, a->name,
                b->name);
        return;
    }
    CMP_FIELD(type, "%d", (int));
    CMP_FIELD(pins, "0x%X", AS_HEX);
    CMP_FIELD(inherit, "0x%X", AS_HEX);
    for (size_t k = 0; k < 4; k++)
        CMP_FIELD(wmi[k], "%u", AS_HEX);
    CMP_FIELD(pinned, "%s", AS_BOOL);
    CMP_FIELD(partly, "%s", AS_BOOL);
    CMP_FIELD(dirty, "%s", AS_BOOL);
    CMP_FIELD(dirty_bytes, "%llu", AS_U64);
    CMP_FIELD(open, "%s", AS_BOOL);
    CMP_FIELD(open_count, "%llu", AS_U64);
    CMP_FIELD(violations, "%llu", AS_U64);
    CMP_FIELD(size, "%llu", AS_U64);
    CMP_FIELD(last_use, "%llu", AS_U64);
    CMP_FIELD(evictable, "%s", AS_BOOL);
    CMP_FIELD(has_access, "%s", AS_BOOL);
    CMP_FIELD(caller_access, "%s", AS_BOOL);
    CMP_FIELD(suspended, "%s", AS_BOOL);
    CMP_FIELD(suspended_root, "%s", AS_BOOL);
    CMP_FIELD(encrypted, "%s", AS_BOOL);
    CMP_FIELD(sparse, "%s", AS_BOOL);
    CMP_FIELD(created, "%s", AS_BOOL);
    CMP_FIELD(deleted, "%s", AS_BOOL);
    CMP_FIELD(conflict, "%u", AS_HEX);
    CMP_FIELD(has_local_time, "%s", AS_BOOL);
    CMP_FIELD(local_change, "%llu", AS_U64);
    CMP_FIELD(has_orig, "%s", AS_BOOL);
    CMP_FIELD(orig, "%llu", AS_U64);
    CMP_FIELD(changed_on_server, "%s", AS_BOOL);
    if (a->users.n != b->users.n) {
        div_set(d, step, "state:users", "%s: access list of %zu users in the library, %zu in the model",
                b->path, a->users.n, b->users.n);
        return;
    }
    for (size_t u = 0; u < a->users.n; u++) {
        if (strcmp(a->users.v[u], b->users.v[u]) != 0) {
            div_set(d, step, "state:users", "%s: access user #%zu library \"%s\", model \"%s\"",
                    b->path, u + 1, a->users.v[u], b->users.v[u]);
            return;
        }
    }
}

static void compare_snaps(const snap_t *a, const snap_t *b, size_t step, divergence_t *d)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n && !d->found; i++) {
        if (strcmp(a->v[i].path, b->v[i].path) != 0) {
            div_set(d, step, "state:items",
                    "item #%zu of the walk: library %s, model %s (library %zu items, model %zu)",
                    i + 1, a->v[i].path, b->v[i].path, a->n, b->n);
            return;
        }
        compare_item(&a->v[i], &b->v[i], step, d);
    }
    if (d->found)
        return;
    if (a->n != b->n) {
        div_set(d, step, "state:items", "library has %zu items, model %zu; first extra: %s", a->n,
                b->n, a->n > b->n ? a->v[n].path : b->v[n].path);
        return;
    }
    if (a->item_count != a->n)
        div_set(d, step, "count", "csc_cache_item_count %zu but the walk found %zu items",
                a->item_count, a->n);
#define CMP_SPACE(f)                                                                           \
    if (a->f != b->f)                                                                          \
        div_set(d, step, "space:" #f, "disk space " #f ": library %llu, model %llu", AS_U64(a->f), \
                AS_U64(b->f));
    CMP_SPACE(used);
    CMP_SPACE(unpinned_used);
    CMP_SPACE(limit);
    CMP_SPACE(unpinned_limit);
    CMP_SPACE(volume);
    CMP_SPACE(clock);
    CMP_SPACE(active);
    CMP_SPACE(enabled);
    CMP_SPACE(encrypted);
    CMP_SPACE(partial);
    CMP_SPACE(pending_renames);
}

static char *spell(rng_t *r, char *const *names, size_t n);
static char *expect_path(const char *display);

/* Compares what both sides answer for one path: its remote item (C10.1),
 * its connect state and offline reason (C10.5) and IsPathCacheable
 * (C10.7). Queries only: nothing changes. */
static void compare_probe(const world_t *w, const char *path, size_t step, divergence_t *d)
{
    csc_item_type_t ta = CSC_ITEM_FILE, tb = CSC_ITEM_FILE;
    uint64_t sa = 0, va = 0, la = 0, sb = 0, vb = 0, lb = 0;
    csc_hresult ha = csc_remote_item(w->cache, path, &ta, &sa, &va, &la);
    csc_hresult hb = model_remote_item(w->model, path, &tb, &sb, &vb, &lb);
    if (ha != hb || (ha == CSC_S_OK && (ta != tb || sa != sb || va != vb || la != lb))) {
        div_set(d, step, "remote:item",
                "remote item %s: library 0x%08X type %d size %llu version %llu change %llu, "
                "model 0x%08X type %d size %llu version %llu change %llu",
                path, (unsigned)(uint32_t)ha, (int)ta, AS_U64(sa), AS_U64(va), AS_U64(la),
                (unsigned)(uint32_t)hb, (int)tb, AS_U64(sb), AS_U64(vb), AS_U64(lb));
        return;
    }
    csc_connect_state_t csa = CSC_CONNECT_STATE_UNKNOWN, csb = CSC_CONNECT_STATE_UNKNOWN;
    csc_offline_reason_t ra = CSC_OFFLINE_REASON_UNKNOWN, rb = CSC_OFFLINE_REASON_UNKNOWN;
    ha = csc_connect_state(w->cache, path, &csa, &ra);
    hb = model_connect_state(w->model, path, &csb, &rb);
    if (ha != hb || csa != csb || ra != rb) {
        div_set(d, step, "remote:connect",
                "connect state of %s: library 0x%08X %d reason %d, model 0x%08X %d reason %d",
                path, (unsigned)(uint32_t)ha, (int)csa, (int)ra, (unsigned)(uint32_t)hb,
                (int)csb, (int)rb);
        return;
    }
    bool ca = false, cb = false;
    csc_caching_mode_t ma = CSC_CACHING_MODE_NONE, mb = CSC_CACHING_MODE_NONE;
    ha = csc_is_path_cacheable(w->cache, path, &ca, &ma);
    hb = model_cacheable(w->model, path, &cb, &mb);
    if (ha != hb || ca != cb || ma != mb) {
        div_set(d, step, "remote:cacheable",
                "IsPathCacheable(%s): library 0x%08X %s mode %d, model 0x%08X %s mode %d", path,
                (unsigned)(uint32_t)ha, AS_BOOL(ca), (int)ma, (unsigned)(uint32_t)hb,
                AS_BOOL(cb), (int)mb);
        return;
    }
    uint32_t na = 0, nb = model_noncached_handles(w->model, path); /* C11.1 */
    csc_app_noncached_handles(w->cache, path, &na);
    if (na != nb)
        div_set(d, step, "apps:handles", "non-cached handles on %s: library %u, model %u", path,
                (unsigned)na, (unsigned)nb);
}

/* Probes every path the model knows (cached or remote) and the step's own. */
static void compare_probes(const world_t *w, const op_t *op, size_t step, divergence_t *d)
{
    const model_t *m = w->model;
    for (size_t p = 0; p < op->npaths && !d->found; p++)
        compare_probe(w, op->paths[p], step, d);
    for (size_t i = 0; i < model_count(m) && !d->found; i++) {
        char *display = model_item_path(m, i);
        char *path = expect_path(display);
        compare_probe(w, path, step, d);
        free(path);
        free(display);
    }
    for (size_t i = 0; i < model_remote_count(m) && !d->found; i++) {
        const model_remote_t *r = model_remote_at(m, i);
        char *path = spell(NULL, r->keys, r->depth);
        compare_probe(w, path, step, d);
        free(path);
    }
}

/* Runs one step on both sides and compares everything. */
static void world_step(world_t *w, const op_t *op, size_t step, divergence_t *d)
{
    outcome_clear(&w->lib);
    outcome_clear(&w->mod);
    lib_exec(w, op);
    model_exec(w, op);
    char why[512];
    if (csc_cache_check(w->cache, why, sizeof why) != CSC_S_OK) {
        div_set(d, step, "check", "library invariant broken: %s", why);
        return;
    }
    if (w->lib.hr != w->mod.hr) {
        div_set(d, step, "result", "result: library 0x%08X, model 0x%08X",
                (unsigned)(uint32_t)w->lib.hr, (unsigned)(uint32_t)w->mod.hr);
        return;
    }
    compare_lists(&w->lib.events, &w->mod.events, "event", step, d);
    compare_lists(&w->lib.conflicts, &w->mod.conflicts, "conflict", step, d);
    compare_lists(&w->lib.evictions, &w->mod.evictions, "eviction", step, d);
    if (d->found)
        return;
    if (w->lib.out1 != w->mod.out1 || w->lib.out2 != w->mod.out2) {
        div_set(d, step, "outputs", "outputs: library %llu/%llu, model %llu/%llu",
                AS_U64(w->lib.out1), AS_U64(w->lib.out2), AS_U64(w->mod.out1),
                AS_U64(w->mod.out2));
        return;
    }
    if (w->lib.freed != w->mod.freed || w->lib.evicted != w->mod.evicted) {
        div_set(d, step, "evict-count", "evict freed/count: library %llu/%zu, model %llu/%zu",
                AS_U64(w->lib.freed), w->lib.evicted, AS_U64(w->mod.freed), w->mod.evicted);
        return;
    }
    snap_t a, b;
    snap_lib(w->cache, &a);
    snap_model(w->model, &b);
    compare_snaps(&a, &b, step, d);
    snap_free(&a);
    snap_free(&b);
    if (!d->found)
        compare_probes(w, op, step, d);
}

/* Coverage figures of a run (CSC_DIFF_STATS=1 prints them). */
typedef struct stats {
    uint64_t by_kind[OP_KINDS][4]; /* [kind][S_OK, other success, 0x8007xxxx, other] */
    uint64_t results[16];    /* counts of interesting codes, see stats_codes */
    uint64_t events, evictions, items, max_items, answers_abort, answers_retry;
    /* round 2 file states seen after steps (C10.8, C11, C12) */
    uint64_t asked, sparse, created, deleted, conflict, copies, nch;
} stats_t;

static const csc_hresult stats_codes[] = {
    CSC_S_OK, CSC_E_INVALID_NAME, CSC_E_FILE_NOT_FOUND, CSC_E_DIRECTORY,
    CSC_E_ALREADY_EXISTS, CSC_E_INVALIDARG, CSC_E_ACCESSDENIED, CSC_E_SHARING_VIOLATION,
    CSC_E_CANCELLED, CSC_E_DISK_FULL,
};

static void stats_step(stats_t *st, const world_t *w, const op_t *op)
{
    csc_hresult hr = w->lib.hr;
    st->by_kind[op->kind][hr == 0 ? 0 : hr > 0 ? 1 : ((uint32_t)hr >> 16) == 0x8007 ? 2 : 3]++;
    for (size_t k = 0; k < COUNT_OF(stats_codes); k++)
        if (stats_codes[k] == hr)
            st->results[k]++;
    for (size_t i = 0; i < w->lib.events.n; i++)
        if (strncmp(w->lib.events.v[i], "3:", 2) == 0 && strstr(w->lib.events.v[i], ":0x00000000:") == NULL)
            st->results[15]++; /* failed items */
    st->events += w->lib.events.n;
    st->evictions += w->lib.evictions.n;
    size_t n = csc_cache_item_count(w->cache);
    st->items += n;
    if (n > st->max_items)
        st->max_items = n;
    st->asked += w->lib.conflicts.n;
    csc_subtree_iter_t it;
    csc_cache_iter_init(&it, w->cache);
    csc_item_t *item;
    while ((item = csc_subtree_iter_next(&it)) != NULL) {
        st->sparse += csc_item_is_sparse(item);
        st->created += csc_item_is_created_offline(item);
        st->deleted += csc_item_is_deleted_offline(item);
        st->conflict += csc_item_conflict(item) != 0;
        st->copies += strstr(csc_item_name(item), "(conflict ") != NULL;
    }
    for (size_t p = 0; p < op->npaths; p++) {
        uint32_t h = 0;
        csc_app_noncached_handles(w->cache, op->paths[p], &h);
        st->nch += h;
    }
    if (op->abort_at >= 0)
        st->answers_abort++;
    if (op->retry_at > 0)
        st->answers_retry++;
}

static void stats_print(const stats_t *st, uint64_t steps)
{
    const char *const *names = op_names;
    print_message("  command   S_OK  S_FALSE-ish  0x8007xxxx  other\n");
    for (size_t k = 0; k < OP_KINDS; k++)
        print_message("  %-7s %6llu %6llu %6llu %6llu\n", names[k],
                      (unsigned long long)st->by_kind[k][0], (unsigned long long)st->by_kind[k][1],
                      (unsigned long long)st->by_kind[k][2], (unsigned long long)st->by_kind[k][3]);
    for (size_t k = 0; k < COUNT_OF(stats_codes); k++)
        print_message("  result 0x%08X: %llu\n", (unsigned)(uint32_t)stats_codes[k],
                      (unsigned long long)st->results[k]);
    print_message("  failed ItemResults %llu, events %llu, evictions %llu, answers abort %llu "
                  "retry %llu, items per step %.1f (max %llu)\n",
                  (unsigned long long)st->results[15], (unsigned long long)st->events,
                  (unsigned long long)st->evictions, (unsigned long long)st->answers_abort,
                  (unsigned long long)st->answers_retry,
                  steps ? (double)st->items / (double)steps : 0.0,
                  (unsigned long long)st->max_items);
    print_message("  conflicts asked %llu; item-steps sparse %llu created %llu deleted %llu "
                  "in conflict %llu conflict copies %llu; non-cached handles on step paths %llu\n",
                  (unsigned long long)st->asked, (unsigned long long)st->sparse,
                  (unsigned long long)st->created, (unsigned long long)st->deleted,
                  (unsigned long long)st->conflict, (unsigned long long)st->copies,
                  (unsigned long long)st->nch);
}

/* Runs a sequence from fresh caches up to its first divergence. With
 * `keep`, the world is left as it is after the last step run. */
static void replay(const op_t *ops, size_t n, divergence_t *d, world_t *keep)
{
    world_t w;
    world_init(&w);
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < n && !d->found; i++)
        world_step(&w, &ops[i], i, d);
    if (keep != NULL)
        *keep = w;
    else
        world_free(&w);
}

/* ---- generating ------------------------------------------------------------- */

/* The namespace: small, so that states collide often. */
static const char *const pool_servers[] = {"fs1", "nas"};
static const char *const pool_shares[] = {"pub", "data", "\u00E9quipe"};
/* Names with unpaired surrogates, as WTF-8 (C14.4): "\xED\xB0\x80" is
 * U+DC00, "\xED\xA0\x80" U+D800; a low then a high is two unpaired ones. */
static const char *const pool_dirs[] = {"a", "b c", "\u0434ok", "k.d",
                                        "D\xED\xB0\x80\xED\xA0\x80"};
static const char *const pool_files[] = {"f.txt", "\u00DF", "\u03C3", "k1",
                                         "\u00B5", "a", "\u0130", "K\xED\xA0\x80"};
/* Names that exercise C1.2 step 6 when written as they are. */
static const char *const pool_odd[] = {"...", "e.", "t ", "x..", "\u0130. "};
static const char *const pool_users[] = {"user", "USER", "alice", "Alice", "bob",
                                         "\u00E9mile", "\u00C9MILE", "ann\xED\xA0\x80"};
static const char *const pool_callers[] = {"user", "alice", "Bob", "\u00C9MILE", "uSeR",
                                           "ANN\xED\xA0\x80", "ann\xED\xB0\x80"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Spellings that fold alike (C1.3); ASCII letters also swap case. */
static const char *const fold_classes[][4] = {
    {"k", "K", "\u212A", NULL},         /* KELVIN SIGN */
    {"s", "S", "\u017F", NULL},         /* LONG S */
    {"\u03C3", "\u03A3", "\u03C2", NULL}, /* sigma, final sigma */
    {"\u00DF", "\u1E9E", NULL, NULL},   /* sharp s, capital sharp s */
    {"\u00E9", "\u00C9", NULL, NULL},
    {"\u00B5", "\u03BC", "\u039C", NULL}, /* micro sign, mu */
    {"\u0434", "\u0414", NULL, NULL},
    {"\u00E4", "\u00C4", NULL, NULL},
};

static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Another spelling of the same name (random case per character). */
static void respell(rng_t *r, sbuf_t *b, const char *name, bool vary)
{
    for (size_t i = 0; name[i] != '\0';) {
        size_t n = utf8_len((unsigned char)name[i]);
        const char *out = NULL;
        char one[2] = {name[i], '\0'};
        if (vary && chance(r, 40)) {
            for (size_t c = 0; c < COUNT(fold_classes) && out == NULL; c++) {
                for (size_t k = 0; k < 4 && fold_classes[c][k] != NULL; k++) {
                    if (strlen(fold_classes[c][k]) == n &&
                        memcmp(fold_classes[c][k], name + i, n) == 0) {
                        size_t m = 0;
                        while (m < 4 && fold_classes[c][m] != NULL)
                            m++;
                        out = fold_classes[c][below(r, (uint32_t)m)];
                        break;
                    }
                }
            }
            if (out == NULL && n == 1 && ((one[0] >= 'a' && one[0] <= 'z') ||
                                          (one[0] >= 'A' && one[0] <= 'Z'))) {
                one[0] = (char)(one[0] ^ 0x20);
                out = one;
            }
        }
        if (out != NULL)
            sb_add(b, out);
        else
            sb_addn(b, name + i, n);
        i += n;
    }
}

static bool periods_only(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (*s != '.')
            return false;
    return true;
}

static bool ends_with_dot_or_space(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && (s[n - 1] == '.' || s[n - 1] == ' ');
}

/*
 * Spells components so that they normalise back to themselves (C1.2 step
 * 6): a name ending in a period gets one more (each component loses one),
 * and a path whose last name ends in a period or space ends with a
 * separator. `r` NULL: no variation at all (the form of expect lines).
 */
static char *spell(rng_t *r, char *const *names, size_t n)
{
    sbuf_t b = {0};
    bool vary = r != NULL;
    if (vary && chance(r, 3)) {
        static const char *const unc[] = {"UNC", "unc", "Unc"};
        sb_add(&b, chance(r, 50) ? "\\\\?\\" : "//?/");
        sb_add(&b, unc[below(r, 3)]);
        sb_add(&b, "\\");
    } else if (vary && chance(r, 3)) {
        sb_add(&b, "\\\\\\");
    } else if (vary && chance(r, 4)) {
        sb_add(&b, "//");
    } else {
        sb_add(&b, "\\\\");
    }
    const char *last = n > 0 ? names[n - 1] : "";
    bool trailing_sep = ends_with_dot_or_space(last) || periods_only(last) ||
                        (vary && chance(r, 6));
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            if (vary && chance(r, 7))
                sb_add(&b, "/");
            else if (vary && chance(r, 3))
                sb_add(&b, "\\\\");
            else
                sb_add(&b, "\\");
            if (vary && i >= 2 && chance(r, 3))
                sb_add(&b, ".\\");
            if (vary && i >= 2 && chance(r, 2)) {
                sb_add(&b, pool_dirs[below(r, COUNT(pool_dirs))]);
                sb_add(&b, "\\..\\");
            }
        }
        respell(r, &b, names[i], vary);
        if (!periods_only(names[i]) && names[i][strlen(names[i]) - 1] == '.')
            sb_add(&b, ".");
        else if (vary && !ends_with_dot_or_space(names[i]) && chance(r, 3))
            sb_add(&b, "."); /* one trailing period goes (C1.2 step 6) */
        else if (vary && i == n - 1 && !trailing_sep && chance(r, 4))
            sb_add(&b, chance(r, 50) ? " " : ". .");
    }
    if (trailing_sep)
        sb_add(&b, vary && chance(r, 20) ? "/" : "\\");
    return sb_take(&b);
}

/* A path that is invalid (C1.4), or an edge of validity. */
static char *invalid_path(rng_t *r)
{
    static const char *const fixed[] = {
        "\\\\fs1\\pub\\..\\..\\x",
        "\\\\fs1\\..\\x",
        "\\\\fs1\\pub\\..\\x",
        "\\\\fs1\\pub\\..",
        "\\\\fs1\\pub\\a\\..\\..\\b",
        "\\fs1\\pub\\x",
        "C:\\x",
        "\\\\.\\pipe\\x",
        "\\\\?\\C:\\x",
        "\\\\fs1\\pub\\\xff",
        "\\\\fs1\\pub\\a\xc3",
        "\\\\fs1\\pub\\\xed\xa0\x80\xed\xb0\x80", /* C14.4: a pair in halves */
        "\\\\fs1\\pub\\\xed\xa0\x80",             /* C14.4: a lone surrogate, valid */
        "",
        "\\\\",
        "\\\\..",
        "\\\\fs1\\pub\\a\\..\\..\\..",
        "\\\\fs1\\pub\\a\x01",
        "\\\\fs1\\p*b",
        "\\\\fs1\\pub\\a<b",
        "\\\\f:s\\pub",
        "\\\\fs1\\pub\\a\\b|c\\..",
        "\\\\fs1\\pub\\a?",
    };
    uint32_t k = below(r, COUNT(fixed) + 2);
    if (k < COUNT(fixed))
        return xstrdup(fixed[k]);
    /* A name of 255 UTF-16 units (valid) or 256 (invalid). */
    sbuf_t b = {0};
    sb_add(&b, "\\\\fs1\\pub\\");
    size_t units = k == COUNT(fixed) ? 255 : 256;
    for (size_t i = 0; i < units; i++)
        sb_add(&b, i % 2 ? "\u00E9" : "a");
    return sb_take(&b);
}

/* A fresh path of `depth` components: file or directory names last. */
static char *fresh_path(rng_t *r, size_t depth, bool file)
{
    char *names[6];
    names[0] = (char *)pool_servers[below(r, COUNT(pool_servers))];
    if (depth >= 2)
        names[1] = (char *)pool_shares[below(r, COUNT(pool_shares))];
    for (size_t i = 2; i < depth; i++) {
        bool last = i == depth - 1;
        if (chance(r, 3))
            names[i] = (char *)pool_odd[below(r, COUNT(pool_odd))];
        else if (last ? (file ? chance(r, 85) : chance(r, 15)) : chance(r, 8))
            names[i] = (char *)pool_files[below(r, COUNT(pool_files))];
        else
            names[i] = (char *)pool_dirs[below(r, COUNT(pool_dirs))];
    }
    return spell(r, names, depth);
}

/* A path for a command: mostly an existing item, respelled. */
static char *pick_path(rng_t *r, const model_t *m, bool want_file, unsigned fresh_percent)
{
    uint32_t k = below(r, 100);
    size_t n = model_count(m);
    if (k < 5)
        return invalid_path(r);
    if (k < 100 - fresh_percent && n > 0) {
        size_t i = below(r, (uint32_t)n);
        if (want_file && chance(r, 85)) {
            for (size_t t = 0; t < n; t++) {
                size_t j = (i + t) % n;
                if (model_item(m, j)->type == CSC_ITEM_FILE) {
                    i = j;
                    break;
                }
            }
        }
        const model_item_t *it = model_item(m, i);
        return spell(r, it->names, it->depth);
    }
    size_t depth;
    uint32_t d = below(r, 100);
    if (want_file)
        depth = d < 40 ? 3 : d < 80 ? 4 : 5;
    else
        depth = d < 5 ? 1 : d < 15 ? 2 : d < 55 ? 3 : d < 85 ? 4 : 5;
    return fresh_path(r, depth, want_file);
}

typedef struct sequence {
    op_t *ops;
    size_t n, cap;
    strlist_t strings; /* owns every string of the ops */
} sequence_t;

static const char *own(sequence_t *s, char *str)
{
    sl_add(&s->strings, str);
    free(str);
    return s->strings.v[s->strings.n - 1];
}

static void seq_free(sequence_t *s)
{
    free(s->ops);
    sl_free(&s->strings);
    memset(s, 0, sizeof *s);
}

static uint32_t random_flags(rng_t *r)
{
    uint32_t f = 0;
    if (chance(r, 45)) {
        f = CSC_PIN_FLAG_FOR_USER;
    } else {
        while (f == 0)
            f = (uint32_t)below(r, 16) << 5;
    }
    static const uint32_t extra[] = {CSC_PIN_FLAG_FILL, CSC_PIN_FLAG_PIN_LINK_TARGETS,
                                     CSC_PIN_FLAG_LOW_PRIORITY, CSC_PIN_FLAG_INTERACTIVE,
                                     CSC_PIN_FLAG_CONSOLE};
    for (size_t i = 0; i < COUNT(extra); i++)
        if (chance(r, 5))
            f |= extra[i];
    if (chance(r, 20))
        f |= CSC_PIN_FLAG_BACKGROUND;
    if (chance(r, 4))
        f |= CSC_PIN_FLAG_ASYNC_PROGRESS;
    if (chance(r, 3)) {
        static const uint32_t bad[] = {0x2, 0x4, 0x8, 0x2000, 0x20000, 0x80000000u};
        f |= bad[below(r, COUNT(bad))];
    }
    if (chance(r, 2))
        f &= ~CSC_PIN_FLAGS_SOURCES;
    return f;
}

/* Whether sizes, byte counts and ticks near 2^64 are generated
 * (CSC_DIFF_NO_OVERFLOW=1 turns them off). */
static bool huge = true;

/* A path for a remote command: a remote item respelled, a cached item, or
 * a fresh path. */
static char *pick_remote_path(rng_t *r, const model_t *m, bool want_file)
{
    size_t n = model_remote_count(m);
    if (n > 0 && chance(r, 45)) {
        size_t i = below(r, (uint32_t)n);
        if (want_file) {
            for (size_t t = 0; t < n; t++) {
                size_t j = (i + t) % n;
                if (model_remote_at(m, j)->type == CSC_ITEM_FILE) {
                    i = j;
                    break;
                }
            }
        }
        const model_remote_t *it = model_remote_at(m, i);
        return spell(r, it->keys, it->depth);
    }
    return pick_path(r, m, want_file, 40);
}

/* A server path: mostly one of the pool's (known or not), else longer,
 * unknown or invalid (C15.5). */
static char *pick_server(rng_t *r, const model_t *m)
{
    uint32_t k = below(r, 100);
    if (k < 4)
        return invalid_path(r);
    if (k < 10)
        return pick_path(r, m, false, 30);
    if (k < 14)
        return xstrdup("\\nowhere");
    char *names[1] = {(char *)pool_servers[below(r, COUNT(pool_servers))]};
    return spell(r, names, 1);
}

/* Round 2 (C10, C13): the remote side, connectivity, suspension, feature. */
static void gen_round2(rng_t *r, const model_t *m, sequence_t *s, op_t *op)
{
    uint32_t k = below(r, 100);
    op->kind = k < 10   ? OP_RDIR
               : k < 24 ? OP_RFILE
               : k < 36 ? OP_RWRITE
               : k < 43 ? OP_RDELETE
               : k < 49 ? OP_SHARE
               : k < 63 ? OP_NETWORK
               : k < 71 ? OP_OFFLINE
               : k < 83 ? OP_ONLINE
               : k < 88 ? OP_CACHEABLE
               : k < 92 ? OP_SUSPEND
               : k < 93 ? OP_ENABLE
               : k < 94 ? OP_START
               : k < 95 ? OP_RESTART
               : k < 98 ? OP_RENAME
               : k < 99 ? OP_ENCRYPT
                        : OP_DELETE;
    switch (op->kind) {
    case OP_RDIR:
    case OP_RDELETE:
    case OP_CACHEABLE:
        op->npaths = 1;
        op->paths[0] = own(s, pick_remote_path(r, m, chance(r, 20)));
        break;
    case OP_RFILE:
    case OP_RWRITE:
        op->npaths = 1;
        op->paths[0] = own(s, pick_remote_path(r, m, !chance(r, 10)));
        if (chance(r, 60)) {
            static const uint64_t sizes[] = {0, 1, 100, 512, 4096};
            op->has_num = true;
            op->num = chance(r, 50) ? sizes[below(r, COUNT(sizes))] : below(r, 10000);
        }
        break;
    case OP_SHARE: {
        op->npaths = 1;
        if (chance(r, 85)) {
            char *names[2] = {(char *)pool_servers[below(r, COUNT(pool_servers))],
                              (char *)pool_shares[below(r, COUNT(pool_shares))]};
            op->paths[0] = own(s, spell(r, names, 2));
        } else {
            op->paths[0] = own(s, pick_path(r, m, false, 30));
        }
        op->num = 1 + below(r, 4);
        break;
    }
    case OP_NETWORK:
        op->npaths = 1;
        op->paths[0] = own(s, pick_server(r, m));
        op->num = below(r, 3);
        break;
    case OP_OFFLINE:
    case OP_ONLINE:
        op->npaths = 1;
        op->paths[0] = own(s, pick_remote_path(r, m, chance(r, 30)));
        op->deep = chance(r, 30);
        if (chance(r, 6)) {
            static const uint32_t flags[] = {0x1, 0x2, 0x3, 0x4, 0x80, 0x80000000u};
            op->flags = flags[below(r, COUNT(flags))];
        }
        break;
    case OP_SUSPEND:
        op->npaths = 1;
        op->paths[0] = own(s, pick_path(r, m, chance(r, 10), 10));
        op->deep = chance(r, 65);
        break;
    case OP_ENABLE:
        op->deep = chance(r, 60);
        break;
    case OP_RENAME: {
        /* Mostly a cached item to a sibling name of the same depth. */
        op->npaths = 2;
        op->paths[0] = own(s, pick_path(r, m, chance(r, 30), 10));
        char **names;
        size_t n;
        if (model_normalize(op->paths[0], &names, &n) == CSC_S_OK && chance(r, 85)) {
            if (n == 1)
                names[0] = (free(names[0]), xstrdup(pool_servers[below(r, COUNT(pool_servers))]));
            else if (n == 2)
                names[1] = (free(names[1]), xstrdup(pool_shares[below(r, COUNT(pool_shares))]));
            else if (chance(r, 70))
                names[n - 1] = (free(names[n - 1]), xstrdup(chance(r, 50)
                                                                ? pool_files[below(r, COUNT(pool_files))]
                                                                : pool_dirs[below(r, COUNT(pool_dirs))]));
            else
                names[n - 2 > 1 ? n - 2 : n - 1] =
                    (free(names[n - 2 > 1 ? n - 2 : n - 1]),
                     xstrdup(pool_dirs[below(r, COUNT(pool_dirs))]));
            op->paths[1] = own(s, spell(r, names, n));
        } else {
            op->paths[1] = own(s, pick_path(r, m, chance(r, 30), 50));
        }
        model_free_names(names, n);
        op->deep = chance(r, 25);
        break;
    }
    case OP_ENCRYPT: {
        op->deep = chance(r, 60);
        static const uint32_t fl[] = {0, 0, 0, CSC_ENCRYPT_FLAG_LOW_PRIORITY,
                                      CSC_ENCRYPT_FLAG_INTERACTIVE, CSC_ENCRYPT_FLAG_BACKGROUND,
                                      0x1, 0x100000};
        op->flags = fl[below(r, COUNT(fl))];
        if (chance(r, 10))
            op->abort_at = (long)below(r, 4);
        if (chance(r, 15))
            op->retry_at = 1 + (long)below(r, 3);
        break;
    }
    case OP_DELETE: {
        uint32_t c = below(r, 100);
        op->npaths = c < 80 ? 1 : c < 95 ? 2 : 3;
        for (size_t i = 0; i < op->npaths; i++)
            op->paths[i] = own(s, pick_path(r, m, chance(r, 40), 15));
        static const uint32_t fl[] = {0, CSC_DELETE_NO_AUTO_CACHED, CSC_DELETE_NO_PINNED,
                                      CSC_DELETE_DEL_MODIFIED, CSC_DELETE_ADMIN,
                                      CSC_DELETE_DEL_MODIFIED | CSC_DELETE_ADMIN, 0x8};
        op->flags = fl[below(r, COUNT(fl))];
        if (chance(r, 20)) {
            op->nusers = 1;
            op->users[0] = pool_users[below(r, COUNT(pool_users))];
        }
        if (chance(r, 10))
            op->abort_at = (long)below(r, 4);
        if (chance(r, 15))
            op->retry_at = 1 + (long)below(r, 3);
        break;
    }
    default:
        break;
    }
}

/* C11: open, close, write, create, delete, mostly on files the cache or
 * the server has. */
static void gen_app(rng_t *r, const model_t *m, sequence_t *s, op_t *op)
{
    uint32_t k = below(r, 100);
    op->kind = k < 28 ? OP_OPEN : k < 42 ? OP_CLOSE : k < 66 ? OP_WRITE : k < 86 ? OP_CREATE
                                                                             : OP_ADELETE;
    op->npaths = 1;
    uint32_t p = below(r, 100);
    if (op->kind == OP_CREATE && p < 35) /* a new name in a known directory */
        op->paths[0] = own(s, pick_path(r, m, true, 100));
    else if (p < 50 || model_remote_count(m) == 0)
        op->paths[0] = own(s, pick_path(r, m, !chance(r, 8), 10));
    else
        op->paths[0] = own(s, pick_remote_path(r, m, !chance(r, 8)));
    if (op->kind == OP_CREATE && p >= 35 && p < 60 && model_count(m) > 0) {
        /* a fresh name beside a cached item */
        const model_item_t *it = model_item(m, below(r, (uint32_t)model_count(m)));
        if (it->depth >= 2) {
            char *dir = spell(r, it->names, it->type == CSC_ITEM_FILE ? it->depth - 1 : it->depth);
            const char *leaf = pool_files[below(r, COUNT(pool_files))];
            char *path = xmalloc(strlen(dir) + strlen(leaf) + 2);
            sprintf(path, "%s\\%s", dir, leaf);
            free(dir);
            op->paths[0] = own(s, path);
        }
    }
    static const uint64_t sizes[] = {0, 1, 100, 512, 1000, 4096};
    if (op->kind == OP_WRITE) {
        op->has_num = chance(r, 60);
        op->num = below(r, 2000);
        op->has_num2 = chance(r, 45);
        op->num2 = chance(r, 50) ? sizes[below(r, COUNT(sizes))] : below(r, 10000);
    } else if (op->kind == OP_CREATE) {
        op->has_num = chance(r, 70);
        op->num = chance(r, 50) ? sizes[below(r, COUNT(sizes))] : below(r, 10000);
    }
}

/* C12: Synchronize with its flags, the CR field, a handler's fixed answer,
 * abort and retry answers. */
static void gen_sync(rng_t *r, const model_t *m, sequence_t *s, op_t *op)
{
    op->kind = OP_SYNC;
    uint32_t c = below(r, 100);
    op->npaths = c < 80 ? 1 : c < 95 ? 2 : 3;
    for (size_t i = 0; i < op->npaths; i++)
        op->paths[i] = own(s, pick_path(r, m, chance(r, 40), 12));
    uint32_t f = CSC_SYNC_FLAG_SYNC_IN | CSC_SYNC_FLAG_SYNC_OUT;
    if (chance(r, 35)) {
        static const uint32_t sets[] = {0, CSC_SYNC_FLAG_FILL_SPARSE, CSC_SYNC_FLAG_SYNC_IN,
                                        CSC_SYNC_FLAG_SYNC_OUT,
                                        CSC_SYNC_FLAG_FILL_SPARSE | CSC_SYNC_FLAG_SYNC_OUT};
        f = sets[below(r, COUNT(sets))];
    }
    if (chance(r, 20))
        f |= CSC_SYNC_FLAG_PIN_NEW_FILES;
    if (chance(r, 15))
        f |= (uint32_t)below(r, 16) << 5; /* PinFor* */
    if (chance(r, 15))
        f |= CSC_SYNC_FLAG_SKIP_SUSPENDED_DIRS;
    if (chance(r, 15))
        f |= CSC_SYNC_FLAG_BACKGROUND;
    if (chance(r, 10))
        f |= CSC_SYNC_FLAG_NO_NEW_FILES_OUT;
    if (chance(r, 5))
        f |= CSC_SYNC_FLAG_LOW_PRIORITY | CSC_SYNC_FLAG_INTERACTIVE;
    if (chance(r, 3))
        f |= CSC_SYNC_FLAG_ASYNC_PROGRESS;
    if (chance(r, 45))
        f |= (1u + below(r, 3)) << 28; /* CrKeepLocal, CrKeepRemote, CrKeepLatest */
    if (chance(r, 2))
        f |= chance(r, 50) ? 0x4000u : (4u + below(r, 12)) << 28; /* invalid (C12.1) */
    op->flags = f;
    op->answer = -1;
    if (chance(r, 40))
        op->answer = chance(r, 3) ? 9 : (int)below(r, 8);
    if (!(f & CSC_SYNC_FLAG_ASYNC_PROGRESS)) {
        if (chance(r, 6))
            op->abort_at = (long)below(r, 5);
        if (chance(r, 10))
            op->retry_at = 1 + (long)below(r, 4);
    }
}

static void gen_op(rng_t *r, const model_t *m, sequence_t *s, op_t *op)
{
    memset(op, 0, sizeof *op);
    op->abort_at = -1;
    op->answer = -1;
    uint32_t g = below(r, 100);
    if (g < 15) {
        gen_app(r, m, s, op);
        return;
    }
    if (g < 25) {
        gen_sync(r, m, s, op);
        return;
    }
    if (g < 50) {
        gen_round2(r, m, s, op);
        return;
    }
    uint32_t k = below(r, 100);
    op->kind = k < 22   ? OP_FILE
               : k < 28 ? OP_DIR
               : k < 44 ? OP_PIN
               : k < 60 ? OP_UNPIN
               : k < 66 ? OP_MODIFY
               : k < 71 ? OP_SYNC
               : k < 77 ? OP_OPEN
               : k < 81 ? OP_CLOSE
               : k < 83 ? OP_TOUCH
               : k < 88 ? OP_TICK
               : k < 91 ? OP_AS
               : k < 94 ? OP_ACCESS
               : k < 96 ? OP_EVICT
               : k < 99 ? OP_LIMITS
                        : OP_POLICY;
    switch (op->kind) {
    case OP_FILE:
        op->npaths = 1;
        /* Sometimes a file the server has: evicted, or made remotely
         * (C10.2, C15.4: twins and adoption). */
        if (model_remote_count(m) > 0 && chance(r, 15))
            op->paths[0] = own(s, pick_remote_path(r, m, true));
        else
            op->paths[0] = own(s, pick_path(r, m, !chance(r, 10), 45));
        if (chance(r, 60)) {
            static const uint64_t sizes[] = {0, 1, 100, 512, 1000, 4096};
            op->has_num = true;
            op->num = chance(r, 50) ? sizes[below(r, COUNT(sizes))] : below(r, 10000);
            if (huge && chance(r, 1)) /* sums past 2^64 - 1 (C5.5, C5.7) */
                op->num = chance(r, 50) ? UINT64_MAX : UINT64_MAX / 2 + below(r, 3);
        }
        break;
    case OP_DIR:
        op->npaths = 1;
        op->paths[0] = own(s, pick_path(r, m, chance(r, 10), 45));
        break;
    case OP_MODIFY:
    case OP_OPEN:
    case OP_CLOSE:
    case OP_TOUCH:
        op->npaths = 1;
        op->paths[0] = own(s, pick_path(r, m, op->kind != OP_TOUCH || chance(r, 50), 12));
        if (op->kind == OP_MODIFY && chance(r, 70)) {
            op->has_num = true;
            op->num = chance(r, 10) ? 0 : below(r, 3000);
            if (huge && chance(r, 2))
                op->num = UINT64_MAX - below(r, 2);
        }
        break;
    case OP_SYNC:
        gen_sync(r, m, s, op);
        break;
    case OP_PIN:
    case OP_UNPIN: {
        uint32_t c = below(r, 100);
        op->npaths = c < 80 ? 1 : c < 95 ? 2 : 3;
        for (size_t i = 0; i < op->npaths; i++)
            op->paths[i] = own(s, pick_path(r, m, chance(r, 40), 15));
        op->flags = random_flags(r);
        op->deep = chance(r, 50);
        if (!(op->flags & CSC_PIN_FLAG_ASYNC_PROGRESS)) {
            /* With AsyncProgress the runner's answers depend on timing. */
            if (chance(r, 10))
                op->abort_at = (long)below(r, 5);
            if (chance(r, 15))
                op->retry_at = 1 + (long)below(r, 4);
        }
        break;
    }
    case OP_TICK:
        op->num = chance(r, 60) ? 1 : 2 + below(r, 4);
        if (huge && chance(r, 1))
            op->num = UINT64_MAX - below(r, 3);
        break;
    case OP_AS:
        op->users[0] = pool_callers[below(r, COUNT(pool_callers))];
        op->nusers = 1;
        op->admin = chance(r, 60);
        break;
    case OP_ACCESS:
        op->npaths = 1;
        op->paths[0] = own(s, pick_path(r, m, chance(r, 30), 10));
        op->nusers = 1 + below(r, MAX_USERS);
        for (size_t i = 0; i < op->nusers; i++)
            op->users[i] = pool_users[below(r, COUNT(pool_users))];
        break;
    case OP_EVICT:
        if (chance(r, 50)) {
            static const uint64_t bytes[] = {0, 1, 100, 1000, 3000, 10000};
            op->has_num = true;
            op->num = bytes[below(r, COUNT(bytes))];
        }
        break;
    case OP_LIMITS: {
        static const uint64_t limits[] = {CSC_SPACE_UNLIMITED, 0, 500, 2000, 5000, 10000,
                                          20000, 50000};
        op->has_num = chance(r, 60);
        op->num = limits[below(r, COUNT(limits))];
        op->has_num2 = chance(r, 60);
        op->num2 = limits[below(r, COUNT(limits))];
        break;
    }
    case OP_POLICY:
        op->num = below(r, 3);
        break;
    default: /* round 2: gen_round2 */
        break;
    }
}

/* ---- shrinking ------------------------------------------------------------- */

/* Whether `ops` still diverges in the same way; on success *n is cut to
 * the divergent step. */
static bool still_diverges(op_t *ops, size_t *n, const char *category)
{
    divergence_t d;
    replay(ops, *n, &d, NULL);
    bool same = d.found && strcmp(d.category, category) == 0;
    if (same)
        *n = d.step + 1;
    div_free(&d);
    return same;
}

/* Delta debugging over the commands, then over the parts of each command.
 * Returns the new length; ops[] is rewritten in place. */
static size_t shrink(op_t *ops, size_t n, const char *category)
{
    op_t *cand = xmalloc((n + 1) * sizeof *cand);
    for (size_t chunk = n / 2; chunk >= 1; chunk /= 2) {
        bool again = true;
        while (again) {
            again = false;
            for (size_t start = 0; start < n; start += chunk) {
                size_t end = start + chunk < n ? start + chunk : n;
                size_t m = 0;
                for (size_t i = 0; i < n; i++)
                    if (i < start || i >= end)
                        cand[m++] = ops[i];
                if (m == 0)
                    continue;
                if (still_diverges(cand, &m, category)) {
                    memcpy(ops, cand, m * sizeof *ops);
                    n = m;
                    again = true;
                    break;
                }
            }
        }
        if (chunk == 1)
            break;
    }
    /* Simplify the commands one by one. */
    for (size_t i = 0; i < n; i++) {
        for (int variant = 0; variant < 8; variant++) {
            memcpy(cand, ops, n * sizeof *ops);
            op_t *o = &cand[i];
            bool changed = false;
            switch (variant) {
            case 0: case 1: case 2: /* drop one of several paths */
                if (o->npaths > 1 && (size_t)variant < o->npaths) {
                    for (size_t p = (size_t)variant; p + 1 < o->npaths; p++)
                        o->paths[p] = o->paths[p + 1];
                    o->npaths--;
                    changed = true;
                }
                break;
            case 3:
                changed = o->abort_at >= 0;
                o->abort_at = -1;
                break;
            case 4:
                changed = o->retry_at > 0;
                o->retry_at = 0;
                break;
            case 5: { /* drop flags that choose no source */
                uint32_t f = o->flags & (CSC_PIN_FLAGS_SOURCES | CSC_PIN_FLAG_BACKGROUND);
                if ((o->kind == OP_PIN || o->kind == OP_UNPIN) && (f & CSC_PIN_FLAGS_SOURCES) &&
                    f != o->flags && !(o->flags & ~CSC_PIN_FLAGS_VALID)) {
                    o->flags = f;
                    changed = true;
                }
                break;
            }
            case 6:
                changed = o->deep;
                o->deep = false;
                break;
            case 7:
                changed = o->kind == OP_FILE && o->has_num;
                o->has_num = false;
                break;
            }
            size_t m = n;
            if (changed && still_diverges(cand, &m, category)) {
                memcpy(ops, cand, m * sizeof *ops);
                n = m;
                if (i >= n)
                    break;
                variant = -1; /* try every variant again */
            }
        }
    }
    free(cand);
    return n;
}

/* ---- writing the scenario --------------------------------------------------- */

static void put_token(FILE *f, const char *s)
{
    bool quote = s[0] == '\0' || s[0] == '#' || strchr(s, ' ') != NULL ||
                 strchr(s, '\t') != NULL;
    fprintf(f, quote ? " \"%s\"" : " %s", s);
}

static void put_op(FILE *f, const op_t *op)
{
    fputs(op_names[op->kind], f);
    switch (op->kind) {
    case OP_AS:
        put_token(f, op->users[0]);
        if (op->admin)
            fputs(" admin", f);
        break;
    case OP_TICK:
        fprintf(f, " %llu", AS_U64(op->num));
        break;
    case OP_EVICT:
        if (op->has_num)
            fprintf(f, " bytes=%llu", AS_U64(op->num));
        else
            fputs(" all", f);
        break;
    case OP_LIMITS:
        if (op->has_num)
            fprintf(f, op->num == CSC_SPACE_UNLIMITED ? " total=unlimited" : " total=%llu",
                    AS_U64(op->num));
        if (op->has_num2)
            fprintf(f, op->num2 == CSC_SPACE_UNLIMITED ? " unpinned=unlimited" : " unpinned=%llu",
                    AS_U64(op->num2));
        break;
    case OP_POLICY: {
        static const char *const policies[] = {"manual", "automatic", "eager"};
        fprintf(f, " %s", policies[op->num % 3]);
        break;
    }
    case OP_ACCESS:
        put_token(f, op->paths[0]);
        for (size_t u = 0; u < op->nusers; u++)
            put_token(f, op->users[u]);
        break;
    case OP_SHARE: {
        static const char *const modes[] = {"none", "nocaching", "manual", "documents",
                                            "programs"};
        put_token(f, op->paths[0]);
        fprintf(f, " caching=%s", modes[op->num % 5]);
        break;
    }
    case OP_NETWORK: {
        static const char *const conds[] = {"up", "down", "slow"};
        put_token(f, op->paths[0]);
        fprintf(f, " %s", conds[op->num % 3]);
        break;
    }
    case OP_OFFLINE:
    case OP_ONLINE:
        put_token(f, op->paths[0]);
        if (op->kind == OP_OFFLINE && op->deep)
            fputs(" force", f);
        if (op->flags != 0) /* the language passes Flags 0 */
            fprintf(f, "  # with Flags 0x%X: not expressible", (unsigned)op->flags);
        break;
    case OP_SUSPEND:
        put_token(f, op->paths[0]);
        if (!op->deep)
            fputs(" release", f);
        break;
    case OP_ENABLE:
        fputs(op->deep ? " on" : " off", f);
        break;
    case OP_RENAME:
        put_token(f, op->paths[0]);
        put_token(f, op->paths[1]);
        if (op->deep)
            fputs(" restart-time", f);
        break;
    case OP_ENCRYPT:
        fputs(op->deep ? " on" : " off", f);
        if (op->flags != 0)
            fprintf(f, " flags=0x%X", (unsigned)op->flags);
        if (op->abort_at >= 0)
            fprintf(f, " abort-at=%ld", op->abort_at);
        if (op->retry_at > 0)
            fprintf(f, " retry-at=%ld", op->retry_at);
        break;
    case OP_DELETE:
        for (size_t p = 0; p < op->npaths; p++)
            put_token(f, op->paths[p]);
        if (op->flags != 0)
            fprintf(f, " flags=0x%X", (unsigned)op->flags);
        if (op->nusers > 0) {
            fprintf(f, " for=\"%s\"", op->users[0]);
        }
        if (op->abort_at >= 0)
            fprintf(f, " abort-at=%ld", op->abort_at);
        if (op->retry_at > 0)
            fprintf(f, " retry-at=%ld", op->retry_at);
        break;
    case OP_START:
    case OP_RESTART:
        break;
    case OP_SYNC: {
        static const char *const answers[8] = {"none", "keep-local", "keep-remote",
                                               "keep-all-changes", "keep-latest", "log",
                                               "skip", "abort"};
        for (size_t p = 0; p < op->npaths; p++)
            put_token(f, op->paths[p]);
        fprintf(f, " flags=0x%X", (unsigned)op->flags);
        if (op->answer >= 0 && op->answer < 8)
            fprintf(f, " resolve=%s", answers[op->answer]);
        else if (op->answer >= 8)
            fprintf(f, "  # a handler answering %d: not expressible", op->answer);
        if (op->abort_at >= 0)
            fprintf(f, " abort-at=%ld", op->abort_at);
        if (op->retry_at > 0)
            fprintf(f, " retry-at=%ld", op->retry_at);
        break;
    }
    case OP_WRITE:
        put_token(f, op->paths[0]);
        if (op->has_num)
            fprintf(f, " bytes=%llu", AS_U64(op->num));
        if (op->has_num2)
            fprintf(f, " size=%llu", AS_U64(op->num2));
        break;
    case OP_CREATE:
        put_token(f, op->paths[0]);
        if (op->has_num)
            fprintf(f, " size=%llu", AS_U64(op->num));
        break;
    case OP_RFILE:
    case OP_RWRITE:
        put_token(f, op->paths[0]);
        if (op->has_num)
            fprintf(f, " size=%llu", AS_U64(op->num));
        break;
    default:
        for (size_t p = 0; p < op->npaths; p++)
            put_token(f, op->paths[p]);
        if (op->has_num)
            fprintf(f, op->kind == OP_FILE ? " size=%llu" : " bytes=%llu", AS_U64(op->num));
        if (op->kind == OP_PIN || op->kind == OP_UNPIN) {
            fprintf(f, " flags=0x%X", (unsigned)op->flags);
            if (op->deep)
                fputs(" deep", f);
            if (op->abort_at >= 0)
                fprintf(f, " abort-at=%ld", op->abort_at);
            if (op->retry_at > 0)
                fprintf(f, " retry-at=%ld", op->retry_at);
        }
        break;
    }
    fputc('\n', f);
}

static void put_sources(FILE *f, uint32_t set)
{
    static const char *const names[4] = {"user", "policy", "computer", "redirect"};
    if (set == 0) {
        fputs("none", f);
        return;
    }
    const char *sep = "";
    for (size_t k = 0; k < 4; k++) {
        if (set & sources[k]) {
            fprintf(f, "%s%s", sep, names[k]);
            sep = ",";
        }
    }
}

static const char *yn(bool b)
{
    return b ? "yes" : "no";
}

/* An item's path as an expect line writes it (it must normalise back). */
static char *expect_path(const char *display)
{
    if (strncmp(display, "\\\\", 2) != 0)
        return xstrdup(display);
    /* Split the display path itself: normalising it could trim names. */
    char *copy = xstrdup(display + 2);
    char *parts[64];
    size_t k = 0;
    for (char *p = copy; k < 64;) {
        parts[k++] = p;
        char *q = strchr(p, '\\');
        if (q == NULL)
            break;
        *q = '\0';
        p = q + 1;
    }
    char *s = spell(NULL, parts, k);
    free(copy);
    return s;
}

static void put_item_details(FILE *f, const char *who, const snap_item_t *it)
{
    fprintf(f, "#   %s: %s size=%llu dirty-bytes=%llu open-count=%u last-use=%llu "
               "sharing-violations=%u caller-access=%s access=",
            who, it->path, AS_U64(it->size), AS_U64(it->dirty_bytes), it->open_count,
            AS_U64(it->last_use), it->violations, yn(it->caller_access));
    if (!it->has_access)
        fputs("none", f);
    for (size_t u = 0; u < it->users.n; u++)
        fprintf(f, "%s%s", u ? "," : "", it->users.v[u]);
    fputc('\n', f);
}

static const char *type_name(csc_item_type_t t)
{
    static const char *const names[] = {"file", "directory", "share", "server"};
    return (unsigned)t < 4 ? names[t] : "?";
}

/* Writes the scenario of a shrunk sequence: its commands, then what the
 * model says after the last one. */
static void write_scenario(FILE *f, const op_t *ops, size_t n, uint64_t seed, size_t orig_step,
                           size_t orig_len, const divergence_t *orig)
{
    world_t w;
    divergence_t d;
    replay(ops, n, &d, &w);
    fprintf(f, "# Reproducer written by the differential test (tests/model/).\n");
    fprintf(f, "# Seed %llu: step %zu of a sequence of %zu commands diverged:\n", AS_U64(seed),
            orig_step + 1, orig_len);
    fprintf(f, "#   %s\n", orig->what);
    fprintf(f, "# Shrunk to %zu commands; the last one diverges:\n#   %s\n", n,
            d.found ? d.what : "(no divergence on replay)");
    fprintf(f, "# The expect lines state what the reference model (tests/model/model.c)\n"
               "# says after the last command; a failing check is the difference.\n\n");
    for (size_t i = 0; i < n; i++)
        put_op(f, &ops[i]);

    const op_t *last = &ops[n - 1];
    fputc('\n', f);
    if (leaves_result(last->kind))
        fprintf(f, "expect hresult=0x%08X\n", (unsigned)(uint32_t)w.mod.hr);
    else
        fprintf(f, "# result: library 0x%08X, model 0x%08X\n", (unsigned)(uint32_t)w.lib.hr,
                (unsigned)(uint32_t)w.mod.hr);
    if (last->kind == OP_PIN || last->kind == OP_UNPIN || last->kind == OP_ENCRYPT ||
        last->kind == OP_DELETE || (last->kind == OP_SYNC && last->answer < 8)) {
        fprintf(f, "expect events=%zu\n", w.mod.events.n);
        for (size_t i = 0; i < w.mod.events.n; i++) {
            if (strchr(w.mod.events.v[i], '"') == NULL)
                fprintf(f, "expect event#%zu=\"%s\"\n", i + 1, w.mod.events.v[i]);
        }
    } else if (w.mod.events.n > 0 || w.lib.events.n > 0) {
        for (size_t i = 0; i < w.mod.events.n; i++)
            fprintf(f, "# model event %zu: %s\n", i + 1, w.mod.events.v[i]);
        for (size_t i = 0; i < w.lib.events.n; i++)
            fprintf(f, "# library event %zu: %s\n", i + 1, w.lib.events.v[i]);
    }
    for (size_t i = 0; i < w.mod.evictions.n; i++)
        fprintf(f, "# model evicts %s\n", w.mod.evictions.v[i]);
    for (size_t i = 0; i < w.lib.evictions.n; i++)
        fprintf(f, "# library evicts %s\n", w.lib.evictions.v[i]);

    snap_t a, b;
    snap_lib(w.cache, &a);
    snap_model(w.model, &b);
    for (size_t i = 0; i < b.n; i++) {
        const snap_item_t *it = &b.v[i];
        char *p = expect_path(it->path);
        fputs("expect", f);
        put_token(f, p);
        free(p);
        fprintf(f, " cached=yes type=%s pins=", type_name(it->type));
        put_sources(f, it->pins);
        fputs(" inherit=", f);
        put_sources(f, it->inherit);
        fprintf(f, " pinned=%s partly-pinned=%s dirty=%s evictable=%s open=%s",
                yn(it->pinned), yn(it->partly), yn(it->dirty), yn(it->evictable),
                yn(it->open));
        /* Round 2: suspension, encryption (files), connect state. */
        fprintf(f, " suspended=%s suspended-root=%s", yn(it->suspended), yn(it->suspended_root));
        char *ep = expect_path(it->path);
        csc_connect_state_t cs;
        csc_offline_reason_t why;
        if (model_connect_state(w.model, ep, &cs, &why) == CSC_S_OK) {
            static const char *const reasons[] = {"unknown", "not-applicable", "forced", "slow",
                                                  "error", "conflict", "suspended"};
            fprintf(f, " connect=%s reason=%s",
                    cs == CSC_CONNECT_STATE_ONLINE ? "online" : "offline",
                    (unsigned)why < 7 ? reasons[why] : "unknown");
        }
        free(ep);
        fputc('\n', f);
        if (it->type == CSC_ITEM_FILE) {
            /* C10.8, C11, C12, C13.5: the file's state. */
            static const struct {
                uint32_t state;
                const char *name;
            } states[] = {{0, "none"},
                          {9, "FileCreatedOnClient_FileOnServer"},
                          {12, "FileChangedOnClient_ChangedOnServer"},
                          {15, "FileChangedOnClient_DeletedOnServer"},
                          {36, "DeletedOnClient_FileChangedOnServer"}};
            const char *cname = "none";
            for (size_t k = 0; k < COUNT_OF(states); k++)
                if (states[k].state == it->conflict)
                    cname = states[k].name;
            /* A line of their own: at most 16 keys a line. */
            char *fp = expect_path(it->path);
            fputs("expect", f);
            put_token(f, fp);
            free(fp);
            fprintf(f, " encrypted=%s sparse=%s created-offline=%s deleted-offline=%s "
                       "dirty-bytes=%llu size=%llu conflict=%s handles=%u",
                    yn(it->encrypted), yn(it->sparse), yn(it->created), yn(it->deleted),
                    AS_U64(it->dirty_bytes), AS_U64(it->size), cname, (unsigned)it->open_count);
            if (it->has_orig)
                fprintf(f, " version=%llu", AS_U64(it->orig));
            else if (it->created)
                fputs(" version=none", f);
            uint64_t rdirty = 0;
            char *rp = expect_path(it->path);
            csc_item_type_t rt;
            uint64_t rs = 0, rv = 0, rl = 0;
            if (it->changed_on_server &&
                model_remote_item(w.model, rp, &rt, &rs, &rv, &rl) == CSC_S_OK &&
                rt == CSC_ITEM_FILE)
                rdirty = rs;
            free(rp);
            fprintf(f, " remote-dirty-bytes=%llu\n", AS_U64(rdirty));
        }
    }
    /* The remote side as the model has it (C10.1). */
    for (size_t i = 0; i < model_remote_count(w.model); i++) {
        const model_remote_t *rm = model_remote_at(w.model, i);
        char *p = spell(NULL, rm->keys, rm->depth);
        fputs("expect remote", f);
        put_token(f, p);
        fputs(" exists=yes", f);
        if (rm->type == CSC_ITEM_FILE)
            fprintf(f, " size=%llu version=%llu", AS_U64(rm->size), AS_U64(rm->version));
        if (rm->type == CSC_ITEM_SHARE) {
            static const char *const modes[] = {"none", "nocaching", "manual", "documents",
                                                "programs"};
            fprintf(f, " caching=%s", modes[(unsigned)rm->mode % 5]);
        }
        fputc('\n', f);
        free(p);
    }
    if (last->kind == OP_CACHEABLE && w.mod.hr == CSC_S_OK) {
        static const char *const modes[] = {"none", "nocaching", "manual", "documents",
                                            "programs"};
        fprintf(f, "expect cacheable=%s mode=%s\n", yn(w.mod.out1 != 0),
                modes[w.mod.out2 % 5]);
    }
    if (last->kind == OP_OFFLINE && w.mod.hr == CSC_S_OK)
        fprintf(f, "expect open-files=%s\n", yn(w.mod.out1 != 0));
    for (size_t i = 0; i < w.mod.conflicts.n; i++)
        fprintf(f, "# model's handler asked: %s\n", w.mod.conflicts.v[i]);
    for (size_t i = 0; i < w.lib.conflicts.n; i++)
        fprintf(f, "# library's handler asked: %s\n", w.lib.conflicts.v[i]);
    for (size_t p = 0; p < last->npaths; p++) { /* C11.1: not expressible by expect */
        uint32_t h = 0;
        csc_app_noncached_handles(w.cache, last->paths[p], &h);
        fprintf(f, "# non-cached handles on %s: library %u, model %u\n", last->paths[p],
                (unsigned)h, (unsigned)model_noncached_handles(w.model, last->paths[p]));
    }
    fprintf(f, "expect status active=%s enabled=%s%s%s\n", yn(b.active), yn(b.enabled),
            last->kind == OP_ENABLE ? " reboot=" : "",
            last->kind == OP_ENABLE ? yn(w.mod.out1 != 0) : "");
    fprintf(f, "expect encryption encrypted=%s partial=%s\n", yn(b.encrypted), yn(b.partial));
    for (size_t i = 0; i < a.n; i++) {
        char *p = expect_path(a.v[i].path);
        if (model_lookup(w.model, p) == SIZE_MAX) {
            fputs("expect", f);
            put_token(f, p);
            fputs(" cached=no\n", f);
        }
        free(p);
    }
    fprintf(f, "expect space used=%llu unpinned-used=%llu\n", AS_U64(b.used),
            AS_U64(b.unpinned_used));
    fprintf(f, "\n# What expect cannot check (clock: library %llu, model %llu):\n",
            AS_U64(a.clock), AS_U64(b.clock));
    for (size_t i = 0; i < b.n; i++)
        put_item_details(f, "model  ", &b.v[i]);
    for (size_t i = 0; i < a.n; i++)
        put_item_details(f, "library", &a.v[i]);
    fputs("show\n", f);
    snap_free(&a);
    snap_free(&b);
    div_free(&d);
    world_free(&w);
}

/* ---- the test -------------------------------------------------------------------- */

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return dflt;
    return strtoull(v, NULL, 0);
}

static void test_model__differential(void **state)
{
    (void)state;
    uint64_t total = env_u64("CSC_DIFF_OPS", 100000);
    uint64_t base = env_u64("CSC_DIFF_SEED", 1);
    const char *outdir = getenv("CSC_DIFF_OUT");
    if (outdir == NULL || *outdir == '\0')
        outdir = ".";
    huge = env_u64("CSC_DIFF_NO_OVERFLOW", 0) == 0;
    clock_t t0 = clock();
    stats_t st;
    memset(&st, 0, sizeof st);
    uint64_t done = 0, sequences = 0;
    for (uint64_t seed = base; done < total; seed++) {
        rng_t r = {seed * 0x2545F4914F6CDD1Dull + 1};
        size_t len = 20 + below(&r, 41);
        sequence_t s = {0};
        s.ops = xmalloc(len * sizeof *s.ops);
        world_t w;
        world_init(&w);
        divergence_t d = {0};
        for (size_t i = 0; i < len && !d.found; i++) {
            gen_op(&r, w.model, &s, &s.ops[s.n++]);
            world_step(&w, &s.ops[i], i, &d);
            stats_step(&st, &w, &s.ops[i]);
            done++;
        }
        world_free(&w);
        sequences++;
        if (!d.found && seed == env_u64("CSC_DIFF_WRITE", 0)) {
            /* CSC_DIFF_WRITE=SEED: that sequence's scenario, unshrunk, with
             * the model's expectations; every check passes on a library
             * that agrees (how the reproducers' expect lines are checked). */
            char path[4096];
            snprintf(path, sizeof path, "%s/sequence-%llu.cscsim", outdir, AS_U64(seed));
            FILE *f = fopen(path, "w");
            if (f != NULL) {
                d.what = xstrdup("(none: written on request)");
                write_scenario(f, s.ops, s.n, seed, s.n - 1, s.n, &d);
                fclose(f);
                div_free(&d);
            }
        }
        if (d.found) {
            print_error("differential test: seed %llu diverges at step %zu (%s): %s\n",
                        AS_U64(seed), d.step + 1, d.category, d.what);
            size_t n = shrink(s.ops, d.step + 1, d.category);
            char path[4096];
            snprintf(path, sizeof path, "%s/divergence-%llu.cscsim", outdir, AS_U64(seed));
            FILE *f = fopen(path, "w");
            if (f != NULL) {
                write_scenario(f, s.ops, n, seed, d.step, s.n, &d);
                fclose(f);
            }
            print_error("differential test: shrunk to %zu commands; reproducer: %s%s\n", n, path,
                        f == NULL ? " (could not be written)" : "");
            print_error("differential test: rerun with CSC_DIFF_SEED=%llu\n", AS_U64(seed));
            div_free(&d);
            seq_free(&s);
            fail_msg("divergence between library and model; reproducer: %s", path);
        }
        seq_free(&s);
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    print_message("differential test: %llu operations in %llu sequences (seeds %llu..%llu), "
                  "%.2f s CPU, no divergence\n",
                  AS_U64(done), AS_U64(sequences), AS_U64(base), AS_U64(base + sequences - 1),
                  secs);
    if (env_u64("CSC_DIFF_STATS", 0) != 0)
        stats_print(&st, done);
}

/* ---- the normaliser alone (C1.2-C1.4) ------------------------------------ */

/* Fragments of spellings: separators, dots, spaces, prefixes, letters that
 * fold, invalid characters and bytes. */
static const char *const fragments[] = {
    "\\", "\\", "\\", "/", ".", ".", "..", "...", " ", " .", "a", "B", "k", "\u212A", "K",
    "\u017F", "S", "\u03C2", "\u03A3", "\u00E9", "\u00C9", "\u1E9E", "\u00DF", "\u0130", "i",
    "\u0131", "\u00B5", "\u039C", "\u0414", "\u0401", "\u2126", "\U0001D538", "?", "UNC",
    "unc", ":", "*", "<", "|", "\"", "\x01", "\x1f", "\xff", "\xc3", "\xed\xa0\x80",
    "\xed\xb0\x80", "\xe2\x84", "\xc0\xaf", "\xf4\x90\x80\x80", "\\\\?\\UNC\\", "\\\\.\\", "\\\\", "x.y", "#",
};

static char *fuzz_path(rng_t *r)
{
    sbuf_t b = {0};
    uint32_t k = below(r, 100);
    if (k < 70)
        sb_add(&b, chance(r, 80) ? "\\\\" : "//");
    else if (k < 78)
        sb_add(&b, chance(r, 50) ? "\\\\?\\UNC\\" : "//?/uNc/");
    size_t n = below(r, 14);
    for (size_t i = 0; i < n; i++)
        sb_add(&b, fragments[below(r, COUNT(fragments))]);
    return sb_take(&b);
}

/* Names of `units` UTF-16 units, from 1- and 2-unit code points. */
static void add_units(sbuf_t *b, size_t units, bool wide)
{
    for (size_t i = 0; i < units;) {
        if (wide && units - i >= 2) {
            sb_add(b, "\U0001D538");
            i += 2;
        } else {
            sb_add(b, "\u00E9");
            i++;
        }
    }
}

/* The boundaries of C1.4: a name of 255/256 units, a path of 32767/32768. */
static char *boundary_path(size_t which)
{
    sbuf_t b = {0};
    sb_add(&b, "\\\\s\\h\\");
    switch (which) {
    case 0: add_units(&b, 255, false); break;
    case 1: add_units(&b, 256, false); break;
    case 2: add_units(&b, 255, true); break;
    case 3: add_units(&b, 256, true); break;
    case 4: add_units(&b, 255, false); sb_add(&b, "...."); break; /* trimmed back to 255 */
    default: {
        /* \\s\h = 5 units, then 128 names of 254 units and one to fill. */
        size_t target = which == 5 ? 32767 : 32768, len = 5;
        for (size_t i = 0; i < 128; i++) {
            add_units(&b, 254, i % 2 == 0);
            sb_add(&b, "\\");
            len += 255;
        }
        add_units(&b, target - len, false);
        break;
    }
    }
    return sb_take(&b);
}

/* Writes a path for a message, bytes outside printable ASCII as \xNN. */
static void put_escaped(sbuf_t *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char buf[8];
        if (*p < 0x20 || *p >= 0x7F)
            snprintf(buf, sizeof buf, "\\x%02X", *p);
        else
            snprintf(buf, sizeof buf, "%c", *p);
        sb_add(b, buf);
    }
}

/* Compares one spelling; returns a description of the difference or NULL. */
static char *compare_normalise(const char *path)
{
    static char display[70000], key[70000];
    csc_hresult hr = csc_path_normalize(path, display, sizeof display, NULL, key, sizeof key, NULL);
    char **names;
    size_t n;
    csc_hresult mhr = model_normalize(path, &names, &n);
    sbuf_t m = {0};
    if (mhr == CSC_S_OK) {
        sb_add(&m, "\\\\");
        for (size_t i = 0; i < n; i++) {
            if (i > 0)
                sb_add(&m, "\\");
            sb_add(&m, names[i]);
        }
        model_free_names(names, n);
    }
    char *mkey = mhr == CSC_S_OK ? model_fold(m.s) : NULL;
    sbuf_t why = {0};
    if (hr != mhr || (hr == CSC_S_OK && (strcmp(display, m.s) != 0 || strcmp(key, mkey) != 0))) {
        char buf[64];
        sb_add(&why, "path \"");
        put_escaped(&why, path);
        snprintf(buf, sizeof buf, "\": library 0x%08X ", (unsigned)(uint32_t)hr);
        sb_add(&why, buf);
        if (hr == CSC_S_OK) {
            put_escaped(&why, display);
            sb_add(&why, " key ");
            put_escaped(&why, key);
        }
        snprintf(buf, sizeof buf, ", model 0x%08X ", (unsigned)(uint32_t)mhr);
        sb_add(&why, buf);
        if (mhr == CSC_S_OK) {
            put_escaped(&why, m.s);
            sb_add(&why, " key ");
            put_escaped(&why, mkey);
        }
    }
    free(m.s);
    free(mkey);
    return why.s;
}

/* A scenario that shows a normaliser difference: cache the spelling as a
 * directory (a server or share when it has one or two components), then
 * expect what the model says. */
static void write_path_scenario(FILE *f, const char *path, const char *what)
{
    fprintf(f, "# Reproducer written by the normaliser comparison (tests/model/).\n");
    fprintf(f, "# %s\n", what);
    fprintf(f, "# The expect lines state what the reference model says.\n\n");
    fputs("dir", f);
    put_token(f, path);
    fputc('\n', f);
    char **names;
    size_t n;
    csc_hresult mhr = model_normalize(path, &names, &n);
    fprintf(f, "expect hresult=0x%08X\n", (unsigned)(uint32_t)mhr);
    if (mhr == CSC_S_OK) {
        char *p = spell(NULL, names, n);
        fputs("expect", f);
        put_token(f, p);
        fputs(" cached=yes\n", f);
        free(p);
        for (size_t i = 0; i < n; i++) {
            char *folded = model_fold(names[i]);
            free(names[i]);
            names[i] = folded;
        }
        p = spell(NULL, names, n); /* the folded spelling names the same item */
        fputs("expect", f);
        put_token(f, p);
        fputs(" cached=yes\n", f);
        free(p);
        model_free_names(names, n);
    }
    fputs("show\n", f);
}

static void test_model__normalise(void **state)
{
    (void)state;
    uint64_t total = env_u64("CSC_DIFF_PATHS", 200000);
    uint64_t seed = env_u64("CSC_DIFF_SEED", 1);
    const char *outdir = getenv("CSC_DIFF_OUT");
    if (outdir == NULL || *outdir == '\0')
        outdir = ".";
    rng_t r = {seed * 0x9E3779B97F4A7C15ull + 7};
    for (uint64_t i = 0; i < total + 7; i++) {
        char *path = i < 7 ? boundary_path((size_t)i) : fuzz_path(&r);
        char *why = compare_normalise(path);
        if (why != NULL) {
            char file[4096];
            snprintf(file, sizeof file, "%s/divergence-path-%llu.cscsim", outdir, AS_U64(seed));
            FILE *f = fopen(file, "w");
            if (f != NULL) {
                write_path_scenario(f, path, why);
                fclose(f);
            }
            print_error("normaliser comparison (seed %llu, string %llu): %s\nreproducer: %s\n",
                        AS_U64(seed), AS_U64(i), why, file);
            free(why);
            free(path);
            fail_msg("the library's normaliser differs from the model's; reproducer: %s", file);
        }
        free(path);
    }
    print_message("normaliser comparison: %llu spellings, no difference\n", AS_U64(total + 7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model__normalise),
        cmocka_unit_test(test_model__differential),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
