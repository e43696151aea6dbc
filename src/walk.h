/*
 * src/walk.h (internal): the Pin / Unpin / Synchronize / DeleteItems walk of
 * walk.c and Encrypt's walk of encrypt.c, for the synchronous entry points
 * and for async.c, which runs them on a thread of the operation's own; and
 * what every walk shares (walk.c, encrypt.c, src/remote/sync.c): C4.5's
 * cancellation and events (csc__walk_ctl_t) and the growth of the buffer
 * that holds the current item's display path.
 */
#ifndef CSC_SRC_WALK_H
#define CSC_SRC_WALK_H

#include "cscsim/pin.h"
#include "cscsim/sync.h"

typedef enum csc__walk_op {
    CSC__OP_UNPIN,
    CSC__OP_PIN,
    CSC__OP_SYNC,
    CSC__OP_DELETE
} csc__walk_op_t;

/*
 * What C4.5's cancellation and events need of a walk, shared by walk.c's
 * walk and Synchronize's (src/remote/sync.c): the sink, the cancel tokens
 * (both may be NULL), whether the sink's answers are ignored (C6.4) and
 * whether the walk was cancelled.
 */
typedef struct csc__walk_ctl {
    const csc_progress_t *progress; /* NULL: no events */
    csc_cancel_t *cancel, *cancel2;
    bool has_cancel;     /* a cancel token to check before each item */
    bool ignore_answers; /* AsyncProgress: answers are ignored (C6.4) */
    bool cancelled;
} csc__walk_ctl_t;

static inline void csc__walk_ctl_init(csc__walk_ctl_t *c, const csc_progress_t *progress,
                                      csc_cancel_t *cancel, csc_cancel_t *cancel2,
                                      bool ignore_answers)
{
    c->progress = progress;
    c->cancel = cancel;
    c->cancel2 = cancel2;
    c->has_cancel = cancel != NULL || cancel2 != NULL;
    c->ignore_answers = ignore_answers;
    c->cancelled = false;
}

/* The Begin event (C4.5); its abort flag cancels the walk. */
static inline void csc__walk_begin_event(csc__walk_ctl_t *c)
{
    const csc_progress_t *pr = c->progress;
    if (pr != NULL && pr->begin != NULL) {
        csc_event_t ev = {CSC_EVENT_BEGIN, CSC_S_OK, "", 0};
        bool abort = false;
        pr->begin(pr->user_data, &ev, &abort);
        if (abort && !c->ignore_answers)
            c->cancelled = true;
    }
}

/* The End event with the walk's outcome (C4.7): E_CANCELLED, E_OUTOFMEMORY
 * or S_OK, which it returns. */
static inline csc_hresult csc__walk_end_event(const csc__walk_ctl_t *c, bool out_of_memory)
{
    csc_hresult end = c->cancelled ? CSC_E_CANCELLED
                      : out_of_memory ? CSC_E_OUTOFMEMORY
                                      : CSC_S_OK;
    const csc_progress_t *pr = c->progress;
    if (pr != NULL && pr->end != NULL) {
        csc_event_t ev = {CSC_EVENT_END, end, "", 0};
        pr->end(pr->user_data, &ev);
    }
    return end;
}

/* Step 1 of C4.5 for one item: a cancel token set, or the sink's
 * QueryAbort answering abort, cancels the walk (false). */
static inline bool csc__walk_go_on(csc__walk_ctl_t *c)
{
    if (c->has_cancel &&
        (csc_cancel_requested(c->cancel) || csc_cancel_requested(c->cancel2))) {
        c->cancelled = true;
        return false;
    }
    const csc_progress_t *pr = c->progress;
    if (pr != NULL && pr->query_abort != NULL) {
        bool abort = false;
        pr->query_abort(pr->user_data, &abort);
        if (abort && !c->ignore_answers) {
            c->cancelled = true;
            return false;
        }
    }
    return true;
}

/* Step 2 of C4.5: ItemBegin for path[0..len); ABORT cancels the walk
 * (false), RETRY counts as CONTINUE. */
