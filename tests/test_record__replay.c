/*
 * tests/test_record__replay.c: record and replay (cscsim/record.h, issue 15
 * point 3). A session of calls on a cache that already holds state (caching,
 * failing calls, the caller and limits, Pin and Unpin with a sink that
 * aborts and one that retries after closing the file, modify, open, close,
 * tick, touch, mark_synchronized, access lists, Synchronize, DeleteItems,
 * the WMI entry points, a refused call with no path, an invalid policy,
 * eviction under the eager policy and by an explicit pass, csc_cache_call_as,
 * and asynchronous Pin and Unpin on a libuv loop) is recorded; replayed on a
 * fresh cache with csc_scenario_run every check passes and the two caches
 * are the same through every getter (csc_test_dump) and as dumps. One
 * expected value changed makes the replay report exactly that line.
 * Recording a replay of a recording, and then a replay of that, gives the
 * same text twice (a fixed point). What the language cannot say comes out
 * as `# not expressible:` lines, and start/stop answer as documented.
 */
#include "support.h"
#include "remote_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cscsim/async.h>

/* ---- the session's sinks --------------------------------------------------- */

typedef struct answers {
    csc_cache_t *cache;
    unsigned abort_at;      /* ABORT to this ItemBegin (0: never) */
    unsigned retry_at;      /* close the file, then RETRY to this ItemResult */
    unsigned begins, results;
    unsigned events;
} answers_t;

static void a_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    (void)ev;
    (void)abort;
    ((answers_t *)ud)->events++;
}

static csc_op_response_t a_item_begin(void *ud, const csc_event_t *ev)
{
    (void)ev;
    answers_t *a = ud;
    a->events++;
    return ++a->begins == a->abort_at ? CSC_OP_ABORT : CSC_OP_CONTINUE;
}

static csc_op_response_t a_item_result(void *ud, const csc_event_t *ev)
{
    answers_t *a = ud;
    a->events++;
    if (++a->results != a->retry_at)
        return CSC_OP_CONTINUE;
    /* The simulated application lets go of the file, then the sink retries
     * (allowed from a callback: C14.5, csc__APP). */
    csc_item_t *item = NULL;
    assert_int_equal(csc_cache_find(a->cache, ev->path, &item), CSC_S_OK);
    while (csc_item_is_open(item))
        assert_int_equal(csc_item_close(a->cache, item), CSC_S_OK);
    return CSC_OP_RETRY;
}

static void a_end(void *ud, const csc_event_t *ev)
{
    (void)ev;
    ((answers_t *)ud)->events++;
}

static csc_progress_t sink_of(answers_t *a)
{
    csc_progress_t p = {CSC_PROGRESS_VERSION, a, a_begin, NULL, a_item_begin, a_item_result,
                        a_end};
    return p;
}

static void on_wmi(void *ud, const char *message)
{
    (void)message;
    (*(unsigned *)ud)++;
}

static void op_done(csc_op_t *op, csc_hresult result)
{
    *(csc_hresult *)op->data = result;
}

static csc_hresult run_async(uv_loop_t *loop, csc_cache_t *cache, bool pin, const char *path,
                             uint32_t flags, bool deep, csc_cancel_t *cancel)
{
    csc_hresult result = (csc_hresult)0x12345678;
    csc_op_t op = {0};
    op.data = &result;
    answers_t a = {0};
    a.cache = cache;
    csc_progress_t sink = sink_of(&a);
    const char *paths[] = {path};
    csc_hresult hr = pin ? csc_pin_async(&op, loop, cache, paths, 1, flags, deep, &sink, cancel,
                                         op_done)
                         : csc_unpin_async(&op, loop, cache, paths, 1, flags, deep, &sink,
                                           cancel, op_done);
    assert_int_equal(hr, CSC_S_OK);
    while (result == (csc_hresult)0x12345678)
        uv_run(loop, UV_RUN_ONCE);
    assert_true(a.events >= 2);
    return result;
}

static csc_hresult pin_in_call_as(csc_cache_t *cache, void *user_data)
{
    const char *paths[] = {user_data};
    return csc_pin(cache, paths, 1, CSC_PIN_FLAG_FOR_USER_POLICY, false, NULL, NULL);
}

#define A "\\\\srv\\share\\docs\\a.txt"
#define B "\\\\srv\\share\\docs\\b.txt"
#define DOCS "\\\\srv\\share\\docs"
#define SHARE "\\\\srv\\share"

/* State before the recording starts: the recording must recreate it. */
static void before(csc_cache_t *c)
{
    csc_test_file(c, A, 100);
    csc_test_file(c, "\\\\srv\\share\\old\\x.txt", 7);
    csc_test_pin1_ok(c, "\\\\srv\\share\\old", CSC_PIN_FLAG_FOR_ALL, true);
    csc_test_advance_to(c, 3);
}

