/*
 * src/tree.c: the item tree. It creates items when a path is cached, with
 * their missing ancestors (C2.2) and the checks of C2.4; keeps every child
 * list ordered by case-folded name (C2.3); pins items that arrive below an
 * inheriting parent (C3.3); and routes every change of pin state through
 * csc__tree_set_pins, which keeps the counters that make "partly pinned"
 * (C3.5) and the disk-space figures O(1) to read. Creation is all or
 * nothing: every allocation is made before the tree is touched (C8.1).
 * It also owns item storage: slabs of hot and cold records (tree.h), ids
 * handed out from a free list, each item's key and names.
 */
#include <string.h>

#include "alloc.h"
#include "path.h"
#include "tree.h"

/* Short paths are normalised in a stack buffer; longer ones allocate. */
/* ---- item storage ----------------------------------------------------- */

/* A free id, or CSC__NONE when out of memory (or ids). Slabs are added,
 * never moved; their pages are touched only as ids are handed out. */
/* Tells the modules above (eviction) that the item's state changed. */
static void refile(csc_cache_t *cache, struct csc_item *item)
{
    cache->hooks->refile(cache, csc__id(item), csc__hot(item));
}

static uint32_t id_alloc(csc_cache_t *cache)
{
    if (cache->id_free != CSC__NONE) {
        uint32_t id = cache->id_free;
        cache->id_free = csc__hot_at(cache, id)->next_sibling;
        return id;
    }
    if (cache->id_next >= (uint64_t)cache->slab_count * CSC__SLAB_ITEMS) {
        if (cache->slab_count == UINT32_MAX >> CSC__SLAB_SHIFT)
            return CSC__NONE;
        if (cache->slab_count == cache->slab_cap) {
            uint32_t cap = cache->slab_cap < 16 ? 16 : cache->slab_cap * 2;
            csc__slab_t **t = csc__malloc(&cache->alloc, cap * sizeof *t);
            if (t == NULL)
                return CSC__NONE;
            if (cache->slab_count > 0)
                memcpy(t, cache->slabs, cache->slab_count * sizeof *t);
            csc__free(&cache->alloc, cache->slabs, cache->slab_cap * sizeof *t);
            cache->slabs = t;
            cache->slab_cap = cap;
        }
        void *raw = csc__malloc(&cache->alloc, sizeof(csc__slab_t) + CSC__SLAB_ALIGN);
        if (raw == NULL)
            return CSC__NONE;
        csc__slab_t *slab =
            (csc__slab_t *)(((uintptr_t)raw + CSC__SLAB_ALIGN - 1u) & ~(CSC__SLAB_ALIGN - 1u));
        slab->u.h.cache = cache;
        slab->u.h.raw = raw;
        slab->u.h.first = cache->slab_count << CSC__SLAB_SHIFT;
        cache->slabs[cache->slab_count++] = slab;
        cache->id_next = slab->u.h.first + 1; /* slot 0 is the header */
    }
    return cache->id_next++;
}

static void id_release(csc_cache_t *cache, uint32_t id)
{
    csc__hot_t *h = csc__hot_at(cache, id);
    h->flags = CSC__F_FREE;
    h->next_sibling = cache->id_free;
    cache->id_free = id;
}

/* Bytes of an item's own key allocation, or 0 when the key is inline. */
static size_t key_alloc_size(const struct csc_item *item)
{
    if ((const char *)item->hh.key == item->key)
        return 0;
    size_t size = item->hh.keylen + 1u;
    if (csc__hot(item)->flags & CSC__F_NAMED)
        size += strlen(csc__name(item)) + 1u;
    return size;
}

/* A new item below `parent` (an id) with folded last component fname and
 * display name `name`; everything else zero. NULL when out of memory. */
