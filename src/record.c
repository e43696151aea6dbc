/*
 * src/record.c: the recorder of a cache (cscsim/record.h). It owns turning
 * each recorded call into scenario lines (the command, then `expect` lines
 * of the result, the events and the items named), the progress sinks that
 * watch a method call's events and its sink's answers (an ABORT from
 * ItemBegin becomes `abort-at=K`, a RETRY from ItemResult `retry-at=K`),
 * the `# not expressible: ...` lines for what the scenario language cannot
 * say, and the output: a write callback or a file, one call's lines at a
 * time. Everything runs under the cache's guard, from the hooks of
 * record.h; memory comes from the cache's allocator, and running out of it
 * loses lines, never the call: the loss is reported by
 * csc_cache_record_stop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "guard.h"
#include "path.h"
#include "record.h"
#include "remote/sync.h"
#include "tree.h"

#include "cscsim/record.h"
#include "cscsim/scenario.h"
#include "cscsim/space.h"
#include "cscsim/sync.h"

#define E_OPEN_FAILED CSC_HRESULT_FROM_WIN32(110u)  /* ERROR_OPEN_FAILED */
#define E_WRITE_FAULT CSC_HRESULT_FROM_WIN32(29u)   /* ERROR_WRITE_FAULT */

/* At most this many paths of a method call get an item check. */
#define MAX_ITEM_CHECKS 8

/* ---- growable text --------------------------------------------------- */

typedef struct rbuf {
    char *p;
    size_t len, cap;
} rbuf_t;

/* What watches one method call: its events, as `expect` lines, and what the
 * sink answered. */
typedef struct capture {
    csc_cache_t *cache;
    csc_progress_t user; /* the embedder's sink, copied */
    bool has_user;
    bool answers_ignored; /* AsyncProgress (C6.4) */
    csc_progress_t wrap;  /* the recorder's sink */
    rbuf_t events;        /* expect event#K="..." lines */
    rbuf_t notes;         /* # lines */
    unsigned nevents;
    uint32_t item_begins, item_results;
    long long abort_at, retry_at; /* -1: none */
    bool cancelled_by_token;
    bool has_cancel;
    /* WMI: the embedder's message callback. */
    csc_wmi_progress_cb wmi_cb;
    void *wmi_user_data;
    /* Async: the call, to write at its end. */
    csc__walk_op_t op;
    char **paths;
    size_t count;
    uint32_t flags;
    bool deep;
    /* Synchronize's conflict handler (C12.5): the embedder's options and
     * its answers, written as resolve=NAME when they were all the same. */
    csc_sync_options_t user_opts;
    csc_sync_options_t wrap_opts;
    unsigned answers;
    int answer;     /* the first answer */
    bool answers_vary;
    bool new_names; /* a KEEPALLCHANGES answer came with a name */
    bool for_user;  /* csc_delete_items_for_user_async */
    char *for_name; /* ... its User, copied */
    bool user_bad;  /* ... a user name the language cannot write */
} capture_t;

struct csc__recorder {
    csc_write_cb write;
    void *user_data;
    FILE *file;
    bool item_checks;
    csc_hresult error;  /* the first loss, or S_OK */
    bool lost;          /* a line of the call being recorded was lost */
    rbuf_t out;         /* the lines of the call being recorded */
    rbuf_t scratch;     /* a path */
    capture_t *method;  /* the synchronous method call running */
    capture_t *async;   /* the asynchronous operation running */
    const char *for_user; /* DeleteItemsForUser's User while it is recorded */
};

typedef struct csc__recorder rec_t;

static void lose(rec_t *rec, csc_hresult hr)
{
    rec->lost = true;
    if (rec->error == CSC_S_OK)
        rec->error = hr;
}

static bool rb_reserve(csc_cache_t *cache, rbuf_t *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return true;
    size_t cap = b->cap == 0 ? 256 : b->cap;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = csc__malloc(&cache->alloc, cap);
    if (p == NULL) {
        lose(cache->rec, CSC_E_OUTOFMEMORY);
        return false;
    }
    if (b->len > 0)
        memcpy(p, b->p, b->len);
    csc__free(&cache->alloc, b->p, b->cap);
    b->p = p;
    b->cap = cap;
    return true;
}

