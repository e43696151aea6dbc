/*
 * src/encrypt.c: Encrypt and GetEncryptionStatus (contract C13.4, C15.16).
 * The cache keeps its configured state (cache->encrypted: what the last
 * Encrypt asked for); a file's hot record keeps one bit, CSC__F_ENC_DIFF,
 * set when the file's encryption differs from the configured state, so a
 * file cached later follows the configuration with no work when it arrives.
 * Encrypt walks every cached file in walk order (C2.3) with Pin's events for
 * files only (C4.2, C4.5 steps 1, 2 and 6: cancel token, query_abort,
 * ItemBegin, ItemResult with RETRY and ABORT); an open file fails with
 * 0x80070020 and keeps its state. A cancelled call does not roll back
 * (Windows: "partially encrypted"): the walk goes on silently to re-base
 * the bits of the files it did not reach. No eviction pass follows (C15.3).
 * The walk (csc__encrypt_run) is shared with csc_encrypt_async (async.c).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "record.h"
#include "tree.h"
#include "walk.h"

#include "cscsim/methods.h"

bool csc__encrypted(const struct csc_item *item)
{
    const csc__hot_t *h = csc__hot(item);
    if (h->type != CSC_ITEM_FILE)
        return false;
    return csc__cache_of(item)->encrypted != ((h->flags & CSC__F_ENC_DIFF) != 0);
}

bool csc_item_is_encrypted(const csc_item_t *item)
{
    return item != NULL && csc__encrypted(item);
}

static void set_actual(csc__hot_t *h, bool actual, bool configured)
{
    if (actual != configured)
        h->flags |= CSC__F_ENC_DIFF;
    else
        h->flags &= (uint8_t)~CSC__F_ENC_DIFF;
}

typedef struct enc_walk {
    csc_cache_t *cache;
    csc__walk_ctl_t ctl; /* the sink, the tokens (walk.h) */
    bool oom;
    char *path;
    size_t cap;
} enc_walk_t;

/* One file through C4.5's steps; false when the call stops. `actual` is
 * the file's state, updated. */
static bool process(enc_walk_t *w, csc_item_t *item, bool target, bool *actual)
{
    size_t len = 0;
    if (w->ctl.progress != NULL) {
        len = csc__item_path_len(item);
        if (len + 1 > w->cap &&
            !csc__walk_path_reserve(w->cache, &w->path, &w->cap, 0, len, true)) {
            w->oom = true;
            return false;
        }
        csc_item_path(item, w->path, w->cap);
    }
    for (;;) {
        if (!csc__walk_go_on(&w->ctl) || !csc__walk_item_begin(&w->ctl, w->path, len))
            return false;
        csc_hresult hr = CSC_S_OK;
        if (csc__hot(item)->flags & CSC__F_OPEN)
            hr = CSC_E_SHARING_VIOLATION; /* the file keeps its state */
        else
            *actual = target;
        csc_op_response_t r = csc__walk_item_result(&w->ctl, hr, w->path, len);
        if (r == CSC_OP_ABORT)
            return false;
        if (r == CSC_OP_RETRY)
            continue;
        return true;
    }
}

csc_hresult csc__encrypt_validate(uint32_t flags, const csc_progress_t *progress)
{
    if ((flags & ~CSC_ENCRYPT_FLAGS_VALID) != 0 ||
        (progress != NULL && progress->version > CSC_PROGRESS_VERSION))
        return CSC_E_INVALIDARG; /* C15.16: a rejected call changes nothing */
    return CSC_S_OK;
}

