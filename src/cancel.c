/*
 * src/cancel.c: cancel tokens. A token is a single atomic flag that any
 * thread may set; a Pin or Unpin walk reads it before each item (C4.5 step
 * 1). Tokens are allocated with malloc: they are not tied to a cache, so one
 * token can cancel operations on several caches.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "cscsim/pin.h"

/* csc_cancel_request is documented as async-signal-safe: one lock-free
 * atomic store. */
_Static_assert(ATOMIC_BOOL_LOCK_FREE == 2, "cancel tokens need a lock-free atomic_bool");

struct csc_cancel {
    atomic_bool requested;
};

csc_hresult csc_cancel_new(csc_cancel_t **out)
{
    if (out == NULL)
        return CSC_E_POINTER;
    *out = malloc(sizeof **out);
    if (*out == NULL)
        return CSC_E_OUTOFMEMORY;
    atomic_init(&(*out)->requested, false);
    return CSC_S_OK;
}

void csc_cancel_free(csc_cancel_t *cancel)
{
    free(cancel);
}

void csc_cancel_request(csc_cancel_t *cancel)
{
    if (cancel != NULL)
        atomic_store_explicit(&cancel->requested, true, memory_order_release);
}

void csc_cancel_reset(csc_cancel_t *cancel)
{
    if (cancel != NULL)
        atomic_store_explicit(&cancel->requested, false, memory_order_release);
}

bool csc_cancel_requested(const csc_cancel_t *cancel)
{
    return cancel != NULL &&
           atomic_load_explicit(&((csc_cancel_t *)cancel)->requested, memory_order_acquire);
}
