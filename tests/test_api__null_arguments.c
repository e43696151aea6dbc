/*
 * tests/test_api__null_arguments.c: every public function called with NULL
 * in place of its cache, item, input or output pointers. Contract C8.1: a
 * NULL cache or output pointer gives E_POINTER (0x80004003); functions with a
 * documented value for NULL (csc_cache_free, csc_cache_close, "may be NULL"
 * outputs, C4.1's E_INVALIDARG for NULL paths, getters' neutral values)
 * return that; nothing may crash and nothing may change.
 *
 * Each call runs in a forked child, so that a crash is reported as a failure
 * of that one call (with its line) instead of ending the whole test program;
 * the child checks the result and exits 0 (right), 42 (wrong value) or dies
 * (crash). Under a sanitizer the child's report appears on stderr.
 */
#include "support.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uv.h>

#include <cscsim/async.h>

#define WRONG_VALUE 42

/* The objects the probes use; made by the cmocka setup in the parent and
 * inherited by the children. */
static csc_cache_t *g_cache;
static csc_item_t *g_file;  /* \\srv\share\d\f.txt, 10 bytes */
static csc_item_t *g_dir;   /* \\srv\share\d, with an access list {alice} */
static const char *const g_paths[] = {"\\\\srv\\share\\d\\f.txt"};

/* cmocka setup: the cache every probe of a test shares. */
static int setup_cache(void **state)
{
    (void)state;
    g_cache = csc_test_cache_new();
    g_file = csc_test_file(g_cache, "\\\\srv\\share\\d\\f.txt", 10);
    g_dir = csc_item_parent(g_file);
    const char *alice[] = {"alice"};
    assert_int_equal(csc_item_set_access(g_cache, g_dir, alice, 1), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(g_cache, "alice", false), CSC_S_OK);
    assert_cache_ok(g_cache);
    return 0;
}

/* cmocka teardown (runs after a failed test too). */
static int teardown_cache(void **state)
{
    (void)state;
    /* The parent's cache never saw the children's calls; it must be intact. */
    bool intact = csc_cache_check(g_cache, NULL, 0) == CSC_S_OK &&
                  csc_cache_item_count(g_cache) == 4;
    csc_cache_free(g_cache);
    g_cache = NULL;
    return intact ? 0 : -1;
}

/* In a child: the state every probe must leave as it found it. */
static bool child_state_intact(void)
{
    char why[256];
    if (csc_cache_check(g_cache, why, sizeof why) != CSC_S_OK) {
        fprintf(stderr, "  cache invariant broken: %s\n", why);
        return false;
    }
    bool admin = true;
    const char *caller = csc_cache_caller(g_cache, &admin);
    size_t n = 0;
    return csc_cache_item_count(g_cache) == 4 && caller != NULL &&
           strcmp(caller, "alice") == 0 && !admin && csc_item_size(g_file) == 10 &&
           !csc_item_is_dirty(g_file) && csc_item_open_count(g_file) == 0 &&
           csc_item_pins(g_file) == 0 && csc_item_last_use(g_file) == 0 &&
           csc_item_access(g_dir, &n) && n == 1 &&
           strcmp(csc_item_access_user(g_dir, 0), "alice") == 0 &&
           csc_cache_clock(g_cache) == 0;
}

/* In a child: a crash must kill it, not reach cmocka's handler (which
 * would go on running the following tests in the child). */
static void child_default_signals(void)
{
    const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
}

static void probe_wait(pid_t pid, const char *desc, int line, int *failures)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    (*failures)++;
    if (WIFSIGNALED(status))
        print_error("line %d: %s: crashed (signal %d)\n", line, desc, WTERMSIG(status));
    else if (WEXITSTATUS(status) == WRONG_VALUE)
        print_error("line %d: %s: wrong result or state changed\n", line, desc);
    else
        print_error("line %d: %s: died with exit status %d (sanitizer report above?)\n", line,
                    desc, WEXITSTATUS(status));
}

/* Runs the body (the arguments after desc) in a child; inside it, CHECK(cond) records a wrong value. The
 * cache's state is checked after the body. */
