/*
 * src/check.c: the invariant checker (csc_cache_check). It walks the whole
 * tree and verifies what every other module relies on: parent, child and
 * sibling links (the hot records' ids and the cold back links); C2.3 order;
 * the types allowed at each depth; each key is the parent's id and the
 * folded display name; the index maps every key to its item and holds
 * nothing else; the hot flags agree with the cold counts; item storage
 * (every id below the high-water mark is live or on the free list); pin and inherit bits only
 * where C3.1-C3.3 allow them; the pinned-below counters (C3.5), dirty state
 * (C5.1) and disk-space counters equal a recount; then the remote side's
 * own invariants (src/remote/). Costs O(items); meant for tests and debug
 * builds.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "path.h"
#include "tree.h"
#include "remote/remote.h"
#include "remote/fstate.h"

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
        char path[512];
        csc_item_path(item, path, sizeof path);
        int n = snprintf(c->why, c->why_size, "item '%s': ", path);
        if (n >= 0 && (size_t)n < c->why_size)
            vsnprintf(c->why + n, c->why_size - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}


/* Checks one item's own fields. */
static bool check_item(check_t *c, const csc_cache_t *cache, const struct csc_item *it)
{
    const csc__hot_t *h = csc__hot(it);
    const struct csc_item *p = csc__parent(it);
    /* Key: the parent's id, then the folded name. */
    uint32_t kp;
    memcpy(&kp, it->hh.key, 4);
    if (kp != h->parent || it->hh.keylen <= 4u || csc__fname(it)[csc__fname_len(it)] != '\0' ||
        memchr(csc__fname(it), '\\', csc__fname_len(it)) != NULL)
        return violation(c, it, "key does not name the parent and one component");
    if (((const char *)it->hh.key == it->key) != (!(h->flags & CSC__F_NAMED) &&
                                                  it->hh.keylen + 1u <= sizeof it->key))
        return violation(c, it, "key stored inline when it should not, or the reverse");
    const char *name = csc__name(it);
    size_t name_len = csc__name_len(it);
    char folded[CSC__PATH_KEY_CAP(256u * 4u)];
    size_t flen = 0;
    if (name_len > 256u * 4u || !csc__fold_utf8(name, name_len, folded, &flen) ||
        flen != csc__fname_len(it) || memcmp(folded, csc__fname(it), flen) != 0)
        return violation(c, it, "display name '%s' does not fold to the key", name);
    if ((h->flags & CSC__F_NAMED) &&
        (name_len == flen && memcmp(name, csc__fname(it), flen) == 0))
        return violation(c, it, "a separate display name equal to the folded one");
    if (memchr(name, '\\', name_len) != NULL)
        return violation(c, it, "bad display name length or separator");
    if (csc__index_find(&cache->index, kp, csc__fname(it), csc__fname_len(it)) != it)
        return violation(c, it, "index does not map the key to the item");
    if (!csc__type_fits(csc__type(p), h->type))
        return violation(c, it, "type %u not allowed below type %u", h->type, csc__type(p));
    if ((h->flags & ~(CSC__F_DIRTY | CSC__F_OPEN | CSC__F_PROTECT | CSC__F_NAMED |
                      CSC__F_SUSPEND_ROOT | CSC__F_ENC_DIFF | CSC__F_TWIN | CSC__F_XSTATE)) != 0)
        return violation(c, it, "unknown flags %#x", h->flags);
    if ((h->flags & CSC__F_SUSPEND_ROOT) && h->type == CSC_ITEM_SERVER) /* on files: XSTATE */
        return violation(c, it, "a suspension root that is not a share or directory");
    if ((h->flags & CSC__F_ENC_DIFF) && h->type != CSC_ITEM_FILE)
        return violation(c, it, "an encryption mark on a container");
    uint16_t pins = csc__pins(it), inherit = csc__inherit(it);
    if ((pins & ~CSC_PIN_SOURCES_ALL) != 0 || (inherit & ~CSC_PIN_SOURCES_ALL) != 0)
        return violation(c, it, "unknown pin bits");
    if (h->type == CSC_ITEM_SERVER && (pins != 0 || inherit != 0))
        return violation(c, it, "a server carries pin state");
    if (h->type == CSC_ITEM_FILE && inherit != 0)
        return violation(c, it, "a file carries inherit bits");
    if ((inherit & ~pins) != 0)
        return violation(c, it, "inherit bit without its pin");
    bool dirty = (h->flags & CSC__F_DIRTY) != 0, open = (h->flags & CSC__F_OPEN) != 0;
    if (h->type != CSC_ITEM_FILE && (dirty || open || h->size != 0))
        return violation(c, it, "a container is dirty, open or sized");
    if (h->type == CSC_ITEM_FILE) {
        if (!dirty && it->u.dirty_bytes != 0)
            return violation(c, it, "clean with dirty bytes");
        if (open != (h->u.f.open_count != 0))
            return violation(c, it, "open flag disagrees with the open count");
    }
    if (it->acl != 0 && (it->acl >= cache->acl_cap || cache->acls[it->acl] == NULL))
        return violation(c, it, "access list slot is empty");
    /* The eviction index holds exactly the evictable items (C5.2). */
    bool evictable = !(h->flags & CSC__F_PROTECT) && h->pins == 0 &&
                     (h->type == CSC_ITEM_FILE ? !dirty && !open : h->u.d.first_child == CSC__NONE);
    if (evictable != (h->heap_pos != 0))
        return violation(c, it, "eviction index disagrees with the evictable predicate");
    if (h->heap_pos & CSC__PENDING) {
        size_t i = h->heap_pos & ~CSC__PENDING;
        if (i >= cache->pending.count || cache->pending.slots[i] != csc__id(it))
            return violation(c, it, "pending slot does not hold the item");
    } else if (h->heap_pos != 0) {
        const csc__heap_t *hp = h->type == CSC_ITEM_FILE ? &cache->evictable_files
                                                         : &cache->evictable_dirs;
        if (h->heap_pos > hp->count || hp->slots[h->heap_pos - 1].item != it)
            return violation(c, it, "eviction heap slot does not hold the item");
        if (hp->slots[h->heap_pos - 1].last_use !=
            (h->type == CSC_ITEM_FILE ? it->last_use : 0))
            return violation(c, it, "eviction heap slot has a stale last use");
    }
    return true;
}

