/*
 * src/delete.c: DeleteItems, deleting items from the local cache only.
 */
#include "tree.h"

#include "cscsim/sync.h"

csc_hresult csc_delete_items(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, const csc_progress_t *progress, csc_cancel_t *cancel)
{
    (void)paths;
    (void)count;
    (void)flags;
    (void)progress;
    (void)cancel;
    if (cache == NULL)
        return CSC_E_POINTER;
    return CSC_E_NOTIMPL; /* not implemented yet: the eviction issue */
}
