/*
 * cscsim/record.h: record and replay. A recorder on a cache writes every
 * call an embedder makes that changes the cache (caching, the caller, the
 * clock, modify, open, close, touch, access lists, limits, policy,
 * eviction, Pin, Unpin, Synchronize, DeleteItems, the asynchronous Pin and
 * Unpin, and the WMI entry points) as a scenario (the language of `cscsim
 * run`, cscsim/scenario.h) whose `expect` lines hold the results seen: the
 * HRESULT (or the WMI return value), the events of a method call, and the
 * state of the items the call named. Its first lines recreate the cache's
 * state at the start (csc_cache_dump with CSC_DUMP_SCENARIO). Replaying the
 * text on a fresh cache (csc_scenario_run, or `cscsim run FILE`) makes the
 * same calls: every check passes, or the first FAIL line says where the
 * replay went another way.
 *
 * What the language cannot say is written as a `# not expressible: ...`
 * comment, and the replay goes on without it: csc_item_mark_synchronized
 * under a policy other than manual (under manual it is written as `sync`),
 * an access list removed or emptied, a path or name holding a double quote
 * or a line break, a user name that reads as a path, an invalid policy
 * value, answers of a progress sink other than the runner's (ABORT from
 * ItemResult or QueryAbort, a second RETRY, RETRY on a file still open),
 * a cancel token, eviction callbacks and allocators. Calls refused before
 * they reach the cache (a NULL cache or argument: E_POINTER; 0x800700AA
 * while an asynchronous operation runs or from inside a callback) change
 * nothing and are not recorded.
 *
 * The recorder lives on the cache, under its guard (C14.5); a cache that
 * does not record pays one predictable branch per call.
 */
#ifndef CSCSIM_RECORD_H
#define CSCSIM_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CSC_RECORD_OPTIONS_VERSION 1

/*
 * Options of a recording. Initialise with CSC_RECORD_OPTIONS_INIT or
 * csc_record_options_init(); new fields are only ever added at the end.
 */
typedef struct csc_record_options {
    unsigned int version;
    /* Do not write the state at the start (the replay then starts from a
     * fresh cache, so the recording must start on one to replay). */
    bool no_state;
    /* After each method call and each call on an item, check the items it
     * named (`expect PATH pins=... inherit=... dirty=...` or
     * `cached=no`), and the disk space after an eviction pass. */
    bool item_checks;
} csc_record_options_t;

#define CSC_RECORD_OPTIONS_INIT {CSC_RECORD_OPTIONS_VERSION, false, true}

CSC_API csc_hresult csc_record_options_init(csc_record_options_t *opts, unsigned int version);

/*
 * Starts recording the calls made on `cache`: the text goes to `write`
 * (cscsim/scenario.h's csc_write_cb), one call's lines at a time, from the
 * thread that made the call, while the call still holds the cache (the
 * callback may read the cache, not change it). `opts` may be NULL for the
 * defaults. Writes the header and, unless opts->no_state, the state.
 * Errors: E_POINTER (NULL cache or write), E_INVALIDARG (options version),
 * 0x800700B7 (ERROR_ALREADY_EXISTS) when the cache already records,
 * 0x800700AA from inside a callback of a running call or while an
 * asynchronous operation runs, E_OUTOFMEMORY.
 */
CSC_API csc_hresult csc_cache_record_start(csc_cache_t *cache, csc_write_cb write,
                                           void *user_data, const csc_record_options_t *opts);

/*
 * The same into a file, created or truncated, flushed after each call and
 * closed by csc_cache_record_stop (or when the cache is freed). A file that
 * cannot be opened: HRESULT_FROM_WIN32(ERROR_OPEN_FAILED) (0x8007006E).
 */
CSC_API csc_hresult csc_cache_record_start_file(csc_cache_t *cache, const char *path,
                                                const csc_record_options_t *opts);

/*
 * Stops recording (closes the file). S_OK; S_FALSE when the cache was not
 * recording; E_OUTOFMEMORY when memory ran out during the recording, or
 * HRESULT_FROM_WIN32(ERROR_WRITE_FAULT) (0x8007001D) when writing the file
 * failed: lines were lost (the recording says where, when it can).
 * E_POINTER, 0x800700AA as csc_cache_record_start. Freeing the cache stops
 * its recording too.
 */
CSC_API csc_hresult csc_cache_record_stop(csc_cache_t *cache);

/* Whether the cache records. */
CSC_API bool csc_cache_recording(const csc_cache_t *cache);

#ifdef __cplusplus
}
#endif

#endif
