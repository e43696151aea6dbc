/*
 * src/remote/remote.c: the remote namespace (contract C10.1): servers,
 * shares with their caching mode (C10.6), directories and files with size,
 * version and last-change time, as the servers have them; the embedder's
 * calls that build and change it and read it back; and the twins that
 * round-1 setup creates (C10.2, C15.4, C15.19), prepared before the cache
 * tree changes and committed after it, so a setup call is all or nothing
 * (C8.1). Items are kept in a tree ordered like the cache's (C2.3) and in a
 * keyed table (hash.h) by normalised, case-folded path (C1.2, C1.3). Every
 * change allocates first and links last: on failure nothing changed. Also
 * the remote side's part of a snapshot (section 3, src/snapshot.c): its
 * writer and the loader into a fresh cache.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "guard.h"
#include "record.h"
#include "path.h"
#include "remote.h"
#include "fstate.h"
#include "fetch.h"

#include "snapshot.h"
#include "cscsim/snapshot.h"

/* ---- normalised paths --------------------------------------------------- */

/* Bytes of s[0..len) ("\\a\b\c") up to the end of component `depth`. */
static size_t prefix_len(const char *s, size_t len, uint32_t depth)
{
    size_t pos = 2;
    for (uint32_t d = 0; d < depth && pos <= len; d++) {
        if (d > 0)
            pos++; /* the separator */
        while (pos < len && s[pos] != '\\')
            pos++;
    }
    return pos < len ? pos : len;
}

size_t csc__rpath_key_prefix(const csc__path_buf_t *pb, uint32_t depth)
{
    return prefix_len(pb->key, pb->key_len, depth);
}

size_t csc__rpath_display_prefix(const csc__path_buf_t *pb, uint32_t depth)
{
    return prefix_len(pb->display, pb->display_len, depth);
}

/* ---- the slab of remote items -------------------------------------------- */

#define SLAB_HEADER 16u /* the chunk link and size; blocks stay 16-byte aligned */

static void *slab_alloc(const csc_allocator_t *a, csc__rslab_t *slab, size_t size)
{
    size_t rounded = (size + 15u) & ~(size_t)15u;
    if (rounded > CSC__RSLAB_MAX)
        return csc__malloc(a, size);
    size_t cls = rounded / 16u - 1u;
    void *p = slab->free_list[cls];
    if (p != NULL) {
        memcpy(&slab->free_list[cls], p, sizeof p);
        return p;
    }
    if (slab->left < rounded) {
        size_t size_c = slab->next_size != 0 ? slab->next_size : CSC__RSLAB_CHUNK_MIN;
        char *chunk = csc__malloc(a, size_c);
        if (chunk == NULL)
            return NULL;
        memcpy(chunk, &slab->chunks, sizeof slab->chunks);
        memcpy(chunk + sizeof slab->chunks, &size_c, sizeof size_c);
        slab->chunks = chunk;
        slab->bump = chunk + SLAB_HEADER;
        slab->left = size_c - SLAB_HEADER;
        slab->next_size = size_c < CSC__RSLAB_CHUNK_MAX ? 2 * size_c : size_c;
    }
    p = slab->bump;
    slab->bump += rounded;
    slab->left -= rounded;
    return p;
}

static void slab_free(const csc_allocator_t *a, csc__rslab_t *slab, void *p, size_t size)
{
    size_t rounded = (size + 15u) & ~(size_t)15u;
    if (rounded > CSC__RSLAB_MAX) {
        csc__free(a, p, size);
        return;
    }
    size_t cls = rounded / 16u - 1u;
    memcpy(p, &slab->free_list[cls], sizeof p);
    slab->free_list[cls] = p;
}

/* ---- the reserve of implicit twins (remote.h) ---- */

#define RES_CHUNK_MIN 65536u
#define RES_CHUNK_MAX ((size_t)64 << 20)

/* Promises `rounded` bytes for a record to come. false when a chunk cannot
 * be had: nothing is promised then (a chunk got stays, empty). */
static bool res_reserve(const csc_allocator_t *a, csc__rslab_t *slab, size_t rounded)
{
    slab->res_need += rounded;
    while (slab->res_need + CSC__RSLAB_MAX * (slab->res_queued + 1) >
           slab->res_left + slab->res_queued_cap) {
        size_t size_c = slab->res_next_size != 0 ? slab->res_next_size : RES_CHUNK_MIN;
        char *chunk = csc__malloc(a, size_c);
        if (chunk == NULL) {
            slab->res_need -= rounded;
            return false;
        }
        void *none = NULL;
        memcpy(chunk, &none, sizeof none);
        memcpy(chunk + sizeof none, &size_c, sizeof size_c);
        if (slab->res_tail != NULL)
            memcpy(slab->res_tail, &chunk, sizeof chunk);
        else
            slab->res_head = chunk;
        slab->res_tail = chunk;
        if (slab->res_cur == NULL) {
            slab->res_cur = chunk;
            slab->res_bump = chunk + SLAB_HEADER;
            slab->res_left = size_c - SLAB_HEADER;
        } else {
            slab->res_queued++;
            slab->res_queued_cap += size_c - SLAB_HEADER;
        }
        slab->res_next_size = size_c < RES_CHUNK_MAX ? 2 * size_c : size_c;
    }
    return true;
}

static void res_unreserve(csc__rslab_t *slab, size_t rounded)
{
    slab->res_need -= rounded;
}

/* Carves out a record promised by res_reserve: never fails. */
static void *res_take(csc__rslab_t *slab, size_t rounded)
{
    slab->res_need -= rounded;
    size_t cls = rounded / 16u - 1u;
    void *p = slab->free_list[cls];
    if (p != NULL) {
        memcpy(&slab->free_list[cls], p, sizeof p);
        return p;
    }
    if (slab->res_left < rounded) { /* the next chunk (the invariant says there is one) */
        void *next;
        size_t size_c;
        memcpy(&next, slab->res_cur, sizeof next);
        memcpy(&size_c, (char *)next + sizeof next, sizeof size_c);
        slab->res_cur = next;
        slab->res_bump = (char *)next + SLAB_HEADER;
        slab->res_left = size_c - SLAB_HEADER;
        slab->res_queued--;
        slab->res_queued_cap -= size_c - SLAB_HEADER;
    }
    p = slab->res_bump;
    slab->res_bump += rounded;
    slab->res_left -= rounded;
    return p;
}

static void slab_destroy(const csc_allocator_t *a, csc__rslab_t *slab)
{
    void *rc = slab->res_head;
    while (rc != NULL) {
        void *next;
        size_t size_c;
        memcpy(&next, rc, sizeof next);
        memcpy(&size_c, (char *)rc + sizeof next, sizeof size_c);
        csc__free(a, rc, size_c);
        rc = next;
    }
    void *chunk = slab->chunks;
    while (chunk != NULL) {
        void *prev;
        size_t size_c;
        memcpy(&prev, chunk, sizeof prev);
        memcpy(&size_c, (char *)chunk + sizeof prev, sizeof size_c);
        csc__free(a, chunk, size_c);
        chunk = prev;
    }
    memset(slab, 0, sizeof *slab);
}

/* ---- nodes -------------------------------------------------------------- */

static csc__rnode_t *node_alloc(csc_cache_t *cache, csc__remote_t *r, const char *key,
                                size_t key_len, size_t name_off, const char *name,
                                size_t name_len)
{
    size_t size = csc__rnode_size(key_len, name_len);
    csc__rnode_t *n = slab_alloc(&cache->alloc, &r->slab, size);
    if (n == NULL)
        return NULL;
    memset(n, 0, sizeof *n);
    r->rec_gen++; /* fetch.h: a record the cache may lack */
    memcpy(n->key, key, key_len);
    n->key[key_len] = '\0';
    char *nm = n->key + key_len + 1;
    memcpy(nm, name, name_len);
    nm[name_len] = '\0';
    n->key_len = (uint32_t)key_len;
    n->name_off = (uint32_t)name_off;
    n->name_len = (uint16_t)name_len;
    return n;
}

static void node_free(csc_cache_t *cache, csc__rnode_t *n)
{
    slab_free(&cache->alloc, &cache->remote->slab, n, csc__rnode_size(n->key_len, n->name_len));
}

static void twin_leaving(csc_cache_t *cache, struct csc_item *item);

csc_hresult csc__remote_new(csc_cache_t *cache)
{
    csc__remote_t *r = csc__malloc(&cache->alloc, sizeof *r);
    if (r == NULL)
        return CSC_E_OUTOFMEMORY;
    memset(r, 0, sizeof *r);
    r->nodes.alloc = &cache->alloc;
    r->scopes.alloc = &cache->alloc;
    r->kids.alloc = &cache->alloc;
    r->handles.alloc = &cache->alloc;
    r->root = node_alloc(cache, r, "", 0, 0, "", 0);
    if (r->root == NULL) {
        slab_destroy(&cache->alloc, &r->slab);
        csc__free(&cache->alloc, r, sizeof *r);
        return CSC_E_OUTOFMEMORY;
    }
    r->root->type = CSC__RNODE_ROOT;
    cache->remote = r;
    cache->twin_leaving = twin_leaving;
    csc__fstate_init(cache);
    csc__pending_init(cache);
    return CSC_S_OK;
}

static size_t scope_bytes(const csc__hentry_t *e)
{
    return ((const csc__scope_t *)e)->alloc_size;
}

