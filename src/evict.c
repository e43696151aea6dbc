/*
 * src/evict.c: eviction (C5.2-C5.7). It owns the eviction index, two binary
 * heaps: evictable files ordered by last use then walk order (C5.4), and
 * evictable containers in walk order; every change of pins, dirty state,
 * open count, children or last use re-files the item through
 * csc__evict_update, so the next victim is found in O(log n) and never by a
 * scan. An item that becomes evictable first goes on a pending list (O(1),
 * so a deep unpin of a million files does not pay a heap insertion each);
 * a pass files the pending items into their heaps before it chooses (the
 * walk files an unpinned file with csc__pending_try, inline). Heap order
 * reads the slots' last uses, and the items' walk order (tree.c) only on a
 * tie. The heaps' capacities are reserved when items are created, and the
 * path handed to the eviction callback is built in a buffer reserved the
 * same way, so a pass never allocates and cannot fail halfway. It also owns the
 * passes themselves: evict all, evict until N bytes are freed, the automatic
 * and eager policies (C5.5) and making room under the total limit (C5.7).
 */
#include <string.h>

#include "alloc.h"
#include "record.h"
#include "evict.h"
#include "tree.h"

#include "cscsim/space.h"

/* ---- ordering --------------------------------------------------------- */

/* Whether slot a goes before slot b in its heap: last use first (always 0
 * for containers), then walk order (C2.3), which reads the items. */
static bool before(const csc__heap_slot_t *a, const csc__heap_slot_t *b)
{
    if (a->last_use != b->last_use)
        return a->last_use < b->last_use;
    return csc__walk_order(a->item, b->item) < 0;
}

/* ---- the heaps -------------------------------------------------------- */

static void heap_set(csc__heap_t *h, size_t i, csc__heap_slot_t slot)
{
    h->slots[i] = slot;
    csc__hot(slot.item)->heap_pos = (uint32_t)(i + 1);
}

static void sift_up(csc__heap_t *h, size_t i)
{
    csc__heap_slot_t slot = h->slots[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&slot, &h->slots[parent]))
            break;
        heap_set(h, i, h->slots[parent]);
        i = parent;
    }
    heap_set(h, i, slot);
}

static void sift_down(csc__heap_t *h, size_t i)
{
    csc__heap_slot_t slot = h->slots[i];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, best = i;
        const csc__heap_slot_t *best_slot = &slot;
        if (l < h->count && before(&h->slots[l], best_slot)) {
            best = l;
            best_slot = &h->slots[l];
        }
        if (r < h->count && before(&h->slots[r], best_slot)) {
            best = r;
            best_slot = &h->slots[r];
        }
        if (best == i)
            break;
        heap_set(h, i, *best_slot);
        i = best;
    }
    heap_set(h, i, slot);
}

static csc__heap_slot_t slot_of(struct csc_item *item)
{
    csc__heap_slot_t slot = {csc__type(item) == CSC_ITEM_FILE ? item->last_use : 0, item};
    return slot;
}

static void heap_push(csc__heap_t *h, struct csc_item *item)
{
    /* Capacity was reserved when the item was created. */
    h->slots[h->count] = slot_of(item);
    h->count++;
    sift_up(h, h->count - 1);
}

static void heap_remove(csc__heap_t *h, struct csc_item *item)
{
    size_t i = csc__hot(item)->heap_pos - 1;
    csc__hot(item)->heap_pos = 0;
    h->count--;
    if (i == h->count)
        return;
    struct csc_item *moved = h->slots[h->count].item;
    heap_set(h, i, h->slots[h->count]);
    sift_up(h, i);
    sift_down(h, csc__hot(moved)->heap_pos - 1u);
}

/* The item's last use may have changed: its slot takes the new value and
 * moves to its place. */
static void heap_fix(csc__heap_t *h, struct csc_item *item)
{
    csc__hot_t *hot = csc__hot(item);
    h->slots[hot->heap_pos - 1] = slot_of(item);
    sift_up(h, hot->heap_pos - 1);
    sift_down(h, hot->heap_pos - 1);
}