/* The recorded session. */
static void session(csc_cache_t *c, uv_loop_t *loop)
{
    assert_int_equal(csc_cache_file(c, B, true, 50, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_dir(c, "\\\\srv\\share\\empty", NULL), CSC_S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\srv\\share\\bad|name", false, 0, NULL),
                     CSC_E_INVALID_NAME);
    /* A path the language cannot write: a comment, and nothing changed. */
    assert_int_equal(csc_cache_file(c, "\\\\srv\\share\\q\"x", false, 0, NULL),
                     CSC_E_INVALID_NAME);
    assert_int_equal(csc_cache_dir(c, B, NULL), CSC_E_ALREADY_EXISTS);

    assert_int_equal(csc_cache_set_disk_space_limits(c, 1000000, CSC_SPACE_UNLIMITED),
                     CSC_E_ACCESSDENIED);
    assert_int_equal(csc_cache_set_caller(c, "Admin One", true), CSC_S_OK);
    assert_int_equal(csc_cache_set_disk_space_limits(c, 1000000, CSC_SPACE_UNLIMITED),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_caller(c, "", false), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_set_caller(c, "user", false), CSC_S_OK);

    answers_t a = {0};
    a.cache = c;
    csc_progress_t sink = sink_of(&a);
    const char *share[] = {SHARE};
    assert_int_equal(csc_pin(c, share, 1, CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_ALL, true,
                             &sink, NULL),
                     CSC_S_OK);
    memset(&a, 0, sizeof a);
    a.cache = c;
    a.abort_at = 3;
    assert_int_equal(csc_unpin(c, share, 1, CSC_PIN_FLAG_FOR_ALL, true, &sink, NULL),
                     CSC_E_CANCELLED);

    csc_item_t *ia = csc_test_find(c, A);
    csc_item_t *ib = csc_test_find(c, B);
    assert_int_equal(csc_item_modify(c, ia, 10), CSC_S_OK);
    assert_int_equal(csc_item_modify(c, csc_test_find(c, DOCS), 1), CSC_E_INVALIDARG);
    assert_int_equal(csc_item_open(c, ib), CSC_S_OK);
    assert_int_equal(csc_item_open(c, ib), CSC_S_OK);
    const char *b[] = {B};
    /* An open file with Background: a sharing violation (C4.5 step 4). */
    const uint32_t both = CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_FOR_ALL | CSC_PIN_FLAG_BACKGROUND;
    assert_int_equal(csc_unpin(c, b, 1, both, false, NULL, NULL), CSC_E_SHARING_VIOLATION);
    memset(&a, 0, sizeof a);
    a.cache = c;
    a.retry_at = 1;
    assert_int_equal(csc_unpin(c, b, 1, both, false, &sink, NULL), CSC_S_OK);
    assert_int_equal(a.results, 2);
    assert_int_equal(csc_item_open(c, ib), CSC_S_OK);
    assert_int_equal(csc_item_close(c, ib), CSC_S_OK);
    assert_int_equal(csc_cache_advance_clock(c, 5), CSC_S_OK);
    assert_int_equal(csc_item_touch(c, ia), CSC_S_OK);
    assert_int_equal(csc_item_mark_synchronized(c, ia), CSC_S_OK);
    assert_int_equal(csc_item_modify(c, ia, 3), CSC_S_OK);
    const char *users[] = {"alice", "Bob Smith"};
    assert_int_equal(csc_item_set_access(c, ib, users, 2), CSC_S_OK);
    const char *bad_users[] = {""};
    assert_int_equal(csc_item_set_access(c, ib, bad_users, 1), CSC_E_INVALIDARG);

    const char *sync_paths[] = {DOCS, "\\\\srv\\share\\missing"};
    assert_int_equal(csc_synchronize(c, sync_paths, 2, 0x6, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_synchronize(c, sync_paths, 1, 0x4000, NULL, NULL), CSC_E_INVALIDARG);
    const char *empty[] = {"\\\\srv\\share\\empty"};
    assert_int_equal(csc_delete_items(c, empty, 1, CSC_DELETE_NO_AUTO_CACHED, NULL, NULL),
                     CSC_S_OK);

    unsigned messages = 0;
    const char *wmi_paths[] = {"\\\\srv\\share\\old", NULL};
    assert_int_equal(csc_wmi_unpin(c, wmi_paths, 2, CSC_PIN_FLAG_FOR_ALL, true, on_wmi,
                                   &messages),
                     0u);
    assert_true(messages > 0);
    assert_int_equal(csc_wmi_pin(c, wmi_paths, 1, CSC_PIN_FLAG_FOR_ALL, false, NULL, NULL), 0u);
    /* No path at all: refused before any event. */
    assert_int_equal(csc_pin(c, NULL, 0, CSC_PIN_FLAG_FOR_USER, false, NULL, NULL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_set_policy(c, (csc_evict_policy_t)7), CSC_E_INVALIDARG);

    /* csc_cache_call_as: the calls inside run as another user. */
    assert_int_equal(csc_cache_call_as(c, "carol", false, pin_in_call_as, (void *)A), CSC_S_OK);

    /* Asynchronous Pin and Unpin on a libuv loop. */
    assert_int_equal(run_async(loop, c, true, DOCS,
                               CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_ASYNC_PROGRESS, true, NULL),
                     CSC_S_OK);
    assert_int_equal(run_async(loop, c, false, A, CSC_PIN_FLAG_FOR_USER, false, NULL),
                     CSC_S_OK);
    csc_cancel_t *cancel = NULL;
    assert_int_equal(csc_cancel_new(&cancel), CSC_S_OK);
    csc_cancel_request(cancel);
    assert_int_equal(run_async(loop, c, false, SHARE,
                               CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_ASYNC_PROGRESS, true,
                               cancel),
                     CSC_E_CANCELLED);
    csc_cancel_free(cancel);

    /* Eviction: an explicit pass, then the eager policy after caching. */
    uint64_t freed = 0;
    size_t count = 0;
    assert_int_equal(csc_cache_evict(c, false, 1, &freed, &count), CSC_S_OK);
    assert_int_equal(csc_cache_set_policy(c, CSC_EVICT_EAGER), CSC_S_OK);
    assert_int_equal(csc_cache_file(c, "\\\\srv\\other\\gone.txt", true, 9, NULL), CSC_S_OK);
    assert_false(csc_test_cached(c, "\\\\srv\\other\\gone.txt"));
    assert_int_equal(csc_cache_set_policy(c, CSC_EVICT_MANUAL), CSC_S_OK);
    assert_int_equal(csc_cache_evict(c, true, 0, NULL, NULL), CSC_S_OK);

    /* Round 2, C13 (cscsim/methods.h): each call recorded as its command. */
    const char *caller = csc_cache_caller(c, NULL);
    char *keep = strdup(caller != NULL ? caller : "user");
    bool was_admin = false;
    (void)csc_cache_caller(c, &was_admin);
    csc_test_file(c, "\\\\srv\\m\\d\\f.txt", 3);
    csc_test_file(c, "\\\\srv\\m\\g.txt", 4);
    assert_int_equal(csc_cache_set_caller(c, "root", true), CSC_S_OK);
    assert_int_equal(csc_suspend_root(c, "\\\\srv\\m\\d", true), CSC_S_OK);
    assert_int_equal(csc_suspend_root(c, "\\\\srv\\m\\g.txt", false), CSC_E_INVALIDARG);
    assert_int_equal(csc_encrypt(c, true, CSC_ENCRYPT_FLAG_LOW_PRIORITY, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_rename_item_ex(c, "\\\\srv\\m\\g.txt", "\\\\srv\\m\\h.txt", false),
                     CSC_S_OK);
    assert_int_equal(csc_rename_item(c, "\\\\srv\\m\\d", "\\\\srv\\m\\e", false), CSC_S_OK);
    assert_int_equal(csc_delete_items_for_user(c, "bob", (const char *[]){"\\\\srv\\m\\h.txt"},
                                               1, 0, NULL, NULL),
                     CSC_S_OK);
    assert_int_equal(csc_cache_set_location(c, "D:\\Offline"), CSC_S_OK);
    assert_int_equal(csc_feature_enable(c, false, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_restart(c), CSC_S_OK);
    assert_int_equal(csc_feature_start(c), CSC_HR(0x80070032u));
    assert_int_equal(csc_feature_enable(c, true, NULL), CSC_S_OK);
    assert_int_equal(csc_feature_start(c), CSC_S_OK);
    assert_true(csc_test_cached(c, "\\\\srv\\m\\e\\f.txt"));
    assert_int_equal(csc_cache_set_caller(c, keep, was_admin), CSC_S_OK);
    free(keep);
}

/* Records the session on a cache with state; returns the text, and the
 * final state in *dump (csc_test_dump) and *scn (as a scenario). */
static void record_session(csc_test_text_t *out, char **dump, char **scn)
{
    csc_cache_t *c = csc_test_cache_new();
    before(c);
    uv_loop_t loop;
    assert_int_equal(uv_loop_init(&loop), 0);
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, out, NULL), CSC_S_OK);
    assert_true(csc_cache_recording(c));
    session(c, &loop);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    assert_false(csc_cache_recording(c));
    *dump = csc_test_dump(c);
    assert_int_equal(csc_cache_dump_string(scn, NULL, c, NULL, CSC_DUMP_SCENARIO), CSC_S_OK);
    csc_cache_free(c);
    uv_run(&loop, UV_RUN_NOWAIT);
    assert_int_equal(uv_loop_close(&loop), 0);
}

/* Replays `text` on a fresh cache (recording the replay into `again` when
 * not NULL); returns the cache. */
static csc_cache_t *replay(const csc_test_text_t *text, csc_scenario_result_t *res,
                           csc_hresult expect_hr, csc_test_text_t *again)
{
    csc_cache_t *c = csc_test_cache_new();
    if (again != NULL)
        assert_int_equal(csc_cache_record_start(c, csc_test_text_write, again, NULL), CSC_S_OK);
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    opts.name = "recording";
    csc_hresult hr = csc_scenario_run(c, text->p, text->len, &opts, res);
    if (hr != expect_hr) {
        fprintf(stderr, "%s\n", res->transcript != NULL ? res->transcript : "");
        for (unsigned i = 0; i < res->failed; i++)
            fprintf(stderr, "line %u: %s\n", res->failures[i].line, res->failures[i].message);
        for (size_t i = 0; i < res->syntax_error_count; i++)
            fprintf(stderr, "syntax %u: %s\n", res->syntax_errors[i].line,
                    res->syntax_errors[i].message);
    }
    assert_int_equal(hr, expect_hr);
    if (again != NULL)
        assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    return c;
}

/* Replays a recording whose every check must pass; returns the cache and
 * how many checks passed. */
static csc_cache_t *replay_passing(const csc_test_text_t *text, unsigned *passed)
{
    csc_scenario_result_t res = {0};
    csc_cache_t *c = replay(text, &res, CSC_S_OK, NULL);
    assert_int_equal(res.failed, 0);
    *passed = res.passed;
    csc_scenario_result_clear(&res);
    return c;
}

/* The replayed cache `c` is the recorded one: the same full dump and the
 * same scenario dump. */
static void assert_same_dumps(csc_cache_t *c, const char *dump, const char *scn)
{
    char *dump2 = csc_test_dump(c);
    char *scn2 = NULL;
    assert_int_equal(csc_cache_dump_string(&scn2, NULL, c, NULL, CSC_DUMP_SCENARIO), CSC_S_OK);
    assert_string_equal(dump2, dump);
    assert_string_equal(scn2, scn);
    csc_dump_free(scn2);
    free(dump2);
}

static void test_replay_reproduces_the_session(void **state)
{
    (void)state;
    csc_test_text_t rec = {0};
    char *dump = NULL, *scn = NULL;
    record_session(&rec, &dump, &scn);
    if (getenv("CSC_TEST_SHOW") != NULL) /* to read the recording */
        fputs(rec.p, stdout);
    assert_true(rec.writes > 20); /* one write per call */
    /* What it says, in part. */
    assert_non_null(strstr(rec.p, "# ---- the state at the start\n"));
    assert_non_null(strstr(rec.p, "unpin \\\\srv\\share flags=ForAll deep abort-at=3\n"));
    assert_non_null(strstr(rec.p, "unpin \\\\srv\\share\\docs\\b.txt flags=ForUser|ForAll|Background retry-at=1\n"));
    assert_non_null(strstr(rec.p, "expect hresult=0x80070020  # ERROR_SHARING_VIOLATION\n"));
    assert_non_null(strstr(rec.p, "as \"Admin One\" admin\n"));
    assert_non_null(strstr(rec.p, "access \\\\srv\\share\\docs\\b.txt alice \"Bob Smith\"\n"));
    assert_non_null(strstr(rec.p, "sync \\\\srv\\share\\docs \\\\srv\\share\\missing "
                              "flags=SyncIn|SyncOut\n"));
    assert_non_null(strstr(rec.p, "deleteitems \\\\srv\\share\\empty flags=NoAutoCached\n"));
    assert_non_null(strstr(rec.p, "# csc_wmi_unpin\nunpin \\\\srv\\share\\old \"\" "
                              "flags=ForAll deep\nexpect return=0"));
    assert_non_null(strstr(rec.p, "pin \"\" flags=0x4000\nexpect hresult=0x80070057"));
    assert_non_null(strstr(rec.p, "# csc_pin_async\npin \\\\srv\\share\\docs "
                              "flags=ForUser|AsyncProgress deep\n"));
    assert_non_null(strstr(rec.p, "flags=ForUser|AsyncProgress deep abort-at=0\n"));
    assert_non_null(strstr(rec.p, "as carol\n"));
    assert_non_null(strstr(rec.p, "evict bytes=1\n"));
    assert_non_null(strstr(rec.p, "# not expressible: csc_cache_file with a path holding"));
    assert_non_null(strstr(rec.p, "# not expressible: csc_cache_set_policy(7)"));
    assert_non_null(strstr(rec.p, "expect event#1=\"0:0x00000000:"));
    assert_non_null(strstr(rec.p, "# ---- end of the recording\n"));
    assert_non_null(strstr(rec.p, "suspend \\\\srv\\m\\d\nexpect hresult=0x00000000"));
    assert_non_null(strstr(rec.p, "suspend \\\\srv\\m\\g.txt release\n"));
    assert_non_null(strstr(rec.p, "encrypt on flags=0x200\n"));
    assert_non_null(strstr(rec.p, "rename \\\\srv\\m\\d \\\\srv\\m\\e restart-time\n"));
    assert_non_null(strstr(rec.p, "deleteitems \\\\srv\\m\\h.txt flags=0 for=bob\n"));
    assert_non_null(strstr(rec.p, "location \"D:\\Offline\"\n"));
    assert_non_null(strstr(rec.p, "enable off\n"));
    assert_non_null(strstr(rec.p, "restart\n"));
    assert_non_null(strstr(rec.p, "start\nexpect hresult=0x80070032"));

    unsigned passed;
    csc_cache_t *c = replay_passing(&rec, &passed);
    assert_true(passed > 100);
    printf("recorded %zu bytes, %zu calls; replay: %u checks passed\n", rec.len, rec.writes - 2,
           passed);
    assert_same_dumps(c, dump, scn);
    csc_test_assert_cache_ok(c, __FILE__, __LINE__);
    csc_cache_free(c);
    csc_dump_free(scn);
    free(dump);
    csc_test_text_free(&rec);
}

/* The 1-based number of the line where `needle` starts. */
static unsigned line_of(const char *text, const char *at)
{
    unsigned line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static void test_tampered_value_is_the_first_difference(void **state)
{
    (void)state;
    csc_test_text_t rec = {0};
    char *dump = NULL, *scn = NULL;
    record_session(&rec, &dump, &scn);
    /* The events of the aborted unpin: one event more than seen. */
    char *call = strstr(rec.p, "abort-at=3\n");
    assert_non_null(call);
    char *events = strstr(call, "expect events=");
    assert_non_null(events);
    char *num = events + strlen("expect events=");
    unsigned n = (unsigned)strtoul(num, NULL, 10);
    assert_true(n >= 2 && n < 9);
    *num = (char)('0' + n + 1);
    unsigned line = line_of(rec.p, events);

    csc_scenario_result_t res = {0};
    csc_cache_t *c = replay(&rec, &res, CSC_S_FALSE, NULL);
    assert_int_equal(res.failed, 1);
    assert_int_equal(res.failures[0].line, line);
    char want[64];
    snprintf(want, sizeof want, "expected events=%u, got events=%u", n + 1, n);
    assert_string_equal(res.failures[0].message, want);

    /* A changed result on another line: that one is reported first. */
    csc_scenario_result_clear(&res);
    csc_cache_free(c);
    *num = (char)('0' + n);
    char *sv = strstr(rec.p, "expect hresult=0x80070020");
    assert_non_null(sv);
    sv[strlen("expect hresult=0x8007002")] = '1';
    c = replay(&rec, &res, CSC_S_FALSE, NULL);
    assert_int_equal(res.failed, 1);
    assert_int_equal(res.failures[0].line, line_of(rec.p, sv));
    assert_non_null(strstr(res.failures[0].message, "got hresult=0x80070020"));
    csc_scenario_result_clear(&res);
    csc_cache_free(c);
    csc_dump_free(scn);
    free(dump);
    csc_test_text_free(&rec);
}

static void test_recording_a_replay_is_a_fixed_point(void **state)
{
    (void)state;
    csc_test_text_t rec = {0};
    char *dump = NULL, *scn = NULL;
    record_session(&rec, &dump, &scn);

    csc_test_text_t second = {0}, third = {0};
    csc_scenario_result_t res = {0};
    csc_cache_t *c = replay(&rec, &res, CSC_S_OK, &second);
    csc_scenario_result_clear(&res);
    csc_cache_free(c);
    /* The replay started on a fresh cache: no state to recreate. */
    assert_null(strstr(second.p, "# ---- the state at the start"));
    c = replay(&second, &res, CSC_S_OK, &third);
    assert_int_equal(res.failed, 0);
    assert_true(res.passed > 100);
    csc_scenario_result_clear(&res);
    char *dump3 = csc_test_dump(c);
    assert_string_equal(dump3, dump);
    assert_string_equal(third.p, second.p);
    free(dump3);
    csc_cache_free(c);
    csc_test_text_free(&second);
    csc_test_text_free(&third);
    csc_dump_free(scn);
    free(dump);
    csc_test_text_free(&rec);
}

/* Fault rules (cscsim/fault.h) are calls too: recorded as `fail` lines, so
 * a replay arms the same rules and reproduces the faulted results. */
static void test_fault_rules_recorded_and_replayed(void **state)
{
    (void)state;
    csc_test_text_t out = {0};
    csc_cache_t *c = csc_test_cache_new();
    csc_test_file(c, "\\\\srv\\share\\d\\a.txt", 1);
    csc_test_file(c, "\\\\srv\\share\\d\\b.txt", 2);
    csc_test_file(c, "\\\\srv\\share\\e.txt", 3);
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &out, NULL), CSC_S_OK);
    csc_fault_rule_t item_rule = CSC_FAULT_RULE_INIT;
    item_rule.ops = CSC_FAULT_OP_PIN | CSC_FAULT_OP_UNPIN;
    item_rule.path = "\\\\SRV\\share\\d";
    item_rule.subtree = true;
    item_rule.nth = 2;
    item_rule.code = CSC_HR(0x80070035u); /* ERROR_BAD_NETPATH */
    assert_int_equal(csc_cache_add_fault(c, &item_rule, NULL), CSC_S_OK);
    csc_fault_rule_t call_rule = CSC_FAULT_RULE_INIT;
    call_rule.ops = CSC_FAULT_OP_SYNCHRONIZE;
    call_rule.delivery = CSC_FAULT_AT_CALL;
    call_rule.probability = 0.5;
    call_rule.seed = 7;
    call_rule.code = CSC_E_OUTOFMEMORY;
    assert_int_equal(csc_cache_add_fault(c, &call_rule, NULL), CSC_S_OK);
    const char *share[] = {"\\\\srv\\share"};
    assert_int_equal(csc_pin(c, share, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), CSC_S_OK);
    for (int i = 0; i < 6; i++)
        (void)csc_synchronize(c, share, 1, 0x6u, NULL, NULL);
    assert_int_equal(csc_cache_clear_faults(c), CSC_S_OK);
    assert_int_equal(csc_unpin(c, share, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    assert_non_null(strstr(out.p, "fail unpin|pin "));
    assert_non_null(strstr(out.p, " subtree nth=2 always code=0x80070035"));
    assert_non_null(strstr(out.p, "fail sync nth=1 always probability=0.5 seed=7 call "
                                  "code=0x8007000E"));
    assert_non_null(strstr(out.p, "fail clear"));
    char *want = csc_test_dump(c);
    csc_scenario_result_t res;
    csc_cache_t *r = replay(&out, &res, CSC_S_OK, NULL);
    assert_int_equal(res.failed, 0);
    assert_true(res.passed > 10);
    char *got = csc_test_dump(r);
    assert_string_equal(got, want);
    free(got);
    free(want);
    csc_scenario_result_clear(&res);
    csc_cache_free(r);
    csc_cache_free(c);
    csc_test_text_free(&out);
}

static void test_start_and_stop(void **state)
{
    (void)state;
    csc_test_text_t t = {0};
    csc_cache_t *c = csc_test_cache_new();
    assert_int_equal(csc_cache_record_start(NULL, csc_test_text_write, &t, NULL), CSC_E_POINTER);
    assert_int_equal(csc_cache_record_start(c, NULL, &t, NULL), CSC_E_POINTER);
    csc_record_options_t opts;
    assert_int_equal(csc_record_options_init(&opts, 2), CSC_E_INVALIDARG);
    assert_int_equal(csc_record_options_init(&opts, 1), CSC_S_OK);
    opts.version = 9;
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &t, &opts), CSC_E_INVALIDARG);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_FALSE);
    assert_int_equal(csc_cache_record_start_file(c, "/nonexistent-dir/x/y", NULL),
                     CSC_HRESULT_FROM_WIN32(110));
    assert_false(csc_cache_recording(c));
    opts.version = 1;
    opts.item_checks = false;
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &t, &opts), CSC_S_OK);
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &t, &opts), CSC_E_ALREADY_EXISTS);
    csc_test_file(c, A, 1);
    csc_test_pin1_ok(c, A, CSC_PIN_FLAG_FOR_USER, false);
    assert_null(strstr(t.p, "expect \\\\")); /* no item checks */
    assert_non_null(strstr(t.p, "pin \\\\srv\\share\\docs\\a.txt flags=ForUser\n"));
    /* Freeing the cache stops the recording (and frees the recorder). */
    csc_cache_free(c);
    csc_test_text_free(&t);

    /* Into a file, then replayed from it. */
    char path[] = "/tmp/csc-record-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    c = csc_test_cache_new();
    assert_int_equal(csc_cache_record_start_file(c, path, NULL), CSC_S_OK);
    csc_test_file(c, A, 1);
    csc_test_pin1_ok(c, DOCS, CSC_PIN_FLAG_FOR_USER, true);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    csc_cache_free(c);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    remove(path);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "pin \\\\srv\\share\\docs flags=ForUser deep\n"));
    c = csc_test_cache_new();
    csc_scenario_result_t res = {0};
    assert_int_equal(csc_scenario_run(c, buf, n, NULL, &res), CSC_S_OK);
    assert_true(res.passed >= 8);
    csc_scenario_result_clear(&res);
    assert_int_equal(csc_test_pins_of(c, A), CSC_PIN_SOURCE_USER);
    csc_cache_free(c);
}