csc_hresult csc__encrypt_run(csc_cache_t *cache, bool encrypt, const csc_progress_t *progress,
                             csc_cancel_t *cancel, csc_cancel_t *cancel2, bool ignore_answers)
{
    csc_hresult hr;
    enc_walk_t w = {.cache = cache};
    csc__walk_ctl_init(&w.ctl, progress, cancel, cancel2, ignore_answers);
    if (progress != NULL) { /* C8.1: before anything happens */
        w.cap = 256;
        w.path = csc__malloc(&cache->alloc, w.cap);
        if (w.path == NULL)
            return CSC_E_OUTOFMEMORY;
        w.path[0] = '\0';
    }
    bool old = cache->encrypted;
    cache->encrypted = encrypt; /* files cached later follow it (C15.16) */
    csc__walk_begin_event(&w.ctl);
    csc_subtree_iter_t it;
    csc_cache_iter_init(&it, cache);
    csc_item_t *item;
    while ((item = csc_subtree_iter_next(&it)) != NULL) {
        csc__hot_t *h = csc__hot(item);
        if (h->type != CSC_ITEM_FILE)
            continue;
        bool actual = old != ((h->flags & CSC__F_ENC_DIFF) != 0);
        if (!w.ctl.cancelled && !w.oom)
            process(&w, item, encrypt, &actual);
        set_actual(h, actual, encrypt);
    }
    hr = csc__walk_end_event(&w.ctl, w.oom);
    csc__free(&cache->alloc, w.path, w.cap);
    return hr;
}

static csc_hresult encrypt_locked(csc_cache_t *cache, bool encrypt, uint32_t flags,
                                  const csc_progress_t *progress, csc_cancel_t *cancel)
{
    csc_hresult hr = csc__active_check(cache); /* C13.1: before validation */
    if (hr == CSC_S_OK)
        hr = csc__encrypt_validate(flags, progress);
    if (hr == CSC_S_OK)
        hr = csc__encrypt_run(cache, encrypt, progress, cancel, NULL,
                              (flags & CSC_ENCRYPT_FLAG_ASYNC_PROGRESS) != 0);
    return hr;
}

void csc__rec_encrypt(csc_cache_t *cache, bool encrypt, uint32_t flags, csc_hresult hr)
{
    char tail[32];
    snprintf(tail, sizeof tail, "flags=0x%X", (unsigned)flags);
    csc__rec_command(cache, encrypt ? "encrypt on" : "encrypt off", NULL, NULL,
                     flags != 0 ? tail : NULL, hr);
}

csc_hresult csc_encrypt(csc_cache_t *cache, bool encrypt, uint32_t flags,
                        const csc_progress_t *progress, csc_cancel_t *cancel)
{
    csc_hresult hr = csc__enter(cache, CSC__WRITE);
    if (hr != CSC_S_OK)
        return hr;
    hr = encrypt_locked(cache, encrypt, flags, progress, cancel);
    if (CSC__RECORDING(cache))
        csc__rec_encrypt(cache, encrypt, flags, hr);
    csc__leave(cache);
    return hr;
}

static void status(const csc_cache_t *cache, bool *encrypted, bool *partial)
{
    if (encrypted != NULL)
        *encrypted = cache->encrypted;
    if (partial == NULL)
        return;
    *partial = false;
    csc_subtree_iter_t it;
    csc_cache_iter_init(&it, cache);
    csc_item_t *item;
    while ((item = csc_subtree_iter_next(&it)) != NULL)
        if (csc__hot(item)->flags & CSC__F_ENC_DIFF) {
            *partial = true;
            return;
        }
}

csc_hresult csc_get_encryption_status(const csc_cache_t *cache, bool *encrypted, bool *partial)
{
    csc_hresult hr = csc__enter(cache, CSC__QUERY);
    if (hr != CSC_S_OK)
        return hr;
    hr = csc__active_check(cache);
    if (hr == CSC_S_OK)
        status(cache, encrypted, partial);
    csc__leave(cache);
    return hr;
}

void csc_cache_encryption_state(const csc_cache_t *cache, bool *encrypted, bool *partial)
{
    if (encrypted != NULL)
        *encrypted = false;
    if (partial != NULL)
        *partial = false;
    if (cache == NULL)
        return;
    csc__enter(cache, CSC__READ);
    status(cache, encrypted, partial);
    csc__leave(cache);
}
