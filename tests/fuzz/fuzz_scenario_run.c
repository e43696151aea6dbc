/*
 * tests/fuzz/fuzz_scenario_run.c: the libFuzzer harness of scenario
 * execution (src/scenario/runner.c on the library). It owns turning fuzzer bytes into
 * a script, and the properties checked after every command: the cache's tree
 * invariants hold (csc_cache_check), and every call that reports progress
 * (pin, unpin, sync, and the API calls below) delivers a well-formed event
 * sequence (C4.2, C4.5, C6.4): none when the call is refused, else Begin,
 * ItemBegin/ItemResult pairs (an ItemBegin answered ABORT has none), End
 * last, End's result and the return value agreeing on cancellation (C4.7);
 * a violation aborts with the script so far. The runner's transcript goes to
 * a memory buffer, from which its calls' events are read back. An input that
 * is a whole valid scenario file (every line parses, as `cscsim run`
 * requires) runs as written, so the seed corpus of conformance and teaching
 * scenarios and their mutations are scenarios. Any other input drives a
 * structure-aware generator: each command takes a few bytes that choose a
 * command of the scenario language, paths built from a small pool of
 * colliding spellings (case, Unicode folding, '/', \\?\UNC\, ".", "..",
 * trailing periods and spaces) and occasionally raw bytes, and options at
 * the edges (sizes up to 2^64 - 1, invalid flag bits, AsyncProgress,
 * abort-at, retry-at); the command is written as scenario text, must parse
 * (the generator writes only valid syntax) and runs through the runner; a
 * few commands are public API calls the language lacks (DeleteItems, the WMI
 * entry points, mark-synchronized, evict with counts). FUZZ_PRINT_SCRIPT in
 * the environment prints the script to standard error as it is made (to turn
 * a crash input into a scenario); FUZZ_SCENARIO_MODE=text or =generate reads
 * inputs one way only.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cscsim.h>

#include "scenario/runner.h"
#include "scenario/command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_COMMANDS 200u
#define LINE_CAP 4096u

static bool print_script;
/* FUZZ_SCENARIO_MODE=text or =generate forces one way of reading inputs. */
static enum { MODE_AUTO, MODE_TEXT, MODE_GENERATE } mode;

/* ---- the script so far, for failure reports --------------------------- */

static char *script;
static size_t script_len, script_cap;

static void script_add(const char *line, size_t len)
{
    if (script_len + len + 2 > script_cap) {
        size_t cap = script_cap == 0 ? 4096 : script_cap;
        while (script_len + len + 2 > cap)
            cap *= 2;
        char *s = realloc(script, cap);
        if (s == NULL)
            abort();
        script = s;
        script_cap = cap;
    }
    memcpy(script + script_len, line, len);
    script_len += len;
    script[script_len++] = '\n';
    script[script_len] = '\0';
    if (print_script)
        fprintf(stderr, "%.*s\n", (int)len, line);
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz_scenario_run: property failed: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n--- script so far ---\n%s--- end ---\n", script != NULL ? script : "");
    abort();
}

static void check_cache(const csc__scn_runner_t *r, const char *after)
{
    char why[512];
    csc_hresult hr = csc_cache_check(csc__scn_runner_cache(r), why, sizeof why);
    if (hr != CSC_S_OK)
        fail("csc_cache_check after \"%s\": 0x%08X %s", after, (unsigned)hr, why);
}

/* ---- the shape of an event sequence (C4.2, C4.5, C6.4, C4.7) -------------- */

typedef struct events {
    unsigned char *reasons;
    uint32_t *results;
    size_t count, cap;
} events_t;

static void events_add(events_t *e, unsigned reason, uint32_t result)
{
    if (e->count == e->cap) {
        size_t cap = e->cap == 0 ? 64 : e->cap * 2;
        unsigned char *r = realloc(e->reasons, cap);
        if (r == NULL)
            abort();
        e->reasons = r;
        uint32_t *v = realloc(e->results, cap * sizeof *v);
        if (v == NULL)
            abort();
        e->results = v;
        e->cap = cap;
    }
    e->reasons[e->count] = (unsigned char)reason;
    e->results[e->count++] = result;
}

