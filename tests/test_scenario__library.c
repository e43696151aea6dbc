/*
 * tests/test_scenario__library.c: the scenario language as a library call
 * and the cache as text (cscsim/scenario.h, issue 12 point 7). A scenario
 * text run on a cache the test made sets up the state the item API then
 * reads; a syntax error runs nothing and leaves the cache (and its eviction
 * callback) exactly as it was, every error reported with line and column; a
 * failed check comes back with its line and message and S_FALSE; the
 * transcript goes to a callback or into the result; a session keeps the last
 * result between texts. csc_cache_dump writes the `show` picture (compared
 * byte for byte), a Graphviz graph, and a scenario that recreates the state:
 * run on a fresh cache it gives a cache whose every getter answers the same
 * (csc_test_dump) and whose dumps are equal. One fixture is built both in C
 * and in text and the two caches compared; the test prints how many lines
 * each took.
 */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT(s) (s), strlen(s)

/* The transcript of a run, in memory. */
typedef struct sink {
    char buf[8192];
    size_t len;
    size_t calls;
} sink_t;

static void to_sink(void *user_data, const char *text, size_t len)
{
    sink_t *s = user_data;
    assert_true(s->len + len < sizeof s->buf);
    memcpy(s->buf + s->len, text, len);
    s->len += len;
    s->buf[s->len] = '\0';
    s->calls++;
}

static char *dump(csc_cache_t *cache, const char *path, csc_dump_format_t format)
{
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(csc_cache_dump_string(&text, &len, cache, path, format), CSC_S_OK);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    return text;
}

/* Runs `text` on `cache`, expecting `want`; returns the collected result. */
static void run_ok(csc_cache_t *cache, const char *text, csc_hresult want)
{
    csc_scenario_result_t res;
    csc_hresult hr = csc_scenario_run(cache, TEXT(text), NULL, &res);
    if (hr != want) {
        for (size_t i = 0; i < res.syntax_error_count; i++)
            print_error("line %u col %u: %s\n", res.syntax_errors[i].line,
                        res.syntax_errors[i].column, res.syntax_errors[i].message);
        for (unsigned i = 0; i < res.failed; i++)
            print_error("line %u: %s\n", res.failures[i].line, res.failures[i].message);
        print_error("%s", res.transcript != NULL ? res.transcript : "");
    }
    assert_int_equal(hr, want);
    csc_scenario_result_clear(&res);
    assert_cache_ok(cache);
}

/* ---- running ------------------------------------------------------------ */

static void run_sets_up_the_state(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    static const char text[] =
        "# a fixture\n"
        "file \\\\fs1\\projects\\plan\\budget.xlsx size=4K\n"
        "file \"\\\\fs1\\projects\\plan\\notes 2026.txt\" size=300\r\n"
        "pin \\\\fs1\\projects\\plan deep flags=ForUser|ForAll\n"
        "modify \\\\fs1\\projects\\plan\\budget.xlsx bytes=512\n"
        "open \"\\\\fs1\\projects\\plan\\notes 2026.txt\"\n"
        "access \\\\fs1\\projects alice bob\n"
        "tick 7\n"
        "as alice admin\n"
        "limits total=1M\n"
        "policy automatic\n"
        "expect \\\\fs1\\projects\\plan inherit=user,computer\n";
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache, TEXT(text), NULL, &res), CSC_S_OK);
    assert_int_equal(res.commands, 11);
    assert_int_equal(res.passed, 1);
    assert_int_equal(res.failed, 0);
    assert_int_equal(res.syntax_error_count, 0);
    /* Collected: only the pin prints (setup commands print when they fail). */
    assert_string_equal(res.transcript,
                        "> pin \\\\fs1\\projects\\plan deep flags=ForUser|ForAll\n"
                        "  0:0x00000000:The operation completed successfully.:\n"
                        "  2:0x00000000:The operation completed successfully.:"
                        "\\\\fs1\\projects\\plan\n"
                        "  3:0x00000000:The operation completed successfully.:"
                        "\\\\fs1\\projects\\plan\n"
                        "  2:0x00000000:The operation completed successfully.:"
                        "\\\\fs1\\projects\\plan\\budget.xlsx\n"
                        "  3:0x00000000:The operation completed successfully.:"
                        "\\\\fs1\\projects\\plan\\budget.xlsx\n"
                        "  2:0x00000000:The operation completed successfully.:"
                        "\\\\fs1\\projects\\plan\\notes 2026.txt\n"
                        "  3:0x00000000:The operation completed successfully.:"
                        "\\\\fs1\\projects\\plan\\notes 2026.txt\n"
                        "  1:0x00000000:The operation completed successfully.:\n"
                        "= 0x00000000 S_OK (0)\n");
    assert_int_equal(res.transcript_len, strlen(res.transcript));
    csc_scenario_result_clear(&res);
    assert_null(res.transcript);

    /* The state, read through the item API. */
    const uint32_t uc = CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_COMPUTER;
    csc_item_t *budget = csc_test_find(cache, "\\\\fs1\\projects\\plan\\budget.xlsx");
    csc_item_t *notes = csc_test_find(cache, "\\\\FS1\\projects\\plan\\NOTES 2026.txt");
    csc_item_t *plan = csc_test_find(cache, "\\\\fs1\\projects\\plan");
    csc_item_t *projects = csc_test_find(cache, "\\\\fs1\\projects");
    assert_int_equal(csc_item_size(budget), 4096);
    assert_int_equal(csc_item_size(notes), 300);
    assert_int_equal(csc_item_pins(budget), uc);
    assert_int_equal(csc_item_pins(plan), uc);
    assert_int_equal(csc_item_inherit(plan), uc);
    assert_int_equal(csc_item_inherit(budget), 0);
    assert_true(csc_item_is_partly_pinned(projects));
    assert_true(csc_item_is_dirty(budget));
    assert_int_equal(csc_item_dirty_bytes(budget), 512);
    assert_int_equal(csc_item_open_count(notes), 1);
    size_t users = 0;
    assert_true(csc_item_access(projects, &users));
    assert_int_equal(users, 2);
    assert_string_equal(csc_item_access_user(projects, 0), "alice");
    assert_string_equal(csc_item_access_user(projects, 1), "bob");
    assert_int_equal(csc_cache_clock(cache), 7);
    bool admin = false;
    assert_string_equal(csc_cache_caller(cache, &admin), "alice");
    assert_true(admin);
    assert_int_equal(csc_cache_policy(cache), CSC_EVICT_AUTOMATIC);
    csc_disk_space_t ds;
    assert_int_equal(csc_cache_get_disk_space(cache, &ds), CSC_S_OK);
    assert_int_equal(ds.limit, 1024 * 1024);
    assert_int_equal(ds.unpinned_limit, CSC_SPACE_UNLIMITED);
    assert_int_equal(ds.used, 4096 + 300);
    csc_cache_free(cache);
}

