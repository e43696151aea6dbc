/*
 * src/walk.c: Pin and Unpin, the walk at the heart of the simulator, and
 * the same walk for DeleteItems (Synchronize has its own walk,
 * src/remote/sync.c, reached from here by the shared entry points). It
 * validates the whole call before any event (C4.1); sends Begin, then for
 * each path in the order given (C4.3) the items of that path (C4.4 for
 * Unpin, C3.3/C3.4 for Pin) in pre-order (C2.3), each through the steps of
 * C4.5 (cancel check, ItemBegin, access, Background back-off, the pin change,
 * ItemResult with RETRY and ABORT), then End (C4.2); and computes the return
 * value of C4.7. Nothing done is ever rolled back (C4.6). The walk follows
 * the hot records' links (tree.h) and never allocates per item: the display
 * path of the current item is kept in one growing buffer, built from the
 * cold records only when a progress sink is there to read it. A deep Unpin
 * without sink, cancel token or access lists does runs of sibling files in
 * one tight loop (unpin_files) with the same effect item by item. DeleteItems walks post-order (a container after
 * its contents, so it can tell whether it was emptied) and returns
 * ERROR_MORE_DATA when any item failed. Fault rules (fault.h) take the
 * place of steps 3-5 for an item they fire on, or of the whole call before
 * Begin; a path where a rule can fire is walked item by item (no fast runs).
 * Pin reaches the servers through src/remote/fetch.h (C10.8, C15.1, C15.2,
 * C15.19): an uncached path that its server has is fetched (pin_uncached);
 * a deep Pin of a container below which the server has uncached items walks
 * the union of both trees in walk order (merge_walk), fetching as it goes;
 * everything else keeps the fast walk, whose only extra per-item cost is
 * one test (NOCACHING, Fill and shallow Pins go out of line,
 * apply_pin_special). A shallow Pin of a container leaves a pending deep
 * pin (C15.20), which an Unpin of it clears.
 */
#include <string.h>

#include "access.h"
#include "alloc.h"
#include "fault.h"
#include "record.h"
#include "remote/sync.h"
#include "evict.h"
#include "tree.h"
#include "walk.h"
#include "remote/fetch.h"
#include "remote/fstate.h"

#include "cscsim/pin.h"
#include "cscsim/sync.h"
#include "cscsim/methods.h"

/* The per-item steps are inlined into each loop: a call per item costs a
 * sizeable share of a walk that does little else. */
#if defined(__GNUC__)
#define CSC__WALK_INLINE static inline __attribute__((always_inline))
#else
#define CSC__WALK_INLINE static inline
#endif

typedef struct walk {
    csc_cache_t *cache;
    const csc__caller_t *caller;    /* whose access is checked (C9.1) */
    csc__walk_ctl_t ctl; /* the sink (NULL: no events, no paths built), tokens */
    uint32_t flags;
    uint16_t sources;
    uint8_t hsources; /* sources >> CSC__PIN_SHIFT, as hot records keep them */
    bool fast_unpin;  /* deep Unpin, no sink, no token, no access lists */
    bool deep;
    csc__walk_op_t op;
    bool out_of_memory;
    bool any_failed;
    bool removed; /* DeleteItems: the last item processed left the cache */
    /* Fault injection (fault.h): the operation's bit, whether an item rule
     * names it (per call), and whether one can match below the current
     * path's top (per path): the only per-item cost of an armed cache. */
    uint32_t fault_op;
    bool fault_armed;
    bool fault_live;
    /* Pin and the remote side (C10.6, C10.8, C15.1, C15.2): whether the
     * current item's share is NOCACHING (its Pin fails with 0x80070032)
     * and whether its scope is online (Fill of a sparse file). Set per
     * path, and per share by the merged walk (walk_merge). */
    bool nocaching;
    bool online;
    bool online_known; /* else pin_fill looks the scope up */
    bool pin_extra;    /* Pin with Fill, or shallow: pin_extra() runs */
    bool pin_special;  /* nocaching || pin_extra: apply_pin_special() runs */
    char *path; /* display path of the current item when progress != NULL */
    size_t path_len, path_cap;
} walk_t;

#define PATH_INITIAL_CAP 256u

static bool paths_wanted(const walk_t *w)
{
    return w->ctl.progress != NULL;
}

static bool stopped(const walk_t *w)
{
    return w->ctl.cancelled || w->out_of_memory;
}

/* Makes room for `len` bytes and a NUL in the path buffer, keeping its
 * current content (w->path_len bytes and the NUL). */
static bool reserve_path(walk_t *w, size_t len)
{
    if (len + 1 <= w->path_cap)
        return true;
    if (!csc__walk_path_reserve(w->cache, &w->path, &w->path_cap, w->path_len + 1, len, true)) {
        w->out_of_memory = true;
        return false;
    }
    return true;
}

bool csc__walk_path_reserve(csc_cache_t *cache, char **p, size_t *cap, size_t keep, size_t len,
                            bool owned)
{
    size_t n = *cap;
    while (n < len + 1)
        n *= 2;
    char *q = csc__malloc(&cache->alloc, n);
    if (q == NULL)
        return false;
    memcpy(q, *p, keep);
    if (owned)
        csc__free(&cache->alloc, *p, *cap);
    *p = q;
    *cap = n;
    return true;
}

/* Sets the path buffer to `base_len` bytes of itself plus '\' and a name. */
CSC__WALK_INLINE bool path_push(walk_t *w, size_t base_len, const struct csc_item *item,
                      const csc__hot_t *h)
{
    if (w->ctl.progress == NULL)
        return true;
    const char *name;
    size_t name_len;
    if (h->flags & CSC__F_NAMED) {
        name = (const char *)item->hh.key + item->hh.keylen + 1;
        name_len = strlen(name);
    } else {
        name = (const char *)item->hh.key + 4;
        name_len = item->hh.keylen - 4u;
    }
    size_t len = base_len + 1 + name_len;
    if (len + sizeof item->key > w->path_cap && !reserve_path(w, len + sizeof item->key))
        return false;
    w->path[base_len] = '\\';
    if (name == item->key + 4) /* inline: a fixed copy of the slot, NUL included */
        memcpy(w->path + base_len + 1, item->key + 4, sizeof item->key - 4);
    else
        memcpy(w->path + base_len + 1, name, name_len + 1);
    w->path_len = len;
    return true;
}

/*
 * DeleteItems for one item (windows-reference §2, §3): access unless Admin;
 * an open file is not deleted (sharing violation); a file kept by the flags
 * (dirty without DelModified, pinned with NoPinned, automatically cached
 * with NoAutoCached) stays with S_OK (C15.18); a container that still has
 * contents stays with ERROR_DIR_NOT_EMPTY. Only an item that left the cache
 * sets w->removed. Deleting never allocates.
 */
