/*
 * src/guard.c: the cache's call guard (C14.5, C6.6); see guard.h. A thread
 * is known by a token made from pthread_self(); only the owning thread ever
 * finds its own token in `owner`, so reading `owner` without the mutex is
 * safe for the question "do I hold it?". `depth` and `calls` are touched
 * only by the owner.
 */
#include <string.h>

#include "guard.h"
#include "tree.h"

_Static_assert(sizeof(pthread_t) <= sizeof(uintptr_t), "a thread token fits in uintptr_t");

static uintptr_t self_token(void)
{
    pthread_t t = pthread_self();
    uintptr_t v = 0;
    memcpy(&v, &t, sizeof t);
    return v;
}

static csc__guard_t *guard_of(const csc_cache_t *cache)
{
    return (csc__guard_t *)&cache->guard;
}

bool csc__guard_init(csc__guard_t *g)
{
    atomic_init(&g->owner, 0);
    g->depth = 0;
    g->calls = 0;
    return pthread_mutex_init(&g->mu, NULL) == 0;
}

void csc__guard_destroy(csc__guard_t *g)
{
    pthread_mutex_destroy(&g->mu);
}

static bool held_by_me(const csc__guard_t *g, uintptr_t me)
{
    return atomic_load_explicit(&((csc__guard_t *)g)->owner, memory_order_relaxed) == me;
}

static void take(csc__guard_t *g, uintptr_t me)
{
    pthread_mutex_lock(&g->mu);
    atomic_store_explicit(&g->owner, me, memory_order_relaxed);
    g->depth = 0;
    g->calls = 0;
}

static void give_back(csc__guard_t *g)
{
    atomic_store_explicit(&g->owner, 0, memory_order_relaxed);
    pthread_mutex_unlock(&g->mu);
}

csc_hresult csc__enter(const csc_cache_t *cache, csc__access_kind_t kind)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc__guard_t *g = guard_of(cache);
    uintptr_t me = self_token();
    if (held_by_me(g, me)) {
        /* C14.5: a change from inside a callback of a running call. */
        if (kind == CSC__WRITE && g->calls > 0)
            return CSC_E_BUSY;
        /* C6.6 holds for a holder too (a hold taken while an asynchronous
         * walk waits for the loop). */
        if (kind != CSC__READ && csc__cache_busy(cache))
            return CSC_E_BUSY;
    } else {
        /* C6.6: refuse at once rather than wait for the walk thread. */
        if (kind != CSC__READ && csc__cache_busy(cache))
            return CSC_E_BUSY;
        take(g, me);
        if (kind != CSC__READ && csc__cache_busy(cache)) {
            give_back(g);
            return CSC_E_BUSY;
        }
    }
    g->depth++;
    g->calls++;
    return CSC_S_OK;
}

void csc__leave(const csc_cache_t *cache)
{
    csc__guard_t *g = guard_of(cache);
    g->calls--;
    if (--g->depth > 0)
        return;
    give_back(g);
    /* csc_cache_free from inside a callback is carried out when the
     * outermost call leaves. */
    if (cache->free_pending && !csc__cache_busy(cache))
        csc__cache_destroy((csc_cache_t *)cache);
}

csc_hresult csc__hold(const csc_cache_t *cache)
{
    if (cache == NULL)
        return CSC_E_POINTER;
    csc__guard_t *g = guard_of(cache);
    uintptr_t me = self_token();
    /* Not inside a callback (C14.5), nor while an asynchronous operation
     * runs (C6.6): its walk would then change the cache under the hold. */
    if (held_by_me(g, me)) {
        if (g->calls > 0 || csc__cache_busy(cache))
            return CSC_E_BUSY;
    } else {
        if (csc__cache_busy(cache))
            return CSC_E_BUSY;
        take(g, me);
        if (csc__cache_busy(cache)) {
            give_back(g);
            return CSC_E_BUSY;
        }
    }
    g->depth++;
    return CSC_S_OK;
}

void csc__unhold(const csc_cache_t *cache)
{
    csc__guard_t *g = guard_of(cache);
    if (--g->depth > 0)
        return;
    give_back(g);
    if (cache->free_pending && !csc__cache_busy(cache))
        csc__cache_destroy((csc_cache_t *)cache);
}

bool csc__holds(const csc_cache_t *cache)
{
    return held_by_me(guard_of(cache), self_token());
}

bool csc__in_call(const csc_cache_t *cache)
{
    const csc__guard_t *g = guard_of(cache);
    return held_by_me(g, self_token()) && g->calls > 0;
}

void csc__guard_take(const csc_cache_t *cache)
{
    csc__guard_t *g = guard_of(cache);
    take(g, self_token());
    g->depth = 1;
    g->calls = 1;
}

void csc__guard_release(const csc_cache_t *cache)
{
    csc__guard_t *g = guard_of(cache);
    g->depth = 0;
    g->calls = 0;
    give_back(g);
}