static void events_free(events_t *e)
{
    free(e->reasons);
    free(e->results);
    memset(e, 0, sizeof *e);
}

#define CANCELLED 0x800704C7u

/*
 * Checks a call's events against its return value `ret` (an HRESULT, or
 * `have_ret` false when only the shape is known): no event for a refused
 * call; else Begin (result 0) first, End last, between them ItemBegin
 * (result 0) and ItemResult in pairs, except that the last ItemBegin may go
 * without its ItemResult when End says cancelled (an ABORT answer at step 2);
 * End carries S_OK, 0x800704C7 or E_OUTOFMEMORY, and says cancelled exactly
 * when the call returns 0x800704C7.
 */
static void check_events(const char *what, const events_t *e, bool have_ret, uint32_t ret)
{
    size_t n = e->count;
    if (n == 0) {
        if (have_ret && !CSC_FAILED((csc_hresult)ret))
            fail("\"%s\" returned 0x%08X without any event", what, (unsigned)ret);
        return;
    }
    const unsigned char *r = e->reasons;
    if (n < 2 || r[0] != CSC_EVENT_BEGIN || e->results[0] != 0 || r[n - 1] != CSC_EVENT_END)
        fail("\"%s\": %zu events, not Begin ... End", what, n);
    uint32_t end = e->results[n - 1];
    if (end != 0 && end != CANCELLED && end != (uint32_t)CSC_E_OUTOFMEMORY)
        fail("\"%s\": End carries 0x%08X", what, (unsigned)end);
    for (size_t i = 1; i + 1 < n; i++) {
        if (r[i] == CSC_EVENT_ITEM_BEGIN) {
            if (e->results[i] != 0)
                fail("\"%s\": ItemBegin #%zu carries 0x%08X", what, i + 1,
                     (unsigned)e->results[i]);
            if (r[i + 1] == CSC_EVENT_ITEM_RESULT) {
                i++;
                continue;
            }
            if (i + 2 == n && end == CANCELLED)
                continue; /* aborted at ItemBegin */
        }
        fail("\"%s\": event #%zu has reason %u out of order", what, i + 1, (unsigned)r[i]);
    }
    if (have_ret && (end == CANCELLED) != (ret == CANCELLED))
        fail("\"%s\": End carries 0x%08X but the call returned 0x%08X", what, (unsigned)end,
             (unsigned)ret);
}

/* The runner's transcript, in memory; `seen` is where the next command's
 * output begins. */
static FILE *transcript;
static char *transcript_buf;
static size_t transcript_len, transcript_seen;

/* After a pin, unpin or sync: its events and result line, read back from
 * the transcript ("  R:0xRESULT:text:path" and "= 0xRESULT ..."). */
static void check_transcript(const csc__scn_command_t *cmd)
{
    if (fflush(transcript) != 0)
        abort();
    const char *p = transcript_buf + transcript_seen, *end = transcript_buf + transcript_len;
    transcript_seen = transcript_len;
    if (cmd->kind != CSC__SCN_CMD_PIN && cmd->kind != CSC__SCN_CMD_UNPIN &&
        cmd->kind != CSC__SCN_CMD_SYNC)
        return;
    events_t e = {0};
    bool have_ret = false;
    uint32_t ret = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl != NULL ? nl + 1 : end;
        if (next - p > 6 && p[0] == ' ' && p[1] == ' ' && p[2] >= '0' && p[2] <= '3' &&
            p[3] == ':')
            events_add(&e, (unsigned)(p[2] - '0'), (uint32_t)strtoul(p + 4, NULL, 16));
        else if (next - p > 4 && p[0] == '=' && p[1] == ' ') {
            ret = (uint32_t)strtoul(p + 2, NULL, 16);
            have_ret = true;
        }
        p = next;
    }
    if (!have_ret)
        fail("\"%s\" printed no result", cmd->echo);
    check_events(cmd->echo, &e, true, ret);
    events_free(&e);
}

