/*
 * cscsim/cache.h: the cache handle. A csc_cache_t holds one simulated Offline
 * Files cache: its item tree, its current caller (contract C9), its virtual
 * clock (C5.4) and the allocator every allocation of the cache goes through.
 * There is no global state: two caches never share anything. A cache is not
 * thread-safe; one thread at a time may call into it.
 */
#ifndef CSCSIM_CACHE_H
#define CSCSIM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/error.h"
#include "cscsim/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct csc_cache csc_cache_t;

/*
 * The allocator a cache uses for all its memory. `malloc` returns NULL on
 * failure; the library then fails the call with E_OUTOFMEMORY and leaves the
 * cache as it was (C8.1). `free` receives the size that was asked for.
 * Both callbacks receive `user_data`.
 */
typedef struct csc_allocator {
    void *(*malloc)(void *user_data, size_t size);
    void (*free)(void *user_data, void *ptr, size_t size);
    void *user_data;
} csc_allocator_t;

#define CSC_CACHE_OPTIONS_VERSION 1

/*
 * Options of a new cache. Initialise with CSC_CACHE_OPTIONS_INIT or
 * csc_cache_options_init(); new fields are only ever added at the end.
 */
typedef struct csc_cache_options {
    unsigned int version;
    /* The allocator; NULL callbacks mean the C library's malloc and free. */
    csc_allocator_t allocator;
    /* The first caller: user name (NULL means "user") and administrator flag. */
    const char *user;
    bool admin;
} csc_cache_options_t;

#define CSC_CACHE_OPTIONS_INIT {CSC_CACHE_OPTIONS_VERSION, {NULL, NULL, NULL}, NULL, false}

CSC_API csc_hresult csc_cache_options_init(csc_cache_options_t *opts, unsigned int version);

/*
 * Creates an empty cache. `opts` may be NULL for defaults. Returns E_POINTER
 * for a NULL `out`, E_INVALIDARG for an options version this library does not
 * know or an invalid user name, E_OUTOFMEMORY.
 */
CSC_API csc_hresult csc_cache_new(csc_cache_t **out, const csc_cache_options_t *opts);

/* Frees a cache and everything in it. NULL is allowed. */
CSC_API void csc_cache_free(csc_cache_t *cache);

/*
 * Sets the current caller (C9.1): a user name (non-empty UTF-8, or WTF-8 as
 * paths, C14.4; compared case-insensitively) and whether an administrator.
 * On failure the caller is unchanged.
 */
CSC_API csc_hresult csc_cache_set_caller(csc_cache_t *cache, const char *user, bool admin);

/* The current caller's name (borrowed, valid until the next set_caller). */
CSC_API const char *csc_cache_caller(const csc_cache_t *cache, bool *admin);

/* The virtual clock (C5.4): starts at 0 and moves only when advanced. */
CSC_API uint64_t csc_cache_clock(const csc_cache_t *cache);
CSC_API csc_hresult csc_cache_advance_clock(csc_cache_t *cache, uint64_t ticks);

/* Number of cached items, servers included. */
CSC_API size_t csc_cache_item_count(const csc_cache_t *cache);

/*
 * Verifies every invariant of the cache's tree (links, order, counters,
 * index/key agreement). Returns S_OK or E_UNEXPECTED, and writes a
 * description of the first violation into `why` (may be NULL). Costs a walk
 * over the whole cache; meant for tests and debug builds.
 */
CSC_API csc_hresult csc_cache_check(const csc_cache_t *cache, char *why, size_t why_size);

#ifdef __cplusplus
}
#endif

#endif
