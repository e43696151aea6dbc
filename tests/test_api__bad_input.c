/*
 * tests/test_api__bad_input.c: malformed input across the public API, table
 * driven. Each row of the main table is one call (Pin, Unpin, Synchronize,
 * DeleteItems, the WMI entry points, the asynchronous starts, caching,
 * finding, path normalisation, limits, policy, clock, caller, access lists,
 * item changes, eviction, cache creation) with a malformed path (every class
 * of C1.4: empty, not UNC, no server, characters not allowed, bad UTF-8
 * (a surrogate pair in two 3-byte halves among it, C14.4),
 * components and paths too long in UTF-16 units, ".." above the share, plus
 * boundary spellings that are valid and merely not cached), a malformed flag
 * word (C4.1) or a bad argument combination (C2.4, C4.5, C5.5, C5.7, C8.1,
 * C9.1). A row states the HRESULT the contract gives (E_INVALIDARG for a
 * call C4.1 rejects, 0x8007007B for an invalid path, 0x80070002 for one not
 * cached, E_POINTER for NULL pointers; a per-path failure returns as C4.7
 * says, and DeleteItems as the README decides), the progress events or WMI
 * messages expected (none for a rejected call; the failed item with the path
 * as given, C4.3), and is checked for "the cache is unchanged": a snapshot
 * of everything observable through the public API (csc_test_dump: caller,
 * clock, policy, disk space, and per item its path, type, pins, inherit
 * bits, WMI pin values, partly pinned, dirty state and bytes, open count,
 * sharing violations, size, last use, evictable, access list, the caller's
 * access, and that finding its path gives it back; the disk-space figures
 * and partly pinned also checked against a recount) taken before and after
 * must be identical, the invariant checker must pass, no eviction may be
 * reported, and every block must be freed. These rows run under the default
 * `manual` policy, because C5.5 makes even a rejected method call start a
 * pass under `automatic` and `eager`. A second table checks each row against
 * a twin cache: that C5.5 rule (the twin runs the same pass by hand; a
 * failed caching command, limits, the policy and finding start none), and
 * that a bad path among good ones fails alone (C4.3): the cache then equals
 * a twin given the good paths only, with the failed item's events in their
 * place. A third table calls everything on a cache busy with an asynchronous
 * operation (C6.6). Where the contract is silent the test states the choice
 * made, marked "decision".
 */
#include "support.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include <cscsim/async.h>

#include "events.h"

/* ---- Texts (C6.1, C6.2) ----------------------------------------------------- */

/* The message text of an ItemResult a row expects: the literals of events.h. */
static const char *text_of(csc_hresult hr)
{
    switch ((uint32_t)hr) {
    case 0x00000000u: return T_OK;
    case 0x00000001u: return T_FALSE;
    case 0x80070002u: return T_NF;
    case 0x80070005u: return T_DENIED;
    case 0x80070020u: return T_SHARING;
    case 0x8007007Bu: return T_BAD;
    default: return NULL;
    }
}

/* ---- The fixture ------------------------------------------------------------ */

/* C string escapes double the backslashes: SH is \\srv\share. */
#define SH "\\\\srv\\share"
#define DOCS SH "\\docs"
#define FA DOCS "\\a.txt"        /* 100 bytes, pinned ForUser (deep pin of docs) */
#define FB DOCS "\\b.txt"        /* 200 bytes, pinned, dirty (50 bytes) */
#define SUB DOCS "\\sub"
#define FC SUB "\\c.txt"         /* 300 bytes, pinned, open */
#define FE SH "\\e.txt"          /* 10 bytes, unpinned: evictable */
#define ETE SH "\\\xC3\x89t\xC3\xA9"     /* "Été" */
#define OEUVRE ETE "\\\xC5\x92uvre.txt"  /* "Œuvre.txt", 7 bytes, unpinned */
#define LOCKED "\\\\srv\\locked"         /* access list {bob}: the caller alice has none */
#define FZ LOCKED "\\z.txt"              /* 5 bytes, unpinned */
#define FY "\\\\srv2\\data\\x\\y.bin"    /* 1000 bytes, pinned ForAll, shallow */

#define USER CSC_PIN_FLAG_FOR_USER
#define POLICY CSC_PIN_FLAG_FOR_USER_POLICY
#define ALL CSC_PIN_FLAG_FOR_ALL
#define REDIR CSC_PIN_FLAG_FOR_REDIR
#define BACKGROUND CSC_PIN_FLAG_BACKGROUND

#define BAD CSC_E_INVALID_NAME
#define NF CSC_E_FILE_NOT_FOUND

#define LIMIT 5000u
#define UNPINNED_LIMIT 4000u

/* Evictions reported by the cache (C5.6). */
#define EVICT_LOG_MAX 32
typedef struct evict_log {
    size_t count;
    char entries[EVICT_LOG_MAX][128];
} evict_log_t;

static void on_evict(void *ud, const char *path, uint64_t size)
{
    evict_log_t *log = ud;
    if (log->count < EVICT_LOG_MAX)
        snprintf(log->entries[log->count], sizeof log->entries[0], "%s %llu", path,
                 (unsigned long long)size);
    log->count++;
}

static void must(csc_hresult hr, const char *what)
{
    if (hr != CSC_S_OK) {
        print_error("fixture: %s returned 0x%08X\n", what, (unsigned)hr);
        fail();
    }
}

/*
 * The cache every row starts from: two servers, shares, directories and
 * files in every state a row may disturb: pinned with inherit bits, pinned
 * shallow, unpinned and evictable, dirty, open, under an access list that
 * lets the caller in and under one that does not, a non-ASCII name, limits
 * set, the clock moved so that last-use times differ, and a caller who is
 * not an administrator. No container is empty, so nothing but files is
 * evictable. The policy is `manual` (the default).
 */
static csc_cache_t *fixture_new(csc_test_alloc_t *st, evict_log_t *evictions)
{
    csc_cache_t *cache = csc_test_cache_new_alloc(st);
    assert_non_null(cache);
    must(csc_cache_set_caller(cache, "Admin", true), "set_caller Admin");
    must(csc_cache_set_evict_callback(cache, on_evict, evictions), "set_evict_callback");
    csc_test_file(cache, FA, 100);
    must(csc_cache_advance_clock(cache, 1), "advance_clock");
    csc_test_file(cache, FB, 200);
    must(csc_cache_advance_clock(cache, 1), "advance_clock");
    csc_test_file(cache, FC, 300);
    must(csc_cache_advance_clock(cache, 1), "advance_clock");
    csc_test_file(cache, FE, 10);
    csc_test_file(cache, FY, 1000);
    csc_test_file(cache, FZ, 5);
    csc_test_file(cache, OEUVRE, 7);
    must(csc_cache_advance_clock(cache, 2), "advance_clock");
    const char *docs[] = {DOCS};
    must(csc_pin(cache, docs, 1, USER, true, NULL, NULL), "pin docs");
    const char *y[] = {FY};
    must(csc_pin(cache, y, 1, ALL, false, NULL, NULL), "pin y.bin");
    must(csc_item_modify(cache, csc_test_find(cache, FB), 50), "modify b.txt");
    must(csc_item_open(cache, csc_test_find(cache, FC)), "open c.txt");
    const char *bob[] = {"bob"};
    must(csc_item_set_access(cache, csc_test_find(cache, LOCKED), bob, 1), "acl locked");
    const char *alice_admin[] = {"alice", "Admin"};
    must(csc_item_set_access(cache, csc_test_find(cache, DOCS), alice_admin, 2), "acl docs");
    must(csc_cache_set_disk_space_limits(cache, LIMIT, UNPINNED_LIMIT), "limits");
    must(csc_cache_advance_clock(cache, 3), "advance_clock");
    must(csc_cache_set_caller(cache, "alice", false), "set_caller alice");
    assert_int_equal(csc_cache_item_count(cache), 16);
    assert_int_equal(evictions->count, 0);
    assert_cache_ok(cache);
    return cache;
}

static void fixture_free(csc_cache_t *cache, csc_test_alloc_t *st, int *problems,
                         const char *desc)
{
    csc_cache_free(cache);
    if (st->live_blocks != 0 || st->live_bytes != 0) {
        print_error("%s: %zu block(s), %zu byte(s) not freed\n", desc, st->live_blocks,
                    st->live_bytes);
        (*problems)++;
    }
}

/* ---- Rows ---------------------------------------------------------------------- */

typedef enum kind {
    K_PIN,
    K_UNPIN,
    K_SYNC,
    K_DELETE,
    K_WMI_PIN,
    K_WMI_UNPIN,
    K_PIN_ASYNC,
    K_UNPIN_ASYNC,
    K_FILE,
    K_DIR,
    K_FIND,
    K_NORMALIZE,
    K_LIMITS,
    K_POLICY,
    K_CLOCK,
    K_CALLER,
    K_ACCESS,
    K_MODIFY,
    K_OPEN,
    K_CLOSE,
    K_TOUCH,
    K_MARK_SYNC,
    K_EVICT,
    K_DISK_SPACE,
    K_EVICT_CB,
    K_CHECK,
    K_CACHE_CLOSE,
    K_CACHE_NEW,
    K_OPTIONS_INIT,
    K_NONE, /* twin rows: the twin runs nothing */
} kind_t;

/* Row options. */
#define O_NULL_CACHE 0x01u  /* the cache argument is NULL */
#define O_NULL_OUT 0x02u    /* the output pointer is NULL */
#define O_NULL_ITEM 0x04u   /* the item argument is NULL */
#define O_CANCEL_SET 0x08u  /* a cancel token already requested is passed */
#define O_NO_SINK 0x10u     /* no progress sink / WMI callback */
#define O_CANCELLED 0x20u   /* events: Begin, then End with 0x800704C7 */
#define O_ALL 0x40u         /* K_EVICT: all */