/* The transcript through a callback, with the echo lines off and a name;
 * setup commands that fail print, with the result of C2.4. */
static void run_writes_through_the_callback(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    sink_t sink = {0};
    csc_scenario_options_t opts;
    assert_int_equal(csc_scenario_options_init(&opts, CSC_SCENARIO_OPTIONS_VERSION), CSC_S_OK);
    assert_true(opts.echo);
    opts.write = to_sink;
    opts.user_data = &sink;
    opts.echo = false;
    opts.name = "fixture";
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache,
                                      TEXT("file \\\\s\\sh\n"
                                           "dir \\\\s\\sh\\d\n"
                                           "show \\\\s\\sh\n"
                                           "expect \\\\s\\sh\\d type=file\n"),
                                      &opts, &res),
                     CSC_S_FALSE);
    assert_null(res.transcript); /* it went to the callback */
    assert_string_equal(sink.buf,
                        "= 0x8007007B ERROR_INVALID_NAME (123)\n"
                        "\\\\s\\sh  share\n"
                        "└── d  directory  evictable\n"
                        "fixture:4: FAIL: expected type=file, got type=directory\n");
    assert_int_equal(sink.calls, 3); /* one piece per command that printed */
    csc_scenario_result_clear(&res);
    csc_cache_free(cache);
}

/* Round 2, C10 (scenario-language.md): the syntax of the remote commands
 * and checks; keys of state the library does not implement stay unknown. */
static void remote_syntax_errors(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    static const char text[] =
        "remote frob \\\\s\\sh\n"                     /* 1 */
        "remote dir \\\\s\\sh size=3\n"               /* 2 */
        "remote file \\\\s\\sh\\f bytes=3\n"          /* 3 */
        "share \\\\s\\sh\n"                           /* 4 */
        "share \\\\s\\sh caching=auto\n"              /* 5 */
        "network \\\\s sideways\n"                    /* 6 */
        "offline \\\\s\\sh now\n"                     /* 7 */
        "expect remote exists=yes\n"                  /* 8 */
        "expect remote \\\\s\\sh pins=none\n"         /* 9 */
        "expect cacheable=maybe\n"                    /* 10 */
        "expect cacheable=yes hresult=0\n"            /* 11 */
        "expect \\\\s\\sh connect=transparent\n"      /* 12 */
        "expect \\\\s\\sh conflict=maybe\n"           /* 13 */
        "expect open-files=yes mode=none\n"           /* 14 */
        "remote write \\\\s\\sh\\f bytes=3 size=4\n"  /* valid */
        "expect remote \\\\s\\sh exists=no size=1 version=2 caching=programs\n"
        "expect \\\\s\\sh connect=online reason=not-applicable\n"
        "expect cacheable=no mode=none\n";
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache, TEXT(text), NULL, &res), CSC_E_INVALIDARG);
    assert_int_equal(res.commands, 0);
    assert_int_equal(res.syntax_error_count, 14);
    for (unsigned i = 0; i < 14; i++)
        assert_int_equal(res.syntax_errors[i].line, i + 1);
    assert_string_equal(res.syntax_errors[0].message,
                        "unknown 'remote frob': expected 'dir', 'file', 'write' or 'delete'");
    assert_string_equal(res.syntax_errors[3].message,
                        "'share' needs caching=nocaching|manual|documents|programs");
    assert_string_equal(res.syntax_errors[12].message,
                        "malformed value in 'conflict=maybe': expected 'none' or an "
                        "OFFLINEFILES_SYNC_STATE name without its prefix (such as "
                        "'FileChangedOnClient_ChangedOnServer')");
    csc_scenario_result_clear(&res);
    csc_cache_free(cache);
}

static void syntax_error_runs_nothing(void **state)
{
    (void)state;
    csc_test_evict_log_t log = {0};
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    run_ok(cache, "file \\\\s\\sh\\a.txt size=10\n", CSC_S_OK);
    char *before = csc_test_dump(cache);
    char *picture = dump(cache, NULL, CSC_DUMP_PICTURE);
    sink_t sink = {0};
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    opts.write = to_sink;
    opts.user_data = &sink;
    static const char text[] =
        "file \\\\s\\sh\\b.txt size=20\n"
        "policy eager\n"
        "pin \\\\s\\sh deep flags=ForUser bogus=1\n"
        "\n"
        "expect \\\\s\\sh\\b.txt pins=someone\n"
        "evict all\n"
        "frobnicate\n"
        "pin \"\\\\s\\sh\n";
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache, TEXT(text), &opts, &res), CSC_E_INVALIDARG);
    assert_int_equal(res.commands, 0);
    assert_int_equal(res.syntax_error_count, 4);
    const csc_scenario_problem_t *e = res.syntax_errors;
    assert_int_equal(e[0].line, 3);
    assert_int_equal(e[0].column, 31);
    assert_string_equal(e[0].message, "unknown option 'bogus=' for 'pin'");
    assert_int_equal(e[1].line, 5);
    assert_int_equal(e[1].column, 21);
    assert_string_equal(e[1].message,
                        "malformed value in 'pins=someone': expected 'none' or a "
                        "comma-separated set of 'user', 'policy', 'computer', 'redirect'");
    assert_int_equal(e[2].line, 7);
    assert_int_equal(e[2].column, 1);
    assert_string_equal(e[2].message, "unknown command 'frobnicate'");
    assert_int_equal(e[3].line, 8);
    assert_int_equal(e[3].column, 5);
    assert_string_equal(e[3].message, "unterminated quote");
    /* Nothing ran: no output, same cache, no eviction, same callback. */
    assert_int_equal(sink.len, 0);
    char *after = csc_test_dump(cache);
    assert_string_equal(before, after);
    char *picture_after = dump(cache, NULL, CSC_DUMP_PICTURE);
    assert_string_equal(picture, picture_after);
    assert_none_evicted(&log);
    csc_evict_cb cb = NULL;
    void *ud = NULL;
    csc_cache_evict_callback(cache, &cb, &ud);
    assert_ptr_equal(cb, csc_test_on_evict);
    assert_ptr_equal(ud, &log);
    csc_scenario_result_clear(&res);
    assert_int_equal(res.syntax_error_count, 0);
    assert_null(res.syntax_errors);

    /* csc_scenario_check finds the same errors without a cache. */
    assert_int_equal(csc_scenario_check(TEXT(text), &res), CSC_E_INVALIDARG);
    assert_int_equal(res.syntax_error_count, 4);
    assert_int_equal(res.syntax_errors[3].line, 8);
    csc_scenario_result_clear(&res);
    assert_int_equal(csc_scenario_check(TEXT("\xEF\xBB\xBF" "tick 3\n"), &res), CSC_S_OK);
    assert_int_equal(res.syntax_error_count, 0);
    csc_scenario_result_clear(&res);

    free(before);
    free(after);
    csc_dump_free(picture);
    csc_dump_free(picture_after);
    csc_cache_free(cache);
}

