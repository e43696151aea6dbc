/*
 * src/walk.c: Pin and Unpin, the walk at the heart of the simulator, and
 * the same walk for Synchronize (C5.8) and DeleteItems. It
 * validates the whole call before any event (C4.1); sends Begin, then for
 * each path in the order given (C4.3) the items of that path (C4.4 for
 * Unpin, C3.3/C3.4 for Pin) in pre-order (C2.3), each through the steps of
 * C4.5 (cancel check, ItemBegin, access, Background back-off, the pin change,
 * ItemResult with RETRY and ABORT), then End (C4.2); and computes the return
 * value of C4.7. Nothing done is ever rolled back (C4.6). The walk follows
 * parent and sibling links and never allocates per item: the display path of
 * the current item is kept in one growing buffer, built only when a progress
 * sink is there to read it. DeleteItems walks post-order (a container after
 * its contents, so it can tell whether it was emptied) and returns
 * ERROR_MORE_DATA when any item failed.
 */
#include <string.h>

#include "alloc.h"
#include "tree.h"
#include "walk.h"

#include "cscsim/pin.h"
#include "cscsim/sync.h"

typedef struct walk {
    csc_cache_t *cache;
    const csc__caller_t *caller;    /* whose access is checked (C9.1) */
    const csc_progress_t *progress; /* NULL: no events, no paths built */
    csc_cancel_t *cancel, *cancel2;
    bool ignore_answers; /* AsyncProgress: answers are ignored (C6.4) */
    uint32_t flags;
    uint16_t sources;
    bool deep;
    csc__walk_op_t op;
    bool cancelled;
    bool out_of_memory;
    bool any_failed;
    char *path; /* display path of the current item when progress != NULL */
    size_t path_len, path_cap;
} walk_t;

#define PATH_INITIAL_CAP 256u

static bool stopped(const walk_t *w)
{
    return w->cancelled || w->out_of_memory;
}

/* Makes room for `len` bytes and a NUL in the path buffer, keeping its
 * current content (w->path_len bytes and the NUL). */
static bool reserve_path(walk_t *w, size_t len)
{
    if (len + 1 <= w->path_cap)
        return true;
    size_t cap = w->path_cap;
    while (cap < len + 1)
        cap *= 2;
    char *p = csc__malloc(&w->cache->alloc, cap);
    if (p == NULL) {
        w->out_of_memory = true;
        return false;
    }
    memcpy(p, w->path, w->path_len + 1);
    csc__free(&w->cache->alloc, w->path, w->path_cap);
    w->path = p;
    w->path_cap = cap;
    return true;
}

/* Sets the path buffer to `base_len` bytes of itself plus '\' and a name. */
static bool path_push(walk_t *w, size_t base_len, const struct csc_item *item)
{
    if (w->progress == NULL)
        return true;
    size_t len = base_len + 1 + item->name_len;
    if (!reserve_path(w, len))
        return false;
    w->path[base_len] = '\\';
    memcpy(w->path + base_len + 1, item->name, item->name_len);
    w->path[len] = '\0';
    w->path_len = len;
    return true;
}

/*
 * DeleteItems for one item (windows-reference §2, §3): access unless Admin;
 * an open file is not deleted (sharing violation); a file kept by the flags
 * (dirty without DelModified, pinned with NoPinned, automatically cached
 * with NoAutoCached) reports S_FALSE and stays; a container that still has
 * contents stays with ERROR_DIR_NOT_EMPTY. Deleting never allocates.
 */
static csc_hresult apply_delete(walk_t *w, struct csc_item *item)
{
    csc_cache_t *cache = w->cache;
    if (!(w->flags & CSC_DELETE_ADMIN) && !csc__access_allowed(cache, w->caller, item))
        return CSC_E_ACCESSDENIED;
    if (item->type == CSC_ITEM_FILE) {
        if (item->open_count > 0)
            return CSC_E_SHARING_VIOLATION;
        if (item->dirty && !(w->flags & CSC_DELETE_DEL_MODIFIED))
            return CSC_S_FALSE;
    }
    if (item->pins != 0 && (w->flags & CSC_DELETE_NO_PINNED))
        return CSC_S_FALSE;
    if (item->type == CSC_ITEM_FILE && item->pins == 0 && (w->flags & CSC_DELETE_NO_AUTO_CACHED))
        return CSC_S_FALSE;
    if (item->first_child != NULL)
        return CSC_HRESULT_FROM_WIN32(145u); /* ERROR_DIR_NOT_EMPTY */
    csc__tree_remove_leaf(cache, item);
    return CSC_S_OK;
}

