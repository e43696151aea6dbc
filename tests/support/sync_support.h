/*
 * tests/support/sync_support.h: helpers shared by the test_sync__*
 * executables (contract C12): a Synchronize call with a recorder, the
 * round-2 file states set directly (created offline, deleted offline,
 * sparse, the local change time) as the applications of C11 leave them,
 * and a scripted conflict handler that notes what it was asked.
 */
#ifndef CSC_TEST_SYNC_SUPPORT_H
#define CSC_TEST_SYNC_SUPPORT_H

#include "remote_support.h"
#include "events.h"

#include "remote/fstate.h"
#include "tree.h"

#include "cscsim/sync.h"

#include <stdio.h>
#include <string.h>

#define SYNC_INOUT (CSC_SYNC_FLAG_SYNC_IN | CSC_SYNC_FLAG_SYNC_OUT)

#define T_OFFLINE "The share is currently offline or does not exist."
#define T_FAIL "Unspecified error"
#define T_DISK_FULL "There is not enough space on the disk."
#define R_OFFLINE(p) "3:0x800704EE:" T_OFFLINE ":" p
#define R_FAIL(p) "3:0x80004005:" T_FAIL ":" p
#define R_CANCELLED(p) "3:0x800704C7:" T_CANCELLED ":" p
#define ITEM_OFFLINE(p) IB(p), R_OFFLINE(p)
#define ITEM_FAIL(p) IB(p), R_FAIL(p)

/* A scripted conflict handler: answers `answer` (and `new_name` with
 * KEEPALLCHANGES), remembers the last conflict it was shown. */
typedef struct handler {
    csc_sync_resolve_t answer;
    const char *new_name;
    unsigned calls;
    char path[512];
    uint32_t state_known;
    csc_sync_state_t state;
    uint32_t details;
    csc_cache_t *cache;     /* when set, the handler tries a change */
    csc_hresult change_hr;
} handler_t;

static inline csc_sync_resolve_t handler_cb(void *ud, const csc_conflict_t *c,
                                            const char **new_name)
{
    handler_t *h = ud;
    h->calls++;
    snprintf(h->path, sizeof h->path, "%s", c->path);
    h->state_known = c->state_known;
    h->state = c->state;
    h->details = c->change_details;
    if (h->cache != NULL) /* C14.5: the handler may only read */
        h->change_hr = csc_cache_file(h->cache, "\\\\h\\s\\x.txt", false, 0, NULL);
    *new_name = h->new_name;
    return h->answer;
}

static inline csc_hresult sync_h(csc_cache_t *cache, const char *path, uint32_t flags,
                                 handler_t *h, csc_test_recorder_t *rec)
{
    if (rec != NULL) { /* the events go, the script stays */
        csc_test_recorder_t script = *rec;
        csc_test_recorder_clear(rec);
        rec->abort_at = script.abort_at;
        rec->retry_at = script.retry_at;
        rec->query_abort_at = script.query_abort_at;
        rec->abort_in_begin = script.abort_in_begin;
    }
    csc_sync_options_t o = CSC_SYNC_OPTIONS_INIT;
    o.user_data = h;
    o.resolve_conflict = h != NULL ? handler_cb : NULL;
    csc_hresult hr = csc_synchronize_ex(cache, (const char *[]){path}, 1, flags, &o,
                                        rec != NULL ? &rec->sink : NULL, NULL);
    assert_cache_ok(cache);
    return hr;
}

static inline csc_hresult sync1(csc_cache_t *cache, const char *path, uint32_t flags,
                                csc_test_recorder_t *rec)
{
    return sync_h(cache, path, flags, NULL, rec);
}

static inline csc__fstate_t *fstate_of(csc_cache_t *cache, const char *path)
{
    csc__fstate_t *fs = csc__fstate_make(cache, csc_test_find(cache, path));
    assert_non_null(fs);
    return fs;
}

/* C11.4: a file created offline: dirty, no remote twin, no original. */
static inline void make_created_offline(csc_cache_t *cache, const char *path, uint64_t size)
{
    csc_test_file(cache, path, size);
    assert_int_equal(csc_remote_delete(cache, path), CSC_S_OK);
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, path), size), CSC_S_OK);
    fstate_of(cache, path)->bits |= CSC__FS_CREATED;
    assert_cache_ok(cache);
}

/* C11.5: a file deleted offline: dirty, still cached. */
static inline void make_deleted_offline(csc_cache_t *cache, const char *path)
{
    assert_int_equal(csc_item_modify(cache, csc_test_find(cache, path), 0), CSC_S_OK);
    fstate_of(cache, path)->bits |= CSC__FS_DELETED;
    assert_cache_ok(cache);
}

/* C15.9: the local last change. */
static inline void set_local_time(csc_cache_t *cache, const char *path, uint64_t t)
{
    csc__fstate_t *fs = fstate_of(cache, path);
    fs->bits |= CSC__FS_LOCAL_TIME;
    fs->local_change = t;
}

/* C10.8: sparse (0 bytes held, size kept). */
static inline void make_sparse(csc_cache_t *cache, const char *path)
{
    csc_item_t *it = csc_test_find(cache, path);
    assert_int_equal(csc__fstate_make_sparse(cache, it, csc_item_size(it)), CSC_S_OK);
    assert_cache_ok(cache);
}

static inline bool dirty_of(csc_cache_t *cache, const char *path)
{
    return csc_item_is_dirty(csc_test_find(cache, path));
}

static inline csc_sync_state_t conflict_of(csc_cache_t *cache, const char *path)
{
    return csc_item_conflict(csc_test_find(cache, path));
}

#endif