#define PROBE(desc, ...)                                                      \
    do {                                                                      \
        fflush(NULL);                                                         \
        pid_t pid_ = fork();                                                  \
        assert_true(pid_ >= 0);                                               \
        if (pid_ == 0) {                                                      \
            child_default_signals();                                          \
            int ok_ = 1;                                                      \
            __VA_ARGS__;                                                      \
            if (g_cache != NULL && !child_state_intact()) {                   \
                fprintf(stderr, "  line %d: state changed\n", __LINE__);      \
                ok_ = 0;                                                      \
            }                                                                 \
            fflush(NULL);                                                     \
            _exit(ok_ ? 0 : WRONG_VALUE);                                     \
        }                                                                     \
        probe_wait(pid_, (desc), __LINE__, &failures_);                       \
    } while (0)

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "  line %d: CHECK(%s) failed\n", __LINE__, #cond); \
            ok_ = 0;                                                          \
        }                                                                     \
    } while (0)

#define CHECK_HR(expr, expected)                                                   \
    do {                                                                           \
        csc_hresult hr_ = (expr);                                                  \
        if (hr_ != (expected)) {                                                   \
            fprintf(stderr, "  line %d: %s returned 0x%08X, expected 0x%08X\n",   \
                    __LINE__, #expr, (unsigned)hr_, (unsigned)(expected));         \
            ok_ = 0;                                                               \
        }                                                                          \
    } while (0)

#define BEGIN_PROBES int failures_ = 0
#define END_PROBES                                                            \
    do {                                                                      \
        if (failures_ != 0) {                                                 \
            print_error("%d call(s) misbehaved with NULL arguments\n", failures_); \
            fail();                                                           \
        }                                                                     \
    } while (0)

/* A progress sink counting every event (for "no event" checks). */
static size_t g_events;
static void count_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)ud, (void)ev, (void)abort;
    g_events++;
}
static csc_op_response_t count_item(void *ud, const csc_event_t *ev)
{
    (void)ud, (void)ev;
    g_events++;
    return CSC_OP_CONTINUE;
}
static void count_end(void *ud, const csc_event_t *ev)
{
    (void)ud, (void)ev;
    g_events++;
}
static const csc_progress_t counting_sink = {CSC_PROGRESS_VERSION, NULL, count_begin, NULL, count_item, count_item,
                                             count_end};

/* ---- cache.h ----------------------------------------------------------------- */

/* C8.1, cache.h: the cache's life cycle, caller, clock, count and checker. */
static void test_cache_functions_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    PROBE("csc_cache_options_init(NULL)",
          CHECK_HR(csc_cache_options_init(NULL, CSC_CACHE_OPTIONS_VERSION), CSC_E_POINTER));
    PROBE("csc_cache_new(NULL out)", CHECK_HR(csc_cache_new(NULL, NULL), CSC_E_POINTER));
    PROBE("csc_cache_new(NULL out, options)", {
        csc_cache_options_t opts = CSC_CACHE_OPTIONS_INIT;
        CHECK_HR(csc_cache_new(NULL, &opts), CSC_E_POINTER);
    });
    PROBE("csc_cache_new(out, NULL options) uses defaults", {
        csc_cache_t *c = NULL;
        CHECK_HR(csc_cache_new(&c, NULL), CSC_S_OK);
        CHECK(c != NULL && strcmp(csc_cache_caller(c, NULL), "user") == 0);
        csc_cache_free(c);
    });
    PROBE("csc_cache_free(NULL)", csc_cache_free(NULL));
    PROBE("csc_cache_close(NULL)", CHECK_HR(csc_cache_close(NULL), CSC_S_OK));
    PROBE("csc_cache_set_caller(NULL cache)",
          CHECK_HR(csc_cache_set_caller(NULL, "bob", true), CSC_E_POINTER));
    PROBE("csc_cache_set_caller(NULL user)", {
        csc_hresult hr = csc_cache_set_caller(g_cache, NULL, true);
        CHECK(hr == CSC_E_POINTER || hr == CSC_E_INVALIDARG);
    });
    PROBE("csc_cache_caller(NULL)", {
        bool admin = true;
        CHECK(csc_cache_caller(NULL, &admin) == NULL);
    });
    PROBE("csc_cache_caller(cache, NULL admin)",
          CHECK(strcmp(csc_cache_caller(g_cache, NULL), "alice") == 0));
    PROBE("csc_cache_clock(NULL)", CHECK(csc_cache_clock(NULL) == 0));
    PROBE("csc_cache_advance_clock(NULL)",
          CHECK_HR(csc_cache_advance_clock(NULL, 5), CSC_E_POINTER));
    PROBE("csc_cache_item_count(NULL)", CHECK(csc_cache_item_count(NULL) == 0));
    PROBE("csc_cache_check(NULL)", {
        char why[64];
        CHECK_HR(csc_cache_check(NULL, why, sizeof why), CSC_E_POINTER);
        CHECK_HR(csc_cache_check(NULL, NULL, 0), CSC_E_POINTER);
    });
    PROBE("csc_cache_check(cache, NULL why)",
          CHECK_HR(csc_cache_check(g_cache, NULL, 0), CSC_S_OK));
    PROBE("csc_cache_busy(NULL)", CHECK(!csc_cache_busy(NULL)));
    END_PROBES;
}

