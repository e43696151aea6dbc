/*
 * cscsim/space.h: disk space and eviction (contract C5.3-C5.7). The cache
 * keeps used and unpinned-used bytes incrementally; limits are set by an
 * administrator; an eviction policy says when the cache evicts on its own;
 * evictions are reported to a callback before the item disappears.
 */
#ifndef CSCSIM_SPACE_H
#define CSCSIM_SPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cscsim/cache.h"
#include "cscsim/error.h"
#include "cscsim/export.h"
#include "cscsim/item.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "Unlimited", as the API reports it (C5.5). */
#define CSC_SPACE_UNLIMITED UINT64_MAX

/* GetDiskSpaceInformation's figures, in bytes. The library keeps the used
 * sums exactly (wider than 64 bits: file sizes go up to 2^64 - 1); a sum that
 * does not fit in a uint64_t is reported as 2^64 - 1. */
typedef struct csc_disk_space {
    uint64_t volume_total; /* the simulated volume: CSC_SPACE_UNLIMITED */
    uint64_t limit;
    uint64_t used;
    uint64_t unpinned_limit;
    uint64_t unpinned_used;
} csc_disk_space_t;

CSC_API csc_hresult csc_cache_get_disk_space(const csc_cache_t *cache, csc_disk_space_t *out);

/* SetDiskSpaceLimits: needs an administrator caller, else E_ACCESSDENIED.
 * Does not start an eviction pass (C5.5). */
CSC_API csc_hresult csc_cache_set_disk_space_limits(csc_cache_t *cache, uint64_t limit,
                                                    uint64_t unpinned_limit);

/* Eviction policies (C5.5). */
typedef enum csc_evict_policy {
    CSC_EVICT_MANUAL = 0,
    CSC_EVICT_AUTOMATIC = 1,
    CSC_EVICT_EAGER = 2
} csc_evict_policy_t;

CSC_API csc_hresult csc_cache_set_policy(csc_cache_t *cache, csc_evict_policy_t policy);
CSC_API csc_evict_policy_t csc_cache_policy(const csc_cache_t *cache);

/*
 * Called for each evicted item (files and containers), before it leaves the
 * cache: its display path (NUL-terminated, borrowed for the callback) and
 * size (0 for a container). It runs inside the call that evicts (an
 * explicit pass, or the policy's pass after a method or caching call) on
 * that call's thread, and may make what a progress callback may (pin.h,
 * C14.5): reads, such as csc_cache_find on the item still cached; a change
 * fails with 0x800700AA and changes nothing.
 */
typedef void (*csc_evict_cb)(void *user_data, const char *path, uint64_t size);

CSC_API csc_hresult csc_cache_set_evict_callback(csc_cache_t *cache, csc_evict_cb cb,
                                                 void *user_data);

/* The eviction callback and its user data as set (NULLs when none), so that
 * a layer that installs its own for a while can pass evictions on and give
 * the old one back (the scenario runner does). Either output may be NULL. */
CSC_API void csc_cache_evict_callback(const csc_cache_t *cache, csc_evict_cb *cb,
                                      void **user_data);

/*
 * An eviction pass now (C5.4): least recently used files first, ties in walk
 * order; containers that are or become evictable go at once. With `all`
 * true, until nothing is evictable; else until at least `bytes` bytes are
 * freed or nothing is evictable. *freed (may be NULL) receives the bytes
 * freed (2^64 - 1 when more than that) and *count (may be NULL) the items
 * evicted.
 */
CSC_API csc_hresult csc_cache_evict(csc_cache_t *cache, bool all, uint64_t bytes,
                                    uint64_t *freed, size_t *count);

#ifdef __cplusplus
}
#endif

#endif