/* Round 2, C10 (cscsim/remote.h): the remote calls recorded as their
 * commands, and the remote state at the start written by the scenario dump
 * (twins changed on the server, share modes, forced and slow scopes, an
 * override, twins gone, a server down). The replay passes every check and
 * ends in the same state, remote side included (the scenario dumps). */
static void remote_before(csc_cache_t *c)
{
    csc_test_file(c, "\\\\srv\\share\\a.txt", 10);
    csc_test_file(c, "\\\\srv\\share\\gone\\x.txt", 1);
    csc_test_file(c, "\\\\srv\\docs\\d.txt", 1);
    csc_test_file(c, "\\\\slow\\s1\\f.txt", 1);
    csc_test_file(c, "\\\\slow\\s2\\f.txt", 1);
    csc_test_file(c, "\\\\down\\s\\f.txt", 1);
    assert_int_equal(csc_remote_write(c, "\\\\srv\\share\\a.txt", true, 20), CSC_S_OK);
    assert_int_equal(csc_remote_write(c, "\\\\srv\\share\\a.txt", false, 0), CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\srv\\docs", CSC_CACHING_MODE_AUTO_DOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_delete(c, "\\\\srv\\share\\gone"), CSC_S_OK);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(c, "\\\\srv\\docs", false, 0, &open_files), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\slow", CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(csc_transition_online(c, "\\\\slow\\s2", 0), CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\down\\s", CSC_CACHING_MODE_NOCACHING),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\down", CSC_NETWORK_DOWN), CSC_S_OK);
}