/* ---- byte source ------------------------------------------------------- */

typedef struct bytes {
    const uint8_t *data;
    size_t size, pos;
} bytes_t;

static bool more(const bytes_t *b)
{
    return b->pos < b->size;
}

/* The next byte; 0 once the input is used up. */
static unsigned byte(bytes_t *b)
{
    return b->pos < b->size ? b->data[b->pos++] : 0u;
}

static unsigned pick(bytes_t *b, unsigned n)
{
    return byte(b) % n;
}

/* ---- text of one line --------------------------------------------------- */

typedef struct line {
    char text[LINE_CAP];
    size_t len;
} line_t;

static void put(line_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(line_t *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->text + l->len, LINE_CAP - l->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= LINE_CAP - l->len)
        abort(); /* the generator never writes that much */
    l->len += (size_t)n;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Spellings that collide by case, folding (C1.3) or step 6 (C1.2). */
static const char *const servers[] = {"srv", "SRV", "s2", "srv.", "\xCE\xA3rv", "\xCF\x83rv"};
static const char *const shares[] = {"share", "SHARE", "sh2", "share ", "..."};
static const char *const names[] = {
    "a",     "A",     "b",     "dir",   "DIR",   "f.txt", "F.TXT", "x.",   "x..",
    "...",   ".",     "..",    "sp ",   "k",     "K",     "\xE2\x84\xAA" /* Kelvin */,
    "\xC3\x9F" /* sharp s */,  "\xE1\xBA\x9E" /* capital sharp s */, "a#b", "bad<",
    "\xC3\x84rger", "\xC3\xA4rger", "\xF0\x9F\x98\x80" /* astral */, "x .", "e\xCC\x81",
};
static const char *const users[] = {"user", "alice", "ALICE", "bob", "\xC3\x84rger"};
static const char *const sizes[] = {
    "0", "1", "512", "4K", "1M", "1G", "0x8000000000000000", "18446744073709551615",
    "0xFFFFFFFFFFFFFFFE", "3",
};
static const char *const flag_names[] = {
    "Fill",          "PinLinkTargets", "ForUser",     "ForUser_Policy", "ForAll",
    "ForRedir",      "LowPriority",    "Interactive", "Console",        "Background",
    "OfflineFilesPinControlFlagForAll", "forredir", "AsyncProgress",
};

/* A component of raw bytes: anything but what would end the quoted token or
 * the line (", NUL, line feed). */
static void put_raw(line_t *l, bytes_t *b)
{
    unsigned n = 1 + pick(b, 6);
    for (unsigned i = 0; i < n && l->len + 1 < LINE_CAP; i++) {
        unsigned c = byte(b);
        if (c == '"' || c == '\0' || c == '\n')
            c = '_';
        l->text[l->len++] = (char)c;
    }
    l->text[l->len] = '\0';
}

/* A path argument, quoted (it may hold spaces) or, when it cannot be
 * misread, bare. */
static void put_path(line_t *l, bytes_t *b)
{
    unsigned shape = byte(b);
    unsigned special = shape % 32;
    put(l, " ");
    if (special == 0) {
        put(l, "\"C:\\x\"");
        return;
    }
    if (special == 1) {
        put(l, "\"\\\\.\\srv\\share\"");
        return;
    }
    if (special == 2) {
        put(l, "\"\\\\\"");
        return;
    }
    bool quoted = (shape & 0x20u) == 0;
    size_t start = l->len;
    if (quoted)
        put(l, "\"");
    bool slash = (shape & 0x40u) != 0 && pick(b, 4) == 0;
    const char *sep = slash ? "/" : "\\";
    if ((shape & 0x80u) != 0 && pick(b, 4) == 0)
        put(l, "%s%s?%sUNC%s", sep, sep, sep, sep);
    else
        put(l, "%s%s", sep, sep);
    unsigned ncomp = 1 + pick(b, 6);
    for (unsigned i = 0; i < ncomp; i++) {
        if (i > 0)
            put(l, "%s", sep);
        unsigned c = byte(b);
        if (i == 0) {
            put(l, "%s", servers[c % COUNT(servers)]);
        } else if (i == 1) {
            put(l, "%s", shares[c % COUNT(shares)]);
        } else if (c >= 0xF0u) {
            put_raw(l, b);
        } else {
            put(l, "%s", names[c % COUNT(names)]);
        }
    }
    if (pick(b, 8) == 0)
        put(l, "%s", sep);
    if (quoted) {
        put(l, "\"");
    } else {
        /* Bare only when nothing in it would split or end the token. */
        for (size_t i = start; i < l->len; i++) {
            char c = l->text[i];
            if ((c == ' ' || c == '\t' || c == '\r') && l->len + 2 < LINE_CAP) {
                memmove(l->text + start + 1, l->text + start, l->len - start);
                l->text[start] = '"';
                l->len++;
                put(l, "\"");
                break;
            }
        }
    }
}

static void put_paths(line_t *l, bytes_t *b, unsigned max)
{
    unsigned n = 1 + pick(b, max);
    for (unsigned i = 0; i < n; i++)
        put_path(l, b);
}

static void put_flags(line_t *l, bytes_t *b)
{
    unsigned form = pick(b, 8);
    if (form == 0) {
        /* A raw 32-bit number: mostly invalid bits (C4.1). */
        uint32_t v = (uint32_t)byte(b) | (uint32_t)byte(b) << 8 | (uint32_t)byte(b) << 24;
        put(l, " flags=0x%X", (unsigned)v);
        return;
    }
    if (form == 1) {
        put(l, " flags=%u", (unsigned)(CSC_PIN_FLAG_FOR_USER << pick(b, 4)));
        return;
    }
    put(l, " flags=");
    unsigned sources = byte(b);
    const char *bar = "";
    for (unsigned i = 0; i < 4; i++) {
        if (sources & (1u << i)) {
            put(l, "%s%s", bar, flag_names[2 + i]);
            bar = "|";
        }
    }
    unsigned extra = pick(b, 4);
    for (unsigned i = 0; i < extra; i++) {
        unsigned f = pick(b, COUNT(flag_names));
        /* AsyncProgress runs on a loop and a thread: rarer. */
        if (f == COUNT(flag_names) - 1 && pick(b, 4) != 0)
            continue;
        put(l, "%s%s", bar, flag_names[f]);
        bar = "|";
    }
    if (*bar == '\0')
        put(l, "0");
}

static void put_method_options(line_t *l, bytes_t *b)
{
    unsigned o = byte(b);
    if (o & 1u)
        put_flags(l, b);
    if ((o & 6u) == 2u)
        put(l, " deep");
    else if (o & 2u)
        put(l, " deep=%s", (o & 8u) ? "true" : "false");
    if (o & 16u)
        put(l, " abort-at=%u", pick(b, 6));
    if (o & 32u)
        put(l, " retry-at=%u", 1 + pick(b, 5));
}

/* ---- commands the language lacks: public API calls ------------------------ */

/* Collects up to three paths as bare strings (without quotes). */
typedef struct path_list {
    line_t text[3];
    const char *ptr[3];
    size_t count;
} path_list_t;

static void unquote(line_t *p)
{
    /* put_path writes " PATH" or " \"PATH\"". */
    size_t s = 1, e = p->len;
    if (p->text[1] == '"') {
        s = 2;
        e--;
    }
    memmove(p->text, p->text + s, e - s);
    p->len = e - s;
    p->text[p->len] = '\0';
}

static void gen_path_list(bytes_t *b, path_list_t *pl)
{
    pl->count = 1 + pick(b, 3);
    for (size_t i = 0; i < pl->count; i++) {
        pl->text[i].len = 0;
        put_path(&pl->text[i], b);
        unquote(&pl->text[i]);
        pl->ptr[i] = pl->text[i].text;
    }
}

/* The WMI entry points' events: the reason is the first character. */
static void record_wmi(void *user_data, const char *message)
{
    events_t *e = user_data;
    events_add(e, (unsigned)(message[0] - '0'), (uint32_t)strtoul(message + 2, NULL, 16));
}

/* A recording, answering sink for DeleteItems: RETRY and ABORT from the
 * bytes. */
typedef struct answers {
    unsigned retry_at, abort_at, results, begins;
    events_t events;
} answers_t;

static void on_begin(void *user_data, const csc_event_t *ev, bool *abort_call)
{
    answers_t *a = user_data;
    (void)abort_call;
    events_add(&a->events, ev->reason, (uint32_t)ev->result);
}

static csc_op_response_t on_item_begin(void *user_data, const csc_event_t *ev)
{
    answers_t *a = user_data;
    events_add(&a->events, ev->reason, (uint32_t)ev->result);
    return ++a->begins == a->abort_at ? CSC_OP_ABORT : CSC_OP_CONTINUE;
}

static csc_op_response_t on_item_result(void *user_data, const csc_event_t *ev)
{
    answers_t *a = user_data;
    events_add(&a->events, ev->reason, (uint32_t)ev->result);
    return ++a->results == a->retry_at ? CSC_OP_RETRY : CSC_OP_CONTINUE;
}

static void on_end(void *user_data, const csc_event_t *ev)
{
    answers_t *a = user_data;
    events_add(&a->events, ev->reason, (uint32_t)ev->result);
}

static void run_api(csc__scn_runner_t *r, bytes_t *b, unsigned op)
{
    /* The runner lends its cache const; between commands nothing of the
     * runner is using it, so the harness acts on it as an embedder would. */
    csc_cache_t *cache = csc__scn_runner_cache(r);
    path_list_t pl;
    gen_path_list(b, &pl);
    char desc[LINE_CAP + 64];
    csc_hresult hr = CSC_S_OK;
    events_t events = {0};
    bool have_ret = true;
    switch (op) {
    case 0: {
        static const uint32_t flag_set[] = {
            0,
            CSC_DELETE_DEL_MODIFIED,
            CSC_DELETE_NO_PINNED,
            CSC_DELETE_NO_AUTO_CACHED,
            CSC_DELETE_ADMIN | CSC_DELETE_DEL_MODIFIED,
            CSC_DELETE_NO_PINNED | CSC_DELETE_NO_AUTO_CACHED,
            0x10u, /* unknown */
        };
        uint32_t flags = flag_set[pick(b, COUNT(flag_set))];
        answers_t a = {pick(b, 4), pick(b, 6), 0, 0, {0}};
        csc_progress_t pr = {CSC_PROGRESS_VERSION, &a, on_begin, NULL, on_item_begin, on_item_result, on_end};
        bool sink = (byte(b) & 1u) != 0;
        hr = csc_delete_items(cache, pl.ptr, pl.count, flags, sink ? &pr : NULL, NULL);
        snprintf(desc, sizeof desc, "# api: delete-items flags=0x%X retry-at=%u abort-at=%u",
                 (unsigned)flags, a.retry_at, a.abort_at);
        if (sink)
            events = a.events;
        else
            have_ret = false;
        break;
    }
    case 1: {
        uint32_t flags = (byte(b) & 0x0Fu) << 5; /* any set of sources, maybe none */
        flags |= (byte(b) & 1u) ? CSC_PIN_FLAG_BACKGROUND : 0u;
        bool deep = (byte(b) & 1u) != 0;
        bool pin = (byte(b) & 1u) != 0;
        uint32_t v = pin ? csc_wmi_pin(cache, pl.ptr, pl.count, flags, deep, record_wmi, &events)
                         : csc_wmi_unpin(cache, pl.ptr, pl.count, flags, deep, record_wmi,
                                         &events);
        hr = (csc_hresult)v;
        have_ret = false; /* a WMI code, not an HRESULT */
        snprintf(desc, sizeof desc, "# api: wmi-%s flags=0x%X deep=%d", pin ? "pin" : "unpin",
                 (unsigned)flags, deep);
        break;
    }
    case 2: {
        csc_item_t *item;
        hr = csc_cache_find(cache, pl.ptr[0], &item);
        if (hr == CSC_S_OK)
            hr = csc_item_mark_synchronized(cache, item);
        have_ret = false;
        snprintf(desc, sizeof desc, "# api: mark-synchronized");
        break;
    }
    default: {
        uint64_t freed = 0;
        size_t count = 0;
        uint64_t want = (uint64_t)byte(b) << (byte(b) % 64);
        hr = csc_cache_evict(cache, false, want, &freed, &count);
        have_ret = false;
        snprintf(desc, sizeof desc, "# api: evict bytes=%llu -> freed %llu, %zu items",
                 (unsigned long long)want, (unsigned long long)freed, count);
        break;
    }
    }
    size_t n = strlen(desc);
    for (size_t i = 0; i < pl.count; i++) {
        int w = snprintf(desc + n, sizeof desc - n, " \"%s\"", pl.ptr[i]);
        if (w < 0 || (size_t)w >= sizeof desc - n)
            break;
        n += (size_t)w;
    }
    snprintf(desc + n, sizeof desc - n, " = 0x%08X", (unsigned)hr);
    script_add(desc, strlen(desc));
    check_cache(r, desc);
    if (have_ret || events.count > 0)
        check_events(desc, &events, have_ret, (uint32_t)hr);
    events_free(&events);
}

/* ---- generating and running -------------------------------------------- */

/* Writes one scenario command; returns false for an API call done instead. */
static bool gen_command(csc__scn_runner_t *r, bytes_t *b, line_t *l)
{
    /* Weighted: setup and methods more often than checks. */
    static const unsigned char table[] = {
        0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
        12, 13, 13, 13, 14, 14, 14, 15, 16, 16, 17, 17, 18, 19, 20, 4,
        /* round 2: applications (C11) and the remote side they need */
        21, 21, 22, 22, 23, 24, 25, 26, 26, 6,
    };
    unsigned op = table[pick(b, COUNT(table))];
    l->len = 0;
    l->text[0] = '\0';
    switch (op) {
    case 0:
        put(l, "file");
        put_path(l, b);
        if (byte(b) & 1u)
            put(l, " size=%s", sizes[pick(b, COUNT(sizes))]);
        break;
    case 1:
        put(l, "dir");
        put_path(l, b);
        break;
    case 2:
        put(l, "as %s%s", users[pick(b, COUNT(users))], (byte(b) & 1u) ? " admin" : "");
        break;
    case 3: {
        put(l, "access");
        put_path(l, b);
        unsigned n = 1 + pick(b, 3);
        for (unsigned i = 0; i < n; i++)
            put(l, " %s", users[pick(b, COUNT(users))]);
        break;
    }
    case 4:
        put(l, "modify");
        put_path(l, b);
        if (byte(b) & 1u)
            put(l, " bytes=%s", sizes[pick(b, COUNT(sizes))]);
        break;
    case 5: { /* Synchronize (C12): flags, the CR field, a handler's answer */
        static const char *const sync_flags[] = {
            "SyncIn|SyncOut", "SyncIn", "SyncOut", "FillSparse", "0",
            "SyncIn|PinNewFiles|PinForUser", "SyncIn|SyncOut|SkipSuspendedDirs",
            "SyncOut|NoNewFilesOut", "SyncIn|SyncOut|CrKeepLocal", "SyncIn|CrKeepRemote",
            "SyncOut|CrKeepLatest", "SyncIn|SyncOut|Background", "0x40000000", "0x12345"};
        static const char *const answers[] = {"none",        "keep-local", "keep-remote",
                                              "keep-all-changes", "keep-latest", "log",
                                              "skip",        "abort"};
        put(l, "sync");
        put_paths(l, b, 3);
        unsigned o = byte(b);
        if (o & 1u)
            put(l, " flags=%s", sync_flags[pick(b, COUNT(sync_flags))]);
        if (o & 2u)
            put(l, " resolve=%s", answers[pick(b, COUNT(answers))]);
        break;
    }
    case 6:
        put(l, "open");
        put_path(l, b);
        break;
    case 7:
        put(l, "close");
        put_path(l, b);
        break;
    case 8: {
        put(l, "limits");
        unsigned o = byte(b);
        if (o & 1u)
            put(l, " total=%s", (o & 4u) ? "unlimited" : sizes[pick(b, COUNT(sizes))]);
        if (o & 2u)
            put(l, " unpinned=%s", (o & 8u) ? "unlimited" : sizes[pick(b, COUNT(sizes))]);
        break;
    }
    case 9: {
        static const char *const policies[] = {"manual", "automatic", "eager", "EAGER"};
        put(l, "policy %s", policies[pick(b, COUNT(policies))]);
        break;
    }
    case 10: {
        static const char *const ticks[] = {"", " 1", " 5", " 0", " 0xFFFFFFFFFFFFFFFF"};
        put(l, "tick%s", ticks[pick(b, COUNT(ticks))]);
        break;
    }
    case 11:
        put(l, "touch");
        put_path(l, b);
        break;
    case 12: {
        unsigned o = pick(b, 3);
        put(l, "evict%s", o == 0 ? "" : o == 1 ? " all" : "");
        if (o == 2)
            put(l, " bytes=%s", sizes[pick(b, COUNT(sizes))]);
        break;
    }
    case 13:
    case 14:
        put(l, op == 13 ? "pin" : "unpin");
        put_paths(l, b, 3);
        put_method_options(l, b);
        break;
    case 15:
        put(l, "show");
        if (byte(b) & 1u)
            put_path(l, b);
        break;
    case 16: {
        static const char *const forms[] = {
            "expect return=0",
            "expect hresult=E_INVALIDARG",
            "expect return=ERROR_FILE_NOT_FOUND",
            "expect events=4",
            "expect event#2=\"2:0x00000000:The operation completed successfully.:\\\\srv\"",
            "expect event=\"1:0x00000000:The operation completed successfully.:\"",
            "expect space used=0 unpinned-used=0 limit=unlimited unpinned-limit=4K",
        };
        unsigned f = pick(b, COUNT(forms) + 1);
        if (f < COUNT(forms)) {
            put(l, "%s", forms[f]);
        } else {
            put(l, "expect");
            put_path(l, b);
            put(l, " cached=yes pins=user,computer inherit=none pinned=no partly-pinned=no "
                   "dirty=no evictable=yes open=no type=file");
        }
        break;
    }
    case 21: /* C11.2 */
        put(l, "write");
        put_path(l, b);
        if (byte(b) & 1u)
            put(l, " bytes=%s", sizes[pick(b, COUNT(sizes))]);
        if (byte(b) & 1u)
            put(l, " size=%s", sizes[pick(b, COUNT(sizes))]);
        break;
    case 22: /* C11.4, C11.5 */
        put(l, (byte(b) & 1u) ? "create" : "delete");
        put_path(l, b);
        break;
    case 23: {
        static const char *const conditions[] = {"up", "down", "slow", "UP"};
        put(l, "network \\\\srv %s", conditions[pick(b, COUNT(conditions))]);
        break;
    }
    case 24:
        put(l, (byte(b) & 1u) ? "offline" : "online");
        put_path(l, b);
        if (byte(b) & 1u && strncmp(l->text, "offline", 7) == 0)
            put(l, " force");
        break;
    case 25: {
        static const char *const modes[] = {"manual", "documents", "programs", "nocaching"};
        put(l, "share \\\\srv\\share caching=%s", modes[pick(b, COUNT(modes))]);
        break;
    }
    case 26: { /* remote files and writes for the applications to find */
        static const char *const verbs[] = {"file", "write", "delete", "dir"};
        put(l, "remote %s", verbs[pick(b, COUNT(verbs))]);
        put_path(l, b);
        break;
    }
    default:
        run_api(r, b, op - 17);
        return false;
    }
    return true;
}

static void run_generated(csc__scn_runner_t *r, bytes_t *b)
{
    static line_t l;
    for (unsigned n = 0; n < MAX_COMMANDS && more(b); n++) {
        if (!gen_command(r, b, &l))
            continue;
        script_add(l.text, l.len);
        csc__scn_command_t cmd;
        char err[512];
        if (csc__scn_parse_line(l.text, l.len, n + 1, &cmd, err, sizeof err, NULL) != 1)
            fail("the generated line \"%s\" does not parse: %s", l.text, err);
        csc__scn_runner_exec(r, &cmd);
        check_cache(r, l.text);
        check_transcript(&cmd);
        csc__scn_command_free(&cmd);
    }
}

/* Parses the input as a scenario file; true when every line parses and
 * there is at least one command. The commands go into *cmds. */
static bool parse_text(const uint8_t *data, size_t size, csc__scn_command_t **cmds, size_t *count)
{
    const char *text = (const char *)data;
    size_t pos = 0, n = 0, cap = 0;
    unsigned line_no = 0;
    csc__scn_command_t *list = NULL;
    bool ok = true;
    while (ok && pos < size) {
        const char *nl = memchr(text + pos, '\n', size - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : size;
        if (n == cap) {
            cap = cap == 0 ? 16 : cap * 2;
            csc__scn_command_t *c = realloc(list, cap * sizeof *c);
            if (c == NULL)
                abort();
            list = c;
        }
        char err[512];
        int got = csc__scn_parse_line(text + pos, end - pos, ++line_no, &list[n], err, sizeof err,
                                      NULL);
        if (got < 0)
            ok = false;
        else if (got > 0)
            n++;
        pos = end + 1;
    }
    if (!ok || n == 0) {
        for (size_t i = 0; i < n; i++)
            csc__scn_command_free(&list[i]);
        free(list);
        return false;
    }
    *cmds = list;
    *count = n;
    return true;
}

static void write_transcript(void *user_data, const char *text, size_t len)
{
    if (fwrite(text, 1, len, user_data) != len)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    print_script = getenv("FUZZ_PRINT_SCRIPT") != NULL;
    const char *m = getenv("FUZZ_SCENARIO_MODE");
    mode = m == NULL ? MODE_AUTO : strcmp(m, "text") == 0 ? MODE_TEXT
                                 : strcmp(m, "generate") == 0 ? MODE_GENERATE : MODE_AUTO;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    script_len = 0;
    if (script != NULL)
        script[0] = '\0';
    csc__scn_command_t *cmds = NULL;
    size_t count = 0;
    bool text = mode != MODE_GENERATE && parse_text(data, size, &cmds, &count);
    if (mode == MODE_TEXT && !text)
        return 0;
    transcript = open_memstream(&transcript_buf, &transcript_len);
    if (transcript == NULL)
        abort();
    transcript_seen = 0;
    csc__scn_runner_options_t opts = {"fuzz", write_transcript, NULL, transcript,
                                      size > 0 && (data[0] & 1u) != 0, true, true};
    csc_cache_t *cache;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK)
        abort();
    csc__scn_runner_t *r;
    if (csc__scn_runner_new(&r, cache, &opts) != CSC_S_OK)
        abort();
    check_cache(r, "(new)");
    if (text) {
        for (size_t i = 0; i < count; i++) {
            script_add(cmds[i].echo, strlen(cmds[i].echo));
            csc__scn_runner_exec(r, &cmds[i]);
            check_cache(r, cmds[i].echo);
            check_transcript(&cmds[i]);
        }
        for (size_t i = 0; i < count; i++)
            csc__scn_command_free(&cmds[i]);
        free(cmds);
    } else {
        bytes_t b = {data, size, 0};
        run_generated(r, &b);
    }
    csc__scn_runner_free(r);
    csc_cache_free(cache);
    fclose(transcript);
    free(transcript_buf);
    transcript_buf = NULL;
    return 0;
}