/* Heap order (C5.4): a parent slot never goes after its children. */
static bool heap_ordered(const csc__heap_t *h)
{
    for (size_t i = 1; i < h->count; i++) {
        const csc__heap_slot_t *p = &h->slots[(i - 1) / 2], *ch = &h->slots[i];
        if (p->last_use != ch->last_use) {
            if (p->last_use > ch->last_use)
                return false;
            continue;
        }
        if (csc__walk_order(p->item, ch->item) > 0) /* equal last use: walk order */
            return false;
    }
    return true;
}

/* Item storage: ids below the high-water mark are live items or on the
 * free list, which is as long as the difference. */
static void check_storage(check_t *c, const csc_cache_t *cache, size_t live)
{
    size_t free_count = 0;
    for (uint32_t id = cache->id_free; id != CSC__NONE && free_count <= cache->id_next;
         id = csc__hot_at(cache, id)->next_sibling) {
        if (id >= cache->id_next || (id & (CSC__SLAB_ITEMS - 1u)) == 0 ||
            !(csc__hot_at(cache, id)->flags & CSC__F_FREE)) {
            violation(c, cache->root, "free list holds id %u, not a free record", id);
            return;
        }
        free_count++;
    }
    /* live items, the root, and slot 0 of each slab */
    if (free_count + live + 1u + cache->slab_count != cache->id_next)
        violation(c, cache->root, "ids: %zu free, %zu live, high-water mark %u", free_count,
                  live, cache->id_next);
}

/* The lookup memo (tree.c): live items, each the child of the one before
 * (the first a server), named by the remembered key's components. */