static struct csc_item *alloc_item(csc_cache_t *cache, uint32_t parent, const char *fname,
                                   size_t flen, const char *name, size_t name_len)
{
    uint32_t id = id_alloc(cache);
    if (id == CSC__NONE)
        return NULL;
    struct csc_item *item = csc__item_at(cache, id);
    csc__hot_t *h = csc__hot(item);
    memset(h, 0, sizeof *h);
    memset(item, 0, sizeof *item);
    bool same = flen == name_len && memcmp(fname, name, name_len) == 0;
    char *key = item->key;
    if (!same || 4u + flen + 1u > sizeof item->key) {
        key = csc__malloc(&cache->alloc, 4u + flen + 1u + (same ? 0 : name_len + 1u));
        if (key == NULL) {
            id_release(cache, id);
            return NULL;
        }
    }
    memcpy(key, &parent, 4);
    memcpy(key + 4, fname, flen);
    key[4 + flen] = '\0';
    if (!same) {
        memcpy(key + 4 + flen + 1, name, name_len);
        key[4 + flen + 1 + name_len] = '\0';
        h->flags = CSC__F_NAMED;
    }
    item->hh.key = key;
    item->hh.keylen = (unsigned)(4u + flen);
    h->parent = parent;
    return item;
}

static void free_item(csc_cache_t *cache, struct csc_item *item)
{
    if (item->acl != 0) {
        cache->hooks->acl_free(cache, cache->acls[item->acl]);
        cache->acls[item->acl] = NULL;
        cache->acl_count--;
    }
    size_t ks = key_alloc_size(item);
    if (ks != 0)
        csc__free(&cache->alloc, (void *)item->hh.key, ks);
    id_release(cache, csc__id(item));
}

csc_hresult csc__tree_new_root(csc_cache_t *cache, const csc__tree_hooks_t *hooks)
{
    cache->hooks = hooks;
    struct csc_item *root = alloc_item(cache, CSC__NONE, "", 0, "", 0);
    if (root == NULL)
        return CSC_E_OUTOFMEMORY;
    csc__hot(root)->type = CSC__ITEM_ROOT;
    cache->root = root;
    return CSC_S_OK;
}

void csc__tree_free_all(csc_cache_t *cache)
{
    if (cache->root != NULL) {
        csc__index_clear(&cache->index);
        for (uint32_t id = 1; id < cache->id_next; id++)
            if ((id & (CSC__SLAB_ITEMS - 1u)) != 0 &&
                !(csc__hot_at(cache, id)->flags & CSC__F_FREE))
                free_item(cache, csc__item_at(cache, id));
    }
    for (uint32_t s = 0; s < cache->slab_count; s++)
        csc__free(&cache->alloc, cache->slabs[s]->u.h.raw, sizeof(csc__slab_t) + CSC__SLAB_ALIGN);
    csc__free(&cache->alloc, cache->slabs, cache->slab_cap * sizeof *cache->slabs);
    csc__free(&cache->alloc, cache->acls, cache->acl_cap * sizeof *cache->acls);
    cache->slabs = NULL;
    cache->acls = NULL;
    cache->slab_count = cache->slab_cap = cache->acl_cap = 0;
    cache->id_next = cache->id_free = CSC__NONE;
    cache->root = NULL;
    csc__free(&cache->alloc, cache->memo_key, cache->memo_cap);
    cache->memo_key = NULL;
    cache->memo_cap = 0;
    cache->memo_n = 0;
    cache->item_count = 0;
    if (cache->hooks != NULL)
        cache->hooks->release(cache);
}

/* ---- order ------------------------------------------------------------ */