static csc_hresult apply_delete(walk_t *w, struct csc_item *item)
{
    csc_cache_t *cache = w->cache;
    const csc__hot_t *h = csc__hot(item);
    w->removed = false;
    if (!(w->flags & CSC_DELETE_ADMIN) && !csc__access_allowed(cache, w->caller, item))
        return CSC_E_ACCESSDENIED;
    if (h->type == CSC_ITEM_FILE) {
        if (h->flags & CSC__F_OPEN)
            return CSC_E_SHARING_VIOLATION;
        if ((h->flags & CSC__F_DIRTY) && !(w->flags & CSC_DELETE_DEL_MODIFIED))
            return CSC_S_OK; /* kept (C15.18) */
    }
    if (h->pins != 0 && (w->flags & CSC_DELETE_NO_PINNED))
        return CSC_S_OK; /* kept */
    if (h->type == CSC_ITEM_FILE && h->pins == 0 && (w->flags & CSC_DELETE_NO_AUTO_CACHED))
        return CSC_S_OK; /* kept */
    if (csc__hot_first_child(h) != CSC__NONE)
        return CSC_HRESULT_FROM_WIN32(145u); /* ERROR_DIR_NOT_EMPTY */
    csc__tree_remove_leaf(cache, item);
    w->removed = true;
    return CSC_S_OK;
}

static void pin_online(walk_t *w, const struct csc_item *item);

static inline void set_nocaching(walk_t *w, bool nocaching)
{
    w->nocaching = nocaching;
    w->pin_special = nocaching || w->pin_extra;
}

/*
 * Pin with Fill of a file with round-2 state (C10.8, C15.2): a sparse file
 * is filled when its scope is online (C5.7: 0x80070070 when it does not
 * fit); offline it stays sparse and the item gets 0x800704EE, pinned and
 * touched all the same (C15.21). The pass of C5.7 may evict other items,
 * never this file nor its ancestors: the walks read a link only after the
 * item it leaves from is done.
 */
static csc_hresult pin_fill(walk_t *w, uint32_t id)
{
    struct csc_item *item = csc__item_at(w->cache, id);
    if (!csc__fstate_is(w->cache, item, CSC__FS_SPARSE))
        return CSC_S_OK;
    if (!w->online_known)
        pin_online(w, item);
    if (!w->online)
        return CSC_E_CSCSHARE_OFFLINE;
    return csc__fetch_fill(w->cache, item);
}

/* What a Pin does before the pins change when it has Fill or is shallow:
 * Fill of a sparse file (pin_fill), and a shallow Pin of a container's
 * pending deep pin (C15.20). S_OK, 0x800704EE (pin all the same), or
 * 0x80070070 / E_OUTOFMEMORY (the item unchanged). */
static csc_hresult pin_extra(walk_t *w, uint32_t id, const csc__hot_t *h)
{
    csc_hresult res = CSC_S_OK;
    if ((w->flags & CSC_PIN_FLAG_FILL) && h->type == CSC_ITEM_FILE && (h->flags & CSC__F_XSTATE)) {
        res = pin_fill(w, id); /* C10.8, C15.2 */
        if (res == CSC_E_DISK_FULL)
            return res;
    }
    if (!w->deep && h->type != CSC_ITEM_FILE &&
        csc__pending_pin_add(w->cache, csc__item_at(w->cache, id), w->sources) != CSC_S_OK) {
        w->out_of_memory = true;
        return CSC_E_OUTOFMEMORY;
    }
    return res;
}

/* Step 5 of a Pin: the sources, inherit bits for a deep Pin of a
 * container (C3.3; shallow sets none, C3.4), the last use (C5.4). */
static inline void pin_hot(walk_t *w, uint32_t id, csc__hot_t *h)
{
    csc_cache_t *cache = w->cache;
    uint8_t inherit = h->inherit;
    if (w->deep && h->type != CSC_ITEM_FILE)
        inherit |= w->hsources;
    csc__tree_set_pins_hot(cache, id, h, h->pins | w->hsources, inherit);
    csc__item_at(cache, id)->last_use = cache->clock; /* C5.4 */
    csc__evict_update_hot(cache, id, h);
}

/* Steps 4-5 of a Pin when w->pin_special (after the access check): NOCACHING
 * (C10.6, C15.2), Background (step 4), a server, then Fill of a sparse file
 * and a shallow Pin's pending deep pin (pin_extra), then the pins. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static csc_hresult apply_pin_special(walk_t *w, uint32_t id, csc__hot_t *h)
{
    if (w->nocaching)
        return CSC_E_NOT_SUPPORTED;
    if (h->flags & CSC__F_OPEN) { /* step 4 */
        if (w->flags & CSC_PIN_FLAG_BACKGROUND)
            return CSC_E_SHARING_VIOLATION;
        h->u.f.sharing_violations++;
    }
    if (h->type == CSC_ITEM_SERVER) { /* a server has no pin state */
        csc__item_at(w->cache, id)->last_use = w->cache->clock;
        return CSC_S_OK;
    }
    csc_hresult res = CSC_S_OK;
    if (w->pin_extra) { /* Fill, or a shallow Pin */
        res = pin_extra(w, id, h);
        if (res == CSC_E_DISK_FULL || res == CSC_E_OUTOFMEMORY)
            return res; /* neither filled nor pinned; C8.1: unchanged */
    }
    pin_hot(w, id, h);
    return res;
}

/* C4.5 steps 3-5 for one cached item, by id and hot record: the cold
 * record is reached only for what lives there (access lists, counters,
 * last use). */
static csc_hresult apply_hot(walk_t *w, uint32_t id, csc__hot_t *h)
{
    csc_cache_t *cache = w->cache;
    if (w->op == CSC__OP_DELETE)
        return apply_delete(w, csc__item_at(cache, id));
    if (cache->acl_count != 0 && !csc__access_allowed(cache, w->caller, csc__item_at(cache, id)))
        return CSC_E_ACCESSDENIED; /* step 3, C9.1 */
    if (w->pin_special) /* Pin: NOCACHING, Fill or shallow; rare, out of line */
        return apply_pin_special(w, id, h);
    if (h->flags & CSC__F_OPEN) { /* step 4 */
        if (w->flags & CSC_PIN_FLAG_BACKGROUND)
            return CSC_E_SHARING_VIOLATION;
        h->u.f.sharing_violations++;
    }
    if (h->type == CSC_ITEM_SERVER) { /* step 5: a server has no pin state */
        if (w->op == CSC__OP_PIN)
            csc__item_at(cache, id)->last_use = cache->clock;
        return CSC_S_OK;
    }
    if (w->op == CSC__OP_PIN) {
        pin_hot(w, id, h);
        return CSC_S_OK;
    }
    if (h->type != CSC_ITEM_FILE) /* C15.20: Unpin clears a pending deep pin */
        csc__pending_pin_clear(cache, csc__item_at(cache, id), w->sources);
    if ((h->pins & w->hsources) != 0) {
        csc__tree_set_pins_hot(cache, id, h, h->pins & (uint8_t)~w->hsources,
                               h->inherit & (uint8_t)~w->hsources);
    }
    return CSC_S_OK;
}