static bool heap_grow(const csc_allocator_t *a, csc__heap_t *h, size_t need)
{
    if (need <= h->cap)
        return true;
    size_t cap = h->cap < 16 ? 16 : h->cap;
    while (cap < need)
        cap *= 2;
    csc__heap_slot_t *slots = csc__malloc(a, cap * sizeof *slots);
    if (slots == NULL)
        return false;
    if (h->count > 0)
        memcpy(slots, h->slots, h->count * sizeof *slots);
    csc__free(a, h->slots, h->cap * sizeof *slots);
    h->slots = slots;
    h->cap = cap;
    return true;
}

bool csc__evict_reserve(csc_cache_t *cache, size_t files, size_t dirs, size_t path_len)
{
    if (!heap_grow(&cache->alloc, &cache->evictable_files, cache->file_count + files) ||
        !heap_grow(&cache->alloc, &cache->evictable_dirs, cache->container_count + dirs))
        return false;
    if (path_len + 1 > cache->scratch_cap) {
        size_t cap = cache->scratch_cap < 256 ? 256 : cache->scratch_cap;
        while (cap < path_len + 1)
            cap *= 2;
        char *s = csc__malloc(&cache->alloc, cap);
        if (s == NULL)
            return false;
        csc__free(&cache->alloc, cache->scratch, cache->scratch_cap);
        cache->scratch = s;
        cache->scratch_cap = cap;
    }
    return true;
}

void csc__evict_free(csc_cache_t *cache)
{
    csc__heap_t *hs[2] = {&cache->evictable_files, &cache->evictable_dirs};
    for (int i = 0; i < 2; i++) {
        csc__free(&cache->alloc, hs[i]->slots, hs[i]->cap * sizeof *hs[i]->slots);
        hs[i]->slots = NULL;
        hs[i]->count = hs[i]->cap = 0;
    }
    csc__list_t *p = &cache->pending;
    csc__free(&cache->alloc, p->slots, p->cap * sizeof *p->slots);
    p->slots = NULL;
    p->count = p->cap = 0;
    csc__free(&cache->alloc, cache->scratch, cache->scratch_cap);
    cache->scratch = NULL;
    cache->scratch_cap = 0;
}

/* ---- the index -------------------------------------------------------- */

/* C5.2, with the transient protection of C5.7. */
static bool evictable(const csc__hot_t *h)
{
    if (h->type == CSC__ITEM_ROOT || (h->flags & CSC__F_PROTECT) || h->pins != 0)
        return false;
    if (h->type == CSC_ITEM_FILE)
        return !(h->flags & (CSC__F_DIRTY | CSC__F_OPEN));
    return h->u.d.first_child == CSC__NONE;
}

static csc__heap_t *heap_of(csc_cache_t *cache, const csc__hot_t *h)
{
    return h->type == CSC_ITEM_FILE ? &cache->evictable_files : &cache->evictable_dirs;
}

/* The pending list: an unordered array, swap-removal. */
static bool pending_push(csc_cache_t *cache, uint32_t id, csc__hot_t *h)
{
    if (csc__pending_try(cache, id, h))
        return true;
    csc__list_t *p = &cache->pending;
    {
        /* x4: fewer, untouched spare slots, less freed memory left resident */
        size_t cap = p->cap < 64 ? 64 : p->cap * 4;
        uint32_t *slots = csc__malloc(&cache->alloc, cap * sizeof *slots);
        if (slots == NULL)
            return false; /* the caller files it into its heap instead */
        if (p->count > 0)
            memcpy(slots, p->slots, p->count * sizeof *slots);
        csc__free(&cache->alloc, p->slots, p->cap * sizeof *slots);
        p->slots = slots;
        p->cap = cap;
    }
    p->slots[p->count] = id;
    h->heap_pos = CSC__PENDING | (uint32_t)p->count;
    p->count++;
    return true;
}

static void pending_remove(csc_cache_t *cache, struct csc_item *item)
{
    csc__list_t *p = &cache->pending;
    size_t i = csc__hot(item)->heap_pos & ~CSC__PENDING;
    csc__hot(item)->heap_pos = 0;
    p->count--;
    if (i != p->count) {
        p->slots[i] = p->slots[p->count];
        csc__hot_at(cache, p->slots[i])->heap_pos = CSC__PENDING | (uint32_t)i;
    }
}

