/*
 * src/rename.c: RenameItemEx and RenameItem (contract C13.2, C15.15,
 * C15.19, C15.21). A rename moves a cached item with its subtree to a new
 * path of the same depth, in the cache only: a server for a server, a share
 * for a share (under any cached server), a directory or file within its
 * share. The validation order is the contract's; RenameItemEx applies the
 * move at once (tree.c, csc__tree_move) and refuses open files below the
 * item; RenameItem needs an administrator, ignores handles and logs the
 * rename, which csc_cache_restart applies after closing every handle,
 * checking the conditions again without the access check and dropping the
 * renames that no longer hold. No eviction pass follows (C15.3).
 */
#include <string.h>

#include "access.h"
#include "alloc.h"
#include "path.h"
#include "record.h"
#include "tree.h"

#include "cscsim/methods.h"

typedef struct norm {
    char *buf;
    size_t size;
    char *display, *key;
    size_t display_len, key_len;
    uint32_t ncomp;
} norm_t;

static csc_hresult norm_make(const csc_allocator_t *a, const char *path, norm_t *n)
{
    size_t in_len = strlen(path);
    size_t dcap = CSC__PATH_DISPLAY_CAP(in_len), kcap = CSC__PATH_KEY_CAP(in_len);
    n->size = dcap + kcap;
    n->buf = csc__malloc(a, n->size);
    if (n->buf == NULL)
        return CSC_E_OUTOFMEMORY;
    n->display = n->buf;
    n->key = n->buf + dcap;
    return csc__path_normalize(path, in_len, n->display, &n->display_len, n->key, &n->key_len,
                               &n->ncomp);
}

static void norm_free(const csc_allocator_t *a, norm_t *n)
{
    csc__free(a, n->buf, n->size);
    n->buf = NULL;
}

/* Offset of the separator that ends component `k` (1-based) of a key or
 * display path ("\\srv\share\x": component 1 ends at the third '\'), or its
 * length when it is the last. */
static size_t comp_end(const char *s, size_t len, uint32_t k)
{
    uint32_t seen = 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] == '\\' && ++seen == k)
            return i;
    return len;
}

/* The checks of C13.2 shared by both methods; on S_OK *item, *parent and the
 * new name (in `nw`) are ready for csc__tree_move. */
static csc_hresult check(csc_cache_t *cache, const char *original, const char *new_path,
                         bool access, bool handles, norm_t *nw, struct csc_item **item,
                         struct csc_item **parent)
{
    if (original == NULL || new_path == NULL)
        return CSC_E_INVALIDARG;
    csc_hresult hr = csc__tree_find(cache, original, item);
    if (hr != CSC_S_OK)
        return hr; /* 0x8007007B, 0x80070002 or E_OUTOFMEMORY */
    if (access && !csc__access_allowed(cache, &cache->caller, *item))
        return CSC_E_ACCESSDENIED; /* C9 */
    hr = norm_make(&cache->alloc, new_path, nw);
    if (hr != CSC_S_OK)
        return hr;
    norm_t og;
    hr = norm_make(&cache->alloc, original, &og);
    if (hr != CSC_S_OK)
        return hr;
    if (og.ncomp != nw->ncomp) {
        hr = CSC_E_INVALIDARG; /* C15.19: another depth */
    } else if (nw->ncomp >= 3) {
        size_t a = comp_end(og.key, og.key_len, 2), b = comp_end(nw->key, nw->key_len, 2);
        if (a != b || memcmp(og.key, nw->key, a) != 0)
            hr = CSC_E_INVALIDARG; /* a directory or file stays in its share */
    }
    if (hr == CSC_S_OK && nw->key_len > og.key_len && nw->key[og.key_len] == '\\' &&
        memcmp(nw->key, og.key, og.key_len) == 0)
        hr = CSC_E_INVALIDARG; /* C15.15: inside its own subtree */
    norm_free(&cache->alloc, &og);
    if (hr != CSC_S_OK)
        return hr;
    /* By the normalised key, never by re-normalising a display prefix: a
     * component kept with a trailing period ("e." of "e..", C1.2 step 6)
     * would lose it as a last component and name another item. */
    if (csc__tree_find_key(cache, nw->key, nw->key_len) != NULL)
        return CSC_E_ALREADY_EXISTS; /* ReplaceIfExists is reserved */
    if (nw->ncomp == 1) {
        *parent = cache->root;
    } else {
        size_t cut = comp_end(nw->key, nw->key_len, nw->ncomp - 1);
        *parent = csc__tree_find_key(cache, nw->key, cut);
        if (*parent == NULL || !csc__is_container(*parent))
            return CSC_HR(0x80070003u); /* ERROR_PATH_NOT_FOUND */
    }
    if (handles) {
        csc_subtree_iter_t it;
        csc_subtree_iter_init(&it, *item);
        csc_item_t *x;
        while ((x = csc_subtree_iter_next(&it)) != NULL)
            if (csc__hot(x)->flags & CSC__F_OPEN)
                return CSC_E_SHARING_VIOLATION;
    }
    return CSC_S_OK;
}

