/*
 * src/guard.h (internal): the cache's call guard (contract C14.5, C6.6).
 * Every public function that reads or changes a cache enters the guard first
 * and leaves it before returning. The guard is a mutex with an owner: a call
 * from another thread waits until the running call has left (calls are
 * serialised); a call from the owning thread is a re-entry, which can only
 * come from a callback of the running call (a progress sink, the eviction
 * callback) or from code the embedder runs while it holds the cache
 * (csc_cache_lock, csc_cache_call_as). A re-entering read goes ahead; a
 * re-entering change fails with 0x800700AA and changes nothing, so no
 * callback can free or move what the running call is walking. While an
 * asynchronous operation runs (C6.6) every change fails with 0x800700AA at
 * once, without waiting; the operation's walk thread owns the guard while it
 * walks and lends it out whenever it waits for the loop thread, so a read
 * made by a loop callback never deadlocks against the walk.
 */
#ifndef CSC_SRC_GUARD_H
#define CSC_SRC_GUARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cscsim/error.h"

typedef struct csc__guard {
    pthread_mutex_t mu;
    atomic_uintptr_t owner; /* thread token of the holder, 0 when free */
    unsigned depth;         /* holds by the owner: calls and embedder holds */
    unsigned calls;         /* of which library calls (callbacks run inside them) */
} csc__guard_t;

typedef enum csc__access_kind {
    CSC__READ,  /* a read that cannot fail: never refused, waits its turn */
    CSC__QUERY, /* a read with an HRESULT: allowed inside a callback,
                 * refused while an asynchronous operation runs (C6.6) */
    CSC__WRITE, /* a change: refused inside a callback and while busy */
    CSC__APP    /* a simulated application closing a handle: it stands for
                 * another process acting while the call runs (the scenario
                 * language's retry-at) and never removes or moves an item,
                 * so it is allowed inside a callback [decision, C14.5];
                 * refused while busy */
} csc__access_kind_t;

struct csc_cache;

/* false when the mutex cannot be made (then the cache cannot be). */
bool csc__guard_init(csc__guard_t *g);
void csc__guard_destroy(csc__guard_t *g);

/*
 * Enters a public call. E_POINTER for a NULL cache; 0x800700AA for a change
 * made from inside a callback of a running call (C14.5), or for a change or
 * a query while an asynchronous operation runs (C6.6); else S_OK, and the caller must call
 * csc__leave. Waits while another thread's call runs.
 */
csc_hresult csc__enter(const struct csc_cache *cache, csc__access_kind_t kind);
void csc__leave(const struct csc_cache *cache);

/*
 * An embedder's hold (csc_cache_lock, csc_cache_call_as): like a call, but
 * what the embedder calls while holding the cache are ordinary calls, not
 * re-entries. Refused (0x800700AA) from inside a callback.
 */
csc_hresult csc__hold(const struct csc_cache *cache);
void csc__unhold(const struct csc_cache *cache);

/* Whether the calling thread holds the cache (a call or a hold). */
bool csc__holds(const struct csc_cache *cache);

/* Whether the calling thread is inside a call on the cache (a callback). */
bool csc__in_call(const struct csc_cache *cache);

/* For async.c: the walk thread takes the guard for the whole walk and lends
 * it (release, then take back) around every wait for the loop thread. */
void csc__guard_take(const struct csc_cache *cache);
void csc__guard_release(const struct csc_cache *cache);

#endif