#if defined(__GNUC__)
#define CSC__LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define CSC__LIKELY(x) (x)
#endif

/*
 * The hot record of `next`, reached from `h`, the record of `id`. Items
 * created in pre-order have consecutive ids, so the next record is most
 * often the one after `h` in the same slab: a predicted branch, not a load
 * of the slab table that would wait for `next` to arrive. This keeps a walk
 * from being one chain of dependent loads.
 */
static inline csc__hot_t *hot_next(const csc_cache_t *cache, csc__hot_t *h, uint32_t id,
                                   uint32_t next)
{
    if (CSC__LIKELY(next == id + 1u && (next & (CSC__SLAB_ITEMS - 1u)) != 0))
        return h + 1;
    return csc__hot_at(cache, next);
}

/*
 * Unpin of one file with no access lists in the cache: apply_hot() with the
 * common case of set_pins and the eviction index inline (tree.c and evict.c
 * own the rare ones). A deep Unpin over a million files spends its time
 * here or in unpin_files().
 */
static inline csc_hresult unpin_file(walk_t *w, uint32_t id, csc__hot_t *h)
{
    csc_cache_t *cache = w->cache;
    uint8_t pins = h->pins;
    if (h->flags & CSC__F_OPEN) /* step 4, rare */
        return apply_hot(w, id, h);
    if ((pins & w->hsources) == 0)
        return CSC_S_OK;
    pins &= (uint8_t)~w->hsources;
    h->pins = pins; /* a file has no inherit bits */
    if (pins != 0)
        return CSC_S_OK;
    /* Now unpinned: evictable unless dirty or protected (C5.2). */
    if (!(h->flags & (CSC__F_DIRTY | CSC__F_PROTECT)) && h->heap_pos == 0 &&
        csc__pending_try(cache, id, h))
        csc__bytes_add(&cache->evictable_bytes, h->size);
    else
        csc__evict_update_hot(cache, id, h);
    csc__bytes_add(&cache->unpinned_used, h->size);
    /* C3.5: the parent counts one marked child less; the mark flips (and
     * goes up) only when that was its last one. */
    csc__hot_t *ph = csc__hot_at(cache, h->parent);
    if (--ph->u.d.pinned_below == 0 && ph->pins == 0)
        csc__tree_mark_changed(cache, ph, false);
    return CSC_S_OK;
}

/* apply() by id and hot record, with files of an Unpin on the inline path. */
static inline csc_hresult apply_fast(walk_t *w, uint32_t id, csc__hot_t *h)
{
    csc_hresult fhr; /* a fault rule firing takes the place of steps 3-5 */
    if (w->fault_live && csc__fault_item(w->cache, w->fault_op, csc__item_at(w->cache, id), &fhr))
        return fhr;
    if (w->op == CSC__OP_UNPIN && h->type == CSC_ITEM_FILE && w->cache->acl_count == 0)
        return unpin_file(w, id, h);
    return apply_hot(w, id, h);
}

/*
 * A deep Unpin without sink or cancel token, at a run of sibling files
 * starting at `id` (below the container `ph`): unpins them in one tight
 * loop, the counters in locals, until a container sibling or the end.
 * Returns the last file done (the walk goes on from there). The same state
 * as unpin_file() one by one: nothing can watch in between (no sink), and
 * the counters are settled before any out-of-line call.
 */
static uint32_t unpin_files(walk_t *w, csc__hot_t *ph, uint32_t id, csc__hot_t *h)
{
    csc_cache_t *cache = w->cache;
    const uint8_t src = w->hsources;
    csc__list_t *pend = &cache->pending;
    size_t pcount = pend->count;
    uint64_t evictable = 0, unpinned = 0; /* sizes below 2^32 each, checked */
    uint32_t unmarked = 0, last = id;
    for (;;) {
        if (h->type != CSC_ITEM_FILE)
            break;
        last = id;
        uint8_t pins = h->pins;
        if ((pins & src) != 0) {
            bool fast = !(h->flags & (CSC__F_OPEN | CSC__F_DIRTY | CSC__F_PROTECT)) &&
                        (pins & (uint8_t)~src) == 0 && h->heap_pos == 0 &&
                        pcount < pend->cap && h->size <= UINT32_MAX &&
                        unpinned <= UINT64_MAX - UINT32_MAX;
            if (fast) {
                h->pins = 0;
                pend->slots[pcount] = id;
                h->heap_pos = CSC__PENDING | (uint32_t)pcount;
                pcount++;
                evictable += h->size;
                unpinned += h->size;
                unmarked++;
            } else { /* settle, then the general path */
                pend->count = pcount;
                csc__bytes_add(&cache->evictable_bytes, evictable);
                csc__bytes_add(&cache->unpinned_used, unpinned);
                ph->u.d.pinned_below -= unmarked;
                evictable = unpinned = 0;
                unmarked = 0;
                if (CSC_FAILED(unpin_file(w, id, h)))
                    w->any_failed = true;
                pcount = pend->count;
            }
        } else if (h->flags & CSC__F_OPEN) {
            if (CSC_FAILED(apply_hot(w, id, h))) /* step 4 counts even without a change */
                w->any_failed = true;
        }
        uint32_t next = h->next_sibling;
        if (next == CSC__NONE)
            break;
        h = hot_next(cache, h, id, next);
        id = next;
    }
    pend->count = pcount;
    csc__bytes_add(&cache->evictable_bytes, evictable);
    csc__bytes_add(&cache->unpinned_used, unpinned);
    if (unmarked != 0) {
        ph->u.d.pinned_below -= unmarked;
        if (ph->u.d.pinned_below == 0 && ph->pins == 0)
            csc__tree_mark_changed(cache, ph, false);
    }
    return last;
}

/* process() for a walk without a sink: steps 1 and 3-5, no events, so no
 * path and no name is needed. */