/* The new last component of a checked `nw`: display and folded. */
static csc_hresult apply(csc_cache_t *cache, norm_t *nw, struct csc_item *item,
                         struct csc_item *parent)
{
    size_t dcut = comp_end(nw->display, nw->display_len, nw->ncomp - 1) + 1;
    size_t kcut = comp_end(nw->key, nw->key_len, nw->ncomp - 1) + 1;
    if (nw->ncomp == 1) {
        dcut = 2;
        kcut = 2;
    }
    return csc__tree_move(cache, item, parent, nw->key + kcut, nw->key_len - kcut,
                          nw->display + dcut, nw->display_len - dcut);
}

static csc_hresult rename_locked(csc_cache_t *cache, const char *original,
                                 const char *new_path, bool at_restart)
{
    csc_hresult hr = csc__active_check(cache); /* C13.1: before validation */
    if (hr != CSC_S_OK)
        return hr;
    if (at_restart && !cache->caller.admin)
        return CSC_E_ACCESSDENIED;
    norm_t nw = {0};
    struct csc_item *item = NULL, *parent = NULL;
    hr = check(cache, original, new_path, true, !at_restart, &nw, &item, &parent);
    if (hr == CSC_S_OK && !at_restart)
        hr = apply(cache, &nw, item, parent);
    norm_free(&cache->alloc, &nw);
    if (hr != CSC_S_OK || !at_restart)
        return hr;
    /* RenameItem: logged, applied at the next restart (C15.15). */
    return csc__renames_log(cache, original, new_path);
}

csc_hresult csc__renames_log(csc_cache_t *cache, const char *from, const char *to)
{
    if (cache->rename_count == cache->rename_cap) {
        size_t cap = cache->rename_cap == 0 ? 4 : cache->rename_cap * 2;
        csc__rename_t *r = csc__malloc(&cache->alloc, cap * sizeof *r);
        if (r == NULL)
            return CSC_E_OUTOFMEMORY;
        if (cache->rename_count > 0)
            memcpy(r, cache->renames, cache->rename_count * sizeof *r);
        csc__free(&cache->alloc, cache->renames, cache->rename_cap * sizeof *r);
        cache->renames = r;
        cache->rename_cap = cap;
    }
    char *f = csc__strndup(&cache->alloc, from, strlen(from));
    char *t = csc__strndup(&cache->alloc, to, strlen(to));
    if (f == NULL || t == NULL) {
        if (f != NULL)
            csc__free(&cache->alloc, f, strlen(f) + 1);
        if (t != NULL)
            csc__free(&cache->alloc, t, strlen(t) + 1);
        return CSC_E_OUTOFMEMORY;
    }
    cache->renames[cache->rename_count].from = f;
    cache->renames[cache->rename_count].to = t;
    cache->rename_count++;
    return CSC_S_OK;
}

void csc__renames_clear(csc_cache_t *cache)
{
    for (size_t i = 0; i < cache->rename_count; i++) {
        csc__free(&cache->alloc, cache->renames[i].from, strlen(cache->renames[i].from) + 1);
        csc__free(&cache->alloc, cache->renames[i].to, strlen(cache->renames[i].to) + 1);
    }
    cache->rename_count = 0;
}

csc_hresult csc__renames_apply(csc_cache_t *cache)
{
    csc_hresult result = CSC_S_OK;
    for (size_t i = 0; i < cache->rename_count; i++) {
        norm_t nw = {0};
        struct csc_item *item = NULL, *parent = NULL;
        /* C15.21: the access check is not repeated; handles are closed. */
        csc_hresult hr = check(cache, cache->renames[i].from, cache->renames[i].to, false,
                               false, &nw, &item, &parent);
        if (hr == CSC_S_OK)
            hr = apply(cache, &nw, item, parent);
        norm_free(&cache->alloc, &nw);
        if (hr == CSC_E_OUTOFMEMORY)
            result = hr; /* that rename is lost; the others go on */
    }
    csc__renames_clear(cache);
    return result;
}

static csc_hresult rename_call(csc_cache_t *cache, const char *original, const char *new_path,
                               bool at_restart)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = rename_locked(cache, original, new_path, at_restart);
    if (CSC__RECORDING(cache)) {
        if (original == NULL || new_path == NULL)
            csc__rec_not_expressible(cache, "a rename with a NULL path");
        else
            csc__rec_command(cache, "rename", original, new_path,
                             at_restart ? "restart-time" : NULL, hr);
    }
    csc__leave(cache);
    return hr;
}

csc_hresult csc_rename_item_ex(csc_cache_t *cache, const char *original, const char *new_path,
                               bool replace_if_exists)
{
    (void)replace_if_exists; /* reserved (C13.2) */
    return rename_call(cache, original, new_path, false);
}

csc_hresult csc_rename_item(csc_cache_t *cache, const char *original, const char *new_path,
                            bool replace_if_exists)
{
    (void)replace_if_exists;
    return rename_call(cache, original, new_path, true);
}

size_t csc_cache_pending_renames(const csc_cache_t *cache)
{
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    size_t n = cache->rename_count;
    csc__leave(cache);
    return n;
}

bool csc_cache_pending_rename(const csc_cache_t *cache, size_t index, const char **from,
                              const char **to)
{
    if (from != NULL)
        *from = NULL;
    if (to != NULL)
        *to = NULL;
    if (cache == NULL)
        return false;
    csc__enter(cache, CSC__READ);
    bool ok = index < cache->rename_count;
    if (ok) {
        if (from != NULL)
            *from = cache->renames[index].from;
        if (to != NULL)
            *to = cache->renames[index].to;
    }
    csc__leave(cache);
    return ok;
}
