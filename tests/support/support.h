/*
 * tests/support/support.h: what every test shares. Caches made with
 * csc_test_cache_new allocate through cmocka's test_malloc/test_free, so
 * cmocka reports any block a test leaves behind; the failing allocator fails
 * the k-th allocation; assert_cache_ok runs the tree invariant checker; the
 * event recorder is a progress sink that keeps every event as its WMI string
 * and answers from a script.
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

#endif