static inline bool step(walk_t *w, uint32_t id, csc__hot_t *h)
{
    if (w->ctl.has_cancel &&
        (csc_cancel_requested(w->ctl.cancel) || csc_cancel_requested(w->ctl.cancel2))) {
        w->ctl.cancelled = true;
        return false;
    }
    if (CSC_FAILED(apply_fast(w, id, h)))
        w->any_failed = true;
    return true;
}

/*
 * Runs the steps of C4.5 for one item: a cached `item`, or (item NULL) a
 * path that failed with `failed_hr`, named by path[0..path_len). Stores the
 * item's last result in *result. Returns false when the walk must stop.
 */
CSC__WALK_INLINE bool process(walk_t *w, struct csc_item *item, uint32_t id, csc__hot_t *h,
                    const char *path, size_t path_len, csc_hresult failed_hr,
                    csc_hresult *result)
{
    for (;;) {
        /* Steps 1 and 2: cancellation requested? ItemBegin. */
        if (!csc__walk_go_on(&w->ctl) || !csc__walk_item_begin(&w->ctl, path, path_len))
            return false;
        /* Steps 3-5. */
        csc_hresult hr = item != NULL ? apply_fast(w, id, h) : failed_hr;
        if (hr == CSC_E_OUTOFMEMORY && w->out_of_memory)
            return false; /* C8.1: the item as it was, and no ItemResult */
        *result = hr;
        /* Step 6: ItemResult; RETRY processes the item again. */
        csc_op_response_t r = csc__walk_item_result(&w->ctl, hr, path, path_len);
        if (CSC_FAILED(hr) && r != CSC_OP_RETRY)
            w->any_failed = true; /* the item's last result */
        if (r == CSC_OP_ABORT)
            return false;
        /* An item that left the cache has nothing left to retry: RETRY
         * continues; a kept item (S_OK too, C15.18) is processed again. */
        if (r == CSC_OP_RETRY &&
            !(w->op == CSC__OP_DELETE && item != NULL && hr == CSC_S_OK && w->removed))
            continue;
        return true;
    }
}

/* The items of one cached path: C4.4 (Unpin), C3.3 and C3.4 (Pin). */
/* DeleteItems: the subtree post-order; each item's path is rebuilt since
 * items disappear under the walk. */
static void walk_delete(walk_t *w, struct csc_item *top, csc_hresult *result)
{
    struct csc_item *node = top, *child;
    while ((child = csc__first_child(node)) != NULL)
        node = child;
    for (;;) {
        struct csc_item *next = NULL;
        if (node != top) {
            next = csc__next_sibling(node);
            if (next != NULL)
                while ((child = csc__first_child(next)) != NULL)
                    next = child;
            else
                next = csc__parent(node);
        }
        size_t len = csc__item_path_len(node);
        if (w->ctl.progress != NULL) {
            if (!reserve_path(w, len))
                return;
            csc_item_path(node, w->path, w->path_cap);
        }
        w->path_len = len;
        csc_hresult ignored;
        bool is_top = node == top;
        if (!process(w, node, csc__id(node), csc__hot(node), w->path, w->path_len, 0,
                     is_top ? result : &ignored) ||
            is_top)
            return;
        node = next;
    }
}

/* ---- Pin and the remote side (C10.8, C15.1, C15.2, C15.19) --------------- */

/* The folded key of an item's share (its first two components) into kb:
 * false for a server (no share) or out of memory (w->out_of_memory). */
typedef struct keybuf {
    char stack[256];
    char *p;
    size_t len, cap;
} keybuf_t;

static void key_release(walk_t *w, keybuf_t *kb)
{
    if (kb->p != kb->stack)
        csc__free(&w->cache->alloc, kb->p, kb->cap);
    kb->p = kb->stack;
}

static bool share_key(walk_t *w, const struct csc_item *item, keybuf_t *kb)
{
    kb->p = kb->stack;
    kb->cap = sizeof kb->stack;
    const struct csc_item *share = item;
    if (csc__type(share) == CSC_ITEM_SERVER || csc__type(share) == CSC__ITEM_ROOT)
        return false;
    while (csc__type(share) != CSC_ITEM_SHARE)
        share = csc__parent(share);
    kb->len = csc__item_key_len(share);
    if (kb->len > kb->cap) {
        kb->p = csc__malloc(&w->cache->alloc, kb->len);
        if (kb->p == NULL) {
            kb->p = kb->stack;
            w->out_of_memory = true;
            return false;
        }
        kb->cap = kb->len;
    }
    csc__item_key(share, kb->p, kb->len);
    return true;
}

/* The scope of a cached item below a server, for Pin: sets w->nocaching
 * and w->online, and tells whether uncached remote items may be fetched
 * there (C10.8: online, not NOCACHING). A server: none of them. */
static bool pin_scope(walk_t *w, const struct csc_item *item)
{
    set_nocaching(w, false);
    w->online = w->online_known = true;
    keybuf_t kb;
    if (w->cache->remote == NULL || !share_key(w, item, &kb))
        return false;
    set_nocaching(w, w->cache->remote->nocaching_seen &&
                   csc__fetch_share_nocaching(w->cache, kb.p, kb.len));
    csc__fetch_scope_t fs = csc__fetch_scope(w->cache, kb.p, kb.len);
    w->online = fs != CSC__FETCH_OFFLINE;
    key_release(w, &kb);
    return fs == CSC__FETCH_ALLOWED && !w->nocaching;
}

/* pin_scope's NOCACHING part alone (a Pin that fetches nothing: a file, or
 * a shallow Pin): no lookup at all unless some share was ever NOCACHING;
 * the scope's connectivity is looked up when Fill needs it (pin_online). */
static void pin_mode(walk_t *w, const struct csc_item *item)
{
    set_nocaching(w, false);
    w->online = true;
    w->online_known = false;
    keybuf_t kb;
    if (w->cache->remote == NULL || !w->cache->remote->nocaching_seen || !share_key(w, item, &kb))
        return;
    set_nocaching(w, csc__fetch_share_nocaching(w->cache, kb.p, kb.len));
    key_release(w, &kb);
}

static void pin_online(walk_t *w, const struct csc_item *item)
{
    bool nocaching = w->nocaching;
    pin_scope(w, item);
    set_nocaching(w, nocaching);
    w->online_known = false; /* the next item may be in another scope */
}

/* Whether the remote side has an item below the cached container `top`
 * (remote record `rtop`) that is not cached: one index lookup per remote
 * record below (containers, and files that are not implicit twins), so a
 * cache in sync with its server pays per directory, not per file. */
