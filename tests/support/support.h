/*
 * tests/support/support.h: what every test shares. Caches made with
 * csc_test_cache_new allocate through cmocka's test_malloc/test_free, so
 * cmocka reports any block a test leaves behind; the failing allocator fails
 * the k-th allocation; assert_cache_ok runs the tree invariant checker; the
 * event recorder is a progress sink that keeps every event as its WMI string
 * and answers from a script; the eviction recorder keeps every (path, size)
 * the evict callback reports. Also owned here: the pre-order walk step, the
 * full dump of the cache through the public API (csc_test_dump), the
 * string-list comparison behind assert_events / assert_evicted, the one-path
 * Pin/Unpin helpers, the small item queries (pins, inherit bits, cached or
 * not), the access-list, clock, policy and limit setters, and the disk-space
 * assertions. Every assert_* macro reports the caller's file and line.
 * The expected WMI event strings (test data) live in events.h, included by
 * the tests that need them.
 */
#ifndef CSC_TEST_SUPPORT_H
#define CSC_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include <cscsim.h>

/* Allocator state: counts allocations, fails the fail_at-th (1-based; 0 never). */
typedef struct csc_test_alloc {
    size_t count;
    size_t fail_at;
    size_t live_blocks;
    size_t live_bytes;
    bool failed; /* set when an allocation was refused */
} csc_test_alloc_t;

/* An allocator over test_malloc/test_free driven by `state`. */
csc_allocator_t csc_test_allocator(csc_test_alloc_t *state);

/* A new cache (caller "user", not admin) on a leak-checked allocator. */
csc_cache_t *csc_test_cache_new(void);
/* As above, with the given allocator state (may be NULL). */
csc_cache_t *csc_test_cache_new_alloc(csc_test_alloc_t *state);

/* Fails the test when the cache's invariants do not hold. */
#define assert_cache_ok(cache) csc_test_assert_cache_ok((cache), __FILE__, __LINE__)
void csc_test_assert_cache_ok(const csc_cache_t *cache, const char *file, int line);

/* Caches helpers that fail the test on error; return the item. */
csc_item_t *csc_test_file(csc_cache_t *cache, const char *path, uint64_t size);
csc_item_t *csc_test_dir(csc_cache_t *cache, const char *path);
/* Finds an item; fails the test when it is not cached. */
csc_item_t *csc_test_find(csc_cache_t *cache, const char *path);
/* The next item of a pre-order walk over the whole cache (C2.3), NULL after
 * the last: from csc_cache_first_server, every item once. */
csc_item_t *csc_test_next_preorder(const csc_item_t *it);

/* ---- the full dump ---------------------------------------------------------- */

/*
 * Everything observable about the cache through the public API, as text
 * (malloc'd: free() it), for comparing states with strcmp or line by line.
 * Lines, each field as key=value:
 *   1. caller admin clock policy limit unpinned_limit volume (what no walk
 *      changes);
 *   2. items used unpinned_used;
 *   then two per item, in pre-order (csc_test_next_preorder):
 *   "<display path>\tname type pins inherit wmi pinned dirty dbytes open size
 *      last sv evictable find acl" (the item's own state; wmi is the four
 *      csc_item_pin_wmi values user, policy, computer, redirect; find is
 *      "self" when finding the display path gives the item back, else "OTHER";
 *      acl is "[user,...]" or "none"), and
 *   "  partly=P access=A" (what derives from other items: partly pinned, and
 *      whether the caller has access).
 * It also checks the figures against a recount of the walk and fails the
 * test when they disagree: the item count, used and unpinned used (C5.5,
 * saturating as the API reports them), and partly pinned (C3.5: a container,
 * not pinned itself, with a pinned item below it).
 */
char *csc_test_dump(const csc_cache_t *cache);

/* The event recorder. */
#define CSC_TEST_MAX_EVENTS 256
typedef struct csc_test_recorder {
    csc_progress_t sink;           /* hand &rec->sink to pin/unpin */
    size_t count;                  /* events recorded */
    char *events[CSC_TEST_MAX_EVENTS]; /* WMI strings, test_malloc'd */
    /* Script: answer ABORT to the abort_at-th ItemBegin (0: never),
     * abort in Begin when abort_in_begin, RETRY to the retry_at-th
     * ItemResult once (0: never), abort from QueryAbort at its
     * query_abort_at-th call (0: never). */
    size_t abort_at, retry_at, query_abort_at;
    bool abort_in_begin;
    size_t item_begins, item_results, query_aborts;
    /* Called (if set) when the retry answer is given, e.g. to close handles. */
    void (*on_retry)(void *ctx, const char *path);
    void *on_retry_ctx;
} csc_test_recorder_t;

void csc_test_recorder_init(csc_test_recorder_t *rec);
void csc_test_recorder_clear(csc_test_recorder_t *rec); /* frees the strings */
/* Asserts the recorded events equal the NULL-terminated list of WMI strings. */
#define assert_events(rec, ...) \
    csc_test_assert_events((rec), __FILE__, __LINE__, (const char *[]){__VA_ARGS__, NULL})
void csc_test_assert_events(const csc_test_recorder_t *rec, const char *file, int line,
                            const char *const *expected);

