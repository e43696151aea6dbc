/*
 * com/progress.c: the client's progress objects seen from the C API. A
 * csc_progress_t whose callbacks call IOfflineFilesSyncProgress (Pin,
 * Unpin, Synchronize) or IOfflineFilesSimpleProgress (DeleteItems): Begin
 * and QueryAbort with their abort answers, SyncItemBegin / ItemBegin and
 * SyncItemResult / ItemResult with paths in UTF-16 and their
 * OFFLINEFILES_OP_RESPONSE answers honoured (C4.5; an answer outside 0-2
 * counts as CONTINUE), End with the call's result. The sink is AddRef'd
 * for the call and Released after End (C14.1). For Synchronize, a failed
 * item's SyncItemResult carries an IOfflineFilesSyncErrorInfo (sync_error.c,
 * C16.5), released when SyncItemResult returns (the client AddRefs it to
 * keep it); a successful item's, and Pin's and Unpin's, carry NULL.
 */
#include <stdlib.h>
#include <string.h>

#include "com_private.h"

/* Both sink interfaces share slots 0-7 (IOfflineFilesProgress, then
 * ItemBegin / SyncItemBegin and ItemResult / SyncItemResult), but their
 * ItemResult differ in arguments, so each has its own callbacks. */

static void cb_begin(void *ud, const csc_event_t *ev, bool *abort)
{
    com_progress_t *p = ud;
    BOOL a = FALSE;
    (void)ev;
    if (p->sync != NULL)
        p->sync->lpVtbl->Begin(p->sync, &a);
    else
        p->simple->lpVtbl->Begin(p->simple, &a);
    *abort = a != FALSE;
}

static void cb_query_abort(void *ud, bool *abort)
{
    com_progress_t *p = ud;
    BOOL a = FALSE;
    if (p->sync != NULL)
        p->sync->lpVtbl->QueryAbort(p->sync, &a);
    else
        p->simple->lpVtbl->QueryAbort(p->simple, &a);
    *abort = a != FALSE;
}

static csc_op_response_t answer(OFFLINEFILES_OP_RESPONSE r)
{
    switch (r) {
    case OFFLINEFILES_OP_RETRY:
        return CSC_OP_RETRY;
    case OFFLINEFILES_OP_ABORT:
        return CSC_OP_ABORT;
    default:
        return CSC_OP_CONTINUE;
    }
}

static csc_op_response_t cb_item_begin(void *ud, const csc_event_t *ev)
{
    com_progress_t *p = ud;
    LPWSTR path;
    if (FAILED(com_wtf8_to_utf16(ev->path, &path)))
        return CSC_OP_CONTINUE;
    OFFLINEFILES_OP_RESPONSE r = OFFLINEFILES_OP_CONTINUE;
    if (p->sync != NULL)
        p->sync->lpVtbl->SyncItemBegin(p->sync, path, &r);
    else
        p->simple->lpVtbl->ItemBegin(p->simple, path, &r);
    free(path);
    return answer(r);
}

static csc_op_response_t cb_item_result(void *ud, const csc_event_t *ev)
{
    com_progress_t *p = ud;
    LPWSTR path;
    if (FAILED(com_wtf8_to_utf16(ev->path, &path)))
        return CSC_OP_CONTINUE;
    OFFLINEFILES_OP_RESPONSE r = OFFLINEFILES_OP_CONTINUE;
    if (p->sync != NULL) {
        /* C16.5: a failed item of Synchronize gets an
         * IOfflineFilesSyncErrorInfo, read now; NULL for a successful item,
         * for Pin and Unpin, and when it cannot be made (out of memory). */
        IOfflineFilesSyncErrorInfo *info = NULL;
        if (p->errors_of != NULL && FAILED(ev->result) &&
            FAILED(com_sync_error_create(p->errors_of, ev->path, ev->result, &p->sync_id,
                                         &info)))
            info = NULL;
        p->sync->lpVtbl->SyncItemResult(p->sync, path, ev->result, info, &r);
        if (info != NULL)
            info->lpVtbl->Release(info);
    } else
        p->simple->lpVtbl->ItemResult(p->simple, path, ev->result, &r);
    free(path);
    return answer(r);
}

static void cb_end(void *ud, const csc_event_t *ev)
{
    com_progress_t *p = ud;
    if (p->sync != NULL)
        p->sync->lpVtbl->End(p->sync, ev->result);
    else
        p->simple->lpVtbl->End(p->simple, ev->result);
}

static void fill(com_progress_t *p, const csc_progress_t **use)
{
    csc_progress_t init = CSC_PROGRESS_INIT;
    p->progress = init;
    p->progress.user_data = p;
    p->progress.begin = cb_begin;
    p->progress.query_abort = cb_query_abort;
    p->progress.item_begin = cb_item_begin;
    p->progress.item_result = cb_item_result;
    p->progress.end = cb_end;
    *use = &p->progress;
}

void com_progress_init_sync(com_progress_t *p, IOfflineFilesSyncProgress *sink,
                            const csc_progress_t **use)
{
    p->errors_of = NULL;
    memset(&p->sync_id, 0, sizeof p->sync_id);
    p->sync = sink;
    p->simple = NULL;
    *use = NULL;
    if (sink != NULL) {
        sink->lpVtbl->AddRef(sink);
        fill(p, use);
    }
}

void com_progress_init_simple(com_progress_t *p, IOfflineFilesSimpleProgress *sink,
                              const csc_progress_t **use)
{
    p->errors_of = NULL;
    memset(&p->sync_id, 0, sizeof p->sync_id);
    p->sync = NULL;
    p->simple = sink;
    *use = NULL;
    if (sink != NULL) {
        sink->lpVtbl->AddRef(sink);
        fill(p, use);
    }
}

void com_progress_sync_errors(com_progress_t *p, csc_cache_t *cache, const GUID *sync_id)
{
    p->errors_of = cache;
    if (sync_id != NULL)
        p->sync_id = *sync_id;
}

void com_progress_done(com_progress_t *p)
{
    if (p->sync != NULL)
        p->sync->lpVtbl->Release(p->sync);
    if (p->simple != NULL)
        p->simple->lpVtbl->Release(p->simple);
    p->sync = NULL;
    p->simple = NULL;
}