static bool remote_has_uncached(const csc_cache_t *cache, const struct csc_item *top,
                                const csc__rnode_t *rtop)
{
    const csc__rnode_t *r = rtop, *n = rtop->first_child;
    const struct csc_item *c = top;
    for (;;) {
        while (n != NULL) {
            const struct csc_item *found = csc__index_find(
                &cache->index, csc__id(c), n->key + n->name_off, n->key_len - n->name_off);
            if (found == NULL)
                return true;
            if (n->first_child != NULL && csc__is_container(found)) {
                r = n;
                c = found;
                n = n->first_child;
                continue;
            }
            n = n->next_sibling;
        }
        if (r == rtop)
            return false;
        n = r->next_sibling;
        r = r->parent;
        c = csc__parent(c);
    }
}

/* A level of the merged walk: a container and where its two child lists
 * (cached, remote) have got to. */
typedef struct mframe {
    uint32_t cid;               /* the container, CSC__NONE when not cached */
    uint32_t anc;               /* the closest cached container at or above */
    uint32_t next_c;            /* its next cached child */
    const csc__rnode_t *next_r; /* its next remote child (NULL: none to fetch) */
    size_t path_len;            /* its path's length in w->path (with a sink) */
    bool fetch;                 /* uncached remote children are fetched */
    bool nocaching, online;     /* its scope, for its items (w->nocaching) */
    bool server;                /* a server: each share has its own scope */
} mframe_t;

typedef struct mstack {
    mframe_t *f;
    size_t n, cap;
} mstack_t;

static mframe_t *mpush(walk_t *w, mstack_t *st)
{
    if (st->n == st->cap) {
        size_t cap = st->cap != 0 ? st->cap * 2 : 16;
        mframe_t *f = csc__malloc(&w->cache->alloc, cap * sizeof *f);
        if (f == NULL) {
            w->out_of_memory = true;
            return NULL;
        }
        if (st->n != 0)
            memcpy(f, st->f, st->n * sizeof *f);
        csc__free(&w->cache->alloc, st->f, st->cap * sizeof *f);
        st->f = f;
        st->cap = cap;
    }
    mframe_t *f = &st->f[st->n++];
    memset(f, 0, sizeof *f);
    return f;
}

/* Sets the path buffer to base_len bytes of itself, '\' and the remote
 * item's display name (the server's spelling, C15.1). */
static bool path_push_remote(walk_t *w, size_t base_len, const csc__rnode_t *r)
{
    if (w->ctl.progress == NULL)
        return true;
    size_t len = base_len + 1 + r->name_len;
    if (!reserve_path(w, len))
        return false;
    w->path[base_len] = '\\';
    memcpy(w->path + base_len + 1, csc__rnode_name(r), r->name_len);
    w->path[len] = '\0';
    w->path_len = len;
    return true;
}

/*
 * The steps of C4.5 for a remote item that is not cached (C10.8, C15.1):
 * step 3 checks access on the closest cached ancestor `anc` (C9.1), then
 * NOCACHING (C15.2; `nocaching`); then the item is fetched (sparse unless
 * Fill, C5.7 for Fill: 0x80070070 and neither fetched nor pinned, C15.2)
 * and pinned as any item (apply_fast). RETRY after a fetch processes the
 * cached item. *id receives the fetched item's id, or CSC__NONE. Returns
 * false when the walk must stop.
 */
static bool process_remote(walk_t *w, uint32_t anc, const csc__rnode_t *r, bool nocaching,
                           const char *path, size_t path_len, uint32_t *id, csc_hresult *result)
{
    csc_cache_t *cache = w->cache;
    *id = CSC__NONE;
    for (;;) {
        if (!csc__walk_go_on(&w->ctl) || !csc__walk_item_begin(&w->ctl, path, path_len))
            return false;
        csc_hresult hr;
        if (*id != CSC__NONE) {
            hr = apply_fast(w, *id, csc__hot_at(cache, *id));
        } else if (cache->acl_count != 0 &&
                   !csc__access_allowed(cache, w->caller, csc__item_at(cache, anc))) {
            hr = CSC_E_ACCESSDENIED;
        } else if (nocaching) {
            hr = CSC_E_NOT_SUPPORTED;
        } else {
            struct csc_item *item = NULL;
            hr = csc__fetch_one(cache, NULL, r, (w->flags & CSC_PIN_FLAG_FILL) != 0, 0, &item);
            if (hr == CSC_S_OK) {
                *id = csc__id(item);
                hr = apply_fast(w, *id, csc__hot(item));
            } else if (hr == CSC_E_OUTOFMEMORY) {
                w->out_of_memory = true;
            }
        }
        if (hr == CSC_E_OUTOFMEMORY && w->out_of_memory)
            return false; /* C8.1: the item as it was, and no ItemResult */
        *result = hr;
        csc_op_response_t a = csc__walk_item_result(&w->ctl, hr, path, path_len);
        if (CSC_FAILED(hr) && a != CSC_OP_RETRY)
            w->any_failed = true;
        if (a == CSC_OP_ABORT)
            return false;
        if (a == CSC_OP_RETRY)
            continue;
        return !stopped(w);
    }
}

/* Pushes the frame of a container the merged walk goes into. */
static bool merge_enter(walk_t *w, mstack_t *st, uint32_t cid, uint32_t anc,
                        const csc__rnode_t *r, bool fetch, bool nocaching, bool online,
                        bool server)
{
    mframe_t *f = mpush(w, st);
    if (f == NULL)
        return false;
    f->cid = cid;
    f->anc = anc;
    f->next_c = cid != CSC__NONE ? csc__hot_first_child(csc__hot_at(w->cache, cid)) : CSC__NONE;
    f->next_r = fetch && r != NULL ? csc__fetch_first_child((csc__rnode_t *)r) : NULL;
    f->path_len = w->path_len;
    f->fetch = fetch;
    f->nocaching = nocaching;
    f->online = online;
    f->server = server;
    return true;
}

/*
 * A deep Pin below a container (its frame pushed) over the union of the
 * cached items and the remote items that are not cached, in walk order
 * (C2.3: both lists are ordered by folded name), each an item of the walk
 * (C15.1). A remote folder that failed (no access) is still walked into,
 * its items failing in turn (C15.19); a server's uncached shares are not
 * walked (C15.19), each cached share has its own scope. The item a step
 * leaves from is read after its processing (C5.7 may evict other items).
 */