static void failed_checks_come_back_with_their_lines(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    static const char text[] =
        "file \\\\s\\sh\\a.txt\n"          /* 1 */
        "pin \\\\s\\sh\\a.txt flags=ForAll\n" /* 2 */
        "expect return=ERROR_SUCCESS\n"     /* 3: passes */
        "expect \\\\s\\sh\\a.txt pins=user dirty=no\n" /* 4: fails */
        "unpin \\\\s\\sh\\nope.txt\n"       /* 5 */
        "expect return=0\n"                 /* 6: fails */
        "expect events=4\n";                /* 7: passes */
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache, TEXT(text), NULL, &res), CSC_S_FALSE);
    assert_int_equal(res.commands, 7);
    assert_int_equal(res.passed, 2);
    assert_int_equal(res.failed, 2);
    assert_int_equal(res.failures[0].line, 4);
    assert_int_equal(res.failures[0].column, 0);
    assert_string_equal(res.failures[0].message, "expected pins=user, got pins=computer");
    assert_int_equal(res.failures[1].line, 6);
    assert_string_equal(res.failures[1].message,
                        "expected return=0 (ERROR_SUCCESS), got return=2 (ERROR_FILE_NOT_FOUND)");
    assert_non_null(strstr(res.transcript, "> expect \\\\s\\sh\\a.txt pins=user dirty=no\n"
                                           "scenario:4: FAIL: expected pins=user, got "
                                           "pins=computer\n"));
    csc_scenario_result_clear(&res);
    /* A failed check changes nothing: the pin stayed. */
    assert_int_equal(csc_test_pins_of(cache, "\\\\s\\sh\\a.txt"), CSC_PIN_SOURCE_COMPUTER);
    csc_cache_free(cache);
}

/* A session keeps the last result and events between texts (the shell). */
static void session_keeps_the_last_result(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_scenario_t *s = NULL;
    assert_int_equal(csc_scenario_new(&s, cache, NULL), CSC_S_OK);
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_feed(s, TEXT("pin \\\\s\\sh\\x flags=ForUser\n"), 1, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_scenario_feed(s, TEXT("expect return=ERROR_FILE_NOT_FOUND\n"
                                               "expect events=4\n"
                                               "expect return=0\n"),
                                       10, &res),
                     CSC_S_FALSE);
    assert_int_equal(res.passed, 2);
    assert_int_equal(res.failed, 1);
    assert_int_equal(res.failures[0].line, 12);
    csc_scenario_result_clear(&res);
    assert_int_equal(csc_scenario_feed(s, TEXT("expect oops\n"), 20, &res), CSC_E_INVALIDARG);
    assert_int_equal(res.syntax_errors[0].line, 20);
    csc_scenario_result_clear(&res);
    assert_int_equal(csc_scenario_feed(NULL, "tick\n", 5, 1, &res), CSC_E_POINTER);
    assert_int_equal(csc_scenario_feed(s, NULL, 3, 1, &res), CSC_E_POINTER);
    assert_int_equal(csc_scenario_feed(s, NULL, 0, 1, &res), CSC_S_OK);
    csc_scenario_free(s);
    csc_scenario_free(NULL);
    csc_cache_free(cache);
}

/* Evictions appear in the transcript and still reach the embedder's
 * callback, which is given back afterwards (C5.6). */
static void evictions_reach_both(void **state)
{
    (void)state;
    csc_test_evict_log_t log = {0};
    csc_cache_t *cache = csc_test_evict_cache_new(&log);
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache,
                                      TEXT("file \\\\s\\sh\\a.txt size=5\n"
                                           "evict all\n"),
                                      NULL, &res),
                     CSC_S_OK);
    assert_string_equal(res.transcript, "> evict all\n"
                                        "  evicted \\\\s\\sh\\a.txt (5 bytes)\n"
                                        "  evicted \\\\s\\sh (0 bytes)\n"
                                        "  evicted \\\\s (0 bytes)\n"
                                        "= 0x00000000 S_OK (0)\n");
    assert_evicted(&log, "\\\\s\\sh\\a.txt=5", "\\\\s\\sh=0", "\\\\s=0");
    csc_scenario_result_clear(&res);
    csc_evict_cb cb = NULL;
    csc_cache_evict_callback(cache, &cb, NULL);
    assert_ptr_equal(cb, csc_test_on_evict);
    csc_cache_free(cache);
}

/* From inside a callback of a running call a scenario would change the
 * cache under the walk: refused with 0x800700AA, nothing runs (C14.5). A
 * dump only reads, and works there. */
typedef struct inside {
    csc_cache_t *cache;
    csc_hresult run, dump;
    char *picture;
} inside_t;

static csc_op_response_t run_inside(void *user_data, const csc_event_t *event)
{
    (void)event;
    inside_t *in = user_data;
    if (in->picture == NULL) {
        in->run =
            csc_scenario_run(in->cache, TEXT("file \\\\s\\sh\\new.txt\n"), NULL, NULL);
        in->dump = csc_cache_dump_string(&in->picture, NULL, in->cache, NULL, CSC_DUMP_PICTURE);
    }
    return CSC_OP_CONTINUE;
}

static void run_refused_inside_a_callback(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    run_ok(cache, "file \\\\s\\sh\\a.txt size=3\npin \\\\s\\sh\\a.txt\n", CSC_S_OK);
    inside_t in = {cache, CSC_S_OK, CSC_S_OK, NULL};
    csc_progress_t sink = {CSC_PROGRESS_VERSION, &in, NULL, NULL, NULL, run_inside, NULL};
    const char *paths[] = {"\\\\s\\sh\\a.txt"};
    assert_int_equal(csc_unpin(cache, paths, 1, CSC_PIN_FLAG_FOR_USER, false, &sink, NULL),
                     CSC_S_OK);
    assert_int_equal(in.run, CSC_E_BUSY);
    assert_int_equal(in.dump, CSC_S_OK);
    assert_non_null(strstr(in.picture, "a.txt  file 3 bytes"));
    assert_false(csc_test_cached(cache, "\\\\s\\sh\\new.txt"));
    csc_dump_free(in.picture);
    csc_cache_free(cache);
}