int csc__compare_names(const struct csc_item *a, const struct csc_item *b)
{
    size_t la = csc__fname_len(a), lb = csc__fname_len(b);
    int c = memcmp(csc__fname(a), csc__fname(b), la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : (la > lb ? 1 : 0);
}

static uint32_t depth_of(const csc_cache_t *cache, uint32_t id)
{
    uint32_t d = 0;
    for (; id != CSC__NONE; id = csc__hot_at(cache, id)->parent)
        d++;
    return d;
}

int csc__walk_order(const struct csc_item *a, const struct csc_item *b)
{
    if (a == b)
        return 0;
    const csc_cache_t *cache = csc__cache_of(a);
    uint32_t ia = csc__id(a), ib = csc__id(b);
    uint32_t da = depth_of(cache, ia), db = depth_of(cache, ib);
    uint32_t ua = ia, ub = ib;
    for (uint32_t d = da; d > db; d--)
        ua = csc__hot_at(cache, ua)->parent;
    for (uint32_t d = db; d > da; d--)
        ub = csc__hot_at(cache, ub)->parent;
    if (ua == ub) /* one is an ancestor of the other: it comes first */
        return da < db ? -1 : 1;
    for (;;) {
        uint32_t pa = csc__hot_at(cache, ua)->parent, pb = csc__hot_at(cache, ub)->parent;
        if (pa == pb)
            break;
        ua = pa;
        ub = pb;
    }
    return csc__compare_names(csc__item_at(cache, ua), csc__item_at(cache, ub));
}

/* Links `item` into its parent's ordered child list. Appending is O(1). */
static void link_child(csc_cache_t *cache, struct csc_item *parent, struct csc_item *item)
{
    csc__hot_t *ph = csc__hot(parent), *ih = csc__hot(item);
    uint32_t iid = csc__id(item);
    uint32_t after = parent->u.last_child;
    while (after != CSC__NONE && csc__compare_names(csc__item_at(cache, after), item) > 0)
        after = csc__item_at(cache, after)->prev_sibling;
    item->prev_sibling = after;
    ih->next_sibling = after != CSC__NONE ? csc__hot_at(cache, after)->next_sibling
                                          : ph->u.d.first_child;
    if (ih->next_sibling != CSC__NONE)
        csc__item_at(cache, ih->next_sibling)->prev_sibling = iid;
    else
        parent->u.last_child = iid;
    if (after != CSC__NONE)
        csc__hot_at(cache, after)->next_sibling = iid;
    else
        ph->u.d.first_child = iid;
}

/* Takes `item` out of its parent's child list (its own links are left
 * for the caller to reset or drop). */
static void unlink_child(csc_cache_t *cache, struct csc_item *parent, struct csc_item *item)
{
    csc__hot_t *h = csc__hot(item), *ph = csc__hot(parent);
    if (item->prev_sibling != CSC__NONE)
        csc__hot_at(cache, item->prev_sibling)->next_sibling = h->next_sibling;
    else
        ph->u.d.first_child = h->next_sibling;
    if (h->next_sibling != CSC__NONE)
        csc__item_at(cache, h->next_sibling)->prev_sibling = item->prev_sibling;
    else
        parent->u.last_child = item->prev_sibling;
}

/* ---- loading (snapshot.c) --------------------------------------------- */

struct csc_item *csc__tree_append_child(csc_cache_t *cache, struct csc_item *parent,
                                        const char *fname, size_t flen, const char *name,
                                        size_t name_len, uint8_t type)
{
    struct csc_item *item = alloc_item(cache, csc__id(parent), fname, flen, name, name_len);
    if (item == NULL)
        return NULL;
    if (!csc__index_add(&cache->index, item)) {
        free_item(cache, item);
        return NULL;
    }
    csc__hot(item)->type = type;
    link_child(cache, parent, item); /* O(1): it sorts last */
    cache->item_count++;
    if (type == CSC_ITEM_FILE)
        cache->file_count++;
    else
        cache->container_count++;
    return item;
}

/* ---- pin state -------------------------------------------------------- */

void csc__tree_set_pins(csc_cache_t *cache, struct csc_item *item, uint16_t pins,
                        uint16_t inherit)
{
    csc__tree_set_pins_hot(cache, csc__id(item), csc__hot(item),
                           (uint8_t)(pins >> CSC__PIN_SHIFT), (uint8_t)(inherit >> CSC__PIN_SHIFT));
}

void csc__tree_set_pins_hot(csc_cache_t *cache, uint32_t id, csc__hot_t *h, uint8_t pins,
                            uint8_t inherit)
{
    bool was = h->pins != 0, now = pins != 0;
    h->pins = pins;
    h->inherit = inherit;
    if (was == now)
        return;
    cache->hooks->refile(cache, id, h);
    if (h->type == CSC_ITEM_FILE) {
        if (now)
            csc__bytes_sub(&cache->unpinned_used, h->size);
        else
            csc__bytes_add(&cache->unpinned_used, h->size);
    }
    /* C3.5: `item` became marked (pinned, or with something pinned below)
     * or stopped being so only if it has nothing pinned below; its parent
     * counts it, and the change goes up only while an ancestor's own mark
     * flips. A deep unpin thus touches each parent once per emptied
     * container, not every ancestor per item. */
    if (csc__hot_pinned_below(h) != 0)
        return;
    csc__tree_mark_changed(cache, h, now);
}

void csc__tree_mark_changed(csc_cache_t *cache, const csc__hot_t *h, bool now)
{
    for (uint32_t p = h->parent; p != CSC__NONE;) {
        csc__hot_t *ph = csc__hot_at(cache, p);
        bool marked_before = csc__marked_hot(ph);
        if (now)
            ph->u.d.pinned_below++;
        else
            ph->u.d.pinned_below--;
        if (csc__marked_hot(ph) == marked_before)
            break;
        p = ph->parent;
    }
}


/* Sets the size of an existing file, keeping the disk-space counters. */
void csc__tree_set_file_size(csc_cache_t *cache, struct csc_item *item, uint64_t size)
{
    csc__hot_t *h = csc__hot(item);
    uint64_t old = h->size;
    csc__bytes_sub(&cache->used, old);
    csc__bytes_add(&cache->used, size);
    if (h->pins == 0) {
        csc__bytes_sub(&cache->unpinned_used, old);
        csc__bytes_add(&cache->unpinned_used, size);
    }
    h->size = size;
    cache->hooks->size_changed(cache, item, old);
}

/* Pre-order successor of `id` over the hot links (the root's id ends). */
uint32_t csc__tree_preorder_next(const csc_cache_t *cache, uint32_t id)
{
    return csc__tree_next_in(cache, id, csc__id(cache->root), true);
}

void csc__tree_remove_leaf(csc_cache_t *cache, struct csc_item *item)
{
    csc__hot_t *h = csc__hot(item);
    struct csc_item *parent = csc__item_at(cache, h->parent);
    if ((h->flags & CSC__F_TWIN) && cache->twin_leaving != NULL)
        cache->twin_leaving(cache, item); /* hook of src/remote/ (C10.1) */
    if (h->type == CSC_ITEM_FILE && (h->flags & CSC__F_XSTATE) && cache->file_leaving != NULL)
        cache->file_leaving(cache, item); /* src/remote/fstate.c */
    else if (h->type != CSC_ITEM_FILE && cache->container_leaving != NULL)
        cache->container_leaving(cache, item); /* src/remote/fetch.c */
    cache->memo_n = 0; /* the memo may name it */
    cache->shape_gen++;
    if (cache->watch == item)
        cache->watch = NULL;
    csc__tree_set_pins(cache, item, 0, 0); /* settles pinned_below, unpinned_used */
    h->flags |= CSC__F_PROTECT; /* no longer evictable: leaves its heap */
    refile(cache, item);
    unlink_child(cache, parent, item);
    csc__index_remove(&cache->index, item);
    cache->item_count--;
    if (h->type == CSC_ITEM_FILE) {
        csc__bytes_sub(&cache->used, h->size);
        csc__bytes_sub(&cache->unpinned_used, h->size);
        cache->file_count--;
    } else {
        cache->container_count--;
    }
    free_item(cache, item);
    refile(cache, parent); /* it may have become evictable */
}

/* ---- caching ---------------------------------------------------------- */

/* Frees a prepared chain that was never linked (see prepare_chain). */
static void undo_chain(csc_cache_t *cache, struct csc_item *top, struct csc_item *indexed_end)
{
    for (struct csc_item *u = top; u != indexed_end && u != NULL;
         u = csc__item_at(cache, csc__hot_first_child(csc__hot(u))))
        csc__index_remove(&cache->index, u);
    while (top != NULL) {
        struct csc_item *next = csc__item_at(cache, csc__hot_first_child(csc__hot(top)));
        free_item(cache, top);
        top = next;
    }
}

/* Where a component starts and ends in the key and the display path. */
typedef struct comp {
    size_t kpos, kend, dpos, dend;
} comp_t;

/* The component after `c` (the first one when c->kend == 0). */
static void next_comp(const csc__path_buf_t *pb, comp_t *c)
{
    c->kpos = c->kend == 0 ? 2 : c->kend + 1;
    c->dpos = c->dend == 0 ? 2 : c->dend + 1;
    c->kend = c->kpos;
    while (c->kend < pb->key_len && pb->key[c->kend] != '\\')
        c->kend++;
    c->dend = c->dpos;
    while (c->dend < pb->display_len && pb->display[c->dend] != '\\')
        c->dend++;
}

/*
 * Prepares the items of depths first_depth..ncomp below `anc` (all
 * missing), `c` being the component before the first of them: every
 * allocation (items, index entries, eviction index room), nothing linked.
 * The new items are chained through parent / first_child. On failure
 * nothing changed. *top receives the chain.
 */
static csc_hresult prepare_chain(csc_cache_t *cache, struct csc_item *anc, uint32_t first_depth,
                                 comp_t c, const csc__path_buf_t *pb, csc_item_type_t leaf,
                                 struct csc_item **top_out)
{
    struct csc_item *top = NULL, *prev = anc, *made;
    csc_hresult hr = CSC_S_OK;

    /* 1. Allocate, top-down; new items are chained through parent. */
    for (uint32_t depth = first_depth; depth <= pb->ncomp; depth++) {
        next_comp(pb, &c);
        made = alloc_item(cache, csc__id(prev), pb->key + c.kpos, c.kend - c.kpos,
                          pb->display + c.dpos, c.dend - c.dpos);
        if (made == NULL) {
            hr = CSC_E_OUTOFMEMORY;
            break;
        }
        csc__hot(made)->type = (uint8_t)csc__type_at_depth(depth, pb->ncomp, leaf);
        made->last_use = cache->clock;
        if (prev == anc)
            top = made;
        else
            csc__hot(prev)->u.d.first_child = csc__id(made); /* temporary chain link */
        prev = made;
    }

    /* 2. Room in the eviction index and its path buffer. */
    uint32_t made_count = hr == CSC_S_OK ? pb->ncomp - first_depth + 1 : 0;
    if (hr == CSC_S_OK) {
        size_t files = leaf == CSC_ITEM_FILE ? 1 : 0;
        size_t path_bound = (anc == cache->root ? 0 : csc__item_path_len(anc)) + pb->display_len;
        if (!cache->hooks->reserve(cache, files, made_count - files, path_bound))
            hr = CSC_E_OUTOFMEMORY;
    }

    /* 3. Index them; undo on failure. */
    struct csc_item *it = top;
    if (hr == CSC_S_OK) {
        for (; it != NULL; it = csc__item_at(cache, csc__hot_first_child(csc__hot(it)))) {
            if (!csc__index_add(&cache->index, it)) {
                hr = CSC_E_OUTOFMEMORY;
                break;
            }
        }
    }
    if (hr != CSC_S_OK) {
        undo_chain(cache, top, it);
        return hr;
    }
    *top_out = top;
    return CSC_S_OK;
}

/* Links a prepared chain into the tree and settles its state (C2.2, C3.3);
 * never fails. Returns the deepest new item. */
static struct csc_item *commit_chain(csc_cache_t *cache, struct csc_item *top, uint64_t size)
{
    struct csc_item *it;
    struct csc_item *leaf_item = NULL;
    for (it = top; it != NULL;) {
        csc__hot_t *h = csc__hot(it);
        struct csc_item *next = csc__item_at(cache, csc__hot_first_child(h));
        struct csc_item *parent = csc__item_at(cache, h->parent);
        if (h->type != CSC_ITEM_FILE)
            h->u.d.first_child = CSC__NONE;
        link_child(cache, parent, it);
        cache->item_count++;
        if (h->type == CSC_ITEM_FILE)
            cache->file_count++;
        else
            cache->container_count++;
        uint16_t inh = csc__type(parent) == CSC__ITEM_ROOT ? 0 : csc__inherit(parent);
        if (h->type == CSC_ITEM_FILE) {
            h->size = size;
            csc__bytes_add(&cache->used, size);
            csc__bytes_add(&cache->unpinned_used, size); /* set_pins moves it when pinned */
        }
        if (h->type != CSC_ITEM_SERVER && inh != 0) /* C3.3 */
            csc__tree_set_pins(cache, it, inh, csc__is_container(it) ? inh : 0);
        leaf_item = it;
        it = next;
    }
    /* Eviction index: the old ancestor gained a child; new items file in. */
    struct csc_item *old = csc__parent(top);
    refile(cache, old);
    for (it = leaf_item; it != old; it = csc__parent(it))
        refile(cache, it);
    return leaf_item;
}

/*
 * The lookup memo: the last path resolved, component by component. A path
 * that shares its first d components with it starts its descent at the
 * memo's item of depth d, so a directory filled file by file, or files
 * looked up one after another in one share, cost one or two index lookups
 * instead of one per component. Calls are serialised (guard.h), and the
 * memo is cleared whenever an item leaves, so its ids are always live.
 */
static struct csc_item *memo_start(const csc_cache_t *cache, const csc__path_buf_t *pb,
                                   uint32_t *depth, comp_t *at, uint32_t *ids)
{
    uint32_t d = 0;
    comp_t c = {0, 0, 0, 0};
    while (d < cache->memo_n && d < pb->ncomp) {
        comp_t nx = c;
        next_comp(pb, &nx);
        size_t end = cache->memo_end[d];
        if (nx.kend != end || memcmp(pb->key + nx.kpos, cache->memo_key + nx.kpos, end - nx.kpos))
            break;
        ids[d] = cache->memo_id[d];
        c = nx;
        d++;
    }
    *depth = d;
    *at = c;
    return d == 0 ? cache->root : csc__item_at(cache, cache->memo_id[d - 1]);
}

/* Remembers the path of `pb`, resolved to ids[0..depth) (only the first
 * CSC__MEMO_DEPTH count). Best effort: without memory the memo is dropped.
 * The cache is logically const for finding; the memo is the index's state,
 * kept under the guard. */
static void memo_record(const csc_cache_t *ccache, const csc__path_buf_t *pb, const uint32_t *ids,
                        uint32_t depth)
{
    csc_cache_t *cache = (csc_cache_t *)ccache;
    cache->memo_n = 0;
    uint32_t n = depth < CSC__MEMO_DEPTH ? depth : CSC__MEMO_DEPTH;
    if (n == 0)
        return;
    comp_t c = {0, 0, 0, 0};
    for (uint32_t d = 0; d < n; d++) {
        next_comp(pb, &c);
        cache->memo_end[d] = (uint32_t)c.kend;
    }
    size_t len = c.kend;
    if (len + 1 > cache->memo_cap) {
        size_t cap = cache->memo_cap < 64 ? 64 : cache->memo_cap;
        while (cap < len + 1)
            cap *= 2;
        char *k = csc__malloc(&cache->alloc, cap);
        if (k == NULL)
            return;
        csc__free(&cache->alloc, cache->memo_key, cache->memo_cap);
        cache->memo_key = k;
        cache->memo_cap = cap;
    }
    memcpy(cache->memo_key, pb->key, len);
    memcpy(cache->memo_id, ids, n * sizeof *ids);
    cache->memo_n = n;
}

/*
 * Finds the deepest cached item on the path of `pb`: its depth (0: the
 * root) and, in *c, its last component (kend 0 for the root). A file stops
 * the descent (nothing is cached below a file).
 */
static struct csc_item *descend(const csc_cache_t *cache, const csc__path_buf_t *pb, uint32_t *depth,
                                comp_t *c, uint32_t *ids)
{
    comp_t at;
    struct csc_item *cur = memo_start(cache, pb, depth, &at, ids);
    /* A child that sorts after its parent's last child is not cached
     * (C2.3): no lookup for a directory filled in order. */
    if (*depth > 0 && *depth + 1 == pb->ncomp && csc__type(cur) != CSC_ITEM_FILE) {
        comp_t nx = at;
        next_comp(pb, &nx);
        const struct csc_item *last = csc__item_at(cache, cur->u.last_child);
        size_t nlen = nx.kend - nx.kpos;
        if (last == NULL) {
            *c = at;
            return cur;
        }
        size_t llen = csc__fname_len(last);
        int cmp = memcmp(pb->key + nx.kpos, csc__fname(last), nlen < llen ? nlen : llen);
        if (cmp > 0 || (cmp == 0 && nlen > llen)) {
            *c = at;
            return cur;
        }
    }
    while (*depth < pb->ncomp && csc__type(cur) != CSC_ITEM_FILE) {
        comp_t nx = at;
        next_comp(pb, &nx);
        struct csc_item *child =
            csc__index_find(&cache->index, csc__id(cur), pb->key + nx.kpos, nx.kend - nx.kpos);
        if (child == NULL)
            break;
        cur = child;
        at = nx;
        if (*depth < CSC__MEMO_DEPTH)
            ids[*depth] = csc__id(child);
        (*depth)++;
    }
    *c = at;
    return cur;
}

csc_hresult csc__tree_cache(csc_cache_t *cache, const char *path, csc_item_type_t type,
                            bool has_size, uint64_t size, struct csc_item **out)
{
    csc__path_buf_t pb;
    struct csc_item *item = NULL;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr != CSC_S_OK)
        goto done;
    if (type == CSC_ITEM_FILE && pb.ncomp < 3) { /* C2.4 */
        hr = CSC_E_INVALID_NAME;
        goto done;
    }
    csc_item_type_t want = type == CSC_ITEM_FILE ? CSC_ITEM_FILE
                                                 : csc__type_at_depth(pb.ncomp, pb.ncomp, type);

    uint32_t depth = 0;
    comp_t c;
    uint32_t ids[CSC__MEMO_DEPTH];
    struct csc_item *anc = descend(cache, &pb, &depth, &c, ids);
    if (depth == pb.ncomp) {
        item = anc;
        csc__hot_t *h = csc__hot(item);
        if (h->type != want) {
            hr = CSC_E_ALREADY_EXISTS;
            item = NULL;
            goto done;
        }
        if (want == CSC_ITEM_FILE && has_size && size > h->size) {
            hr = cache->hooks->make_room(cache, size - h->size, item, csc__parent(item)); /* C5.7 */
            if (hr != CSC_S_OK) {
                item = NULL;
                goto done;
            }
        }
        if (want == CSC_ITEM_FILE && has_size)
            csc__tree_set_file_size(cache, item, size);
        item->last_use = cache->clock; /* C2.4, C5.4: caching again touches */
        refile(cache, item);
        memo_record(cache, &pb, ids, pb.ncomp);
        goto done;
    }
    if (csc__type(anc) == CSC_ITEM_FILE) { /* C2.4: a path below a file */
        hr = CSC_E_DIRECTORY;
        goto done;
    }
    struct csc_item *top = NULL;
    hr = prepare_chain(cache, anc, depth + 1, c, &pb, want, &top);
    if (hr == CSC_S_OK && want == CSC_ITEM_FILE && has_size && size > 0) {
        hr = cache->hooks->make_room(cache, size, NULL, anc); /* C5.7 */
        if (hr != CSC_S_OK)
            undo_chain(cache, top, NULL);
    }
    if (hr == CSC_S_OK) {
        item = commit_chain(cache, top, has_size ? size : 0);
        /* the new items, just written, from the leaf up */
        struct csc_item *it = item;
        for (uint32_t d = pb.ncomp; d > depth; d--, it = csc__parent(it))
            if (d <= CSC__MEMO_DEPTH)
                ids[d - 1] = csc__id(it);
        memo_record(cache, &pb, ids, pb.ncomp);
    }

done:
    csc__path_buf_release(&cache->alloc, &pb);
    if (out != NULL)
        *out = hr == CSC_S_OK ? item : NULL;
    return hr;
}

