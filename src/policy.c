/*
 * src/policy.c: the "administratively assigned offline files" policy and
 * ProcessAdminPinPolicy (cscsim/policy.h, windows-reference §3). The
 * embedder plays Group Policy: csc_admin_pin_policy_set keeps a validated
 * copy of the list (with each path's folded key); processing it runs two
 * walks of walk.c under one guard entry: an Unpin, deep, for the source
 * CSC_PIN_FLAG_FOR_USER_POLICY, of the paths applied earlier that the list
 * no longer covers, then a Pin, deep, for that source, of the list (an
 * uncached path fetched as Pin does, C10.8); each walk on its own sink.
 * The cache keeps the list last applied to know what to unpin. Both lists
 * are configuration and go into the snapshot's methods section
 * (snapshot.c, through the csc__admin_policy_snap_* functions).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "evict.h"
#include "guard.h"
#include "path.h"
#include "policy.h"
#include "record.h"
#include "tree.h"
#include "walk.h"

#include "cscsim/methods.h"
#include "cscsim/snapshot.h"
#include "cscsim/policy.h"

/* One path of a list: as given, and its folded key (C1.3). */
typedef struct apin {
    char *path;
    char *key;
    size_t len, key_len;
} apin_t;

typedef struct apin_list {
    apin_t *v;
    size_t n, cap;
} apin_list_t;

struct csc__admin_policy {
    apin_list_t list;    /* what the embedder set */
    apin_list_t applied; /* what the last processing may have pinned */
};

static void entry_free(const csc_allocator_t *a, apin_t *e)
{
    if (e->path != NULL)
        csc__free(a, e->path, e->len + 1);
    if (e->key != NULL)
        csc__free(a, e->key, e->key_len + 1);
    e->path = e->key = NULL;
}