static void bad_arguments(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(NULL, TEXT("tick\n"), NULL, &res), CSC_E_POINTER);
    assert_int_equal(csc_scenario_run(cache, NULL, 4, NULL, &res), CSC_E_POINTER);
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    opts.version = 99;
    assert_int_equal(csc_scenario_run(cache, TEXT("tick\n"), &opts, &res), CSC_E_INVALIDARG);
    assert_int_equal(csc_scenario_options_init(&opts, 99), CSC_E_INVALIDARG);
    assert_int_equal(csc_scenario_options_init(NULL, 1), CSC_E_POINTER);
    assert_int_equal(csc_scenario_new(NULL, cache, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_clock(cache), 0); /* no tick ran */
    assert_int_equal(csc_scenario_run(cache, NULL, 0, NULL, NULL), CSC_S_OK);

    static char x[] = "x";
    char *text = x;
    assert_int_equal(csc_cache_dump_string(&text, NULL, cache, "\\\\s\\sh", CSC_DUMP_PICTURE),
                     CSC_E_FILE_NOT_FOUND);
    assert_null(text);
    assert_int_equal(csc_cache_dump_string(&text, NULL, cache, "C:\\x", CSC_DUMP_PICTURE),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_dump_string(&text, NULL, cache, NULL, (csc_dump_format_t)7),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_dump_string(NULL, NULL, cache, NULL, CSC_DUMP_PICTURE),
                     CSC_E_POINTER);
    assert_int_equal(csc_cache_dump_string(&text, NULL, NULL, NULL, CSC_DUMP_PICTURE),
                     CSC_E_POINTER);
    assert_int_equal(csc_cache_dump(cache, NULL, CSC_DUMP_PICTURE, NULL, NULL), CSC_E_POINTER);
    csc_dump_free(NULL);
    csc_scenario_result_clear(NULL);
    csc_cache_free(cache);
}

/* ---- dumps ------------------------------------------------------------- */

static const char picture_fixture[] =
    "file \\\\fs1\\projects\\plan\\budget.xlsx size=4K\n"
    "file \\\\fs1\\projects\\plan\\notes.txt size=300\n"
    "file \\\\fs1\\projects\\readme.md size=0\n"
    "dir \\\\fs1\\projects\\empty\n"
    "pin \\\\fs1\\projects\\plan deep flags=ForUser|ForAll\n"
    "modify \\\\fs1\\projects\\plan\\budget.xlsx bytes=512\n"
    "open \\\\fs1\\projects\\plan\\notes.txt\n"
    "open \\\\fs1\\projects\\plan\\notes.txt\n"
    "unpin \\\\fs1\\projects\\plan\\notes.txt flags=ForUser_Policy\n"
    "access \\\\fs1\\projects\\plan alice bob\n";

static void dump_picture_exactly(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    run_ok(cache, picture_fixture, CSC_S_OK);
    char *all = dump(cache, NULL, CSC_DUMP_PICTURE);
    assert_string_equal(all,
        "cache  used=4396 unpinned-used=0 limit=unlimited unpinned-limit=unlimited\n"
        "└── \\\\fs1  server  partly-pinned\n"
        "    └── projects  share  partly-pinned\n"
        "        ├── empty  directory  evictable\n"
        "        ├── plan  directory  pins=user,computer  inherit=user,computer"
        "  access=alice,bob\n"
        "        │   ├── budget.xlsx  file 4096 bytes (4.0 KiB)  pins=user,computer"
        "  dirty (512 bytes)\n"
        "        │   └── notes.txt  file 300 bytes  pins=user,computer  open (2 handles)"
        "  sharing-violations=1\n"
        "        └── readme.md  file 0 bytes  evictable\n");
    char *sub = dump(cache, "\\\\FS1\\Projects\\plan", CSC_DUMP_PICTURE);
    assert_string_equal(sub,
        "\\\\fs1\\projects\\plan  directory  pins=user,computer  inherit=user,computer"
        "  access=alice,bob\n"
        "├── budget.xlsx  file 4096 bytes (4.0 KiB)  pins=user,computer  dirty (512 bytes)\n"
        "└── notes.txt  file 300 bytes  pins=user,computer  open (2 handles)"
        "  sharing-violations=1\n");
    /* The same as `show` prints it, and the same through the callback. */
    csc_scenario_result_t res;
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    opts.echo = false;
    assert_int_equal(csc_scenario_run(cache, TEXT("show \\\\fs1\\projects\\plan\n"), &opts, &res),
                     CSC_S_OK);
    assert_string_equal(res.transcript, sub);
    csc_scenario_result_clear(&res);
    sink_t sink = {0};
    assert_int_equal(csc_cache_dump(cache, NULL, CSC_DUMP_PICTURE, to_sink, &sink), CSC_S_OK);
    assert_string_equal(sink.buf, all);
    assert_int_equal(sink.calls, 1);
    /* Colour only when asked for; DOT of a subtree has its items only. */
    char *color = dump(cache, NULL, CSC_DUMP_PICTURE_COLOR);
    assert_non_null(strstr(color, "\033["));
    assert_null(strstr(all, "\033["));
    char *dot = dump(cache, "\\\\fs1\\projects\\plan", CSC_DUMP_DOT);
    assert_true(strncmp(dot, "digraph cscsim {\n", 17) == 0);
    assert_non_null(strstr(dot, "n2 [label=\"notes.txt"));
    assert_null(strstr(dot, "n3 [label"));
    assert_non_null(strstr(dot, "  n0 -> n2;\n"));
    assert_null(strstr(dot, "readme"));
    csc_dump_free(all);
    csc_dump_free(sub);
    csc_dump_free(color);
    csc_dump_free(dot);
    csc_cache_free(cache);
}

/* Dumps `cache` as a scenario, runs it on a fresh cache and compares every
 * getter (csc_test_dump) and every dump form; returns the scenario. */
static char *round_trip(csc_cache_t *cache)
{
    char *scenario = dump(cache, NULL, CSC_DUMP_SCENARIO);
    assert_null(strstr(scenario, "cannot express"));
    csc_cache_t *copy = csc_test_cache_new();
    run_ok(copy, scenario, CSC_S_OK);
    char *a = csc_test_dump(cache), *b = csc_test_dump(copy);
    assert_string_equal(a, b);
    free(a);
    free(b);
    static const csc_dump_format_t formats[] = {CSC_DUMP_PICTURE, CSC_DUMP_SCENARIO,
                                                CSC_DUMP_DOT};
    for (size_t i = 0; i < 3; i++) {
        a = dump(cache, NULL, formats[i]);
        b = dump(copy, NULL, formats[i]);
        assert_string_equal(a, b);
        csc_dump_free(a);
        csc_dump_free(b);
    }
    csc_cache_free(copy);
    return scenario;
}