void csc__remote_free(csc_cache_t *cache)
{
    csc__remote_t *r = cache->remote;
    if (r == NULL)
        return;
    csc__fstate_free_all(cache);
    csc__pending_free_all(cache);
    csc__apps_free(cache);
    csc__htable_clear(&r->nodes);
    /* Post-order without recursion. */
    csc__rnode_t *n = r->root;
    while (n != NULL) {
        if (n->first_child != NULL) {
            n = n->first_child;
            continue;
        }
        csc__rnode_t *parent = n->parent;
        if (parent != NULL)
            parent->first_child = n->next_sibling;
        node_free(cache, n);
        n = parent;
    }
    csc__htable_free_all(&r->kids, &cache->alloc, sizeof(csc__kids_t), NULL);
    csc__htable_free_all(&r->scopes, &cache->alloc, 0, scope_bytes);
    slab_destroy(&cache->alloc, &r->slab);
    csc__free(&cache->alloc, r, sizeof *r);
    cache->remote = NULL;
}

csc__rnode_t *csc__remote_find(const csc_cache_t *cache, const char *key, size_t key_len)
{
    if (cache->remote == NULL)
        return NULL;
    return (csc__rnode_t *)csc__htable_find(&cache->remote->nodes, key, key_len);
}

static int compare_names(const csc__rnode_t *a, const csc__rnode_t *b)
{
    size_t la = a->key_len - a->name_off, lb = b->key_len - b->name_off;
    int c = memcmp(a->key + a->name_off, b->key + b->name_off, la < lb ? la : lb);
    if (c != 0)
        return c;
    return la < lb ? -1 : (la > lb ? 1 : 0);
}

/* Sorts the children of a parent that materialising left unsorted (a
 * merge sort of the list, O(k log k), once per batch). */
static void ensure_sorted(csc__rnode_t *parent)
{
    if (!parent->unsorted)
        return;
    parent->unsorted = false;
    csc__rnode_t *list = parent->first_child;
    for (size_t width = 1;; width *= 2) {
        csc__rnode_t *head = NULL, **tail = &head;
        size_t merges = 0;
        csc__rnode_t *p = list;
        while (p != NULL) {
            merges++;
            csc__rnode_t *q = p;
            size_t psize = 0, qsize = width;
            while (psize < width && q != NULL) {
                psize++;
                q = q->next_sibling;
            }
            while (psize > 0 || (qsize > 0 && q != NULL)) {
                csc__rnode_t *e;
                if (psize == 0) {
                    e = q, q = q->next_sibling, qsize--;
                } else if (qsize == 0 || q == NULL || compare_names(p, q) <= 0) {
                    e = p, p = p->next_sibling, psize--;
                } else {
                    e = q, q = q->next_sibling, qsize--;
                }
                *tail = e;
                tail = &e->next_sibling;
            }
            p = q;
        }
        *tail = NULL;
        list = head;
        if (merges <= 1)
            break;
    }
    csc__rnode_t *prev = NULL;
    for (csc__rnode_t *c = list; c != NULL; c = c->next_sibling) {
        c->prev_sibling = prev;
        prev = c;
    }
    parent->first_child = list;
    parent->last_child = prev;
}

void csc__remote_sort_children(csc__rnode_t *parent)
{
    ensure_sorted(parent);
}

/* Appends `n` to its parent's children, in order or not (materialising). */
static void append_child(csc__rnode_t *parent, csc__rnode_t *n)
{
    csc__rnode_t *last = parent->last_child;
    if (last != NULL && compare_names(last, n) > 0)
        parent->unsorted = true;
    n->parent = parent;
    n->prev_sibling = last;
    n->next_sibling = NULL;
    if (last != NULL)
        last->next_sibling = n;
    else
        parent->first_child = n;
    parent->last_child = n;
}

/* Links `n` into its parent's ordered child list (C2.3 order); appending
 * in order is O(1). */
static void link_child(csc__rnode_t *parent, csc__rnode_t *n)
{
    ensure_sorted(parent);
    csc__rnode_t *after = parent->last_child;
    while (after != NULL && compare_names(after, n) > 0)
        after = after->prev_sibling;
    n->parent = parent;
    n->prev_sibling = after;
    n->next_sibling = after != NULL ? after->next_sibling : parent->first_child;
    if (n->next_sibling != NULL)
        n->next_sibling->prev_sibling = n;
    else
        parent->last_child = n;
    if (after != NULL)
        after->next_sibling = n;
    else
        parent->first_child = n;
}

static void unlink_child(csc__rnode_t *n)
{
    csc__rnode_t *parent = n->parent;
    if (n->prev_sibling != NULL)
        n->prev_sibling->next_sibling = n->next_sibling;
    else
        parent->first_child = n->next_sibling;
    if (n->next_sibling != NULL)
        n->next_sibling->prev_sibling = n->prev_sibling;
    else
        parent->last_child = n->prev_sibling;
    n->prev_sibling = n->next_sibling = NULL;
}


/*
 * The deepest remote item on the path of `pb`: the item itself (*depth ==
 * ncomp) or its closest existing ancestor (the root, depth 0, when none).
 * Looks the whole path up first, then its prefixes from the end.
 */
static csc__rnode_t *deepest(const csc_cache_t *cache, const csc__path_buf_t *pb, uint32_t *depth)
{
    csc__remote_t *r = cache->remote;
    /* Fast path: a child of the last parent that sorts after its last child
     * is missing (children are ordered, C2.3), and its parent is known. */
    csc__rnode_t *lp = r->last_parent;
    if (lp != NULL)
        ensure_sorted(lp); /* a write path: deepest is called by changes only */
    if (lp != NULL && lp->key_len < pb->key_len && pb->key[lp->key_len] == '\\' &&
        memcmp(pb->key, lp->key, lp->key_len) == 0 &&
        memchr(pb->key + lp->key_len + 1, '\\', pb->key_len - lp->key_len - 1) == NULL) {
        const csc__rnode_t *last = lp->last_child;
        size_t nlen = pb->key_len - lp->key_len - 1;
        const char *name = pb->key + lp->key_len + 1;
        bool missing = last == NULL;
        if (!missing) {
            size_t llen = last->key_len - last->name_off;
            int c = memcmp(name, last->key + last->name_off, nlen < llen ? nlen : llen);
            missing = c > 0 || (c == 0 && nlen > llen);
        }
        if (missing) {
            *depth = pb->ncomp - 1;
            return r->last_parent;
        }
    }
    for (uint32_t d = pb->ncomp; d >= 1; d--) {
        size_t len = csc__rpath_key_prefix(pb, d);
        csc__rnode_t *n = (csc__rnode_t *)csc__htable_find(&r->nodes, pb->key, len);
        if (n != NULL) {
            *depth = d;
            return n;
        }
    }
    *depth = 0;
    return r->root;
}

/* Removes a prepared chain (linked through first_child, not in the tree)
 * from the table, up to `indexed_end`, and frees it. */
static void chain_undo(csc_cache_t *cache, csc__rnode_t *top, csc__rnode_t *indexed_end)
{
    for (csc__rnode_t *u = top; u != indexed_end && u != NULL; u = u->first_child)
        csc__htable_remove(&cache->remote->nodes, &u->h);
    while (top != NULL) {
        csc__rnode_t *next = top->first_child;
        node_free(cache, top);
        top = next;
    }
}

/*
 * Allocates and indexes the items of depths first..ncomp of `pb` (all
 * missing), chained through first_child, types by depth with `leaf` last.
 * Nothing is linked into the tree. NULL chain and E_OUTOFMEMORY on failure,
 * with nothing changed.
 */
/* As chain_prepare_to; the item of depth pb->ncomp, when made, is named
 * `leaf_name` (leaf_len bytes) when it is not NULL. */
static csc_hresult chain_prepare_named(csc_cache_t *cache, const csc__path_buf_t *pb,
                                       uint32_t first, uint32_t last, csc_item_type_t leaf,
                                       const char *leaf_name, size_t leaf_len,
                                       csc__rnode_t **top_out)
{
    csc__rnode_t *top = NULL, *prev = NULL;
    *top_out = NULL;
    for (uint32_t d = first; d <= last; d++) {
        size_t kend = csc__rpath_key_prefix(pb, d), dend = csc__rpath_display_prefix(pb, d);
        size_t kstart = d == 1 ? 2 : csc__rpath_key_prefix(pb, d - 1) + 1;
        size_t dstart = d == 1 ? 2 : csc__rpath_display_prefix(pb, d - 1) + 1;
        bool named = leaf_name != NULL && d == pb->ncomp;
        csc__rnode_t *n = node_alloc(cache, cache->remote, pb->key, kend, kstart,
                                     named ? leaf_name : pb->display + dstart,
                                     named ? leaf_len : dend - dstart);
        if (n == NULL) {
            chain_undo(cache, top, top);
            return CSC_E_OUTOFMEMORY;
        }
        n->type = (uint8_t)csc__type_at_depth(d, pb->ncomp, leaf);
        n->mode = n->type == CSC_ITEM_SHARE ? CSC_CACHING_MODE_MANUAL : 0; /* C10.6 */
        n->version = n->type == CSC_ITEM_FILE ? 1 : 0;                    /* C10.1 */
        n->last_change = cache->clock;
        if (prev == NULL)
            top = n;
        else
            prev->first_child = n; /* temporary chain link */
        prev = n;
    }
    csc__rnode_t *it;
    for (it = top; it != NULL; it = it->first_child) {
        if (!csc__htable_add(&cache->remote->nodes, &it->h, it->key, it->key_len)) {
            chain_undo(cache, top, it);
            return CSC_E_OUTOFMEMORY;
        }
    }
    *top_out = top;
    return CSC_S_OK;
}