static void list_free(const csc_allocator_t *a, apin_list_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(a, &l->v[i]);
    if (l->v != NULL)
        csc__free(a, l->v, l->cap * sizeof *l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static csc_hresult list_reserve(const csc_allocator_t *a, apin_list_t *l, size_t cap)
{
    l->v = NULL;
    l->n = 0;
    l->cap = 0;
    if (cap == 0)
        return CSC_S_OK;
    l->v = csc__malloc(a, cap * sizeof *l->v);
    if (l->v == NULL)
        return CSC_E_OUTOFMEMORY;
    l->cap = cap;
    return CSC_S_OK;
}

/* Appends `path` (len bytes, no NUL inside) with its key: S_OK,
 * 0x8007007B for an invalid path, E_OUTOFMEMORY. Room was reserved. */
static csc_hresult list_add(const csc_allocator_t *a, apin_list_t *l, const char *path,
                            size_t len)
{
    char *copy = csc__strndup(a, path, len);
    if (copy == NULL)
        return CSC_E_OUTOFMEMORY;
    csc__path_buf_t pb;
    csc_hresult hr = csc__path_buf_normalize(a, copy, &pb);
    char *key = NULL;
    if (hr == CSC_S_OK) {
        key = csc__strndup(a, pb.key, pb.key_len);
        if (key == NULL)
            hr = CSC_E_OUTOFMEMORY;
    }
    size_t key_len = pb.key_len;
    csc__path_buf_release(a, &pb);
    if (hr != CSC_S_OK) {
        csc__free(a, copy, len + 1);
        return hr;
    }
    l->v[l->n++] = (apin_t){copy, key, len, key_len};
    return CSC_S_OK;
}

/* Whether `p` is `q` or below it (keys compared, C1.3). */
static bool covers(const apin_t *q, const apin_t *p)
{
    return p->key_len >= q->key_len && memcmp(p->key, q->key, q->key_len) == 0 &&
           (p->key_len == q->key_len || p->key[q->key_len] == '\\');
}

static bool covered_by_list(const apin_list_t *l, const apin_t *p)
{
    for (size_t i = 0; i < l->n; i++)
        if (covers(&l->v[i], p))
            return true;
    return false;
}

void csc__admin_policy_free(csc_cache_t *cache)
{
    struct csc__admin_policy *ap = cache->admin_policy;
    if (ap == NULL)
        return;
    list_free(&cache->alloc, &ap->list);
    list_free(&cache->alloc, &ap->applied);
    csc__free(&cache->alloc, ap, sizeof *ap);
    cache->admin_policy = NULL;
}

/* The cache's policy state, made on first use; NULL when out of memory. */
static struct csc__admin_policy *policy_of(csc_cache_t *cache)
{
    if (cache->admin_policy == NULL) {
        struct csc__admin_policy *ap = csc__malloc(&cache->alloc, sizeof *ap);
        if (ap != NULL)
            memset(ap, 0, sizeof *ap);
        cache->admin_policy = ap;
    }
    return cache->admin_policy;
}

static csc_hresult set_locked(csc_cache_t *cache, const char *const *paths, size_t count)
{
    if (count > 0 && paths == NULL)
        return CSC_E_INVALIDARG;
    for (size_t i = 0; i < count; i++)
        if (paths[i] == NULL)
            return CSC_E_INVALIDARG;
    apin_list_t l;
    csc_hresult hr = list_reserve(&cache->alloc, &l, count);
    for (size_t i = 0; hr == CSC_S_OK && i < count; i++)
        hr = list_add(&cache->alloc, &l, paths[i], strlen(paths[i]));
    struct csc__admin_policy *ap = NULL;
    if (hr == CSC_S_OK && (ap = policy_of(cache)) == NULL)
        hr = CSC_E_OUTOFMEMORY;
    if (hr != CSC_S_OK) { /* bad input: the list as it was */
        list_free(&cache->alloc, &l);
        return hr;
    }
    list_free(&cache->alloc, &ap->list);
    ap->list = l;
    return CSC_S_OK;
}

csc_hresult csc_admin_pin_policy_set(csc_cache_t *cache, const char *const *paths, size_t count)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = set_locked(cache, paths, count);
    if (CSC__RECORDING(cache)) {
        char what[128];
        snprintf(what, sizeof what, "csc_admin_pin_policy_set (%zu paths); result 0x%08X",
                 count, (unsigned)(uint32_t)hr);
        csc__rec_not_expressible(cache, what);
    }
    csc__leave(cache);
    return hr;
}

size_t csc_admin_pin_policy_count(const csc_cache_t *cache)
{
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    size_t n = cache->admin_policy != NULL ? cache->admin_policy->list.n : 0;
    csc__leave(cache);
    return n;
}

size_t csc_admin_pin_policy_path(const csc_cache_t *cache, size_t index, char *buf, size_t size)
{
    if (buf != NULL && size > 0)
        buf[0] = '\0';
    if (cache == NULL)
        return 0;
    csc__enter(cache, CSC__READ);
    size_t n = 0;
    const struct csc__admin_policy *ap = cache->admin_policy;
    if (ap != NULL && index < ap->list.n) {
        const apin_t *e = &ap->list.v[index];
        n = e->len;
        if (buf != NULL && size > 0) {
            size_t k = n < size - 1 ? n : size - 1;
            memcpy(buf, e->path, k);
            buf[k] = '\0';
        }
    }
    csc__leave(cache);
    return n;
}

/* A phase that cannot start (the other was cancelled or ran out of
 * memory): its Begin, then End with that outcome, no item. */
static void phase_not_run(const csc_progress_t *progress, csc_hresult outcome)
{
    csc__walk_ctl_t ctl;
    csc__walk_ctl_init(&ctl, progress, NULL, NULL, false);
    csc__walk_begin_event(&ctl);
    ctl.cancelled = outcome == CSC_E_CANCELLED;
    csc__walk_end_event(&ctl, outcome == CSC_E_OUTOFMEMORY);
}

/* Whether a phase's walk stopped the processing. */
static bool stops(csc_hresult hr)
{
    return hr == CSC_E_CANCELLED || hr == CSC_E_OUTOFMEMORY;
}

/* The two phases on a validated call; the applied list follows. */
static csc_hresult process_locked(csc_cache_t *cache, const csc_progress_t *pin_progress,
                                  const csc_progress_t *unpin_progress, csc_cancel_t *cancel)
{
    const csc_allocator_t *a = &cache->alloc;
    struct csc__admin_policy *ap = policy_of(cache);
    if (ap == NULL)
        return CSC_E_OUTOFMEMORY; /* C8.1: nothing happened, no event */
    const apin_list_t *list = &ap->list, *applied = &ap->applied;
    /* Prepared before any event, so that no allocation can fail after one
     * but the walks' own: the paths of each phase and the applied list
     * after a cancelled phase (the union of both lists). */
    size_t nall = list->n + applied->n;
    const char **dropped = NULL, **pins = NULL;
    size_t ndropped = 0;
    apin_list_t next;
    csc_hresult hr = list_reserve(a, &next, nall);
    if (hr == CSC_S_OK && nall > 0) {
        dropped = csc__malloc(a, nall * sizeof *dropped);
        pins = dropped != NULL ? dropped + applied->n : NULL;
        if (dropped == NULL)
            hr = CSC_E_OUTOFMEMORY;
    }
    for (size_t i = 0; hr == CSC_S_OK && i < list->n; i++) {
        pins[i] = list->v[i].path;
        hr = list_add(a, &next, list->v[i].path, list->v[i].len);
    }
    for (size_t i = 0; hr == CSC_S_OK && i < applied->n; i++) {
        const apin_t *e = &applied->v[i];
        if (!covered_by_list(list, e))
            dropped[ndropped++] = e->path;
        bool same = false;
        for (size_t k = 0; k < list->n && !same; k++)
            same = list->v[k].key_len == e->key_len &&
                   memcmp(list->v[k].key, e->key, e->key_len) == 0;
        if (!same)
            hr = list_add(a, &next, e->path, e->len);
    }
    if (hr != CSC_S_OK) {
        list_free(a, &next);
        if (dropped != NULL)
            csc__free(a, dropped, nall * sizeof *dropped);
        return hr;
    }

    const uint32_t src = CSC_PIN_FLAG_FOR_USER_POLICY;
    /* 1. unpin what the list no longer covers; per-item results go to the
     * unpin sink only. */
    csc_hresult uhr = CSC_E_CANCELLED; /* a token set before the call ends both */
    if (!csc_cancel_requested(cancel))
        uhr = csc__walk_run(cache, NULL, dropped, ndropped, src, true, unpin_progress, cancel,
                            NULL, false, CSC__OP_UNPIN);
    else
        phase_not_run(unpin_progress, uhr);
    /* 2. pin the list, unless the unpin phase was cancelled. */
    if (stops(uhr)) {
        phase_not_run(pin_progress, uhr);
        hr = uhr;
    } else {
        hr = csc__walk_run(cache, NULL, pins, list->n, src, true, pin_progress, cancel, NULL,
                           false, CSC__OP_PIN);
    }
    csc__free(a, dropped, nall * sizeof *dropped);

    if (!stops(hr)) { /* both complete: applied is the list */
        for (size_t i = list->n; i < next.n; i++)
            entry_free(a, &next.v[i]);
        next.n = list->n;
    }
    list_free(a, &ap->applied);
    ap->applied = next;
    return hr;
}

static csc_hresult process_call(csc_cache_t *cache, const csc_progress_t *pin_progress,
                                const csc_progress_t *unpin_progress, csc_cancel_t *cancel)
{
    /* C13.1: refused while the feature is not active; no pass (C15.3). */
    csc_hresult hr = csc__active_check(cache);
    if (hr != CSC_S_OK)
        return hr;
    if ((pin_progress != NULL && pin_progress->version > CSC_PROGRESS_VERSION) ||
        (unpin_progress != NULL && unpin_progress->version > CSC_PROGRESS_VERSION))
        hr = CSC_E_INVALIDARG; /* a sink newer than this library, no event */
    else
        hr = process_locked(cache, pin_progress, unpin_progress, cancel);
    csc__policy_after(cache); /* C15.3: the eviction pass follows */
    return hr;
}

csc_hresult csc_process_admin_pin_policy(csc_cache_t *cache, const csc_progress_t *pin_progress,
                                         const csc_progress_t *unpin_progress,
                                         csc_cancel_t *cancel)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE); /* E_POINTER, C14.5, C6.6 */
    if (hr != CSC_S_OK)
        return hr;
    hr = process_call(cache, pin_progress, unpin_progress, cancel);
    if (CSC__RECORDING(cache)) {
        char what[128];
        size_t n = cache->admin_policy != NULL ? cache->admin_policy->list.n : 0;
        snprintf(what, sizeof what,
                 "csc_process_admin_pin_policy (%zu policy paths); result 0x%08X", n,
                 (unsigned)(uint32_t)hr);
        csc__rec_not_expressible(cache, what);
    }
    csc__leave(cache);
    return hr;
}