typedef struct row {
    const char *desc;            /* what is malformed, and the rule */
    kind_t kind;
    const char *const *paths;    /* walks: the paths; FILE, DIR, FIND, NORMALIZE: paths[0];
                                  * CALLER, CACHE_NEW: paths[0] is the user name */
    size_t count;
    uint32_t flags;              /* walks: the flag word; CALLER: admin */
    bool deep;
    const csc_hresult *items;    /* per path: its ItemResult (events expected); NULL: none */
    size_t nitems;
    csc_hresult expect;          /* the HRESULT returned */
    uint32_t wmi;                /* WMI kinds: the uint32 returned (C4.8) */
    const char *target;          /* ACCESS, MODIFY, OPEN, CLOSE, TOUCH, MARK_SYNC: the item */
    const char *const *users;    /* ACCESS */
    size_t nusers;
    uint64_t a, b;               /* FILE: size; LIMITS: limits; CLOCK: ticks; EVICT: bytes;
                                  * MODIFY: bytes */
    long long num;               /* POLICY: the value; CACHE_NEW, OPTIONS_INIT: version */
    unsigned opt;
} row_t;

#define NARGS(type, ...) (sizeof((type[]){__VA_ARGS__}) / sizeof(type))
#define PATHS(...) .paths = (const char *const[]){__VA_ARGS__}, \
                   .count = NARGS(const char *, __VA_ARGS__)
#define ITEMS(...) .items = (const csc_hresult[]){__VA_ARGS__}, \
                   .nitems = NARGS(csc_hresult, __VA_ARGS__)
#define USERS(...) .users = (const char *const[]){__VA_ARGS__}, \
                   .nusers = NARGS(const char *, __VA_ARGS__)

/* Long spellings, made once before the tables run (see make_long_paths). */
static char g_comp256[400];     /* a 256-unit name: invalid */
static char g_comp255[400];     /* a 255-unit name: valid, not cached */
static char g_emoji256[700];    /* 128 x U+1F600: 512 bytes, 256 units: invalid */
static char g_emoji255[700];    /* 127 x U+1F600 and 'a': 255 units: valid */
static char g_eacute255[700];   /* 255 x U+00E9: 510 bytes, 255 units: valid */
static char g_path32767[33000]; /* normalised: 32,767 units: valid, not cached */
static char g_path32768[33000]; /* normalised: 32,768 units: invalid */
static char g_dotdot_long[45000]; /* written > 32,767, normalised short: valid */
static char g_pop_overlong[400];  /* a 300-unit name removed by "..": valid */
static char g_huge[40100];        /* a 40,000-byte name: invalid */
static char g_huge_star[40100];   /* 40,000 bytes with a '*' at the end: invalid */

/* Appends name components of `letters` bytes ('a'..'z') until the display
 * path has exactly `units` UTF-16 units (ASCII: one unit a byte). */
static void fill_to_units(char *buf, size_t cap, size_t units)
{
    size_t len = strlen(buf);
    assert_true(units > len + 1);
    size_t remaining = units - len;
    int letter = 0;
    while (remaining > 0) {
        size_t name;
        if (remaining <= 256)
            name = remaining - 1; /* the last: '\' and up to 255 letters */
        else if (remaining - 251 == 1)
            name = 249; /* never leave a single unit */
        else
            name = 250;
        assert_true(len + 1 + name + 1 < cap);
        buf[len++] = '\\';
        for (size_t i = 0; i < name; i++)
            buf[len++] = (char)('a' + (letter++ % 26));
        remaining -= name + 1;
    }
    buf[len] = '\0';
    assert_int_equal(strlen(buf), units);
}

static void repeat(char *buf, size_t cap, const char *prefix, const char *unit, size_t times,
                   const char *suffix)
{
    size_t len = (size_t)snprintf(buf, cap, "%s", prefix);
    size_t ul = strlen(unit);
    for (size_t i = 0; i < times; i++) {
        assert_true(len + ul < cap);
        memcpy(buf + len, unit, ul);
        len += ul;
    }
    assert_true(len + strlen(suffix) < cap);
    strcpy(buf + len, suffix);
}

static void make_long_paths(void)
{
    repeat(g_comp256, sizeof g_comp256, DOCS "\\", "n", 256, "");
    repeat(g_comp255, sizeof g_comp255, DOCS "\\", "n", 255, "");
    repeat(g_emoji256, sizeof g_emoji256, DOCS "\\", "\xF0\x9F\x98\x80", 128, "");
    repeat(g_emoji255, sizeof g_emoji255, DOCS "\\", "\xF0\x9F\x98\x80", 127, "a");
    repeat(g_eacute255, sizeof g_eacute255, DOCS "\\", "\xC3\xA9", 255, "");
    strcpy(g_path32767, SH);
    fill_to_units(g_path32767, sizeof g_path32767, 32767);
    strcpy(g_path32768, SH);
    fill_to_units(g_path32768, sizeof g_path32768, 32768);
    /* 200 x "\<200 letters>\..": pushed and popped again. */
    char comp[210];
    memset(comp, 'x', 200);
    comp[200] = '\0';
    char unit[220];
    snprintf(unit, sizeof unit, "\\%s\\..", comp);
    repeat(g_dotdot_long, sizeof g_dotdot_long, DOCS, unit, 200, "\\missing.txt");
    assert_true(strlen(g_dotdot_long) > 40000);
    repeat(g_pop_overlong, sizeof g_pop_overlong, DOCS "\\", "o", 300, "\\..\\gone.txt");
    repeat(g_huge, sizeof g_huge, SH "\\", "h", 40000, "");
    repeat(g_huge_star, sizeof g_huge_star, SH "\\", "h", 40000, "*");
}

/*
 * The main table: every call leaves the cache exactly as it was. Paths are
 * written in C, so "\\\\srv" is \\srv; a \x escape is followed by a new
 * literal or a character that is no hex digit.
 */