static void remote_session(csc_cache_t *c)
{
    assert_int_equal(csc_remote_dir(c, "\\\\new\\sh\\dir"), CSC_S_OK);
    assert_int_equal(csc_remote_file(c, "\\\\new\\sh\\dir\\f.txt", true, 5), CSC_S_OK);
    assert_int_equal(csc_remote_file(c, "\\\\new\\sh\\dir\\f.txt", false, 0), CSC_S_OK);
    assert_int_equal(csc_remote_write(c, "\\\\new\\sh\\dir\\f.txt", true, 9), CSC_S_OK);
    assert_int_equal(csc_remote_write(c, "\\\\new\\sh\\none", false, 0), CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_dir(c, "\\\\new\\sh|x"), CSC_E_INVALID_NAME);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\new\\sh", CSC_CACHING_MODE_AUTO_PROGANDDOC),
                     CSC_S_OK);
    assert_int_equal(csc_remote_set_caching_mode(c, "\\\\new", CSC_CACHING_MODE_MANUAL),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_remote_delete(c, "\\\\new\\sh\\dir"), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\srv", CSC_NETWORK_SLOW), CSC_S_OK);
    assert_int_equal(csc_remote_set_network(c, "\\\\nowhere", CSC_NETWORK_DOWN),
                     CSC_E_FILE_NOT_FOUND);
    bool open_files = true;
    assert_int_equal(csc_transition_offline(c, "\\\\srv\\share\\a.txt", true, 0, &open_files),
                     CSC_S_OK);
    assert_false(open_files);
    assert_int_equal(csc_transition_offline(c, "\\\\srv", false, 0, &open_files),
                     CSC_E_INVALIDARG);
    assert_int_equal(csc_transition_online(c, "\\\\srv\\share", CSC_TRANSITION_FLAG_CONSOLE),
                     CSC_S_OK);
    assert_int_equal(csc_transition_online(c, "\\\\down\\s", 0), CSC_E_BAD_NETPATH);
    assert_int_equal(csc_remote_set_network(c, "\\\\slow", CSC_NETWORK_UP), CSC_S_OK);
    csc_test_file(c, "\\\\srv\\share\\later.txt", 3);
}

