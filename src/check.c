/*
 * src/check.c: the invariant checker (csc_cache_check). It walks the whole
 * tree and verifies what every other module relies on: parent, child and
 * sibling links; C2.3 order; the types allowed at each depth; each key is
 * the parent's key, a separator and the folded display name; the index maps
 * every key to its item and holds nothing else; pin and inherit bits only
 * where C3.1-C3.3 allow them; the pinned-below counters (C3.5), dirty state
 * (C5.1) and disk-space counters equal a recount. Costs O(items); meant for
 * tests and debug builds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "path.h"
#include "tree.h"

#include "cscsim/cache.h"

typedef struct check {
    char *why;
    size_t why_size;
    bool failed;
} check_t;

static bool violation(check_t *c, const struct csc_item *item, const char *fmt, ...)
{
    if (c->failed)
        return false;
    c->failed = true;
    if (c->why != NULL && c->why_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        int n = snprintf(c->why, c->why_size, "item '%s': ", item->key);
        if (n >= 0 && (size_t)n < c->why_size)
            vsnprintf(c->why + n, c->why_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool type_fits(const struct csc_item *parent, const struct csc_item *child)
{
    switch (parent->type) {
    case CSC__ITEM_ROOT:
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

static int name_cmp(const struct csc_item *a, const struct csc_item *b)
{
    size_t la = a->key_len - a->name_off, lb = b->key_len - b->name_off;
    int c = memcmp(a->key + a->name_off, b->key + b->name_off, la < lb ? la : lb);
    return c != 0 ? c : (la < lb ? -1 : la > lb ? 1 : 0);
}

/* Checks one item's own fields and its links to its children. Returns the
 * number of pinned items strictly below (recounted from the children). */
static bool check_item(check_t *c, const csc_cache_t *cache, const struct csc_item *it)
{
    const struct csc_item *p = it->parent;
    /* Key: parent key + '\' + folded name (a server: "\\" + name). */
    size_t plen = p->type == CSC__ITEM_ROOT ? 1 : p->key_len;
    if (it->name_off != plen + 1 || it->key_len <= it->name_off ||
        memcmp(it->key, p->type == CSC__ITEM_ROOT ? "\\" : p->key, plen) != 0 ||
        it->key[plen] != '\\' || it->key[it->key_len] != '\0')
        return violation(c, it, "key does not extend the parent's key");
    char folded[CSC__PATH_KEY_CAP(256u * 4u)];
    size_t flen = 0;
    if (it->name_len > 256u * 4u || !csc__fold_utf8(it->name, it->name_len, folded, &flen) ||
        flen != it->key_len - it->name_off ||
        memcmp(folded, it->key + it->name_off, flen) != 0)
        return violation(c, it, "display name '%s' does not fold to the key", it->name);
    if (strlen(it->name) != it->name_len || memchr(it->name, '\\', it->name_len) != NULL)
        return violation(c, it, "bad display name length or separator");
    if (csc__index_find(&cache->index, it->key, it->key_len) != it)
        return violation(c, it, "index does not map the key to the item");
    if (!type_fits(p, it))
        return violation(c, it, "type %u not allowed below type %u", it->type, p->type);
    if ((it->pins & ~CSC_PIN_SOURCES_ALL) != 0 || (it->inherit & ~CSC_PIN_SOURCES_ALL) != 0)
        return violation(c, it, "unknown pin bits");
    if (it->type == CSC_ITEM_SERVER && (it->pins != 0 || it->inherit != 0))
        return violation(c, it, "a server carries pin state");
    if (it->type == CSC_ITEM_FILE && it->inherit != 0)
        return violation(c, it, "a file carries inherit bits");
    if ((it->inherit & ~it->pins) != 0)
        return violation(c, it, "inherit bit without its pin");
    if (it->type != CSC_ITEM_FILE &&
        (it->dirty || it->dirty_bytes != 0 || it->open_count != 0 || it->size != 0))
        return violation(c, it, "a container is dirty, open or sized");
    if (!it->dirty && it->dirty_bytes != 0)
        return violation(c, it, "clean with dirty bytes");
    if (it->type == CSC_ITEM_FILE && it->first_child != NULL)
        return violation(c, it, "a file has children");
    /* The eviction index holds exactly the evictable items (C5.2). */
    bool evictable = !it->protect && it->pins == 0 &&
                     (it->type == CSC_ITEM_FILE ? !it->dirty && it->open_count == 0
                                                : it->first_child == NULL);
    if (evictable != (it->heap_pos != 0))
        return violation(c, it, "eviction index disagrees with the evictable predicate");
    if (it->heap_pos & CSC__PENDING) {
        size_t i = it->heap_pos & ~CSC__PENDING;
        if (i >= cache->pending.count || cache->pending.slots[i] != it)
            return violation(c, it, "pending slot does not hold the item");
    } else if (it->heap_pos != 0) {
        const csc__heap_t *h = it->type == CSC_ITEM_FILE ? &cache->evictable_files
                                                         : &cache->evictable_dirs;
        if (it->heap_pos > h->count || h->slots[it->heap_pos - 1].item != it)
            return violation(c, it, "eviction heap slot does not hold the item");
        if (h->slots[it->heap_pos - 1].last_use !=
            (it->type == CSC_ITEM_FILE ? it->last_use : 0))
            return violation(c, it, "eviction heap slot has a stale last use");
    }
    return true;
}

