/*
 * src/suspend.c: SuspendRoot and the suspension state of items (contract
 * C13.3, C15.16). A suspension root is a flag of its hot record
 * (CSC__F_SUSPEND_ROOT, shares and directories only); an item is suspended
 * when it or an ancestor is a root, found by walking up (O(depth), no
 * per-item state to keep when items arrive or leave). SuspendRoot with
 * FALSE clears every root at or below the path. No eviction pass follows
 * (C15.3).
 */
#include "record.h"
#include "tree.h"

#include "cscsim/methods.h"

bool csc__suspended(const struct csc_item *item)
{
    if (csc__type(item) == CSC_ITEM_SERVER)
        return false;
    for (const struct csc_item *it = item; it != NULL; it = csc__parent(it))
        if ((csc__hot(it)->flags & CSC__F_SUSPEND_ROOT) && csc__type(it) != CSC_ITEM_FILE)
            return true; /* on a file the bit is CSC__F_XSTATE */
    return false;
}

static csc_hresult suspend_locked(csc_cache_t *cache, const char *path, bool suspend)
{
    csc_hresult hr = csc__active_check(cache); /* C13.1: before validation */
    if (hr != CSC_S_OK)
        return hr;
    if (path == NULL)
        return CSC_E_INVALIDARG;
    struct csc_item *item;
    hr = csc__tree_find(cache, path, &item);
    if (hr != CSC_S_OK)
        return hr;
    switch (csc__type(item)) {
    case CSC_ITEM_SERVER: return CSC_E_NOT_SUPPORTED;
    case CSC_ITEM_FILE: return CSC_E_INVALIDARG; /* C15.16: TRUE or FALSE */
    default: break;
    }
    if (suspend) {
        csc__hot(item)->flags |= CSC__F_SUSPEND_ROOT;
        return CSC_S_OK;
    }
    csc_subtree_iter_t it;
    csc_subtree_iter_init(&it, item);
    csc_item_t *x;
    while ((x = csc_subtree_iter_next(&it)) != NULL)
        if (csc__type(x) != CSC_ITEM_FILE) /* the bit is CSC__F_XSTATE on files */
            csc__hot(x)->flags &= (uint8_t)~CSC__F_SUSPEND_ROOT;
    return CSC_S_OK;
}

csc_hresult csc_suspend_root(csc_cache_t *cache, const char *path, bool suspend)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = suspend_locked(cache, path, suspend);
    if (CSC__RECORDING(cache)) {
        if (path == NULL)
            csc__rec_not_expressible(cache, "csc_suspend_root with a NULL path");
        else
            csc__rec_command(cache, "suspend", path, NULL, suspend ? NULL : "release", hr);
    }
    csc__leave(cache);
    return hr;
}

bool csc_item_is_suspended(const csc_item_t *item)
{
    return item != NULL && csc__suspended(item);
}

bool csc_item_is_suspended_root(const csc_item_t *item)
{
    return item != NULL && csc__type(item) != CSC_ITEM_FILE &&
           (csc__hot(item)->flags & CSC__F_SUSPEND_ROOT) != 0;
}