static void test_remote_calls_recorded_and_replayed(void **state)
{
    (void)state;
    csc_test_text_t rec = {0};
    csc_cache_t *c = csc_test_cache_new();
    remote_before(c);
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &rec, NULL), CSC_S_OK);
    remote_session(c);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    char *dump = csc_test_dump(c);
    char *scn = NULL;
    assert_int_equal(csc_cache_dump_string(&scn, NULL, c, NULL, CSC_DUMP_SCENARIO), CSC_S_OK);
    csc_cache_free(c);
    if (getenv("CSC_TEST_SHOW") != NULL)
        fputs(rec.p, stdout);
    /* the state at the start, as the dump writes it */
    assert_non_null(strstr(rec.p, "remote write \\\\srv\\share\\a.txt\nremote write "
                                  "\\\\srv\\share\\a.txt size=20\n"));
    assert_non_null(strstr(rec.p, "share \\\\srv\\docs caching=documents\n"));
    assert_non_null(strstr(rec.p, "offline \\\\srv\\docs\n"));
    assert_non_null(strstr(rec.p, "network \\\\slow slow\nonline \\\\slow\\s2\n"));
    assert_non_null(strstr(rec.p, "remote delete \\\\srv\\share\\gone\n"));
    assert_non_null(strstr(rec.p, "network \\\\down down\n"));
    /* the calls */
    assert_non_null(strstr(rec.p, "remote dir \\\\new\\sh\\dir\nexpect hresult=0x00000000"));
    assert_non_null(strstr(rec.p, "remote file \\\\new\\sh\\dir\\f.txt size=5\n"));
    assert_non_null(strstr(rec.p, "remote write \\\\new\\sh\\dir\\f.txt size=9\n"));
    assert_non_null(strstr(rec.p, "remote write \\\\new\\sh\\none\nexpect hresult=0x80070002"));
    assert_non_null(strstr(rec.p, "share \\\\new\\sh caching=programs\n"));
    assert_non_null(strstr(rec.p, "share \\\\new caching=manual\nexpect hresult=0x80070057"));
    assert_non_null(strstr(rec.p, "network \\\\srv slow\n"));
    assert_non_null(strstr(rec.p, "offline \\\\srv\\share\\a.txt force\nexpect "
                                  "hresult=0x00000000  # S_OK\nexpect open-files=no\n"));
    assert_non_null(strstr(rec.p, "# csc_transition_online with flags 0x2"));
    assert_non_null(strstr(rec.p, "online \\\\down\\s\nexpect hresult=0x80070035"));

    unsigned passed;
    c = replay_passing(&rec, &passed);
    assert_true(passed >= 19);
    assert_same_dumps(c, dump, scn);
    /* the remote side itself */
    uint64_t size = 0, version = 0;
    assert_int_equal(csc_remote_item(c, "\\\\srv\\share\\a.txt", NULL, &size, &version, NULL),
                     CSC_S_OK);
    assert_int_equal(size, 20);
    assert_int_equal(version, 3);
    csc_connect_state_t st;
    csc_offline_reason_t why;
    assert_int_equal(csc_connect_state(c, "\\\\srv\\docs", &st, &why), CSC_S_OK);
    assert_int_equal(why, CSC_OFFLINE_REASON_CONNECTION_FORCED);
    assert_int_equal(csc_connect_state(c, "\\\\down\\s\\f.txt", &st, &why), CSC_S_OK);
    assert_int_equal(why, CSC_OFFLINE_REASON_CONNECTION_ERROR);
    csc_caching_mode_t mode;
    assert_int_equal(csc_remote_caching_mode(c, "\\\\new\\sh", &mode), CSC_S_OK);
    assert_int_equal(mode, CSC_CACHING_MODE_AUTO_PROGANDDOC);
    assert_int_equal(csc_remote_item(c, "\\\\new\\sh\\dir", NULL, NULL, NULL, NULL),
                     CSC_E_FILE_NOT_FOUND);
    csc_cache_free(c);
    csc_dump_free(scn);
    free(dump);
    csc_test_text_free(&rec);
}