/* ---- item.h: caching and finding --------------------------------------------- */

/* C8.1, item.h: caching and finding with a NULL cache, path or out pointer;
 * `out` of csc_cache_file and csc_cache_dir may be NULL. */
static void test_caching_and_finding_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    PROBE("csc_cache_file(NULL cache)", {
        csc_item_t *out = NULL;
        CHECK_HR(csc_cache_file(NULL, "\\\\a\\b\\c", true, 1, &out), CSC_E_POINTER);
        CHECK(out == NULL);
        CHECK_HR(csc_cache_file(NULL, "\\\\a\\b\\c", true, 1, NULL), CSC_E_POINTER);
    });
    PROBE("csc_cache_file(NULL path)", {
        csc_item_t *out = NULL;
        csc_hresult hr = csc_cache_file(g_cache, NULL, true, 1, &out);
        CHECK(hr == CSC_E_POINTER || hr == CSC_E_INVALIDARG);
        CHECK(out == NULL);
    });
    PROBE("csc_cache_dir(NULL cache)", {
        csc_item_t *out = NULL;
        CHECK_HR(csc_cache_dir(NULL, "\\\\a\\b\\c", &out), CSC_E_POINTER);
        CHECK(out == NULL);
    });
    PROBE("csc_cache_dir(NULL path)", {
        csc_hresult hr = csc_cache_dir(g_cache, NULL, NULL);
        CHECK(hr == CSC_E_POINTER || hr == CSC_E_INVALIDARG);
    });
    /* `out` may be NULL: the call works (and then changes the cache, so the
     * child restores nothing: check the new items instead). */
    PROBE("csc_cache_file(NULL out) is allowed", {
        CHECK_HR(csc_cache_file(g_cache, "\\\\srv\\share\\new.txt", true, 3, NULL), CSC_S_OK);
        CHECK_HR(csc_cache_dir(g_cache, "\\\\srv\\share\\newdir", NULL), CSC_S_OK);
        csc_item_t *it = NULL;
        CHECK_HR(csc_cache_find(g_cache, "\\\\srv\\share\\new.txt", &it), CSC_S_OK);
        CHECK(it != NULL && csc_item_size(it) == 3);
        CHECK(csc_cache_item_count(g_cache) == 6);
        _exit(ok_ ? 0 : WRONG_VALUE); /* the state check below would see 6 items */
    });
    PROBE("csc_cache_find(NULL cache)", {
        csc_item_t *out = g_file;
        CHECK_HR(csc_cache_find(NULL, g_paths[0], &out), CSC_E_POINTER);
        CHECK(out == NULL);
    });
    PROBE("csc_cache_find(NULL out)",
          CHECK_HR(csc_cache_find(g_cache, g_paths[0], NULL), CSC_E_POINTER));
    PROBE("csc_cache_find(NULL path)", {
        csc_item_t *out = g_file;
        csc_hresult hr = csc_cache_find(g_cache, NULL, &out);
        CHECK(hr == CSC_E_POINTER || hr == CSC_E_INVALIDARG);
        CHECK(out == NULL);
    });
    PROBE("csc_cache_first_server(NULL)", CHECK(csc_cache_first_server(NULL) == NULL));
    PROBE("csc_item_parent(NULL)", CHECK(csc_item_parent(NULL) == NULL));
    PROBE("csc_item_first_child(NULL)", CHECK(csc_item_first_child(NULL) == NULL));
    PROBE("csc_item_next_sibling(NULL)", CHECK(csc_item_next_sibling(NULL) == NULL));
    END_PROBES;
}