/* Asserts that the strings `got` (n of them) equal the NULL-terminated list
 * `expected`, else prints both lists under "<file>:<line>: <what> differ"
 * and fails. The comparison behind assert_events and assert_evicted. */
void csc_test_assert_strings(const char *file, int line, const char *what,
                             const char *const *got, size_t n, const char *const *expected);

/* ---- one-path Pin / Unpin --------------------------------------------------- */

/* Pins / unpins one path, reporting to `rec` (NULL: no sink), checks the
 * invariants and returns the result. */
csc_hresult csc_test_pin1(csc_cache_t *cache, const char *path, uint32_t flags, bool deep,
                          csc_test_recorder_t *rec);
csc_hresult csc_test_unpin1(csc_cache_t *cache, const char *path, uint32_t flags, bool deep,
                            csc_test_recorder_t *rec);
/* As above without a sink; fail the test unless the call returns S_OK. */
void csc_test_pin1_ok(csc_cache_t *cache, const char *path, uint32_t flags, bool deep);
void csc_test_unpin1_ok(csc_cache_t *cache, const char *path, uint32_t flags, bool deep);

/* ---- item queries and setters ----------------------------------------------- */

/* The pin sources / inherit bits of a cached path (fails when not cached). */
uint32_t csc_test_pins_of(csc_cache_t *cache, const char *path);
uint32_t csc_test_inherit_of(csc_cache_t *cache, const char *path);
/* Whether a path is cached; fails on any answer but S_OK / FILE_NOT_FOUND. */
bool csc_test_cached(csc_cache_t *cache, const char *path);
/* Sets the access list of a cached path (C9.1); expects success. */
void csc_test_set_access(csc_cache_t *cache, const char *path, const char *const *users,
                         size_t n);
/* Advances the virtual clock to t (>= now) and checks it reads t. */
void csc_test_advance_to(csc_cache_t *cache, uint64_t t);
/* Sets the eviction policy; expects success and reads it back. */
void csc_test_set_policy(csc_cache_t *cache, csc_evict_policy_t policy);
/* Sets the disk-space limits as an administrator, then restores the previous
 * caller (name and admin flag). */
void csc_test_set_limits(csc_cache_t *cache, uint64_t limit, uint64_t unpinned_limit);

/* ---- disk-space figures (C5.5) ---------------------------------------------- */

/* All figures: limit, used, unpinned limit, unpinned used, and the volume
 * total reported unlimited (2^64-1). */
#define assert_space(cache, limit, used, ulimit, uused) \
    csc_test_assert_space((cache), (limit), (used), (ulimit), (uused), __FILE__, __LINE__)
/* used and unpinned used, with all three limits still unlimited. */
#define assert_used_unlimited(cache, used, uused)                                             \
    csc_test_assert_space((cache), CSC_SPACE_UNLIMITED, (used), CSC_SPACE_UNLIMITED, (uused), \
                          __FILE__, __LINE__)
/* used and unpinned used only; the limits are not looked at. */
#define assert_used(cache, used, uused) \
    csc_test_assert_used((cache), (used), (uused), __FILE__, __LINE__)
void csc_test_assert_space(csc_cache_t *cache, uint64_t limit, uint64_t used, uint64_t ulimit,
                           uint64_t uused, const char *file, int line);
void csc_test_assert_used(csc_cache_t *cache, uint64_t used, uint64_t uused, const char *file,
                          int line);

/* ---- text in memory (the recorder's writer) --------------------------------- */

typedef struct csc_test_text {
    char *p; /* NUL-terminated; NULL before the first write */
    size_t len, cap;
    size_t writes; /* how many times the writer was called */
} csc_test_text_t;

/* A csc_record_write_fn: appends s[0..n) to the csc_test_text_t `user_data`. */
void csc_test_text_write(void *user_data, const char *s, size_t n);
/* Frees the text and empties it. */
void csc_test_text_free(csc_test_text_t *t);

/* ---- the eviction recorder (C5.6) ------------------------------------------- */

#define CSC_TEST_EVICT_LOG_MAX 64
typedef struct csc_test_evict_log {
    size_t n;                                  /* evictions since the last check */
    char entries[CSC_TEST_EVICT_LOG_MAX][200]; /* "path=size" */
} csc_test_evict_log_t;

/* The evict callback: records "<display path>=<size>" in the log `ud`. */
void csc_test_on_evict(void *ud, const char *path, uint64_t size);
/* A new cache (csc_test_cache_new) whose evictions go to `log` (cleared). */
csc_cache_t *csc_test_evict_cache_new(csc_test_evict_log_t *log);
/* Asserts the evictions since the last check were exactly the given
 * "path=size" strings, in order, then forgets them. */
#define assert_evicted(log, ...) \
    csc_test_assert_evicted((log), __FILE__, __LINE__, (const char *[]){__VA_ARGS__, NULL})
#define assert_none_evicted(log) \
    csc_test_assert_evicted((log), __FILE__, __LINE__, (const char *[]){NULL})
void csc_test_assert_evicted(csc_test_evict_log_t *log, const char *file, int line,
                             const char *const *expected);

#endif