static csc_hresult chain_prepare_to(csc_cache_t *cache, const csc__path_buf_t *pb, uint32_t first,
                                    uint32_t last, csc_item_type_t leaf, csc__rnode_t **top_out)
{
    return chain_prepare_named(cache, pb, first, last, leaf, NULL, 0, top_out);
}

static csc_hresult chain_prepare(csc_cache_t *cache, const csc__path_buf_t *pb, uint32_t first,
                                 csc_item_type_t leaf, csc__rnode_t **top_out)
{
    return chain_prepare_to(cache, pb, first, pb->ncomp, leaf, top_out);
}

/* Links a prepared chain below `anc`; never fails. Returns the deepest new
 * item. New shares are seen (C15.7). */
static csc__rnode_t *chain_commit(csc_cache_t *cache, csc__rnode_t *anc, csc__rnode_t *top)
{
    csc__rnode_t *last = NULL;
    for (csc__rnode_t *it = top; it != NULL;) {
        csc__rnode_t *next = it->first_child;
        it->first_child = NULL;
        link_child(anc, it);
        cache->remote->node_count++;
        if (it->type == CSC_ITEM_SHARE)
            csc__connect_share_seen(cache, it);
        anc = it;
        last = it;
        it = next;
    }
    if (last != NULL)
        cache->remote->last_parent = last->parent;
    return last;
}

static void twins_drop_below(csc_cache_t *cache, const char *key, size_t len);

/* Removes `n` and everything below it from the namespace. */
static void subtree_delete(csc_cache_t *cache, csc__rnode_t *n)
{
    csc__remote_t *r = cache->remote;
    csc__rnode_t *top = n;
    if (n->type != CSC_ITEM_FILE)
        twins_drop_below(cache, n->key, n->key_len);
    r->last_parent = NULL; /* it may be below */
    unlink_child(top);
    top->parent = NULL;
    csc__rnode_t *it = top;
    while (it != NULL) {
        if (it->first_child != NULL) {
            it = it->first_child;
            continue;
        }
        csc__rnode_t *parent = it == top ? NULL : it->parent;
        if (parent != NULL)
            parent->first_child = it->next_sibling;
        csc__htable_remove(&r->nodes, &it->h);
        if (it->has_kids) {
            csc__hentry_t *k = csc__htable_find(&r->kids, it->key, it->key_len);
            csc__htable_remove(&r->kids, k);
            csc__free(&cache->alloc, k, sizeof(csc__kids_t));
        }
        r->node_count--;
        node_free(cache, it);
        it = parent;
    }
}

/* ---- implicit twins (remote.h) -------------------------------------------- */

static size_t rec_rounded(size_t key_len, size_t name_len)
{
    return (csc__rnode_size(key_len, name_len) + 15u) & ~(size_t)15u;
}

static size_t twin_rounded(const struct csc_item *item)
{
    return rec_rounded(csc__item_key_len(item), csc__name_len(item));
}

/* The cached file with an implicit twin at key[0..len), or NULL. */
static struct csc_item *implicit_at(const csc_cache_t *cache, const char *key, size_t len)
{
    struct csc_item *it = csc__tree_find_key(cache, key, len);
    if (it == NULL || !(csc__hot(it)->flags & CSC__F_TWIN))
        return NULL;
    return it;
}

/* The record of the remote parent of an implicit twin with this key. */
static csc__rnode_t *twin_parent(const csc_cache_t *cache, const char *key, size_t len)
{
    size_t plen = len;
    while (plen > 0 && key[plen - 1] != '\\')
        plen--;
    plen--; /* the separator */
    csc__rnode_t *lp = cache->remote->last_parent;
    if (lp != NULL && lp->key_len == plen && memcmp(lp->key, key, plen) == 0)
        return lp;
    const csc__kids_t *k = (const csc__kids_t *)csc__htable_find(&cache->remote->kids, key, plen);
    return k != NULL ? k->dir : NULL;
}

/* The implicit twin of `item` becomes a record: from the reserve, never
 * failing, never allocating (C8.1; eviction passes call it, C5.6). */
static csc__rnode_t *materialize(csc_cache_t *cache, struct csc_item *item)
{
    csc__remote_t *r = cache->remote;
    csc__hot_t *h = csc__hot(item);
    size_t key_len = csc__item_key_len(item), name_len = csc__name_len(item);
    csc__rnode_t *n = res_take(&r->slab, rec_rounded(key_len, name_len));
    memset(n, 0, sizeof *n);
    r->rec_gen++;
    csc__item_key(item, n->key, key_len);
    n->key[key_len] = '\0';
    memcpy(n->key + key_len + 1, csc__name(item), name_len);
    n->key[key_len + 1 + name_len] = '\0';
    n->key_len = (uint32_t)key_len;
    n->name_off = (uint32_t)(key_len - csc__fname_len(item));
    n->name_len = (uint16_t)name_len;
    n->type = CSC_ITEM_FILE;
    n->size = h->size;
    n->version = n->orig = 1;
    csc__rnode_t *parent = twin_parent(cache, n->key, key_len);
    n->last_change = parent->kids_clock;
    r->last_parent = parent; /* the next one is likely its sibling */
    append_child(parent, n); /* in any order: a pass evicts by last use */
    csc__htable_add_noalloc(&r->nodes, &n->h, n->key, key_len);
    r->node_count++;
    h->flags &= (uint8_t)~CSC__F_TWIN;
    return n;
}

static void twin_leaving(csc_cache_t *cache, struct csc_item *item)
{
    materialize(cache, item);
}

/* The server no longer has the implicit twin of `item`. */
static void twin_drop(csc_cache_t *cache, struct csc_item *item)
{
    res_unreserve(&cache->remote->slab, twin_rounded(item));
    csc__hot(item)->flags &= (uint8_t)~CSC__F_TWIN;
}

/* A remote subtree with this key went: so do the implicit twins below. */
static void twins_drop_below(csc_cache_t *cache, const char *key, size_t len)
{
    struct csc_item *top = csc__tree_find_key(cache, key, len);
    if (top == NULL)
        return;
    uint32_t top_id = csc__id(top), id = top_id;
    while (id != CSC__NONE) {
        csc__hot_t *h = csc__hot_at(cache, id);
        if (h->flags & CSC__F_TWIN)
            twin_drop(cache, csc__item_at(cache, id));
        id = csc__tree_next_in(cache, id, top_id, true);
    }
}

bool csc__remote_view(const csc_cache_t *cache, const char *key, size_t key_len,
                      csc__rview_t *v)
{
    memset(v, 0, sizeof *v);
    csc__rnode_t *n = csc__remote_find(cache, key, key_len);
    if (n != NULL) {
        v->node = n;
        v->type = n->type;
        v->size = n->size;
        v->version = n->version;
        v->orig = n->orig;
        v->last_change = n->last_change;
        return true;
    }
    struct csc_item *it = implicit_at(cache, key, key_len);
    if (it == NULL)
        return false;
    v->twin = it;
    v->type = CSC_ITEM_FILE;
    v->size = csc__hot(it)->size;
    v->version = v->orig = 1;
    v->last_change = twin_parent(cache, key, key_len)->kids_clock;
    return true;
}

/* ---- the public calls ---------------------------------------------------- */

/* Creates the item of type `leaf` at the path with its missing ancestors;
 * for an existing file (leaf FILE) applies C15.4. */
static csc_hresult make_locked(csc_cache_t *cache, const char *path, csc_item_type_t leaf,
                               bool has_size, uint64_t size)
{
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr == CSC_S_OK && leaf == CSC_ITEM_FILE && pb.ncomp < 3) /* as C2.4 */
        hr = CSC_E_INVALID_NAME;
    if (hr != CSC_S_OK)
        goto done;
    csc_item_type_t want = csc__type_at_depth(pb.ncomp, pb.ncomp, leaf);
    csc__htable_settle(&cache->remote->nodes); /* after materialising */
    uint32_t depth;
    csc__rnode_t *found = deepest(cache, &pb, &depth);
    if (depth < pb.ncomp && depth >= 2) { /* an implicit twin there? */
        struct csc_item *tw = implicit_at(cache, pb.key, csc__rpath_key_prefix(&pb, depth + 1));
        if (tw != NULL) {
            if (depth + 1 < pb.ncomp) {
                hr = CSC_E_DIRECTORY; /* a path below a file, as C2.4 */
                goto done;
            }
            if (want != CSC_ITEM_FILE) {
                hr = CSC_E_ALREADY_EXISTS;
                goto done;
            }
            found = materialize(cache, tw); /* C15.4 changes it */
            depth = pb.ncomp;
        }
    }
    if (depth == pb.ncomp) {
        if (found->type != want) {
            hr = CSC_E_ALREADY_EXISTS;
        } else if (want == CSC_ITEM_FILE) { /* C15.4: a new version */
            if (has_size)
                found->size = size;
            found->version++;
            found->last_change = cache->clock;
            csc__sync_server_changed(cache, found->key, found->key_len); /* C15.12 */
        }
        goto done;
    }
    if (found->type == CSC_ITEM_FILE) { /* a path below a file, as C2.4 */
        hr = CSC_E_DIRECTORY;
        goto done;
    }
    csc__rnode_t *top;
    hr = chain_prepare(cache, &pb, depth + 1, want, &top);
    if (hr == CSC_S_OK) {
        csc__rnode_t *made = chain_commit(cache, found, top);
        if (want == CSC_ITEM_FILE)
            made->size = has_size ? size : 0;
    }
done:
    csc__path_buf_release(&cache->alloc, &pb);
    return hr;
}