/* Files every pending item into its heap: pushes when few, else appends
 * and rebuilds the heap bottom-up (O(n)). */
static void flush_pending(csc_cache_t *cache)
{
    csc__list_t *p = &cache->pending;
    if (p->count == 0)
        return;
    csc__heap_t *hs[2] = {&cache->evictable_files, &cache->evictable_dirs};
    size_t added[2] = {0, 0};
    for (size_t i = 0; i < p->count; i++)
        added[csc__hot_at(cache, p->slots[i])->type == CSC_ITEM_FILE ? 0 : 1]++;
    bool rebuild[2];
    for (int h = 0; h < 2; h++)
        rebuild[h] = added[h] > hs[h]->count / 4u;
    for (size_t i = 0; i < p->count; i++) {
        struct csc_item *item = csc__item_at(cache, p->slots[i]);
        int h = csc__type(item) == CSC_ITEM_FILE ? 0 : 1;
        if (rebuild[h])
            heap_set(hs[h], hs[h]->count++, slot_of(item));
        else
            heap_push(hs[h], item);
    }
    p->count = 0;
    for (int h = 0; h < 2; h++)
        if (rebuild[h] && hs[h]->count > 1)
            for (size_t i = hs[h]->count / 2; i-- > 0;)
                sift_down(hs[h], i);
}

void csc__evict_update_hot(csc_cache_t *cache, uint32_t id, csc__hot_t *h)
{
    if (h->type == CSC__ITEM_ROOT)
        return;
    bool file = h->type == CSC_ITEM_FILE;
    bool want = evictable(h);
    if (h->heap_pos == 0) {
        if (!want)
            return;
        if (!pending_push(cache, id, h))
            heap_push(heap_of(cache, h), csc__item_at(cache, id));
        if (file)
            csc__bytes_add(&cache->evictable_bytes, h->size);
    } else if (!want) {
        struct csc_item *item = csc__item_at(cache, id);
        if (h->heap_pos & CSC__PENDING)
            pending_remove(cache, item);
        else
            heap_remove(heap_of(cache, h), item);
        if (file)
            csc__bytes_sub(&cache->evictable_bytes, h->size);
    } else if (!(h->heap_pos & CSC__PENDING)) {
        heap_fix(heap_of(cache, h), csc__item_at(cache, id)); /* its last use may have moved */
    }
}

void csc__evict_update(csc_cache_t *cache, struct csc_item *item)
{
    csc__evict_update_hot(cache, csc__id(item), csc__hot(item));
}

void csc__evict_size_changed(csc_cache_t *cache, struct csc_item *item, uint64_t old_size)
{
    if (csc__hot(item)->heap_pos != 0) {
        csc__bytes_sub(&cache->evictable_bytes, old_size);
        csc__bytes_add(&cache->evictable_bytes, csc__hot(item)->size);
    }
}

/* ---- passes ----------------------------------------------------------- */

/* Reports and removes one evictable item (C5.6). */
static void evict_one(csc_cache_t *cache, struct csc_item *item)
{
    if (cache->evict_cb != NULL) {
        csc_item_path(item, cache->scratch, cache->scratch_cap);
        cache->evict_cb(cache->evict_user_data, cache->scratch, csc__hot(item)->size);
    }
    csc__tree_remove_leaf(cache, item);
}

typedef enum pass_mode { PASS_ALL, PASS_BYTES, PASS_UNPINNED_LIMIT } pass_mode_t;

/*
 * One pass (C5.4): containers that are or become evictable go at once;
 * files go least recently used first until the mode's goal is met.
 */