static void merge_walk(walk_t *w, mstack_t *st)
{
    csc_cache_t *cache = w->cache;
    while (st->n != 0 && !stopped(w)) {
        mframe_t *f = &st->f[st->n - 1];
        uint32_t c = f->next_c;
        const csc__rnode_t *r = f->next_r;
        if (c == CSC__NONE && r == NULL) {
            st->n--;
            if (st->n != 0)
                w->path_len = st->f[st->n - 1].path_len;
            continue;
        }
        int cmp = c == CSC__NONE ? 1 : r == NULL ? -1 : csc__fetch_cmp(csc__item_at(cache, c), r);
        if (cmp <= 0) { /* a cached item, with its remote twin when cmp == 0 */
            const csc__rnode_t *twin = cmp == 0 ? r : NULL;
            if (twin != NULL)
                f->next_r = r->next_sibling;
            struct csc_item *item = csc__item_at(cache, c);
            csc__hot_t *h = csc__hot(item);
            bool fetch = f->fetch;
            if (f->server) {
                fetch = pin_scope(w, item);
                twin = fetch ? csc__fetch_rnode_of(cache, item) : NULL;
            } else {
                set_nocaching(w, f->nocaching);
                w->online = f->online;
                w->online_known = true;
            }
            bool nocaching = w->nocaching, online = w->online;
            csc_hresult ignored;
            if (!path_push(w, f->path_len, item, h) ||
                !process(w, item, c, h, w->path, w->path_len, 0, &ignored))
                return;
            /* The links are read now: the item is still cached (C5.7 never
             * evicts the item it makes room for, nor its ancestors). */
            f = &st->f[st->n - 1];
            f->next_c = h->next_sibling;
            if (h->type != CSC_ITEM_FILE &&
                !merge_enter(w, st, c, c, twin != NULL && twin->type != CSC_ITEM_FILE ? twin : NULL,
                             fetch, nocaching, online, false))
                return;
            continue;
        }
        f->next_r = r->next_sibling; /* a remote item not cached */
        bool fetch = f->fetch;
        bool nocaching = f->nocaching, online = f->online;
        uint32_t anc = f->anc;
        if (!path_push_remote(w, f->path_len, r))
            return;
        uint32_t id;
        csc_hresult ignored;
        set_nocaching(w, nocaching);
        w->online = online;
        w->online_known = true;
        if (!process_remote(w, anc, r, false, w->path, w->path_len, &id, &ignored))
            return;
        if (r->type != CSC_ITEM_FILE &&
            !merge_enter(w, st, id, id != CSC__NONE ? id : anc, r, fetch, nocaching, online, false))
            return;
    }
}

/* A deep Pin's items below the cached container `top` when the remote side
 * has something to fetch there or a server's shares differ in mode. */
static void merge_below(walk_t *w, struct csc_item *top, bool fetch)
{
    mstack_t st = {NULL, 0, 0};
    bool server = csc__type(top) == CSC_ITEM_SERVER;
    const csc__rnode_t *r = fetch ? csc__fetch_rnode_of(w->cache, top) : NULL;
    if (merge_enter(w, &st, csc__id(top), csc__id(top), r, fetch, w->nocaching, w->online,
                    server))
        merge_walk(w, &st);
    csc__free(&w->cache->alloc, st.f, st.cap * sizeof *st.f);
}

/* Whether a deep Pin of the cached container `top` needs the merged walk:
 * something to fetch below it (C15.1), or, below a server, a NOCACHING
 * share among others (C10.6). pin_scope has been called for `top`. */
static bool pin_needs_merge(walk_t *w, struct csc_item *top, bool fetch)
{
    csc_cache_t *cache = w->cache;
    if (cache->remote == NULL)
        return false;
    if (csc__type(top) != CSC_ITEM_SERVER) {
        /* A repeated deep Pin of the same container with no record made and
         * no item gone or moved since the last look finds nothing again. */
        csc__remote_t *rm = cache->remote;
        uint32_t id = csc__id(top);
        if (!fetch || (rm->clean_top == id && rm->clean_shape == cache->shape_gen &&
                       rm->clean_rec == rm->rec_gen))
            return false;
        const csc__rnode_t *r = csc__fetch_rnode_of(cache, top);
        bool need = r != NULL && remote_has_uncached(cache, top, r);
        if (!need) {
            rm->clean_top = id;
            rm->clean_shape = cache->shape_gen;
            rm->clean_rec = rm->rec_gen;
        }
        return need;
    }
    bool need = false;
    for (struct csc_item *sh = csc__first_child(top); sh != NULL && !need;
         sh = csc__next_sibling(sh)) {
        bool f = pin_scope(w, sh);
        const csc__rnode_t *r = f ? csc__fetch_rnode_of(cache, sh) : NULL;
        need = w->nocaching || (r != NULL && remote_has_uncached(cache, sh, r));
    }
    set_nocaching(w, false); /* the server's own */
    w->online = true;
    w->online_known = false; /* its shares differ: Fill looks each up */
    return need;
}

/*
 * Pin of a path that is not cached (C10.8, C15.1, C15.2, C15.19): when the
 * server has it and its scope is online (a server: when it is not down),
 * it is one item of the walk, fetched with its missing ancestors (C2.2,
 * silently), and with Deep its whole remote subtree after it. Its events
 * carry the path as given when it is not fetched for a reason known
 * before its events (0x80070002, no access, NOCACHING), else its path with
 * the server's spelling. Returns its result through *result.
 */
