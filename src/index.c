/*
 * src/index.c: the path index, a uthash table from an item's key (its
 * parent's id, then its case-folded last component) to the item, so a path
 * is found one component at a time from the root. This is the only file that uses uthash's macros: every
 * allocation goes through the cache's allocator and out-of-memory is
 * non-fatal (HASH_NONFATAL_OOM), so a failed add leaves the table as it was
 * and the caller reports E_OUTOFMEMORY (C8.1).
 */
#include <string.h>

#include "alloc.h"

/* The allocator the uthash macros use: a local variable of each wrapper. */
#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) csc__malloc(index_alloc_, (sz))
#define uthash_free(ptr, sz) csc__free(index_alloc_, (ptr), (sz))
#define uthash_nonfatal_oom(obj) (index_oom_ = 1)

#include "path.h"
#include "tree.h"

/* The longest folded component: 255 UTF-16 units of at most 3 bytes each,
 * folded (path.h). */
#define KEY_MAX (4u + CSC__PATH_KEY_CAP(3u * CSC__NAME_MAX_UNITS))

struct csc_item *csc__index_find(const csc__index_t *idx, uint32_t parent, const char *name,
                                 size_t name_len)
{
    char key[KEY_MAX];
    if (name_len > KEY_MAX - 4u)
        return NULL; /* longer than any stored key */
    memcpy(key, &parent, 4);
    memcpy(key + 4, name, name_len);
    struct csc_item *head = idx->head;
    struct csc_item *found = NULL;
    HASH_FIND(hh, head, key, (unsigned)(name_len + 4u), found);
    return found;
}

bool csc__index_add(csc__index_t *idx, struct csc_item *item)
{
    const csc_allocator_t *index_alloc_ = idx->alloc;
    int index_oom_ = 0;
    HASH_ADD_KEYPTR(hh, idx->head, item->hh.key, item->hh.keylen, item);
    (void)index_alloc_;
    return index_oom_ == 0;
}

void csc__index_remove(csc__index_t *idx, struct csc_item *item)
{
    const csc_allocator_t *index_alloc_ = idx->alloc;
    HASH_DELETE(hh, idx->head, item);
    (void)index_alloc_;
}

size_t csc__index_count(const csc__index_t *idx)
{
    return HASH_COUNT(idx->head);
}

void csc__index_clear(csc__index_t *idx)
{
    const csc_allocator_t *index_alloc_ = idx->alloc;
    HASH_CLEAR(hh, idx->head);
    (void)index_alloc_;
}

/* ---- the generic table of hash.h (src/remote/) ---------------------------- */

#include "hash.h"

csc__hentry_t *csc__htable_find(const csc__htable_t *t, const char *key, size_t key_len)
{
    csc__hentry_t *head = t->head;
    csc__hentry_t *found = NULL;
    HASH_FIND(hh, head, key, (unsigned)key_len, found);
    return found;
}

bool csc__htable_add(csc__htable_t *t, csc__hentry_t *e, const char *key, size_t key_len)
{
    const csc_allocator_t *index_alloc_ = t->alloc;
    int index_oom_ = 0;
    HASH_ADD_KEYPTR(hh, t->head, key, (unsigned)key_len, e);
    (void)index_alloc_;
    return index_oom_ == 0;
}

void csc__htable_add_noalloc(csc__htable_t *t, csc__hentry_t *e, const char *key, size_t key_len)
{
    const csc_allocator_t *index_alloc_ = t->alloc;
    int index_oom_ = 0;
    /* With a table and no bucket expansion, uthash's add allocates nothing. */
    unsigned noexpand = t->head->hh.tbl->noexpand;
    t->head->hh.tbl->noexpand = 1;
    HASH_ADD_KEYPTR(hh, t->head, key, (unsigned)key_len, e);
    t->head->hh.tbl->noexpand = noexpand;
    (void)index_alloc_;
    (void)index_oom_;
}

void csc__htable_settle(csc__htable_t *t)
{
    if (t->head == NULL)
        return;
    UT_hash_table *tbl = t->head->hh.tbl;
    const csc_allocator_t *index_alloc_ = t->alloc;
    int index_oom_ = 0;
    while (index_oom_ == 0 && tbl->num_items > 4u * tbl->num_buckets &&
           tbl->num_buckets < (1u << 30))
        HASH_EXPAND_BUCKETS(hh, tbl, index_oom_);
    (void)index_alloc_;
}

void csc__htable_remove(csc__htable_t *t, csc__hentry_t *e)
{
    const csc_allocator_t *index_alloc_ = t->alloc;
    HASH_DELETE(hh, t->head, e);
    (void)index_alloc_;
}

size_t csc__htable_count(const csc__htable_t *t)
{
    return HASH_COUNT(t->head);
}

csc__hentry_t *csc__htable_first(const csc__htable_t *t)
{
    return t->head;
}

csc__hentry_t *csc__htable_next(const csc__hentry_t *e)
{
    return e != NULL ? (csc__hentry_t *)e->hh.next : NULL;
}

void csc__htable_clear(csc__htable_t *t)
{
    const csc_allocator_t *index_alloc_ = t->alloc;
    HASH_CLEAR(hh, t->head);
    (void)index_alloc_;
}

void csc__htable_free_all(csc__htable_t *t, const csc_allocator_t *alloc, size_t size,
                          size_t (*size_of)(const csc__hentry_t *e))
{
    csc__hentry_t *e = csc__htable_first(t);
    csc__htable_clear(t);
    while (e != NULL) {
        csc__hentry_t *next = csc__htable_next(e);
        csc__free(alloc, e, size_of != NULL ? size_of(e) : size);
        e = next;
    }
}