/* ---- snapshot (snapshot.c's methods section) ---------------------------- */

bool csc__admin_policy_snap_needed(const csc_cache_t *cache)
{
    const struct csc__admin_policy *ap = cache->admin_policy;
    return ap != NULL && (ap->list.n != 0 || ap->applied.n != 0);
}

static size_t list_bytes(const apin_list_t *l)
{
    size_t n = 4;
    for (size_t i = 0; i < l->n; i++)
        n += 4 + l->v[i].len;
    return n;
}

size_t csc__admin_policy_snap_bytes(const csc_cache_t *cache)
{
    const struct csc__admin_policy *ap = cache->admin_policy;
    return ap == NULL ? 8 : list_bytes(&ap->list) + list_bytes(&ap->applied);
}

static unsigned char *put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        *p++ = (unsigned char)(v >> (8 * i));
    return p;
}

static unsigned char *write_list(const apin_list_t *l, unsigned char *p)
{
    p = put_u32(p, (uint32_t)l->n);
    for (size_t i = 0; i < l->n; i++) {
        p = put_u32(p, (uint32_t)l->v[i].len);
        memcpy(p, l->v[i].path, l->v[i].len);
        p += l->v[i].len;
    }
    return p;
}

unsigned char *csc__admin_policy_snap_write(const csc_cache_t *cache, unsigned char *p)
{
    static const apin_list_t empty = {NULL, 0, 0};
    const struct csc__admin_policy *ap = cache->admin_policy;
    p = write_list(ap != NULL ? &ap->list : &empty, p);
    return write_list(ap != NULL ? &ap->applied : &empty, p);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static csc_hresult read_list(const csc_allocator_t *a, apin_list_t *l, const unsigned char **pp,
                             const unsigned char *end)
{
    const unsigned char *p = *pp;
    if (end - p < 4)
        return CSC_E_FILE_CORRUPT;
    uint32_t n = get_u32(p);
    p += 4;
    if (n > (size_t)(end - p) / 4u)
        return CSC_E_FILE_CORRUPT;
    csc_hresult hr = list_reserve(a, l, n);
    for (uint32_t i = 0; hr == CSC_S_OK && i < n; i++) {
        if (end - p < 4) {
            hr = CSC_E_FILE_CORRUPT;
            break;
        }
        uint32_t len = get_u32(p);
        p += 4;
        if ((size_t)(end - p) < len || memchr(p, '\0', len) != NULL) {
            hr = CSC_E_FILE_CORRUPT;
            break;
        }
        hr = list_add(a, l, (const char *)p, len);
        if (hr == CSC_E_INVALID_NAME)
            hr = CSC_E_FILE_CORRUPT;
        p += len;
    }
    *pp = p;
    return hr;
}

csc_hresult csc__admin_policy_snap_read(csc_cache_t *cache, const unsigned char **p,
                                        const unsigned char *end)
{
    struct csc__admin_policy *ap = policy_of(cache);
    if (ap == NULL)
        return CSC_E_OUTOFMEMORY;
    csc_hresult hr = read_list(&cache->alloc, &ap->list, p, end);
    if (hr == CSC_S_OK)
        hr = read_list(&cache->alloc, &ap->applied, p, end);
    return hr;
}
