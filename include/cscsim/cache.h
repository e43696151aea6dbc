/*
 * cscsim/cache.h: the cache handle. A csc_cache_t holds one simulated Offline
 * Files cache: its item tree, its current caller (contract C9), its virtual
 * clock (C5.4) and the allocator every allocation of the cache goes through.
 * There is no global state: two caches never share anything.
 *
 * Threads and callbacks (contract C14.5). One cache may be used from several
 * threads: calls are serialised, and a call made while another thread's call
 * runs waits for it. A callback of a running call (a progress sink, the
 * eviction callback, a function given to csc_cache_call_as is not one) runs
 * on the thread of that call and may make any call that only reads the
 * cache (lookups, item getters, disk space, the clock, csc_cache_check);
 * a call that would change the cache fails there with
 * HRESULT_FROM_WIN32(ERROR_BUSY) (0x800700AA) and changes nothing, instead
 * of freeing what the running call is walking or deadlocking. While an
 * asynchronous operation runs (cscsim/async.h), every change and every
 * HRESULT read fails at once with 0x800700AA (C6.6).
 *
 * Item getters (cscsim/item.h) take a csc_item_t, not the cache, and read
 * without the guard: from several threads, read items inside a callback or
 * while holding the cache with csc_cache_lock, so that no other thread
 * removes the item meanwhile. Pointers and strings a call returns (item
 * pointers, csc_cache_caller) stay valid only while nothing changes them;
 * with several threads, use them under csc_cache_lock.
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
 * Both callbacks receive `user_data`. They run inside calls, on any thread
 * that calls into the cache (an asynchronous operation's walk thread too),
 * so they must be thread-safe when the cache is shared, and must not call
 * into the cache.
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

/*
 * Frees a cache and everything in it. NULL is allowed. No other thread may
 * be using the cache. From inside a callback of a running call, or while
 * the calling thread holds the cache (csc_cache_lock, csc_cache_call_as),
 * the cache is freed when that call or hold ends. While an asynchronous
 * operation runs (on the loop's thread): see csc_cache_cancel_wait in
 * cscsim/async.h, which this does first.
 */
CSC_API void csc_cache_free(csc_cache_t *cache);

/*
 * Sets the current caller (C9.1): a user name (non-empty UTF-8, or WTF-8 as
 * paths, C14.4; compared case-insensitively) and whether an administrator.
 * On failure the caller is unchanged.
 */
CSC_API csc_hresult csc_cache_set_caller(csc_cache_t *cache, const char *user, bool admin);

/* The current caller's name (borrowed, valid until the next set_caller);
 * NULL for a NULL cache. */
CSC_API const char *csc_cache_caller(const csc_cache_t *cache, bool *admin);

/*
 * Holds the cache for the calling thread until csc_cache_unlock: other
 * threads' calls wait meanwhile, and the holder's own calls run as usual
 * (changes included). Holds nest. E_POINTER for a NULL cache; 0x800700AA
 * from inside a callback of a running call (C14.5) or while an
 * asynchronous operation runs (C6.6). Waits while another thread's call
 * runs.
 */
CSC_API csc_hresult csc_cache_lock(csc_cache_t *cache);
/* Ends one hold. HRESULT_FROM_WIN32(ERROR_NOT_OWNER) (0x80070120) when the
 * calling thread does not hold the cache. */
CSC_API csc_hresult csc_cache_unlock(csc_cache_t *cache);

/* The function csc_cache_call_as runs; its result is the call's result. */
typedef csc_hresult (*csc_call_fn)(csc_cache_t *cache, void *user_data);
/*
 * Runs `fn(cache, user_data)` as the caller `user` (administrator or not),
 * holding the cache throughout (as csc_cache_lock), then restores the
 * previous caller: a per-call caller, atomic with the calls `fn` makes, for
 * embedders whose guest threads act as different users. Nothing is set
 * when the name is bad. Returns fn's result; E_POINTER for a NULL cache,
 * user or fn; E_INVALIDARG for an empty or invalid user name (C9.1);
 * E_OUTOFMEMORY; 0x800700AA from inside a callback of a running call. An
 * asynchronous operation started inside `fn` runs as `user` to its end. A
 * csc_cache_set_caller inside `fn` lasts until fn returns.
 */
CSC_API csc_hresult csc_cache_call_as(csc_cache_t *cache, const char *user, bool admin,
                                      csc_call_fn fn, void *user_data);

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