/* C4.5 steps 3-5 for one cached item. */
static csc_hresult apply(walk_t *w, struct csc_item *item)
{
    csc_cache_t *cache = w->cache;
    if (w->op == CSC__OP_DELETE)
        return apply_delete(w, item);
    if (w->op == CSC__OP_SYNC) { /* C5.8: no access check; the item becomes clean */
        item->dirty = 0;
        item->dirty_bytes = 0;
        csc__evict_update(cache, item);
        return CSC_S_OK;
    }
    if (!csc__access_allowed(cache, w->caller, item)) /* step 3, C9.1 */
        return CSC_E_ACCESSDENIED;
    if (item->open_count > 0) { /* step 4 */
        if (w->flags & CSC_PIN_FLAG_BACKGROUND)
            return CSC_E_SHARING_VIOLATION;
        item->sharing_violations++;
    }
    if (item->type == CSC_ITEM_SERVER) { /* step 5: a server has no pin state */
        if (w->op == CSC__OP_PIN)
            item->last_use = cache->clock;
        return CSC_S_OK;
    }
    if (w->op == CSC__OP_PIN) {
        uint16_t inherit = item->inherit;
        if (w->deep && csc__is_container(item)) /* C3.3; shallow sets none (C3.4) */
            inherit |= w->sources;
        csc__tree_set_pins(cache, item, item->pins | w->sources, inherit);
        item->last_use = cache->clock; /* C5.4 */
        csc__evict_update(cache, item);
    } else {
        csc__tree_set_pins(cache, item, item->pins & (uint16_t)~w->sources,
                           item->inherit & (uint16_t)~w->sources);
    }
    return CSC_S_OK;
}

/*
 * Runs the steps of C4.5 for one item: a cached `item`, or (item NULL) a
 * path that failed with `failed_hr`, named by path[0..path_len). Stores the
 * item's last result in *result. Returns false when the walk must stop.
 */
static bool process(walk_t *w, struct csc_item *item, const char *path, size_t path_len,
                    csc_hresult failed_hr, csc_hresult *result)
{
    const csc_progress_t *pr = w->progress;
    for (;;) {
        /* Step 1: cancellation requested? */
        if (csc_cancel_requested(w->cancel) || csc_cancel_requested(w->cancel2)) {
            w->cancelled = true;
            return false;
        }
        if (pr != NULL && pr->query_abort != NULL) {
            bool abort = false;
            pr->query_abort(pr->user_data, &abort);
            if (abort && !w->ignore_answers) {
                w->cancelled = true;
                return false;
            }
        }
        /* Step 2: ItemBegin; RETRY counts as CONTINUE here. */
        if (pr != NULL && pr->item_begin != NULL) {
            csc_event_t ev = {CSC_EVENT_ITEM_BEGIN, CSC_S_OK, path, path_len};
            if (pr->item_begin(pr->user_data, &ev) == CSC_OP_ABORT && !w->ignore_answers) {
                w->cancelled = true;
                return false;
            }
        }
        /* Steps 3-5. */
        csc_hresult hr = item != NULL ? apply(w, item) : failed_hr;
        *result = hr;
        /* Step 6: ItemResult; RETRY processes the item again. */
        if (pr != NULL && pr->item_result != NULL) {
            csc_event_t ev = {CSC_EVENT_ITEM_RESULT, hr, path, path_len};
            csc_op_response_t r = pr->item_result(pr->user_data, &ev);
            if (w->ignore_answers)
                r = CSC_OP_CONTINUE;
            if (CSC_FAILED(hr) && r != CSC_OP_RETRY)
                w->any_failed = true; /* the item's last result */
            if (r == CSC_OP_ABORT) {
                w->cancelled = true;
                return false;
            }
            /* A deleted item has nothing left to retry: RETRY continues. */
            if (r == CSC_OP_RETRY && !(w->op == CSC__OP_DELETE && item != NULL && hr == CSC_S_OK))
                continue;
        } else if (CSC_FAILED(hr)) {
            w->any_failed = true;
        }
        return true;
    }
}

/* The items of one cached path: C4.4 (Unpin), C3.3 and C3.4 (Pin). */
/* DeleteItems: the subtree post-order; each item's path is rebuilt since
 * items disappear under the walk. */
static void walk_delete(walk_t *w, struct csc_item *top, csc_hresult *result)
{
    struct csc_item *node = top;
    while (node->first_child != NULL)
        node = node->first_child;
    for (;;) {
        struct csc_item *next = NULL;
        if (node != top) {
            next = node->next_sibling;
            if (next != NULL)
                while (next->first_child != NULL)
                    next = next->first_child;
            else
                next = node->parent;
        }
        size_t len = csc__item_path_len(node);
        if (w->progress != NULL) {
            if (!reserve_path(w, len))
                return;
            csc_item_path(node, w->path, w->path_cap);
        }
        w->path_len = len;
        csc_hresult ignored;
        bool is_top = node == top;
        if (!process(w, node, w->path, w->path_len, 0, is_top ? result : &ignored) || is_top)
            return;
        node = next;
    }
}