static void pin_uncached(walk_t *w, const char *given, csc_hresult *result)
{
    csc_cache_t *cache = w->cache;
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, given, &pb);
    if (hr == CSC_E_OUTOFMEMORY) {
        w->out_of_memory = true;
        return;
    }
    const csc__rnode_t *r = hr == CSC_S_OK && cache->remote != NULL
                                ? csc__fetch_find(cache, pb.key, pb.key_len)
                                : NULL;
    csc__fetch_scope_t fs = CSC__FETCH_OFFLINE;
    if (r != NULL && pb.ncomp == 1)
        fs = csc__server_condition(cache, pb.key, pb.key_len) == CSC_NETWORK_DOWN
                 ? CSC__FETCH_OFFLINE
                 : CSC__FETCH_ALLOWED;
    else if (r != NULL)
        fs = csc__fetch_scope(cache, pb.key, csc__rpath_key_prefix(&pb, 2));
    csc__path_buf_release(&cache->alloc, &pb);
    if (fs == CSC__FETCH_OFFLINE) { /* C10.8, C15.19: not there, or offline */
        process(w, NULL, CSC__NONE, NULL, given, strlen(given), CSC_E_FILE_NOT_FOUND, result);
        return;
    }
    /* The closest cached ancestor (the root when none). */
    const csc__rnode_t *a = r->parent;
    struct csc_item *anc = NULL;
    for (; a != NULL && a->type != CSC__RNODE_ROOT; a = a->parent)
        if ((anc = csc__tree_find_key(cache, a->key, a->key_len)) != NULL)
            break;
    if (anc == NULL)
        anc = cache->root;
    bool nocaching = fs == CSC__FETCH_NOCACHING;
    bool attempt = !nocaching && csc__access_allowed(cache, w->caller, anc);
    const char *path = given;
    size_t path_len = strlen(given);
    if (w->ctl.progress != NULL) { /* the cached ancestor's path, then the server's names */
        bool root = csc__type(anc) == CSC__ITEM_ROOT;
        size_t len = root ? 1 : csc__item_path_len(anc); /* "\" of "\\server" */
        uint32_t below = 0;
        for (const csc__rnode_t *n = r; n != a; n = n->parent)
            below++;
        if (!reserve_path(w, len))
            return;
        if (root)
            memcpy(w->path, "\\", 2);
        else
            csc_item_path(anc, w->path, w->path_cap);
        w->path_len = len;
        for (uint32_t k = below; k > 0; k--) {
            const csc__rnode_t *n = r;
            for (uint32_t j = 1; j < k; j++)
                n = n->parent;
            if (!path_push_remote(w, w->path_len, n))
                return;
        }
        if (attempt) {
            path = w->path;
            path_len = w->path_len;
        }
    }
    w->fault_live = w->fault_armed;
    set_nocaching(w, false);
    w->online = w->online_known = true;
    uint32_t id;
    if (!process_remote(w, csc__id(anc), r, nocaching, path, path_len, &id, result))
        return;
    /* Deep: the remote subtree; a folder that failed for access is still
     * walked into (C15.19); a server's uncached shares are not (C15.19). */
    bool walk_in = w->deep && r->type != CSC_ITEM_FILE && r->type != CSC_ITEM_SERVER &&
                   (id != CSC__NONE || *result == CSC_E_ACCESSDENIED);
    if (!walk_in)
        return;
    mstack_t st = {NULL, 0, 0};
    if (merge_enter(w, &st, id, id != CSC__NONE ? id : csc__id(anc), r, true, false, true, false))
        merge_walk(w, &st);
    csc__free(&cache->alloc, st.f, st.cap * sizeof *st.f);
}

static void walk_path(walk_t *w, struct csc_item *top, csc_hresult *result)
{
    w->fault_live = w->fault_armed && csc__fault_path_live(w->cache, w->fault_op, top);
    if (w->op == CSC__OP_DELETE) {
        walk_delete(w, top, result);
        return;
    }
    csc_cache_t *cache = w->cache;
    size_t len = csc__item_path_len(top);
    if (w->ctl.progress != NULL) {
        if (!reserve_path(w, len))
            return;
        csc_item_path(top, w->path, w->path_cap);
    }
    w->path_len = len;
    bool merge = false;
    if (w->op == CSC__OP_PIN) { /* the remote side (C10.6, C15.1, C15.2) */
        bool fetch = false;
        if (w->deep && csc__is_container(top))
            fetch = pin_scope(w, top);
        else
            pin_mode(w, top);
        merge = w->deep && csc__is_container(top) && pin_needs_merge(w, top, fetch);
        if (stopped(w))
            return;
        if (merge && csc__type(top) == CSC_ITEM_SERVER) {
            set_nocaching(w, false);
            w->online = true;
        }
        if (!process(w, top, csc__id(top), csc__hot(top), w->path, w->path_len, CSC_S_OK, result))
            return;
        if (merge) {
            merge_below(w, top, fetch);
            return;
        }
    } else if (!process(w, top, csc__id(top), csc__hot(top), w->path, w->path_len, CSC_S_OK,
                        result)) {
        return;
    }
    if (!csc__is_container(top))
        return;

    if (!w->deep) {
        if (w->op == CSC__OP_PIN) /* C3.4: the container alone */
            return;
        /* C4.4: the immediate children that are files. */
        size_t base = w->path_len;
        for (uint32_t ch = csc__hot(top)->u.d.first_child; ch != CSC__NONE;
             ch = csc__hot_at(cache, ch)->next_sibling) {
            if (csc__hot_at(cache, ch)->type != CSC_ITEM_FILE)
                continue;
            struct csc_item *item = csc__item_at(cache, ch);
            csc_hresult ignored;
            csc__hot_t *h = csc__hot_at(cache, ch);
            if (!path_push(w, base, item, h) ||
                !process(w, item, ch, h, w->path, w->path_len, 0, &ignored))
                return;
        }
        return;
    }

    w->fast_unpin = w->op == CSC__OP_UNPIN && !paths_wanted(w) && !w->ctl.has_cancel &&
                    cache->acl_count == 0 && !w->fault_live;

    /* Deep: the subtree in pre-order, following the hot records' links;
     * names (cold) are read only to build paths for a sink. With a sink,
     * w->path_len is the length of the current item's path throughout. */
    bool paths = w->ctl.progress != NULL;
    uint32_t top_id = csc__id(top), id = top_id;
    csc__hot_t *h = csc__hot(top);
    size_t base = 0; /* with a sink: where the current item's name starts, less one */
    for (;;) {
        uint32_t next;
        if (csc__hot_first_child(h) != CSC__NONE) {
            next = h->u.d.first_child;
            base = w->path_len;
        } else {
            while (id != top_id && h->next_sibling == CSC__NONE) {
                id = h->parent;
                h = csc__hot_at(cache, id);
                if (paths) { /* up to the parent: its path, and its own base */
                    w->path_len = base;
                    if (id != top_id)
                        base -= 1u + csc__name_len(csc__item_at(cache, id));
                }
            }
            if (id == top_id)
                return;
            next = h->next_sibling; /* a sibling: the same base */
        }
        h = hot_next(cache, h, id, next);
        id = next;
        if (w->fast_unpin && h->type == CSC_ITEM_FILE) {
            uint32_t last = unpin_files(w, csc__hot_at(cache, h->parent), id, h);
            if (last != id) {
                id = last;
                h = csc__hot_at(cache, id);
            }
            continue;
        }
        if (!paths) {
            if (!step(w, id, h))
                return;
            continue;
        }
        struct csc_item *item = csc__item_at(cache, id);
        csc_hresult ignored;
        if (!path_push(w, base, item, h) ||
            !process(w, item, id, h, w->path, w->path_len, 0, &ignored))
            return;
    }
}

