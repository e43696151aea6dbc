/*
 * src/scenario/scenario.c: the public entry points of the scenario language
 * (cscsim/scenario.h): csc_scenario_run, csc_scenario_check and the session
 * (csc_scenario_new / _feed / _free). It owns the splitting of a text into
 * lines (LF; the parser drops a CR before it; a UTF-8 byte order mark at the
 * start of a whole text is skipped, as Windows editors write one), the rule
 * that a text is parsed whole before any of it runs (a syntax error runs
 * nothing, and every syntax error is reported with its line and column), the
 * collection of the transcript when no write callback is given, of the failed
 * checks and of the syntax errors into the result, and the mapping of the
 * outcome to an HRESULT (S_OK, S_FALSE for a failed check, E_INVALIDARG for a
 * syntax error). A text runs holding the cache (csc_cache_lock), so that
 * other threads' calls wait until it is done (C14.5), but for its calls with
 * AsyncProgress, whose walk needs the cache from a thread of its own. Parsing is parse.c's,
 * running runner.c's; this file only strings them together, on the public
 * API like everything in this folder.
 */
#include "cscsim/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cscsim/async.h"

#include "command.h"
#include "runner.h"

struct csc_scenario {
    csc__scn_runner_t *runner;
    csc_scenario_options_t opts;
    /* The result being filled by the text being run, and whether memory ran
     * out while filling it. */
    csc_scenario_result_t *result;
    bool oom;
    size_t transcript_cap;
};

csc_hresult csc_scenario_options_init(csc_scenario_options_t *opts, unsigned int version)
{
    if (opts == NULL)
        return CSC_E_POINTER;
    if (version != CSC_SCENARIO_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;
    csc_scenario_options_t init = CSC_SCENARIO_OPTIONS_INIT;
    *opts = init;
    return CSC_S_OK;
}

static void problems_free(csc_scenario_problem_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].message);
    free(p);
}

void csc_scenario_result_clear(csc_scenario_result_t *result)
{
    if (result == NULL)
        return;
    problems_free(result->failures, result->failed);
    problems_free(result->syntax_errors, result->syntax_error_count);
    free(result->transcript);
    memset(result, 0, sizeof *result);
}

/* Appends a problem to list[0 .. *n); false when out of memory. */
static bool problem_add(csc_scenario_problem_t **list, size_t n, unsigned line,
                        unsigned column, const char *message)
{
    /* The capacity is 4, then doubles: it is full when n is 4, 8, 16... */
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        size_t cap = n == 0 ? 4 : n * 2;
        csc_scenario_problem_t *p = realloc(*list, cap * sizeof *p);
        if (p == NULL)
            return false;
        *list = p;
    }
    size_t len = strlen(message) + 1;
    char *copy = malloc(len);
    if (copy == NULL)
        return false;
    memcpy(copy, message, len);
    (*list)[n].line = line;
    (*list)[n].column = column;
    (*list)[n].message = copy;
    return true;
}

/* ---- parsing a whole text ----------------------------------------------- */

typedef struct script {
    csc__scn_command_t *cmds;
    size_t count, cap;
} script_t;

static void script_free(script_t *s)
{
    for (size_t i = 0; i < s->count; i++)
        csc__scn_command_free(&s->cmds[i]);
    free(s->cmds);
    memset(s, 0, sizeof *s);
}

/*
 * Parses every line of text[0 .. len), numbered from `line_no`. Returns S_OK,
 * E_INVALIDARG after recording each syntax error in `result` (when not NULL),
 * or E_OUTOFMEMORY. On failure `s` is empty.
 */