static void walk_path(walk_t *w, struct csc_item *top, csc_hresult *result)
{
    if (w->op == CSC__OP_DELETE) {
        walk_delete(w, top, result);
        return;
    }
    /* Without a sink only the length is tracked, to keep the code one path. */
    size_t len = csc__item_path_len(top);
    if (w->progress != NULL) {
        if (!reserve_path(w, len))
            return;
        csc_item_path(top, w->path, w->path_cap);
    }
    w->path_len = len;
    if (!process(w, top, w->path, w->path_len, CSC_S_OK, result))
        return;
    if (!csc__is_container(top))
        return;

    if (!w->deep) {
        if (w->op == CSC__OP_PIN) /* C3.4: the container alone */
            return;
        /* C4.4: the immediate children that are files. */
        size_t base = w->path_len;
        for (struct csc_item *ch = top->first_child; ch != NULL; ch = ch->next_sibling) {
            if (ch->type != CSC_ITEM_FILE)
                continue;
            csc_hresult ignored;
            if (!path_push(w, base, ch) || !process(w, ch, w->path, w->path_len, 0, &ignored))
                return;
        }
        return;
    }

    /* Deep: the subtree in pre-order, following links. w->path_len is the
     * length of the current item's path throughout. */
    struct csc_item *it = top;
    for (;;) {
        struct csc_item *next;
        size_t base;
        if (it->first_child != NULL) {
            next = it->first_child;
            base = w->path_len;
        } else {
            while (it != top && it->next_sibling == NULL) {
                w->path_len -= 1u + it->name_len;
                it = it->parent;
            }
            if (it == top)
                return;
            w->path_len -= 1u + it->name_len;
            next = it->next_sibling;
            base = w->path_len;
        }
        it = next;
        if (w->progress == NULL)
            w->path_len = base + 1u + it->name_len;
        else if (!path_push(w, base, it))
            return;
        csc_hresult ignored;
        if (!process(w, it, w->path, w->path_len, 0, &ignored))
            return;
    }
}

csc_hresult csc__walk_validate_flags(uint32_t flags, csc__walk_op_t op)
{
    if (op == CSC__OP_SYNC)
        return (flags & ~CSC_SYNC_FLAGS_VALID) != 0 ? CSC_E_INVALIDARG : CSC_S_OK;
    if (op == CSC__OP_DELETE)
        return (flags & ~CSC_DELETE_FLAGS_VALID) != 0 ? CSC_E_INVALIDARG : CSC_S_OK;
    if ((flags & ~CSC_PIN_FLAGS_VALID) != 0 || (flags & CSC_PIN_FLAGS_SOURCES) == 0)
        return CSC_E_INVALIDARG;
    return CSC_S_OK;
}

csc_hresult csc__walk_validate(const char *const *paths, size_t count, uint32_t flags,
                              csc__walk_op_t op)
{
    /* C4.1: the whole call is validated before any event. */
    if (count == 0 || paths == NULL)
        return CSC_E_INVALIDARG;
    for (size_t i = 0; i < count; i++)
        if (paths[i] == NULL)
            return CSC_E_INVALIDARG;
    return csc__walk_validate_flags(flags, op);
}

