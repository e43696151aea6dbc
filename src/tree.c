/*
 * src/tree.c: the item tree. It creates items when a path is cached, with
 * their missing ancestors (C2.2) and the checks of C2.4; keeps every child
 * list ordered by case-folded name (C2.3); pins items that arrive below an
 * inheriting parent (C3.3); and routes every change of pin state through
 * csc__tree_set_pins, which keeps the counters that make "partly pinned"
 * (C3.5) and the disk-space figures O(1) to read. Creation is all or
 * nothing: every allocation is made before the tree is touched (C8.1).
 */
#include <string.h>

#include "alloc.h"
#include "path.h"
#include "tree.h"

/* Short paths are normalised in a stack buffer; longer ones allocate. */
#define PATH_STACK_BYTES 1024u

typedef struct path_bufs {
    char stack[PATH_STACK_BYTES];
    char *heap;
    size_t heap_size;
    char *display, *key;
    size_t display_len, key_len;
    uint32_t ncomp;
} path_bufs_t;

/* Normalises `path` into `pb`. S_OK, 0x8007007B or E_OUTOFMEMORY. */
static csc_hresult normalize(const csc_allocator_t *a, const char *path, path_bufs_t *pb)
{
    size_t in_len = strlen(path);
    size_t dcap = CSC__PATH_DISPLAY_CAP(in_len), kcap = CSC__PATH_KEY_CAP(in_len);
    pb->heap = NULL;
    pb->heap_size = 0;
    if (dcap + kcap <= sizeof pb->stack) {
        pb->display = pb->stack;
    } else {
        pb->heap_size = dcap + kcap;
        pb->heap = csc__malloc(a, pb->heap_size);
        if (pb->heap == NULL)
            return CSC_E_OUTOFMEMORY;
        pb->display = pb->heap;
    }
    pb->key = pb->display + dcap;
    return csc__path_normalize(path, in_len, pb->display, &pb->display_len, pb->key,
                               &pb->key_len, &pb->ncomp);
}

static void release(const csc_allocator_t *a, path_bufs_t *pb)
{
    csc__free(a, pb->heap, pb->heap_size);
    pb->heap = NULL;
}

static struct csc_item *alloc_item(csc_cache_t *cache, const char *key, size_t key_len,
                                   size_t name_off, const char *name, size_t name_len)
{
    bool same = key_len - name_off == name_len && memcmp(key + name_off, name, name_len) == 0;
    size_t size = sizeof(struct csc_item) + key_len + 1 + (same ? 0 : name_len + 1);
    struct csc_item *item = csc__malloc(&cache->alloc, size);
    if (item == NULL)
        return NULL;
    memset(item, 0, sizeof *item);
    memcpy(item->key, key, key_len);
    item->key[key_len] = '\0';
    if (same) {
        item->name = item->key + name_off;
    } else {
        char *n = item->key + key_len + 1;
        memcpy(n, name, name_len);
        n[name_len] = '\0';
        item->name = n;
    }
    item->key_len = (uint32_t)key_len;
    item->name_off = (uint32_t)name_off;
    item->name_len = (uint16_t)name_len;
    item->alloc_size = (uint32_t)size;
    return item;
}

static void free_item(csc_cache_t *cache, struct csc_item *item)
{
    if (item->acl != NULL) {
        csc__acl_free(cache, item->acl);
        cache->acl_count--;
    }
    csc__free(&cache->alloc, item, item->alloc_size);
}

csc_hresult csc__tree_new_root(csc_cache_t *cache)
{
    struct csc_item *root = alloc_item(cache, "", 0, 0, "", 0);
    if (root == NULL)
        return CSC_E_OUTOFMEMORY;
    root->type = CSC__ITEM_ROOT;
    cache->root = root;
    return CSC_S_OK;
}

void csc__tree_free_all(csc_cache_t *cache)
{
    if (cache->root == NULL)
        return;
    csc__index_clear(&cache->index);
    /* Post-order without recursion: free a node once its children are gone. */
    struct csc_item *item = cache->root;
    while (item != NULL) {
        if (item->first_child != NULL) {
            item = item->first_child;
            continue;
        }
        struct csc_item *parent = item->parent;
        if (parent != NULL) {
            parent->first_child = item->next_sibling;
        }
        free_item(cache, item);
        item = parent;
    }
    cache->root = NULL;
    cache->item_count = 0;
    csc__evict_free(cache);
}