csc_hresult csc_remote_dir(csc_cache_t *cache, const char *path)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = make_locked(cache, path, CSC_ITEM_DIRECTORY, false, 0);
    if (CSC__RECORDING(cache))
        csc__rec_remote(cache, "remote dir", path, false, 0, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_remote_file(csc_cache_t *cache, const char *path, bool has_size, uint64_t size)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = make_locked(cache, path, CSC_ITEM_FILE, has_size, size);
    if (CSC__RECORDING(cache))
        csc__rec_remote(cache, "remote file", path, has_size, size, hr);
    csc__leave(cache);
    return hr;
}

/* Finds the remote item at `path`: S_OK, 0x8007007B, 0x80070002 or
 * E_OUTOFMEMORY (a long path's buffers). *ncomp: its component count. */
static csc_hresult find_locked(const csc_cache_t *cache, const char *path, csc__rview_t *out,
                               uint32_t *ncomp)
{
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    memset(out, 0, sizeof *out);
    if (hr == CSC_S_OK) {
        if (!csc__remote_view(cache, pb.key, pb.key_len, out))
            hr = CSC_E_FILE_NOT_FOUND;
        if (ncomp != NULL)
            *ncomp = pb.ncomp;
    }
    csc__path_buf_release(&cache->alloc, &pb);
    return hr;
}

csc_hresult csc_remote_write(csc_cache_t *cache, const char *path, bool has_size, uint64_t size)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__htable_settle(&cache->remote->nodes); /* after materialising */
    csc__rview_t v;
    hr = find_locked(cache, path, &v, NULL);
    if (hr == CSC_S_OK && v.type != CSC_ITEM_FILE)
        hr = CSC_E_INVALIDARG;
    if (hr == CSC_S_OK) { /* C10.1: a change on the server */
        csc__rnode_t *n = v.node != NULL ? v.node : materialize(cache, v.twin);
        if (has_size)
            n->size = size;
        n->version++;
        n->last_change = cache->clock;
        csc__sync_server_changed(cache, n->key, n->key_len); /* C15.12 */
    }
    if (CSC__RECORDING(cache))
        csc__rec_remote(cache, "remote write", path, has_size, size, hr);
    csc__leave(cache);
    return hr;
}

static csc__rnode_t *record_at_item(const csc_cache_t *cache, const struct csc_item *item);

/* The original version a cached file's remote twin holds (C10.2): 1 for an
 * implicit twin, the record's, 0 for none. */
static uint64_t twin_orig(const csc_cache_t *cache, const struct csc_item *file)
{
    if (csc__hot(file)->flags & CSC__F_TWIN)
        return 1;
    const csc__rnode_t *n = record_at_item(cache, file);
    return n != NULL && n->type == CSC_ITEM_FILE ? n->orig : 0;
}

/*
 * C10.2, C13.5: the cached files at and below key[0..len) keep their
 * original versions (fstate.c, CSC__FS_ORIG) when the server loses their
 * twins, which hold them. Every entry is made first: false when out of
 * memory, with nothing changed.
 */
static bool keep_originals(csc_cache_t *cache, const char *key, size_t len)
{
    struct csc_item *top = csc__tree_find_key(cache, key, len);
    if (top == NULL)
        return true;
    uint32_t top_id = csc__id(top);
    bool ok = true;
    for (uint32_t id = top_id; id != CSC__NONE && ok;
         id = csc__tree_next_in(cache, id, top_id, true)) {
        struct csc_item *f = csc__item_at(cache, id);
        if (csc__type(f) == CSC_ITEM_FILE && twin_orig(cache, f) != 0 &&
            !csc__fstate_is(cache, f, CSC__FS_CREATED))
            ok = csc__fstate_make(cache, f) != NULL;
    }
    for (uint32_t id = top_id; id != CSC__NONE; id = csc__tree_next_in(cache, id, top_id, true)) {
        struct csc_item *f = csc__item_at(cache, id);
        if (csc__type(f) != CSC_ITEM_FILE)
            continue;
        uint64_t orig = twin_orig(cache, f);
        csc__fstate_t *fs = csc__fstate_get(cache, f);
        if (ok && fs != NULL && orig != 0 && !(fs->bits & CSC__FS_CREATED)) {
            fs->bits |= CSC__FS_ORIG;
            fs->orig = orig;
        }
        csc__fstate_settle(cache, f); /* drops an entry made for nothing */
    }
    return ok;
}

/* The same for one cached file with an implicit twin. */
static bool keep_originals_of(csc_cache_t *cache, struct csc_item *file)
{
    if (csc__fstate_is(cache, file, CSC__FS_CREATED))
        return true;
    csc__fstate_t *fs = csc__fstate_make(cache, file);
    if (fs == NULL)
        return false;
    fs->bits |= CSC__FS_ORIG;
    fs->orig = twin_orig(cache, file);
    return true;
}