/* ---- item.h: reading ------------------------------------------------------------ */

/* item.h: every getter with a NULL item gives its neutral value (no name, no
 * path, no pins, not pinned/dirty/open/evictable, zero counts) and does not
 * crash; csc_item_type has no value for "no item", so only "no crash". */
static void test_item_getters_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    PROBE("csc_item_type(NULL)", {
        volatile csc_item_type_t t = csc_item_type(NULL);
        (void)t;
    });
    PROBE("csc_item_name(NULL)", CHECK(csc_item_name(NULL) == NULL));
    PROBE("csc_item_path(NULL)", {
        char buf[16];
        memset(buf, 'Q', sizeof buf);
        CHECK(csc_item_path(NULL, buf, sizeof buf) == 0);
        CHECK(buf[0] == '\0' || buf[0] == 'Q');
        CHECK(csc_item_path(NULL, NULL, 0) == 0);
    });
    PROBE("csc_item_path(item, NULL buf, 0)",
          CHECK(csc_item_path(g_file, NULL, 0) == strlen(g_paths[0])));
    PROBE("csc_item_pins(NULL)", CHECK(csc_item_pins(NULL) == 0));
    PROBE("csc_item_inherit(NULL)", CHECK(csc_item_inherit(NULL) == 0));
    PROBE("csc_item_pin_wmi(NULL)",
          CHECK(csc_item_pin_wmi(NULL, CSC_PIN_SOURCE_USER) == CSC_PIN_WMI_NOT_PINNED));
    PROBE("csc_item_is_pinned(NULL)", CHECK(!csc_item_is_pinned(NULL)));
    PROBE("csc_item_is_partly_pinned(NULL)", CHECK(!csc_item_is_partly_pinned(NULL)));
    PROBE("csc_item_is_dirty(NULL)", CHECK(!csc_item_is_dirty(NULL)));
    PROBE("csc_item_dirty_bytes(NULL)", CHECK(csc_item_dirty_bytes(NULL) == 0));
    PROBE("csc_item_is_open(NULL)", CHECK(!csc_item_is_open(NULL)));
    PROBE("csc_item_open_count(NULL)", CHECK(csc_item_open_count(NULL) == 0));
    PROBE("csc_item_sharing_violations(NULL)", CHECK(csc_item_sharing_violations(NULL) == 0));
    PROBE("csc_item_size(NULL)", CHECK(csc_item_size(NULL) == 0));
    PROBE("csc_item_last_use(NULL)", CHECK(csc_item_last_use(NULL) == 0));
    PROBE("csc_item_is_evictable(NULL)", CHECK(!csc_item_is_evictable(NULL)));
    PROBE("csc_item_access(NULL)", {
        size_t count = 7;
        CHECK(!csc_item_access(NULL, &count));
        CHECK(!csc_item_access(NULL, NULL));
    });
    PROBE("csc_item_access(item, NULL count)", CHECK(csc_item_access(g_dir, NULL)));
    PROBE("csc_item_access_user(NULL)", CHECK(csc_item_access_user(NULL, 0) == NULL));
    PROBE("csc_cache_caller_has_access(NULL cache)",
          CHECK(!csc_cache_caller_has_access(NULL, g_file)));
    PROBE("csc_cache_caller_has_access(NULL item)",
          CHECK(!csc_cache_caller_has_access(g_cache, NULL)));
    END_PROBES;
}

/* ---- item.h: changing ------------------------------------------------------------- */

/* C8.1, item.h: every state change with a NULL cache or item is E_POINTER
 * and changes nothing; a NULL name in an access list is refused and the old
 * list stays; users NULL (documented) removes the list. */