/* Compares two items' last components in C2.3 order (folded bytes). */
static int compare_names(const struct csc_item *a, const struct csc_item *b)
{
    size_t la = a->key_len - a->name_off, lb = b->key_len - b->name_off;
    int c = memcmp(a->key + a->name_off, b->key + b->name_off, la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : (la > lb ? 1 : 0);
}

/* Links `item` into its parent's ordered child list. Appending is O(1). */
static void link_child(struct csc_item *parent, struct csc_item *item)
{
    struct csc_item *after = parent->last_child;
    while (after != NULL && compare_names(after, item) > 0)
        after = after->prev_sibling;
    item->prev_sibling = after;
    item->next_sibling = after != NULL ? after->next_sibling : parent->first_child;
    if (item->next_sibling != NULL)
        item->next_sibling->prev_sibling = item;
    else
        parent->last_child = item;
    if (after != NULL)
        after->next_sibling = item;
    else
        parent->first_child = item;
}

void csc__tree_set_pins(csc_cache_t *cache, struct csc_item *item, uint16_t pins,
                        uint16_t inherit)
{
    bool was = item->pins != 0, now = pins != 0;
    item->pins = pins;
    item->inherit = inherit;
    if (was == now)
        return;
    csc__evict_update(cache, item);
    if (item->type == CSC_ITEM_FILE) {
        if (now)
            csc__bytes_sub(&cache->unpinned_used, item->size);
        else
            csc__bytes_add(&cache->unpinned_used, item->size);
    }
    /* C3.5: `item` became marked (pinned, or with something pinned below)
     * or stopped being so only if it has nothing pinned below; its parent
     * counts it, and the change goes up only while an ancestor's own mark
     * flips. A deep unpin thus touches each parent once per emptied
     * container, not every ancestor per item. */
    if (item->pinned_below != 0)
        return;
    for (struct csc_item *p = item->parent; p != NULL; p = p->parent) {
        bool marked_before = csc__marked(p);
        if (now)
            p->pinned_below++;
        else
            p->pinned_below--;
        if (csc__marked(p) == marked_before)
            break;
    }
}

static csc_item_type_t type_at_depth(uint32_t depth, uint32_t ncomp, csc_item_type_t leaf)
{
    if (depth == 1)
        return CSC_ITEM_SERVER;
    if (depth == 2)
        return CSC_ITEM_SHARE;
    return depth == ncomp ? leaf : CSC_ITEM_DIRECTORY;
}

/* Sets the size of an existing file, keeping the disk-space counters. */
static void set_file_size(csc_cache_t *cache, struct csc_item *item, uint64_t size)
{
    uint64_t old = item->size;
    csc__bytes_sub(&cache->used, old);
    csc__bytes_add(&cache->used, size);
    if (item->pins == 0) {
        csc__bytes_sub(&cache->unpinned_used, old);
        csc__bytes_add(&cache->unpinned_used, size);
    }
    item->size = size;
    csc__evict_size_changed(cache, item, old);
}

void csc__tree_remove_leaf(csc_cache_t *cache, struct csc_item *item)
{
    struct csc_item *parent = item->parent;
    if (cache->last_parent == item)
        cache->last_parent = NULL;
    if (cache->watch == item)
        cache->watch = NULL;
    csc__tree_set_pins(cache, item, 0, 0); /* settles pinned_below, unpinned_used */
    item->protect = 1; /* no longer evictable: leaves its heap */
    csc__evict_update(cache, item);
    if (item->prev_sibling != NULL)
        item->prev_sibling->next_sibling = item->next_sibling;
    else
        parent->first_child = item->next_sibling;
    if (item->next_sibling != NULL)
        item->next_sibling->prev_sibling = item->prev_sibling;
    else
        parent->last_child = item->prev_sibling;
    csc__index_remove(&cache->index, item);
    cache->item_count--;
    if (item->type == CSC_ITEM_FILE) {
        csc__bytes_sub(&cache->used, item->size);
        csc__bytes_sub(&cache->unpinned_used, item->size);
        cache->file_count--;
    } else {
        cache->container_count--;
    }
    free_item(cache, item);
    csc__evict_update(cache, parent); /* it may have become evictable */
}

/* Frees a prepared chain that was never linked (see prepare_chain). */
static void undo_chain(csc_cache_t *cache, struct csc_item *top, struct csc_item *indexed_end)
{
    for (struct csc_item *u = top; u != indexed_end && u != NULL; u = u->first_child)
        csc__index_remove(&cache->index, u);
    while (top != NULL) {
        struct csc_item *next = top->first_child;
        free_item(cache, top);
        top = next;
    }
}

/*
 * Prepares the items of depths first_depth..ncomp below `anc` (all
 * missing): every allocation (items, index entries, eviction index room),
 * nothing linked. The new items are chained through parent / first_child.
 * On failure nothing changed. *top receives the chain.
 */
static csc_hresult prepare_chain(csc_cache_t *cache, struct csc_item *anc, uint32_t first_depth,
                                 const path_bufs_t *pb, csc_item_type_t leaf,
                                 struct csc_item **top_out)
{
    struct csc_item *top = NULL, *prev = anc, *made;
    size_t kpos = anc->key_len, dpos = 0;
    csc_hresult hr = CSC_S_OK;

    /* The ancestor's extent in the display path as written (its stored
     * spelling may differ in length), found by skipping its components. */
    if (first_depth > 1) {
        dpos = 2;
        for (uint32_t d = 0; d < first_depth - 1; d++) {
            if (d > 0)
                dpos++;
            while (dpos < pb->display_len && pb->display[dpos] != '\\')
                dpos++;
        }
    }

    /* 1. Allocate, top-down; new items are chained through parent. */
    for (uint32_t depth = first_depth; depth <= pb->ncomp; depth++) {
        /* The component starts after the separator(s) at kpos / dpos. */
        size_t kstart = depth == 1 ? 2 : kpos + 1, dstart = depth == 1 ? 2 : dpos + 1;
        size_t kend = kstart, dend = dstart;
        while (kend < pb->key_len && pb->key[kend] != '\\')
            kend++;
        while (dend < pb->display_len && pb->display[dend] != '\\')
            dend++;
        made = alloc_item(cache, pb->key, kend, kstart, pb->display + dstart, dend - dstart);
        if (made == NULL) {
            hr = CSC_E_OUTOFMEMORY;
            break;
        }
        made->type = (uint8_t)type_at_depth(depth, pb->ncomp, leaf);
        made->parent = prev;
        made->last_use = cache->clock;
        if (prev == anc)
            top = made;
        else
            prev->first_child = made; /* temporary chain link, reset below */
        prev = made;
        kpos = kend;
        dpos = dend;
    }

    /* 2. Room in the eviction index and its path buffer. */
    uint32_t made_count = hr == CSC_S_OK ? pb->ncomp - first_depth + 1 : 0;
    if (hr == CSC_S_OK) {
        size_t files = leaf == CSC_ITEM_FILE ? 1 : 0;
        size_t path_bound = (anc == cache->root ? 0 : csc__item_path_len(anc)) + pb->display_len;
        if (!csc__evict_reserve(cache, files, made_count - files, path_bound))
            hr = CSC_E_OUTOFMEMORY;
    }

    /* 3. Index them; undo on failure. */
    struct csc_item *it = top;
    if (hr == CSC_S_OK) {
        for (; it != NULL; it = it->first_child) {
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
        struct csc_item *next = it->first_child;
        it->first_child = NULL;
        link_child(it->parent, it);
        cache->item_count++;
        if (it->type == CSC_ITEM_FILE)
            cache->file_count++;
        else
            cache->container_count++;
        uint16_t inh = it->parent->type == CSC__ITEM_ROOT ? 0 : it->parent->inherit;
        if (it->type == CSC_ITEM_FILE) {
            it->size = size;
            csc__bytes_add(&cache->used, size);
            csc__bytes_add(&cache->unpinned_used, size); /* set_pins moves it when pinned */
        }
        if (it->type != CSC_ITEM_SERVER && inh != 0) /* C3.3 */
            csc__tree_set_pins(cache, it, inh, csc__is_container(it) ? inh : 0);
        leaf_item = it;
        it = next;
    }
    /* Eviction index: the old ancestor gained a child; new items file in. */
    csc__evict_update(cache, top->parent);
    for (it = leaf_item; it != top->parent; it = it->parent)
        csc__evict_update(cache, it);
    return leaf_item;
}

csc_hresult csc__tree_cache(csc_cache_t *cache, const char *path, csc_item_type_t type,
                            bool has_size, uint64_t size, struct csc_item **out)
{
    path_bufs_t pb;
    struct csc_item *item = NULL;
    csc_hresult hr = normalize(&cache->alloc, path, &pb);
    if (hr != CSC_S_OK)
        goto done;
    if (type == CSC_ITEM_FILE && pb.ncomp < 3) { /* C2.4 */
        hr = CSC_E_INVALID_NAME;
        goto done;
    }
    csc_item_type_t want = type == CSC_ITEM_FILE ? CSC_ITEM_FILE
                                                 : type_at_depth(pb.ncomp, pb.ncomp, type);

    /* Fast path for a directory filled in order: when the item would be a
     * child of the last parent that sorts after its last child, it is not
     * cached (children are ordered, C2.3) and its parent is known. */
    bool known_missing = false;
    struct csc_item *lp = cache->last_parent;
    if (lp != NULL && lp->key_len < pb.key_len && pb.key[lp->key_len] == '\\' &&
        memcmp(pb.key, lp->key, lp->key_len) == 0 &&
        memchr(pb.key + lp->key_len + 1, '\\', pb.key_len - lp->key_len - 1) == NULL) {
        const struct csc_item *last = lp->last_child;
        size_t nlen = pb.key_len - lp->key_len - 1;
        const char *name = pb.key + lp->key_len + 1;
        if (last == NULL) {
            known_missing = true;
        } else {
            size_t llen = last->key_len - last->name_off;
            int c = memcmp(name, last->key + last->name_off, nlen < llen ? nlen : llen);
            known_missing = c > 0 || (c == 0 && nlen > llen);
        }
    }

    item = known_missing ? NULL : csc__index_find(&cache->index, pb.key, pb.key_len);
    if (item != NULL) {
        if (item->type != want) {
            hr = CSC_E_ALREADY_EXISTS;
            item = NULL;
            goto done;
        }
        if (want == CSC_ITEM_FILE && has_size && size > item->size) {
            hr = csc__space_make_room(cache, size - item->size, item, item->parent); /* C5.7 */
            if (hr != CSC_S_OK) {
                item = NULL;
                goto done;
            }
        }
        if (want == CSC_ITEM_FILE && has_size)
            set_file_size(cache, item, size);
        item->last_use = cache->clock; /* C2.4, C5.4: caching again touches */
        csc__evict_update(cache, item);
        goto done;
    }

    /* Find the deepest cached ancestor: most often where the last item
     * went (a directory filled file by file), else scanning prefixes from
     * the end. */
    struct csc_item *anc = cache->root;
    uint32_t depth = pb.ncomp;
    size_t end = pb.key_len;
    if (known_missing) {
        anc = cache->last_parent;
        depth = pb.ncomp - 1;
    }
    while (anc == cache->root && depth > 1) {
        while (end > 2 && pb.key[end - 1] != '\\')
            end--;
        end--; /* at the separator */
        depth--;
        struct csc_item *found = csc__index_find(&cache->index, pb.key, end);
        if (found != NULL) {
            anc = found;
            break;
        }
    }
    if (anc == cache->root)
        depth = 0;
    if (anc->type == CSC_ITEM_FILE) { /* C2.4: a path below a file */
        hr = CSC_E_DIRECTORY;
        goto done;
    }
    struct csc_item *top = NULL;
    hr = prepare_chain(cache, anc, depth + 1, &pb, want, &top);
    if (hr == CSC_S_OK && want == CSC_ITEM_FILE && has_size && size > 0) {
        hr = csc__space_make_room(cache, size, NULL, anc); /* C5.7 */
        if (hr != CSC_S_OK)
            undo_chain(cache, top, NULL);
    }
    if (hr == CSC_S_OK) {
        item = commit_chain(cache, top, has_size ? size : 0);
        cache->last_parent = item->parent;
    }

done:
    release(&cache->alloc, &pb);
    if (out != NULL)
        *out = hr == CSC_S_OK ? item : NULL;
    return hr;
}

csc_hresult csc__tree_find(const csc_cache_t *cache, const char *path, struct csc_item **out)
{
    path_bufs_t pb;
    csc_hresult hr = normalize(&cache->alloc, path, &pb);
    struct csc_item *item = NULL;
    if (hr == CSC_S_OK) {
        item = csc__index_find(&cache->index, pb.key, pb.key_len);
        if (item == NULL)
            hr = CSC_E_FILE_NOT_FOUND;
    }
    release(&cache->alloc, &pb);
    *out = item;
    return hr;
}

size_t csc__item_path_len(const struct csc_item *item)
{
    size_t len = 1;
    for (; item != NULL && item->type != CSC__ITEM_ROOT; item = item->parent)
        len += 1u + item->name_len;
    return len;
}