csc_hresult csc_remote_delete(csc_cache_t *cache, const char *path)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__htable_settle(&cache->remote->nodes);
    csc__rview_t v;
    hr = find_locked(cache, path, &v, NULL);
    if (hr == CSC_S_OK && !(v.node != NULL ? keep_originals(cache, v.node->key, v.node->key_len)
                                            : keep_originals_of(cache, v.twin)))
        hr = CSC_E_OUTOFMEMORY; /* nothing changed */
    if (hr == CSC_S_OK && v.node != NULL) {
        csc__sync_server_changed(cache, v.node->key, v.node->key_len); /* C15.12 */
        subtree_delete(cache, v.node); /* remembered modes stay (C15.7) */
    } else if (hr == CSC_S_OK) {
        /* C15.12: an implicit twin's file may hold a conflict recorded
         * before the twin was made (a dirty file cached again). */
        csc__fstate_t *fs = csc__fstate_get(cache, v.twin);
        if (fs != NULL && fs->conflict != 0) {
            fs->conflict = 0;
            fs->conflict_version = 0;
            csc__fstate_settle(cache, (struct csc_item *)v.twin);
        }
        twin_drop(cache, v.twin);
    }
    if (CSC__RECORDING(cache))
        csc__rec_remote(cache, "remote delete", path, false, 0, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_remote_set_caching_mode(csc_cache_t *cache, const char *share,
                                        csc_caching_mode_t mode)
{
    if (cache == NULL || share == NULL)
        return CSC_E_POINTER;
    if (mode < CSC_CACHING_MODE_NOCACHING || mode > CSC_CACHING_MODE_AUTO_PROGANDDOC)
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    csc__path_buf_t pb;
    hr = csc__path_buf_normalize(&cache->alloc, share, &pb);
    if (hr == CSC_S_OK && pb.ncomp != 2) /* C15.5: a share path only */
        hr = CSC_E_INVALIDARG;
    if (hr == CSC_S_OK) {
        uint32_t depth;
        csc__rnode_t *n = deepest(cache, &pb, &depth);
        if (depth < 2) { /* create the share (and server): C15.5 language */
            csc__rnode_t *top;
            hr = chain_prepare(cache, &pb, depth + 1, CSC_ITEM_SHARE, &top);
            if (hr == CSC_S_OK)
                n = chain_commit(cache, n, top);
        }
        if (hr == CSC_S_OK) {
            n->mode = (uint8_t)mode;
            if (mode == CSC_CACHING_MODE_NOCACHING)
                cache->remote->nocaching_seen = true;
            csc__connect_share_seen(cache, n); /* C15.7 */
        }
    }
    csc__path_buf_release(&cache->alloc, &pb);
    if (CSC__RECORDING(cache))
        csc__rec_share(cache, share, (int)mode, hr);
    csc__leave(cache);
    return hr;
}

csc_hresult csc_remote_item(const csc_cache_t *cache, const char *path, csc_item_type_t *type,
                            uint64_t *size, uint64_t *version, uint64_t *last_change)
{
    if (cache == NULL || path == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    csc__rview_t n;
    hr = find_locked(cache, path, &n, NULL);
    if (hr == CSC_S_OK) {
        bool file = n.type == CSC_ITEM_FILE;
        if (type != NULL)
            *type = (csc_item_type_t)n.type;
        if (size != NULL)
            *size = file ? n.size : 0;
        if (version != NULL)
            *version = file ? n.version : 0;
        if (last_change != NULL)
            *last_change = n.last_change;
    }
    csc__leave(cache);
    return hr;
}

csc_hresult csc_remote_caching_mode(const csc_cache_t *cache, const char *share,
                                    csc_caching_mode_t *mode)
{
    if (mode == NULL)
        return CSC_E_POINTER;
    *mode = CSC_CACHING_MODE_NONE;
    if (cache == NULL || share == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    csc__rview_t n;
    uint32_t ncomp = 0;
    hr = find_locked(cache, share, &n, &ncomp);
    if ((hr == CSC_S_OK || hr == CSC_E_FILE_NOT_FOUND) && ncomp != 2)
        hr = CSC_E_INVALIDARG;
    if (hr == CSC_S_OK)
        *mode = (csc_caching_mode_t)n.node->mode; /* a share is always a record */
    csc__leave(cache);
    return hr;
}

/* ---- C10.2: the twins of setup caching ------------------------------------ */

csc_hresult csc__remote_twin_prepare(csc_cache_t *cache, const char *path, csc_item_type_t type,
                                     bool has_size, uint64_t size, csc__twin_t *tw)
{
    memset(tw, 0, sizeof *tw);
    tw->file = type == CSC_ITEM_FILE;
    tw->has_size = has_size;
    tw->size = size;
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr != CSC_S_OK || (tw->file && pb.ncomp < 3)) {
        /* The tree reports an invalid path; out of memory is ours. */
        hr = hr == CSC_E_OUTOFMEMORY ? hr : CSC_S_OK;
        goto done;
    }
    csc_item_type_t want = csc__type_at_depth(pb.ncomp, pb.ncomp, type);

    /* The share's record, which remembers the mode it sees (C10.6). */
    if (pb.ncomp >= 2) {
        tw->share_key_len = csc__rpath_key_prefix(&pb, 2);
        tw->server_down = csc__server_condition(cache, pb.key, csc__rpath_key_prefix(&pb, 1)) ==
                          CSC_NETWORK_DOWN;
        if (tw->server_down) /* only then does it matter (commit) */
            tw->share_was_cached =
                csc__tree_find_key(cache, pb.key, tw->share_key_len) != NULL;
        tw->scope = csc__scope_find(cache, pb.key, tw->share_key_len);
        if (tw->scope == NULL) {
            tw->scope = tw->new_scope = csc__scope_make(cache, pb.key, tw->share_key_len, true);
            if (tw->scope == NULL) {
                hr = CSC_E_OUTOFMEMORY;
                goto done;
            }
        }
    }

    /* An implicit twin is a cached file: a setup caching at or below it
     * other than the file itself fails in the tree (the chain made here is
     * then discarded); the file itself is settled at commit. */
    csc__htable_settle(&cache->remote->nodes); /* after materialising */
    uint32_t depth;
    csc__rnode_t *found = deepest(cache, &pb, &depth);
    if (depth == pb.ncomp) {
        /* C15.19: no twin over a remote item of another type. */
        if (found->type == CSC_ITEM_FILE && want == CSC_ITEM_FILE) {
            tw->existing = found;
            /* C15.4: the cached copy takes the server's size and version,
             * [decision] when the server has a version the cache has not
             * taken (changed or created on the server since: orig differs).
             * A twin the setup made keeps orig == version, so round-1 setup
             * keeps its meaning (C10.2): re-caching an evicted file without
             * a size gives it size 0 as before. */
            if (!has_size && found->version != found->orig) {
                tw->adopt = true;
                tw->adopt_size = found->size;
            }
        }
        goto done;
    }
    if (found->type == CSC_ITEM_FILE) /* C15.19: none below a remote file */
        goto done;
    /* The file's own twin is implicit when it can be (remote.h). */
    uint32_t last = pb.ncomp;
    if (want == CSC_ITEM_FILE) {
        size_t dstart = csc__rpath_display_prefix(&pb, pb.ncomp - 1) + 1;
        size_t rounded = rec_rounded(pb.key_len, pb.display_len - dstart);
        bool same_clock = depth + 1 < pb.ncomp || !found->has_kids ||
                          found->kids_clock == cache->clock;
        if (rounded <= CSC__RSLAB_MAX && same_clock) {
            /* A cached file already there keeps its own spelling, whose
             * record may be longer: CSC__RSLAB_MAX more until commit. */
            rounded += CSC__RSLAB_MAX;
            if (!res_reserve(&cache->alloc, &cache->remote->slab, rounded)) {
                hr = CSC_E_OUTOFMEMORY;
                csc__remote_twin_discard(cache, tw);
                goto done;
            }
            tw->twin_rounded = rounded;
            tw->twin_key_len = pb.key_len;
            last = pb.ncomp - 1;
            if (depth == last)
                tw->kids_parent = found;
            if (depth < last || !found->has_kids) {
                tw->new_kids = csc__malloc(&cache->alloc, sizeof *tw->new_kids);
                if (tw->new_kids == NULL) {
                    hr = CSC_E_OUTOFMEMORY;
                    csc__remote_twin_discard(cache, tw);
                    goto done;
                }
                tw->new_kids->dir = NULL; /* its key is added below */
            }
        } else if (depth + 1 == pb.ncomp) {
            /* A record for the file (remote.h), unless it is cached with
             * an implicit twin already (settled at commit). */
            tw->existing_twin = implicit_at(cache, pb.key, pb.key_len);
            if (tw->existing_twin != NULL)
                goto done;
        }
    }
    if (depth < last) {
        /* A file cached already (a record twin: spelled otherwise, renamed)
         * gives its twin its own spelling, as an implicit twin has it. */
        const struct csc_item *cached =
            want == CSC_ITEM_FILE && last == pb.ncomp
                ? csc__tree_find_key(cache, pb.key, pb.key_len)
                : NULL;
        if (cached != NULL && csc__type(cached) != CSC_ITEM_FILE)
            cached = NULL;
        hr = chain_prepare_named(cache, &pb, depth + 1, last, want,
                                 cached != NULL ? csc__name(cached) : NULL,
                                 cached != NULL ? csc__name_len(cached) : 0, &tw->chain);
        if (hr == CSC_S_OK)
            tw->chain->parent = found; /* where it goes; linked at commit */
        else {
            csc__remote_twin_discard(cache, tw);
            goto done;
        }
    }
    if (tw->new_kids != NULL) { /* the parent's entry in `kids` */
        csc__rnode_t *p = found;
        for (csc__rnode_t *c = tw->chain; c != NULL; c = c->first_child)
            p = c;
        tw->new_kids->dir = p;
        if (!csc__htable_add(&cache->remote->kids, &tw->new_kids->h, p->key, p->key_len)) {
            tw->new_kids->dir = NULL;
            hr = CSC_E_OUTOFMEMORY;
            csc__remote_twin_discard(cache, tw);
        }
    }
done:
    csc__path_buf_release(&cache->alloc, &pb);
    return hr;
}

void csc__remote_twin_discard(csc_cache_t *cache, csc__twin_t *tw)
{
    if (tw->new_kids != NULL) {
        if (tw->new_kids->dir != NULL)
            csc__htable_remove(&cache->remote->kids, &tw->new_kids->h);
        csc__free(&cache->alloc, tw->new_kids, sizeof *tw->new_kids);
    }
    if (tw->twin_rounded != 0)
        res_unreserve(&cache->remote->slab, tw->twin_rounded);
    if (tw->chain != NULL)
        chain_undo(cache, tw->chain, NULL);
    if (tw->new_scope != NULL)
        csc__scope_unmake(cache, tw->new_scope);
    memset(tw, 0, sizeof *tw);
}

void csc__remote_twin_commit(csc_cache_t *cache, csc__twin_t *tw, const struct csc_item *item)
{
    if (tw->twin_rounded != 0 && (csc__hot(item)->flags & CSC__F_TWIN)) {
        /* The file had an implicit twin already (in sync: C15.4 adopts
         * nothing); a size makes a new version, a record. */
        res_unreserve(&cache->remote->slab, tw->twin_rounded);
        tw->twin_rounded = 0;
        tw->existing_twin = item;
    }
    csc__rnode_t *made = tw->kids_parent;
    if (tw->chain != NULL) {
        csc__rnode_t *anc = tw->chain->parent;
        tw->chain->parent = NULL;
        made = chain_commit(cache, anc, tw->chain);
        if (made->type == CSC_ITEM_FILE) { /* C10.2: same size, version 1, in sync */
            made->size = csc__fstate_size(cache, item); /* a sparse file's too */
            made->orig = made->version;
        }
    }
    size_t actual = tw->twin_rounded != 0 ? rec_rounded(tw->twin_key_len, csc__name_len(item)) : 0;
    if (tw->twin_rounded != 0)
        res_unreserve(&cache->remote->slab,
                      actual <= CSC__RSLAB_MAX ? tw->twin_rounded - actual : tw->twin_rounded);
    if (tw->twin_rounded != 0 && actual > CSC__RSLAB_MAX) {
        /* [limit] a cached file spelled much longer than this call, on a
         * path of some 400 bytes: no twin (as C15.19's "none"). */
        if (tw->new_kids != NULL) {
            csc__htable_remove(&cache->remote->kids, &tw->new_kids->h);
            csc__free(&cache->alloc, tw->new_kids, sizeof *tw->new_kids);
        }
    } else if (tw->twin_rounded != 0) { /* C10.2: the implicit twin, in sync */
        if (!made->has_kids) {
            made->has_kids = true;
            made->kids_clock = cache->clock;
        }
        cache->remote->last_parent = made;
        csc__hot(item)->flags |= CSC__F_TWIN;
        /* An implicit twin has the size the cached file holds; a sparse
         * file holds none (C10.8), so its twin is a record at once (from
         * the memory just reserved), of the file's size (C10.2). */
        if (csc__fstate_is(cache, item, CSC__FS_SPARSE))
            materialize(cache, (struct csc_item *)item)->size = csc__fstate_size(cache, item);
    } else if (tw->existing_twin != NULL) {
        if (tw->has_size) { /* C15.4: both get size N, the twin a new version */
            csc__rnode_t *f = materialize(cache, (struct csc_item *)tw->existing_twin);
            f->size = tw->size;
            f->version++;
            f->last_change = cache->clock;
            f->orig = f->version;
        }
    } else if (tw->existing != NULL) {
        csc__rnode_t *f = tw->existing;
        if (tw->has_size) { /* C15.4: both get size N, the twin a new version */
            f->size = tw->size;
            f->version++;
            f->last_change = cache->clock;
        }
        f->orig = f->version; /* in sync with that version */
    }
    /* C10.6, C15.19: a share newly cached remembers the remote share's mode
     * (the twin exists now: MANUAL when the server lacked it); a share
     * already cached is updated only while its server is not down (C15.7).
     * While the server is not down a record that has a mode has the remote
     * share's already (csc__connect_share_seen keeps it so): no lookup. */
    bool update = tw->scope != NULL && (tw->server_down ? !tw->share_was_cached
                                                        : !tw->scope->has_mode);
    if (update) {
        csc__rnode_t *share = csc__remote_find(cache, tw->scope->key, tw->share_key_len);
        if (share != NULL) {
            tw->scope->mode = share->mode;
            tw->scope->has_mode = true;
        }
    }
    memset(tw, 0, sizeof *tw);
}

/* The remote record at a cached item's folded path: NULL when none (or when
 * a long path's buffer cannot be had, read as none). */
static csc__rnode_t *record_at_item(const csc_cache_t *cache, const struct csc_item *item)
{
    char stack[CSC__PATH_BUF_STACK];
    size_t len = csc__item_key_len(item);
    char *key = len <= sizeof stack ? stack : csc__malloc(&cache->alloc, len);
    if (key == NULL)
        return NULL;
    csc__item_key(item, key, len);
    csc__rnode_t *n = csc__remote_find(cache, key, len);
    if (key != stack)
        csc__free(&cache->alloc, key, len);
    return n;
}

bool csc__remote_changed_on_server(const csc_cache_t *cache, const struct csc_item *file)
{
    if (csc__hot(file)->flags & CSC__F_TWIN)
        return false; /* an implicit twin is in sync */
    const csc__rnode_t *twin = record_at_item(cache, file);
    bool remote_file = twin != NULL && twin->type == CSC_ITEM_FILE;
    if (csc__fstate_is(cache, file, CSC__FS_CREATED))
        return remote_file; /* C10.3: no original; the server has one now */
    if (!remote_file)
        return true; /* C10.3: the remote twin is gone */
    return twin->version != twin->orig;
}

bool csc_item_changed_on_server(const csc_item_t *item)
{
    if (item == NULL || csc__type(item) != CSC_ITEM_FILE)
        return false;
    return csc__remote_changed_on_server(csc__cache_of(item), item);
}

/* ---- what applications do (apps.c, C11) ------------------------------------ */

csc__rnode_t *csc__remote_file_record(csc_cache_t *cache, struct csc_item *file)
{
    if (csc__hot(file)->flags & CSC__F_TWIN)
        return materialize(cache, file);
    csc__rnode_t *n = record_at_item(cache, file);
    return n != NULL && n->type == CSC_ITEM_FILE ? n : NULL;
}

csc_hresult csc__remote_create_file(csc_cache_t *cache, const csc__path_buf_t *pb,
                                    uint64_t size, csc__rnode_t **out)
{
    *out = NULL;
    csc__htable_settle(&cache->remote->nodes);
    csc__rview_t v;
    if (csc__remote_view(cache, pb->key, pb->key_len, &v))
        return CSC_E_ALREADY_EXISTS;
    size_t plen = csc__rpath_key_prefix(pb, pb->ncomp - 1);
    csc__rnode_t *parent = csc__remote_find(cache, pb->key, plen);
    if (parent == NULL || (parent->type != CSC_ITEM_SHARE && parent->type != CSC_ITEM_DIRECTORY))
        return CSC_E_PATH_NOT_FOUND; /* C11.4, C15.9 (an implicit twin is a file) */
    csc__rnode_t *top;
    csc_hresult hr = chain_prepare(cache, pb, pb->ncomp, CSC_ITEM_FILE, &top);
    if (hr != CSC_S_OK)
        return hr;
    csc__rnode_t *made = chain_commit(cache, parent, top);
    made->size = size;
    *out = made;
    return CSC_S_OK;
}

void csc__remote_remove_file(csc_cache_t *cache, const csc__rview_t *v)
{
    if (v->node != NULL)
        subtree_delete(cache, v->node);
    else if (v->twin != NULL)
        twin_drop(cache, v->twin);
}

bool csc__remote_original(const csc_cache_t *cache, const char *key, size_t key_len,
                          uint64_t *version)
{
    csc__rview_t v;
    if (!csc__remote_view(cache, key, key_len, &v) || v.type != CSC_ITEM_FILE || v.orig == 0)
        return false;
    *version = v.orig;
    return true;
}

/* ---- the public getters of C10.3 and C13.5 (cscsim/remote.h) ------------- */

uint64_t csc_item_remote_dirty_bytes(const csc_item_t *item)
{
    if (!csc_item_changed_on_server(item))
        return 0;
    const csc__rnode_t *n = record_at_item(csc__cache_of(item), item);
    return n != NULL && n->type == CSC_ITEM_FILE ? n->size : 0;
}

bool csc_item_original_version(const csc_item_t *item, uint64_t *version)
{
    if (item == NULL || csc__type(item) != CSC_ITEM_FILE)
        return false;
    const csc_cache_t *cache = csc__cache_of(item);
    if (csc__fstate_is(cache, item, CSC__FS_CREATED))
        return false; /* C10.2: none for a file created offline */
    uint64_t v = 1; /* an implicit twin is in sync with version 1 */
    if (!(csc__hot(item)->flags & CSC__F_TWIN)) {
        const csc__rnode_t *n = record_at_item(cache, item);
        const csc__fstate_t *fs = csc__fstate_get(cache, item);
        if (n != NULL && n->type == CSC_ITEM_FILE && n->orig != 0)
            v = n->orig;
        else if (fs != NULL && (fs->bits & CSC__FS_ORIG))
            v = fs->orig; /* kept when the twin left the server */
        else
            return false;
    }
    if (version != NULL)
        *version = v;
    return true;
}

/* ---- the invariant check (csc_cache_check) ------------------------------- */

static bool remote_violation(char *why, size_t why_size, const char *key, const char *what)
{
    if (why != NULL && why_size > 0)
        snprintf(why, why_size, "remote item '%s': %s", key, what);
    return false;
}

static bool rtype_fits(const csc__rnode_t *parent, const csc__rnode_t *child)
{
    switch (parent->type) {
    case CSC__RNODE_ROOT:
        return child->type == CSC_ITEM_SERVER;
    case CSC_ITEM_SERVER:
        return child->type == CSC_ITEM_SHARE;
    case CSC_ITEM_SHARE:
    case CSC_ITEM_DIRECTORY:
        return child->type == CSC_ITEM_DIRECTORY || child->type == CSC_ITEM_FILE;
    default:
        return false;
    }
}

static const char *check_node(const csc__remote_t *r, const csc__rnode_t *n)
{
    const csc__rnode_t *p = n->parent;
    if (p == NULL || !rtype_fits(p, n))
        return "type not allowed below its parent";
    if (csc__htable_find(&r->nodes, n->key, n->key_len) != &n->h)
        return "the table does not map its key to it";
    /* Key: the parent's key, a separator, the folded name (a server: "\\"). */
    size_t plen = p->type == CSC__RNODE_ROOT ? 1 : p->key_len;
    bool root = p->type == CSC__RNODE_ROOT;
    if (n->key_len <= plen + 1 || n->name_off != plen + 1 || n->key[plen] != '\\' ||
        (root ? n->key[0] != '\\' : memcmp(n->key, p->key, plen) != 0))
        return "key is not the parent's key and a name";
    char folded[2 * 1024 + 8];
    size_t flen;
    if (n->name_len > 1024 || !csc__fold_utf8(csc__rnode_name(n), n->name_len, folded, &flen) ||
        flen != n->key_len - n->name_off || memcmp(folded, n->key + n->name_off, flen) != 0)
        return "key does not end with the folded name";
    if (n->prev_sibling != NULL && !p->unsorted && compare_names(n->prev_sibling, n) >= 0)
        return "children out of order (C2.3)";
    if ((n->prev_sibling == NULL) != (p->first_child == n) ||
        (n->next_sibling == NULL) != (p->last_child == n) ||
        (n->next_sibling != NULL && n->next_sibling->prev_sibling != n))
        return "sibling links broken";
    if (n->type == CSC_ITEM_FILE && (n->version == 0 || n->orig > n->version))
        return "a file's version is 0 or below its original version";
    if (n->type != CSC_ITEM_FILE && (n->version != 0 || n->size != 0 || n->orig != 0))
        return "a container has a size or a version";
    if (n->type == CSC_ITEM_FILE && (n->has_kids || n->kids_clock != 0 || n->unsorted))
        return "a file has implicit twins";
    const csc__kids_t *k = (const csc__kids_t *)csc__htable_find(&r->kids, n->key, n->key_len);
    if (n->has_kids != (k != NULL) || (k != NULL && k->dir != n))
        return "has implicit twins but not in the table of such (or the reverse)";
    if ((n->type == CSC_ITEM_SHARE) !=
        (n->mode >= CSC_CACHING_MODE_NOCACHING && n->mode <= CSC_CACHING_MODE_AUTO_PROGANDDOC))
        return "caching mode on a non-share or outside C10.6";
    return NULL;
}

static bool check_all(const csc_cache_t *cache, char *why, size_t why_size, bool twins);

bool csc__remote_check(const csc_cache_t *cache, char *why, size_t why_size)
{
    return check_all(cache, why, why_size, true);
}

bool csc__remote_check_records(const csc_cache_t *cache)
{
    return check_all(cache, NULL, 0, false);
}

static bool check_all(const csc_cache_t *cache, char *why, size_t why_size, bool twins)
{
    const csc__remote_t *r = cache->remote;
    if (r == NULL)
        return remote_violation(why, why_size, "", "no remote side");
    size_t count = 0;
    const csc__rnode_t *n = r->root->first_child;
    while (n != NULL) {
        const char *what = check_node(r, n);
        if (what != NULL)
            return remote_violation(why, why_size, n->key, what);
        count++;
        if (n->first_child != NULL) {
            n = n->first_child;
            continue;
        }
        while (n != r->root && n->next_sibling == NULL)
            n = n->parent;
        n = n == r->root ? NULL : n->next_sibling;
    }
    if (count != r->node_count || csc__htable_count(&r->nodes) != count)
        return remote_violation(why, why_size, "", "item count differs from a recount");
    size_t with_kids = 0;
    for (const csc__rnode_t *m = r->root->first_child; m != NULL;) {
        with_kids += m->has_kids;
        if (m->first_child != NULL) {
            m = m->first_child;
            continue;
        }
        while (m != r->root && m->next_sibling == NULL)
            m = m->parent;
        m = m == r->root ? NULL : m->next_sibling;
    }
    if (csc__htable_count(&r->kids) != with_kids)
        return remote_violation(why, why_size, "", "the table of containers with implicit twins holds others");
    /* Implicit twins: cached files, each below a record that has implicit
     * twins, with no record of their own; the reserve covers them all. */
    size_t need = 0;
    char key[CSC__PATH_BUF_STACK];
    for (uint32_t id = 1; twins && id < cache->id_next; id++) {
        if ((id & (CSC__SLAB_ITEMS - 1u)) == 0)
            continue;
        const csc__hot_t *h = csc__hot_at(cache, id);
        if ((h->flags & CSC__F_FREE) || !(h->flags & CSC__F_TWIN))
            continue;
        const struct csc_item *it = csc__item_at(cache, id);
        size_t len = csc__item_key_len(it);
        size_t rounded = twin_rounded(it);
        need += rounded;
        if (len > sizeof key || h->type != CSC_ITEM_FILE || rounded > CSC__RSLAB_MAX)
            return remote_violation(why, why_size, "", "an implicit twin out of shape");
        csc__item_key(it, key, len);
        key[len] = '\0';
        const csc__rnode_t *p = twin_parent(cache, key, len);
        if (csc__remote_find(cache, key, len) != NULL)
            return remote_violation(why, why_size, key, "implicit twin with a record");
        if (p == NULL || !p->has_kids ||
            (p->type != CSC_ITEM_SHARE && p->type != CSC_ITEM_DIRECTORY))
            return remote_violation(why, why_size, key, "implicit twin without its parent");
    }
    const csc__rslab_t *sl = &r->slab;
    if (!twins)
        need = sl->res_need; /* the caller vouches for the twins */
    if (need != sl->res_need ||
        (need != 0 && sl->res_need + CSC__RSLAB_MAX * (sl->res_queued + 1) > sl->res_left + sl->res_queued_cap)) {
        if (why != NULL && why_size > 0)
            snprintf(why, why_size, "the reserve does not cover the implicit twins (need %zu, recount %zu, left %zu, queued %zu/%zu)",
                     sl->res_need, need, sl->res_left, sl->res_queued, sl->res_queued_cap);
        return false;
    }
    for (const csc__hentry_t *e = csc__htable_first(&r->scopes); e != NULL;
         e = csc__htable_next(e)) {
        const csc__scope_t *s = (const csc__scope_t *)e;
        size_t seps = 0;
        for (size_t i = 2; i < s->key_len; i++)
            seps += s->key[i] == '\\';
        if (csc__htable_find(&r->scopes, s->key, s->key_len) != &s->h || seps != (s->is_share ? 1u : 0u) ||
            s->condition > CSC_NETWORK_SLOW || (!s->is_share && (s->forced || s->has_mode)) ||
            (s->has_mode && (s->mode < CSC_CACHING_MODE_NOCACHING ||
                             s->mode > CSC_CACHING_MODE_AUTO_PROGANDDOC)))
            return remote_violation(why, why_size, s->key, "connectivity record out of shape");
    }
    return true;
}

/* ---- snapshots (section 3, src/snapshot.c) -------------------------------- */

#define SNAP_NODE_FIXED 50u
#define SNAP_SCOPE_FIXED 24u
#define SNAP_KIDS 0x01u
#define SNAP_UNSORTED 0x02u
#define SNAP_SHARE 0x01u
#define SNAP_HAS_MODE 0x02u
#define SNAP_FORCED 0x04u
#define SNAP_OVERRIDE 0x08u

/* Pre-order successor over the records (list order, sorted or not). */
static const csc__rnode_t *rnext(const csc__remote_t *r, const csc__rnode_t *n)
{
    if (n->first_child != NULL)
        return n->first_child;
    while (n != r->root && n->next_sibling == NULL)
        n = n->parent;
    return n == r->root ? NULL : n->next_sibling;
}

bool csc__remote_snap_needed(const csc_cache_t *cache)
{
    const csc__remote_t *r = cache->remote;
    return r != NULL && (r->node_count != 0 || csc__htable_count(&r->scopes) != 0);
}

size_t csc__remote_snap_bytes(const csc_cache_t *cache)
{
    const csc__remote_t *r = cache->remote;
    size_t n = 16;
    for (const csc__rnode_t *m = r->root->first_child; m != NULL; m = rnext(r, m))
        n += SNAP_NODE_FIXED + m->name_len;
    for (const csc__hentry_t *e = csc__htable_first(&r->scopes); e != NULL;
         e = csc__htable_next(e))
        n += SNAP_SCOPE_FIXED + ((const csc__scope_t *)e)->key_len;
    return n;
}

unsigned char *csc__remote_snap_write(const csc_cache_t *cache, unsigned char *p)
{
    const csc__remote_t *r = cache->remote;
    p = csc__le_put(p, r->node_count, 8);
    uint32_t depth = 1; /* 1: a server, 2: a share, ... */
    const csc__rnode_t *m = r->root->first_child;
    while (m != NULL) {
        p = csc__le_put(p, depth, 4);
        *p++ = m->type;
        *p++ = m->mode;
        *p++ = (unsigned char)((m->has_kids ? SNAP_KIDS : 0) | (m->unsorted ? SNAP_UNSORTED : 0));
        *p++ = 0;
        p = csc__le_put(p, m->name_len, 2);
        p = csc__le_put(p, m->size, 8);
        p = csc__le_put(p, m->version, 8);
        p = csc__le_put(p, m->orig, 8);
        p = csc__le_put(p, m->last_change, 8);
        p = csc__le_put(p, m->kids_clock, 8);
        memcpy(p, csc__rnode_name(m), m->name_len);
        p += m->name_len;
        if (m->first_child != NULL) {
            m = m->first_child;
            depth++;
            continue;
        }
        while (m != r->root && m->next_sibling == NULL) {
            m = m->parent;
            depth--;
        }
        m = m == r->root ? NULL : m->next_sibling;
    }
    p = csc__le_put(p, csc__htable_count(&r->scopes), 8);
    for (const csc__hentry_t *e = csc__htable_first(&r->scopes); e != NULL;
         e = csc__htable_next(e)) {
        const csc__scope_t *s = (const csc__scope_t *)e;
        *p++ = (unsigned char)((s->is_share ? SNAP_SHARE : 0) | (s->has_mode ? SNAP_HAS_MODE : 0) |
                               (s->forced ? SNAP_FORCED : 0) |
                               (s->has_override ? SNAP_OVERRIDE : 0));
        *p++ = s->condition;
        *p++ = s->mode;
        *p++ = 0;
        p = csc__le_put(p, s->slow_epoch, 8);
        p = csc__le_put(p, s->override_epoch, 8);
        p = csc__le_put(p, s->key_len, 4);
        memcpy(p, s->key, s->key_len);
        p += s->key_len;
    }
    return p;
}

/* Reads section 3's records and connectivity into the fresh cache (its
 * remote side new and empty). Every allocation failure and every refusal
 * leaves a remote side that csc__remote_free frees. */
csc_hresult csc__remote_snap_read(csc_cache_t *cache, const unsigned char **pp,
                                  const unsigned char *end)
{
    csc__remote_t *r = cache->remote;
    const unsigned char *p = *pp;
    uint64_t count;
    if (!csc__le_count(&p, end, SNAP_NODE_FIXED, &count))
        return CSC_E_FILE_CORRUPT;
    size_t cap = 65;
    csc__rnode_t **stack = csc__malloc(&cache->alloc, cap * sizeof *stack);
    if (stack == NULL)
        return CSC_E_OUTOFMEMORY;
    stack[0] = r->root;
    uint32_t last_depth = 0;
    char folded[2 * 1024 + 8];
    csc_hresult hr = CSC_S_OK;
    for (uint64_t i = 0; i < count && hr == CSC_S_OK; i++) {
        hr = CSC_E_FILE_CORRUPT;
        if (end - p < (ptrdiff_t)SNAP_NODE_FIXED)
            break;
        uint32_t depth = (uint32_t)csc__le_get(p, 4);
        uint8_t type = p[4], mode = p[5], flags = p[6], zero = p[7];
        size_t nlen = (size_t)csc__le_get(p + 8, 2);
        uint64_t size = csc__le_get(p + 10, 8), version = csc__le_get(p + 18, 8);
        uint64_t orig = csc__le_get(p + 26, 8);
        uint64_t last_change = csc__le_get(p + 34, 8), kids_clock = csc__le_get(p + 42, 8);
        p += SNAP_NODE_FIXED;
        if (depth == 0 || depth > last_depth + 1 || zero != 0 ||
            (flags & ~(SNAP_KIDS | SNAP_UNSORTED)) != 0 || nlen == 0 || nlen > 1024 ||
            (size_t)(end - p) < nlen)
            break;
        const char *name = (const char *)p;
        p += nlen;
        bool bad = false;
        for (size_t k = 0; k < nlen; k++)
            bad |= (unsigned char)name[k] < 0x20 || name[k] == '\\' || name[k] == '/';
        size_t flen;
        if (bad || !csc__fold_utf8(name, nlen, folded, &flen) || flen == 0)
            break;
        if (depth >= cap) {
            csc__rnode_t **s = csc__malloc(&cache->alloc, 2 * cap * sizeof *s);
            if (s == NULL) {
                hr = CSC_E_OUTOFMEMORY;
                break;
            }
            memcpy(s, stack, cap * sizeof *s);
            csc__free(&cache->alloc, stack, cap * sizeof *stack);
            stack = s;
            cap *= 2;
        }
        csc__rnode_t *parent = stack[depth - 1];
        size_t plen = depth == 1 ? 1 : parent->key_len;
        size_t klen = plen + 1 + flen;
        csc__rnode_t *n = slab_alloc(&cache->alloc, &r->slab, csc__rnode_size(klen, nlen));
        if (n == NULL) {
            hr = CSC_E_OUTOFMEMORY;
            break;
        }
        memset(n, 0, sizeof *n);
        if (depth == 1)
            n->key[0] = '\\';
        else
            memcpy(n->key, parent->key, plen);
        n->key[plen] = '\\';
        memcpy(n->key + plen + 1, folded, flen);
        n->key[klen] = '\0';
        memcpy(n->key + klen + 1, name, nlen);
        n->key[klen + 1 + nlen] = '\0';
        n->key_len = (uint32_t)klen;
        n->name_off = (uint32_t)(plen + 1);
        n->name_len = (uint16_t)nlen;
        n->type = type;
        n->mode = mode;
        if (mode == CSC_CACHING_MODE_NOCACHING)
            cache->remote->nocaching_seen = true;
        n->size = size;
        n->version = version;
        n->orig = orig;
        n->last_change = last_change;
        n->kids_clock = kids_clock;
        n->unsorted = (flags & SNAP_UNSORTED) != 0;
        /* Linked as written (the check below judges the order). */
        n->parent = parent;
        n->prev_sibling = parent->last_child;
        if (parent->last_child != NULL)
            parent->last_child->next_sibling = n;
        else
            parent->first_child = n;
        parent->last_child = n;
        r->node_count++;
        stack[depth] = n;
        last_depth = depth;
        if (!csc__htable_add(&r->nodes, &n->h, n->key, klen)) {
            r->node_count--; /* linked: freed with the tree, counted for the check only */
            hr = CSC_E_OUTOFMEMORY;
            break;
        }
        if (flags & SNAP_KIDS) {
            csc__kids_t *k = csc__malloc(&cache->alloc, sizeof *k);
            if (k == NULL) {
                hr = CSC_E_OUTOFMEMORY;
                break;
            }
            k->dir = n;
            if (!csc__htable_add(&r->kids, &k->h, n->key, klen)) {
                csc__free(&cache->alloc, k, sizeof *k);
                hr = CSC_E_OUTOFMEMORY;
                break;
            }
            n->has_kids = true;
        }
        hr = CSC_S_OK;
    }
    csc__free(&cache->alloc, stack, cap * sizeof *stack);
    if (hr != CSC_S_OK)
        return hr;
    uint64_t scopes;
    if (!csc__le_count(&p, end, SNAP_SCOPE_FIXED, &scopes))
        return CSC_E_FILE_CORRUPT;
    for (uint64_t i = 0; i < scopes; i++) {
        if (end - p < (ptrdiff_t)SNAP_SCOPE_FIXED)
            return CSC_E_FILE_CORRUPT;
        uint8_t flags = p[0], condition = p[1], mode = p[2], zero = p[3];
        uint64_t slow_epoch = csc__le_get(p + 4, 8), override_epoch = csc__le_get(p + 12, 8);
        uint64_t klen = csc__le_get(p + 20, 4);
        p += SNAP_SCOPE_FIXED;
        if ((flags & ~(SNAP_SHARE | SNAP_HAS_MODE | SNAP_FORCED | SNAP_OVERRIDE)) != 0 ||
            zero != 0 || klen < 3 || klen > (uint64_t)(end - p) || p[0] != '\\' || p[1] != '\\' ||
            memchr(p, '\0', (size_t)klen) != NULL ||
            csc__htable_find(&r->scopes, (const char *)p, (size_t)klen) != NULL ||
            (!(flags & SNAP_HAS_MODE) && mode != 0))
            return CSC_E_FILE_CORRUPT;
        csc__scope_t *s = csc__scope_make(cache, (const char *)p, (size_t)klen,
                                          (flags & SNAP_SHARE) != 0);
        if (s == NULL)
            return CSC_E_OUTOFMEMORY;
        p += klen;
        s->condition = condition;
        s->mode = mode;
        s->has_mode = (flags & SNAP_HAS_MODE) != 0;
        if (s->has_mode && mode == CSC_CACHING_MODE_NOCACHING)
            cache->remote->nocaching_seen = true;
        s->forced = (flags & SNAP_FORCED) != 0;
        s->has_override = (flags & SNAP_OVERRIDE) != 0;
        s->slow_epoch = slow_epoch;
        s->override_epoch = override_epoch;
    }
    *pp = p;
    return CSC_S_OK;
}

/* The cached file `item` of the fresh cache gets an implicit twin (section
 * 3's list): refused unless it could have one; its record is reserved. */
csc_hresult csc__remote_snap_twin(csc_cache_t *cache, struct csc_item *item)
{
    csc__hot_t *h = csc__hot(item);
    size_t len = csc__item_key_len(item);
    char key[CSC__PATH_BUF_STACK];
    size_t rounded = rec_rounded(len, csc__name_len(item));
    if (h->type != CSC_ITEM_FILE || (h->flags & CSC__F_TWIN) || len > sizeof key ||
        rounded > CSC__RSLAB_MAX)
        return CSC_E_FILE_CORRUPT;
    csc__item_key(item, key, len);
    csc__rnode_t *parent = twin_parent(cache, key, len);
    if (parent == NULL || csc__remote_find(cache, key, len) != NULL ||
        (parent->type != CSC_ITEM_SHARE && parent->type != CSC_ITEM_DIRECTORY))
        return CSC_E_FILE_CORRUPT;
    cache->remote->last_parent = parent; /* its siblings come next */
    if (!res_reserve(&cache->alloc, &cache->remote->slab, rounded))
        return CSC_E_OUTOFMEMORY;
    h->flags |= CSC__F_TWIN;
    return CSC_S_OK;
}

/* After a swap of whole caches' states: the tables name their cache's
 * allocator. */
void csc__remote_rebind(csc_cache_t *cache)
{
    csc__remote_t *r = cache->remote;
    if (r == NULL)
        return;
    r->nodes.alloc = &cache->alloc;
    r->scopes.alloc = &cache->alloc;
    r->kids.alloc = &cache->alloc;
    r->handles.alloc = &cache->alloc;
    csc__fstate_rebind(cache);
    csc__pending_rebind(cache);
}

/* ---- for Synchronize (src/remote/sync.c, C12) ----------------------------- */

csc__rnode_t *csc__remote_record_at(csc_cache_t *cache, const char *key, size_t key_len)
{
    csc__rnode_t *n = csc__remote_find(cache, key, key_len);
    if (n != NULL)
        return n;
    struct csc_item *tw = implicit_at(cache, key, key_len);
    return tw != NULL ? materialize(cache, tw) : NULL;
}

void csc__remote_remove_at(csc_cache_t *cache, const char *key, size_t key_len)
{
    csc__rnode_t *n = csc__remote_find(cache, key, key_len);
    if (n != NULL) {
        subtree_delete(cache, n);
        return;
    }
    struct csc_item *tw = implicit_at(cache, key, key_len);
    if (tw != NULL)
        twin_drop(cache, tw);
}

csc_hresult csc__remote_sync_create(csc_cache_t *cache, const char *path, uint64_t size,
                                    csc__rnode_t **out)
{
    *out = NULL;
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(&cache->alloc, path, &pb);
    if (hr == CSC_S_OK && pb.ncomp < 3)
        hr = CSC_E_INVALID_NAME;
    if (hr != CSC_S_OK)
        goto done;
    csc__htable_settle(&cache->remote->nodes);
    uint32_t depth;
    csc__rnode_t *found = deepest(cache, &pb, &depth);
    if (depth < pb.ncomp && depth >= 2 &&
        implicit_at(cache, pb.key, csc__rpath_key_prefix(&pb, depth + 1)) != NULL) {
        /* an implicit twin file where a directory or the file must go */
        hr = depth + 1 < pb.ncomp ? CSC_HRESULT_FROM_WIN32(3u) : CSC_E_ALREADY_EXISTS;
        goto done;
    }
    if (depth == pb.ncomp) {
        hr = found->type == CSC_ITEM_FILE ? CSC_S_OK : CSC_E_ALREADY_EXISTS; /* C15.19 */
        if (hr == CSC_S_OK)
            *out = found;
        goto done;
    }
    if (found->type == CSC_ITEM_FILE) { /* C15.19: a remote file where an ancestor must go */
        hr = CSC_HRESULT_FROM_WIN32(3u);
        goto done;
    }
    csc__rnode_t *top;
    hr = chain_prepare(cache, &pb, depth + 1, CSC_ITEM_FILE, &top);
    if (hr == CSC_S_OK) {
        csc__rnode_t *made = chain_commit(cache, found, top);
        made->size = size;
        *out = made;
    }
done:
    csc__path_buf_release(&cache->alloc, &pb);
    return hr;
}