static void check_memo(check_t *c, const csc_cache_t *cache)
{
    uint32_t parent = csc__id(cache->root);
    size_t start = 2;
    for (uint32_t d = 0; d < cache->memo_n && !c->failed; d++) {
        uint32_t id = cache->memo_id[d];
        size_t end = cache->memo_end[d];
        if (id == CSC__NONE || id >= cache->id_next || (id & (CSC__SLAB_ITEMS - 1u)) == 0 ||
            (csc__hot_at(cache, id)->flags & CSC__F_FREE) ||
            csc__hot_at(cache, id)->parent != parent) {
            violation(c, cache->root, "lookup memo depth %u: not a live child", d);
            return;
        }
        const struct csc_item *it = csc__item_at(cache, id);
        if (end < start || end - start != csc__fname_len(it) ||
            memcmp(cache->memo_key + start, csc__fname(it), end - start) != 0 ||
            (d + 1 < cache->memo_n && cache->memo_key[end] != '\\')) {
            violation(c, it, "lookup memo depth %u: the key does not name it", d);
            return;
        }
        parent = id;
        start = end + 1;
    }
}

static csc_hresult check_locked(const csc_cache_t *cache, char *why, size_t why_size)
{
    check_t c = {why, why_size, false};
    size_t count = 0;
    csc__bytes_t used = {0, 0}, unpinned_used = {0, 0};
    size_t acls = 0, files = 0, dirs = 0, in_heaps = 0;
    csc__bytes_t evictable_bytes = {0, 0};
    const struct csc_item *root = cache->root;
    if (csc__hot(root)->parent != CSC__NONE || csc__hot(root)->pins != 0 ||
        csc__type(root) != CSC__ITEM_ROOT || csc__id(root) != 1u)
        violation(&c, root, "bad root");

    /* Pre-order walk; each item's count of marked children is recounted. */
    const struct csc_item *it = root;
    while (!c.failed) {
        /* Check `it`'s child list. */
        const struct csc_item *prev = NULL;
        uint32_t pinned_below = 0;
        uint32_t id = csc__id(it);
        for (const struct csc_item *ch = csc__first_child(it); ch != NULL;
             ch = csc__next_sibling(ch)) {
            if ((csc__hot(ch)->flags & CSC__F_FREE) || csc__hot(ch)->parent != id ||
                ch->prev_sibling != (prev != NULL ? csc__id(prev) : CSC__NONE))
                violation(&c, ch, "broken parent or sibling link");
            else if (prev != NULL && csc__compare_names(prev, ch) >= 0)
                violation(&c, ch, "children out of C2.3 order or duplicated");
            if (c.failed)
                break;
            pinned_below += csc__marked(ch); /* C3.5: marked children */
            prev = ch;
        }
        if (!c.failed && csc__is_container(it) &&
            it->u.last_child != (prev != NULL ? csc__id(prev) : CSC__NONE))
            violation(&c, it, "last_child is wrong");
        if (!c.failed && csc__hot_pinned_below(csc__hot(it)) != pinned_below)
            violation(&c, it, "pinned_below is %u, recount %u",
                      csc__hot_pinned_below(csc__hot(it)), pinned_below);
        if (c.failed)
            break;
        if (it != root) {
            count++;
            if (!check_item(&c, cache, it))
                break;
            const csc__hot_t *h = csc__hot(it);
            if (it->acl != 0)
                acls++;
            if (h->heap_pos != 0) {
                in_heaps++;
                if (h->type == CSC_ITEM_FILE)
                    csc__bytes_add(&evictable_bytes, h->size);
            }
            if (h->type == CSC_ITEM_FILE)
                files++;
            else
                dirs++;
            if (h->type == CSC_ITEM_FILE) {
                csc__bytes_add(&used, h->size);
                if (h->pins == 0)
                    csc__bytes_add(&unpinned_used, h->size);
            }
        }
        /* Next in pre-order. */
        if (csc__first_child(it) != NULL) {
            it = csc__first_child(it);
            continue;
        }
        while (it != root && csc__next_sibling(it) == NULL)
            it = csc__parent(it);
        if (it == root)
            break;
        it = csc__next_sibling(it);
    }
    if (!c.failed)
        check_storage(&c, cache, count);
    if (!c.failed)
        check_memo(&c, cache);
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
    if (!c.failed && !csc__fstate_check(cache, why, why_size)) /* src/remote/fstate.c */
        c.failed = true;
    if (!c.failed && !csc__remote_check(cache, why, why_size)) /* src/remote/ (C10) */
        c.failed = true;
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
