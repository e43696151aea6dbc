/*
 * src/item.c: the public face of items: caching and finding them, reading
 * their state (type, path, pin sources and their WMI values, partly pinned,
 * dirty, open, size, evictable: C3, C5.1, C5.2) and the simple state changes
 * (modify, synchronize, open, close, touch). Creation itself lives in
 * tree.c, access lists in access.c; the remote twins a setup caching makes
 * (C10.2) in src/remote/, which this file calls around the tree's caching.
 */
#include <string.h>

#include "fault.h"
#include "record.h"
#include "evict.h"
#include "tree.h"
#include "remote/remote.h"
#include "remote/fstate.h"

#include "cscsim/item.h"
#include "cscsim/methods.h"

/*
 * C5.5: the policy acts after a command that cached an item. Under `eager`
 * (or `automatic` over the unpinned limit) that pass may evict the item just
 * cached; *out then becomes NULL rather than a dangling pointer.
 */
static void policy_after_caching(csc_cache_t *cache, csc_item_t **out)
{
    cache->watch = out != NULL ? *out : NULL;
    csc__policy_after(cache);
    if (out != NULL)
        *out = cache->watch;
    cache->watch = NULL;
}

/*
 * C10.2: a setup caching also creates the item's missing remote twins, and
 * C15.4: a file the server already has takes the server's size unless a
 * size is given. The remote side prepares (allocates) before the tree
 * changes and commits after it, so the call stays all or nothing (C8.1);
 * the tree itself knows nothing of the remote side.
 */
static csc_hresult cache_with_twins(csc_cache_t *cache, const char *path, csc_item_type_t type,
                                    bool has_size, uint64_t size, csc_item_t **out)
{
    csc__twin_t twin;
    csc_item_t *item = NULL;
    csc_hresult hr;
    /* C15.19: `file` never adopts a remote copy for a file created offline
     * (nor makes it a twin); only its cached size changes. Looked up only
     * while some file has round-2 state. */
    if (type == CSC_ITEM_FILE && csc__fstate_count(cache) != 0 &&
        csc__tree_find(cache, path, &item) == CSC_S_OK &&
        csc__fstate_is(cache, item, CSC__FS_CREATED)) {
        item = NULL;
        hr = csc__tree_cache(cache, path, type, has_size, size, &item);
        if (out != NULL)
            *out = item;
        return hr;
    }
    item = NULL;
    hr = csc__remote_twin_prepare(cache, path, type, has_size, size, &twin);
    if (hr != CSC_S_OK)
        return hr;
    if (twin.adopt) {
        has_size = true;
        size = twin.adopt_size;
    }
    /* C15.19: a sparse file stays sparse: its logical size is set, it holds
     * nothing (looked up only when some file has round-2 state). */
    csc_item_t *sparse = NULL;
    if (type == CSC_ITEM_FILE && has_size && csc__fstate_count(cache) != 0 &&
        csc__tree_find(cache, path, &sparse) == CSC_S_OK &&
        !csc__fstate_is(cache, sparse, CSC__FS_SPARSE))
        sparse = NULL;
    hr = csc__tree_cache(cache, path, type, has_size && sparse == NULL, size, &item);
    if (hr == CSC_S_OK && sparse != NULL)
        csc__fstate_set_size(cache, item, size);
    if (hr == CSC_S_OK)
        csc__remote_twin_commit(cache, &twin, item);
    else
        csc__remote_twin_discard(cache, &twin);
    if (out != NULL)
        *out = item;
    return hr;
}

static csc_hresult cache_file_locked(csc_cache_t *cache, const char *path, bool has_size, uint64_t size,
                                     csc_item_t **out)
{
    csc_hresult hr = csc__fault_cache(cache, path); /* an injected fault (fault.h) */
    if (hr == CSC_S_OK)
        hr = cache_with_twins(cache, path, CSC_ITEM_FILE, has_size, size, out);
    if (hr == CSC_S_OK)
        policy_after_caching(cache, out);
    return hr;
}