static const row_t rows[] = {
    /* ---- C4.1 (C7.1, C5.8, sync.h): the whole call is rejected, no event ---- */
    {"pin: no path (count 0) [C4.1]", K_PIN, .paths = (const char *const[]){FA}, .count = 0,
     .flags = USER, .expect = CSC_E_INVALIDARG},
    {"unpin: no path (count 0) [C4.1]", K_UNPIN, .paths = (const char *const[]){FA},
     .count = 0, .flags = USER, .expect = CSC_E_INVALIDARG},
    {"pin: NULL path array [C4.1]", K_PIN, .paths = NULL, .count = 1, .flags = USER,
     .expect = CSC_E_INVALIDARG},
    {"unpin: NULL path array and count 0 [C4.1]", K_UNPIN, .paths = NULL, .count = 0,
     .flags = USER, .expect = CSC_E_INVALIDARG},
    {"pin: a NULL path after two good ones; none is processed [C4.1]", K_PIN,
     PATHS(FE, OEUVRE, NULL), .flags = USER, .expect = CSC_E_INVALIDARG},
    {"unpin: a NULL path first [C4.1]", K_UNPIN, PATHS(NULL, FA), .flags = USER, .deep = true,
     .expect = CSC_E_INVALIDARG},
    {"pin: flags 0, no pin source [C4.1]", K_PIN, PATHS(FE), .flags = 0,
     .expect = CSC_E_INVALIDARG},
    {"unpin: every valid bit but no source (Fill, PinLinkTargets, LowPriority, "
     "AsyncProgress, Interactive, Console, Background) [C4.1]",
     K_UNPIN, PATHS(FA), .flags = 0x1u | 0x10u | 0x200u | 0x400u | 0x800u | 0x1000u | 0x10000u,
     .expect = CSC_E_INVALIDARG},
    {"pin: ForUser | unknown bit 0x2 [C4.1]", K_PIN, PATHS(FE), .flags = USER | 0x2u,
     .expect = CSC_E_INVALIDARG},
    {"unpin: ForUser | unknown bit 0x4 [C4.1]", K_UNPIN, PATHS(FA), .flags = USER | 0x4u,
     .expect = CSC_E_INVALIDARG},
    {"unpin: ForUser | unknown bit 0x8 [C4.1]", K_UNPIN, PATHS(FA), .flags = USER | 0x8u,
     .expect = CSC_E_INVALIDARG},
    {"pin: ForAll | unknown bit 0x2000 [C4.1]", K_PIN, PATHS(FE), .flags = ALL | 0x2000u,
     .expect = CSC_E_INVALIDARG},
    {"unpin: ForAll | unknown bit 0x4000 [C4.1]", K_UNPIN, PATHS(FY), .flags = ALL | 0x4000u,
     .expect = CSC_E_INVALIDARG},
    {"pin: ForRedir | unknown bit 0x8000 [C4.1]", K_PIN, PATHS(FE), .flags = REDIR | 0x8000u,
     .expect = CSC_E_INVALIDARG},
    {"unpin: ForUser | unknown bit 0x20000 (next to Background) [C4.1]", K_UNPIN, PATHS(FA),
     .flags = USER | 0x20000u, .expect = CSC_E_INVALIDARG},
    {"pin: ForUser | the sign bit 0x80000000 [C4.1]", K_PIN, PATHS(FE),
     .flags = USER | 0x80000000u, .expect = CSC_E_INVALIDARG},
    {"unpin: 0xFFFFFFFF, every source and every unknown bit [C4.1]", K_UNPIN, PATHS(DOCS),
     .flags = 0xFFFFFFFFu, .deep = true, .expect = CSC_E_INVALIDARG},
    {"pin: an unknown bit alone, no source [C4.1]", K_PIN, PATHS(FE), .flags = 0x2u,
     .expect = CSC_E_INVALIDARG},
    {"unpin: bad flags and an invalid path: the flags win, no event [C4.1 before C4.3]",
     K_UNPIN, PATHS(SH "\\a*b"), .flags = USER | 0x4u, .expect = CSC_E_INVALIDARG},
    {"pin: bad flags with a cancel token already set: E_INVALIDARG, not cancelled "
     "[C4.1 before C4.5 step 1]",
     K_PIN, PATHS(FE), .flags = 0, .opt = O_CANCEL_SET, .expect = CSC_E_INVALIDARG},
    {"pin: NULL cache with bad flags and a NULL path: E_POINTER first "
     "[C8.1; decision: the cache is checked before C4.1]",
     K_PIN, PATHS(NULL), .flags = 0x2u, .opt = O_NULL_CACHE, .expect = CSC_E_POINTER},
    {"synchronize: no path [sync.h, C4.1]", K_SYNC, .paths = (const char *const[]){FB},
     .count = 0, .expect = CSC_E_INVALIDARG},
    {"synchronize: a NULL path after a good one [sync.h, C4.1]", K_SYNC, PATHS(FB, NULL),
     .expect = CSC_E_INVALIDARG},
    {"synchronize: unknown bit 0x4000 [sync.h]", K_SYNC, PATHS(FB), .flags = 0x4000u,
     .expect = CSC_E_INVALIDARG},
    {"synchronize: unknown bit 0x40000 [sync.h]", K_SYNC, PATHS(FB), .flags = 0x40000u,
     .expect = CSC_E_INVALIDARG},
    {"synchronize: unknown bit 0x08000000 [sync.h]", K_SYNC, PATHS(FB), .flags = 0x08000000u,
     .expect = CSC_E_INVALIDARG},
    {"delete: no path [sync.h]", K_DELETE, .paths = (const char *const[]){FE}, .count = 0,
     .expect = CSC_E_INVALIDARG},
    {"delete: unknown bit 0x8 [sync.h]", K_DELETE, PATHS(FE), .flags = 0x8u,
     .expect = CSC_E_INVALIDARG},
    {"delete: unknown bit 0x40000000 [sync.h]", K_DELETE, PATHS(FE), .flags = 0x40000000u,
     .expect = CSC_E_INVALIDARG},
    {"delete: Background is no delete flag [sync.h]", K_DELETE, PATHS(FE),
     .flags = BACKGROUND, .expect = CSC_E_INVALIDARG},
    {"delete: Admin without an administrator caller: E_ACCESSDENIED, no event "
     "[README DeleteItems]",
     K_DELETE, PATHS(FE), .flags = CSC_DELETE_ADMIN, .expect = CSC_E_ACCESSDENIED},
    {"delete: Admin without an administrator and an unknown bit: the flags win", K_DELETE,
     PATHS(FE), .flags = CSC_DELETE_ADMIN | 0x8u, .expect = CSC_E_INVALIDARG},
    {"delete: Admin without an administrator and a NULL path: E_INVALIDARG", K_DELETE,
     PATHS(FE, NULL), .flags = CSC_DELETE_ADMIN, .expect = CSC_E_INVALIDARG},
    {"wmi pin: no source -> 87, no message [C4.1, C4.8]", K_WMI_PIN, PATHS(FE), .flags = 0,
     .wmi = 87},
    {"wmi unpin: unknown bit -> 87, no message [C4.1, C4.8]", K_WMI_UNPIN, PATHS(FA),
     .flags = USER | 0x2u, .wmi = 87},
    {"wmi unpin: no path -> 87 [C4.1, C4.8]", K_WMI_UNPIN, .paths = (const char *const[]){FA},
     .count = 0, .flags = USER, .wmi = 87},
    {"wmi pin: a NULL path and an unknown bit -> 87 [C4.1, C4.8; a NULL string alone counts "
     "as empty, C14.4]", K_WMI_PIN, PATHS(FE, NULL), .flags = USER | 0x2u, .wmi = 87},
    {"wmi unpin: NULL cache -> E_POINTER's own bits [C8.1, C4.8]", K_WMI_UNPIN, PATHS(FA),
     .flags = USER, .opt = O_NULL_CACHE, .wmi = 0x80004003u},
    {"wmi pin without a callback: unknown bit -> 87 [C4.1, C4.8]", K_WMI_PIN, PATHS(FE),
     .flags = USER | 0x40000000u, .opt = O_NO_SINK, .wmi = 87},
    {"pin async: no source: E_INVALIDARG, nothing starts, no callback [async.h, C4.1]",
     K_PIN_ASYNC, PATHS(FE), .flags = CSC_PIN_FLAG_ASYNC_PROGRESS, .expect = CSC_E_INVALIDARG},
    {"unpin async: no path [async.h, C4.1]", K_UNPIN_ASYNC,
     .paths = (const char *const[]){FA}, .count = 0, .flags = USER, .expect = CSC_E_INVALIDARG},
    {"unpin async: unknown bit [async.h, C4.1]", K_UNPIN_ASYNC, PATHS(FA),
     .flags = USER | 0x100000u, .expect = CSC_E_INVALIDARG},

    /* ---- C1.4 through the methods: one failed item, the path as given (C4.3);
     * a single such path is returned (C4.7) ---- */
    {"pin: empty path [C1.4 empty]", K_PIN, PATHS(""), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: a lone separator [C1.4 not UNC]", K_UNPIN, PATHS("\\"), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"pin: one leading separator [C1.4 not UNC]", K_PIN, PATHS("\\srv\\share\\docs"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: relative path [C1.4 not UNC]", K_UNPIN, PATHS("srv\\share"), .flags = USER,
     ITEMS(BAD), .expect = BAD},
    {"pin: drive path [C1.4 not UNC]", K_PIN, PATHS("C:\\x"), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"unpin: device path \\\\.\\pipe [C1.2 step 2, C1.4]", K_UNPIN, PATHS("\\\\.\\pipe\\x"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: \\\\?\\ prefix that is not UNC [C1.2 step 2, C1.4]", K_PIN, PATHS("\\\\?\\C:\\x"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: \\\\?\\UNC\\ and nothing after [C1.2 step 7]", K_UNPIN, PATHS("\\\\?\\UNC\\"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: \\\\ alone, no server [C1.2 step 7]", K_PIN, PATHS("\\\\"), .flags = USER,
     ITEMS(BAD), .expect = BAD},
    {"unpin: separators only [C1.2 steps 3, 7]", K_UNPIN, PATHS("\\\\\\\\//"), .flags = USER,
     ITEMS(BAD), .expect = BAD},
    {"pin: server \".\" [C1.2 steps 5, 7]", K_PIN, PATHS("\\\\."), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"unpin: server \"...\" trimmed away [C1.2 steps 6, 7]", K_UNPIN, PATHS("\\\\..."),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: '<' in a name [C1.4]", K_PIN, PATHS(DOCS "\\a<b.txt"), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"unpin: '>' in a name [C1.4]", K_UNPIN, PATHS(DOCS "\\a>b"), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"pin: ':' in a name; the event carries it unescaped [C1.4, C6.2]", K_PIN,
     PATHS(DOCS "\\a:b"), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"synchronize: '\"' in a name [C1.4, C5.8]", K_SYNC, PATHS(DOCS "\\\"q\""), ITEMS(BAD),
     .expect = BAD},
    {"pin: '?' in a name [C1.4]", K_PIN, PATHS(DOCS "\\a?b"), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"unpin: a wildcard for the whole directory [C1.4]", K_UNPIN, PATHS(DOCS "\\*"),
     .flags = USER, .deep = true, ITEMS(BAD), .expect = BAD},
    {"synchronize: '|' in a name [C1.4, C5.8]", K_SYNC, PATHS(DOCS "\\a|b"), ITEMS(BAD),
     .expect = BAD},
    {"pin: a TAB in a name [C1.4 control character]", K_PIN, PATHS(DOCS "\\tab\tname"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"synchronize: 0x01 in a name [C1.4 control character]", K_SYNC,
     PATHS(DOCS "\\\x01" "x"), ITEMS(BAD), .expect = BAD},
    {"unpin: 0x1F ending a name [C1.4 control character]", K_UNPIN, PATHS(DOCS "\\a\x1F"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: '*' in the server [C1.4]", K_PIN, PATHS("\\\\s*rv\\share"), .flags = USER,
     ITEMS(BAD), .expect = BAD},
    {"unpin: ':' in the share [C1.4]", K_UNPIN, PATHS("\\\\srv\\sh:are"), .flags = USER,
     ITEMS(BAD), .expect = BAD},
    {"synchronize: '?' after the \\\\?\\UNC\\ prefix [C1.2 step 2, C1.4]", K_SYNC,
     PATHS("\\\\?\\UNC\\srv\\share\\docs\\a?.txt"), ITEMS(BAD), .expect = BAD},
    {"pin: '..' above the share [C1.2 step 5]", K_PIN, PATHS(FA "\\..\\..\\.."),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: share\\.. [C1.2 step 5]", K_UNPIN, PATHS(SH "\\.."), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"synchronize: server\\.. [C1.2 step 5]", K_SYNC, PATHS("\\\\srv\\.."), ITEMS(BAD),
     .expect = BAD},
    {"pin: '..' as the server [C1.2 step 5]", K_PIN, PATHS("\\\\..\\share"), .flags = USER,
     ITEMS(BAD), .expect = BAD},
    {"pin: a bad character in a component that '..' removes [C1.2 step 4 before 5]", K_PIN,
     PATHS(DOCS "\\a:b\\.."), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: 'x?.' is checked before trimming [C1.2 step 4 before 6]", K_UNPIN,
     PATHS(DOCS "\\x?."), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: overlong UTF-8 for '/' [C1.4 bad UTF-8]", K_PIN, PATHS(DOCS "\\\xC0\xAF"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: a surrogate pair written as two 3-byte halves [C14.4, C1.4 bad UTF-8]", K_UNPIN,
     PATHS(DOCS "\\\xED\xA0\x80\xED\xB0\x80"), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: a pair in halves after a lone low surrogate [C14.4]", K_PIN,
     PATHS(DOCS "\\\xED\xB0\x80\xED\xAF\xBF\xED\xBF\xBF"), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"synchronize: a surrogate cut short [C14.4, C1.4 bad UTF-8]", K_SYNC,
     PATHS(DOCS "\\\xED\xA0"), ITEMS(BAD), .expect = BAD},
    {"synchronize: a code point above U+10FFFF [C1.4 bad UTF-8]", K_SYNC,
     PATHS(DOCS "\\\xF4\x90\x80\x80"), ITEMS(BAD), .expect = BAD},
    {"pin: a lone continuation byte [C1.4 bad UTF-8]", K_PIN, PATHS(DOCS "\\\x80" "x"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: a sequence cut by the end [C1.4 bad UTF-8]", K_UNPIN, PATHS(DOCS "\\a\xC3"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: a sequence cut by a separator [C1.4 bad UTF-8]", K_PIN,
     PATHS(DOCS "\\\xE2\x84\\x"), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"unpin: byte 0xFF in the server [C1.4 bad UTF-8]", K_UNPIN, PATHS("\\\\\xFF\\share"),
     .flags = USER, ITEMS(BAD), .expect = BAD},
    {"pin: a 256-unit name [C1.4 length]", K_PIN, PATHS(g_comp256), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"unpin: 128 x U+1F600, 256 UTF-16 units in 512 bytes [C1.4 length in UTF-16 units]",
     K_UNPIN, PATHS(g_emoji256), .flags = USER, ITEMS(BAD), .expect = BAD},
    {"synchronize: a path of 32,768 units [C1.4 length]", K_SYNC, PATHS(g_path32768),
     ITEMS(BAD), .expect = BAD},
    {"pin: a 40,000-byte name [C1.4 length]", K_PIN, PATHS(g_huge), .flags = USER, ITEMS(BAD),
     .expect = BAD},
    {"delete: '|' in a name: the item fails, the call returns ERROR_MORE_DATA "
     "[C1.4, README DeleteItems]",
     K_DELETE, PATHS(DOCS "\\a|b"), ITEMS(BAD), .expect = CSC_E_MORE_DATA},
    {"delete: '..' as the server [C1.2 step 5, README DeleteItems]", K_DELETE,
     PATHS("\\\\..\\share"), ITEMS(BAD), .expect = CSC_E_MORE_DATA},
    {"delete: a lone continuation byte [C1.4, README DeleteItems]", K_DELETE,
     PATHS(DOCS "\\\x80" "x"), ITEMS(BAD), .expect = CSC_E_MORE_DATA},

    /* ---- Boundaries that are valid: the path is merely not cached (C4.3, C7.2) ---- */
    {"pin: a 255-unit name is valid: not cached [C1.4, C7.2]", K_PIN, PATHS(g_comp255),
     .flags = USER, ITEMS(NF), .expect = NF},
    {"unpin: 255 x U+00E9 (510 bytes, 255 units) is valid [C1.4 units, not bytes]", K_UNPIN,
     PATHS(g_eacute255), .flags = USER, ITEMS(NF), .expect = NF},
    {"pin: 127 x U+1F600 and 'a' (255 units) is valid [C1.4]", K_PIN, PATHS(g_emoji255),
     .flags = USER, ITEMS(NF), .expect = NF},
    {"synchronize: a path of exactly 32,767 units is valid [C1.4]", K_SYNC, PATHS(g_path32767),
     ITEMS(NF), .expect = NF},
    {"pin: written over 32,767 bytes, normalised short by '..' [C1.4 once normalised]", K_PIN,
     PATHS(g_dotdot_long), .flags = USER, ITEMS(NF), .expect = NF},
    {"unpin: a 300-unit name that '..' removes [C1.4 once normalised]", K_UNPIN,
     PATHS(g_pop_overlong), .flags = USER, ITEMS(NF), .expect = NF},
    {"pin: a file not cached [C7.2]", K_PIN, PATHS(DOCS "\\missing.txt"), .flags = USER,
     ITEMS(NF), .expect = NF},
    {"unpin: a server not cached [C4.3]", K_UNPIN, PATHS("\\\\nosrv"), .flags = USER,
     .deep = true, ITEMS(NF), .expect = NF},
    {"pin: below a cached file: not cached, not ERROR_DIRECTORY [C4.3, C7.2]", K_PIN,
     PATHS(FA "\\x"), .flags = USER, ITEMS(NF), .expect = NF},
    {"synchronize: a share not cached [C5.8]", K_SYNC, PATHS("\\\\srv\\noshare\\x"), ITEMS(NF),
     .expect = NF},
    {"delete: not cached [README DeleteItems]", K_DELETE, PATHS(DOCS "\\missing.txt"),
     ITEMS(NF), .expect = CSC_E_MORE_DATA},

    /* ---- Several failing paths: each is one item, in order; S_OK (C4.7) ---- */
    {"unpin: invalid, not cached, bad UTF-8: three failed items, S_OK [C4.3, C4.7]", K_UNPIN,
     PATHS("C:\\x", DOCS "\\none", DOCS "\\\xFF"), .flags = USER, ITEMS(BAD, NF, BAD),
     .expect = CSC_S_OK},
    {"pin: the same invalid path twice: two items [C4.3, C4.5 overlapping]", K_PIN,
     PATHS(DOCS "\\a*", DOCS "\\a*"), .flags = ALL, .deep = true, ITEMS(BAD, BAD),
     .expect = CSC_S_OK},
    {"synchronize: invalid then not cached: S_OK [C5.8, C4.7]", K_SYNC,
     PATHS("\\\\srv\\..", "\\\\nosrv\\s"), ITEMS(BAD, NF), .expect = CSC_S_OK},
    {"delete: invalid then not cached: ERROR_MORE_DATA [README DeleteItems]", K_DELETE,
     PATHS("", DOCS "\\none"), ITEMS(BAD, NF), .expect = CSC_E_MORE_DATA},
    {"unpin: a cancel token set before the call: cancelled before the bad path's item "
     "[C4.2, C4.5 step 1, C4.7]",
     K_UNPIN, PATHS(DOCS "\\a*"), .flags = USER, .opt = O_CANCEL_SET | O_CANCELLED,
     .expect = CSC_E_CANCELLED},

    /* ---- The WMI entry points (C4.8, C6.2) ---- */
    {"wmi pin: ':' in a name -> 123, message unescaped [C1.4, C4.8, C6.2]", K_WMI_PIN,
     PATHS(DOCS "\\a:b"), .flags = USER, ITEMS(BAD), .wmi = 123},
    {"wmi unpin: bad UTF-8 -> 123, the bytes as given [C1.4, C4.3, C4.8]", K_WMI_UNPIN,
     PATHS(DOCS "\\\xC3\x28"), .flags = USER, ITEMS(BAD), .wmi = 123},
    {"wmi pin: a surrogate pair in halves -> 123, the bytes as given [C14.4, C4.8]",
     K_WMI_PIN, PATHS(DOCS "\\\xED\xA0\xBD\xED\xB8\x80"), .flags = USER, ITEMS(BAD),
     .wmi = 123},
    {"wmi unpin: not cached -> 2 [C4.8]", K_WMI_UNPIN, PATHS(DOCS "\\none"), .flags = USER,
     ITEMS(NF), .wmi = 2},
    {"wmi pin: two invalid paths -> 0 [C4.7, C4.8]", K_WMI_PIN, PATHS("\\\\", "\\\\.\\x"),
     .flags = USER, ITEMS(BAD, BAD), .wmi = 0},
    {"wmi unpin: a 40,000-byte invalid path, the whole path in the message [C6.2]",
     K_WMI_UNPIN, PATHS(g_huge_star), .flags = USER, ITEMS(BAD), .wmi = 123},
    {"wmi pin without a callback: invalid path -> 123 [C4.8]", K_WMI_PIN, PATHS("C:\\x"),
     .flags = USER, .opt = O_NO_SINK, .wmi = 123},

    /* ---- Per-item refusals that leave the item alone (C4.5, C4.7, C9.1) ---- */
    {"pin: a file the caller may not access -> E_ACCESSDENIED, not touched [C4.5 step 3, C9.1]",
     K_PIN, PATHS(FZ), .flags = USER, ITEMS(CSC_E_ACCESSDENIED), .expect = CSC_E_ACCESSDENIED},
    {"wmi unpin: a file the caller may not access -> 5 [C4.5 step 3, C4.8]", K_WMI_UNPIN,
     PATHS(FZ), .flags = ALL, ITEMS(CSC_E_ACCESSDENIED), .wmi = 5},
    {"unpin with Background: an open file backs off, no violation counted [C4.5 step 4]",
     K_UNPIN, PATHS(FC), .flags = USER | BACKGROUND, ITEMS(CSC_E_SHARING_VIOLATION),
     .expect = CSC_E_SHARING_VIOLATION},
    {"pin with Background: an open file backs off, not touched [C7.1, C4.5 step 4]", K_PIN,
     PATHS(FC), .flags = ALL | BACKGROUND, ITEMS(CSC_E_SHARING_VIOLATION),
     .expect = CSC_E_SHARING_VIOLATION},
    {"delete: a dirty file without DelModified is kept: S_OK, the call S_OK [C15.18]",
     K_DELETE, PATHS(FB), ITEMS(CSC_S_OK), .expect = CSC_S_OK},
    {"delete: an open file alone: sharing violation, the file's result [C15.18]", K_DELETE,
     PATHS(FC), .flags = CSC_DELETE_DEL_MODIFIED, ITEMS(CSC_E_SHARING_VIOLATION),
     .expect = CSC_E_SHARING_VIOLATION},
    {"delete: a pinned file with NoPinned is kept: S_OK [C15.18]", K_DELETE, PATHS(FA),
     .flags = CSC_DELETE_NO_PINNED, ITEMS(CSC_S_OK), .expect = CSC_S_OK},
    {"delete: an unpinned file with NoAutoCached is kept: S_OK [C15.18]", K_DELETE,
     PATHS(FE), .flags = CSC_DELETE_NO_AUTO_CACHED, ITEMS(CSC_S_OK), .expect = CSC_S_OK},
    {"delete: no access: E_ACCESSDENIED item, the file's result [C15.18, C9.1]",
     K_DELETE, PATHS(FZ), ITEMS(CSC_E_ACCESSDENIED), .expect = CSC_E_ACCESSDENIED},

    /* ---- Caching and finding (C1.4, C2.4, C5.7) ---- */
    {"cache file: empty path [C1.4]", K_FILE, PATHS(""), .a = 1, .expect = BAD},
    {"cache file: two components [C2.4]", K_FILE, PATHS("\\\\srv\\share"), .a = 1,
     .expect = BAD},
    {"cache file: one component, a new server [C2.4]", K_FILE, PATHS("\\\\newsrv"), .a = 1,
     .expect = BAD},
    {"cache file: '?' in the name [C1.4]", K_FILE, PATHS(DOCS "\\new?.txt"), .a = 1,
     .expect = BAD},
    {"cache dir: overlong UTF-8 [C1.4]", K_DIR, PATHS(DOCS "\\\xC0\xAF"), .expect = BAD},
    {"cache dir: drive path [C1.4]", K_DIR, PATHS("C:\\dir"), .expect = BAD},
    {"cache file: a 256-unit name [C1.4]", K_FILE, PATHS(g_comp256), .a = 1, .expect = BAD},
    {"cache file: \\\\?\\UNC\\ then '..' above the share [C1.2 steps 2, 5]", K_FILE,
     PATHS("\\\\?\\UNC\\srv\\share\\..\\x.txt"), .a = 1, .expect = BAD},
    {"cache file: below a file [C2.4]", K_FILE, PATHS(FA "\\x.txt"), .a = 1,
     .expect = CSC_E_DIRECTORY},
    {"cache dir: two levels below a file [C2.4]", K_DIR, PATHS(FA "\\sub\\deeper"),
     .expect = CSC_E_DIRECTORY},
    {"cache file: invalid and below a file: invalid first [C2.4 order]", K_FILE,
     PATHS(FA "\\x*y"), .a = 1, .expect = BAD},
    {"cache file: an existing directory [C2.4]", K_FILE, PATHS(DOCS), .a = 1,
     .expect = CSC_E_ALREADY_EXISTS},
    {"cache dir: an existing file [C2.4]", K_DIR, PATHS(FA), .expect = CSC_E_ALREADY_EXISTS},
    {"cache file: an existing directory spelt otherwise [C2.4, C1.3]", K_FILE,
     PATHS("//SRV/Share/Docs/SUB/"), .a = 1, .expect = CSC_E_ALREADY_EXISTS},
    {"cache file: a new file past the total limit under manual [C5.7]", K_FILE,
     PATHS(SH "\\big.bin"), .a = LIMIT, .expect = CSC_E_DISK_FULL},
    {"cache file: an existing file grown past the limit: size and last use kept [C5.7]",
     K_FILE, PATHS(FE), .a = 4000, .expect = CSC_E_DISK_FULL},
    {"cache file: NULL path -> E_POINTER [C8.1; decision: a NULL input string is a NULL "
     "pointer]",
     K_FILE, PATHS(NULL), .a = 1, .expect = CSC_E_POINTER},
    {"find: invalid path, *out cleared [item.h, C1.4]", K_FIND, PATHS(DOCS "\\a<b"),
     .expect = BAD},
    {"find: not cached, *out cleared [item.h]", K_FIND, PATHS(DOCS "\\none"), .expect = NF},
    {"find: below a file is not cached, not ERROR_DIRECTORY [item.h]", K_FIND,
     PATHS(FA "\\x"), .expect = NF},
    {"find: a '..' above the share [C1.2 step 5]", K_FIND, PATHS(SH "\\docs\\..\\.."),
     .expect = BAD},
    {"find: NULL out [C8.1]", K_FIND, PATHS(FA), .opt = O_NULL_OUT, .expect = CSC_E_POINTER},

    /* ---- The normaliser (path.h) ---- */
    {"normalize: '*' -> 0x8007007B, outputs empty [C1.4; decision: outputs defined]",
     K_NORMALIZE, PATHS(DOCS "\\a*b"), .expect = BAD},
    {"normalize: '..' above the share [C1.2 step 5]", K_NORMALIZE, PATHS(SH "\\.."),
     .expect = BAD},
    {"normalize: a 256-unit name [C1.4]", K_NORMALIZE, PATHS(g_comp256), .expect = BAD},
    {"normalize: a surrogate pair in halves [C14.4, C1.4]", K_NORMALIZE,
     PATHS("\\\\srv\\\xED\xA0\x80\xED\xBF\xBF"), .expect = BAD},
    {"normalize: NULL path [path.h]", K_NORMALIZE, PATHS(NULL), .expect = CSC_E_POINTER},

    /* ---- Settings (C5.5, C5.4, C9.1) and item changes (item.h) ---- */
    {"limits: not an administrator -> E_ACCESSDENIED, limits kept [C5.5]", K_LIMITS, .a = 1,
     .b = 1, .expect = CSC_E_ACCESSDENIED},
    {"policy: 3 is no policy [space.h]", K_POLICY, .num = 3, .expect = CSC_E_INVALIDARG},
    {"policy: -1 is no policy [space.h]", K_POLICY, .num = -1, .expect = CSC_E_INVALIDARG},
    {"clock: advancing past 2^64 - 1 [cache.h, C5.4]", K_CLOCK, .a = UINT64_MAX,
     .expect = CSC_E_INVALIDARG},
    {"caller: empty name [C9.1]", K_CALLER, PATHS(""), .flags = 1, .expect = CSC_E_INVALIDARG},
    {"caller: bad UTF-8 name [C9.1]", K_CALLER, PATHS("bo\xC3"), .flags = 1,
     .expect = CSC_E_INVALIDARG},
    {"caller: a surrogate pair in halves [C9.1, C14.4]", K_CALLER,
     PATHS("bo\xED\xA0\x80\xED\xB0\x80"), .flags = 1, .expect = CSC_E_INVALIDARG},
    {"caller: NULL name -> E_POINTER [C8.1; decision]", K_CALLER, PATHS(NULL), .flags = 1,
     .expect = CSC_E_POINTER},
    {"access: an empty name, the old list stays [C9.1, item.h]", K_ACCESS, .target = DOCS,
     USERS("carol", ""), .expect = CSC_E_INVALIDARG},
    {"access: a bad UTF-8 name after a good one, the old list stays [C9.1]", K_ACCESS,
     .target = DOCS, USERS("carol", "\xC3"), .expect = CSC_E_INVALIDARG},
    {"access: a surrogate pair in halves, the old list stays [C9.1, C14.4]", K_ACCESS,
     .target = DOCS, USERS("carol", "\xED\xAF\xBF\xED\xBF\xBF"), .expect = CSC_E_INVALIDARG},
    {"access: a NULL name, the old list stays [C9.1]", K_ACCESS, .target = LOCKED,
     USERS("alice", NULL), .expect = CSC_E_INVALIDARG},
    {"access: NULL item [C8.1]", K_ACCESS, .opt = O_NULL_ITEM, USERS("carol"),
     .expect = CSC_E_POINTER},
    {"modify: a share is no file [C5.1, item.h]", K_MODIFY, .target = SH, .a = 5,
     .expect = CSC_E_INVALIDARG},
    {"open: a directory is no file [item.h]", K_OPEN, .target = DOCS,
     .expect = CSC_E_INVALIDARG},
    {"close: a server is no file [item.h]", K_CLOSE, .target = "\\\\srv",
     .expect = CSC_E_INVALIDARG},
    {"evict: 0 bytes, not all: nothing evicted, *freed and *count 0 [C5.4]", K_EVICT, .a = 0,
     .expect = CSC_S_OK},
    {"disk space: NULL out [C8.1]", K_DISK_SPACE, .opt = O_NULL_OUT, .expect = CSC_E_POINTER},

    /* ---- Creating a cache (cache.h) ---- */
    {"cache new: options version 0 [cache.h]", K_CACHE_NEW, .num = 0,
     .expect = CSC_E_INVALIDARG},
    {"cache new: options version from the future [cache.h]", K_CACHE_NEW,
     .num = CSC_CACHE_OPTIONS_VERSION + 1, .expect = CSC_E_INVALIDARG},
    {"cache new: empty user name [cache.h, C9.1]", K_CACHE_NEW, PATHS(""),
     .num = CSC_CACHE_OPTIONS_VERSION, .expect = CSC_E_INVALIDARG},
    {"cache new: bad UTF-8 user name, nothing leaked [cache.h, C9.1]", K_CACHE_NEW,
     PATHS("\xFF" "user"), .num = CSC_CACHE_OPTIONS_VERSION, .expect = CSC_E_INVALIDARG},
    {"cache new: a user name with a surrogate pair in halves [cache.h, C9.1, C14.4]",
     K_CACHE_NEW, PATHS("u\xED\xA0\x80\xED\xB0\x80"), .num = CSC_CACHE_OPTIONS_VERSION,
     .expect = CSC_E_INVALIDARG},
    {"options init: version 0, options untouched [cache.h; decision]", K_OPTIONS_INIT,
     .num = 0, .expect = CSC_E_INVALIDARG},
    {"options init: version from the future [cache.h]", K_OPTIONS_INIT,
     .num = CSC_CACHE_OPTIONS_VERSION + 1, .expect = CSC_E_INVALIDARG},
};

#define NROWS (sizeof rows / sizeof rows[0])

/* ---- Running a row ------------------------------------------------------------- */

typedef struct msg_log {
    char **msgs;
    size_t count, cap;
} msg_log_t;

static void on_msg(void *ud, const char *message)
{
    msg_log_t *log = ud;
    if (log->count == log->cap) {
        log->cap = log->cap ? log->cap * 2 : 8;
        log->msgs = realloc(log->msgs, log->cap * sizeof *log->msgs);
        assert_non_null(log->msgs);
    }
    log->msgs[log->count] = strdup(message);
    assert_non_null(log->msgs[log->count]);
    log->count++;
}

static void msg_log_clear(msg_log_t *log)
{
    for (size_t i = 0; i < log->count; i++)
        free(log->msgs[i]);
    free(log->msgs);
    memset(log, 0, sizeof *log);
}

typedef struct ctx {
    const row_t *row;
    size_t index;
    const char *table;
    int problems;
    bool busy;            /* the cache runs an asynchronous operation */
    bool twin;            /* the twin's call: an eviction is what it is for */
    csc_test_recorder_t rec;
    msg_log_t log;
    uint32_t wmi;
} ctx_t;

static void problem(ctx_t *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s row %zu \"%s\": %s\n", c->table, c->index + 1, c->row->desc, msg);
    c->problems++;
}

static int g_done_calls;
static csc_hresult g_done_result;
static void on_done(csc_op_t *op, csc_hresult result)
{
    (void)op;
    g_done_calls++;
    g_done_result = result;
}

static max_align_t g_sentinel_storage;
#define SENTINEL ((csc_item_t *)(void *)&g_sentinel_storage)

static bool is_walk(kind_t k)
{
    return k == K_PIN || k == K_UNPIN || k == K_SYNC || k == K_DELETE || k == K_PIN_ASYNC ||
           k == K_UNPIN_ASYNC;
}

static bool is_wmi(kind_t k)
{
    return k == K_WMI_PIN || k == K_WMI_UNPIN;
}

/* Runs the row's call on `cache` (NULL for O_NULL_CACHE is handled here);
 * `target` is the row's item, resolved beforehand. Checks the outputs the
 * call documents for failure. Returns the HRESULT (WMI kinds: in c->wmi). */
static csc_hresult exec_row(ctx_t *c, csc_cache_t *cache, csc_item_t *target)
{
    const row_t *r = c->row;
    csc_cache_t *cc = (r->opt & O_NULL_CACHE) ? NULL : cache;
    const csc_progress_t *pr = (r->opt & O_NO_SINK) ? NULL : &c->rec.sink;
    csc_cancel_t *cancel = NULL;
    if (r->opt & O_CANCEL_SET) {
        assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
        csc_cancel_request(cancel);
    }
    csc_item_t *item = (r->opt & O_NULL_ITEM) ? NULL : target;
    csc_hresult hr = CSC_E_FAIL;
    switch (r->kind) {
    case K_PIN:
        hr = csc_pin(cc, r->paths, r->count, r->flags, r->deep, pr, cancel);
        break;
    case K_UNPIN:
        hr = csc_unpin(cc, r->paths, r->count, r->flags, r->deep, pr, cancel);
        break;
    case K_SYNC:
        hr = csc_synchronize(cc, r->paths, r->count, r->flags, pr, cancel);
        break;
    case K_DELETE:
        hr = csc_delete_items(cc, r->paths, r->count, r->flags, pr, cancel);
        break;
    case K_WMI_PIN:
    case K_WMI_UNPIN: {
        uint32_t (*fn)(csc_cache_t *, const char *const *, size_t, uint32_t, bool,
                       csc_wmi_progress_cb, void *) =
            r->kind == K_WMI_PIN ? csc_wmi_pin : csc_wmi_unpin;
        c->wmi = fn(cc, r->paths, r->count, r->flags, r->deep,
                    (r->opt & O_NO_SINK) ? NULL : on_msg, &c->log);
        hr = CSC_S_OK;
        break;
    }
    case K_PIN_ASYNC:
    case K_UNPIN_ASYNC: {
        uv_loop_t loop;
        assert_int_equal(uv_loop_init(&loop), 0);
        csc_op_t op;
        memset(&op, 0, sizeof op);
        g_done_calls = 0;
        hr = (r->kind == K_PIN_ASYNC ? csc_pin_async : csc_unpin_async)(
            &op, &loop, cc, r->paths, r->count, r->flags, r->deep, pr, cancel, on_done);
        if (hr == CSC_S_OK)
            problem(c, "the operation started");
        else if (!c->busy && cache != NULL && csc_cache_busy(cache))
            problem(c, "the cache is busy although nothing started");
        uv_run(&loop, UV_RUN_DEFAULT);
        if (hr != CSC_S_OK && g_done_calls != 0)
            problem(c, "the completion callback ran for a call that did not start");
        if (uv_loop_close(&loop) != 0)
            problem(c, "the loop still has handles");
        break;
    }
    case K_FILE:
    case K_DIR: {
        csc_item_t *out = SENTINEL;
        hr = r->kind == K_FILE ? csc_cache_file(cc, r->paths[0], true, r->a, &out)
                               : csc_cache_dir(cc, r->paths[0], &out);
        if (CSC_FAILED(hr) && out != NULL)
            problem(c, "*out is not NULL after a failure");
        break;
    }
    case K_FIND: {
        csc_item_t *out = SENTINEL;
        hr = csc_cache_find(cc, r->paths[0], (r->opt & O_NULL_OUT) ? NULL : &out);
        if (!(r->opt & O_NULL_OUT) && CSC_FAILED(hr) && out != NULL)
            problem(c, "*out is not NULL after a failure");
        break;
    }
    case K_NORMALIZE: {
        /* Decision (path.h is silent): on failure the outputs are defined,
         * empty strings and zero lengths, not left as they were. */
        char d[64], k[64];
        memset(d, 'Q', sizeof d);
        memset(k, 'Q', sizeof k);
        size_t dl = 77, kl = 77;
        hr = csc_path_normalize(r->paths[0], d, sizeof d, &dl, k, sizeof k, &kl);
        if (CSC_FAILED(hr) && (d[0] != '\0' || k[0] != '\0' || dl != 0 || kl != 0))
            problem(c, "outputs not emptied on failure");
        break;
    }
    case K_LIMITS:
        hr = csc_cache_set_disk_space_limits(cc, r->a, r->b);
        break;
    case K_POLICY:
        hr = csc_cache_set_policy(cc, (csc_evict_policy_t)r->num);
        break;
    case K_CLOCK:
        hr = csc_cache_advance_clock(cc, r->a);
        break;
    case K_CALLER:
        hr = csc_cache_set_caller(cc, r->paths[0], r->flags != 0);
        break;
    case K_ACCESS:
        hr = csc_item_set_access(cc, item, r->users, r->nusers);
        break;
    case K_MODIFY:
        hr = csc_item_modify(cc, item, r->a);
        break;
    case K_OPEN:
        hr = csc_item_open(cc, item);
        break;
    case K_CLOSE:
        hr = csc_item_close(cc, item);
        break;
    case K_TOUCH:
        hr = csc_item_touch(cc, item);
        break;
    case K_MARK_SYNC:
        hr = csc_item_mark_synchronized(cc, item);
        break;
    case K_EVICT: {
        uint64_t freed = 99;
        size_t count = 99;
        hr = csc_cache_evict(cc, (r->opt & O_ALL) != 0, r->a, &freed, &count);
        if (!c->twin && (freed != 0 || count != 0))
            problem(c, "evicted %zu item(s), %llu byte(s)", count, (unsigned long long)freed);
        break;
    }
    case K_DISK_SPACE: {
        csc_disk_space_t ds;
        memset(&ds, 0x5A, sizeof ds);
        hr = csc_cache_get_disk_space(cc, (r->opt & O_NULL_OUT) ? NULL : &ds);
        break;
    }
    case K_EVICT_CB:
        hr = csc_cache_set_evict_callback(cc, NULL, NULL);
        break;
    case K_CHECK:
        hr = csc_cache_check(cc, NULL, 0);
        break;
    case K_CACHE_CLOSE:
        hr = csc_cache_close(cc);
        break;
    case K_CACHE_NEW: {
        csc_test_alloc_t st = {0};
        csc_cache_options_t o = CSC_CACHE_OPTIONS_INIT;
        o.version = (unsigned)r->num;
        o.allocator = csc_test_allocator(&st);
        o.user = r->paths != NULL ? r->paths[0] : NULL;
        csc_cache_t *out = (csc_cache_t *)(void *)&g_sentinel_storage;
        hr = csc_cache_new((r->opt & O_NULL_OUT) ? NULL : &out, &o);
        if (CSC_SUCCEEDED(hr)) {
            csc_cache_free(out);
        } else if (!(r->opt & O_NULL_OUT) && out != NULL) {
            problem(c, "*out is not NULL after a failure");
        }
        if (st.live_blocks != 0)
            problem(c, "%zu block(s) leaked", st.live_blocks);
        break;
    }
    case K_OPTIONS_INIT: {
        /* Decision (cache.h is silent): a failed init leaves the options
         * as they were. */
        csc_cache_options_t o, copy;
        memset(&o, 0x5A, sizeof o);
        memcpy(&copy, &o, sizeof o);
        hr = csc_cache_options_init(&o, (unsigned)r->num);
        if (CSC_FAILED(hr) && memcmp(&o, &copy, sizeof o) != 0)
            problem(c, "the options changed although the call failed");
        break;
    }
    case K_NONE:
        hr = CSC_S_OK;
        break;
    }
    csc_cancel_free(cancel);
    return hr;
}

/* A printable head of a string that may be 40,000 bytes long. */
static const char *head(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n < 150)
        snprintf(buf, size, "%s", s);
    else
        snprintf(buf, size, "%.100s...(%zu bytes)...%s", s, n, s + n - 30);
    return buf;
}

static char *event_string(int reason, csc_hresult hr, const char *path)
{
    const char *text = text_of(hr);
    assert_non_null(text);
    size_t n = strlen(text) + strlen(path) + 32;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%d:0x%08X:%s:%s", reason, (unsigned)(uint32_t)hr, text, path);
    return s;
}

/* The events a row expects: none; or Begin, each path's ItemBegin and
 * ItemResult with the path as given (C4.3), End (C4.2). NULL-terminated. */
static char **expected_events(ctx_t *c)
{
    const row_t *r = c->row;
    size_t n = 0;
    char **ev = calloc(2 * r->count + 3, sizeof *ev);
    assert_non_null(ev);
    if (r->opt & O_CANCELLED) {
        ev[n++] = strdup(EV_BEGIN);
        ev[n++] = strdup(EV_END_CANCELLED);
        return ev;
    }
    if (r->items == NULL)
        return ev;
    if (r->nitems != r->count) {
        problem(c, "table error: %zu item results for %zu paths", r->nitems, r->count);
        return ev;
    }
    ev[n++] = strdup(EV_BEGIN);
    for (size_t i = 0; i < r->count; i++) {
        ev[n++] = event_string(CSC_EVENT_ITEM_BEGIN, CSC_S_OK, r->paths[i]);
        ev[n++] = event_string(CSC_EVENT_ITEM_RESULT, r->items[i], r->paths[i]);
    }
    ev[n++] = strdup(EV_END_OK);
    return ev;
}

static void free_list(char **list)
{
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        free(list[i]);
    free(list);
}

/* Compares what was delivered with what was expected (NULL-terminated). */
static void compare_events(ctx_t *c, const char *what, char *const *got, size_t ngot,
                           const char *const *expected)
{
    size_t n = 0;
    while (expected[n] != NULL)
        n++;
    bool same = n == ngot;
    for (size_t i = 0; same && i < n; i++)
        same = strcmp(got[i], expected[i]) == 0;
    if (same)
        return;
    problem(c, "%s differ: %zu expected, %zu delivered", what, n, ngot);
    char a[256], b[256];
    for (size_t i = 0; i < n || i < ngot; i++)
        print_error("  #%zu expected %s\n  #%zu got      %s\n", i + 1,
                    i < n ? head(expected[i], a, sizeof a) : "(none)", i + 1,
                    i < ngot ? head(got[i], b, sizeof b) : "(none)");
}

static void check_result(ctx_t *c, csc_hresult hr)
{
    const row_t *r = c->row;
    if (is_wmi(r->kind)) {
        if (c->wmi != r->wmi)
            problem(c, "returned %u (0x%08X), expected %u (0x%08X)", (unsigned)c->wmi,
                    (unsigned)c->wmi, (unsigned)r->wmi, (unsigned)r->wmi);
    } else if (hr != r->expect) {
        const char *gn = csc_hresult_name(hr), *en = csc_hresult_name(r->expect);
        problem(c, "returned 0x%08X (%s), expected 0x%08X (%s)", (unsigned)hr,
                gn != NULL ? gn : "?", (unsigned)r->expect, en != NULL ? en : "?");
    }
}

static void check_events(ctx_t *c, const char *const *explicit_events)
{
    const row_t *r = c->row;
    char **generated = NULL;
    const char *const *expected = explicit_events;
    if (expected == NULL) {
        generated = expected_events(c);
        expected = (const char *const *)generated;
    }
    if (is_wmi(r->kind))
        compare_events(c, "WMI messages", c->log.msgs, c->log.count, expected);
    else if (is_walk(r->kind) && !(r->opt & O_NO_SINK))
        compare_events(c, "progress events", c->rec.events, c->rec.count, expected);
    free_list(generated);
}

static void compare_snapshots(ctx_t *c, const char *what, const char *expected,
                              const char *got)
{
    if (strcmp(expected, got) == 0)
        return;
    problem(c, "%s", what);
    print_error("--- expected\n%s--- got\n%s", expected, got);
}

/* ---- The main table ------------------------------------------------------------ */

static int fixture_group_setup(void **state)
{
    (void)state;
    make_long_paths();
    return 0;
}

/* Every row of the main table: the right code, the right events, and the
 * cache exactly as before (C1.4, C2.4, C4.1, C4.3, C4.5, C4.7, C4.8, C5.5,
 * C5.7, C8.1, C9.1). */
static void test_bad_input_leaves_cache_unchanged(void **state)
{
    (void)state;
    int problems = 0;
    for (size_t i = 0; i < NROWS; i++) {
        ctx_t c = {.row = &rows[i], .index = i, .table = "main"};
        csc_test_recorder_init(&c.rec);
        csc_test_alloc_t st = {0};
        evict_log_t evictions = {0};
        csc_cache_t *cache = fixture_new(&st, &evictions);
        csc_item_t *target = rows[i].target != NULL ? csc_test_find(cache, rows[i].target) : NULL;
        char *before = csc_test_dump(cache);

        csc_hresult hr = exec_row(&c, cache, target);
        check_result(&c, hr);
        check_events(&c, NULL);
        char why[512];
        if (csc_cache_check(cache, why, sizeof why) != CSC_S_OK)
            problem(&c, "invariant broken: %s", why);
        char *after = csc_test_dump(cache);
        compare_snapshots(&c, "the cache changed", before, after);
        if (evictions.count != 0)
            problem(&c, "%zu eviction(s) reported, first %s", evictions.count,
                    evictions.entries[0]);
        free(before);
        free(after);
        csc_test_recorder_clear(&c.rec);
        msg_log_clear(&c.log);
        fixture_free(cache, &st, &c.problems, rows[i].desc);
        problems += c.problems;
    }
    print_message("test_api__bad_input: %zu rows in the main table\n", NROWS);
    assert_true(NROWS >= 60);
    if (problems != 0) {
        print_error("%d problem(s) in the main table\n", problems);
        fail();
    }
}

/* ---- Twin tables: C4.3 (a bad path among good ones) and C5.5 ----------------- */

/* Preparation of both caches before a twin row. */
#define PREP_EAGER 1u
#define PREP_AUTOMATIC_OVER 2u  /* unpinned limit 12 < unpinned used 22 */
#define PREP_AUTOMATIC_UNDER 3u /* unpinned limit 4000 */

typedef struct twin_row {
    const char *desc;
    unsigned prep;
    row_t call;                /* run on the cache under test */
    const char *const *events; /* expected events / WMI messages, NULL-terminated */
    row_t twin;                /* run on the twin instead */
    size_t evictions;          /* evictions the call must cause (the twin causes the same) */
    bool changes;              /* whether the call must change the cache at all */
} twin_row_t;

#define EVENTS(...) .events = (const char *const[]){__VA_ARGS__, NULL}
#define NO_EVENTS .events = (const char *const[]){NULL}

static const twin_row_t twin_rows[] = {
    /* C4.3: the invalid or uncached path fails alone; the good ones are
     * processed exactly as if given alone, in the order given. */
    {"unpin deep: the docs subtree, then an invalid path [C4.3, C4.4]", 0,
     {.kind = K_UNPIN, PATHS(DOCS, SH "\\a*b"), .flags = USER, .deep = true,
      .expect = CSC_S_OK},
     EVENTS(EV_BEGIN, ITEM_OK(DOCS), ITEM_OK(FA), ITEM_OK(FB), ITEM_OK(SUB), ITEM_OK(FC),
            ITEM_BAD(SH "\\a*b"), EV_END_OK),
     {.kind = K_UNPIN, PATHS(DOCS), .flags = USER, .deep = true, .expect = CSC_S_OK}, 0, true},
    {"pin: an invalid path, then a good file [C4.3, C7.1]", 0,
     {.kind = K_PIN, PATHS("\\\\srv\\sh|are", FE), .flags = ALL, .expect = CSC_S_OK},
     EVENTS(EV_BEGIN, ITEM_BAD("\\\\srv\\sh|are"), ITEM_OK(FE), EV_END_OK),
     {.kind = K_PIN, PATHS(FE), .flags = ALL, .expect = CSC_S_OK}, 0, true},
    {"pin: a good file, a path not cached, the good file again [C4.3, C4.5 overlapping]", 0,
     {.kind = K_PIN, PATHS(OEUVRE, DOCS "\\none", OEUVRE), .flags = POLICY,
      .expect = CSC_S_OK},
     EVENTS(EV_BEGIN, ITEM_OK(OEUVRE), ITEM_NF(DOCS "\\none"), ITEM_OK(OEUVRE), EV_END_OK),
     {.kind = K_PIN, PATHS(OEUVRE, OEUVRE), .flags = POLICY, .expect = CSC_S_OK}, 0, true},
    {"synchronize: a dirty file, then bad UTF-8 [C5.8, C12.4, C4.3]", 0,
     {.kind = K_SYNC, PATHS(FB, DOCS "\\\xC3\x28"), .flags = 0x6u, .expect = CSC_S_OK},
     EVENTS(EV_BEGIN, ITEM_OK(FB), ITEM_BAD(DOCS "\\\xC3\x28"), EV_END_OK),
     {.kind = K_SYNC, PATHS(FB), .flags = 0x6u, .expect = CSC_S_OK}, 0, true},
    {"delete: a file, then a path not cached: the file goes, ERROR_MORE_DATA "
     "[README DeleteItems, C4.3]",
     0, {.kind = K_DELETE, PATHS(FE, SH "\\none"), .expect = CSC_E_MORE_DATA},
     EVENTS(EV_BEGIN, ITEM_OK(FE), ITEM_NF(SH "\\none"), EV_END_OK),
     {.kind = K_DELETE, PATHS(FE), .expect = CSC_S_OK}, 0, true},
    {"wmi unpin: an invalid path, then a pinned file -> 0 [C4.3, C4.8]", 0,
     {.kind = K_WMI_UNPIN, PATHS("\\\\?\\UNC\\", FY), .flags = ALL, .wmi = 0},
     EVENTS(EV_BEGIN, ITEM_BAD("\\\\?\\UNC\\"), ITEM_OK(FY), EV_END_OK),
     {.kind = K_UNPIN, PATHS(FY), .flags = ALL, .expect = CSC_S_OK}, 0, true},

    /* C5.5: under `eager` and `automatic` a method call starts the policy's
     * pass even when it is rejected; the twin runs the same pass by hand. */
    {"eager: unpin rejected by C4.1 still starts the pass [C5.5]", PREP_EAGER,
     {.kind = K_UNPIN, PATHS(FA), .flags = 0, .expect = CSC_E_INVALIDARG}, NO_EVENTS,
     {.kind = K_EVICT, .opt = O_ALL, .expect = CSC_S_OK}, 5, true},
    {"eager: pin of an invalid path starts the pass [C5.5, C4.3]", PREP_EAGER,
     {.kind = K_PIN, PATHS("C:\\x"), .flags = USER, .expect = BAD},
     EVENTS(EV_BEGIN, ITEM_BAD("C:\\x"), EV_END_OK),
     {.kind = K_EVICT, .opt = O_ALL, .expect = CSC_S_OK}, 5, true},
    {"eager: synchronize with a NULL path starts the pass [C5.5]", PREP_EAGER,
     {.kind = K_SYNC, PATHS(FB, NULL), .expect = CSC_E_INVALIDARG}, NO_EVENTS,
     {.kind = K_EVICT, .opt = O_ALL, .expect = CSC_S_OK}, 5, true},
    {"eager: delete with Admin by a non-administrator starts the pass [C5.5]", PREP_EAGER,
     {.kind = K_DELETE, PATHS(FE), .flags = CSC_DELETE_ADMIN, .expect = CSC_E_ACCESSDENIED},
     NO_EVENTS, {.kind = K_EVICT, .opt = O_ALL, .expect = CSC_S_OK}, 5, true},
    {"eager: wmi pin rejected by C4.1 (-> 87) starts the pass [C5.5, C4.8]", PREP_EAGER,
     {.kind = K_WMI_PIN, PATHS(FE), .flags = 0x2u, .wmi = 87}, NO_EVENTS,
     {.kind = K_EVICT, .opt = O_ALL, .expect = CSC_S_OK}, 5, true},
    {"automatic over the unpinned limit: rejected unpin evicts down to the limit [C5.5]",
     PREP_AUTOMATIC_OVER,
     {.kind = K_UNPIN, .paths = (const char *const[]){FA}, .count = 0, .flags = USER,
      .expect = CSC_E_INVALIDARG},
     NO_EVENTS, {.kind = K_EVICT, .a = 10, .expect = CSC_S_OK}, 3, true},
    {"automatic under the limit: a rejected pin evicts nothing [C5.5]", PREP_AUTOMATIC_UNDER,
     {.kind = K_PIN, PATHS(FE), .flags = 0x4u, .expect = CSC_E_INVALIDARG}, NO_EVENTS,
     {.kind = K_NONE}, 0, false},
    {"eager: caching an invalid path caches nothing, so no pass [C5.5 'cached an item']",
     PREP_EAGER, {.kind = K_FILE, PATHS(DOCS "\\a?b"), .a = 1, .expect = BAD}, NO_EVENTS,
     {.kind = K_NONE}, 0, false},
    {"eager: caching past the limit fails, no pass [C5.5, C5.7]", PREP_EAGER,
     {.kind = K_FILE, PATHS(SH "\\huge.bin"), .a = 100000, .expect = CSC_E_DISK_FULL},
     NO_EVENTS, {.kind = K_NONE}, 0, false},
    {"eager: limits refused to a non-administrator start no pass [C5.5]", PREP_EAGER,
     {.kind = K_LIMITS, .a = 1, .b = 1, .expect = CSC_E_ACCESSDENIED}, NO_EVENTS,
     {.kind = K_NONE}, 0, false},
    {"eager: an invalid policy starts no pass [C5.5]", PREP_EAGER,
     {.kind = K_POLICY, .num = 7, .expect = CSC_E_INVALIDARG}, NO_EVENTS, {.kind = K_NONE}, 0,
     false},
    {"eager: finding an invalid path is no method call: no pass [C5.5]", PREP_EAGER,
     {.kind = K_FIND, PATHS("\\\\srv\\a:b"), .expect = BAD}, NO_EVENTS, {.kind = K_NONE}, 0,
     false},
};

#define NTWINS (sizeof twin_rows / sizeof twin_rows[0])

static void prep(csc_cache_t *cache, unsigned how)
{
    if (how == PREP_AUTOMATIC_OVER || how == PREP_AUTOMATIC_UNDER) {
        must(csc_cache_set_caller(cache, "Admin", true), "set_caller Admin");
        must(csc_cache_set_disk_space_limits(cache, LIMIT,
                                             how == PREP_AUTOMATIC_OVER ? 12 : UNPINNED_LIMIT),
             "limits");
        must(csc_cache_set_caller(cache, "alice", false), "set_caller alice");
        must(csc_cache_set_policy(cache, CSC_EVICT_AUTOMATIC), "policy automatic");
    } else if (how == PREP_EAGER) {
        must(csc_cache_set_policy(cache, CSC_EVICT_EAGER), "policy eager");
    }
}

/* C4.3 and C5.5, each row against its twin: the call's result and events,
 * and a cache equal to the twin's after the twin's call. */
static void test_twins(void **state)
{
    (void)state;
    int problems = 0;
    for (size_t i = 0; i < NTWINS; i++) {
        const twin_row_t *t = &twin_rows[i];
        row_t call = t->call, twin = t->twin;
        call.desc = twin.desc = t->desc;
        ctx_t c = {.row = &call, .index = i, .table = "twin"};
        ctx_t ct = {.row = &twin, .index = i, .table = "twin (the twin's call)", .twin = true};
        csc_test_recorder_init(&c.rec);
        csc_test_recorder_init(&ct.rec);
        csc_test_alloc_t st = {0}, tst = {0};
        evict_log_t ev = {0}, tev = {0};
        csc_cache_t *cache = fixture_new(&st, &ev), *tcache = fixture_new(&tst, &tev);
        prep(cache, t->prep);
        prep(tcache, t->prep);
        char *before = csc_test_dump(cache);
        if (ev.count != 0)
            problem(&c, "setting the policy started a pass [C5.5]");

        csc_hresult hr = exec_row(&c, cache, NULL);
        check_result(&c, hr);
        check_events(&c, t->events);
        csc_hresult thr = exec_row(&ct, tcache, NULL);
        check_result(&ct, thr);

        char why[512];
        if (csc_cache_check(cache, why, sizeof why) != CSC_S_OK)
            problem(&c, "invariant broken: %s", why);
        char *after = csc_test_dump(cache), *tafter = csc_test_dump(tcache);
        compare_snapshots(&c, "the cache differs from its twin", tafter, after);
        if (t->changes && strcmp(before, after) == 0)
            problem(&c, "the call changed nothing");
        if (!t->changes)
            compare_snapshots(&c, "the cache changed", before, after);
        if (ev.count != t->evictions)
            problem(&c, "%zu eviction(s), expected %zu", ev.count, t->evictions);
        bool same_evictions = ev.count == tev.count;
        for (size_t k = 0; same_evictions && k < ev.count && k < EVICT_LOG_MAX; k++)
            same_evictions = strcmp(ev.entries[k], tev.entries[k]) == 0;
        if (!same_evictions)
            problem(&c, "evictions differ from the twin's (%zu vs %zu)", ev.count, tev.count);

        free(before);
        free(after);
        free(tafter);
        csc_test_recorder_clear(&c.rec);
        csc_test_recorder_clear(&ct.rec);
        msg_log_clear(&c.log);
        msg_log_clear(&ct.log);
        fixture_free(cache, &st, &c.problems, t->desc);
        fixture_free(tcache, &tst, &c.problems, t->desc);
        problems += c.problems + ct.problems;
    }
    print_message("test_api__bad_input: %zu rows in the twin table\n", NTWINS);
    if (problems != 0) {
        print_error("%d problem(s) in the twin table\n", problems);
        fail();
    }
}

/* ---- C6.6: everything is refused while an asynchronous operation runs -------- */

#define BUSY CSC_E_BUSY

static const row_t busy_rows[] = {
    {"pin", K_PIN, PATHS(FE), .flags = USER, .expect = BUSY},
    {"unpin with a sink: no event", K_UNPIN, PATHS(FA), .flags = USER, .expect = BUSY},
    {"unpin with bad flags: busy first [decision: C6.6 before C4.1, as walk.c orders them]",
     K_UNPIN, PATHS(FA), .flags = 0x2u, .expect = BUSY},
    {"synchronize", K_SYNC, PATHS(FB), .expect = BUSY},
    {"delete", K_DELETE, PATHS(FE), .expect = BUSY},
    {"delete with Admin by a non-administrator: busy first", K_DELETE, PATHS(FE),
     .flags = CSC_DELETE_ADMIN, .expect = BUSY},
    {"wmi pin -> 170", K_WMI_PIN, PATHS(FE), .flags = USER, .wmi = 170},
    {"wmi unpin without a callback -> 170", K_WMI_UNPIN, PATHS(FA), .flags = USER,
     .opt = O_NO_SINK, .wmi = 170},
    {"a second asynchronous pin", K_PIN_ASYNC, PATHS(FE), .flags = USER, .expect = BUSY},
    {"cache file", K_FILE, PATHS(SH "\\new.txt"), .a = 1, .expect = BUSY},
    {"cache dir", K_DIR, PATHS(SH "\\newdir"), .expect = BUSY},
    {"find", K_FIND, PATHS(FA), .expect = BUSY},
    {"set caller", K_CALLER, PATHS("bob"), .expect = BUSY},
    {"set access", K_ACCESS, .target = DOCS, USERS("bob"), .expect = BUSY},
    {"modify", K_MODIFY, .target = FE, .a = 1, .expect = BUSY},
    {"open", K_OPEN, .target = FE, .expect = BUSY},
    {"close", K_CLOSE, .target = FC, .expect = BUSY},
    {"touch", K_TOUCH, .target = FE, .expect = BUSY},
    {"mark synchronized", K_MARK_SYNC, .target = FB, .expect = BUSY},
    {"advance clock", K_CLOCK, .a = 1, .expect = BUSY},
    {"set limits", K_LIMITS, .a = 1, .b = 1, .expect = BUSY},
    {"set policy", K_POLICY, .num = CSC_EVICT_EAGER, .expect = BUSY},
    {"evict: *freed and *count 0", K_EVICT, .opt = O_ALL, .expect = BUSY},
    {"get disk space: the counters are the walk's", K_DISK_SPACE, .expect = BUSY},
    {"set evict callback", K_EVICT_CB, .expect = BUSY},
    {"check invariants", K_CHECK, .expect = BUSY},
    {"close the cache: refused", K_CACHE_CLOSE, .expect = BUSY},
};

#define NBUSY (sizeof busy_rows / sizeof busy_rows[0])

/* C6.6: while an asynchronous Unpin of an invalid path runs (it changes
 * nothing), every call that can fail returns 0x800700AA (WMI: 170) with no
 * event; the operation then completes with the path's result (C4.7) and the
 * cache is as before. The policy is `manual`. */
static void test_busy_cache_refuses_everything(void **state)
{
    (void)state;
    int problems = 0;
    csc_test_alloc_t st = {0};
    evict_log_t ev = {0};
    csc_cache_t *cache = fixture_new(&st, &ev);
    csc_item_t *targets[NBUSY];
    for (size_t i = 0; i < NBUSY; i++)
        targets[i] = busy_rows[i].target != NULL ? csc_test_find(cache, busy_rows[i].target)
                                                 : NULL;
    char *before = csc_test_dump(cache);

    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    csc_op_t op;
    memset(&op, 0, sizeof op);
    const char *bad[] = {DOCS "\\a*b"};
    g_done_calls = 0;
    /* No sink: the walk allocates nothing on the thread pool. */
    assert_int_equal(csc_unpin_async(&op, &loop, cache, bad, 1, USER, true, NULL, NULL, on_done),
                     CSC_S_OK);
    assert_true(csc_cache_busy(cache));
    for (size_t i = 0; i < NBUSY; i++) {
        ctx_t c = {.row = &busy_rows[i], .index = i, .table = "busy", .busy = true};
        csc_test_recorder_init(&c.rec);
        g_done_calls = 0;
        csc_hresult hr = exec_row(&c, cache, targets[i]);
        check_result(&c, hr);
        check_events(&c, (const char *const[]){NULL});
        csc_test_recorder_clear(&c.rec);
        msg_log_clear(&c.log);
        problems += c.problems;
    }
    assert_true(csc_cache_busy(cache));
    g_done_calls = 0;
    assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);
    assert_int_equal(g_done_calls, 1);
    assert_int_equal(g_done_result, BAD);
    assert_false(csc_cache_busy(cache));
    assert_int_equal(uv_loop_close(&loop), 0);

    assert_cache_ok(cache);
    char *after = csc_test_dump(cache);
    if (strcmp(before, after) != 0) {
        print_error("busy calls changed the cache\n--- before\n%s--- after\n%s", before, after);
        problems++;
    }
    assert_int_equal(ev.count, 0);
    free(before);
    free(after);
    fixture_free(cache, &st, &problems, "busy");
    print_message("test_api__bad_input: %zu rows in the busy table\n", NBUSY);
    if (problems != 0) {
        print_error("%d problem(s) in the busy table\n", problems);
        fail();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_input_leaves_cache_unchanged),
        cmocka_unit_test(test_twins),
        cmocka_unit_test(test_busy_cache_refuses_everything),
    };
    return cmocka_run_group_tests(tests, fixture_group_setup, NULL);
}