csc_hresult csc__walk_run(csc_cache_t *cache, const csc__caller_t *caller,
                          const char *const *paths, size_t count, uint32_t flags, bool deep,
                          const csc_progress_t *progress, csc_cancel_t *cancel,
                          csc_cancel_t *cancel2, bool ignore_answers, csc__walk_op_t op)
{
    walk_t w = {0};
    w.cache = cache;
    w.caller = caller != NULL ? caller : &cache->caller;
    w.progress = progress;
    w.cancel = cancel;
    w.cancel2 = cancel2;
    w.ignore_answers = ignore_answers;
    w.flags = flags;
    w.sources = (uint16_t)(flags & CSC_PIN_FLAGS_SOURCES);
    w.deep = deep;
    w.op = op;
    if (progress != NULL) {
        w.path = csc__malloc(&cache->alloc, PATH_INITIAL_CAP);
        if (w.path == NULL) /* C8.1: nothing happened yet, no event */
            return CSC_E_OUTOFMEMORY;
        w.path_cap = PATH_INITIAL_CAP;
        w.path[0] = '\0';
    }

    /* C4.7: does the single path name a file, or is it invalid or uncached? */
    bool single_result = false;
    struct csc_item *item = NULL;
    csc_hresult hr;
    if (count == 1) {
        hr = csc__tree_find(cache, paths[0], &item);
        if (hr == CSC_E_OUTOFMEMORY) { /* C8.1: nothing happened yet, no event */
            csc__free(&cache->alloc, w.path, w.path_cap);
            return hr;
        }
        single_result = CSC_FAILED(hr) || item->type == CSC_ITEM_FILE;
    }

    if (progress != NULL && progress->begin != NULL) {
        csc_event_t ev = {CSC_EVENT_BEGIN, CSC_S_OK, "", 0};
        bool abort = false;
        progress->begin(progress->user_data, &ev, &abort);
        if (abort && !ignore_answers)
            w.cancelled = true;
    }

    csc_hresult last = CSC_S_OK;
    for (size_t i = 0; i < count && !stopped(&w); i++) {
        hr = csc__tree_find(cache, paths[i], &item);
        if (hr == CSC_E_OUTOFMEMORY) {
            w.out_of_memory = true;
            break;
        }
        if (CSC_FAILED(hr)) /* C4.3: invalid or not cached (C7.2 for Pin) */
            process(&w, NULL, paths[i], strlen(paths[i]), hr, &last);
        else
            walk_path(&w, item, &last);
    }

    csc_hresult end = w.cancelled ? CSC_E_CANCELLED
                      : w.out_of_memory ? CSC_E_OUTOFMEMORY
                                        : CSC_S_OK;
    if (progress != NULL && progress->end != NULL) {
        csc_event_t ev = {CSC_EVENT_END, end, "", 0};
        progress->end(progress->user_data, &ev);
    }
    csc__free(&cache->alloc, w.path, w.path_cap);

    if (end != CSC_S_OK)
        return end;
    if (op == CSC__OP_DELETE) /* "ERROR_MORE_DATA if errors occurred" */
        return w.any_failed ? CSC_E_MORE_DATA : CSC_S_OK;
    return single_result ? last : CSC_S_OK;
}

/*
 * A whole synchronous method call, made inside the guard: Admin refused for
 * a non-administrator (DeleteItems), C4.1 validation, the walk, and the
 * policy's pass, which follows every method call, even a rejected one (C5.5).
 */
csc_hresult csc__method_call(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, bool deep, const csc_progress_t *progress,
                             csc_cancel_t *cancel, csc__walk_op_t op)
{
    csc_hresult hr = csc__walk_validate(paths, count, flags, op);
    if (hr == CSC_S_OK && progress != NULL && progress->version > CSC_PROGRESS_VERSION)
        hr = CSC_E_INVALIDARG; /* a sink newer than this library */
    else if (hr == CSC_S_OK && op == CSC__OP_DELETE && (flags & CSC_DELETE_ADMIN) &&
        !cache->caller.admin)
        hr = CSC_E_ACCESSDENIED; /* "fails for non-admins", before any event */
    /* Without a loop, AsyncProgress events are delivered as the walk goes,
     * and their answers are ignored (C6.4). */
    else if (hr == CSC_S_OK)
        hr = csc__walk_run(cache, NULL, paths, count, flags, deep, progress, cancel, NULL,
                           (flags & CSC_PIN_FLAG_ASYNC_PROGRESS) != 0, op);
    csc__policy_after(cache);
    return hr;
}

/* The synchronous entry points: E_POINTER, then busy (C6.6, C14.5), then
 * the method. */
static csc_hresult run_sync(csc_cache_t *cache, const char *const *paths, size_t count,
                            uint32_t flags, bool deep, const csc_progress_t *progress,
                            csc_cancel_t *cancel, csc__walk_op_t op)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = csc__method_call(cache, paths, count, flags, deep, progress, cancel, op);
        csc__leave(cache);
    }
    return hr;
}

csc_hresult csc_unpin(csc_cache_t *cache, const char *const *paths, size_t count,
                      uint32_t flags, bool deep, const csc_progress_t *progress,
                      csc_cancel_t *cancel)
{
    return run_sync(cache, paths, count, flags, deep, progress, cancel, CSC__OP_UNPIN);
}

csc_hresult csc_pin(csc_cache_t *cache, const char *const *paths, size_t count, uint32_t flags,
                    bool deep, const csc_progress_t *progress, csc_cancel_t *cancel)
{
    return run_sync(cache, paths, count, flags, deep, progress, cancel, CSC__OP_PIN);
}

csc_hresult csc_synchronize(csc_cache_t *cache, const char *const *paths, size_t count,
                            uint32_t flags, const csc_progress_t *progress, csc_cancel_t *cancel)
{
    /* C5.8: the item and everything below it: a deep walk. Background is a
     * sync flag too, but the local model opens nothing, so it never backs
     * off. */
    return run_sync(cache, paths, count, flags & ~CSC_PIN_FLAG_BACKGROUND, true, progress,
                    cancel, CSC__OP_SYNC);
}

csc_hresult csc_delete_items(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, const csc_progress_t *progress, csc_cancel_t *cancel)
{
    return run_sync(cache, paths, count, flags, false, progress, cancel, CSC__OP_DELETE);
}