static void dump_scenario_round_trip(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    run_ok(cache, picture_fixture, CSC_S_OK);
    /* Pins of every source, inherit bits arriving (C3.3) and taken away,
     * a shallow pin of a container under an inheriting parent, empty
     * containers, last-use times, limits, a caller, a policy. */
    run_ok(cache,
           "as alice\n" /* plan's access list lets alice in (C9.1) */
           "pin \\\\fs1\\projects\\plan deep flags=ForRedir\n"
           "file \"\\\\fs1\\projects\\plan\\sub dir\\deep.txt\" size=1G\n"
           "unpin \"\\\\fs1\\projects\\plan\\sub dir\" flags=ForAll\n"
           "pin \"\\\\fs1\\projects\\plan\\sub dir\" flags=ForAll\n"
           "unpin \"\\\\fs1\\projects\\plan\\sub dir\\deep.txt\" flags=ForUser\n"
           "pin \\\\fs1\\projects\\readme.md flags=ForUser_Policy\n"
           "dir \\\\srv2\n"
           "dir \\\\srv2\\share=x\n"
           "file \\\\srv2\\share=x\\#hash.txt size=9\n"
           "tick 3\n"
           "touch \\\\fs1\\projects\\readme.md\n"
           "tick 2\n"
           "open \\\\srv2\\share=x\\#hash.txt\n"
           "close \\\\srv2\\share=x\\#hash.txt\n"
           "touch \\\\srv2\n"
           "modify \\\\srv2\\share=x\\#hash.txt bytes=0\n"
           "access \\\\srv2\\share=x \"Jane Doe\" EVE\n"
           "tick 10\n"
           "as root admin\n"
           "limits total=2G unpinned=1M\n"
           "as \"Jane Doe\"\n"
           "policy eager\n",
           CSC_S_OK);
    assert_int_equal(csc_test_inherit_of(cache, "\\\\fs1\\projects\\plan\\sub dir"),
                     CSC_PIN_SOURCE_USER | CSC_PIN_SOURCE_REDIRECT);
    char *scenario = round_trip(cache);
    /* What it says, for a reader: the fixture's dir is rebuilt from arrival. */
    assert_non_null(strstr(scenario, "pin \\\\fs1\\projects\\plan flags=ForUser|ForAll|ForRedir "
                                     "deep\n"));
    assert_non_null(strstr(scenario, "unpin \"\\\\fs1\\projects\\plan\\sub dir\" "
                                     "flags=ForAll\n"
                                     "pin \"\\\\fs1\\projects\\plan\\sub dir\" flags=ForAll\n"));
    assert_non_null(strstr(scenario, "as \"Jane Doe\"\npolicy eager\n"));
    csc_dump_free(scenario);

    /* A subtree: its items, below plain ancestors. */
    char *sub = dump(cache, "\\\\fs1\\projects\\plan", CSC_DUMP_SCENARIO);
    csc_cache_t *copy = csc_test_cache_new();
    run_ok(copy, sub, CSC_S_OK);
    char *a = dump(cache, "\\\\fs1\\projects\\plan", CSC_DUMP_PICTURE);
    char *b = dump(copy, "\\\\fs1\\projects\\plan", CSC_DUMP_PICTURE);
    assert_string_equal(a, b);
    assert_false(csc_test_cached(copy, "\\\\fs1\\projects\\readme.md"));
    csc_dump_free(a);
    csc_dump_free(b);
    csc_dump_free(sub);
    csc_cache_free(copy);
    csc_cache_free(cache);

    /* An empty cache round-trips too. */
    cache = csc_test_cache_new();
    csc_dump_free(round_trip(cache));
    csc_cache_free(cache);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint64_t get_le(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The round-2 state that no getter enumerates, from a snapshot (src/snapshot.c's
 * format): section 5's file states with their versions reduced to "none or
 * not" (the dump renumbers remote versions from 1, C10.2), its non-cached
 * handles, and section 6's pending deep pins; as text. */
static char *round2_state(const csc_cache_t *cache)
{
    void *data = NULL;
    size_t size = 0;
    assert_int_equal(csc_cache_save_buffer(cache, &data, &size), CSC_S_OK);
    const unsigned char *d = data;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
#define GET(p, n) get_le((p), (n))
    size_t at = 24;
    while (at + 16 <= size - 8) {
        uint32_t id = (uint32_t)GET(d + at, 4);
        uint64_t plen = GET(d + at + 8, 8);
        const unsigned char *b = d + at + 16;
        if (id == 3) {
            /* the connectivity records (C10.4-C10.10, C15.21), sorted: the
             * slow epochs as whether an override is in force */
            uint64_t records = GET(b, 8);
            const unsigned char *e = b + 8;
            for (uint64_t i = 0; i < records; i++)
                e += 50 + GET(e + 8, 2);
            uint64_t scopes = GET(e, 8);
            e += 8;
            char *lines[256];
            size_t nl = 0;
            for (uint64_t i = 0; i < scopes && nl < 256; i++) {
                uint32_t klen = (uint32_t)GET(e + 20, 4);
                char *line = malloc(klen + 128);
                assert_non_null(line);
                /* Not compared: a share's remembered caching mode (flag 2,
                 * C10.6, C15.7; the dump does not write it yet: it matters
                 * when a share is cached again while its server is down) and
                 * the TransitionOnline override mark (flag 8, C10.10; it acts
                 * only while its server's slow condition lasts, and the dump
                 * writes those with `network ... slow` and `online`). */
                unsigned flags = e[0] & ~0x0Au;
                snprintf(line, klen + 128, "scope %.*s flags=%#x condition=%u\n", (int)klen,
                         (const char *)e + 24, flags, e[1]);
                if ((flags & ~1u) == 0 && e[1] == 0) { /* nothing else in it */
                    free(line);
                    line = NULL;
                }
                if (line == NULL) {
                    e += 24 + klen;
                    continue;
                }
                lines[nl++] = line;
                e += 24 + klen;
            }
            qsort(lines, nl, sizeof *lines, by_string);
            for (size_t i = 0; i < nl; i++) {
                fputs(lines[i], f);
                free(lines[i]);
            }
        } else if (id == 5) {
            uint64_t n = GET(b, 8);
            const unsigned char *e = b + 8;
            for (uint64_t i = 0; i < n; i++, e += 44) {
                /* bit 16, the original version kept apart from the twin,
                 * is how it is stored: csc_test_dump compares the getter */
                unsigned bits = e[8] & ~0x10u;
                if (bits == 0 && e[9] == 0)
                    continue;
                fprintf(f, "fstate pos=%llu bits=%#x conflict=%u full=%llu local=%llu "
                           "cver=%d\n",
                        (unsigned long long)GET(e, 8), bits, e[9],
                        (unsigned long long)GET(e + 12, 8), (unsigned long long)GET(e + 20, 8),
                        GET(e + 28, 8) != 0);
            }
            /* non-cached handles: count u64, then count u32, length u32, path */
            uint64_t handles = GET(e, 8);
            e += 8;
            for (uint64_t i = 0; i < handles; i++) {
                uint32_t klen = (uint32_t)GET(e + 4, 4);
                fprintf(f, "handles=%u %.*s\n", (unsigned)GET(e, 4), (int)klen,
                        (const char *)e + 8);
                e += 8 + klen;
            }
        } else if (id == 6) {
            fprintf(f, "section %u:", (unsigned)id);
            for (uint64_t i = 0; i < plen; i++)
                fprintf(f, " %02x", b[i]);
            fputc('\n', f);
        }
        at += 16 + (size_t)plen;
    }
#undef GET
    /* and what the public getters of round 2 say, item by item: remote
     * versions by how far the server is from the cached copy (C10.2, C10.3) */
    for (csc_item_t *it = csc_cache_first_server(cache); it != NULL;
         it = csc_test_next_preorder(it)) {
        char p[4096];
        csc_item_path(it, p, sizeof p);
        uint64_t local = 0, orig = 0, rsize = 0, rver = 0;
        bool has_local = csc_item_local_change_time(it, &local);
        bool has_orig = csc_item_original_version(it, &orig);
        csc_item_type_t rtype = CSC_ITEM_SERVER;
        csc_hresult rhr = csc_remote_item(cache, p, &rtype, &rsize, &rver, NULL);
        csc_connect_state_t state = CSC_CONNECT_STATE_UNKNOWN;
        csc_offline_reason_t reason = CSC_OFFLINE_REASON_UNKNOWN;
        csc_hresult chr = csc_connect_state(cache, p, &state, &reason);
        uint32_t nch = 0;
        csc_app_noncached_handles(cache, p, &nch);
        fprintf(f, "%s sparse=%d created=%d deleted=%d conflict=%d local=%d:%llu "
                   "rdirty=%llu orig=%d changed=%d remote=%#x:%d:%llu:%lld connect=%#x:%d:%d "
                   "nch=%u",
                p, (int)csc_item_is_sparse(it), (int)csc_item_is_created_offline(it),
                (int)csc_item_is_deleted_offline(it), (int)csc_item_conflict(it),
                (int)has_local, (unsigned long long)local,
                (unsigned long long)csc_item_remote_dirty_bytes(it), (int)has_orig,
                (int)csc_item_changed_on_server(it), (unsigned)rhr, (int)rtype,
                (unsigned long long)rsize,
                rhr == CSC_S_OK && has_orig ? (long long)(rver - orig) : -1LL,
                (unsigned)chr, (int)state, (int)reason, (unsigned)nch);
        csc_caching_mode_t mode = CSC_CACHING_MODE_NONE;
        if (csc_item_type(it) == CSC_ITEM_SHARE &&
            csc_remote_caching_mode(cache, p, &mode) == CSC_S_OK)
            fprintf(f, " mode=%d", (int)mode);
        csc_network_t net = CSC_NETWORK_UP;
        if (csc_item_type(it) == CSC_ITEM_SERVER && csc_remote_network(cache, p, &net) == CSC_S_OK)
            fprintf(f, " network=%d", (int)net);
        fputc('\n', f);
    }
    fclose(f);
    csc_snapshot_free(data);
    return buf;
}

/* As round_trip, for one scenario of many: false, with what differs
 * printed, when the copy differs; a scenario whose dump says what it cannot
 * express is skipped (the comment is the dump's answer). */
static bool round_trips(csc_cache_t *cache, const char *name)
{
    char *scenario = dump(cache, NULL, CSC_DUMP_SCENARIO);
    if (strstr(scenario, "# cannot express") != NULL) {
        const char *why = strstr(scenario, "# cannot express");
        print_message("%s: skipped (%.*s)\n", name, (int)strcspn(why, "\n"), why);
        csc_dump_free(scenario);
        return true;
    }
    csc_cache_t *copy = csc_test_cache_new();
    csc_scenario_result_t res;
    csc_hresult hr = csc_scenario_run(copy, TEXT(scenario), NULL, &res);
    bool ok = hr == CSC_S_OK;
    if (!ok) {
        print_error("%s: the dump does not run (0x%08x)\n", name, (unsigned)hr);
        for (size_t i = 0; i < res.syntax_error_count; i++)
            print_error("  line %u: %s\n", res.syntax_errors[i].line,
                        res.syntax_errors[i].message);
        for (unsigned i = 0; i < res.failed; i++)
            print_error("  line %u: %s\n", res.failures[i].line, res.failures[i].message);
    }
    csc_scenario_result_clear(&res);
    char *a = csc_test_dump(cache), *b = csc_test_dump(copy);
    if (ok && strcmp(a, b) != 0) {
        ok = false;
        fprintf(stderr, "%s: the copy differs\n--- original\n%s--- copy\n%s--- dump\n%s", name, a,
                    b, scenario);
    }
    free(a);
    free(b);
    a = round2_state(cache);
    b = round2_state(copy);
    if (ok && strcmp(a, b) != 0) {
        ok = false;
        fprintf(stderr, "%s: the round-2 state differs\n--- original\n%s--- copy\n%s--- dump\n%s",
                    name, a, b, scenario);
    }
    free(a);
    free(b);
    static const csc_dump_format_t formats[] = {CSC_DUMP_PICTURE, CSC_DUMP_SCENARIO,
                                                CSC_DUMP_DOT};
    for (size_t i = 0; ok && i < 3; i++) {
        a = dump(cache, NULL, formats[i]);
        b = dump(copy, NULL, formats[i]);
        if (strcmp(a, b) != 0) {
            ok = false;
            fprintf(stderr, "%s: dump form %zu differs\n--- original\n%s--- copy\n%s", name, i,
                        a, b);
        }
        csc_dump_free(a);
        csc_dump_free(b);
    }
    csc_cache_free(copy);
    csc_dump_free(scenario);
    return ok;
}

/* Every scenario of the conformance suite and the examples (the folders in
 * CSC_TEST_SCENARIOS, separated by ':'), run and then dumped, round-trips:
 * trailing periods and spaces (C1.2 step 6), case (C1.3), access lists,
 * evictions, AsyncProgress, all of it. */
static void dump_round_trips_every_scenario(void **state)
{
    (void)state;
    const char *dirs = getenv("CSC_TEST_SCENARIOS");
    if (dirs == NULL)
        skip();
    char *list = strdup(dirs);
    assert_non_null(list);
    size_t files = 0, failed = 0;
    for (char *save = NULL, *dir = strtok_r(list, ":", &save); dir != NULL;
         dir = strtok_r(NULL, ":", &save)) {
        DIR *d = opendir(dir);
        assert_non_null(d);
        for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
            size_t n = strlen(e->d_name);
            if (n < 8 || strcmp(e->d_name + n - 7, ".cscsim") != 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            FILE *f = fopen(path, "rb");
            assert_non_null(f);
            static char text[1 << 20];
            size_t len = fread(text, 1, sizeof text, f);
            assert_true(len < sizeof text);
            fclose(f);
            csc_cache_t *cache = csc_test_cache_new();
            csc_hresult hr = csc_scenario_run(cache, text, len, NULL, NULL);
            assert_true(hr == CSC_S_OK || hr == CSC_S_FALSE);
            if (!round_trips(cache, e->d_name))
                failed++;
            csc_cache_free(cache);
            files++;
        }
        closedir(d);
    }
    free(list);
    assert_int_equal(failed, 0);
    assert_true(files >= 64);
}

/* Round 2 states the conformance scenarios do not combine: a conflict on
 * an open file (C12.6), a file in sync with a later local change time and an
 * open handle (C15.9), a conflict below an access list that shuts out the
 * caller (C9.1), a forced share and a slow server that are not cached, and
 * a non-cached handle (C11.1): all round-trip. */
static void dump_round_trips_round_two_corners(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    static const char text[] =
        "file \\\\srv\\share\\a.txt size=10\n"
        "file \\\\srv\\share\\b.txt size=10\n"
        "file \\\\srv\\share\\d\\c.txt size=3\n"
        "modify \\\\srv\\share\\a.txt\n"
        "remote write \\\\srv\\share\\a.txt\n"
        "sync \\\\srv\\share\\a.txt\n"
        "open \\\\srv\\share\\a.txt\n"
        "tick 4\n"
        "modify \\\\srv\\share\\b.txt\n"
        "sync \\\\srv\\share\\b.txt\n"
        "open \\\\srv\\share\\b.txt\n"
        "access \\\\srv\\share\\d alice\n"
        "modify \\\\srv\\share\\d\\c.txt bytes=2\n"
        "remote write \\\\srv\\share\\d\\c.txt\n"
        "sync \\\\srv\\share\\d\\c.txt\n"
        "remote file \\\\srv\\other\\n.txt size=4\n"
        "open \\\\srv\\other\\n.txt\n"
        "remote dir \\\\far\\pub\n"
        "offline \\\\far\\pub\n"
        "remote dir \\\\slow\\s\n"
        "network \\\\slow slow\n"
        "as bob\n";
    assert_int_equal(csc_scenario_run(cache, TEXT(text), NULL, NULL), CSC_S_OK);
    csc_item_t *a = NULL;
    assert_int_equal(csc_cache_find(cache, "\\\\srv\\share\\a.txt", &a), CSC_S_OK);
    assert_int_equal(csc_item_conflict(a), CSC_SYNC_STATE_FILE_CHANGED_ON_CLIENT_CHANGED_ON_SERVER);
    uint32_t handles = 0;
    assert_int_equal(csc_app_noncached_handles(cache, "\\\\srv\\other\\n.txt", &handles),
                     CSC_S_OK);
    assert_int_equal(handles, 1);
    char *scenario = dump(cache, NULL, CSC_DUMP_SCENARIO);
    assert_null(strstr(scenario, "cannot express"));
    csc_dump_free(scenario);
    assert_true(round_trips(cache, "corners"));
    csc_cache_free(cache);
}

/* Round 2 (C11, C13.5): the item keys of files fail on a container, each
 * with its own line; on a file they compare. show and the keys' values. */
static void file_keys_fail_on_containers(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    static const char text[] =
        "file \\\\s\\sh\\d\\f.txt size=3\n"
        "expect \\\\s\\sh\\d sparse=no\n"
        "expect \\\\s\\sh\\d created-offline=no deleted-offline=no\n"
        "expect \\\\s\\sh\\d dirty-bytes=0 remote-dirty-bytes=0 size=0\n"
        "expect \\\\s\\sh\\d version=none conflict=none handles=0\n"
        "expect \\\\s\\sh\\d\\f.txt sparse=no created-offline=no deleted-offline=no "
        "dirty-bytes=0 remote-dirty-bytes=0 size=3 version=1 conflict=NONE handles=0\n"
        "expect \\\\s\\sh\\d\\f.txt conflict=filechangedonclient_changedonserver\n"
        "expect \\\\s\\sh\\d\\f.txt version=none\n";
    csc_scenario_result_t res;
    assert_int_equal(csc_scenario_run(cache, TEXT(text), NULL, &res), CSC_S_FALSE);
    assert_int_equal(res.passed, 1);
    assert_int_equal(res.failed, 6);
    assert_int_equal(res.failures[0].line, 2);
    assert_non_null(strstr(res.failures[0].message, "sparse (a key of files) on a directory"));
    assert_non_null(strstr(res.failures[3].message, "handles (a key of files) on a directory"));
    assert_int_equal(res.failures[4].line, 7);
    assert_non_null(strstr(res.failures[4].message,
                           "expected conflict=FileChangedOnClient_ChangedOnServer, got "
                           "conflict=none"));
    assert_non_null(strstr(res.failures[5].message, "expected version=none, got version=1"));
    csc_scenario_result_clear(&res);
    csc_cache_free(cache);
}

/* What the language cannot say is a comment, not a wrong command. */
static void dump_says_what_it_cannot_express(void **state)
{
    (void)state;
    csc_cache_t *cache = csc_test_cache_new();
    csc_item_t *item = csc_test_file(cache, "\\\\s\\sh\\a.txt", 1);
    static const char *const nobody[1] = {NULL};
    assert_int_equal(csc_item_set_access(cache, item, nobody, 0), CSC_S_OK);
    char *scenario = dump(cache, NULL, CSC_DUMP_SCENARIO);
    assert_non_null(strstr(scenario, "# cannot express: the empty access list (nobody) of "
                                     "\\\\s\\sh\\a.txt\n"));
    /* The rest still runs. */
    csc_cache_t *copy = csc_test_cache_new();
    run_ok(copy, scenario, CSC_S_OK);
    assert_true(csc_test_cached(copy, "\\\\s\\sh\\a.txt"));
    csc_dump_free(scenario);
    csc_cache_free(copy);
    csc_cache_free(cache);

    /* C15.13, C15.20: PinNewFiles pins a new container for ForAll with no
     * inherit bit and no pending deep pin; the dump fetches it so below
     * its parent, which has inherit bits. Once the parent has none, no
     * command makes that state. */
    cache = csc_test_cache_new();
    run_ok(cache,
           "file \\\\s\\sh\\d\\a.txt size=1\n"
           "pin \\\\s\\sh\\d deep\n"
           "remote file \\\\s\\sh\\d\\sub\\c.txt size=7\n"
           "sync \\\\s\\sh flags=SyncIn|PinNewFiles|PinForAll\n",
           CSC_S_OK);
    scenario = round_trip(cache);
    assert_non_null(strstr(scenario, "sync \\\\s\\sh\\d flags=SyncIn|PinNewFiles|PinForAll\n"));
    csc_dump_free(scenario);
    run_ok(cache, "unpin \\\\s\\sh\\d\n", CSC_S_OK);
    scenario = dump(cache, NULL, CSC_DUMP_SCENARIO);
    assert_non_null(strstr(scenario, "# cannot express: pins without their pending deep pin, "
                                     "or pending deep pins without their pin (computer, "
                                     "C15.20) on \\\\s\\sh\\d\\sub\n"));
    copy = csc_test_cache_new();
    run_ok(copy, scenario, CSC_S_OK);
    assert_true(csc_test_cached(copy, "\\\\s\\sh\\d\\sub\\c.txt"));
    csc_dump_free(scenario);
    csc_cache_free(copy);
    csc_cache_free(cache);
}

/* ---- the same fixture in C and in text -------------------------------- */

static csc_item_t *find(csc_cache_t *cache, const char *path)
{
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(cache, path, &item), CSC_S_OK);
    return item;
}

static void same_fixture_in_c_and_in_text(void **state)
{
    (void)state;
    csc_cache_t *c = csc_test_cache_new();
    const int c_first = __LINE__;
    assert_int_equal(csc_cache_file(c, "\\\\fs1\\projects\\plan\\budget.xlsx", true, 4096, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\fs1\\projects\\plan\\notes.txt", true, 300, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\fs1\\projects\\archive\\old.zip", true, 1 << 20,
                                    NULL),
                     CSC_S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\fs1\\home\\alice\\todo.txt", true, 10, NULL),
                     CSC_S_OK);
    const char *plan[] = {"\\\\fs1\\projects\\plan"};
    assert_int_equal(csc_pin(c, plan, 1, CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_ALL, true,
                             NULL, NULL),
                     CSC_S_OK);
    const char *archive[] = {"\\\\fs1\\projects\\archive"};
    assert_int_equal(csc_pin(c, archive, 1, CSC_PIN_FLAG_FOR_USER_POLICY, false, NULL, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_item_modify(c, find(c, "\\\\fs1\\projects\\plan\\budget.xlsx"), 512),
                     CSC_S_OK);
    csc_item_t *notes = find(c, "\\\\fs1\\projects\\plan\\notes.txt");
    assert_int_equal(csc_item_open(c, notes), CSC_S_OK);
    assert_int_equal(csc_item_open(c, notes), CSC_S_OK);
    const char *alice[] = {"alice"};
    assert_int_equal(csc_item_set_access(c, find(c, "\\\\fs1\\home\\alice"), alice, 1),
                     CSC_S_OK);
    assert_int_equal(csc_cache_advance_clock(c, 5), CSC_S_OK);
    assert_int_equal(csc_item_touch(c, find(c, "\\\\fs1\\projects\\archive\\old.zip")),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(c, "admin", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(c, 10 << 20, 2 << 20), CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(c, "alice", false), CSC_S_OK);
    assert_int_equal(csc_cache_set_policy(c, CSC_EVICT_AUTOMATIC), CSC_S_OK);
    const int c_lines = __LINE__ - c_first - 1;

    static const char fixture[] =
        "file \\\\fs1\\projects\\plan\\budget.xlsx size=4K\n"
        "file \\\\fs1\\projects\\plan\\notes.txt size=300\n"
        "file \\\\fs1\\projects\\archive\\old.zip size=1M\n"
        "file \\\\fs1\\home\\alice\\todo.txt size=10\n"
        "pin \\\\fs1\\projects\\plan deep flags=ForUser|ForAll\n"
        "pin \\\\fs1\\projects\\archive flags=ForUser_Policy\n"
        "modify \\\\fs1\\projects\\plan\\budget.xlsx bytes=512\n"
        "open \\\\fs1\\projects\\plan\\notes.txt\n"
        "open \\\\fs1\\projects\\plan\\notes.txt\n"
        "access \\\\fs1\\home\\alice alice\n"
        "tick 5\n"
        "touch \\\\fs1\\projects\\archive\\old.zip\n"
        "as admin admin\n"
        "limits total=10M unpinned=2M\n"
        "as alice\n"
        "policy automatic\n";
    csc_cache_t *t = csc_test_cache_new();
    assert_int_equal(csc_scenario_run(t, TEXT(fixture), NULL, NULL), CSC_S_OK);

    size_t text_lines = 0;
    for (const char *p = fixture; *p != '\0'; p++)
        text_lines += *p == '\n';
    print_message("fixture: %d lines of C, %zu lines of scenario text (+1 call)\n", c_lines,
                  text_lines);
    assert_true(text_lines < (size_t)c_lines);

    char *a = csc_test_dump(c), *b = csc_test_dump(t);
    assert_string_equal(a, b);
    free(a);
    free(b);
    char *pa = dump(c, NULL, CSC_DUMP_SCENARIO), *pb = dump(t, NULL, CSC_DUMP_SCENARIO);
    assert_string_equal(pa, pb);
    csc_dump_free(pa);
    csc_dump_free(pb);
    csc_cache_free(c);
    csc_cache_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_sets_up_the_state),
        cmocka_unit_test(run_writes_through_the_callback),
        cmocka_unit_test(syntax_error_runs_nothing),
        cmocka_unit_test(remote_syntax_errors),
        cmocka_unit_test(failed_checks_come_back_with_their_lines),
        cmocka_unit_test(session_keeps_the_last_result),
        cmocka_unit_test(evictions_reach_both),
        cmocka_unit_test(run_refused_inside_a_callback),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(dump_picture_exactly),
        cmocka_unit_test(dump_scenario_round_trip),
        cmocka_unit_test(dump_round_trips_every_scenario),
        cmocka_unit_test(dump_round_trips_round_two_corners),
        cmocka_unit_test(dump_says_what_it_cannot_express),
        cmocka_unit_test(file_keys_fail_on_containers),
        cmocka_unit_test(same_fixture_in_c_and_in_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
