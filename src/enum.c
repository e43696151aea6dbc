/*
 * src/enum.c: EnumItems and EnumItemsEx-style enumeration (contract C13.6,
 * C16.4's flag rule): a container's cached children in walk order (C2.3),
 * or with OFFLINEFILES_ENUM_FLAT its whole subtree flat (pre-order: each
 * container followed by its children), with _FLAT_FILESONLY the files only.
 * The enumerator is a callback called inside the call (a read: it may read
 * the cache, not change it, C14.5). The include and exclude filters of
 * C16.4 are not modelled.
 */
#include "record.h"
#include "tree.h"

#include "cscsim/methods.h"

static csc_hresult enum_locked(const csc_cache_t *cache, const char *path, uint32_t flags,
                               csc_enum_cb cb, void *user_data)
{
    csc_hresult hr = csc__active_check(cache); /* C13.1: before validation */
    if (hr != CSC_S_OK)
        return hr;
    if (cb == NULL || (flags & ~(CSC_ENUM_FLAT | CSC_ENUM_FLAT_FILESONLY)) != 0 ||
        (flags & (CSC_ENUM_FLAT | CSC_ENUM_FLAT_FILESONLY)) == CSC_ENUM_FLAT_FILESONLY)
        return CSC_E_INVALIDARG;
    struct csc_item *top = cache->root;
    if (path != NULL) {
        hr = csc__tree_find(cache, path, &top);
        if (hr != CSC_S_OK)
            return hr;
        if (!csc__is_container(top))
            return CSC_E_NOINTERFACE; /* a file is not an item container */
    }
    if (!(flags & CSC_ENUM_FLAT)) {
        for (struct csc_item *ch = csc__first_child(top); ch != NULL;
             ch = csc__next_sibling(ch))
            if (!cb(user_data, ch))
                break;
        return CSC_S_OK;
    }
    bool files_only = (flags & CSC_ENUM_FLAT_FILESONLY) != 0;
    csc_subtree_iter_t it;
    if (top == cache->root)
        csc_cache_iter_init(&it, cache);
    else
        csc_subtree_iter_init(&it, top);
    csc_item_t *item;
    if (top != cache->root)
        (void)csc_subtree_iter_next(&it); /* the container itself is not listed */
    while ((item = csc_subtree_iter_next(&it)) != NULL) {
        if (files_only && csc__type(item) != CSC_ITEM_FILE)
            continue;
        if (!cb(user_data, item))
            break;
    }
    return CSC_S_OK;
}

csc_hresult csc_enum_items(const csc_cache_t *cache, const char *path, uint32_t flags,
                           csc_enum_cb cb, void *user_data)
{
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    hr = enum_locked(cache, path, flags, cb, user_data);
    csc__leave(cache);
    return hr;
}