csc_hresult csc_cache_file(csc_cache_t *cache, const char *path, bool has_size, uint64_t size,
                           csc_item_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = cache_file_locked(cache, path, has_size, size, out);
        if (CSC__RECORDING(cache))
            csc__rec_cache(cache, true, path, has_size, size, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult cache_dir_locked(csc_cache_t *cache, const char *path, csc_item_t **out)
{
    csc_hresult hr = csc__fault_cache(cache, path); /* an injected fault (fault.h) */
    if (hr == CSC_S_OK)
        hr = cache_with_twins(cache, path, CSC_ITEM_DIRECTORY, false, 0, out);
    if (hr == CSC_S_OK)
        policy_after_caching(cache, out);
    return hr;
}

csc_hresult csc_cache_dir(csc_cache_t *cache, const char *path, csc_item_t **out)
{
    if (out != NULL)
        *out = NULL;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = cache_dir_locked(cache, path, out);
        if (CSC__RECORDING(cache))
            csc__rec_cache(cache, false, path, false, 0, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult cache_find_locked(const csc_cache_t *cache, const char *path, csc_item_t **out)
{
    return csc__tree_find(cache, path, out);
}

csc_hresult csc_cache_find(const csc_cache_t *cache, const char *path, csc_item_t **out)
{
    if (out == NULL)
        return CSC_E_POINTER;
    *out = NULL;
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr == CSC_S_OK) {
        hr = cache_find_locked(cache, path, out);
        csc__leave(cache);
    }
    return hr;
}

csc_item_t *csc_cache_first_server(const csc_cache_t *cache)
{
    if (cache == NULL)
        return NULL;
    csc__enter(cache, CSC__READ);
    csc_item_t *first = csc__first_child(cache->root);
    csc__leave(cache);
    return first;
}

csc_item_t *csc_item_parent(const csc_item_t *item)
{
    if (item == NULL)
        return NULL;
    csc_item_t *parent = csc__parent(item);
    if (parent == NULL || csc__type(parent) == CSC__ITEM_ROOT)
        return NULL;
    return parent;
}

csc_item_t *csc_item_first_child(const csc_item_t *item)
{
    return item != NULL ? csc__first_child(item) : NULL;
}

csc_item_t *csc_item_next_sibling(const csc_item_t *item)
{
    return item != NULL ? csc__next_sibling(item) : NULL;
}

/* ---- the subtree iterator ----------------------------------------------- */

void csc_subtree_iter_init(csc_subtree_iter_t *it, const csc_item_t *root)
{
    if (it == NULL)
        return;
    it->root = root;
    it->first = (csc_item_t *)root;
    it->last = NULL;
    it->skip = false;
}

void csc_cache_iter_init(csc_subtree_iter_t *it, const csc_cache_t *cache)
{
    if (it == NULL)
        return;
    it->root = NULL;
    it->first = csc_cache_first_server(cache);
    it->last = NULL;
    it->skip = false;
}

csc_item_t *csc_subtree_iter_next(csc_subtree_iter_t *it)
{
    if (it == NULL)
        return NULL;
    csc_item_t *cur = it->last;
    if (cur == NULL) {
        it->last = it->first;
        it->first = NULL;
        return it->last;
    }
    /* Pre-order successor through the public links, never leaving the
     * subtree (a whole cache: the servers are siblings). */
    csc_item_t *next = it->skip ? NULL : csc_item_first_child(cur);
    it->skip = false;
    while (next == NULL && cur != NULL && cur != it->root) {
        next = csc_item_next_sibling(cur);
        if (next == NULL)
            cur = csc_item_parent(cur);
    }
    it->last = next;
    return next;
}

void csc_subtree_iter_skip_children(csc_subtree_iter_t *it)
{
    if (it != NULL)
        it->skip = true;
}

csc_item_type_t csc_item_type(const csc_item_t *item)
{
    return item != NULL ? (csc_item_type_t)csc__type(item) : CSC_ITEM_NONE;
}

const char *csc_item_name(const csc_item_t *item)
{
    return item != NULL ? csc__name(item) : NULL;
}

size_t csc_item_path(const csc_item_t *item, char *buf, size_t size)
{
    if (item == NULL)
        return 0;
    size_t len = csc__item_path_len(item);
    if (buf == NULL || size == 0)
        return len;
    /* Fill from the end: each component is preceded by one '\'. */
    size_t pos = len;
    for (const csc_item_t *it = item; csc__type(it) != CSC__ITEM_ROOT; it = csc__parent(it)) {
        const char *name = csc__name(it);
        size_t name_len = csc__name_len(it);
        pos -= name_len;
        for (size_t i = 0; i < name_len; i++)
            if (pos + i < size - 1)
                buf[pos + i] = name[i];
        pos--;
        if (pos < size - 1)
            buf[pos] = '\\';
    }
    if (size > 1)
        buf[0] = '\\';
    buf[len < size ? len : size - 1] = '\0';
    return len;
}

uint32_t csc_item_pins(const csc_item_t *item)
{
    return item != NULL ? csc__pins(item) : 0;
}

uint32_t csc_item_inherit(const csc_item_t *item)
{
    return item != NULL ? csc__inherit(item) : 0;
}

csc_pin_wmi_t csc_item_pin_wmi(const csc_item_t *item, uint32_t source)
{
    if (item == NULL || (csc__pins(item) & source) == 0)
        return CSC_PIN_WMI_NOT_PINNED;
    return (csc__inherit(item) & source) != 0 ? CSC_PIN_WMI_PINNED_INHERIT : CSC_PIN_WMI_PINNED;
}

bool csc_item_is_pinned(const csc_item_t *item)
{
    return item != NULL && csc__hot(item)->pins != 0;
}

bool csc_item_is_partly_pinned(const csc_item_t *item)
{
    if (item == NULL)
        return false;
    const csc__hot_t *h = csc__hot(item);
    return h->type != CSC_ITEM_FILE && h->pins == 0 && h->u.d.pinned_below > 0;
}

bool csc_item_is_dirty(const csc_item_t *item)
{
    return item != NULL && (csc__hot(item)->flags & CSC__F_DIRTY) != 0;
}

uint64_t csc_item_dirty_bytes(const csc_item_t *item)
{
    return item != NULL && csc__type(item) == CSC_ITEM_FILE ? item->u.dirty_bytes : 0;
}

bool csc_item_is_open(const csc_item_t *item)
{
    return item != NULL && (csc__hot(item)->flags & CSC__F_OPEN) != 0;
}

uint32_t csc_item_open_count(const csc_item_t *item)
{
    return item != NULL && csc__type(item) == CSC_ITEM_FILE ? csc__hot(item)->u.f.open_count : 0;
}

uint32_t csc_item_sharing_violations(const csc_item_t *item)
{
    return item != NULL && csc__type(item) == CSC_ITEM_FILE ? csc__hot(item)->u.f.sharing_violations
                                                             : 0;
}

uint64_t csc_item_size(const csc_item_t *item)
{
    /* A sparse file holds 0 bytes but has its size (C10.8, fstate.h). */
    return item != NULL ? csc__fstate_size(csc__cache_of(item), item) : 0;
}

uint64_t csc_item_last_use(const csc_item_t *item)
{
    return item != NULL ? item->last_use : 0;
}

bool csc_item_is_evictable(const csc_item_t *item)
{
    if (item == NULL)
        return false;
    const csc__hot_t *h = csc__hot(item);
    return h->pins == 0 && !(h->flags & (CSC__F_DIRTY | CSC__F_OPEN)) &&
           csc__hot_first_child(h) == CSC__NONE;
}

static csc_hresult item_modify_locked(csc_cache_t *cache, csc_item_t *item, uint64_t bytes)
{
    if (csc__type(item) != CSC_ITEM_FILE)
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__fault_one(cache, CSC_FAULT_OP_MODIFY, item);
    if (hr != CSC_S_OK)
        return hr;
    if (!csc__fstate_touch_local(cache, item)) /* C15.9: the local last change */
        return CSC_E_OUTOFMEMORY;
    uint64_t *dirty_bytes = &item->u.dirty_bytes;
    csc__hot(item)->flags |= CSC__F_DIRTY;
    *dirty_bytes = bytes > UINT64_MAX - *dirty_bytes ? UINT64_MAX : *dirty_bytes + bytes;
    csc__evict_update(cache, item);
    return CSC_S_OK;
}

csc_hresult csc_item_modify(csc_cache_t *cache, csc_item_t *item, uint64_t bytes)
{
    if (cache == NULL || item == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = item_modify_locked(cache, item, bytes);
        if (CSC__RECORDING(cache))
            csc__rec_item(cache, CSC__REC_MODIFY, item, bytes, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult item_mark_synchronized_locked(csc_cache_t *cache, csc_item_t *item)
{
    /* Pre-order over the subtree, stopping at `item` again. */
    csc_item_t *it = item;
    for (;;) {
        csc__hot_t *h = csc__hot(it);
        if (h->type == CSC_ITEM_FILE) {
            h->flags &= (uint8_t)~CSC__F_DIRTY;
            it->u.dirty_bytes = 0;
            csc__fstate_synced(cache, it); /* no longer created or deleted offline */
        }
        csc__evict_update(cache, it);
        if (csc__hot_first_child(h) != CSC__NONE) {
            it = csc__item_at(cache, h->u.d.first_child);
            continue;
        }
        while (it != item && csc__hot(it)->next_sibling == CSC__NONE)
            it = csc__parent(it);
        if (it == item)
            break;
        it = csc__next_sibling(it);
    }
    return CSC_S_OK;
}

csc_hresult csc_item_mark_synchronized(csc_cache_t *cache, csc_item_t *item)
{
    if (cache == NULL || item == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = item_mark_synchronized_locked(cache, item);
        if (CSC__RECORDING(cache))
            csc__rec_item(cache, CSC__REC_MARK_SYNCHRONIZED, item, 0, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult item_open_locked(csc_cache_t *cache, csc_item_t *item)
{
    if (csc__type(item) != CSC_ITEM_FILE || csc__hot(item)->u.f.open_count == UINT32_MAX)
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__fault_one(cache, CSC_FAULT_OP_OPEN, item);
    if (hr != CSC_S_OK)
        return hr;
    csc__hot(item)->u.f.open_count++;
    csc__hot(item)->flags |= CSC__F_OPEN;
    item->last_use = cache->clock; /* C5.4 */
    csc__evict_update(cache, item);
    return CSC_S_OK;
}

csc_hresult csc_item_open(csc_cache_t *cache, csc_item_t *item)
{
    if (cache == NULL || item == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = item_open_locked(cache, item);
        if (CSC__RECORDING(cache))
            csc__rec_item(cache, CSC__REC_OPEN, item, 0, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult item_close_locked(csc_cache_t *cache, csc_item_t *item)
{
    if (csc__type(item) != CSC_ITEM_FILE)
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__fault_one(cache, CSC_FAULT_OP_CLOSE, item);
    if (hr != CSC_S_OK)
        return hr;
    uint32_t *open_count = &csc__hot(item)->u.f.open_count;
    if (*open_count > 0 && --*open_count == 0)
        csc__hot(item)->flags &= (uint8_t)~CSC__F_OPEN;
    csc__evict_update(cache, item);
    return CSC_S_OK;
}

csc_hresult csc_item_close(csc_cache_t *cache, csc_item_t *item)
{
    if (cache == NULL || item == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__APP);
    if (hr == CSC_S_OK) {
        hr = item_close_locked(cache, item);
        if (CSC__RECORDING(cache))
            csc__rec_item(cache, CSC__REC_CLOSE, item, 0, hr);
        csc__leave(cache);
    }
    return hr;
}

static csc_hresult item_touch_locked(csc_cache_t *cache, csc_item_t *item)
{
    item->last_use = cache->clock;
    csc__evict_update(cache, item);
    return CSC_S_OK;
}

csc_hresult csc_item_touch(csc_cache_t *cache, csc_item_t *item)
{
    if (cache == NULL || item == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = item_touch_locked(cache, item);
        if (CSC__RECORDING(cache))
            csc__rec_item(cache, CSC__REC_TOUCH, item, 0, hr);
        csc__leave(cache);
    }
    return hr;
}

/* C13.5 FileSysInfo (cscsim/methods.h): the attributes of the local copy. */
uint32_t csc_item_attributes(const csc_item_t *item)
{
    if (item == NULL)
        return 0;
    return csc__type(item) == CSC_ITEM_FILE ? CSC_FILE_ATTRIBUTE_ARCHIVE
                                            : CSC_FILE_ATTRIBUTE_DIRECTORY;
}