static void test_item_changes_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    PROBE("csc_item_modify(NULL cache)", CHECK_HR(csc_item_modify(NULL, g_file, 5), CSC_E_POINTER));
    PROBE("csc_item_modify(NULL item)", CHECK_HR(csc_item_modify(g_cache, NULL, 5), CSC_E_POINTER));
    PROBE("csc_item_mark_synchronized(NULL cache)",
          CHECK_HR(csc_item_mark_synchronized(NULL, g_file), CSC_E_POINTER));
    PROBE("csc_item_mark_synchronized(NULL item)",
          CHECK_HR(csc_item_mark_synchronized(g_cache, NULL), CSC_E_POINTER));
    PROBE("csc_item_open(NULL cache)", CHECK_HR(csc_item_open(NULL, g_file), CSC_E_POINTER));
    PROBE("csc_item_open(NULL item)", CHECK_HR(csc_item_open(g_cache, NULL), CSC_E_POINTER));
    PROBE("csc_item_close(NULL cache)", CHECK_HR(csc_item_close(NULL, g_file), CSC_E_POINTER));
    PROBE("csc_item_close(NULL item)", CHECK_HR(csc_item_close(g_cache, NULL), CSC_E_POINTER));
    PROBE("csc_item_touch(NULL cache)", CHECK_HR(csc_item_touch(NULL, g_file), CSC_E_POINTER));
    PROBE("csc_item_touch(NULL item)", CHECK_HR(csc_item_touch(g_cache, NULL), CSC_E_POINTER));
    PROBE("csc_item_set_access(NULL cache)", {
        const char *bob[] = {"bob"};
        CHECK_HR(csc_item_set_access(NULL, g_dir, bob, 1), CSC_E_POINTER);
        CHECK_HR(csc_item_set_access(NULL, g_dir, NULL, 0), CSC_E_POINTER);
    });
    PROBE("csc_item_set_access(NULL item)", {
        const char *bob[] = {"bob"};
        CHECK_HR(csc_item_set_access(g_cache, NULL, bob, 1), CSC_E_POINTER);
    });
    PROBE("csc_item_set_access(NULL name in the list)", {
        const char *with_null[] = {"bob", NULL};
        csc_hresult hr = csc_item_set_access(g_cache, g_dir, with_null, 2);
        CHECK(hr == CSC_E_INVALIDARG || hr == CSC_E_POINTER);
    });
    PROBE("csc_item_set_access(users NULL) removes the list", {
        CHECK_HR(csc_item_set_access(g_cache, g_dir, NULL, 5), CSC_S_OK);
        CHECK(!csc_item_access(g_dir, NULL));
        CHECK(csc_cache_check(g_cache, NULL, 0) == CSC_S_OK);
        _exit(ok_ ? 0 : WRONG_VALUE); /* the list is gone on purpose */
    });
    END_PROBES;
}

/* ---- path.h, error.h ---------------------------------------------------------- */

/* path.h: a NULL path is E_POINTER; the outputs may each be NULL. error.h:
 * csc_error_from_name returns false, outputs untouched, for a NULL argument. */
static void test_path_and_error_functions_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    PROBE("csc_path_normalize(NULL path)", {
        char d[32], k[32];
        size_t dl = 9, kl = 9;
        CHECK_HR(csc_path_normalize(NULL, d, sizeof d, &dl, k, sizeof k, &kl), CSC_E_POINTER);
        CHECK_HR(csc_path_normalize(NULL, NULL, 0, NULL, NULL, 0, NULL), CSC_E_POINTER);
    });
    PROBE("csc_path_normalize(NULL outputs)", {
        CHECK_HR(csc_path_normalize("\\\\Srv\\Share", NULL, 0, NULL, NULL, 0, NULL), CSC_S_OK);
        size_t dl = 0, kl = 0;
        CHECK_HR(csc_path_normalize("\\\\Srv\\Share", NULL, 0, &dl, NULL, 0, &kl), CSC_S_OK);
        CHECK(dl == 11 && kl == 11);
        char k[32];
        CHECK_HR(csc_path_normalize("\\\\Srv\\Share", NULL, 0, NULL, k, sizeof k, NULL),
                 CSC_S_OK);
        CHECK(strcmp(k, "\\\\srv\\share") == 0);
    });
    PROBE("csc_error_from_name(NULL)", {
        uint32_t v = 77;
        bool h = true;
        CHECK(!csc_error_from_name(NULL, &v, &h));
        CHECK(v == 77 && h);
        CHECK(!csc_error_from_name("E_POINTER", NULL, &h));
        CHECK(h);
        CHECK(!csc_error_from_name("E_POINTER", &v, NULL));
        CHECK(v == 77);
        CHECK(csc_error_from_name("E_POINTER", &v, &h));
        CHECK(v == 0x80004003u && h);
    });
    END_PROBES;
}

