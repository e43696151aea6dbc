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
#include "tree.h"

#include "cscsim/item.h"

bool csc__access_allowed(const csc_cache_t *cache, const csc__caller_t *caller,
                         const struct csc_item *item)
{
    if (cache->acl_count == 0)
        return true;
    for (; item != NULL; item = item->parent) {
        const csc__acl_t *acl = item->acl;
        if (acl == NULL)
            continue;
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
    if (item->acl != NULL) {
        csc__acl_free(cache, item->acl);
        cache->acl_count--;
    }
    item->acl = acl;
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
        csc__leave(cache);
    }
    return hr;
}

bool csc_item_access(const csc_item_t *item, size_t *count)
{
    if (item == NULL || item->acl == NULL)
        return false;
    if (count != NULL)
        *count = item->acl->count;
    return true;
}

const char *csc_item_access_user(const csc_item_t *item, size_t index)
{
    if (item == NULL || item->acl == NULL || index >= item->acl->count)
        return NULL;
    return item->acl->users[index].name;
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