static inline bool csc__walk_item_begin(csc__walk_ctl_t *c, const char *path, size_t len)
{
    const csc_progress_t *pr = c->progress;
    if (pr != NULL && pr->item_begin != NULL) {
        csc_event_t ev = {CSC_EVENT_ITEM_BEGIN, CSC_S_OK, path, len};
        if (pr->item_begin(pr->user_data, &ev) == CSC_OP_ABORT && !c->ignore_answers) {
            c->cancelled = true;
            return false;
        }
    }
    return true;
}

/* Whether step 6 has an ItemResult to send (the caller may then need the
 * item's path). */
static inline bool csc__walk_wants_result(const csc__walk_ctl_t *c)
{
    return c->progress != NULL && c->progress->item_result != NULL;
}

/* Step 6 of C4.5: ItemResult with the item's result `hr`; returns the
 * answer (CONTINUE without a callback or when answers are ignored). ABORT
 * cancels the walk. */
static inline csc_op_response_t csc__walk_item_result(csc__walk_ctl_t *c, csc_hresult hr,
                                                      const char *path, size_t len)
{
    if (!csc__walk_wants_result(c))
        return CSC_OP_CONTINUE;
    const csc_progress_t *pr = c->progress;
    csc_event_t ev = {CSC_EVENT_ITEM_RESULT, hr, path, len};
    csc_op_response_t r = pr->item_result(pr->user_data, &ev);
    if (c->ignore_answers)
        r = CSC_OP_CONTINUE;
    if (r == CSC_OP_ABORT)
        c->cancelled = true;
    return r;
}

/*
 * Path building for a walk's display paths (walk.c, sync.c): makes room
 * for `len` bytes and a NUL in the buffer *p of *cap bytes (*cap doubled
 * until they fit), keeping its first `keep` bytes; the old buffer is freed
 * when `owned` (allocated from the cache). false when out of memory, the
 * buffer as it was.
 */
bool csc__walk_path_reserve(csc_cache_t *cache, char **p, size_t *cap, size_t keep, size_t len,
                            bool owned);

/* C4.1 validation of the flags alone: S_OK or E_INVALIDARG. */
csc_hresult csc__walk_validate_flags(uint32_t flags, csc__walk_op_t op);

/* C4.1 validation: S_OK or E_INVALIDARG. */
csc_hresult csc__walk_validate(const char *const *paths, size_t count, uint32_t flags,
                              csc__walk_op_t op);

/*
 * Runs a validated call: Begin, the items of each path, End; returns the
 * value of C4.7. Access is checked for `caller` (NULL: the cache's). Both cancel tokens may be NULL. With ignore_answers the
 * sink's answers (abort flags, ABORT, RETRY) are ignored (C6.4).
 */
csc_hresult csc__walk_run(csc_cache_t *cache, const struct csc__caller *caller,
                          const char *const *paths, size_t count, uint32_t flags, bool deep,
                          const csc_progress_t *progress, csc_cancel_t *cancel,
                          csc_cancel_t *cancel2, bool ignore_answers, csc__walk_op_t op);

/*
 * A whole synchronous method call (validation, Admin, the walk, the C5.5
 * pass), made by a caller that has entered the guard (walk.c's entry
 * points, wmi.c).
 */
csc_hresult csc__method_call(csc_cache_t *cache, const char *const *paths, size_t count,
                             uint32_t flags, bool deep, const csc_progress_t *progress,
                             csc_cancel_t *cancel, csc__walk_op_t op);

/* DeleteItemsForUser inside the guard (walk.c): the whole call. */
csc_hresult csc__delete_for_user(csc_cache_t *cache, const char *user,
                                 const char *const *paths, size_t count, uint32_t flags,
                                 const csc_progress_t *progress, csc_cancel_t *cancel);

/* Encrypt (encrypt.c): C15.16's validation of the flags and the sink
 * (S_OK or E_INVALIDARG); the walk of a validated call (configures the
 * cache, Begin, the files, End), with two cancel tokens as csc__walk_run;
 * and the recorder's line for the call. */
csc_hresult csc__encrypt_validate(uint32_t flags, const csc_progress_t *progress);
csc_hresult csc__encrypt_run(csc_cache_t *cache, bool encrypt, const csc_progress_t *progress,
                             csc_cancel_t *cancel, csc_cancel_t *cancel2, bool ignore_answers);
void csc__rec_encrypt(csc_cache_t *cache, bool encrypt, uint32_t flags, csc_hresult hr);

#endif