/* ---- pin.h ------------------------------------------------------------------------ */

/* C8.1, C4.1, pin.h: Pin and Unpin with a NULL cache are E_POINTER; NULL
 * paths or a NULL path among them are E_INVALIDARG with no event and no
 * change; progress and cancel may be NULL, and so may each callback of a
 * sink; the WMI forms return E_POINTER's bits and 87. Cancel tokens and
 * event formatting with NULL. */
static void test_pin_functions_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    for (int pin = 0; pin < 2; pin++) {
        csc_hresult (*fn)(csc_cache_t *, const char *const *, size_t, uint32_t, bool,
                          const csc_progress_t *, csc_cancel_t *) = pin ? csc_pin : csc_unpin;
        uint32_t (*wmi)(csc_cache_t *, const char *const *, size_t, uint32_t, bool,
                        csc_wmi_progress_cb, void *) = pin ? csc_wmi_pin : csc_wmi_unpin;
        PROBE(pin ? "csc_pin(NULL cache)" : "csc_unpin(NULL cache)", {
            CHECK_HR(fn(NULL, g_paths, 1, 0x20, true, &counting_sink, NULL), CSC_E_POINTER);
            CHECK(g_events == 0);
        });
        PROBE(pin ? "csc_pin(NULL paths)" : "csc_unpin(NULL paths)", {
            CHECK_HR(fn(g_cache, NULL, 1, 0x20, true, &counting_sink, NULL), CSC_E_INVALIDARG);
            CHECK(g_events == 0);
        });
        PROBE(pin ? "csc_pin(a NULL path)" : "csc_unpin(a NULL path)", {
            const char *with_null[] = {g_paths[0], NULL};
            CHECK_HR(fn(g_cache, with_null, 2, 0x20, true, &counting_sink, NULL),
                     CSC_E_INVALIDARG);
            const char *only_null[] = {NULL};
            CHECK_HR(fn(g_cache, only_null, 1, 0x20, true, &counting_sink, NULL),
                     CSC_E_INVALIDARG);
            CHECK(g_events == 0);
        });
        PROBE(pin ? "csc_wmi_pin(NULL cache)" : "csc_wmi_unpin(NULL cache)",
              CHECK(wmi(NULL, g_paths, 1, 0x20, true, NULL, NULL) == 0x80004003u));
        PROBE(pin ? "csc_wmi_pin(NULL paths)" : "csc_wmi_unpin(NULL paths)", {
            CHECK(wmi(g_cache, NULL, 1, 0x20, true, NULL, NULL) == 87u);
            /* A NULL string inside the array counts as "" (C14.4, C16.7):
             * one invalid path, ERROR_INVALID_NAME, nothing changed. */
            const char *only_null[] = {NULL};
            CHECK(wmi(g_cache, only_null, 1, 0x20, true, NULL, NULL) == 123u);
        });
    }
    /* NULL progress, NULL cancel and a sink of NULL callbacks are allowed. */
    PROBE("csc_pin(NULL progress, NULL cancel)", {
        CHECK_HR(csc_pin(g_cache, g_paths, 1, 0x20, false, NULL, NULL), CSC_S_OK);
        CHECK(csc_item_pins(g_file) == 0x20);
        const csc_progress_t empty = {CSC_PROGRESS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL};
        CHECK_HR(csc_unpin(g_cache, g_paths, 1, 0x20, false, &empty, NULL), CSC_S_OK);
        CHECK(csc_item_pins(g_file) == 0);
        CHECK(csc_wmi_pin(g_cache, g_paths, 1, 0x80, false, NULL, NULL) == 0);
        CHECK(csc_item_pins(g_file) == 0x80);
        _exit(ok_ ? 0 : WRONG_VALUE); /* pinned on purpose */
    });
    PROBE("csc_event_format_wmi(NULL event)", {
        char buf[16];
        memset(buf, 'Q', sizeof buf);
        volatile size_t n = csc_event_format_wmi(NULL, buf, sizeof buf);
        (void)n;
        volatile size_t m = csc_event_format_wmi(NULL, NULL, 0);
        (void)m;
    });
    PROBE("csc_event_format_wmi(NULL buffer)", {
        csc_event_t ev = {CSC_EVENT_ITEM_RESULT, CSC_E_FILE_NOT_FOUND, "\\\\s\\x", 5};
        const char *expected = "3:0x80070002:The system cannot find the file specified.:\\\\s\\x";
        CHECK(csc_event_format_wmi(&ev, NULL, 0) == strlen(expected));
        CHECK(csc_event_format_wmi(&ev, NULL, 100) == strlen(expected));
    });
    PROBE("csc_cancel_new(NULL)", CHECK_HR(csc_cancel_new(NULL), CSC_E_POINTER));
    PROBE("csc_cancel_free/request/reset/requested(NULL)", {
        csc_cancel_free(NULL);
        csc_cancel_request(NULL);
        csc_cancel_reset(NULL);
        CHECK(!csc_cancel_requested(NULL));
    });
    END_PROBES;
}