static void rb_put(csc_cache_t *cache, rbuf_t *b, const char *s, size_t n)
{
    if (!rb_reserve(cache, b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void rb_puts(csc_cache_t *cache, rbuf_t *b, const char *s)
{
    rb_put(cache, b, s, strlen(s));
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static void rb_printf(csc_cache_t *cache, rbuf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        rb_put(cache, b, small, (size_t)n);
        return;
    }
    if (!rb_reserve(cache, b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static void rb_free(csc_cache_t *cache, rbuf_t *b)
{
    csc__free(&cache->alloc, b->p, b->cap);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- output ------------------------------------------------------------ */

/* Not called: a file is written by out_raw. */
static void file_write(void *user_data, const char *text, size_t len)
{
    (void)user_data;
    (void)text;
    (void)len;
}

/* Writes raw text to the recorder's output. */
static void out_raw(rec_t *rec, const char *text, size_t len)
{
    if (rec->file == NULL) {
        rec->write(rec->user_data, text, len);
        return;
    }
    if (fwrite(text, 1, len, rec->file) != len || fflush(rec->file) != 0)
        lose(rec, E_WRITE_FAULT);
}

/* Hands the call's lines to the writer, after a note when some were lost
 * (the note needs no memory). */
static void emit(csc_cache_t *cache)
{
    rec_t *rec = cache->rec;
    if (rec->lost) {
        static const char note[] = "# recording incomplete: lines lost here\n";
        out_raw(rec, note, sizeof note - 1);
    }
    if (rec->out.len > 0)
        out_raw(rec, rec->out.p, rec->out.len);
    rec->out.len = 0;
    rec->lost = false;
}

/* ---- words --------------------------------------------------------------- */

/* Whether a token can be written at all (no escapes in the language). */
static bool expressible(const char *s)
{
    return s != NULL && strpbrk(s, "\"\n") == NULL;
}

/* A user name: quoted when empty or holding a blank, a CR, `=` or `#`. */
static void put_name(csc_cache_t *cache, rbuf_t *b, const char *s)
{
    bool quote = *s == '\0' || strpbrk(s, " \t\r=#") != NULL;
    rb_printf(cache, b, quote ? "\"%s\"" : "%s", s);
}

/* A path: also quoted when it does not begin with a separator, so that it
 * never reads as a keyword (`deep`, `all`) or an option. */
static void put_path(csc_cache_t *cache, rbuf_t *b, const char *s)
{
    bool quote = *s == '\0' || strpbrk(s, " \t\r=#") != NULL || (s[0] != '\\' && s[0] != '/');
    rb_printf(cache, b, quote ? "\"%s\"" : "%s", s);
}

/*
 * The item's display path (C1.3) in rec->scratch, spelt so that
 * normalisation (C1.2) gives it back, as csc_cache_dump spells it: a
 * component ending in a period gets one more, and a path whose last
 * component ends in a period or a space ends in a separator. NULL when out
 * of memory.
 */
static const char *item_path(csc_cache_t *cache, const struct csc_item *item)
{
    rec_t *rec = cache->rec;
    size_t len = csc_item_path(item, NULL, 0);
    rbuf_t *b = &rec->scratch;
    b->len = 0;
    if (!rb_reserve(cache, b, CSC__PATH_EXACT_CAP(len) + len + 1))
        return NULL;
    char *display = b->p + 2 * len + 3;
    csc_item_path(item, display, len + 1);
    csc__path_exact(display, len, CSC__EXACT_END_NEEDED, b->p); /* C1.2 step 6 */
    return b->p;
}

static const char *hr_name(csc_hresult hr)
{
    return csc_hresult_known(hr) ? csc_hresult_name(hr) : NULL;
}

/* expect hresult=0x...  # NAME */
static void put_hresult_check(csc_cache_t *cache, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    const char *name = hr_name(hr);
    rb_printf(cache, b, "expect hresult=0x%08X", (unsigned)(uint32_t)hr);
    if (name != NULL)
        rb_printf(cache, b, "  # %s", name);
    rb_puts(cache, b, "\n");
}

static void put_return_check(csc_cache_t *cache, uint32_t ret)
{
    rbuf_t *b = &cache->rec->out;
    const char *name = ret <= 0xFFFFu                          ? csc_win32_name(ret)
                       : csc_hresult_known((csc_hresult)ret) ? csc_hresult_name((csc_hresult)ret)
                                                             : NULL;
    rb_printf(cache, b, "expect return=%u", (unsigned)ret);
    if (name != NULL)
        rb_printf(cache, b, "  # %s", name);
    rb_puts(cache, b, "\n");
}

static const char *const source_names[4] = {"user", "policy", "computer", "redirect"};
static const uint32_t source_bits[4] = {CSC_PIN_SOURCE_USER, CSC_PIN_SOURCE_POLICY,
                                        CSC_PIN_SOURCE_COMPUTER, CSC_PIN_SOURCE_REDIRECT};

static void put_sources(csc_cache_t *cache, rbuf_t *b, uint32_t set)
{
    if (set == 0) {
        rb_puts(cache, b, "none");
        return;
    }
    const char *sep = "";
    for (size_t i = 0; i < 4; i++) {
        if (set & source_bits[i]) {
            rb_printf(cache, b, "%s%s", sep, source_names[i]);
            sep = ",";
        }
    }
}

/* `expect PATH ...` of one item, found by the path as the call gave it. */
static void put_item_check(csc_cache_t *cache, const char *path)
{
    rbuf_t *b = &cache->rec->out;
    if (!expressible(path))
        return;
    struct csc_item *item = NULL;
    csc_hresult hr = csc__tree_find(cache, path, &item);
    if (hr != CSC_S_OK && hr != CSC_E_FILE_NOT_FOUND && hr != CSC_E_INVALID_NAME)
        return; /* out of memory: no check */
    rb_puts(cache, b, "expect ");
    put_path(cache, b, path);
    if (hr != CSC_S_OK) {
        rb_puts(cache, b, " cached=no\n");
        return;
    }
    rb_puts(cache, b, " pins=");
    put_sources(cache, b, csc_item_pins(item));
    if (csc_item_type(item) != CSC_ITEM_FILE) {
        rb_puts(cache, b, " inherit=");
        put_sources(cache, b, csc_item_inherit(item));
        rb_puts(cache, b, "\n");
        return;
    }
    rb_printf(cache, b, " dirty=%s open=%s\n", csc_item_is_dirty(item) ? "yes" : "no",
              csc_item_is_open(item) ? "yes" : "no");
}

static void put_space_check(csc_cache_t *cache)
{
    rb_printf(cache, &cache->rec->out, "expect space used=%llu unpinned-used=%llu\n",
              (unsigned long long)csc__bytes_saturated(cache->used),
              (unsigned long long)csc__bytes_saturated(cache->unpinned_used));
}

/* ---- flags ------------------------------------------------------------------ */

typedef struct flag_name {
    const char *name;
    uint32_t value;
} flag_name_t;

static const flag_name_t pin_flags[] = {
    {"Fill", 0x1}, {"PinLinkTargets", 0x10}, {"ForUser", 0x20}, {"ForUser_Policy", 0x40},
    {"ForAll", 0x80}, {"ForRedir", 0x100}, {"LowPriority", 0x200}, {"AsyncProgress", 0x400},
    {"Interactive", 0x800}, {"Console", 0x1000}, {"Background", 0x10000}, {NULL, 0},
};

static const flag_name_t sync_flags[] = {
    {"FillSparse", 0x1}, {"SyncIn", 0x2}, {"SyncOut", 0x4}, {"PinNewFiles", 0x8},
    {"PinLinkTargets", 0x10}, {"PinForUser", 0x20}, {"PinForUser_Policy", 0x40},
    {"PinForAll", 0x80}, {"PinForRedir", 0x100}, {"LowPriority", 0x200},
    {"AsyncProgress", 0x400}, {"Interactive", 0x800}, {"Console", 0x1000},
    {"SkipSuspendedDirs", 0x2000}, {"Background", 0x10000}, {"NoNewFilesOut", 0x20000},
    {NULL, 0},
};

static const flag_name_t delete_flags[] = {
    {"NoAutoCached", 0x1}, {"NoPinned", 0x2}, {"DelModified", 0x4}, {"Admin", 0x80000000u},
    {NULL, 0},
};

/* flags=Name|Name|0x...: names for the bits a table knows, one number for
 * the rest; the conflict-resolution value of Synchronize by its name. */
static void put_flags(csc_cache_t *cache, rbuf_t *b, csc__walk_op_t op, uint32_t flags)
{
    const flag_name_t *t = op == CSC__OP_SYNC     ? sync_flags
                           : op == CSC__OP_DELETE ? delete_flags
                                                  : pin_flags;
    rb_puts(cache, b, " flags=");
    if (flags == 0) {
        rb_puts(cache, b, "0");
        return;
    }
    const char *sep = "";
    uint32_t rest = flags;
    if (op == CSC__OP_SYNC) {
        static const char *const cr[4] = {NULL, "CrKeepLocal", "CrKeepRemote", "CrKeepLatest"};
        uint32_t v = (flags >> 28) & 0xFu;
        if (v >= 1 && v <= 3) {
            rb_puts(cache, b, cr[v]);
            sep = "|";
            rest &= 0x0FFFFFFFu;
        }
    }
    for (; t->name != NULL; t++) {
        if (rest & t->value) {
            rb_printf(cache, b, "%s%s", sep, t->name);
            sep = "|";
            rest &= ~t->value;
        }
    }
    if (rest != 0)
        rb_printf(cache, b, "%s0x%X", sep, (unsigned)rest);
}

static const char *verb_of(csc__walk_op_t op)
{
    switch (op) {
    case CSC__OP_PIN: return "pin";
    case CSC__OP_UNPIN: return "unpin";
    case CSC__OP_SYNC: return "sync";
    default: return "deleteitems";
    }
}

static const char *api_of(csc__walk_op_t op)
{
    switch (op) {
    case CSC__OP_PIN: return "csc_pin";
    case CSC__OP_UNPIN: return "csc_unpin";
    case CSC__OP_SYNC: return "csc_synchronize";
    default: return "csc_delete_items";
    }
}

/* ---- watching a method call ---------------------------------------------- */

static void cap_event(capture_t *c, const char *msg)
{
    csc_cache_t *cache = c->cache;
    c->nevents++;
    if (expressible(msg))
        rb_printf(cache, &c->events, "expect event#%u=\"%s\"\n", c->nevents, msg);
    else
        rb_printf(cache, &c->events,
                  "# not expressible: event#%u holds a double quote or a line break\n",
                  c->nevents);
}

static void cap_event_ev(capture_t *c, const csc_event_t *ev)
{
    char small[512];
    size_t n = csc_event_format_wmi(ev, small, sizeof small);
    if (n < sizeof small) {
        cap_event(c, small);
        return;
    }
    char *big = csc__malloc(&c->cache->alloc, n + 1);
    if (big == NULL) {
        c->nevents++;
        lose(c->cache->rec, CSC_E_OUTOFMEMORY);
        return;
    }
    csc_event_format_wmi(ev, big, n + 1);
    cap_event(c, big);
    csc__free(&c->cache->alloc, big, n + 1);
}

static void cap_note(capture_t *c, const char *what)
{
    rb_printf(c->cache, &c->notes, "# not expressible: %s\n", what);
}

static void cap_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    capture_t *c = ud;
    cap_event_ev(c, ev);
    if (c->has_user && c->user.begin != NULL)
        c->user.begin(c->user.user_data, ev, abort);
    if (!c->answers_ignored && *abort && c->abort_at < 0)
        c->abort_at = 0;
}

static void cap_query(void *ud, bool *abort)
{
    capture_t *c = ud;
    if (c->has_user && c->user.query_abort != NULL)
        c->user.query_abort(c->user.user_data, abort);
    if (!c->answers_ignored && *abort) {
        char what[128];
        snprintf(what, sizeof what,
                 "QueryAbort answered abort after %u items (the runner aborts at an ItemBegin)",
                 (unsigned)c->item_begins);
        cap_note(c, what);
    }
}

static csc_op_response_t cap_item_begin(void *ud, const csc_event_t *ev)
{
    capture_t *c = ud;
    c->item_begins++;
    cap_event_ev(c, ev);
    csc_op_response_t r = CSC_OP_CONTINUE;
    if (c->has_user && c->user.item_begin != NULL)
        r = c->user.item_begin(c->user.user_data, ev);
    if (!c->answers_ignored && r == CSC_OP_ABORT && c->abort_at < 0)
        c->abort_at = c->item_begins;
    return r;
}

static csc_op_response_t cap_item_result(void *ud, const csc_event_t *ev)
{
    capture_t *c = ud;
    c->item_results++;
    cap_event_ev(c, ev);
    csc_op_response_t r = CSC_OP_CONTINUE;
    if (c->has_user && c->user.item_result != NULL)
        r = c->user.item_result(c->user.user_data, ev);
    if (c->answers_ignored)
        return r;
    char what[160];
    if (r == CSC_OP_ABORT) {
        snprintf(what, sizeof what, "ItemResult #%u answered ABORT (the runner aborts at an "
                 "ItemBegin)", (unsigned)c->item_results);
        cap_note(c, what);
    } else if (r == CSC_OP_RETRY && c->retry_at >= 0) {
        snprintf(what, sizeof what, "a second RETRY, at ItemResult #%u (retry-at says one)",
                 (unsigned)c->item_results);
        cap_note(c, what);
    } else if (r == CSC_OP_RETRY) {
        c->retry_at = c->item_results;
        struct csc_item *item = NULL;
        if (ev->path != NULL && csc__tree_find(c->cache, ev->path, &item) == CSC_S_OK &&
            csc_item_is_open(item)) {
            snprintf(what, sizeof what, "RETRY at ItemResult #%u while the file was still "
                     "open (retry-at closes its handles first)", (unsigned)c->item_results);
            cap_note(c, what);
        }
    }
    return r;
}

static void cap_end(void *ud, const csc_event_t *ev)
{
    capture_t *c = ud;
    cap_event_ev(c, ev);
    if (ev->result == CSC_E_CANCELLED && c->abort_at < 0)
        c->cancelled_by_token = true;
    if (c->has_user && c->user.end != NULL)
        c->user.end(c->user.user_data, ev);
}

static void cap_wmi(void *ud, const char *message)
{
    capture_t *c = ud;
    cap_event(c, message);
    if (c->wmi_cb != NULL)
        c->wmi_cb(c->wmi_user_data, message);
}

static void cap_init(capture_t *c, csc_cache_t *cache, const csc_progress_t *progress,
                     uint32_t flags, csc_cancel_t *cancel)
{
    memset(c, 0, sizeof *c);
    c->cache = cache;
    c->abort_at = c->retry_at = -1;
    c->has_cancel = cancel != NULL;
    c->answers_ignored = (flags & CSC_PIN_FLAG_ASYNC_PROGRESS) != 0;
    if (progress != NULL) {
        c->user = *progress;
        c->has_user = true;
    }
    csc_progress_t wrap = {CSC_PROGRESS_VERSION, c, cap_begin, cap_query,
                           cap_item_begin, cap_item_result, cap_end};
    c->wrap = wrap;
}

static void cap_free(capture_t *c)
{
    rb_free(c->cache, &c->events);
    rb_free(c->cache, &c->notes);
}

/*
 * Writes a method call: the command, its result, its events and notes,
 * and the items it named. `ret_wmi`: the WMI entry points, whose result is
 * a return value.
 */
static void put_method(csc_cache_t *cache, capture_t *c, csc__walk_op_t op,
                       const char *const *paths, size_t count, uint32_t flags, bool deep,
                       csc_hresult hr, bool wmi, uint32_t ret, const char *api)
{
    rec_t *rec = cache->rec;
    rbuf_t *b = &rec->out;
    bool paths_ok = paths != NULL && count > 0;
    for (size_t i = 0; paths_ok && i < count; i++)
        paths_ok = (paths[i] != NULL || wmi) && expressible(paths[i] != NULL ? paths[i] : "");
    if (c->has_user && c->user.version > CSC_PROGRESS_VERSION)
        paths_ok = false; /* refused as a sink newer than the library */
    bool is_pin = op == CSC__OP_PIN || op == CSC__OP_UNPIN;

    rb_printf(cache, b, "# %s\n", api);
    if (!paths_ok) {
        /* A refusal before any event (C4.1) is the same whatever the
         * arguments: written as one the language can say. */
        if (c->nevents == 0 && (wmi ? ret == 87u : hr == CSC_E_INVALIDARG)) {
            rb_printf(cache, b,
                      "# not expressible: its arguments (no path, a NULL path, or a progress "
                      "sink newer than the library); written as a call refused alike\n"
                      "%s \"\" flags=0x4000\n",
                      verb_of(op));
            if (wmi)
                put_return_check(cache, ret);
            else
                put_hresult_check(cache, hr);
        } else {
            rb_printf(cache, b, "# not expressible: %s with a path holding a double quote "
                      "or a line break; result 0x%08X\n", api, (unsigned)(uint32_t)hr);
        }
        return;
    }
    rb_puts(cache, b, verb_of(op));
    for (size_t i = 0; i < count; i++) {
        rb_puts(cache, b, " ");
        put_path(cache, b, paths[i] != NULL ? paths[i] : "");
    }
    put_flags(cache, b, op, flags);
    if (rec->for_user != NULL) { /* C15.17: deleteitems ... for=USER */
        rb_puts(cache, b, " for=");
        put_name(cache, b, rec->for_user);
    }
    if (is_pin && deep)
        rb_puts(cache, b, " deep");
    long long abort_at = c->abort_at;
    if (c->cancelled_by_token) {
        /* A cancel token: before the first item it is abort-at=0 (Begin,
         * End); later, only with AsyncProgress, abort-at=K says it
         * (timing-dependent, C6.4). */
        if (c->item_begins == 0 || c->answers_ignored) {
            abort_at = c->item_begins;
            if (c->item_begins > 0)
                rb_printf(cache, &c->notes, "# cancelled after %u items: where a replay "
                          "stops depends on timing (C6.4)\n", (unsigned)c->item_begins);
        } else {
            cap_note(c, "cancelled through a cancel token after the first item");
        }
    }
    if (op == CSC__OP_SYNC && c->answers > 0 && !c->answers_vary) {
        static const char *const names[8] = {"none", "keep-local", "keep-remote",
                                             "keep-all-changes", "keep-latest", "log",
                                             "skip", "abort"};
        rb_printf(cache, b, " resolve=%s", names[c->answer]);
        if (c->new_names)
            cap_note(c, "the conflict handler's new names for kept copies");
    } else if (op == CSC__OP_SYNC && c->answers_vary) {
        cap_note(c, "a conflict handler whose answers differ from one conflict to the next");
    }
    if (abort_at >= 0)
        rb_printf(cache, b, " abort-at=%lld", abort_at);
    if (c->retry_at >= 0)
        rb_printf(cache, b, " retry-at=%lld", c->retry_at);
    rb_puts(cache, b, "\n");
    if (wmi)
        put_return_check(cache, ret);
    else
        put_hresult_check(cache, hr);
    bool timing = c->cancelled_by_token && c->answers_ignored && c->item_begins > 0;
    if (!timing) {
        rb_printf(cache, b, "expect events=%u\n", c->nevents);
        if (c->events.len > 0)
            rb_put(cache, b, c->events.p, c->events.len);
    }
    if (c->notes.len > 0)
        rb_put(cache, b, c->notes.p, c->notes.len);
    if (rec->item_checks && !timing) {
        for (size_t i = 0; i < count && i < MAX_ITEM_CHECKS; i++) {
            const char *p = paths[i] != NULL ? paths[i] : "";
            bool seen = false;
            for (size_t k = 0; k < i && !seen; k++)
                seen = strcmp(paths[k] != NULL ? paths[k] : "", p) == 0;
            if (!seen)
                put_item_check(cache, p);
        }
        if (cache->policy != CSC_EVICT_MANUAL)
            put_space_check(cache);
    }
}

csc_hresult csc__rec_method(csc_cache_t *cache, const char *const *paths, size_t count,
                            uint32_t flags, bool deep, const csc_progress_t *progress,
                            csc_cancel_t *cancel, csc__walk_op_t op)
{
    rec_t *rec = cache->rec;
    if (rec->method != NULL) /* not reached: a method cannot run inside one */
        return csc__method_call(cache, paths, count, flags, deep, progress, cancel, op);
    capture_t c;
    cap_init(&c, cache, progress, flags, cancel);
    /* A sink newer than the library is refused as such: passed as it is. */
    const csc_progress_t *use = progress != NULL && progress->version > CSC_PROGRESS_VERSION
                                    ? progress
                                    : &c.wrap;
    rec->method = &c;
    csc_hresult hr = csc__method_call(cache, paths, count, flags, deep, use, cancel, op);
    rec->method = NULL;
    put_method(cache, &c, op, paths, count, flags, deep, hr, false, 0, api_of(op));
    cap_free(&c);
    emit(cache);
    return hr;
}

/* The recorder's conflict handler: passes the conflict on, notes the
 * answer (as the library reads it: outside 0-7 is NONE, C16.5). */
static csc_sync_resolve_t cap_resolve(void *ud, const csc_conflict_t *conflict,
                                      const char **new_name)
{
    capture_t *c = ud;
    csc_sync_resolve_t r =
        c->user_opts.resolve_conflict(c->user_opts.user_data, conflict, new_name);
    int v = (unsigned)r > CSC_SYNC_RESOLVE_ABORT ? 0 : (int)r;
    if (c->answers == 0)
        c->answer = v;
    else if (c->answer != v)
        c->answers_vary = true;
    c->answers++;
    if (v == CSC_SYNC_RESOLVE_KEEPALLCHANGES && *new_name != NULL)
        c->new_names = true;
    return r;
}

csc_hresult csc__rec_sync(csc_cache_t *cache, const char *const *paths, size_t count,
                          uint32_t flags, const csc_sync_options_t *options,
                          const csc_progress_t *progress, csc_cancel_t *cancel)
{
    rec_t *rec = cache->rec;
    if (rec->method != NULL) /* not reached: a method cannot run inside one */
        return csc__sync_call(cache, paths, count, flags, options, progress, cancel);
    capture_t c;
    cap_init(&c, cache, progress, flags, cancel);
    const csc_progress_t *use = progress != NULL && progress->version > CSC_PROGRESS_VERSION
                                    ? progress
                                    : &c.wrap;
    const csc_sync_options_t *opts = options;
    if (options != NULL && options->version <= CSC_SYNC_OPTIONS_VERSION &&
        options->resolve_conflict != NULL) {
        c.user_opts = *options;
        c.wrap_opts = *options;
        c.wrap_opts.user_data = &c;
        c.wrap_opts.resolve_conflict = cap_resolve;
        opts = &c.wrap_opts;
    }
    rec->method = &c;
    csc_hresult hr = csc__sync_call(cache, paths, count, flags, opts, use, cancel);
    rec->method = NULL;
    if (options != NULL && options->version > CSC_SYNC_OPTIONS_VERSION)
        cap_note(&c, "options newer than the library (the call was refused)");
    put_method(cache, &c, CSC__OP_SYNC, paths, count, flags, false, hr, false, 0,
               "csc_synchronize_ex");
    cap_free(&c);
    emit(cache);
    return hr;
}

void csc__rec_wmi_begin(csc_cache_t *cache, csc_wmi_progress_cb *cb, void **user_data)
{
    rec_t *rec = cache->rec;
    capture_t *c = csc__malloc(&cache->alloc, sizeof *c);
    if (c == NULL) {
        lose(rec, CSC_E_OUTOFMEMORY);
        return;
    }
    cap_init(c, cache, NULL, 0, NULL);
    c->wmi_cb = *cb;
    c->wmi_user_data = *user_data;
    rec->method = c;
    *cb = cap_wmi;
    *user_data = c;
}

void csc__rec_wmi_end(csc_cache_t *cache, csc__walk_op_t op, const char *const *paths,
                      size_t count, uint32_t flags, bool deep, uint32_t ret)
{
    rec_t *rec = cache->rec;
    capture_t *c = rec->method;
    rec->method = NULL;
    if (c == NULL) {
        emit(cache); /* the capture could not be made: the loss is noted */
        return;
    }
    put_method(cache, c, op, paths, count, flags, deep, CSC_S_OK, true, ret,
               op == CSC__OP_PIN ? "csc_wmi_pin" : "csc_wmi_unpin");
    cap_free(c);
    csc__free(&cache->alloc, c, sizeof *c);
    emit(cache);
}

/* Whether `for=USER` can say the user name (C15.17). */
static bool user_writable(const char *user)
{
    return user != NULL && *user != '\0' && expressible(user) &&
           strpbrk(user, " \t\r=#") == NULL && user[0] != '\\' && user[0] != '/';
}

const csc_progress_t *csc__rec_async_start(csc_cache_t *cache, csc__walk_op_t op,
                                           const char *const *paths, size_t count,
                                           uint32_t flags, bool deep, bool for_user,
                                           const char *user, const csc_progress_t *progress,
                                           csc_cancel_t *cancel)
{
    rec_t *rec = cache->rec;
    capture_t *c = csc__malloc(&cache->alloc, sizeof *c);
    if (c == NULL) {
        lose(rec, CSC_E_OUTOFMEMORY);
        return progress;
    }
    cap_init(c, cache, progress, flags, cancel);
    c->op = op;
    c->flags = flags;
    c->deep = deep;
    c->for_user = for_user;
    if (for_user) {
        c->user_bad = !user_writable(user);
        if (!c->user_bad) {
            c->for_name = csc__strndup(&cache->alloc, user, strlen(user));
            if (c->for_name == NULL) {
                lose(rec, CSC_E_OUTOFMEMORY);
                csc__free(&cache->alloc, c, sizeof *c);
                return progress;
            }
        }
    }
    /* The paths are copied: the operation outlives the call. */
    if (paths != NULL && count > 0) {
        size_t bytes = count * sizeof(char *);
        for (size_t i = 0; i < count; i++)
            bytes += paths[i] != NULL ? strlen(paths[i]) + 1 : 0;
        char **copy = csc__malloc(&cache->alloc, bytes);
        if (copy == NULL) {
            lose(rec, CSC_E_OUTOFMEMORY);
            csc__free(&cache->alloc, c, sizeof *c);
            return progress;
        }
        char *p = (char *)(copy + count);
        for (size_t i = 0; i < count; i++) {
            if (paths[i] == NULL) {
                copy[i] = NULL;
                continue;
            }
            size_t n = strlen(paths[i]) + 1;
            memcpy(p, paths[i], n);
            copy[i] = p;
            p += n;
        }
        c->paths = copy;
        c->count = count;
    }
    rec->async = c;
    if (progress != NULL && progress->version > CSC_PROGRESS_VERSION)
        return progress;
    return &c->wrap;
}

const csc_sync_options_t *csc__rec_async_options(csc_cache_t *cache,
                                                 const csc_sync_options_t *options)
{
    capture_t *c = cache->rec->async;
    if (c == NULL || options == NULL)
        return options;
    if (options->version > CSC_SYNC_OPTIONS_VERSION) {
        cap_note(c, "options newer than the library (the call was refused)");
        return options;
    }
    if (options->resolve_conflict == NULL)
        return options;
    c->user_opts = *options;
    c->wrap_opts = *options;
    c->wrap_opts.user_data = c;
    c->wrap_opts.resolve_conflict = cap_resolve;
    return &c->wrap_opts;
}

void csc__rec_async_end(csc_cache_t *cache, csc_hresult hr)
{
    rec_t *rec = cache->rec;
    capture_t *c = rec->async;
    rec->async = NULL;
    if (c == NULL) {
        emit(cache);
        return;
    }
    static const char *const apis[] = {
        [CSC__OP_UNPIN] = "csc_unpin_async", [CSC__OP_PIN] = "csc_pin_async",
        [CSC__OP_SYNC] = "csc_synchronize_async", [CSC__OP_DELETE] = "csc_delete_items_async"};
    if (c->user_bad) {
        rb_printf(cache, &rec->out,
                  "# not expressible: csc_delete_items_for_user_async with a user name the "
                  "language cannot write; result 0x%08X\n", (unsigned)(uint32_t)hr);
    } else {
        rec->for_user = c->for_name;
        put_method(cache, c, c->op, (const char *const *)c->paths, c->count, c->flags, c->deep,
                   hr, false, 0, c->for_user ? "csc_delete_items_for_user_async" : apis[c->op]);
        rec->for_user = NULL;
    }
    if (c->for_name != NULL)
        csc__free(&cache->alloc, c->for_name, strlen(c->for_name) + 1);
    cap_free(c);
    if (c->paths != NULL) {
        size_t bytes = c->count * sizeof(char *);
        for (size_t i = 0; i < c->count; i++)
            bytes += c->paths[i] != NULL ? strlen(c->paths[i]) + 1 : 0;
        csc__free(&cache->alloc, c->paths, bytes);
    }
    csc__free(&cache->alloc, c, sizeof *c);
    emit(cache);
}

/* ---- the other calls ------------------------------------------------------ */

/* A call made from a progress callback of a running method (only closing a
 * handle is allowed there, C14.5): noted under that call. */
static rbuf_t *target(csc_cache_t *cache)
{
    rec_t *rec = cache->rec;
    return rec->method != NULL ? &rec->method->notes : &rec->out;
}

static void done(csc_cache_t *cache)
{
    if (cache->rec->method == NULL)
        emit(cache);
}

void csc__rec_cache(csc_cache_t *cache, bool is_file, const char *path, bool has_size,
                    uint64_t size, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    if (!expressible(path)) {
        rb_printf(cache, b, "# not expressible: %s with a path holding a double quote or a "
                  "line break; result 0x%08X\n", is_file ? "csc_cache_file" : "csc_cache_dir",
                  (unsigned)(uint32_t)hr);
        emit(cache);
        return;
    }
    rb_puts(cache, b, is_file ? "file " : "dir ");
    put_path(cache, b, path);
    if (is_file && has_size)
        rb_printf(cache, b, " size=%llu", (unsigned long long)size);
    rb_puts(cache, b, "\n");
    put_hresult_check(cache, hr);
    if (cache->rec->item_checks && cache->policy != CSC_EVICT_MANUAL)
        put_space_check(cache);
    emit(cache);
}

static bool name_ok(const char *user)
{
    return expressible(user) && user[0] != '\\' && user[0] != '/';
}

void csc__rec_caller(csc_cache_t *cache, const char *user, bool admin, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    if (!name_ok(user)) {
        rb_printf(cache, b, "# not expressible: csc_cache_set_caller with a name holding a "
                  "double quote or a line break, or reading as a path; result 0x%08X\n",
                  (unsigned)(uint32_t)hr);
        emit(cache);
        return;
    }
    rb_puts(cache, b, "as ");
    put_name(cache, b, user);
    rb_puts(cache, b, admin ? " admin\n" : "\n");
    if (hr != CSC_S_OK) /* `as` leaves no result to check */
        rb_printf(cache, b, "# csc_cache_set_caller failed: 0x%08X (the caller is unchanged)\n",
                  (unsigned)(uint32_t)hr);
    emit(cache);
}

void csc__rec_call_as(csc_cache_t *cache, bool begin)
{
    rbuf_t *b = &cache->rec->out;
    const char *user = cache->caller.name;
    if (begin)
        rb_puts(cache, b, "# csc_cache_call_as: the calls below run as\n");
    else
        rb_puts(cache, b, "# csc_cache_call_as returned: the caller is back\n");
    if (name_ok(user)) {
        rb_puts(cache, b, "as ");
        put_name(cache, b, user);
        rb_puts(cache, b, cache->caller.admin ? " admin\n" : "\n");
    } else {
        rb_puts(cache, b, "# not expressible: the caller's name\n");
    }
    emit(cache);
}

void csc__rec_tick(csc_cache_t *cache, uint64_t ticks, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    rb_printf(cache, b, "tick %llu\n", (unsigned long long)ticks);
    if (hr != CSC_S_OK) /* `tick` leaves no result to check */
        rb_printf(cache, b, "# csc_cache_advance_clock failed: 0x%08X (the clock is unchanged)\n",
                  (unsigned)(uint32_t)hr);
    emit(cache);
}

void csc__rec_snapshot(csc_cache_t *cache, bool load, const char *path, size_t size,
                       csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    if (path == NULL || !expressible(path)) {
        if (path == NULL)
            rb_printf(cache, b, "# not expressible: csc_cache_load_buffer (%zu bytes)", size);
        else
            rb_printf(cache, b, "# not expressible: csc_cache_%s of a file name holding "
                      "a double quote or a line break", load ? "load" : "save");
        rb_printf(cache, b, "; result 0x%08X\n", (unsigned)(uint32_t)hr);
    } else {
        rb_puts(cache, b, load ? "load " : "save ");
        bool quote = *path == '\0' || strpbrk(path, " \t\r=#") != NULL;
        rb_printf(cache, b, quote ? "\"%s\"" : "%s", path);
        rb_puts(cache, b, "\n");
        put_hresult_check(cache, hr);
    }
    emit(cache);
}

void csc__rec_item(csc_cache_t *cache, csc__rec_item_op_t op, const struct csc_item *item,
                   uint64_t bytes, csc_hresult hr)
{
    static const char *const verbs[] = {"modify", "sync", "open", "close", "touch"};
    static const char *const apis[] = {"csc_item_modify", "csc_item_mark_synchronized",
                                       "csc_item_open", "csc_item_close", "csc_item_touch"};
    rbuf_t *b = target(cache);
    const char *path = item_path(cache, item);
    if (path == NULL) {
        done(cache);
        return;
    }
    if (!expressible(path)) {
        rb_printf(cache, b, "# not expressible: %s on a path holding a double quote or a "
                  "line break; result 0x%08X\n", apis[op], (unsigned)(uint32_t)hr);
        done(cache);
        return;
    }
    if (op == CSC__REC_MARK_SYNCHRONIZED && cache->policy != CSC_EVICT_MANUAL) {
        rb_puts(cache, b, "# not expressible: csc_item_mark_synchronized(");
        rb_puts(cache, b, path);
        rb_puts(cache, b, ") under a policy other than manual (sync would run its pass)\n");
        done(cache);
        return;
    }
    if (cache->rec->method != NULL)
        rb_printf(cache, b, "# from a progress callback of the call above: %s ", verbs[op]);
    else if (op == CSC__REC_MARK_SYNCHRONIZED)
        rb_puts(cache, b, "# csc_item_mark_synchronized, written as sync (the same state "
                "under the manual policy)\nsync ");
    else
        rb_printf(cache, b, "%s ", verbs[op]);
    put_path(cache, b, path);
    if (op == CSC__REC_MODIFY)
        rb_printf(cache, b, " bytes=%llu", (unsigned long long)bytes);
    else if (op == CSC__REC_MARK_SYNCHRONIZED)
        rb_puts(cache, b, " flags=0");
    if (cache->rec->method != NULL) {
        rb_printf(cache, b, " = 0x%08X\n", (unsigned)(uint32_t)hr);
        return;
    }
    rb_puts(cache, b, "\n");
    put_hresult_check(cache, hr);
    emit(cache);
}

void csc__rec_access(csc_cache_t *cache, const struct csc_item *item,
                     const char *const *users, size_t count, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    const char *path = item_path(cache, item);
    if (path == NULL) {
        emit(cache);
        return;
    }
    bool ok = expressible(path) && users != NULL && count > 0;
    for (size_t i = 0; ok && i < count; i++)
        ok = users[i] != NULL && name_ok(users[i]);
    if (!ok) {
        rb_printf(cache, b, "# not expressible: csc_item_set_access(%s, %s); result 0x%08X\n",
                  expressible(path) ? path : "(a path with a quote)",
                  users == NULL  ? "no list: everyone"
                  : count == 0 ? "an empty list: nobody"
                               : "a user name holding a quote or reading as a path",
                  (unsigned)(uint32_t)hr);
        emit(cache);
        return;
    }
    rb_puts(cache, b, "access ");
    put_path(cache, b, path);
    for (size_t i = 0; i < count; i++) {
        rb_puts(cache, b, " ");
        put_name(cache, b, users[i]);
    }
    rb_puts(cache, b, "\n");
    put_hresult_check(cache, hr);
    emit(cache);
}

static void put_limit(csc_cache_t *cache, rbuf_t *b, const char *key, uint64_t v)
{
    if (v == CSC_SPACE_UNLIMITED)
        rb_printf(cache, b, " %s=unlimited", key);
    else
        rb_printf(cache, b, " %s=%llu", key, (unsigned long long)v);
}

void csc__rec_limits(csc_cache_t *cache, uint64_t limit, uint64_t unpinned, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    rb_puts(cache, b, "limits");
    put_limit(cache, b, "total", limit);
    put_limit(cache, b, "unpinned", unpinned);
    rb_puts(cache, b, "\n");
    put_hresult_check(cache, hr);
    emit(cache);
}

void csc__rec_policy(csc_cache_t *cache, int policy, csc_hresult hr)
{
    static const char *const names[] = {"manual", "automatic", "eager"};
    rbuf_t *b = &cache->rec->out;
    if (policy >= 0 && policy < 3)
        rb_printf(cache, b, "policy %s\n", names[policy]);
    else
        rb_printf(cache, b, "# not expressible: csc_cache_set_policy(%d); result 0x%08X\n",
                  policy, (unsigned)(uint32_t)hr);
    emit(cache);
}

void csc__rec_evict_callback(csc_cache_t *cache)
{
    rb_puts(cache, &cache->rec->out,
            "# not expressible: csc_cache_set_evict_callback (the embedder's, not state)\n");
    emit(cache);
}

void csc__rec_evict(csc_cache_t *cache, bool all, uint64_t bytes, const uint64_t *freed,
                    const size_t *count, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    if (all)
        rb_puts(cache, b, "evict all\n");
    else
        rb_printf(cache, b, "evict bytes=%llu\n", (unsigned long long)bytes);
    put_hresult_check(cache, hr);
    if (freed != NULL && count != NULL)
        rb_printf(cache, b, "# freed %llu bytes, %zu items\n", (unsigned long long)*freed,
                  *count);
    if (cache->rec->item_checks)
        put_space_check(cache);
    emit(cache);
}

/* ---- starting and stopping ------------------------------------------------ */

csc_hresult csc_record_options_init(csc_record_options_t *opts, unsigned int version)
{
    if (opts == NULL)
        return CSC_E_POINTER;
    if (version == 0 || version > CSC_RECORD_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;
    csc_record_options_t init = CSC_RECORD_OPTIONS_INIT;
    *opts = init;
    opts->version = version;
    return CSC_S_OK;
}

static void dump_sink(void *user_data, const char *text, size_t len)
{
    csc_cache_t *cache = user_data;
    rb_put(cache, &cache->rec->out, text, len);
}

/* A cache as csc_cache_new makes it with default options: nothing to
 * recreate. */
static bool fresh(const csc_cache_t *cache)
{
    return cache->item_count == 0 && cache->clock == 0 && !cache->caller.admin &&
           strcmp(cache->caller.name, "user") == 0 && cache->limit == CSC_SPACE_UNLIMITED &&
           cache->unpinned_limit == CSC_SPACE_UNLIMITED && cache->policy == CSC_EVICT_MANUAL;
}

static csc_hresult start(csc_cache_t *cache, csc_write_cb write, void *user_data, FILE *file,
                         const csc_record_options_t *opts)
{
    csc_record_options_t defaults = CSC_RECORD_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    rec_t *rec = csc__malloc(&cache->alloc, sizeof *rec);
    if (rec == NULL)
        return CSC_E_OUTOFMEMORY;
    memset(rec, 0, sizeof *rec);
    rec->write = write;
    rec->user_data = user_data;
    rec->file = file;
    rec->item_checks = opts->item_checks;
    cache->rec = rec;
    rbuf_t *b = &rec->out;
    rb_puts(cache, b,
            "# cscsim recording: the calls made on a cache and the results seen\n"
            "# (csc_cache_record_start). Replay it on a fresh cache with `cscsim run FILE`\n"
            "# or csc_scenario_run: a FAIL line shows the first difference. Calls the\n"
            "# scenario language cannot say are '# not expressible: ...' lines, which a\n"
            "# replay skips.\n");
    if (!opts->no_state && !fresh(cache)) {
        rb_puts(cache, b, "# ---- the state at the start\n");
        csc_hresult hr = csc_cache_dump(cache, NULL, CSC_DUMP_SCENARIO, dump_sink, cache);
        if (hr != CSC_S_OK)
            lose(rec, hr);
    }
    rb_puts(cache, b, "# ---- the calls\n");
    if (rec->error != CSC_S_OK) { /* out of memory before anything was written */
        csc_hresult hr = rec->error;
        cache->rec = NULL;
        rb_free(cache, &rec->out);
        csc__free(&cache->alloc, rec, sizeof *rec);
        return hr;
    }
    emit(cache);
    return CSC_S_OK;
}

csc_hresult csc_cache_record_start(csc_cache_t *cache, csc_write_cb write, void *user_data,
                                   const csc_record_options_t *opts)
{
    if (cache == NULL || write == NULL)
        return CSC_E_POINTER;
    if (opts != NULL && (opts->version == 0 || opts->version > CSC_RECORD_OPTIONS_VERSION))
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = cache->rec != NULL ? CSC_E_ALREADY_EXISTS : start(cache, write, user_data, NULL, opts);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_cache_record_start_file(csc_cache_t *cache, const char *path,
                                        const csc_record_options_t *opts)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    if (opts != NULL && (opts->version == 0 || opts->version > CSC_RECORD_OPTIONS_VERSION))
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    if (cache->rec != NULL) {
        hr = CSC_E_ALREADY_EXISTS;
    } else {
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            hr = E_OPEN_FAILED;
        } else {
            hr = start(cache, file_write, NULL, f, opts);
            if (hr != CSC_S_OK)
                fclose(f);
        }
    }
    csc__leave(cache);
    return hr;
}

void csc__rec_free(csc_cache_t *cache)
{
    rec_t *rec = cache->rec;
    if (rec == NULL)
        return;
    if (rec->file != NULL && fclose(rec->file) != 0 && rec->error == CSC_S_OK)
        rec->error = E_WRITE_FAULT;
    rb_free(cache, &rec->out);
    rb_free(cache, &rec->scratch);
    cache->rec = NULL;
    csc__free(&cache->alloc, rec, sizeof *rec);
}

csc_hresult csc_cache_record_stop(csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    rec_t *rec = cache->rec;
    if (rec == NULL) {
        hr = CSC_S_FALSE;
    } else {
        rb_puts(cache, &rec->out, "# ---- end of the recording\n");
        emit(cache);
        if (rec->file != NULL) {
            if (fclose(rec->file) != 0 && rec->error == CSC_S_OK)
                rec->error = E_WRITE_FAULT;
            rec->file = NULL;
        }
        hr = rec->error;
        csc__rec_free(cache);
    }
    csc__leave(cache);
    return hr;
}

bool csc_cache_recording(const csc_cache_t *cache)
{
    if (cache == NULL)
        return false;
    csc__enter(cache, CSC__READ);
    bool on = cache->rec != NULL;
    csc__leave(cache);
    return on;
}

/* The C13 methods (feature.c, rename.c, suspend.c, encrypt.c): a command of
 * the language, `verb` then up to two paths, then `tail` (words, may be
 * NULL), then the result check. A path the language cannot hold gives a
 * `# not expressible` line instead. */
void csc__rec_command(csc_cache_t *cache, const char *verb, const char *path1,
                      const char *path2, const char *tail, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    if ((path1 != NULL && !expressible(path1)) || (path2 != NULL && !expressible(path2))) {
        rb_printf(cache, b, "# not expressible: %s with a path holding a double quote or a "
                            "line break\n", verb);
        emit(cache);
        return;
    }
    rb_puts(cache, b, verb);
    if (path1 != NULL) {
        rb_puts(cache, b, " ");
        put_path(cache, b, path1);
    }
    if (path2 != NULL) {
        rb_puts(cache, b, " ");
        put_path(cache, b, path2);
    }
    if (tail != NULL && *tail != '\0') {
        rb_puts(cache, b, " ");
        rb_puts(cache, b, tail);
    }
    rb_puts(cache, b, "\n");
    put_hresult_check(cache, hr);
    emit(cache);
}

void csc__rec_app(csc_cache_t *cache, const char *verb, const char *path, const char *tail,
                  csc_hresult hr)
{
    if (cache->rec->method == NULL) {
        csc__rec_command(cache, verb, path, NULL, tail, hr);
        return;
    }
    rbuf_t *b = target(cache);
    if (!expressible(path)) {
        rb_printf(cache, b, "# not expressible: %s with a path holding a double quote or a "
                            "line break; result 0x%08X\n", verb, (unsigned)(uint32_t)hr);
        return;
    }
    rb_printf(cache, b, "# from a progress callback of the call above: %s ", verb);
    put_path(cache, b, path);
    if (tail != NULL && *tail != '\0')
        rb_printf(cache, b, " %s", tail);
    rb_printf(cache, b, " = 0x%08X\n", (unsigned)(uint32_t)hr);
}

/* A C13 call the language cannot write (enumeration, encryption status). */
void csc__rec_not_expressible(csc_cache_t *cache, const char *what)
{
    rb_printf(cache, &cache->rec->out, "# not expressible: %s\n", what);
    emit(cache);
}

/* ---- C10: the remote side and connectivity ------------------------------ */

void csc__rec_remote(csc_cache_t *cache, const char *verb, const char *path, bool has_size,
                     uint64_t size, csc_hresult hr)
{
    char tail[40] = "";
    if (has_size)
        snprintf(tail, sizeof tail, "size=%llu", (unsigned long long)size);
    csc__rec_command(cache, verb, path, NULL, tail, hr);
}

void csc__rec_share(csc_cache_t *cache, const char *share, int mode, csc_hresult hr)
{
    static const char *const names[] = {"nocaching", "manual", "documents", "programs"};
    char tail[32];
    snprintf(tail, sizeof tail, "caching=%s", names[mode - 1]); /* 1..4, checked first */
    csc__rec_command(cache, "share", share, NULL, tail, hr);
}

void csc__rec_network(csc_cache_t *cache, const char *server, int condition, csc_hresult hr)
{
    static const char *const names[] = {"up", "down", "slow"}; /* checked first */
    csc__rec_command(cache, "network", server, NULL, names[condition], hr);
}

void csc__rec_transition(csc_cache_t *cache, bool offline, const char *path, bool force,
                         uint32_t flags, bool open_files, csc_hresult hr)
{
    rbuf_t *b = &cache->rec->out;
    if (flags != 0)
        rb_printf(cache, b, "# %s with flags 0x%X (no flags in the language; they change "
                            "nothing)\n", offline ? "csc_transition_offline" : "csc_transition_online",
                  (unsigned)flags);
    if (!offline) {
        csc__rec_command(cache, "online", path, NULL, NULL, hr);
        return;
    }
    if (!expressible(path)) {
        csc__rec_command(cache, "offline", path, NULL, NULL, hr); /* the note */
        return;
    }
    rb_puts(cache, b, "offline ");
    put_path(cache, b, path);
    rb_puts(cache, b, force ? " force\n" : "\n");
    put_hresult_check(cache, hr);
    rb_printf(cache, b, "expect open-files=%s\n", open_files ? "yes" : "no");
    emit(cache);
}

/* DeleteItemsForUser: `deleteitems ... for=USER` (C15.17), recorded as
 * csc__rec_method records DeleteItems. A user the language cannot write
 * (NULL, empty, a quote, a line break, a blank or a path) is noted. */
csc_hresult csc__rec_delete_for_user(csc_cache_t *cache, const char *user,
                                     const char *const *paths, size_t count, uint32_t flags,
                                     const csc_progress_t *progress, csc_cancel_t *cancel)
{
    rec_t *rec = cache->rec;
    bool user_ok = user_writable(user);
    if (rec->method != NULL || !user_ok) {
        csc_hresult hr = csc__delete_for_user(cache, user, paths, count, flags, progress, cancel);
        if (rec->method == NULL) {
            rb_printf(cache, &rec->out,
                      "# not expressible: csc_delete_items_for_user with a user name the "
                      "language cannot write; result 0x%08X\n", (unsigned)(uint32_t)hr);
            emit(cache);
        }
        return hr;
    }
    capture_t c;
    cap_init(&c, cache, progress, flags, cancel);
    const csc_progress_t *use = progress != NULL && progress->version > CSC_PROGRESS_VERSION
                                    ? progress
                                    : &c.wrap;
    rec->method = &c;
    csc_hresult hr = csc__delete_for_user(cache, user, paths, count, flags, use, cancel);
    rec->method = NULL;
    rec->for_user = user;
    put_method(cache, &c, CSC__OP_DELETE, paths, count, flags, false, hr, false, 0,
               "csc_delete_items_for_user");
    rec->for_user = NULL;
    cap_free(&c);
    emit(cache);
    return hr;
}

/* ---- fault rules (cscsim/fault.h) ------------------------------------------ */

/* A rule as the `fail` command writes it, so that a replay arms the same
 * rule; a rule the language cannot spell is a comment. */
void csc__rec_fault(csc_cache_t *cache, const csc_fault_rule_t *rule, csc_hresult hr)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } ops[] = {{CSC_FAULT_OP_UNPIN, "unpin"}, {CSC_FAULT_OP_PIN, "pin"},
               {CSC_FAULT_OP_SYNCHRONIZE, "sync"}, {CSC_FAULT_OP_DELETE_ITEMS, "deleteitems"},
               {CSC_FAULT_OP_CACHE, "cache"}, {CSC_FAULT_OP_OPEN, "open"},
               {CSC_FAULT_OP_CLOSE, "close"}, {CSC_FAULT_OP_MODIFY, "modify"}};
    rbuf_t *b = &cache->rec->out;
    if (hr != CSC_S_OK || (rule->path != NULL && !expressible(rule->path))) {
        rb_printf(cache, b, "# not expressible: csc_cache_add_fault; result 0x%08X\n",
                  (unsigned)(uint32_t)hr);
        emit(cache);
        return;
    }
    if (rule->server_down) {
        rb_puts(cache, b, "fail server-down ");
        put_path(cache, b, rule->path != NULL ? rule->path : "");
        rb_puts(cache, b, (rule->ops & CSC_FAULT_OP_PIN) && (rule->ops & CSC_FAULT_OP_SYNCHRONIZE)
                              ? " pin|sync"
                          : (rule->ops & CSC_FAULT_OP_PIN) ? " pin"
                                                           : " sync");
        rb_printf(cache, b, " after=%u", (unsigned)rule->after);
    } else {
        rb_puts(cache, b, "fail ");
        const char *sep = "";
        if ((rule->ops & CSC_FAULT_OP_ANY) == CSC_FAULT_OP_ANY) {
            rb_puts(cache, b, "any");
        } else {
            for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
                if (rule->ops & ops[i].bit) {
                    rb_printf(cache, b, "%s%s", sep, ops[i].name);
                    sep = "|";
                }
        }
        if (rule->path != NULL) {
            rb_puts(cache, b, " ");
            put_path(cache, b, rule->path);
            if (rule->subtree)
                rb_puts(cache, b, " subtree");
        }
        rb_printf(cache, b, " nth=%u %s", (unsigned)rule->nth, rule->once ? "once" : "always");
        if (rule->probability < 1) {
            /* Twelve decimals: what the `fail` grammar reads. */
            char p[32];
            snprintf(p, sizeof p, "%.12f", rule->probability);
            size_t n = strlen(p);
            while (n > 1 && p[n - 1] == '0' && p[n - 2] != '.')
                p[--n] = '\0';
            rb_printf(cache, b, " probability=%s seed=%llu", p, (unsigned long long)rule->seed);
        }
        if (rule->delivery == CSC_FAULT_AT_CALL)
            rb_puts(cache, b, " call");
    }
    rb_printf(cache, b, " code=0x%08X\n", (unsigned)(uint32_t)rule->code);
    emit(cache);
}

void csc__rec_fault_clear(csc_cache_t *cache)
{
    /* `fail clear` removes the rules the replay itself armed: those are the
     * recorded ones (rules armed before the recording began are not state
     * the recording recreates). */
    rb_puts(cache, &cache->rec->out, "fail clear\n");
    emit(cache);
}

void csc__rec_fault_remove(csc_cache_t *cache, csc_fault_id_t id, csc_hresult hr)
{
    rb_printf(cache, &cache->rec->out,
              "# not expressible: csc_cache_remove_fault(%llu) (the language names no rule); "
              "result 0x%08X\n",
              (unsigned long long)id, (unsigned)(uint32_t)hr);
    emit(cache);
}