/* Heap order (C5.4): a parent slot never goes after its children. */
static bool heap_ordered(const csc__heap_t *h)
{
    for (size_t i = 1; i < h->count; i++) {
        const struct csc_item *p = h->slots[(i - 1) / 2].item, *ch = h->slots[i].item;
        if (p->type == CSC_ITEM_FILE && p->last_use != ch->last_use) {
            if (p->last_use > ch->last_use)
                return false;
            continue;
        }
        /* equal last use (or containers): walk order, separator lowest */
        size_t n = p->key_len < ch->key_len ? p->key_len : ch->key_len;
        int cmp = 0;
        for (size_t k = 0; k < n && cmp == 0; k++) {
            unsigned a = (unsigned char)p->key[k], b = (unsigned char)ch->key[k];
            if (a != b) {
                a = a == '\\' ? 0u : a + 1u;
                b = b == '\\' ? 0u : b + 1u;
                cmp = a < b ? -1 : 1;
            }
        }
        if (cmp == 0)
            cmp = p->key_len < ch->key_len ? -1 : (p->key_len > ch->key_len ? 1 : 0);
        if (cmp > 0)
            return false;
    }
    return true;
}

static csc_hresult check_locked(const csc_cache_t *cache, char *why, size_t why_size)
{
    check_t c = {why, why_size, false};
    size_t count = 0;
    csc__bytes_t used = {0, 0}, unpinned_used = {0, 0};
    size_t acls = 0, files = 0, dirs = 0, in_heaps = 0;
    csc__bytes_t evictable_bytes = {0, 0};
    const struct csc_item *root = cache->root;
    if (root->parent != NULL || root->pins != 0 || root->type != CSC__ITEM_ROOT)
        violation(&c, root, "bad root");

    /* Pre-order walk; each item's count of marked children is recounted. */
    const struct csc_item *it = root;
    while (!c.failed) {
        /* Check `it`'s child list. */
        const struct csc_item *prev = NULL;
        uint32_t pinned_below = 0;
        for (const struct csc_item *ch = it->first_child; ch != NULL; ch = ch->next_sibling) {
            if (ch->parent != it || ch->prev_sibling != prev)
                violation(&c, ch, "broken parent or sibling link");
            else if (prev != NULL && name_cmp(prev, ch) >= 0)
                violation(&c, ch, "children out of C2.3 order or duplicated");
            pinned_below += csc__marked(ch); /* C3.5: marked children */
            prev = ch;
        }
        if (!c.failed && it->last_child != prev)
            violation(&c, it, "last_child is wrong");
        if (!c.failed && it->pinned_below != pinned_below)
            violation(&c, it, "pinned_below is %u, recount %u", it->pinned_below, pinned_below);
        if (c.failed)
            break;
        if (it != root) {
            count++;
            if (!check_item(&c, cache, it))
                break;
            if (it->acl != NULL)
                acls++;
            if (it->heap_pos != 0) {
                in_heaps++;
                if (it->type == CSC_ITEM_FILE)
                    csc__bytes_add(&evictable_bytes, it->size);
            }
            if (it->type == CSC_ITEM_FILE)
                files++;
            else
                dirs++;
            if (it->type == CSC_ITEM_FILE) {
                csc__bytes_add(&used, it->size);
                if (it->pins == 0)
                    csc__bytes_add(&unpinned_used, it->size);
            }
        }
        /* Next in pre-order. */
        if (it->first_child != NULL) {
            it = it->first_child;
            continue;
        }
        while (it != root && it->next_sibling == NULL)
            it = it->parent;
        if (it == root)
            break;
        it = it->next_sibling;
    }
    if (!c.failed && (count != cache->item_count || csc__index_count(&cache->index) != count))
        violation(&c, root, "item count %zu, index %zu, walk %zu", cache->item_count,
                  csc__index_count(&cache->index), count);
    if (!c.failed && acls != cache->acl_count)
        violation(&c, root, "acl count %zu, recount %zu", cache->acl_count, acls);
    if (!c.failed && (!csc__bytes_eq(used, cache->used) ||
                      !csc__bytes_eq(unpinned_used, cache->unpinned_used)))
        violation(&c, root, "disk space counters differ from a recount");
    if (!c.failed && (files != cache->file_count || dirs != cache->container_count))
        violation(&c, root, "file or container count differs from a recount");
    if (!c.failed && (in_heaps != cache->evictable_files.count + cache->evictable_dirs.count +
                                      cache->pending.count ||
                      !csc__bytes_eq(evictable_bytes, cache->evictable_bytes)))
        violation(&c, root, "eviction index size or evictable bytes differ from a recount");
    if (!c.failed && !heap_ordered(&cache->evictable_files))
        violation(&c, root, "evictable files out of heap order");
    if (!c.failed && !heap_ordered(&cache->evictable_dirs))
        violation(&c, root, "evictable containers out of heap order");
    return c.failed ? CSC_E_UNEXPECTED : CSC_S_OK;
}

csc_hresult csc_cache_check(const csc_cache_t *cache, char *why, size_t why_size)
{
    if (why != NULL && why_size > 0)
        why[0] = '\0';
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr == CSC_S_OK) {
        hr = check_locked(cache, why, why_size);
        csc__leave(cache);
    }
    return hr;
}
