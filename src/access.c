/*
 * src/access.c: users and access (C9.1). An item may carry an access list of
 * user names; it applies to the item and everything below that has no list
 * of its own; no list anywhere above means everyone has access. Names
 * compare case-insensitively (simple case folding, as paths). An
 * administrator has no more access than the list gives.
 */
#include <string.h>

#include "alloc.h"
#include "path.h"
#include "record.h"
#include "access.h"
#include "tree.h"

#include "cscsim/item.h"

bool csc__access_allowed(const csc_cache_t *cache, const csc__caller_t *caller,
                         const struct csc_item *item)
{
    if (cache->acl_count == 0)
        return true;
    for (; item != NULL; item = csc__parent(item)) {
        if (item->acl == 0)
            continue;
        const csc__acl_t *acl = cache->acls[item->acl];
        for (size_t i = 0; i < acl->count; i++) {
            if (acl->users[i].key_len == caller->key_len &&
                memcmp(acl->users[i].key, caller->key, caller->key_len) == 0)
                return true;
        }
        return false;
    }
    return true;
}

void csc__acl_free(csc_cache_t *cache, csc__acl_t *acl)
{
    csc__free(&cache->alloc, acl, acl->alloc_size);
}

/* Gives `item` a free slot in cache->acls (its entry still NULL). false:
 * no memory, nothing changed. A slot is free when NULL and no item holds
 * it; an item holds its slot only while it has a list. */
static bool acl_slot(csc_cache_t *cache, struct csc_item *item)
{
    uint32_t slot = 1;
    while (slot < cache->acl_cap && cache->acls[slot] != NULL)
        slot++;
    if (slot >= cache->acl_cap) {
        uint32_t cap = cache->acl_cap < 16 ? 16 : cache->acl_cap * 2;
        csc__acl_t **t = csc__malloc(&cache->alloc, cap * sizeof *t);
        if (t == NULL)
            return false;
        memset(t, 0, cap * sizeof *t);
        if (cache->acl_cap > 0)
            memcpy(t, cache->acls, cache->acl_cap * sizeof *t);
        csc__free(&cache->alloc, cache->acls, cache->acl_cap * sizeof *t);
        cache->acls = t;
        slot = cache->acl_cap < 1 ? 1 : cache->acl_cap;
        cache->acl_cap = cap;
    }
    item->acl = slot;
    return true;
}

static csc_hresult set_access(csc_cache_t *cache, csc_item_t *item, const char *const *users,
                              size_t count)
{
    csc__acl_t *acl = NULL;
    if (users != NULL) {
        /* Size: the array, then each name and its folded form. */
        size_t size = sizeof(csc__acl_t) + count * sizeof(csc__acl_user_t);
        for (size_t i = 0; i < count; i++) {
            if (users[i] == NULL)
                return CSC_E_INVALIDARG;
            size_t len = strlen(users[i]);
            if (len == 0 || !csc__utf8_valid(users[i], len))
                return CSC_E_INVALIDARG; /* before any allocation */
            size += len + 1 + CSC__PATH_KEY_CAP(len);
        }
        acl = csc__malloc(&cache->alloc, size);
        if (acl == NULL)
            return CSC_E_OUTOFMEMORY;
        acl->count = count;
        acl->alloc_size = size;
        char *p = (char *)&acl->users[count];
        for (size_t i = 0; i < count; i++) {
            size_t len = strlen(users[i]);
            memcpy(p, users[i], len + 1);
            acl->users[i].name = p;
            p += len + 1;
            if (!csc__fold_utf8(users[i], len, p, &acl->users[i].key_len)) {
                csc__free(&cache->alloc, acl, size);
                return CSC_E_INVALIDARG;
            }
            acl->users[i].key = p;
            p += CSC__PATH_KEY_CAP(len);
        }
    }
    if (acl != NULL && item->acl == 0 && !acl_slot(cache, item)) {
        csc__free(&cache->alloc, acl, acl->alloc_size);
        return CSC_E_OUTOFMEMORY;
    }
    if (item->acl != 0) {
        if (cache->acls[item->acl] != NULL) {
            csc__acl_free(cache, cache->acls[item->acl]);
            cache->acl_count--;
        }
        cache->acls[item->acl] = acl;
        if (acl == NULL)
            item->acl = 0;
    }
    if (acl != NULL)
        cache->acl_count++;
    return CSC_S_OK;
}

csc_hresult csc_item_set_access(csc_cache_t *cache, csc_item_t *item, const char *const *users,
                                size_t count)
{
    if (cache == NULL || item == NULL)
        return CSC_E_POINTER;
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr == CSC_S_OK) {
        hr = set_access(cache, item, users, count);
        if (CSC__RECORDING(cache))
            csc__rec_access(cache, item, users, count, hr);
        csc__leave(cache);
    }
    return hr;
}

bool csc_item_access(const csc_item_t *item, size_t *count)
{
    if (item == NULL || item->acl == 0)
        return false;
    if (count != NULL)
        *count = csc__cache_of(item)->acls[item->acl]->count;
    return true;
}

const char *csc_item_access_user(const csc_item_t *item, size_t index)
{
    if (item == NULL || item->acl == 0)
        return NULL;
    const csc__acl_t *acl = csc__cache_of(item)->acls[item->acl];
    if (index >= acl->count)
        return NULL;
    return acl->users[index].name;
}

bool csc_cache_caller_has_access(const csc_cache_t *cache, const csc_item_t *item)
{
    if (cache == NULL || item == NULL)
        return false;
    csc__enter(cache, CSC__READ); /* a read: never refused */
    bool allowed = csc__access_allowed(cache, &cache->caller, item);
    csc__leave(cache);
    return allowed;
}