csc_hresult csc__tree_find(const csc_cache_t *cache, const char *path, struct csc_item **out)
{
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    struct csc_item *item = NULL;
    if (hr == CSC_S_OK) {
        comp_t at;
        uint32_t d, ids[CSC__MEMO_DEPTH];
        item = memo_start(cache, &pb, &d, &at, ids);
        for (; d < pb.ncomp && item != NULL; d++) {
            next_comp(&pb, &at);
            item = csc__index_find(&cache->index, csc__id(item), pb.key + at.kpos,
                                   at.kend - at.kpos);
            if (item != NULL && d < CSC__MEMO_DEPTH)
                ids[d] = csc__id(item);
        }
        if (item == NULL)
            hr = CSC_E_FILE_NOT_FOUND;
        else
            memo_record(cache, &pb, ids, pb.ncomp);
    }
    csc__path_buf_release(&cache->alloc, &pb);
    *out = item;
    return hr;
}

struct csc_item *csc__tree_find_key(const csc_cache_t *cache, const char *key, size_t key_len)
{
    struct csc_item *cur = cache->root;
    size_t pos = 2; /* after the leading "\\" */
    if (key_len < 3)
        return NULL;
    while (pos <= key_len && cur != NULL) {
        size_t end = pos;
        while (end < key_len && key[end] != '\\')
            end++;
        if (csc__type(cur) == CSC_ITEM_FILE)
            return NULL;
        cur = csc__index_find(&cache->index, csc__id(cur), key + pos, end - pos);
        pos = end + 1;
    }
    return cur;
}