/* Round 2, C11 (cscsim/apps.h): the applications' calls recorded as
 * `open`, `close`, `write`, `create` and `delete` with their results; the
 * replay ends in the same state (files created and deleted offline, a
 * write-through, a non-cached handle that blocks TransitionOffline). */
static void apps_session(csc_cache_t *c)
{
    assert_int_equal(csc_app_open(c, "\\\\srv\\share\\a.txt"), CSC_S_OK);
    assert_int_equal(csc_app_close(c, "\\\\srv\\share\\a.txt"), CSC_S_OK);
    assert_int_equal(csc_app_write(c, "\\\\srv\\share\\a.txt", 2, true, 30), CSC_S_OK);
    assert_int_equal(csc_app_write(c, "\\\\srv\\share\\none", 1, false, 0),
                     CSC_E_FILE_NOT_FOUND);
    assert_int_equal(csc_remote_file(c, "\\\\srv\\share\\n.txt", true, 1), CSC_S_OK);
    assert_int_equal(csc_app_open(c, "\\\\srv\\share\\n.txt"), CSC_S_OK);
    assert_int_equal(csc_app_create(c, "\\\\srv\\share\\d\\on.txt", 4), CSC_S_OK);
    bool open_files = false;
    assert_int_equal(csc_transition_offline(c, "\\\\srv\\share", false, 0, &open_files),
                     CSC_S_OK);
    assert_true(open_files);
    assert_int_equal(csc_suspend_root(c, "\\\\srv\\share\\d", true), CSC_S_OK);
    assert_int_equal(csc_app_create(c, "\\\\srv\\share\\d\\off.txt", 3), CSC_S_OK);
    assert_int_equal(csc_app_delete(c, "\\\\srv\\share\\d\\b.txt"), CSC_S_OK);
    assert_int_equal(csc_app_write(c, "\\\\srv\\share\\d\\off.txt", 5, false, 0), CSC_S_OK);
    assert_int_equal(csc_suspend_root(c, "\\\\srv\\share\\d", false), CSC_S_OK);
    assert_int_equal(csc_app_delete(c, "\\\\srv\\share\\d"), CSC_E_INVALIDARG);
}

