/*
 * tests/support/remote_support.h: what the tests of the remote side share
 * (src/remote/, contract C10). csc_test_remote_dump writes everything the
 * remote side holds (every remote item in pre-order with its type, size,
 * version, last change, caching mode and the cached copy's original
 * version; every connectivity record of a server or share) after the cache's
 * own dump (csc_test_dump), and checks the remote table against a recount,
 * so one strcmp tells whether a call changed anything. It reads the remote
 * module's internal structures (src/remote/remote.h): the public API has no
 * enumeration of the remote side yet. The helpers below expect success.
 */
#ifndef CSC_TEST_REMOTE_SUPPORT_H
#define CSC_TEST_REMOTE_SUPPORT_H

#include "support.h"

/* The cache's dump and the remote side's, malloc'd: free() it. */
char *csc_test_remote_dump(const csc_cache_t *cache);

/* Asserts that `hr` is the result and that the state equals `before` (a
 * dump taken before the call), then frees `before`. */
#define assert_unchanged(cache, before) \
    csc_test_assert_unchanged((cache), (before), __FILE__, __LINE__)
void csc_test_assert_unchanged(const csc_cache_t *cache, char *before, const char *file,
                               int line);

/* Reads a remote item; fails the test when the server does not have it. */
typedef struct csc_test_remote {
    csc_item_type_t type;
    uint64_t size, version, last_change;
} csc_test_remote_t;
csc_test_remote_t csc_test_remote(const csc_cache_t *cache, const char *path);
/* Whether the server has the item (S_OK / 0x80070002, anything else fails). */
bool csc_test_remote_exists(const csc_cache_t *cache, const char *path);

/* The connect state and reason of a path; fails unless S_OK. */
void csc_test_connect(const csc_cache_t *cache, const char *path, csc_connect_state_t *state,
                      csc_offline_reason_t *reason);
#define assert_connect(cache, path, st, why) \
    csc_test_assert_connect((cache), (path), (st), (why), __FILE__, __LINE__)
void csc_test_assert_connect(const csc_cache_t *cache, const char *path, csc_connect_state_t st,
                             csc_offline_reason_t why, const char *file, int line);

/* The original version (C10.2) recorded for a cached file: 0 for none. */
uint64_t csc_test_original_version(const csc_cache_t *cache, const char *path);

/* Creates remote files named by `pattern` (a printf pattern of one
 * unsigned, e.g. "\\\\s\\sh\\f%05u.txt", each name the same length)
 * until the next one no longer fits in the remote items' current slab
 * chunk (src/remote/remote.h), so that it needs a new chunk. */
void csc_test_fill_slab(csc_cache_t *cache, const char *pattern);

/*
 * C8.1 for one call: builds a fresh cache with `setup` (no failures), then
 * runs `op` with its k-th allocation refused, for k = 1, 2, ... until `op`
 * makes no k-th allocation; each refused run must return E_OUTOFMEMORY and
 * leave the dump exactly as before, and the live blocks too but for the
 * chunks of the remote items' slab the call may keep (cmocka still reports
 * any block left at the end of the test). The run that
 * allocates no more must return `ok` (its result). Returns the number of
 * failure points (the test asserts it is not 0 where memory is needed).
 */
typedef void (*csc_test_setup_fn)(csc_cache_t *cache);
typedef csc_hresult (*csc_test_op_fn)(csc_cache_t *cache);
#define oom_sweep(setup, op, ok) csc_test_oom_sweep((setup), (op), (ok), __FILE__, __LINE__)
size_t csc_test_oom_sweep(csc_test_setup_fn setup, csc_test_op_fn op, csc_hresult ok,
                          const char *file, int line);

#endif