size_t csc__item_key_len(const struct csc_item *item)
{
    size_t len = 1;
    for (; item != NULL && csc__type(item) != CSC__ITEM_ROOT; item = csc__parent(item))
        len += 1u + csc__fname_len(item);
    return len;
}

void csc__item_key(const struct csc_item *item, char *out, size_t len)
{
    size_t pos = len;
    for (; item != NULL && csc__type(item) != CSC__ITEM_ROOT; item = csc__parent(item)) {
        size_t n = csc__fname_len(item);
        pos -= n;
        memcpy(out + pos, csc__fname(item), n);
        out[--pos] = '\\';
    }
    out[0] = '\\';
}

size_t csc__item_path_len(const struct csc_item *item)
{
    size_t len = 1;
    for (; item != NULL && csc__type(item) != CSC__ITEM_ROOT; item = csc__parent(item))
        len += 1u + csc__name_len(item);
    return len;
}

/* ---- renaming (rename.c, C13.2) --------------------------------------- */

/* The files of the subtree of `top` with implicit remote twins get their
 * records, at their present paths (the hook of src/remote/, which neither
 * fails nor allocates; what the server has does not change, C10.1). */
static void twins_leave_below(csc_cache_t *cache, struct csc_item *top)
{
    if (cache->twin_leaving == NULL)
        return;
    uint32_t top_id = csc__id(top), id = top_id;
    while (id != CSC__NONE) {
        csc__hot_t *h = csc__hot_at(cache, id);
        if (h->flags & CSC__F_TWIN)
            cache->twin_leaving(cache, csc__item_at(cache, id));
        id = csc__tree_next_in(cache, id, top_id, true);
    }
}