static void test_apps_recorded_and_replayed(void **state)
{
    (void)state;
    csc_test_text_t rec = {0};
    csc_cache_t *c = csc_test_cache_new();
    csc_test_file(c, "\\\\srv\\share\\a.txt", 10);
    csc_test_file(c, "\\\\srv\\share\\d\\b.txt", 2);
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &rec, NULL), CSC_S_OK);
    apps_session(c);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    char *dump = csc_test_remote_dump(c);
    csc_cache_free(c);
    if (getenv("CSC_TEST_SHOW") != NULL)
        fputs(rec.p, stdout);
    assert_non_null(strstr(rec.p, "open \\\\srv\\share\\a.txt\nexpect hresult=0x00000000"));
    assert_non_null(strstr(rec.p, "close \\\\srv\\share\\a.txt\n"));
    assert_non_null(strstr(rec.p, "write \\\\srv\\share\\a.txt bytes=2 size=30\n"));
    assert_non_null(strstr(rec.p, "write \\\\srv\\share\\none bytes=1\nexpect hresult=0x80070002"));
    assert_non_null(strstr(rec.p, "create \\\\srv\\share\\d\\off.txt size=3\n"));
    assert_non_null(strstr(rec.p, "delete \\\\srv\\share\\d\\b.txt\n"));
    assert_non_null(strstr(rec.p, "delete \\\\srv\\share\\d\nexpect hresult=0x80070057"));
    unsigned passed;
    c = replay_passing(&rec, &passed);
    assert_true(passed >= 14);
    char *dump2 = csc_test_remote_dump(c);
    assert_string_equal(dump2, dump);
    free(dump2);
    free(dump);
    csc_cache_free(c);
    csc_test_text_free(&rec);
}