static void pass(csc_cache_t *cache, pass_mode_t mode, csc__bytes_t bytes, uint64_t *freed_out,
                 size_t *count_out)
{
    csc__bytes_t freed = {0, 0};
    size_t count = 0;
    for (;;) {
        flush_pending(cache); /* what the last eviction made evictable */
        if (cache->evictable_dirs.count > 0) {
            evict_one(cache, cache->evictable_dirs.slots[0].item);
            count++;
            continue;
        }
        if (cache->evictable_files.count == 0)
            break;
        if (mode == PASS_BYTES && csc__bytes_ge(freed, bytes))
            break;
        if (mode == PASS_UNPINNED_LIMIT &&
            !csc__bytes_exceeds(cache->unpinned_used, cache->unpinned_limit))
            break;
        struct csc_item *victim = cache->evictable_files.slots[0].item;
        csc__bytes_add(&freed, csc__hot(victim)->size);
        evict_one(cache, victim);
        count++;
    }
    if (freed_out != NULL)
        *freed_out = csc__bytes_saturated(freed);
    if (count_out != NULL)
        *count_out = count;
}

static csc_hresult cache_evict_locked(csc_cache_t *cache, bool all, uint64_t bytes, uint64_t *freed,
                                      size_t *count)
{
    csc__bytes_t goal = {bytes, 0};
    pass(cache, all ? PASS_ALL : PASS_BYTES, goal, freed, count);
    return CSC_S_OK;
}

csc_hresult csc_cache_evict(csc_cache_t *cache, bool all, uint64_t bytes, uint64_t *freed,
                            size_t *count)
{
    if (freed != NULL)
        *freed = 0;
    if (count != NULL)
        *count = 0;
    if (cache == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = cache_evict_locked(cache, all, bytes, freed, count);
        if (CSC__RECORDING(cache))
            csc__rec_evict(cache, all, bytes, freed, count, hr);
        csc__leave(cache);
    }
    return hr;
}

void csc__policy_after(csc_cache_t *cache)
{
    csc__bytes_t none = {0, 0};
    if (cache->policy == CSC_EVICT_EAGER)
        pass(cache, PASS_ALL, none, NULL, NULL);
    else if (cache->policy == CSC_EVICT_AUTOMATIC &&
             csc__bytes_exceeds(cache->unpinned_used, cache->unpinned_limit))
        pass(cache, PASS_UNPINNED_LIMIT, none, NULL, NULL);
}

static void set_flag(csc__hot_t *h, uint8_t flag, bool on)
{
    h->flags = on ? (uint8_t)(h->flags | flag) : (uint8_t)(h->flags & ~flag);
}

static void set_protect(csc_cache_t *cache, struct csc_item *file, struct csc_item *anc, bool on)
{
    if (file != NULL) {
        set_flag(csc__hot(file), CSC__F_PROTECT, on);
        csc__evict_update(cache, file);
    }
    for (struct csc_item *p = anc; p != NULL && csc__type(p) != CSC__ITEM_ROOT;
         p = csc__parent(p)) {
        set_flag(csc__hot(p), CSC__F_PROTECT, on);
        csc__evict_update(cache, p);
    }
}

csc_hresult csc__space_make_room(csc_cache_t *cache, uint64_t added, struct csc_item *file,
                                 struct csc_item *anc)
{
    csc__bytes_t after = csc__bytes_plus(cache->used, added);
    if (added == 0 || !csc__bytes_exceeds(after, cache->limit))
        return CSC_S_OK;
    if (cache->policy == CSC_EVICT_MANUAL || added > cache->limit)
        return CSC_E_DISK_FULL;
    csc__bytes_t limit = {cache->limit, 0};
    csc__bytes_t need = csc__bytes_minus(after, limit); /* used + added - limit */
    set_protect(cache, file, anc, true);
    csc_hresult hr = CSC_E_DISK_FULL;
    if (csc__bytes_ge(cache->evictable_bytes, need)) {
        pass(cache, PASS_BYTES, need, NULL, NULL);
        hr = CSC_S_OK;
    }
    set_protect(cache, file, anc, false);
    return hr;
}

/* After a rename (tree.c, C13.2): walk order, which breaks ties in the
 * heaps, changed for a whole subtree; every heap is rebuilt bottom-up. */
void csc__evict_reorder(csc_cache_t *cache)
{
    csc__heap_t *hs[2] = {&cache->evictable_files, &cache->evictable_dirs};
    for (int k = 0; k < 2; k++)
        if (hs[k]->count > 1)
            for (size_t i = hs[k]->count / 2; i-- > 0;)
                sift_down(hs[k], i);
}