static csc_hresult parse_text(const char *text, size_t len, unsigned line_no, bool skip_bom,
                              script_t *s, csc_scenario_result_t *result)
{
    bool bad = false;
    size_t pos = 0;
    if (skip_bom && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    for (; pos < len; line_no++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        if (s->count == s->cap) {
            size_t cap = s->cap == 0 ? 64 : s->cap * 2;
            csc__scn_command_t *c = realloc(s->cmds, cap * sizeof *c);
            if (c == NULL)
                goto oom;
            s->cmds = c;
            s->cap = cap;
        }
        char err[512];
        unsigned col = 0;
        int got = csc__scn_parse_line(text + pos, end - pos, line_no, &s->cmds[s->count], err,
                                      sizeof err, &col);
        if (got < 0) {
            if (strcmp(err, "out of memory") == 0 && col == 0)
                goto oom;
            bad = true;
            if (result != NULL) {
                if (!problem_add(&result->syntax_errors, result->syntax_error_count, line_no,
                                 col, err))
                    goto oom;
                result->syntax_error_count++;
            }
        } else if (got > 0) {
            s->count++;
        }
        pos = end + 1;
    }
    if (!bad)
        return CSC_S_OK;
    script_free(s);
    return CSC_E_INVALIDARG;
oom:
    script_free(s);
    return CSC_E_OUTOFMEMORY;
}

csc_hresult csc_scenario_check(const char *text, size_t len, csc_scenario_result_t *result)
{
    if (result != NULL)
        memset(result, 0, sizeof *result);
    if (text == NULL && len > 0)
        return CSC_E_POINTER;
    script_t s = {0};
    csc_hresult hr = parse_text(text, len, 1, true, &s, result);
    script_free(&s);
    return hr;
}

/* ---- the runner's outputs ------------------------------------------------ */

/* The transcript into result->transcript (no write callback given). */
static void collect(void *user_data, const char *text, size_t len)
{
    csc_scenario_t *s = user_data;
    csc_scenario_result_t *r = s->result;
    if (r == NULL || s->oom)
        return;
    if (r->transcript_len + len + 1 > s->transcript_cap) {
        size_t cap = s->transcript_cap == 0 ? 1024 : s->transcript_cap;
        while (cap < r->transcript_len + len + 1)
            cap *= 2;
        char *t = realloc(r->transcript, cap);
        if (t == NULL) {
            s->oom = true;
            return;
        }
        r->transcript = t;
        s->transcript_cap = cap;
    }
    memcpy(r->transcript + r->transcript_len, text, len);
    r->transcript_len += len;
    r->transcript[r->transcript_len] = '\0';
}

static void forward(void *user_data, const char *text, size_t len)
{
    csc_scenario_t *s = user_data;
    s->opts.write(s->opts.user_data, text, len);
}

static bool on_failed(void *user_data, unsigned line, const char *message)
{
    csc_scenario_t *s = user_data;
    csc_scenario_result_t *r = s->result;
    if (r == NULL)
        return true;
    if (!problem_add(&r->failures, r->failed, line, 0, message))
        return false;
    r->failed++;
    return true;
}

/* ---- sessions ------------------------------------------------------------ */

csc_hresult csc_scenario_new(csc_scenario_t **out, csc_cache_t *cache,
                             const csc_scenario_options_t *opts)
{
    if (out == NULL)
        return CSC_E_POINTER;
    *out = NULL;
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_scenario_options_t defaults = CSC_SCENARIO_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    if (opts->version != CSC_SCENARIO_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;
    if (csc_cache_busy(cache)) /* C6.6 */
        return CSC_E_BUSY;
    csc_scenario_t *s = calloc(1, sizeof *s);
    if (s == NULL)
        return CSC_E_OUTOFMEMORY;
    s->opts = *opts;
    csc__scn_runner_options_t ro = {
        opts->name != NULL ? opts->name : "scenario",
        opts->write != NULL ? forward : collect,
        on_failed,
        s,
        opts->color,
        opts->echo,
        false, /* save and load use files */
    };
    csc_hresult hr = csc__scn_runner_new(&s->runner, cache, &ro);
    if (hr != CSC_S_OK) {
        free(s);
        return hr;
    }
    *out = s;
    return CSC_S_OK;
}

/* Whether the command is a Pin or Unpin with AsyncProgress (C6.4). */
static bool is_async_call(const csc__scn_command_t *cmd)
{
    const csc__scn_opt_value_t *flags = &cmd->opt[CSC__SCN_OPT_FLAGS];
    return (cmd->kind == CSC__SCN_CMD_PIN || cmd->kind == CSC__SCN_CMD_UNPIN) && flags->set &&
           (flags->num & CSC_PIN_FLAG_ASYNC_PROGRESS) != 0;
}

/* Runs a parsed script on the session; `result` is zeroed, or NULL. */
static csc_hresult run_script(csc_scenario_t *s, script_t *script,
                              csc_scenario_result_t *result)
{
    csc_scenario_result_t scratch = {0};
    if (result == NULL)
        result = &scratch; /* the counts still decide S_OK or S_FALSE */
    s->result = result;
    s->oom = false;
    s->transcript_cap = 0;
    unsigned passed = csc__scn_runner_passed(s->runner);
    /* The text runs holding the cache, so that other threads wait (C14.5),
     * except while a call with AsyncProgress runs: its walk runs on a thread
     * of its own, which needs the cache. */
    csc_cache_t *cache = csc__scn_runner_cache(s->runner);
    bool held = false;
    for (size_t i = 0; i < script->count && !s->oom; i++) {
        bool async = is_async_call(&script->cmds[i]);
        if (async && held)
            held = csc_cache_unlock(cache) != CSC_S_OK;
        else if (!async && !held)
            held = csc_cache_lock(cache) == CSC_S_OK;
        csc__scn_runner_exec(s->runner, &script->cmds[i]);
        if (csc__scn_runner_out_of_memory(s->runner))
            break;
        result->commands++;
    }
    if (held)
        csc_cache_unlock(cache);
    script_free(script);
    s->result = NULL;
    result->passed = csc__scn_runner_passed(s->runner) - passed;
    bool failed = result->failed > 0;
    if (result == &scratch)
        csc_scenario_result_clear(&scratch);
    if (s->oom || csc__scn_runner_out_of_memory(s->runner))
        return CSC_E_OUTOFMEMORY;
    return failed ? CSC_S_FALSE : CSC_S_OK;
}

csc_hresult csc_scenario_feed(csc_scenario_t *session, const char *text, size_t len,
                              unsigned first_line, csc_scenario_result_t *result)
{
    if (result != NULL)
        memset(result, 0, sizeof *result);
    if (session == NULL || (text == NULL && len > 0))
        return CSC_E_POINTER;
    if (csc_cache_busy(csc__scn_runner_cache(session->runner))) /* C6.6 */
        return CSC_E_BUSY;
    if (csc__scn_runner_out_of_memory(session->runner))
        return CSC_E_OUTOFMEMORY;
    script_t script = {0};
    csc_hresult hr =
        parse_text(text, len, first_line == 0 ? 1 : first_line, false, &script, result);
    if (hr != CSC_S_OK)
        return hr;
    return run_script(session, &script, result);
}

void csc_scenario_free(csc_scenario_t *session)
{
    if (session == NULL)
        return;
    csc__scn_runner_free(session->runner);
    free(session);
}

csc_hresult csc_scenario_run(csc_cache_t *cache, const char *text, size_t len,
                             const csc_scenario_options_t *opts, csc_scenario_result_t *result)
{
    if (result != NULL)
        memset(result, 0, sizeof *result);
    if (cache == NULL || (text == NULL && len > 0))
        return CSC_E_POINTER;
    if (opts != NULL && opts->version != CSC_SCENARIO_OPTIONS_VERSION)
        return CSC_E_INVALIDARG;
    /* The whole text is parsed before the cache is touched at all. */
    script_t script = {0};
    csc_hresult hr = parse_text(text, len, 1, true, &script, result);
    if (hr != CSC_S_OK)
        return hr;
    csc_scenario_t *s;
    hr = csc_scenario_new(&s, cache, opts);
    if (hr != CSC_S_OK) {
        script_free(&script);
        return hr;
    }
    hr = run_script(s, &script, result);
    csc_scenario_free(s);
    return hr;
}