/* ---- space.h, sync.h ---------------------------------------------------------- */

static void evict_cb(void *ud, const char *path, uint64_t size)
{
    (void)ud, (void)path, (void)size;
}

/* C8.1, space.h, sync.h: disk space, policy, eviction, Synchronize and
 * DeleteItems with NULL; the outputs documented as optional may be NULL. */
static void test_space_and_sync_functions_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    PROBE("csc_cache_get_disk_space(NULL cache)", {
        csc_disk_space_t ds;
        CHECK_HR(csc_cache_get_disk_space(NULL, &ds), CSC_E_POINTER);
    });
    PROBE("csc_cache_get_disk_space(NULL out)",
          CHECK_HR(csc_cache_get_disk_space(g_cache, NULL), CSC_E_POINTER));
    PROBE("csc_cache_set_disk_space_limits(NULL)",
          CHECK_HR(csc_cache_set_disk_space_limits(NULL, 100, 50), CSC_E_POINTER));
    PROBE("csc_cache_set_policy(NULL)",
          CHECK_HR(csc_cache_set_policy(NULL, CSC_EVICT_EAGER), CSC_E_POINTER));
    PROBE("csc_cache_policy(NULL)", {
        volatile csc_evict_policy_t p = csc_cache_policy(NULL);
        (void)p;
    });
    PROBE("csc_cache_set_evict_callback(NULL cache)",
          CHECK_HR(csc_cache_set_evict_callback(NULL, evict_cb, NULL), CSC_E_POINTER));
    PROBE("csc_cache_evict(NULL cache)", {
        uint64_t freed = 5;
        size_t count = 5;
        CHECK_HR(csc_cache_evict(NULL, true, 0, &freed, &count), CSC_E_POINTER);
    });
    PROBE("csc_cache_evict(NULL freed, NULL count) is allowed", {
        CHECK_HR(csc_cache_evict(g_cache, true, 0, NULL, NULL), CSC_S_OK);
        CHECK(csc_cache_check(g_cache, NULL, 0) == CSC_S_OK);
        _exit(ok_ ? 0 : WRONG_VALUE); /* evicting changed the cache on purpose */
    });
    PROBE("csc_synchronize(NULL cache)", {
        CHECK_HR(csc_synchronize(NULL, g_paths, 1, 0, &counting_sink, NULL), CSC_E_POINTER);
        CHECK(g_events == 0);
    });
    PROBE("csc_synchronize(NULL paths)", {
        CHECK_HR(csc_synchronize(g_cache, NULL, 1, 0, &counting_sink, NULL), CSC_E_INVALIDARG);
        const char *only_null[] = {NULL};
        CHECK_HR(csc_synchronize(g_cache, only_null, 1, 0, &counting_sink, NULL),
                 CSC_E_INVALIDARG);
        CHECK(g_events == 0);
    });
    PROBE("csc_delete_items(NULL cache)", {
        CHECK_HR(csc_delete_items(NULL, g_paths, 1, 0, &counting_sink, NULL), CSC_E_POINTER);
        CHECK(g_events == 0);
    });
    PROBE("csc_delete_items(NULL paths)", {
        csc_hresult hr = csc_delete_items(g_cache, NULL, 1, 0, &counting_sink, NULL);
        CHECK(hr == CSC_E_INVALIDARG || hr == CSC_E_POINTER);
        const char *with_null[] = {g_paths[0], NULL};
        hr = csc_delete_items(g_cache, with_null, 2, 0, &counting_sink, NULL);
        CHECK(hr == CSC_E_INVALIDARG || hr == CSC_E_POINTER);
        CHECK(g_events == 0);
    });
    END_PROBES;
}