/* An access list removed (not expressible): a comment, not a command. */
static void test_not_expressible(void **state)
{
    (void)state;
    csc_test_text_t t = {0};
    csc_cache_t *c = csc_test_cache_new();
    csc_item_t *a = csc_test_file(c, A, 1);
    assert_int_equal(csc_cache_record_start(c, csc_test_text_write, &t, NULL), CSC_S_OK);
    assert_int_equal(csc_item_set_access(c, a, NULL, 0), CSC_S_OK);
    const char *none[] = {"x"};
    assert_int_equal(csc_item_set_access(c, a, none, 0), CSC_S_OK);
    assert_int_equal(csc_cache_set_evict_callback(c, NULL, NULL), CSC_S_OK);
    assert_int_equal(csc_cache_record_stop(c), CSC_S_OK);
    assert_non_null(strstr(t.p, "# not expressible: csc_item_set_access(\\\\srv\\share\\docs"
                               "\\a.txt, no list: everyone)"));
    assert_non_null(strstr(t.p, "an empty list: nobody"));
    assert_non_null(strstr(t.p, "# not expressible: csc_cache_set_evict_callback"));
    assert_null(strstr(t.p, "\naccess "));
    csc_scenario_result_t res = {0};
    csc_cache_t *d = csc_test_cache_new();
    assert_int_equal(csc_scenario_check(t.p, t.len, &res), CSC_S_OK);
    csc_scenario_result_clear(&res);
    csc_cache_free(d);
    csc_cache_free(c);
    csc_test_text_free(&t);
}

/* Memory running out anywhere during a recording: the calls still answer,
 * the text still parses (lost lines are a comment), and stop reports the
 * loss with E_OUTOFMEMORY. */
static void test_out_of_memory(void **state)
{
    (void)state;
    bool clean = false;
    size_t losses = 0;
    for (size_t k = 1; !clean && k < 400; k++) {
        csc_test_alloc_t st = {0};
        csc_cache_t *c = csc_test_cache_new_alloc(&st);
        csc_test_file(c, A, 1);
        st.fail_at = st.count + k;
        csc_test_text_t t = {0};
        csc_hresult hr = csc_cache_record_start(c, csc_test_text_write, &t, NULL);
        assert_true(hr == CSC_S_OK || hr == CSC_E_OUTOFMEMORY);
        bool started = hr == CSC_S_OK;
        csc_hresult f = csc_cache_file(c, B, true, 5, NULL);
        assert_true(f == CSC_S_OK || f == CSC_E_OUTOFMEMORY);
        csc_test_recorder_t ev;
        csc_test_recorder_init(&ev);
        const char *docs[] = {DOCS};
        hr = csc_pin(c, docs, 1, CSC_PIN_FLAG_FOR_USER, true, &ev.sink, NULL);
        assert_true(hr == CSC_S_OK || hr == CSC_E_OUTOFMEMORY);
        csc_test_recorder_clear(&ev);
        uint32_t ret = csc_wmi_unpin(c, docs, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);
        assert_true(ret == 0 || ret == 14);
        hr = csc_cache_record_stop(c);
        if (started)
            assert_true(hr == CSC_S_OK || hr == CSC_E_OUTOFMEMORY);
        else
            assert_int_equal(hr, CSC_S_FALSE);
        losses += hr == CSC_E_OUTOFMEMORY;
        if (hr == CSC_E_OUTOFMEMORY && t.len > 0)
            assert_non_null(strstr(t.p, "# recording incomplete: lines lost here\n"));
        clean = !st.failed;
        if (clean)
            assert_int_equal(hr, CSC_S_OK);
        if (t.len > 0) {
            csc_scenario_result_t res = {0};
            assert_int_equal(csc_scenario_check(t.p, t.len, &res), CSC_S_OK);
            csc_scenario_result_clear(&res);
        }
        assert_cache_ok(c);
        csc_cache_free(c);
        assert_int_equal(st.live_blocks, 0);
        csc_test_text_free(&t);
    }
    assert_true(clean);
    assert_true(losses > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_reproduces_the_session),
        cmocka_unit_test(test_tampered_value_is_the_first_difference),
        cmocka_unit_test(test_recording_a_replay_is_a_fixed_point),
        cmocka_unit_test(test_fault_rules_recorded_and_replayed),
        cmocka_unit_test(test_start_and_stop),
        cmocka_unit_test(test_not_expressible),
        cmocka_unit_test(test_remote_calls_recorded_and_replayed),
        cmocka_unit_test(test_apps_recorded_and_replayed),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