csc_hresult csc__tree_move(csc_cache_t *cache, struct csc_item *item,
                           struct csc_item *new_parent, const char *fname, size_t flen,
                           const char *name, size_t name_len)
{
    csc__hot_t *h = csc__hot(item);
    uint32_t pid = csc__id(new_parent);
    cache->shape_gen++;
    bool same = flen == name_len && memcmp(fname, name, name_len) == 0;
    size_t need = 4u + flen + 1u + (same ? 0 : name_len + 1u);
    bool inl = same && need <= sizeof item->key;
    char built[sizeof item->key];
    char *key = built;
    if (!inl) {
        key = csc__malloc(&cache->alloc, need);
        if (key == NULL)
            return CSC_E_OUTOFMEMORY; /* C8.1: nothing changed */
    }
    memcpy(key, &pid, 4);
    memcpy(key + 4, fname, flen);
    key[4 + flen] = '\0';
    if (!same) {
        memcpy(key + 4 + flen + 1, name, name_len);
        key[4 + flen + 1 + name_len] = '\0';
    }
    /* Renaming is the cache's alone: the server keeps the old paths. */
    twins_leave_below(cache, item);
    /* The old key, to free or to restore. */
    size_t old_alloc = key_alloc_size(item);
    const void *old_key = item->hh.key;
    unsigned old_len = item->hh.keylen;
    uint8_t old_named = h->flags & CSC__F_NAMED;
    char old_inline[sizeof item->key];
    memcpy(old_inline, item->key, sizeof item->key);

    csc__index_remove(&cache->index, item);
    if (inl) {
        memcpy(item->key, built, need);
        item->hh.key = item->key;
    } else {
        item->hh.key = key;
    }
    item->hh.keylen = (unsigned)(4u + flen);
    h->flags = (uint8_t)((h->flags & ~CSC__F_NAMED) | (same ? 0 : CSC__F_NAMED));
    if (!csc__index_add(&cache->index, item)) {
        /* Back as it was: the table held this very entry a moment ago. */
        memcpy(item->key, old_inline, sizeof item->key);
        item->hh.key = old_alloc == 0 ? item->key : old_key;
        item->hh.keylen = old_len;
        h->flags = (uint8_t)((h->flags & ~CSC__F_NAMED) | old_named);
        (void)csc__index_add(&cache->index, item);
        if (!inl)
            csc__free(&cache->alloc, key, need);
        return CSC_E_OUTOFMEMORY;
    }
    if (old_alloc != 0)
        csc__free(&cache->alloc, (void *)old_key, old_alloc);

    cache->memo_n = 0; /* the memo may name it */
    struct csc_item *parent = csc__item_at(cache, h->parent);
    bool marked = csc__marked_hot(h);
    if (marked) /* C3.5: the old ancestors stop counting it */
        csc__tree_mark_changed(cache, h, false);
    unlink_child(cache, parent, item);
    h->parent = pid;
    link_child(cache, new_parent, item);
    if (marked)
        csc__tree_mark_changed(cache, h, true);
    refile(cache, parent);
    refile(cache, new_parent);
    cache->hooks->reorder(cache); /* walk order moved with the subtree (C5.4) */
    return CSC_S_OK;
}