/* ---- async.h -------------------------------------------------------------------- */

static int g_done_calls;
static void done_cb(csc_op_t *op, csc_hresult result)
{
    (void)op, (void)result;
    g_done_calls++;
}

/* async.h: starting an operation with a NULL op, loop, cache or completion
 * callback is E_POINTER, starts nothing and never calls back; NULL paths are
 * E_INVALIDARG (C4.1); the other functions accept NULL. */
static void test_async_functions_with_null(void **state)
{
    (void)state;
    BEGIN_PROBES;
    for (int pin = 0; pin < 2; pin++) {
        csc_hresult (*start)(csc_op_t *, uv_loop_t *, csc_cache_t *, const char *const *, size_t,
                             uint32_t, bool, const csc_progress_t *, csc_cancel_t *,
                             csc_op_cb) = pin ? csc_pin_async : csc_unpin_async;
        PROBE(pin ? "csc_pin_async(NULL op, loop, cache, done, paths)"
                  : "csc_unpin_async(NULL op, loop, cache, done, paths)",
              {
                  uv_loop_t loop;
                  CHECK(uv_loop_init(&loop) == 0);
                  csc_op_t op;
                  memset(&op, 0, sizeof op);
                  CHECK_HR(start(NULL, &loop, g_cache, g_paths, 1, 0x20, true, NULL, NULL,
                                 done_cb),
                           CSC_E_POINTER);
                  CHECK_HR(start(&op, NULL, g_cache, g_paths, 1, 0x20, true, NULL, NULL,
                                 done_cb),
                           CSC_E_POINTER);
                  CHECK_HR(start(&op, &loop, NULL, g_paths, 1, 0x20, true, NULL, NULL, done_cb),
                           CSC_E_POINTER);
                  CHECK_HR(start(&op, &loop, g_cache, g_paths, 1, 0x20, true, NULL, NULL, NULL),
                           CSC_E_POINTER);
                  CHECK_HR(start(&op, &loop, g_cache, NULL, 1, 0x20, true, &counting_sink, NULL,
                                 done_cb),
                           CSC_E_INVALIDARG);
                  CHECK(!csc_cache_busy(g_cache));
                  uv_run(&loop, UV_RUN_DEFAULT);
                  CHECK(g_done_calls == 0);
                  CHECK(g_events == 0);
                  CHECK(uv_loop_close(&loop) == 0);
              });
    }
    PROBE("csc_op_cancel(NULL)", csc_op_cancel(NULL));
    PROBE("csc_op_queue_peak_bytes(NULL)", {
        volatile size_t n = csc_op_queue_peak_bytes(NULL);
        (void)n;
    });
    END_PROBES;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cache_functions_with_null, setup_cache, teardown_cache),
        cmocka_unit_test_setup_teardown(test_caching_and_finding_with_null, setup_cache, teardown_cache),
        cmocka_unit_test_setup_teardown(test_item_getters_with_null, setup_cache, teardown_cache),
        cmocka_unit_test_setup_teardown(test_item_changes_with_null, setup_cache, teardown_cache),
        cmocka_unit_test(test_path_and_error_functions_with_null),
        cmocka_unit_test_setup_teardown(test_pin_functions_with_null, setup_cache, teardown_cache),
        cmocka_unit_test_setup_teardown(test_space_and_sync_functions_with_null, setup_cache, teardown_cache),
        cmocka_unit_test_setup_teardown(test_async_functions_with_null, setup_cache, teardown_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
