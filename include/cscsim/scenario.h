/*
 * cscsim/scenario.h: the scenario language as a library call, and the cache
 * as text. csc_scenario_run parses a scenario text (the language of
 * `cscsim run`, scenario-language.md in the project's spec) and runs it on a
 * cache the caller made, so that a test sets up a fixture in a few lines of
 * text; the transcript goes to a write callback or into the result, and the
 * checks (`expect`) that failed come back with their line and message.
 * csc_cache_dump writes the cache, or the subtree at a path, as the `show`
 * picture, as a scenario that recreates it, or as a Graphviz graph. The
 * simulator program `cscsim` is built on these calls.
 *
 * Everything here is built on the public C API only, as any embedder's code
 * would be. Text is UTF-8 (paths may hold WTF-8, C14.4).
 */
#ifndef CSCSIM_SCENARIO_H
#define CSCSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Receives text: `len` bytes at `text`, not NUL-terminated, a piece of the
 * output (one command's transcript, or a whole dump). It may read the cache
 * (csc_item_*, csc_cache_find, csc_cache_get_disk_space, csc_cache_dump...),
 * but must not change it, free it, or start a scenario on it: the commands
 * and checks that follow would see a cache the scenario did not make.
 */
typedef void (*csc_write_cb)(void *user_data, const char *text, size_t len);

/* ---- running scenarios ------------------------------------------------- */

#define CSC_SCENARIO_OPTIONS_VERSION 1

/*
 * Options of a scenario run. Initialise with CSC_SCENARIO_OPTIONS_INIT or
 * csc_scenario_options_init(); new fields are only ever added at the end.
 */
typedef struct csc_scenario_options {
    unsigned int version;
    /* The name failed checks carry in the transcript ("NAME:LINE: FAIL: ...");
     * NULL means "scenario". */
    const char *name;
    /* The transcript, as `cscsim run` prints it, one command's output at a
     * time (see csc_write_cb for what it may call). NULL: the transcript is
     * collected into the result (result->transcript). */
    csc_write_cb write;
    void *user_data;
    /* Each command that prints is echoed as "> COMMAND" first (the
     * default, as `cscsim run`). */
    bool echo;
    /* ANSI colour in the pictures of `show`. */
    bool color;
} csc_scenario_options_t;

#define CSC_SCENARIO_OPTIONS_INIT {CSC_SCENARIO_OPTIONS_VERSION, NULL, NULL, NULL, true, false}

CSC_API csc_hresult csc_scenario_options_init(csc_scenario_options_t *opts,
                                              unsigned int version);

/* A syntax error or a failed check: where, and what. */
typedef struct csc_scenario_problem {
    unsigned line;   /* 1-based line of the text */
    unsigned column; /* syntax errors: 1-based byte column of the token at
                      * fault (0 when unknown); failed checks: 0 */
    char *message;   /* "unknown command 'x'", "expected pins=user, got pins=none" */
} csc_scenario_problem_t;

/*
 * What a run found. The call fills it from scratch (it does not free what was
 * there: clear a used result first); csc_scenario_result_clear frees it.
 */
typedef struct csc_scenario_result {
    size_t commands;      /* commands run (0 after a syntax error) */
    unsigned passed;      /* checks that passed */
    unsigned failed;      /* checks that failed: failures[0 .. failed) */
    csc_scenario_problem_t *failures;
    size_t syntax_error_count; /* syntax_errors[0 .. syntax_error_count) */
    csc_scenario_problem_t *syntax_errors;
    /* The transcript when the options' `write` is NULL (NUL-terminated). */
    char *transcript;
    size_t transcript_len;
} csc_scenario_result_t;

/* Frees what a run put in `result` and zeroes it. NULL is allowed. */
CSC_API void csc_scenario_result_clear(csc_scenario_result_t *result);

/*
 * Parses `text` (`len` bytes; lines end in LF, a CR before it is ignored, a
 * UTF-8 byte order mark at the start is skipped) and, when every line parses,
 * runs it on `cache`, one command after the other, as `cscsim run` does.
 * `opts` may be NULL for defaults; `result` may be NULL.
 *
 * Returns S_OK when it ran and every check passed, S_FALSE when it ran and a
 * check failed (the run goes on after a failed check or a failed command, as
 * the language says). A syntax error runs nothing and leaves the cache as it
 * was: E_INVALIDARG, every syntax error in result->syntax_errors. Other
 * errors: E_POINTER for a NULL cache, or a NULL text with `len` > 0;
 * E_INVALIDARG for an options version this library does not know;
 * 0x800700AA (busy) while an asynchronous operation runs on the cache, or
 * from inside a callback of a running call (C14.5; nothing runs); E_OUTOFMEMORY, then the run stopped after the command that
 * was running, and what ran so far stays done.
 *
 * The run holds the cache (csc_cache_lock) from its first command to its
 * last, so that calls of other threads wait and do not come in between
 * (C14.5), except during a `pin` or `unpin` with AsyncProgress, whose walk
 * needs the cache from a thread of its own (so do not run a text with
 * AsyncProgress while holding the cache yourself).
 *
 * While it runs, the cache's eviction callback is the runner's (evictions
 * appear in the transcript); each eviction is also passed on to the callback
 * the cache had, which is given back at the end. The caller (`as`), policy,
 * limits and clock the scenario sets stay set. Commands with AsyncProgress
 * run on a libuv loop of the run's own, until their End.
 */
CSC_API csc_hresult csc_scenario_run(csc_cache_t *cache, const char *text, size_t len,
                                     const csc_scenario_options_t *opts,
                                     csc_scenario_result_t *result);

/*
 * Parses `text` as csc_scenario_run does and runs nothing: S_OK, or
 * E_INVALIDARG with every syntax error in result->syntax_errors (`result`
 * may be NULL). E_POINTER for a NULL text with `len` > 0, E_OUTOFMEMORY.
 */
CSC_API csc_hresult csc_scenario_check(const char *text, size_t len,
                                       csc_scenario_result_t *result);

/*
 * A session: several texts run one after the other on one cache, with the
 * language's state kept between them (the last result and the last events,
 * which `expect return=` and `expect event=` read). `cscsim shell` feeds it
 * one line at a time. The cache is borrowed and must outlive the session;
 * the session holds the cache's eviction callback as csc_scenario_run does,
 * until csc_scenario_free. csc_scenario_new fails as csc_scenario_run does
 * (E_POINTER, E_INVALIDARG, 0x800700AA, E_OUTOFMEMORY).
 */
typedef struct csc_scenario csc_scenario_t;

CSC_API csc_hresult csc_scenario_new(csc_scenario_t **out, csc_cache_t *cache,
                                     const csc_scenario_options_t *opts);

/*
 * Parses and runs `text` as csc_scenario_run does (no byte order mark is
 * skipped), numbering its lines from `first_line` (0 means 1). Returns as
 * csc_scenario_run; `result` counts this text only.
 */
CSC_API csc_hresult csc_scenario_feed(csc_scenario_t *session, const char *text, size_t len,
                                      unsigned first_line, csc_scenario_result_t *result);

/* Ends a session. NULL is allowed. */
CSC_API void csc_scenario_free(csc_scenario_t *session);

/* ---- the cache as text -------------------------------------------------- */

typedef enum csc_dump_format {
    /* The picture of `show`: one item a line, box-drawing characters. */
    CSC_DUMP_PICTURE = 0,
    /* The same with ANSI colours. */
    CSC_DUMP_PICTURE_COLOR = 1,
    /*
     * A scenario that, run on a fresh cache (csc_scenario_run), recreates
     * the state: every item with its type, display spelling and size, pin
     * sources and inherit bits, dirty state and bytes, open handles and
     * sharing violations, access lists, last-use times and the clock; for
     * the whole cache also the disk-space limits, the caller and the
     * policy. It begins with `policy manual` (a subtree's scenario leaves
     * it so) and counts on a fresh target: `tick` is relative, so last-use
     * times come out right only from clock 0, and an access list already
     * on the target could refuse its pins. A subtree's ancestors are
     * recreated as plain containers. What the language cannot say is a
     * `# cannot express: ...` comment line: an empty access list (nobody),
     * a name or path with a double quote or a line break, a user name that
     * reads as a path, an inherit bit without its pin. The eviction
     * callback and the allocator are the embedder's, not state.
     */
    CSC_DUMP_SCENARIO = 2,
    /* A Graphviz digraph (`cscsim run --dot`). */
    CSC_DUMP_DOT = 3
} csc_dump_format_t;

/*
 * Writes the cache (`path` NULL) or the subtree at `path` in `format` to
 * `write`, in one piece. Errors: E_POINTER for a NULL cache or write,
 * E_INVALIDARG for an unknown format, 0x8007007B / 0x80070002 for an invalid
 * or uncached path, E_OUTOFMEMORY (nothing written). The cache is not
 * changed; `write` may read it (see csc_write_cb). The dump holds the cache
 * (csc_cache_lock) while it reads, so other threads' changes wait; from
 * inside a callback of a running call, where the hold is refused, it reads
 * without it (reads are allowed there, C14.5).
 */
CSC_API csc_hresult csc_cache_dump(csc_cache_t *cache, const char *path,
                                   csc_dump_format_t format, csc_write_cb write,
                                   void *user_data);

/*
 * The same into a new NUL-terminated string: *out (free it with
 * csc_dump_free) and its length in *len (may be NULL). On error *out is
 * NULL. E_POINTER for a NULL out.
 */
CSC_API csc_hresult csc_cache_dump_string(char **out, size_t *len, csc_cache_t *cache,
                                          const char *path, csc_dump_format_t format);

/* Frees a string of csc_cache_dump_string. NULL is allowed. */
CSC_API void csc_dump_free(char *text);

#ifdef __cplusplus
}
#endif

#endif