csc_hresult csc__walk_validate_flags(uint32_t flags, csc__walk_op_t op)
{
    if (op == CSC__OP_SYNC) /* C12.1: the CR field holds 0-3 */
        return (flags & ~CSC_SYNC_FLAGS_VALID) != 0 || (flags >> 28) > 3u ? CSC_E_INVALIDARG
                                                                           : CSC_S_OK;
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
    if (op == CSC__OP_SYNC) /* Synchronize has a walk of its own (src/remote/sync.c) */
        return csc__sync_run(cache, paths, count, flags, NULL, progress, cancel, cancel2,
                             ignore_answers);
    walk_t w = {0};
    w.cache = cache;
    w.caller = caller != NULL ? caller : &cache->caller;
    csc__walk_ctl_init(&w.ctl, progress, cancel, cancel2, ignore_answers);
    w.flags = flags;
    w.sources = (uint16_t)(flags & CSC_PIN_FLAGS_SOURCES);
    w.hsources = (uint8_t)(w.sources >> CSC__PIN_SHIFT);
    w.deep = deep;
    w.op = op;
    w.pin_extra = op == CSC__OP_PIN && ((flags & CSC_PIN_FLAG_FILL) || !deep);
    w.pin_special = w.pin_extra;
    static const uint32_t fault_ops[] = {
        [CSC__OP_UNPIN] = CSC_FAULT_OP_UNPIN, [CSC__OP_PIN] = CSC_FAULT_OP_PIN,
        [CSC__OP_SYNC] = CSC_FAULT_OP_SYNCHRONIZE, [CSC__OP_DELETE] = CSC_FAULT_OP_DELETE_ITEMS};
    w.fault_op = fault_ops[op];
    w.fault_armed = csc__fault_armed(cache->faults, w.fault_op);
    if (cache->faults != NULL) { /* a fault of the whole call: before any event */
        csc_hresult fhr = csc__fault_call(cache, w.fault_op, paths, count);
        if (fhr != CSC_S_OK)
            return fhr;
    }
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
    csc_hresult hr = CSC_S_OK;
    if (count == 1) {
        hr = csc__tree_find(cache, paths[0], &item);
        if (hr == CSC_E_OUTOFMEMORY) { /* C8.1: nothing happened yet, no event */
            csc__free(&cache->alloc, w.path, w.path_cap);
            return hr;
        }
        /* C15.18 (C15.21): for DeleteItems only a cached file; an invalid
         * or uncached single path is a failed item (0x800700EA). */
        single_result = op == CSC__OP_DELETE
                            ? hr == CSC_S_OK && csc__type(item) == CSC_ITEM_FILE
                            : CSC_FAILED(hr) || csc__type(item) == CSC_ITEM_FILE;
    }

    csc__walk_begin_event(&w.ctl);

    csc_hresult last = CSC_S_OK;
    for (size_t i = 0; i < count && !stopped(&w); i++) {
        /* A single path was found above; the Begin callback cannot change
         * the cache (C14.5), so that answer stands. */
        if (count != 1)
            hr = csc__tree_find(cache, paths[i], &item);
        if (hr == CSC_E_OUTOFMEMORY) {
            w.out_of_memory = true;
            break;
        }
        if (hr == CSC_E_FILE_NOT_FOUND && op == CSC__OP_PIN) /* C7.2, C10.8 */
            pin_uncached(&w, paths[i], &last);
        else if (CSC_FAILED(hr)) /* C4.3: invalid or not cached */
            process(&w, NULL, CSC__NONE, NULL, paths[i], strlen(paths[i]), hr, &last);
        else
            walk_path(&w, item, &last);
    }

    csc_hresult end = csc__walk_end_event(&w.ctl, w.out_of_memory);
    csc__free(&cache->alloc, w.path, w.path_cap);

    if (end != CSC_S_OK)
        return end;
    if (op == CSC__OP_DELETE) { /* C15.18 */
        if (single_result)
            return last; /* the single file's last result */
        return w.any_failed ? CSC_E_MORE_DATA : CSC_S_OK; /* "if errors occurred" */
    }
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
    if (op == CSC__OP_SYNC) /* C12 (src/remote/sync.c) */
        return csc__sync_call(cache, paths, count, flags, NULL, progress, cancel);
    /* C13.1: refused before validation while the feature is not active,
     * and no eviction pass follows (C15.3). */
    csc_hresult hr = csc__active_check(cache);
    if (hr != CSC_S_OK)
        return hr;
    hr = csc__walk_validate(paths, count, flags, op);
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
        if (CSC__RECORDING(cache))
            hr = csc__rec_method(cache, paths, count, flags, deep, progress, cancel, op);
        else
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

csc_hresult csc_delete_items(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, const csc_progress_t *progress, csc_cancel_t *cancel)
{
    return run_sync(cache, paths, count, flags, false, progress, cancel, CSC__OP_DELETE);
}

/* DeleteItemsForUser (C13.7, C15.18): DeleteItems with `user`'s access. */
csc_hresult csc__delete_for_user(csc_cache_t *cache, const char *user,
                                 const char *const *paths, size_t count, uint32_t flags,
                                 const csc_progress_t *progress, csc_cancel_t *cancel)
{
    csc_hresult hr = csc__active_check(cache); /* C13.1, C15.3: no pass */
    if (hr != CSC_S_OK)
        return hr;
    hr = csc__walk_validate(paths, count, flags, CSC__OP_DELETE);
    if (hr == CSC_S_OK && progress != NULL && progress->version > CSC_PROGRESS_VERSION)
        hr = CSC_E_INVALIDARG;
    csc__caller_t who = {0};
    bool made = false;
    if (hr == CSC_S_OK) {
        hr = user == NULL ? CSC_E_INVALIDARG
                          : csc__caller_make(&cache->alloc, user, false, &who);
        made = hr == CSC_S_OK;
    }
    if (hr == CSC_S_OK && !cache->caller.admin)
        hr = CSC_E_ACCESSDENIED; /* "needs an administrator", before any event */
    if (hr == CSC_S_OK)
        hr = csc__walk_run(cache, &who, paths, count, flags, false, progress, cancel, NULL,
                           (flags & CSC_PIN_FLAG_ASYNC_PROGRESS) != 0, CSC__OP_DELETE);
    if (made)
        csc__caller_free(&cache->alloc, &who);
    csc__policy_after(cache); /* C15.3: even after a rejected call */
    return hr;
}

csc_hresult csc_delete_items_for_user(csc_cache_t *cache, const char *user,
                                      const char *const *paths, size_t count, uint32_t flags,
                                      const csc_progress_t *progress, csc_cancel_t *cancel)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        if (CSC__RECORDING(cache))
            hr = csc__rec_delete_for_user(cache, user, paths, count, flags, progress, cancel);
        else
            hr = csc__delete_for_user(cache, user, paths, count, flags, progress, cancel);
        csc__leave(cache);
    }
    return hr;
}
